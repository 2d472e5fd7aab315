"""The reviewed view of a parse that golden files hold: one JSON object per line.

A line per plan (its metadata and place) and a line per item (path, title, whether it is a task,
the body item a 附件 row restates, units, deadline, milestones, targets), so a
change in behaviour shows up as a small, readable diff. Item text and spans are left out here;
other tests cover them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import govplan
from govplan.records import Document, Item

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
GOLDEN = Path(__file__).resolve().parent / "golden"


def _items(items: list[Item]) -> Iterator[Item]:
    for it in items:
        yield it
        yield from _items(it.children)


def view(doc: Document) -> list[str]:
    from govplan.chinese import converter
    from govplan.registry import plan_place
    from govplan.rules import bundled_rules

    t2s = converter("t2s").convert
    lines: list[str] = []
    for k, plan in enumerate(doc.plans):
        place = plan_place(bundled_rules().registry, *(t2s(s) if s else None
                                                       for s in (plan.issuer, plan.title, plan.doc_number)))
        lines.append(json.dumps({
            "plan": k, "title": plan.title, "doc_number": plan.doc_number, "issuer": plan.issuer,
            "place": [place.province, place.city],
            "issued": plan.issued.isoformat() if plan.issued else None, "year": plan.year,
            "items": sum(1 for _ in _items(plan.items)),
            "warnings": sorted({w.code for w in plan.warnings}),
        }, ensure_ascii=False))
        for it in _items(plan.items):
            row: dict[str, object] = {"path": it.path, "title": it.title}
            if not it.task:
                row["task"] = False
            if it.same_as is not None:
                row["same_as"] = it.same_as
            if it.units:
                row["units"] = [f"{u.name}:{u.role}" for u in it.units]
            if it.deadline:
                d = it.deadline
                row["deadline"] = [d.raw, d.due.isoformat() if d.due else None, d.precision,
                                   "ongoing" if d.ongoing else d.modifier]
            if len(it.milestones) > 1:
                row["milestones"] = [m.due.isoformat() for m in it.milestones]
            if it.targets:
                row["targets"] = [[t.raw, t.value, t.unit, t.comparator] for t in it.targets]
            lines.append(json.dumps(row, ensure_ascii=False))
    return lines


def render(path: Path) -> str:
    return "\n".join(view(govplan.parse_file(path))) + "\n"


def golden_path(sample: Path) -> Path:
    return GOLDEN / f"{sample.stem}.jsonl"
