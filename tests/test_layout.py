"""The layout stage: every serialisation of one task table gives the same rows.

One made-up table (序号 | 工作任务 | 牵头单位 | 配合单位 | 完成时限) is written the ways plans reach
analysts — tabs, Markdown bars, ` | ` without outer bars, one cell per line (with and without blank
lines, cells ending in a separator, rows divided by a rule), single spaces, and a Word table's
text with no separators at all — and each must give the same items, units, roles and deadlines.
"""

from __future__ import annotations

from datetime import date

import pytest

import govplan
from govplan.layout import Table, layout
from govplan.pipeline import run
from govplan.read import RawSource

HEAD = ["序号", "工作任务", "牵头单位", "配合单位", "完成时限"]
ROWS = [
    ["1", "建设智慧停车平台，新增泊位1500个", "区城管局", "区公安分局", "2024年6月"],
    ["2", "完成老旧小区改造12个", "区住建局", "各街道办事处", "2024年11月"],
    ["3", "新建社区食堂8家", "区民政局", "区市场监管局", "2024年9月"],
]
TITLE = "青田区2024年民生实事任务分工表"
EXPECTED = [
    (["1"], [("区城管局", "lead"), ("区公安分局", "cooperating")], date(2024, 6, 30)),
    (["2"], [("区住建局", "lead"), ("各街道办事处", "cooperating")], date(2024, 11, 30)),
    (["3"], [("区民政局", "lead"), ("区市场监管局", "cooperating")], date(2024, 9, 30)),
]


def _cells_per_line(sep: str = "", blank: bool = False, rule: str | None = None) -> str:
    out = [TITLE]
    for cells in [HEAD, *ROWS]:
        for c in cells:
            out.append(c + sep)
            if blank:
                out.append("")
        if rule is not None:
            out.append(rule)
    return "\n".join(out) + "\n"


SERIALISATIONS = {
    "tabs": "\n".join([TITLE, *("\t".join(r) for r in [HEAD, *ROWS])]) + "\n",
    "markdown bars": "\n".join([TITLE, *("| " + " | ".join(r) + " |" for r in [HEAD, *ROWS])]) + "\n",
    "spaced bars": "\n".join([TITLE, *(" | ".join(r) + " |" for r in [HEAD, *ROWS])]) + "\n",
    "one cell per line": _cells_per_line(),
    "one cell per line, blank lines": _cells_per_line(blank=True),
    "cells ending in │, rows divided by ----": _cells_per_line(sep="│", rule="----"),
    "single spaces": "\n".join([TITLE, *(" ".join(r) for r in [HEAD, *ROWS])]) + "\n",
    "glued (Word text)": TITLE + "\n" + "".join(HEAD) + "".join(
        r[0] + r[1] + "。" + r[2] + r[3] for r in ROWS) + "\n",
}


def _rows(text: str) -> list[tuple[list[str], list[tuple[str, str]], date | None]]:
    doc = govplan.parse_text(text)
    out = []
    for plan in doc.plans:
        for it in plan.items:
            for row in (it.children if it.kind == "attachment" else [it]):
                out.append((row.path[-1:], [(u.name, u.role) for u in row.units],
                            row.deadline.due if row.deadline else None))
    return out


@pytest.mark.parametrize("name", [n for n in SERIALISATIONS if n != "glued (Word text)"])
def test_every_serialisation_gives_the_same_rows(name: str) -> None:
    assert _rows(SERIALISATIONS[name]) == EXPECTED


def test_glued_word_text_gives_the_rows_and_units() -> None:
    # a Word table's text has no deadline column here: the units are what it must recover
    got = _rows(SERIALISATIONS["glued (Word text)"])
    assert [(p, u) for p, u, _ in got] == [(p, u) for p, u, _ in EXPECTED]


def _tables(text: str) -> list[Table]:
    data = text.encode("utf-8")
    raw = RawSource(text=text, path=None, encoding="utf-8", confidence=1.0, sha256="", size=len(data))
    state = run(raw, until="layout")
    return [b for b in state.blocks if isinstance(b, Table)]


