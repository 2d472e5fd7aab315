"""The reviewed view of a parse that golden files hold: one JSON object per line.

A line per plan (its metadata) and a line per item (path, title, units, deadline, targets), so a
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
    lines: list[str] = []
    for k, plan in enumerate(doc.plans):
        lines.append(json.dumps({
            "plan": k, "title": plan.title, "doc_number": plan.doc_number, "issuer": plan.issuer,
            "issued": plan.issued.isoformat() if plan.issued else None, "year": plan.year,
            "items": sum(1 for _ in _items(plan.items)),
            "warnings": sorted({w.code for w in plan.warnings}),
        }, ensure_ascii=False))
        for it in _items(plan.items):
            row: dict[str, object] = {"path": it.path, "title": it.title}
            if it.units:
                row["units"] = [f"{u.name}:{u.role}" for u in it.units]
            if it.deadline:
                d = it.deadline
                row["deadline"] = [d.raw, d.due.isoformat() if d.due else None, d.precision,
                                   "ongoing" if d.ongoing else d.modifier]
            if it.targets:
                row["targets"] = [[t.raw, t.value, t.unit, t.comparator] for t in it.targets]
            lines.append(json.dumps(row, ensure_ascii=False))
    return lines


def render(path: Path) -> str:
    return "\n".join(view(govplan.parse_file(path))) + "\n"


def golden_path(sample: Path) -> Path:
    return GOLDEN / f"{sample.stem}.jsonl"
