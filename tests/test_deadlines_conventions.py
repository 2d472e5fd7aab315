"""Deadlines and target horizons by the annotation conventions settled in issue 8 (SPEC.md,
"Conventions settled since"), in example tables grouped by origin:

* issue 8: the conventions as the issue states them, in sentences of our own;
* realdev conventions: the shapes the real plans of the development set take, re-written with
  other places, units and dates.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

import govplan
from govplan.database import connect, write_document
from govplan.extract import EXTRACTORS
from govplan.extractors.base import Extraction, ItemText, PlanContext
from govplan.normalise import normalise
from govplan.rules import bundled_rules
from govplan.textrun import TextRun

from .extract_helpers import run

Row = tuple[str, int | None, date | None, str | None, bool, str | None]


def _check(text: str, year: int | None, due: date | None, precision: str | None, ongoing: bool,
           modifier: str | None) -> None:
    out, _ = run(text, "deadlines", year=year)
    got = out.deadline
    if due is None and not ongoing:
        assert got is None or (got.due is None and not got.ongoing), f"{text!r} gave {got!r}"
        return
    assert got is not None, f"{text!r} gave no deadline"
    assert (got.due, got.precision, got.ongoing, got.modifier) == (due, precision, ongoing, modifier)


def _cell(text: str, year: int | None = None) -> Extraction:
    """The deadlines extractor over a table row whose 完成时限 cell is ``text``."""
    norm = normalise(text)
    cell = TextRun.join(norm.match, norm.clean, [("", 0, len(norm.match))])
    empty = TextRun.join("", "", [("", 0, 0)])
    out = Extraction()
    dict(EXTRACTORS)["deadlines"](ItemText(run=empty, deadline_cell=cell), bundled_rules(), PlanContext(year=year),
                                   out)
    return out


# --- issue 8: a placeholder month or day after a known year gives that year -------------------
PLACEHOLDERS: list[Row] = [
    ("完成时限：2023年xx月", None, date(2023, 12, 31), "year", False, None),
    ("完成时间：2024xx月", None, date(2024, 12, 31), "year", False, None),
    ("完成时限：2023年x月底前", None, date(2023, 12, 31), "year", False, "before"),
    ("完成时限：2025年X月X日", None, date(2025, 12, 31), "year", False, None),
    ("完成时限：2026年  月  日前", None, date(2026, 12, 31), "year", False, "before"),  # a form left blank
    ("【完成时限】2024年xx月，纳入常态化管理", None, date(2024, 12, 31), "year", False, None),
    ("推进档案数字化，2024年x月底前完成。", 2024, date(2024, 12, 31), "year", False, "before"),
]


@pytest.mark.parametrize(("text", "year", "due", "precision", "ongoing", "modifier"), PLACEHOLDERS)
def test_placeholder_month_gives_the_year_and_a_warning(text: str, year: int | None, due: date | None,
                                                         precision: str | None, ongoing: bool,
                                                         modifier: str | None) -> None:
    _check(text, year, due, precision, ongoing, modifier)
    out, _ = run(text, "deadlines", year=year)
    assert "placeholder" in [w.code for w in out.warnings]


@pytest.mark.parametrize("text", ["完成时限：20xx年xx月", "完成时限：××××年××月"])
def test_a_placeholder_year_gives_no_date(text: str) -> None:
    out, _ = run(text, "deadlines", year=2024)
    assert out.deadline is not None and out.deadline.due is None
    assert [w.code for w in out.warnings] == ["placeholder"]


# --- issue 8: several dated completions, the latest is the deadline; every stage is kept -----
SEVERAL: list[tuple[str, int | None, date, list[date]]] = [
    ("2023年年底前完成试点，2024年年底前在全区推广。", None, date(2024, 12, 31),
     [date(2023, 12, 31), date(2024, 12, 31)]),
    ("2022年6月底前出台实施方案。2023年底前建成区级平台。", None, date(2023, 12, 31),
     [date(2022, 6, 30), date(2023, 12, 31)]),
    ("到2024年，基本建成；到2030年，全面建成。", None, date(2030, 12, 31), [date(2024, 12, 31), date(2030, 12, 31)]),
    # written with the final stage first
    ("2025年底前全面完成，其中2024年6月底前完成首批改造。", None, date(2025, 12, 31),
     [date(2025, 12, 31), date(2024, 6, 30)]),
    ("完成时限：2023年底前完成一期，2024年6月底前完成二期", None, date(2024, 6, 30),
     [date(2023, 12, 31), date(2024, 6, 30)]),
    ("时间安排：2024年3月启动，6月完成初稿，10月底前印发", None, date(2024, 10, 31),
     [date(2024, 6, 30), date(2024, 10, 31)]),
    # a later start is no completion
    ("2024年底前完成试点，2025年启动全面推广。", None, date(2024, 12, 31), []),
]


@pytest.mark.parametrize(("text", "year", "due", "stages"), SEVERAL)
def test_the_latest_completion_ends_the_item(text: str, year: int | None, due: date, stages: list[date]) -> None:
    out, clean = run(text, "deadlines", year=year)
    assert out.deadline is not None and out.deadline.due == due
    assert [m.due for m in out.deadline.milestones] == stages
    for m in out.deadline.milestones:
        assert m.precision is not None and clean[m.start:m.end]  # each stage points at its text


def test_one_date_has_no_milestones() -> None:
    out, _ = run("2024年9月底前完成验收。", "deadlines")
    assert out.deadline is not None and out.deadline.milestones == []


# --- issue 8: 到2025年，…达到90% is a target's horizon; 2025年底前完成 is a deadline -------------
HORIZONS: list[tuple[str, date | None, list[int | None]]] = [
    ("到2026年，全市生活垃圾分类覆盖率达到95%。", None, [2026]),
    ("2027年城镇新增就业达到3万人。", None, [2027]),
    ("到2025年，养老机构护理型床位占比不低于60%，社区养老服务覆盖率达到100%。", None, [2025, 2025]),
    # no target: the year is when the work is done
    ("到2025年，基本建成智慧城市运行管理体系。", date(2025, 12, 31), []),
    ("2025年底前完成老旧管网改造，改造率达到100%。", date(2025, 12, 31), [2025]),
    ("到2025年，覆盖率达到90%；2024年底前完成平台建设。", date(2024, 12, 31), [2025]),
    # a year-end after 到 is a horizon too (SPEC.md: 到2025年，…达到90%); with 前 it is a deadline
    ("到2024年底，农村自来水普及率达到92%。", None, [2024]),
    ("2024年底前，农村自来水普及率达到92%。", date(2024, 12, 31), [2024]),
    # a year to compare with is no horizon
    ("比2020年提高5个百分点。", None, [None]),
    ("由2021年的40%提高到2025年的55%。", None, [2025]),
]


@pytest.mark.parametrize(("text", "due", "by"), HORIZONS)
def test_a_target_horizon_is_not_a_deadline(text: str, due: date | None, by: list[int | None]) -> None:
    out, _ = run(text, "deadlines", year=2024)
    assert (out.deadline.due if out.deadline else None) == due
    tg, _ = run(text, "targets", year=2024)
    assert [t.by for t in tg.targets] == by


@pytest.mark.parametrize(("text", "due"), [
    ("完成时限：2025年12月", date(2025, 12, 31)),
    ("完成时限：2025年", date(2025, 12, 31)),
])
def test_a_year_in_a_field_is_a_deadline(text: str, due: date) -> None:
    out, _ = run(text + "。覆盖率达到90%。", "deadlines")
    assert out.deadline is not None and out.deadline.due == due


# --- issue 8: how long a policy applies is not a deadline --------------------------------------
@pytest.mark.parametrize("text", [
    "对小微企业实施减半征收，实施期限至2023年12月31日。",
    "本办法自2023年3月1日起施行，有效期至2026年2月28日。",
    "执行期限为2024年1月1日至2025年12月31日。",
    "将阶段性缓缴政策实施期限延长至2023年6月30日。",
    "2023年7月1日至2024年6月30日实施阶段性降低工伤保险费率的政策。",
])
def test_a_policy_period_is_not_a_deadline(text: str) -> None:
    out, _ = run(text, "deadlines", year=2023)
    assert out.deadline is None


def test_a_campaign_over_a_range_ends_with_it() -> None:
    out, _ = run("2024年3月至2024年10月开展城乡环境专项整治。", "deadlines")
    assert out.deadline is not None and out.deadline.due == date(2024, 10, 31)


# --- issue 8: frequencies ----------------------------------------------------------------------
FREQUENCIES: list[Row] = [
    # in running text, no deadline
    ("每半年开展一次食品安全风险评估。", 2024, None, None, False, None),
    ("每月通报各镇街工作进展。", 2024, None, None, False, None),
    ("每季度召开一次联席会议，研究解决重大问题。", 2024, None, None, False, None),
    ("每月25日前报送统计数据。", 2024, None, None, False, None),
    ("建立调度机制，每季度召开1次推进会。", 2024, None, None, False, None),
    # …unless a dated completion follows
    ("每月通报进展，2024年9月底前完成全部整治。", None, date(2024, 9, 30), "month", False, "before"),
    # in a 完成时限 field or the item's closing annotation, ongoing
    ("完成时限：每季度", 2024, None, None, True, None),
    ("完成时限：长期", 2024, None, None, True, None),
    ("完成时限：持续推进", 2024, None, None, True, None),
    ("推进河湖清理。（区水务局负责，每季度调度一次）", 2024, None, None, True, None),
]


@pytest.mark.parametrize(("text", "year", "due", "precision", "ongoing", "modifier"), FREQUENCIES)
def test_frequencies(text: str, year: int | None, due: date | None, precision: str | None, ongoing: bool,
                     modifier: str | None) -> None:
    _check(text, year, due, precision, ongoing, modifier)


@pytest.mark.parametrize(("text", "ongoing"), [("每季度", True), ("长期坚持", True), ("持续推进", True)])
def test_frequencies_in_a_column(text: str, ongoing: bool) -> None:
    out = _cell(text, 2024)
    assert out.deadline is not None and out.deadline.ongoing is ongoing and out.deadline.due is None


# --- issue 8: a month without a year; a date inside a unit annotation ---------------------------
MONTHS: list[Row] = [
    ("10月底前完成摸底排查。", 2024, date(2024, 10, 31), "month", False, "before"),
    ("推进智慧停车建设。（牵头单位：区住建局；责任单位：区交通局、各街道，11月底完成）", 2023, date(2023, 11, 30), "month",
     False, "end"),
    ("改造农贸市场。（县商务局牵头，县市场监管局配合，2024年8月31日前完成）", None, date(2024, 8, 31), "day", False,
     "before"),
]


@pytest.mark.parametrize(("text", "year", "due", "precision", "ongoing", "modifier"), MONTHS)
def test_months_take_the_plans_year(text: str, year: int | None, due: date | None, precision: str | None,
                                    ongoing: bool, modifier: str | None) -> None:
    _check(text, year, due, precision, ongoing, modifier)


# --- issue 8: a date written with a dot in running text ----------------------------------------
@pytest.mark.parametrize(("text", "targets"), [
    ("组织开展3.15期间维权宣传活动。", []),
    ("利用12.4国家宪法日开展普法宣传。", []),
    ("结合5.12防灾减灾日开展应急演练，参演人数不少于500人。", [(500, "人", ">=")]),
    ("在“3.15”前后集中受理投诉，办结率达到98%。", [(98, "%", ">=")]),
])
def test_a_dotted_date_is_not_a_number(text: str, targets: list[tuple[float, str, str]]) -> None:
    tg, _ = run(text, "targets", year=2024)
    assert [(t.value, t.unit, t.comparator) for t in tg.targets] == targets
    dl, _ = run(text, "deadlines", year=2024)
    assert dl.deadline is None


# --- issue 8: a period written as spreadsheets write it ends at its last month -----------------
@pytest.mark.parametrize(("text", "due"), [
    ("2023.01-2023.12", date(2023, 12, 31)),
    ("2023.03—2023.11", date(2023, 11, 30)),
    ("2024.05-12", date(2024, 12, 31)),
    ("2024.5.1-2024.9.30", date(2024, 9, 30)),
])
def test_a_dotted_period_ends_at_its_last_month(text: str, due: date) -> None:
    out = _cell(text)
    assert out.deadline is not None and out.deadline.due == due
    out, _ = run("完成时限：" + text, "deadlines")
    assert out.deadline is not None and out.deadline.due == due


def test_a_period_that_runs_backwards_is_not_read() -> None:
    out, _ = run("完成时限：2023.12-2023.01", "deadlines")
    assert out.deadline is not None and out.deadline.due is None


def test_a_cell_in_pieces_ends_with_its_latest_piece() -> None:
    out = _cell("11月\n2023.8\n2023.12\n2023年11月", 2023)
    assert out.deadline is not None and out.deadline.due == date(2023, 12, 31)
    assert [m.due for m in out.deadline.milestones] == [date(2023, 11, 30), date(2023, 8, 31), date(2023, 12, 31),
                                                        date(2023, 11, 30)]


# --- realdev conventions: the shapes real plans take -------------------------------------------
REALDEV: list[Row] = [
    # stages in separate sentences, the last a year-end that states no verb of its own
    ("加强运行监测。2021年年底前,建立监测分析体系。2021年年底前,构建分析系统。2022年年底前,调节水平显著提升。", None,
     date(2022, 12, 31), "year", False, "before"),
    # a year-end as a comma clause of running text (not an annotation clause)
    ("依托政务云,2023年底,完成基础库建设。2026年底,建设专题数据库,初步形成数据体系。", None, date(2026, 12, 31), "year",
     False, "end"),
    ("到2022年底,管理体系全面理顺。到2023年底,基本实现四级全覆盖。到2025年底,全面实现“一网通办”。", None,
     date(2025, 12, 31), "year", False, "by"),
    # a start stated for a year is the only date: the item's year
    ("开展新型智慧城市建设。2021年启动达标创优三年行动。", None, date(2021, 12, 31), "year", False, None),
    # a placeholder target is no target, so its year is no horizon
    ("到2022年,农村千兆宽带用户达到xxx万户。", None, date(2022, 12, 31), "year", False, "by"),
    # policy periods in a set of employment measures
    ("降低失业保险费率,实施期限至2022年4月30日。(市人力资源社会保障局负责)", 2021, None, None, False, None),
    ("2021年5月1日至2022年4月30日实施阶段性下调工伤保险费率50%的政策。(市人社局负责)", 2021, None, None, False,
     None),
]


@pytest.mark.parametrize(("text", "year", "due", "precision", "ongoing", "modifier"), REALDEV)
def test_realdev_shapes(text: str, year: int | None, due: date | None, precision: str | None, ongoing: bool,
                        modifier: str | None) -> None:
    _check(text, year, due, precision, ongoing, modifier)


# --- the records and the SQLite output carry milestones and horizons ---------------------------
PLAN = """\
临江市2024年城市更新工作要点

