"""Every bundled sample parses into at least one plan with items."""

from pathlib import Path

import pytest

import govplan

SAMPLES = sorted((Path(__file__).parent.parent / "samples").glob("*.txt"))


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_sample_parses(path: Path) -> None:
    doc = govplan.parse_file(path)
    assert doc.plans
    assert all(plan.items for plan in doc.plans)
