"""Script conversion and numerals."""

from __future__ import annotations

from pathlib import Path

import pytest

from govplan.chinese import VECTOR_MIN, cn_int, converter, detect_script, numeral_value

SAMPLES = sorted((Path(__file__).resolve().parent.parent / "samples").glob("*.txt"))


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_t2s_matches_opencc_python_reimplemented(sample: Path) -> None:
    import opencc

    text = sample.read_text(encoding="utf-8")
    assert converter("t2s").convert(text) == opencc.OpenCC("t2s").convert(text)


def test_short_and_long_paths_agree() -> None:
    text = SAMPLES[0].read_text(encoding="utf-8")
    for direction in ("t2s", "s2t"):
        conv = converter(direction)  # type: ignore[arg-type]
        long = conv.convert(text)
        pieces = [conv.convert(text[i:i + VECTOR_MIN // 2]) for i in range(0, len(text), VECTOR_MIN // 2)]
        # phrases may straddle the cut points, so compare character counts of changes only
        assert len(long) == len(text) == len("".join(pieces))


def test_conversion_keeps_length_and_surrogates() -> None:
    text = "關於數字政府\ud800" * 500
    out = converter("t2s").convert(text)
    assert len(out) == len(text) and out.startswith("关于数字政府")


def test_hong_kong_and_taiwan_variants_are_simplified() -> None:
    conv = converter("t2s")
    for text in ("香港衞生署敍述", "香港衞生署敍述" * (VECTOR_MIN // 7 + 1)):
        assert conv.convert(text).startswith("香港卫生署叙述")
    # variant tables also map standard Simplified characters; those must stay as they are
    assert conv.convert("显著抬头什么") == "显著抬头什么"


def test_detect_script() -> None:
    assert detect_script("關於數字政府改革建設的實施方案") == "traditional"
    assert detect_script("关于数字政府改革建设的实施方案") == "simplified"
    assert detect_script("关于数字政府改革建设。關於數字政府改革建設") == "mixed"
    assert detect_script("") == "simplified"


@pytest.mark.parametrize(("text", "value"), [
    ("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("三十五", 35), ("一百零五", 105), ("二〇二二", 2022),
    ("12", 12), ("１２", 12), ("⒓", 12), ("⑿", 12), ("⑫", 12), ("", None), ("甲", None),
])
def test_numeral_value(text: str, value: int | None) -> None:
    assert numeral_value(text) == value


def test_cn_int_rejects_other_text() -> None:
    assert cn_int("十甲") is None
