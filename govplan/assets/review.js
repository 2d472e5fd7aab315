// govplan review page: item → its text, highlight → its record, filter by unit, warnings' links.
// Every value is written with textContent: the records are data, never markup.
(function () {
  "use strict";
  var records = JSON.parse(document.getElementById("records").textContent);
  var text = document.getElementById("text");
  var details = document.getElementById("details");
  var filter = document.getElementById("unit-filter");
  var KIND = { item: "Item", unit: "Unit", deadline: "Deadline", milestone: "Milestone", target: "Target",
               warning: "Warning" };
  var ROLE = { lead: "lead 牵头", responsible: "responsible 负责", cooperating: "cooperating 配合" };
  var FIELDS = ["path", "title", "name", "role", "qualified", "owner", "raw", "due", "precision", "ongoing", "modifier",
                "comparator", "value", "unit", "by", "code", "message", "item_kind", "task", "units", "owners",
                "deadline", "same_as"];

  function all(selector) { return Array.prototype.slice.call(document.querySelectorAll(selector)); }
  function unmark(cls) { all("." + cls).forEach(function (e) { e.classList.remove(cls); }); }
  function mark(selector, cls) { var els = all(selector); els.forEach(function (e) { e.classList.add(cls); }); return els; }

  function describe(id) {
    var r = records[id], box = document.createElement("div"), h = document.createElement("h4");
    var dl = document.createElement("dl");
    box.className = "record";
    box.setAttribute("data-of", id);
    h.textContent = KIND[r.kind] + (r.kind === "unit" ? " · " + ROLE[r.role] : "");
    box.appendChild(h);
    FIELDS.forEach(function (k) {
      var v = r[k];
      if (v === null || v === undefined || v === "" || (Array.isArray(v) && !v.length)) { return; }
      if (k === "role") { v = ROLE[v]; }
      var dt = document.createElement("dt"), dd = document.createElement("dd");
      dt.textContent = k;
      dd.textContent = Array.isArray(v) ? v.join("、") : String(v);
      dl.appendChild(dt);
      dl.appendChild(dd);
    });
    if (r.span) {
      var dt = document.createElement("dt"), dd = document.createElement("dd");
      dt.textContent = "line";
      dd.textContent = r.span.line === r.span.end_line ? r.span.line : r.span.line + "–" + r.span.end_line;
      dl.appendChild(dt);
      dl.appendChild(dd);
    }
    box.appendChild(dl);
    if (r.kind === "item") {
      var go = document.createElement("a");
      go.href = "#";
      go.textContent = "→ show in the text";
      go.addEventListener("click", function (e) { e.preventDefault(); selectItem(id); });
      box.appendChild(go);
    } else if (r.item) {
      var a = document.createElement("a");
      a.href = "#";
      a.textContent = "→ item " + r.path;
      a.addEventListener("click", function (e) { e.preventDefault(); selectItem(r.item); });
      box.appendChild(a);
    }
    return box;
  }

  function show(ids) {
    details.textContent = "";
    ids.forEach(function (id) { details.appendChild(describe(id)); });
  }

  function selectItem(id) {
    unmark("outlined");
    unmark("current");
    unmark("active");
    var frags = mark('#text [data-item="' + id + '"]', "outlined");
    var node = mark('#tree [data-item="' + id + '"]', "current");
    if (frags.length) { frags[0].scrollIntoView({ block: "center" }); }
    if (node.length) { node[0].scrollIntoView({ block: "nearest" }); }
    show([id].concat(Object.keys(records).filter(function (k) { return records[k].item === id; })));
  }

  function selectRecords(ids) {
    unmark("active");
    ids.forEach(function (id) { mark('#text [data-rec="' + id + '"]', "active"); });
    show(ids);
  }

  document.getElementById("tree").addEventListener("click", function (e) {
    var a = e.target.closest("a.node");
    if (!a) { return; }
    e.preventDefault();
    selectItem(a.getAttribute("data-item"));
  });

  text.addEventListener("click", function (e) {
    var ids = [], item = null;
    for (var el = e.target; el && el !== text; el = el.parentElement) {
      if (el.hasAttribute("data-rec")) { ids.push(el.getAttribute("data-rec")); }
      if (!item && el.hasAttribute("data-item")) { item = el.getAttribute("data-item"); }
    }
    if (ids.length) { selectRecords(ids); } else if (item) { selectItem(item); }
  });

  document.getElementById("warnings").addEventListener("click", function (e) {
    var a = e.target.closest("a.warn");
    if (!a) { return; }
    e.preventDefault();
    var id = a.getAttribute("data-rec");
    var frags = all('#text [data-rec="' + id + '"]');
    if (frags.length) { frags[0].scrollIntoView({ block: "center" }); }
    selectRecords([id]);
  });

  filter.addEventListener("change", function () {
    var name = filter.value;
    unmark("dim");
    unmark("picked");
    if (!name) { details.textContent = ""; return; }
    var keep = {}, n = 0;
    Object.keys(records).forEach(function (k) {
      var r = records[k];
      if (r.kind === "item" && r.units.indexOf(name) >= 0) { keep[k] = true; n += 1; }
      if (r.kind === "unit" && r.name === name) { mark('#text [data-rec="' + k + '"]', "picked"); }
    });
    all("#tree a.node, #text [data-item]").forEach(function (e) {
      if (!keep[e.getAttribute("data-item")]) { e.classList.add("dim"); }
    });
    var head = document.createElement("p");
    head.textContent = name + ": " + n + " item(s)";
    details.textContent = "";
    details.appendChild(head);
    Object.keys(keep).forEach(function (k) { details.appendChild(describe(k)); });
  });
}());
