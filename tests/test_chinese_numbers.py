"""Numbers written in Chinese: the hand-written converter proved on an example table, and targets
written in Chinese read as their Arabic twins are (issue 11).

Rows are grouped by origin: the issue's examples, magnitudes and zeros, the colloquial shortened
forms (一万五), and the Chinese twins of targets the Arabic tests already cover.
"""

from __future__ import annotations

import pytest

import govplan
from govplan.chinese import cn_number
from govplan.export import walk_items

NUMBERS = [
    # the examples
    ("十二万五千", 125000), ("一万零五百", 10500), ("两千", 2000),
    # magnitudes, zeros and 两
    ("十", 10), ("十五", 15), ("二十", 20), ("一百零一", 101), ("一千零一十", 1010), ("两百", 200),
    ("九千九百九十九", 9999), ("二十万零三百", 200300), ("六百万", 6000000), ("一百二十亿", 12000000000),
    ("三亿五千万", 350000000), ("一亿零五十万", 100500000), ("两万两千", 22000), ("一万零五", 10005),
    # shortened forms: the last digit is one order below the magnitude before it
    ("一万五", 15000), ("三千五", 3500), ("一百五", 150), ("三亿五", 350000000),
    # digit by digit (years)
    ("二〇二二", 2022),
]


@pytest.mark.parametrize(("text", "value"), NUMBERS, ids=[t for t, _ in NUMBERS])
def test_cn_number(text: str, value: int) -> None:
    assert cn_number(text) == value


def test_cn_number_refuses_what_is_not_a_number() -> None:
    assert cn_number("十二万五千人") is None
    assert cn_number("数字") is None


TARGETS = [
    # (text, (raw, value, unit, comparator)) — the examples
    ("新增就业十二万五千人", ("十二万五千人", 125000.0, "人", "=")),
    ("完成改造一万零五百户", ("一万零五百户", 10500.0, "户", "=")),
    ("新建充电桩两千个", ("两千个", 2000.0, "个", "=")),
    ("综合能耗提高三点五个百分点", ("三点五个百分点", 3.5, "百分点", "increase")),
    # twins of Arabic forms
    ("新建两千个充电桩", ("两千个", 2000.0, "个", "=")),
    ("培训两千人", ("两千人", 2000.0, "人", "=")),
    ("降低零点五个百分点", ("零点五个百分点", 0.5, "百分点", "decrease")),
    ("建设三十家以上", ("三十家以上", 30.0, "家", ">=")),
    ("新增就业一万五千人以上", ("一万五千人以上", 15000.0, "人", ">=")),
]


def _targets(sentence: str) -> list[tuple[str, float, str | None, str]]:
    doc = govplan.parse_text(f"一、重点任务\n（一）推进工作。{sentence}。（市发展改革局牵头）\n"
                             "（二）其他工作。（市政务服务数据管理局负责）\n")
    return [(t.raw, t.value, t.unit, t.comparator) for it in walk_items(doc.plans[0].items) for t in it.targets]


@pytest.mark.parametrize(("sentence", "expected"), TARGETS, ids=[s for s, _ in TARGETS])
def test_targets_written_in_chinese(sentence: str, expected: tuple[str, float, str, str]) -> None:
    assert _targets(sentence) == [expected]


@pytest.mark.parametrize("sentence", ["建设两个平台", "完善一项制度", "打造三家示范企业"])
def test_a_bare_digit_with_a_counter_is_prose(sentence: str) -> None:
    assert _targets(sentence) == []
