"""Golden files: the reviewed parse of each bundled sample.

Each golden file was produced by ``python -m tests.regen_golden`` and then checked item by item
against its document (by reading the document, not the code):

* meizhou-2022: Traditional text; [责任单位:A、B牵头,C配合;完成时间:2022年6月] and
  (责任单位:X;完成时间:2022年9月) annotations; sub-items ⒈ ⒉ mixed with 3. and 1.; a deadline
  that is not a date (按省财政厅的部署要求推进 → no due date).
* jieyang-2022: (A、B、C负责) lists under the plan's declaration 责任单位排在首位的为牵头单位
  (first unit lead, the rest responsible); <市、区> angle brackets; full-width space indentation;
  the closing paragraph is the plan's closing, not part of item (四十五).
* guangdong-2021: pinyin glosses removed; mojibake runs reported as warnings; shared prefixes
  expanded (省公安厅、卫生健康委 → 省卫生健康委) but not onto 深圳市政府 or a company;
  1.1亿 → 110000000; 减少50%以上 → decrease.
* digital-government-7-plans: seven plans with their own titles; junk before and after dropped; placeholders
  never become values; 牵头单位/责任单位 lines; chapters with 1.1 / 2.1.1 / (1); numbering that runs
  on across parents; "19加强…" with a missing dot; deadlines inside the text (2021年年底前).
* shanwei-2019-2021: TOC and cover page dropped; page-break wraps joined; attachment task table
  of 61 rows with merged cells filled from the row above and broken rows re-aligned.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .golden_view import SAMPLES, golden_path, render

CASES = sorted(SAMPLES.glob("*.txt"))


@pytest.mark.parametrize("sample", CASES, ids=lambda p: p.stem)
def test_golden(sample: Path) -> None:
    expected = golden_path(sample).read_text(encoding="utf-8")
    actual = render(sample)
    if actual != expected:
        import difflib

        diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                            "golden", "now", n=0))
        pytest.fail(f"{sample.name} differs from its golden file "
                    f"(python -m tests.regen_golden after a deliberate change):\n{diff[:6000]}")


def test_every_sample_has_a_golden_file() -> None:
    assert CASES, "no samples"
    for sample in CASES:
        assert golden_path(sample).is_file(), f"no golden file for {sample.name}"


@pytest.mark.parametrize("sample", CASES, ids=lambda p: p.stem)
def test_output_validates_against_the_strict_models(sample: Path) -> None:
    import govplan
    from govplan.records import Document

    doc = govplan.parse_file(sample)
    assert Document.model_validate_json(doc.model_dump_json()) == doc
    traditional = govplan.parse_file(sample, script="traditional")
    Document.model_validate_json(traditional.model_dump_json())
