"""Compare govplan's output with a gold file in the realdev format (shared/realdev/SPEC.md).

The matching rules are those of the realdev scorer, kept here so the tests do not import from
outside the repository: labels are compared in canonical form (一、 = 一. = 一; （一） = (一);
1、 = ⒈ = 1), unit names after NFKC and Simplified conversion, a gold deadline matches the start
of the tool's due date at the gold's precision ("2023" matches 2023-12-31), and percentages as a
multiset. Instead of scores it returns readable differences, one line per item and field.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from typing import Any

from opencc import OpenCC

_T2S = OpenCC("t2s")
_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100}
_CN = "一二三四五六七八九十百零〇两"

Path = tuple[str, ...]


def _cn_to_int(s: str) -> int | None:
    if s.isdigit():
        return int(s)
    total, cur = 0, 0
    for ch in s:
        if ch in _CN_DIGITS:
            cur = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            total += (cur or 1) * _CN_UNITS[ch]
            cur = 0
        else:
            return None
    return total + cur


def canon_label(label: str) -> str:
    raw = str(label).strip()
    if re.fullmatch(r"[\u2460-\u2473]", raw):  # ① .. ⑳ (NFKC would make them bare digits)
        return f"({ord(raw) - 0x2460 + 1})"
    s = unicodedata.normalize("NFKC", raw)
    s = s.replace("〔", "(").replace("〕", ")").replace("【", "(").replace("】", ")")
    s = re.sub(r"\s+", "", s).rstrip("、.．,，:：")
    if m := re.fullmatch(rf"第([{_CN}\d]+)([章节条部分篇])", s):
        return f"第{_cn_to_int(m.group(1))}{m.group(2)}"
    if m := re.fullmatch(rf"\(([{_CN}]+|\d+)\)", s):
        inner = m.group(1)
        return f"({int(inner)})" if inner.isdigit() else f"({_cn_to_int(inner)}cn)"
    if re.fullmatch(rf"[{_CN}]+", s):
        return f"{_cn_to_int(s)}cn"
    if re.fullmatch(r"\d+(\.\d+)*", s):
        return ".".join(str(int(p)) for p in s.split("."))
    if m := re.match(rf"附件([\d{_CN}]*)", s):  # an attachment is known by its number, not its title
        n = _cn_to_int(m.group(1)) if m.group(1) else 1
        return "附件" if n in (None, 1) else f"附件{n}"
    return s


def canon_path(path: list[str]) -> Path:
    return tuple(canon_label(p) for p in path)


def canon_unit(name: str) -> str:
    s = unicodedata.normalize("NFKC", _T2S.convert(str(name)))
    s = s.replace("<", "(").replace(">", ")").replace("〈", "(").replace("〉", ")")
    return re.sub(r"\s+", "", s).strip("、,，;；。:：")


def _walk(items: list[dict[str, Any]], parent: Path) -> Iterator[tuple[Path, dict[str, Any]]]:
    for it in items or []:
        path = canon_path(it["path"]) if it.get("path") else (*parent, canon_label(it.get("number", "?")))
        yield path, it
        yield from _walk(it.get("children") or [], path)


def _is_container(path: Path) -> bool:
    # The gold lists a task table's rows (附件 > 1), never the attachment heading that holds them.
    return len(path) == 1 and path[0].startswith("附件")


def _tool_units(it: dict[str, Any]) -> tuple[set[str], set[str]]:
    names = {canon_unit(u["name"]) for u in it.get("units") or []}
    leads = {canon_unit(u["name"]) for u in it.get("units") or [] if u.get("role") == "lead"}
    names.discard("")
    return names, leads


def _tool_percents(it: dict[str, Any]) -> Counter[float]:
    c: Counter[float] = Counter()
    for t in it.get("targets") or []:
        unit = str(t.get("unit", ""))
        is_percent = unit in ("%", "percent", "％") or ("%" in str(t.get("raw", "")) and unit in ("", "%"))
        if is_percent and t.get("value") is not None:
            c[round(float(t["value"]), 4)] += 1
    return c


def _deadline_text(d: dict[str, Any] | None) -> str:
    if not d:
        return "none"
    return f"raw={d.get('raw')!r} due={d.get('due')} ongoing={d.get('ongoing')}"


def _deadline_ok(gold: str | None, tool: dict[str, Any] | None) -> bool:
    present = tool is not None and any(tool.get(k) for k in ("due", "raw", "ongoing"))
    if gold is None:
        return not present
    if not present or tool is None:
        return False
    due, ongoing = str(tool.get("due") or ""), bool(tool.get("ongoing"))
    if gold == "ongoing":
        return ongoing
    if gold == "other":
        return not due and not ongoing
    return bool(due) and due[: len(gold)] == gold


def _tool_plans(out: dict[str, Any]) -> list[dict[Path, dict[str, Any]]]:
    plans = []
    for plan in out.get("plans") or []:
        items: dict[Path, dict[str, Any]] = {}
        for path, it in _walk(plan.get("items") or [], ()):
            if not _is_container(path):
                items.setdefault(path, it)
        plans.append(items)
    return plans


def _align(gold: list[set[Path]], tool: list[set[Path]]) -> dict[int, int]:
    """Tool plan -> gold document, in order, sharing the most item paths (as the scorer does)."""
    n, m = len(gold), len(tool)
    best = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            best[i][j] = max(best[i + 1][j], best[i][j + 1], len(gold[i] & tool[j]) + best[i + 1][j + 1])
    remap: dict[int, int] = {}
    i = j = 0
    while i < n and j < m:
        here = len(gold[i] & tool[j])
        if here and best[i][j] == here + best[i + 1][j + 1]:
            remap[j] = i
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    if not remap and n == 1 and m == 1:
        remap[0] = 0
    return remap


def _show(path: Path, *sources: dict[Path, dict[str, Any]]) -> str:
    for items in sources:  # the labels as the gold or the tool wrote them, not their canonical form
        if path in items and items[path].get("path"):
            return " > ".join(items[path]["path"])
    return " > ".join(path) or "(root)"


def differences(gold: dict[str, Any], out: dict[str, Any]) -> list[str]:
    """Every way `out` (a Document dumped as JSON) differs from `gold`; [] when they agree."""
    g_docs = [{canon_path(it["path"]): it for it in d["items"]} for d in gold["documents"]]
    t_plans = _tool_plans(out)
    remap = _align([set(d) for d in g_docs], [set(p) for p in t_plans])
    diffs: list[str] = []
    for j, plan in enumerate(t_plans):
        if j not in remap:
            diffs += [f"plan {j}: extra item {_show(p, plan)}" for p in plan]
    for i, g_items in enumerate(g_docs):
        t_items = next((t_plans[j] for j, gi in remap.items() if gi == i), {})
        tag = f"plan {i}: " if len(g_docs) > 1 else ""
        for p in sorted(set(g_items) - set(t_items)):
            diffs.append(f"{tag}missing item {_show(p, g_items)}")
        for p in sorted(set(t_items) - set(g_items)):
            diffs.append(f"{tag}extra item {_show(p, t_items)}")
        for p in sorted(set(g_items) & set(t_items)):
            g, t = g_items[p], t_items[p]
            where = f"{tag}item {_show(p, g_items)}"
            units, lead = _tool_units(t)
            g_units = {canon_unit(u) for u in g["units"]}
            g_lead = {canon_unit(u) for u in g["lead"]}
            if units != g_units:
                diffs.append(f"{where}: units expected {sorted(g_units)} got {sorted(units)}")
            if lead != g_lead:
                diffs.append(f"{where}: lead expected {sorted(g_lead)} got {sorted(lead)}")
            if not _deadline_ok(g["deadline"], t.get("deadline")):
                diffs.append(f"{where}: deadline expected {g['deadline']} got {_deadline_text(t.get('deadline'))}")
            g_pct = Counter(round(float(v), 4) for v in g["percents"])
            t_pct = _tool_percents(t)
            if g_pct != t_pct:
                diffs.append(f"{where}: percents expected {sorted(g_pct.elements())} "
                             f"got {sorted(t_pct.elements())}")
    return diffs
