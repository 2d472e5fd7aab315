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
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path as FilePath
from types import ModuleType
from typing import Any


def load_script(name: str, path: FilePath) -> ModuleType:
    """A script that is not part of a package, imported by path once (dataclasses look their module up in
    ``sys.modules``)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


# benchmarks/accuracy.py, whose canonical forms and matching rules these comparisons share.
_acc = load_script("govplan_benchmark_accuracy",
                   FilePath(__file__).resolve().parent.parent / "benchmarks" / "accuracy.py")

Path = tuple[str, ...]
canon_path: Callable[[Sequence[str]], Path] = _acc.canon_path
canon_label: Callable[[str], str] = _acc.canon_label


def _walk(items: list[dict[str, Any]], parent: Path) -> Iterator[tuple[Path, dict[str, Any]]]:
    for it in items or []:
        path = canon_path(it["path"]) if it.get("path") else (*parent, canon_label(it.get("number", "?")))
        yield path, it
        yield from _walk(it.get("children") or [], path)


def _is_container(path: Path) -> bool:
    # The gold lists a task table's rows (附件 > 1), never the attachment heading that holds them.
    return len(path) == 1 and path[0].startswith("附件")


def _deadline_text(d: dict[str, Any] | None) -> str:
    if not d:
        return "none"
    return f"raw={d.get('raw')!r} due={d.get('due')} ongoing={d.get('ongoing')}"


def _deadline_ok(gold: str | None, found: Any) -> bool:
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


def differences(gold: dict[str, Any], out: dict[str, Any]) -> list[str]:
    """Every way `out` (a Document dumped as JSON) differs from `gold`; [] when they agree."""
    g_docs: list[dict[Path, Any]] = _acc.gold_plans(gold)
    t_plans = _tool_plans(out)
    remap: dict[int, int] = _acc.align_plans([set(d) for d in g_docs], [set(p) for p in t_plans])
    diffs: list[str] = []
    for j, plan in enumerate(t_plans):
        if j not in remap:
            diffs += [f"plan {j}: extra item {_acc.tool_facts(it).shown}" for it in plan.values()]
    for i, g_items in enumerate(g_docs):
        t_items = next((t_plans[j] for j, gi in remap.items() if gi == i), {})
        tag = f"plan {i}: " if len(g_docs) > 1 else ""
        for p in sorted(set(g_items) - set(t_items)):
            diffs.append(f"{tag}missing item {g_items[p].shown}")
        for p in sorted(set(t_items) - set(g_items)):
            diffs.append(f"{tag}extra item {_acc.tool_facts(t_items[p]).shown}")
        for p in sorted(set(g_items) & set(t_items)):
            g, t = g_items[p], _acc.tool_facts(t_items[p])
            where = f"{tag}item {g.shown}"
            if t.units != g.units:
                diffs.append(f"{where}: units expected {sorted(g.units)} got {sorted(t.units)}")
            if t.lead != g.lead:
                diffs.append(f"{where}: lead expected {sorted(g.lead)} got {sorted(t.lead)}")
            if not _deadline_ok(g.deadline, t.deadline):
                diffs.append(f"{where}: deadline expected {g.deadline} "
                             f"got {_deadline_text(t_items[p].get('deadline'))}")
            if t.percents != g.percents:
                diffs.append(f"{where}: percents expected {sorted(g.percents.elements())} "
                             f"got {sorted(t.percents.elements())}")
    return diffs