@pytest.mark.parametrize("name", list(SERIALISATIONS))
def test_one_table_block_with_known_columns(name: str) -> None:
    tables = _tables(SERIALISATIONS[name])
    assert len(tables) == 1
    t = tables[0]
    assert t.cols[:3] == ["seq", "task", "lead_units"] and len(t.rows) == 3
    # every cell is a span of the source holding the cell's text
    text = SERIALISATIONS[name]
    for row, cells in zip(t.rows, ROWS, strict=True):
        lead = "".join(text[a:b] for a, b in row.cells["lead_units"])
        assert lead.strip() == cells[2]


def test_layout_is_a_listed_stage() -> None:
    from govplan.pipeline import STAGES

    names = [n for n, _ in STAGES]
    assert names.index("segment") < names.index("layout") < names.index("structure")


def test_prose_is_not_a_table() -> None:
    text = ("某区2024年工作要点\n一、优化营商环境\n（一）序号管理。推行企业开办一日办结。（牵头单位：区市场监管局）\n"
            "（二）完成时限管理。每季度通报一次。\n")
    assert _tables(text) == []
    assert layout([], govplan.pipeline.bundled_rules(), "", govplan.extractors.deadlines.cell_pattern(
        govplan.pipeline.bundled_rules())) == []


def test_a_lone_number_outside_a_table_stays_a_page_number() -> None:
    text = "某区2024年工作要点\n一、优化营商环境\n（一）推行企业开办一日办结。（牵头单位：区市场监管局）\n\n2\n\n（二）推进审批提速。\n"
    doc = govplan.parse_text(text)
    items = doc.plans[0].items[0].children
    assert [it.path[-1] for it in items] == ["（一）", "（二）"]
    assert "2" not in items[0].text


def test_a_numbered_row_cut_by_the_end_of_the_text() -> None:
    text = ("南溪县2021年民生实事登记表\n项目名称 | 工作任务 | 完成时间 | 牵头单位 |\n"
            "1.道路提升项目 | 改造城区道路3条; | 10月 | 县住建局 |\n"
            "2021.12 | 县城投集团 | ||\n"
            "2.农贸市场项目 | 完成农贸市场提升改造2个。 | 11月 | 县商务局 |\n"
            "3.老年")
    rows = _rows(text)
    assert [p for p, _, _ in rows] == [["1"], ["2"], ["3"]]
    assert rows[0][1] == [("县住建局", "lead"), ("县城投集团", "lead")] and rows[0][2] == date(2021, 12, 31)
    # the text ends inside row 3: nothing of row 2 is copied into it
    assert rows[2][1:] == ([], None)


def test_row_numbers_that_jump_in_a_table_one_cell_per_line() -> None:
    # rows 2 and 3 were left out of the excerpt
    text = _cells_per_line().replace("2\n完成老旧小区改造12个\n区住建局\n各街道办事处\n2024年11月\n3\n", "4\n")
    assert [p for p, _, _ in _rows(text)] == [["1"], ["4"]]
    assert _rows(text)[1][1] == [("区民政局", "lead"), ("区市场监管局", "cooperating")]


def test_a_table_one_cell_per_line_without_row_numbers() -> None:
    text = ("青石乡2024年人居环境整治任务清单\n重点任务\n责任单位\n完成时限\n"
            "完成主干道两侧绿化提升2公里。\n乡农业综合服务中心\n2024年6月\n"
            "新建垃圾分类收集点12个，分类覆盖率达到90%。\n乡环卫所、各村委会\n2024年9月\n"
            "开展卫生村评比。\n乡党政办\n每季度\n")
    rows = _rows(text)
    assert [p for p, _, _ in rows] == [["1"], ["2"], ["3"]]
    assert rows[1][1] == [("乡环卫所", "responsible"), ("各村委会", "responsible")]
    assert rows[0][2] == date(2024, 6, 30) and rows[2][2] is None
