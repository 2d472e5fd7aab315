"""What extractors receive and return, and the text tests they share."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from ..textrun import TextRun

# where a sentence ends, for a date or a horizon that governs the rest of its sentence
SENTENCE_END_RX = re.compile(r"[。;；\n]")


def in_title(text: str, pos: int) -> bool:
    """Whether ``pos`` lies inside a 《book title》 (《…行动方案(2021—2025年)》 names a document)."""
    k = text.rfind("《", 0, pos)
    return k >= 0 and text.find("》", k, pos) < 0


@dataclass
class PlanContext:
    """Facts about the plan that extraction depends on."""

    year: int | None = None  # for 年底前, 年内 …
    first_year: int | None = None  # the earliest year the plan covers (a date before it is history)
    first_is_lead: bool = False  # the plan says 责任单位排在首位的为牵头单位
    regions: frozenset[str] = frozenset()  # place names of the plan (梅州, 揭阳): never prefixed


@dataclass
class Found:
    """A value found in an item; ``start``/``end`` are positions in the normalised text."""

    start: int
    end: int
    # the pieces of a value cut by lines the text was joined over (a page break inside it)
    parts: list[tuple[int, int]] | None = field(default=None, kw_only=True)


@dataclass
class FoundUnit(Found):
    name: str = ""
    role: str = "responsible"


@dataclass
class FoundDeadline(Found):
    due: date | None = None
    precision: str | None = None
    ongoing: bool = False
    modifier: str | None = None
    # every dated stage when the item states several (the latest is the deadline itself)
    milestones: list[FoundDeadline] = field(default_factory=list)


@dataclass
class FoundTarget(Found):
    value: float = 0.0
    unit: str | None = None
    comparator: str = "="
    by: int | None = None  # the year of the horizon its clause names: 到2025年，…达到90%


@dataclass
class FoundWarning(Found):
    code: str = ""
    message: str = ""


@dataclass
class Extraction:
    units: list[FoundUnit] = field(default_factory=list)
    deadline: FoundDeadline | None = None
    targets: list[FoundTarget] = field(default_factory=list)
    warnings: list[FoundWarning] = field(default_factory=list)


@dataclass
class ItemText:
    """The text an extractor looks at: the whole item, or the cells of a task-table row."""

    run: TextRun
    units_cells: list[tuple[TextRun, str]] = field(default_factory=list)  # (cell, default role)
    deadline_cell: TextRun | None = None
    target_cell: TextRun | None = None  # an indicator table's target value…
    measure: str | None = None  # …and its unit of measure (%, 万人, 个)
    # the targets of ``run``, read once: by the targets extractor, or first by the deadlines
    # extractor telling a target's horizon (到2025年，覆盖率达到90%) from a deadline
    text_targets: Extraction | None = field(default=None, repr=False, compare=False)
