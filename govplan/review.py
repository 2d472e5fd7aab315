"""The review page: one self-contained HTML file to check a plan's records against its text.

The source text (exactly the text govplan extracted, which every span points into) is shown with
each unit, deadline, milestone, target and warning highlighted at its span, beside the item tree.
Highlights are rendered here, in Python, so the page needs no script to show them; its small inline
script only adds the clicks (an item to its text, a highlight to its record), the filter by unit
and the warnings' links. Nothing is fetched: the page works from ``file://`` and offline.

Escaping: the text and every value go through ``html.escape``; the records the script reads are
JSON inside ``<script type="application/json">`` with ``<``, ``>`` and ``&`` written as ``\\u`` escapes,
so a plan that contains ``</script>`` or quotes is shown as text.

Highlights may overlap (a warning over a unit, a milestone on its deadline): they are nested where
they nest and split into fragments sharing one ``data-rec`` where they cross, so each record is one
highlight however many elements it takes.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from typing import Any

from .export import walk_items
from .records import Document, Item, Span

# What is drawn, outermost first where two spans coincide.
_LAYER = {"item": 0, "warning": 1, "unit": 2, "deadline": 2, "target": 2, "milestone": 3}
ROLE_NAMES = {"lead": "牵头", "responsible": "负责", "cooperating": "配合"}
# Characters HTML cannot carry as text (C0 controls but tab and line breaks, lone surrogates):
# shown as U+FFFD, one for one.
_UNSAFE_RX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


@dataclass(frozen=True)
class _Mark:
    start: int
    end: int
    layer: int
    order: int  # document order of the record, for a stable nesting
    tag: str  # the opening tag


def _esc(text: str) -> str:
    return html.escape(_UNSAFE_RX.sub("\ufffd", text), quote=False)


def _esc_part(text: str, a: int, b: int) -> str:
    """``text[a:b]`` as HTML text, line ends as LF (as a browser would read them, but also where a
    highlight closes between the CR and the LF of one line end)."""
    part = text[a:b]
    if "\r" in part:
        if part.endswith("\r") and text[b:b + 1] == "\n":
            part = part[:-1]
        part = part.replace("\r\n", "\n").replace("\r", "\n")
    return _esc(part)


def _attr(text: str) -> str:
    return html.escape(_UNSAFE_RX.sub("\ufffd", text), quote=True)


def _span(s: Span | None) -> dict[str, int] | None:
    return None if s is None else {"start": s.start, "end": s.end, "line": s.start_line, "end_line": s.end_line}


class _Collector:
    """Records with ids (``u3``, ``d1``, ``m2``, ``t5``, ``w4``, items ``i7``) and their marks."""

    def __init__(self, text_len: int) -> None:
        self.text_len = text_len
        self.marks: list[_Mark] = []
        self.records: dict[str, dict[str, Any]] = {}
        self.counts: Counter[str] = Counter()

    def add(self, kind: str, span: Span | None, data: dict[str, Any], css: str = "") -> str:
        self.counts[kind] += 1
        rid = f"{kind[0] if kind != 'item' else 'i'}{self.counts[kind]}"
        data = {"kind": kind, **data, "span": _span(span)}
        self.records[rid] = data
        if span is not None:
            a = min(span.start, self.text_len)
            b = min(max(span.end, a), self.text_len)
            if kind == "item":
                tag = f'<span class="it" data-item="{rid}">'
            else:
                tag = f'<mark class="hl {kind}{(" " + css) if css else ""}" data-rec="{rid}">'
            self.marks.append(_Mark(a, b, _LAYER[kind], len(self.marks), tag))
        return rid


def _close(tag: str) -> str:
    return "</span>" if tag.startswith("<span") else "</mark>"


def highlight(text: str, marks: list[_Mark]) -> str:
    """``text`` as HTML with every mark around its span: nested where spans nest, split into
    fragments where they cross (each fragment repeats the opening tag)."""
    opening: dict[int, list[_Mark]] = {}
    empty: dict[int, list[_Mark]] = {}
    for m in marks:
        (empty if m.end <= m.start else opening).setdefault(m.start, []).append(m)
    for group in opening.values():
        group.sort(key=lambda m: (-m.end, m.layer, m.order))
    ends = {m.end for ms in opening.values() for m in ms}
    bounds = sorted(set(opening) | set(empty) | ends)
    out: list[str] = []
    stack: list[_Mark] = []
    pos = 0
    for b in bounds:
        if b > pos:
            out.append(_esc_part(text, pos, b))
            pos = b
        if any(m.end == b for m in stack):
            # close from the top down to the lowest mark that ends here, then reopen the survivors
            low = next(k for k, m in enumerate(stack) if m.end == b)
            popped = stack[low:]
            del stack[low:]
            out.extend(_close(m.tag) for m in reversed(popped))
            for m in popped:
                if m.end > b:
                    out.append(m.tag)
                    stack.append(m)
        for m in sorted(empty.get(b, []), key=lambda m: (m.layer, m.order)):
            out.append(m.tag.replace('class="', 'class="empty ', 1) + _close(m.tag))
        for m in opening.get(b, []):
            out.append(m.tag)
            stack.append(m)
    out.append(_esc_part(text, pos, len(text)))
    out.extend(_close(m.tag) for m in reversed(stack))
    return "".join(out)


def _item_data(it: Item, plan: int) -> dict[str, Any]:
    d = it.deadline
    return {"plan": plan, "path": " > ".join(it.path), "title": it.title, "item_kind": it.kind, "task": it.task,
            "units": [u.name for u in it.units], "owners": it.owners,
            "deadline": d.raw if d else None, "due": d.due.isoformat() if d and d.due else None,
            "same_as": " > ".join(it.same_as) if it.same_as else None}


def _collect(doc: Document, text_len: int) -> tuple[_Collector, list[list[tuple[Item, str]]]]:
    """Every record of ``doc`` with its id; per plan, its items in document order with theirs."""
    col = _Collector(text_len)
    plan_items: list[list[tuple[Item, str]]] = []
    for k, plan in enumerate(doc.plans):
        items: list[tuple[Item, str]] = []
        for it in walk_items(plan.items):
            iid = col.add("item", it.span, _item_data(it, k))
            items.append((it, iid))
            where = {"item": iid, "path": " > ".join(it.path)}
            for u in it.units:
                col.add("unit", u.span, {**where, "name": u.name, "role": u.role, "raw": u.raw,
                                         "qualified": u.qualified, "owner": u.name in it.owners}, u.role)
            if it.deadline is not None:
                d = it.deadline
                col.add("deadline", d.span, {**where, "raw": d.raw, "due": d.due.isoformat() if d.due else None,
                                             "precision": d.precision, "ongoing": d.ongoing,
                                             "modifier": d.modifier})
            for m in it.milestones:
                col.add("milestone", m.span, {**where, "raw": m.raw, "due": m.due.isoformat(),
                                              "precision": m.precision})
            for t in it.targets:
                col.add("target", t.span, {**where, "raw": t.raw, "value": t.value, "unit": t.unit,
                                           "comparator": t.comparator, "by": t.by})
        plan_items.append(items)
    for k, plan in enumerate(doc.plans):
        for w in plan.warnings:
            col.add("warning", w.span, {"plan": k, "code": w.code, "message": w.message,
                                        "path": " > ".join(w.path) if w.path else None})
    for w in doc.warnings:
        col.add("warning", w.span, {"plan": None, "code": w.code, "message": w.message, "path": None})
    return col, plan_items


def _tree(items: list[Item], ids: dict[int, str]) -> str:
    """Items as nested lists, each a link to its text."""
    out = ['<ul class="tree">']
    for it in items:
        units = "、".join(u.name for u in it.units)
        due = it.deadline.raw if it.deadline else ""
        flags = (" task" if it.task else "") + (" same" if it.same_as else "")
        out.append(f'<li><a href="#" class="node{flags}" data-item="{ids[id(it)]}">'
                   f'<span class="path">{_esc(it.number or "".join(it.path[-1:]))}</span> {_esc(it.title)}</a>')
        if units or due:
            out.append(f'<div class="meta">{_esc(units)}{" · " if units and due else ""}{_esc(due)}</div>')
        if it.children:
            out.append(_tree(it.children, ids))
        out.append("</li>")
    out.append("</ul>")
    return "".join(out)


def _json_script(data: Any) -> str:
    """JSON that is safe inside ``<script type="application/json">`` (no ``</script>``, no ``<!--``)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = _UNSAFE_RX.sub("\ufffd", text)
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _asset(name: str) -> str:
    return resources.files("govplan").joinpath("assets", name).read_text(encoding="utf-8")


