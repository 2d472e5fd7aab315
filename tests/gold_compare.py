"""Compare govplan's output with a gold file in the realdev format (shared/realdev/SPEC.md).

The matching rules are those of the project's scorer, ``benchmarks/accuracy.py``, whose functions
it uses: labels are compared in canonical form (一、 = 一. = 一; （一） = (一); 1、 = ⒈ = 1), unit
names after NFKC and Simplified conversion, a gold deadline matches the start of the tool's due
date at the gold's precision ("2023" matches 2023-12-31), and percentages as a multiset. Instead
of scores it returns readable differences, one line per item and field.
"""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path as FilePath
from types import ModuleType
from typing import Any


def _accuracy() -> ModuleType:
    """benchmarks/accuracy.py, whose canonical forms and matching rules these comparisons share."""
    name = "govplan_benchmark_accuracy"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(
        name, FilePath(__file__).resolve().parent.parent / "benchmarks" / "accuracy.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


_acc = _accuracy()
canon_label = _acc.canon_label
canon_unit = _acc.canon_unit

Path = tuple[str, ...]


def canon_path(path: list[str]) -> Path:
    return tuple(canon_label(p) for p in path)


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
    counted: Counter[float] = _acc.tool_percents(it.get("targets") or [])
    return counted


def _deadline_text(d: dict[str, Any] | None) -> str:
    if not d:
        return "none"
    return f"raw={d.get('raw')!r} due={d.get('due')} ongoing={d.get('ongoing')}"


def _deadline_ok(gold: str | None, tool: dict[str, Any] | None) -> bool:
    found = _acc.ToolDeadline.read(tool)
    if gold is None or found is None:
        return gold is None and found is None
    matched: bool = _acc.deadline_matches(gold, found)
    return matched


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
    remap: dict[int, int] = _acc.align_plans(gold, tool)
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