一、主要目标
到2026年，城镇老旧小区改造完成率达到90%。
二、重点任务
1.推进管网改造。2024年底前完成一期改造，2025年6月底前完成二期改造。（牵头单位：市住建局）
2.开展宣传。结合3.15国际消费者权益日组织宣传。（牵头单位：市市场监管局；完成时限：2024年xx月）
"""


def _items(doc: govplan.Document) -> dict[str, govplan.Item]:
    out: dict[str, govplan.Item] = {}

    def walk(items: list[govplan.Item]) -> None:
        for it in items:
            out["".join(it.path)] = it
            walk(it.children)

    walk(doc.plans[0].items)
    return out


def test_records_carry_milestones_and_horizons() -> None:
    items = _items(govplan.parse_text(PLAN))
    goal = items["一、"]
    assert goal.deadline is None and [(t.value, t.by) for t in goal.targets] == [(90, 2026)]
    d = items["二、1."].deadline
    assert d is not None and d.due == date(2025, 6, 30)
    milestones = items["二、1."].milestones
    assert [(m.raw, m.due, m.precision) for m in milestones] == [
        ("2024年底前", date(2024, 12, 31), "year"), ("2025年6月底前", date(2025, 6, 30), "month")]
    assert all(m.span.start_line == d.span.start_line for m in milestones)
    d2 = items["二、2."].deadline
    assert d2 is not None and (d2.due, d2.precision) == (date(2024, 12, 31), "year")
    # a single dated deadline is the item's one milestone, so "what falls due when" reads one table
    assert [(m.raw, m.due, m.span) for m in items["二、2."].milestones] == [(d2.raw, d2.due, d2.span)]
    assert items["一、"].milestones == []


def test_sqlite_has_milestones_and_target_years(tmp_path: Path) -> None:
    doc = govplan.parse_text(PLAN)
    db = tmp_path / "plans.db"
    con = connect(db)
    write_document(con, "plan.txt", doc.model_dump(mode="json"))
    rows = con.execute("SELECT m.seq, m.raw, m.due, m.precision FROM milestones m ORDER BY m.item_id, m.seq").fetchall()
    assert rows == [(0, "2024年底前", "2024-12-31", "year"), (1, "2025年6月底前", "2025-06-30", "month"),
                    (0, "2024年xx月", "2024-12-31", "year")]
    assert con.execute("SELECT value, by_year FROM targets").fetchall() == [(90.0, 2026)]
    con.close()


def test_sqlite_written_before_horizons_gets_the_column(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    old = sqlite3.connect(db)
    old.execute("CREATE TABLE targets (id INTEGER PRIMARY KEY, item_id INTEGER NOT NULL, raw TEXT, value REAL, "
                "unit TEXT, comparator TEXT)")
    old.close()
    con = connect(db)
    assert "by_year" in {r[1] for r in con.execute("PRAGMA table_info(targets)")}
    con.close()


def test_a_percentage_in_words_inside_a_quoted_name_is_no_target() -> None:
    tg, _ = run("建筑工地扬尘防治“六个百分之百”落实率达到100%。", "targets", year=2024)
    assert [(t.value, t.unit) for t in tg.targets] == [(100, "%")]