def counts(doc: Document) -> dict[str, int]:
    """What the page's header counts: items, tasks, units (distinct names) and their mentions,
    deadlines, milestones, targets, warnings."""
    c: Counter[str] = Counter()
    names: set[str] = set()
    for plan in doc.plans:
        c["warnings"] += len(plan.warnings)
        for it in walk_items(plan.items):
            c["items"] += 1
            c["tasks"] += it.task
            c["unit mentions"] += len(it.units)
            names.update(u.name for u in it.units)
            c["deadlines"] += it.deadline is not None
            c["milestones"] += len(it.milestones)
            c["targets"] += len(it.targets)
    c["warnings"] += len(doc.warnings)
    c["units"] = len(names)
    return {k: c[k] for k in ("items", "tasks", "units", "unit mentions", "deadlines", "milestones", "targets",
                              "warnings")}


def review_html(text: str, doc: Document) -> str:
    """The review page of ``doc``; ``text`` is the source text its spans point into
    (``pipeline.run(...).raw.text``)."""
    col, plan_items = _collect(doc, len(text))
    body = highlight(text, col.marks)
    src = doc.source
    title = next((p.title for p in doc.plans if p.title), None) or src.path or "standard input"
    n = counts(doc)
    stats = "".join(f'<span class="count" data-count="{_attr(k)}"><b>{v}</b> {_esc(k)}</span>' for k, v in n.items())
    plans = []
    for k, (plan, items) in enumerate(zip(doc.plans, plan_items, strict=True)):
        head = " · ".join(_esc(x) for x in (plan.title or f"plan {k + 1}", plan.issuer, plan.doc_number,
                                             plan.issued.isoformat() if plan.issued else None) if x)
        ids = {id(it): iid for it, iid in items}
        plans.append(f'<section class="plan"><h3>{head}</h3>{_tree(plan.items, ids)}</section>')
    unit_counts = Counter(r["name"] for r in col.records.values() if r["kind"] == "unit")
    options = "".join(f'<option value="{_attr(name)}">{_esc(name)} ({c})</option>'
                      for name, c in sorted(unit_counts.items(), key=lambda kv: (-kv[1], kv[0])))
    warnings = []
    for rid, r in col.records.items():
        if r["kind"] != "warning":
            continue
        where = " · ".join(x for x in (r["path"], f"line {r['span']['line']}" if r["span"] else None) if x)
        label = f'<b>{_esc(r["code"])}</b> {_esc(r["message"])}' + (f' <i>{_esc(where)}</i>' if where else "")
        warnings.append(f'<li><a href="#" class="warn" data-rec="{rid}">{label}</a></li>' if r["span"]
                        else f"<li>{label}</li>")
    source = " · ".join(_esc(x) for x in (
        src.path or "standard input", src.format + (f" ({src.reader})" if src.reader else ""),
        f"{src.encoding}", f"{src.script} script", f"govplan {doc.govplan_version}") if x)
    legend = "".join(f'<mark class="hl {css}">{label}</mark>' for css, label in (
        ("unit lead", "牵头 lead"), ("unit responsible", "负责 responsible"), ("unit cooperating", "配合 cooperating"),
        ("deadline", "时限 deadline"), ("milestone", "节点 milestone"), ("target", "目标 target"),
        ("warning", "警告 warning")))
    return _PAGE.format(
        title=_esc(title), css=_asset("review.css"), js=_asset("review.js"), source=source, stats=stats,
        legend=legend, options=options, plans="".join(plans) or "<p>No items were found.</p>",
        warnings="".join(warnings) or "<li>none</li>", nwarnings=len(warnings), text=body,
        records=_json_script(col.records))


_PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="govplan review">
<title>{title} · govplan review</title>
<style>
{css}
</style>
</head>
<body>
<header>
<h1>{title}</h1>
<div class="source">{source}</div>
<div class="stats">{stats}</div>
<div class="legend">{legend}</div>
</header>
<main>
<nav id="side">
<label>Filter by unit <select id="unit-filter"><option value="">all units</option>{options}</select></label>
<div id="tree">{plans}</div>
<h2>Warnings ({nwarnings})</h2>
<ul id="warnings">{warnings}</ul>
</nav>
<article id="text">{text}</article>
<aside id="details"><p class="hint">Click an item or a highlight.</p></aside>
</main>
<script type="application/json" id="records">{records}</script>
<script>
{js}
</script>
</body>
</html>
"""
