"""Run one extractor over a piece of text, as the pipeline would for an item."""

from __future__ import annotations

from govplan.extract import EXTRACTORS
from govplan.extractors.base import Extraction, ItemText, PlanContext
from govplan.normalise import normalise
from govplan.rules import bundled_rules
from govplan.textrun import TextRun


def run(text: str, extractor: str, *, year: int | None = None, first_is_lead: bool = False,
        regions: frozenset[str] = frozenset()) -> tuple[Extraction, str]:
    """Extraction of ``text`` (any script) and the normalised text positions refer to."""
    norm = normalise(text)
    item = ItemText(run=TextRun.join(norm.match, norm.clean, [("", 0, len(norm.match))]))
    ctx = PlanContext(year=year, first_is_lead=first_is_lead, regions=regions)
    out = Extraction()
    dict(EXTRACTORS)[extractor](item, bundled_rules(), ctx, out)
    return out, norm.clean
