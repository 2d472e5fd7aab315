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


def test_a_parse_leaves_the_cycle_collector_as_it_found_it() -> None:
    import gc

    import govplan

    assert gc.isenabled()
    govplan.parse_text("一、总体要求\n推进工作。(市局负责)\n")
    assert gc.isenabled() and gc.get_freeze_count() == 0
    gc.disable()
    try:
        govplan.parse_text("一、总体要求\n推进工作。\n")
        assert not gc.isenabled()
    finally:
        gc.enable()
    # a caller that froze objects of its own (before forking workers) keeps them frozen
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        govplan.parse_text("一、总体要求\n推进工作。\n")
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()


def test_a_run_up_to_the_records_keeps_every_stage_for_inspection() -> None:
    from govplan.pipeline import run
    from govplan.read import decode

    raw = decode("一、总体要求\n（一）推进工作。（市局负责）\n（二）完善制度。\n".encode())
    state = run(raw, until="records")
    assert state.document is not None and len(state.document.plans[0].items) == 1
    # the full run drops each item's values as its record is built; this one keeps them
    assert len(state.results[0].items) == 1 and len(state.plans[0].items) == 1
    assert state.results[0].items[0].children[0].extraction.units
