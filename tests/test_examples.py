"""Example tables for the extractors, grouped by where each example came from.

* dev: written while building the extractor from the sample plans;
* issue: cases named in the project's issues;
* gap: known gaps, marked ``xfail(strict=True)`` so a fix that makes one pass forces this list
  to be updated.
"""

from __future__ import annotations

from datetime import date

import pytest

import govplan

from .extract_helpers import run

# --- deadlines: (text, year of the plan, due, precision, ongoing, modifier) -------------------
DEADLINES = [
    # dev
    ("(责任单位:市科技局;完成时间:2022年12月)", None, date(2022, 12, 31), "month", False, None),
    ("[责任单位:市司法局;完成时间:2022年6月,事项上线后纳入动态监管]", None, date(2022, 6, 30), "month", False, None),
    ("(责任单位:市财政局;完成时间:按省财政厅的部署要求推进)", None, None, None, False, None),
    ("2021年年底前,建成全市统一的平台。", None, date(2021, 12, 31), "year", False, "before"),
    ("到2025年,基本建成数字政府。", None, date(2025, 12, 31), "year", False, "by"),
    ("2022年12月底前全面建设“无证明城市”。", None, date(2022, 12, 31), "month", False, "before"),
    ("完成时间:不断完善", None, None, None, True, None),
    # issue
    ("完成时间:2022年6月", None, date(2022, 6, 30), "month", False, None),
    ("完成时限:年底前", 2022, date(2022, 12, 31), "year", False, "before"),
    ("完成时限:年内", 2023, date(2023, 12, 31), "year", False, "during"),
    ("完成时限:年中", 2023, date(2023, 6, 30), "quarter", False, None),
    ("完成时限:“十四五”期间", None, date(2025, 12, 31), "year", False, "during"),
    ("完成时限:十四五期间", None, date(2025, 12, 31), "year", False, "during"),
    ("完成时间:长期坚持", None, None, None, True, None),
    ("完成时间:持续推进", None, None, None, True, None),
    ("完成时间:2022年第三季度", None, date(2022, 9, 30), "quarter", False, None),
    ("完成时间:2022年3月15日前", None, date(2022, 3, 15), "day", False, "before"),
    ("完成时间:二〇二二年六月底", None, date(2022, 6, 30), "month", False, "end"),
    ("完成時間:2022年9月", None, date(2022, 9, 30), "month", False, None),
    ("完成时间:2022年起", None, None, "year", True, "from"),
    # a placeholder month is never read as a month, but the year it names is known (issue 8)
    ("完成时间:2022年xx月", 2022, date(2022, 12, 31), "year", False, None),
    ("完成时间:2022xx月", 2022, date(2022, 12, 31), "year", False, None),
]


@pytest.mark.parametrize(("text", "year", "due", "precision", "ongoing", "modifier"), DEADLINES)
def test_deadline(text: str, year: int | None, due: date | None, precision: str | None, ongoing: bool,
                  modifier: str | None) -> None:
    out, _ = run(text, "deadlines", year=year)
    assert out.deadline is not None
    d = out.deadline
    assert (d.due, d.precision, d.ongoing, d.modifier) == (due, precision, ongoing, modifier)


def test_relative_deadline_without_a_year_is_not_invented() -> None:
    out, _ = run("完成时限:年底前", "deadlines", year=None)
    assert out.deadline is not None and out.deadline.due is None
    assert [w.code for w in out.warnings] == ["unresolved_deadline"]


def test_unparsed_deadline_warns() -> None:
    out, _ = run("完成时间:视情况而定", "deadlines")
    assert out.deadline is not None and out.deadline.due is None
    assert [w.code for w in out.warnings] == ["unparsed_deadline"]


def test_placeholder_deadline_warns() -> None:
    out, _ = run("完成时间:2022年xx月", "deadlines")
    assert [w.code for w in out.warnings] == ["placeholder"]


@pytest.mark.parametrize("text", ["2022年5月9日,市政府印发通知。", "于2021年10月15日召开会议。", "2021年是开局之年。", "2024年中央财政下达资金。", "2023年中期评估工作启动。",
                                  "累计完成110年的资料整理。"])
def test_event_dates_are_not_deadlines(text: str) -> None:
    out, _ = run(text, "deadlines")
    assert out.deadline is None


# --- targets: (text, [(value, unit, comparator)]) --------------------------------------------
TARGETS = [
    # dev
    ("确保各级政务服务“好差评”主动评价率80%以上。", [(80, "%", ">=")]),
    ("实现我市云资源整体使用率不低于65%。", [(65, "%", ">=")]),
    ("实现医保电子凭证激活率达到65%。", [(65, "%", ">=")]),
    ("实现实名注册用户突破1.1亿,日均活跃用户突破100万。", [(110000000, None, ">"), (1000000, None, ">")]),
    ("在全省投放不少于250台政务服务一体机。", [(250, "台", ">=")]),
    ("实现需基层填报的表格减少50%以上。", [(50, "%", "decrease")]),
    ("审批时限分别压减至80个工作日、35个工作日。", [(80, "个工作日", "<="), (35, "个工作日", "<=")]),
    ("提供不少于300万次电子签名服务。", [(3000000, "次", ">=")]),
    ("实名注册用户数达450万人。", [(4500000, "人", ">=")]),
    ("助推实现行政审批事项100%网上受理。", [(100, "%", "=")]),
    ("用户覆盖全省5366个执法主体、超过20万执法人员和166个监督部门。", [(200000, None, ">")]),
    # issue
    ("覆盖率达到百分之九十。", [(90, "%", ">=")]),
    ("城镇化率提高3个百分点。", [(3, "百分点", "increase")]),
    ("能耗下降5%。", [(5, "%", "decrease")]),
    ("差错率控制在1%以内。", [(1, "%", "<=")]),
    ("至少建成10个示范点。", [(10, "个", ">=")]),
    # a starting value is not a target; a shared verb covers the whole enumeration
    ("农村生活污水治理率由45%提高到55%。", [(55, "%", ">=")]),
    ("从2020年的60%提升至80%以上。", [(80, "%", ">=")]),
    ("死亡人数同比分别下降10%和5%以上。", [(10, "%", "decrease"), (5, "%", "decrease")]),
    ("覆盖率分别达到90%和95%。", [(90, "%", ">="), (95, "%", ">=")]),
    # not targets
    ("拨打12345热线,建设5G网络,提供7×24小时服务。", []),
    ("2022年是关键一年,推出160件“一件事”。", [(160, "件", "=")]),  # a planned quantity
    # planned quantities stated by a verb
    ("全年新增市场主体5000户。", [(5000, "户", "=")]),
    ("开展职业技能培训1.5万人次。", [(15000, "人次", "=")]),
    ("新建高标准农田1.2万亩、改造1000亩。", [(12000, "亩", "="), (1000, "亩", "=")]),
    ("建设5G网络,安排资金5000万元。", []),
    ("助推实现行政审批事项xxx%网上受理。", []),
]


@pytest.mark.parametrize(("text", "expected"), TARGETS)
def test_target(text: str, expected: list[tuple[float, str | None, str]]) -> None:
    out, _ = run(text, "targets")
    assert [(t.value, t.unit, t.comparator) for t in out.targets] == expected


def test_placeholder_target_warns() -> None:
    out, _ = run("实现行政审批事项xxx%网上受理。", "targets")
    assert [w.code for w in out.warnings] == ["placeholder"]


# --- units: (text, options, [(name, role)]) --------------------------------------------------
UNITS = [
    # dev
    ("[责任单位:各县(市、区)人民政府、市直有关部门牵头,市政务服务数据管理局配合;完成时间:2022年6月]", {},
     [("各县(市、区)人民政府", "lead"), ("市直有关部门", "lead"), ("市政务服务数据管理局", "cooperating")]),
    ("(责任单位:市自然资源局、市住房公积金管理中心;完成时间:2022年9月)", {},
     [("市自然资源局", "responsible"), ("市住房公积金管理中心", "responsible")]),
    ("(市政务服务数据管理局、市有关单位、各县<市、区>政府<管委会>负责)", {"first_is_lead": True},
     [("市政务服务数据管理局", "lead"), ("市有关单位", "responsible"), ("各县(市、区)政府(管委会)", "responsible")]),
    ("(省公安廳、衛生健康委、政務服務數據管理局牽頭)", {},
     [("省公安厅", "lead"), ("省卫生健康委", "lead"), ("省政务服务数据管理局", "lead")]),
    ("(省司法厅、市场监管局、政务服务数据管理局牵头)", {},
     [("省司法厅", "lead"), ("省市场监管局", "lead"), ("省政务服务数据管理局", "lead")]),
    ("(省政务服务数据管理局、深圳市政府牵头)", {}, [("省政务服务数据管理局", "lead"), ("深圳市政府", "lead")]),
    ("(省政务服务数据管理局、数字广东网络建设有限公司牵头)", {},
     [("省政务服务数据管理局", "lead"), ("数字广东网络建设有限公司", "lead")]),
    ("(省委政法委,省政务服务数据管理局牵头)", {}, [("省委政法委", "lead"), ("省政务服务数据管理局", "lead")]),
    ("(省有关部门按职责分别牵头)", {}, [("省有关部门", "lead")]),
    ("(各县(市、区)人民政府、市直各部门负责,市政务服务数据管理局配合)", {},
     [("各县(市、区)人民政府", "lead"), ("市直各部门", "lead"), ("市政务服务数据管理局", "cooperating")]),
    ("(市工业和信息化局、市统计局、揭阳海关、揭阳供电局负责)", {"regions": frozenset({"揭阳"})},
     [("市工业和信息化局", "responsible"), ("市统计局", "responsible"), ("揭阳海关", "responsible"),
      ("揭阳供电局", "responsible")]),
    ("(责任单位:市公安局、市社保基金管理局等使用国垂、省垂业务审批系统的市直部门;完成时间:2022年6月)", {},
     # SPEC: a named holder after 等 is a unit too
     [("市公安局", "responsible"), ("市社保基金管理局", "responsible"),
      ("使用国垂、省垂业务审批系统的市直部门", "responsible")]),
    ("牵头单位:地区农业农村局、乡村振兴局、畜牧兽医局", {},
     [("地区农业农村局", "lead"), ("地区乡村振兴局", "lead"), ("地区畜牧兽医局", "lead")]),
    ("〔牵头单位:市档案馆;责任单位:市营商环境局、全市各单位〕", {},
     [("市档案馆", "lead"), ("市营商环境局", "responsible"), ("全市各单位", "responsible")]),
    # issue
    ("(市XX局牵头,市YY局配合)", {}, [("市XX局", "lead"), ("市YY局", "cooperating")]),
    ("(市财政局负责)", {}, [("市财政局", "responsible")]),
    ("(市卫生健康局等部门负责)", {}, [("市卫生健康局", "responsible")]),
    ("(市教育局牵头,市财政局协助,市人社局参与)", {},
     [("市教育局", "lead"), ("市财政局", "cooperating"), ("市人社局", "cooperating")]),
    # brackets that are not annotations
    ("推进智慧水利(一期)项目建设,出台建筑信息模型(BIM)技术应用的指导意见。", {}, []),
    ("实现全市各县(市、区)全覆盖。", {}, []),
]


@pytest.mark.parametrize(("text", "options", "expected"), UNITS)
def test_units(text: str, options: dict[str, object], expected: list[tuple[str, str]]) -> None:
    out, _ = run(text, "units", **options)  # type: ignore[arg-type]
    assert [(u.name, u.role) for u in out.units] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("(市委宣传部、网信办牵头)", [("市委宣传部", "lead"), ("市委网信办", "lead")]),
        # a party committee's prefix passes only its place to a government department
        pytest.param("(省委宣传部、公安厅牵头)", [("省委宣传部", "lead"), ("省公安厅", "lead")]),
        pytest.param("(市委组织部、编办、财政局配合)",
                     [("市委组织部", "cooperating"), ("市委编办", "cooperating"), ("市财政局", "cooperating")]),
        pytest.param("(地委办公室、机要保密局负责)", [("地委办公室", "responsible"), ("地委机要保密局", "responsible")]),
    ],
)
def test_units_prefix_edge_cases(text: str, expected: list[tuple[str, str]]) -> None:
    out, _ = run(text, "units")
    assert [(u.name, u.role) for u in out.units] == expected


MORE_DEADLINES = [
    # new features
    ("完成时限:6月底前", 2023, date(2023, 6, 30), "month", False, "before"),
    ("完成时限:9月30日前", 2023, date(2023, 9, 30), "day", False, "before"),
    ("完成时限:2023年上半年", None, date(2023, 6, 30), "quarter", False, None),
]


@pytest.mark.parametrize(("text", "year", "due", "precision", "ongoing", "modifier"), MORE_DEADLINES)
def test_more_deadlines(text: str, year: int | None, due: date | None, precision: str | None, ongoing: bool,
                        modifier: str | None) -> None:
    test_deadline(text, year, due, precision, ongoing, modifier)


@pytest.mark.parametrize(("text", "expected"), [
    ("(市教育局会同市财政局负责)", [("市教育局", "lead"), ("市财政局", "cooperating")]),
    ("(由市发展改革委牵头负责)", [("市发展改革委", "lead")]),
    ("(市人力资源和社会保障局、市工业和信息化局负责)",
     [("市人力资源和社会保障局", "responsible"), ("市工业和信息化局", "responsible")]),
])
def test_more_units(text: str, expected: list[tuple[str, str]]) -> None:
    out, _ = run(text, "units")
    assert [(u.name, u.role) for u in out.units] == expected


@pytest.mark.parametrize(("text", "due"), [
    ("完成系统建设。(市数据局负责,2023年6月)", date(2023, 6, 30)),
    ("完成系统建设。(2023年底前)", date(2023, 12, 31)),
    ("完成系统建设。(市数据局牵头;2024年3月底前完成)", None),  # not a bare date clause: read in the text instead
])
def test_a_date_as_an_annotation_clause(text: str, due: date | None) -> None:
    out, _ = run(text, "deadlines")
    if due is None:
        assert out.deadline is not None and out.deadline.due == date(2024, 3, 31)
    else:
        assert out.deadline is not None and out.deadline.due == due


RANGES = [
    ("完成时限:2023年6—8月", None, date(2023, 8, 31), "month", False, None),
    ("完成时限:2023年3月—2023年12月", None, date(2023, 12, 31), "month", False, None),
    ("完成时限:2022—2025年", None, date(2025, 12, 31), "year", False, None),
    ("完成时限:三季度", 2023, date(2023, 9, 30), "quarter", False, None),
    ("完成时限:2023年6月至9月", None, date(2023, 9, 30), "month", False, None),
]


@pytest.mark.parametrize(("text", "year", "due", "precision", "ongoing", "modifier"), RANGES)
def test_ranges_end_at_their_end(text: str, year: int | None, due: date | None, precision: str | None,
                                 ongoing: bool, modifier: str | None) -> None:
    test_deadline(text, year, due, precision, ongoing, modifier)


def test_short_field_labels() -> None:
    out, _ = run("(牵头:市发展改革委;配合:市财政局、市统计局;进度安排:2023年6月底前)", "units")
    assert [(u.name, u.role) for u in out.units] == [
        ("市发展改革委", "lead"), ("市财政局", "cooperating"), ("市统计局", "cooperating")]
    out, _ = run("(牵头:市发展改革委;配合:市财政局、市统计局;进度安排:2023年6月底前)", "deadlines")
    assert out.deadline is not None and out.deadline.due == date(2023, 6, 30)


@pytest.mark.parametrize(("text", "expected"), [
    # a list of departments closing an item, without a role word: responsible
    ("推进平台建设。(省大数据局、省公安厅、司法厅)",
     [("省大数据局", "responsible"), ("省公安厅", "responsible"), ("省司法厅", "responsible")]),
    # ... but not brackets inside the text, nor brackets that are not departments
    ("推进(省大数据局、省公安厅)平台建设。", []),
    ("覆盖各县(市、区)。", []),
    # a 牵头单位 label keeps its units as leads when a 配合 clause follows
    ("【牵头单位:区法院、区检察院,区委政法委配合】",
     [("区法院", "lead"), ("区检察院", "lead"), ("区委政法委", "cooperating")]),
    # a note inside the list is not a unit
    ("(责任单位:市卫生健康委、市医保局,排名第一的为牵头单位)",
     [("市卫生健康委", "responsible"), ("市医保局", "responsible")]),
    # 团市委 says where it belongs
    ("(市教育局、团市委负责)", [("市教育局", "responsible"), ("团市委", "responsible")]),
    # 责任单位 with 配合单位 reads as "X负责，Y配合"
    ("(责任单位:市住房城乡建设局;配合单位:市市场监管局)", [("市住房城乡建设局", "lead"), ("市市场监管局", "cooperating")]),
    # Taiwan-style labels
    ("(主办机关:县府资讯中心;协办机关:各乡镇市公所)", [("县府资讯中心", "lead"), ("各乡镇市公所", "cooperating")]),
    # a bare 各区 shares the next name's suffix
    # SPEC: generic holders written with 、 inside stay whole
    ("(责任单位:各区、县级市人民政府)", [("各区、县级市人民政府", "responsible")]),
    ("(各镇、街道党委和政府负责)", [("各镇、街道党委和政府", "responsible")]),
    # a sentence of its own that assigns the work, with or without 由
    ("推进厕所革命。市农业农村局负责,市卫生健康局配合。", [("市农业农村局", "lead"), ("市卫生健康局", "cooperating")]),
    ("推进工作,由市农业农村局负责,长期坚持。", [("市农业农村局", "responsible")]),
    ("市政府统一领导,各部门分工负责。", []),
])
def test_units_from_the_adversarial_review(text: str, expected: list[tuple[str, str]]) -> None:
    out, _ = run(text, "units")
    assert [(u.name, u.role) for u in out.units] == expected


IN_TEXT = [
    ("2024年9月完成平台建设。", None, date(2024, 9, 30)),
    ("2024年一季度完成摸底。", None, date(2024, 3, 31)),
    ("上半年完成调研,年内全面推开。", 2024, date(2024, 6, 30)),
    ("三季度末前建成。", 2024, date(2024, 9, 30)),
    ("6月底前完成整改。", 2024, date(2024, 6, 30)),
    ("2025年春节前完成。", None, date(2025, 1, 28)),
    ("2024年国庆节前完成。", None, date(2024, 9, 30)),
    ("2024年6月起实施。", None, None),
    ("2025年中完成平台迁移。", None, date(2025, 6, 30)),
    ("于民国一一三年十二月底前完成。", None, date(2024, 12, 31)),  # Taiwan's 民国 years
    ("113年6月30日前完成。", None, date(2024, 6, 30)),
]


@pytest.mark.parametrize(("text", "year", "due"), IN_TEXT)
def test_deadlines_in_running_text(text: str, year: int | None, due: date | None) -> None:
    out, _ = run(text, "deadlines", year=year)
    got = out.deadline.due if out.deadline is not None else None
    assert got == due


def test_ongoing_as_the_last_clause() -> None:
    out, _ = run("推进工作,由市农业农村局负责,长期坚持。", "deadlines")
    assert out.deadline is not None and out.deadline.ongoing
    out, _ = run("长期坚持推进改革,完善制度。", "deadlines")
    assert out.deadline is None


def test_staged_and_festival_fields() -> None:
    out, _ = run("完成时限:2024年底前完成50%,2025年6月底前全部完成", "deadlines")
    assert out.deadline is not None and out.deadline.due == date(2025, 6, 30)
    out, _ = run("完成时限:2026年6月底前完成,2024年底前完成50%", "deadlines")  # the interim step written last
    assert out.deadline is not None and out.deadline.due == date(2026, 6, 30)
    out, _ = run("完成时限:2025年春节前", "deadlines")
    assert out.deadline is not None and (out.deadline.due, out.deadline.modifier) == (date(2025, 1, 28), "before")
    out, _ = run("完成时限:2040年春节前", "deadlines")
    assert out.deadline is not None and out.deadline.due is None
    assert [w.code for w in out.warnings] == ["unparsed_deadline"]


@pytest.mark.parametrize(("text", "expected"), [
    ("全年举办活动不少于10场。", [(10, "场", ">=")]),
    ("PM2.5浓度降至28微克/立方米以下。", [(28, "微克/立方米", "<=")]),
    ("城镇化率提升至65%左右。", [(65, "%", "=")]),
])
def test_more_targets(text: str, expected: list[tuple[float, str | None, str]]) -> None:
    out, _ = run(text, "targets")
    assert [(t.value, t.unit, t.comparator) for t in out.targets] == expected


def test_a_sentence_that_assigns_the_work() -> None:
    out, _ = run("加强道路安全。由市交通运输局负责,市公安局协助。", "units")
    assert [(u.name, u.role) for u in out.units] == [("市交通运输局", "lead"), ("市公安局", "cooperating")]
    out, _ = run("由于资金不足,由此带来困难。", "units")
    assert out.units == []


@pytest.mark.parametrize(("text", "units", "due"), [
    ("(县农业农村局牵头,县科工商务局配合,“十四五”期间)", [("县农业农村局", "lead"), ("县科工商务局", "cooperating")],
     date(2025, 12, 31)),
    ("(县应急管理局负责,上半年完成)", [("县应急管理局", "responsible")], date(2024, 6, 30)),
    ("(县工业和信息化局牵头,二季度末前完成)", [("县工业和信息化局", "lead")], date(2024, 6, 30)),
    ("(县财政局负责,按省统一部署推进)", [("县财政局", "responsible")], None),
])
def test_deadline_clauses_in_unit_annotations(text: str, units: list[tuple[str, str]], due: date | None) -> None:
    out, _ = run(text, "units")
    assert [(u.name, u.role) for u in out.units] == units
    dl, _ = run(text, "deadlines", year=2024)
    assert (dl.deadline.due if dl.deadline else None) == due


def test_bracketed_labels_without_a_colon() -> None:
    text = "推进厕所革命。\n【牵头单位】区农业农村局\n【责任单位】区卫生健康局,各镇人民政府\n【完成时限】2024年10月"
    out, _ = run(text, "units")
    assert [(u.name, u.role) for u in out.units] == [
        ("区农业农村局", "lead"), ("区卫生健康局", "responsible"), ("各镇人民政府", "responsible")]
    dl, _ = run(text, "deadlines")
    assert dl.deadline is not None and dl.deadline.due == date(2024, 10, 31)


@pytest.mark.parametrize(("text", "expected"), [
    ("(市发展改革局负责统筹,市财政局配合)", [("市发展改革局", "lead"), ("市财政局", "cooperating")]),
    ("(医院管理局及卫生署协助)", [("医院管理局", "cooperating"), ("卫生署", "cooperating")]),
    ("(县卫生健康局牵头,县水务局、生态环境局平远分局配合)",
     [("县卫生健康局", "lead"), ("县水务局", "cooperating"), ("生态环境局平远分局", "cooperating")]),
])
def test_units_second_review(text: str, expected: list[tuple[str, str]]) -> None:
    out, _ = run(text, "units")
    assert [(u.name, u.role) for u in out.units] == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("新增规模以上工业企业三十家以上。", [(30, "家", ">=")]),
    ("比重提高两个百分点。", [(2, "百分点", "increase")]),
    ("营业收入突破一百二十亿元。", [(12000000000, "元", ">")]),
    ("登记人数增至六百万人。", [(6000000, "人", ">=")]),
    ("满意度九成以上。", [(90, "%", ">=")]),
    ("推进“一网通办”,打造三个最。", []),
    ("检查不少于300家次。", [(300, "家次", ">=")]),
])
def test_numbers_written_in_chinese(text: str, expected: list[tuple[float, str | None, str]]) -> None:
    out, _ = run(text, "targets")
    assert [(t.value, t.unit, t.comparator) for t in out.targets] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # units opening a sentence: clauses of names and a cue, then the task
    ("市农业农村局牵头，市卫生健康委、市住房城乡建设局配合，每年新改建农村户厕不少于8000户。",
     [("市农业农村局", "lead"), ("市卫生健康委", "cooperating"), ("市住房城乡建设局", "cooperating")]),
    # …or the units as the subject of the sentence
    ("各县（市、区）人民政府负责建立农村厕所长效管护机制。", [("各县(市、区)人民政府", "responsible")]),
    ("市住房城乡建设局牵头，各县（市、区）人民政府具体负责，健全收运处置体系。",
     [("市住房城乡建设局", "lead"), ("各县(市、区)人民政府", "responsible")]),
    ("确保面积、产量稳定。此项工作由市农业农村局牵头，市财政局配合，10月底前完成。",
     [("市农业农村局", "lead"), ("市财政局", "cooperating")]),
    ("（市生态环境局牵头，沿江各县（市、区）人民政府具体落实）",
     [("市生态环境局", "lead"), ("沿江各县(市、区)人民政府", "responsible")]),
    # not units: a subject that is not a department
    ("企业负责建立安全生产台账。", []),
    ("主要负责同志亲自部署。", []),
    # (with a cooperating unit beside them, the responsible units lead, as in 责任单位:X;配合单位:Y)
    ("負責政策局／部門：發展局、規劃署；協助部門：土木工程拓展署",
     [("发展局", "lead"), ("规划署", "lead"), ("土木工程拓展署", "cooperating")]),
])
def test_units_fourth_review(text: str, expected: list[tuple[str, str]]) -> None:
    out, _ = run(text, "units")
    assert [(u.name, u.role) for u in out.units] == expected


FOURTH_REVIEW_DEADLINES = [
    # a later stage in the same year ends a staged deadline
    ("完成时限:2025年6月底前完成50%,12月底前全部完成", None, date(2025, 12, 31), "month", False, "before"),
    # a season with no fixed date is not the year's last day; a dated stage beside it wins
    ("完成时限:2025年汛期前完成地下部分施工,2025年11月底前全面完成", None, date(2025, 11, 30), "month", False,
     "before"),
    ("完成时限:2025年汛期前", None, None, None, False, None),
    # a start is not a deadline
    ("完成时限:一季度起持续推进", 2025, None, None, True, "from"),
    ("完成时限:全年", 2025, date(2025, 12, 31), "year", False, "during"),
    ("完成时限:次年3月底前", 2025, date(2026, 3, 31), "month", False, "before"),
    ("完成时限:按年度计划推进", 2025, None, None, False, None),
    # Hong Kong: labels, quarters without 度, financial years
    ("時間表:2025年第四季", None, date(2025, 12, 31), "quarter", False, None),
    ("推行時間表：2025/26年度", None, date(2026, 3, 31), "year", False, "during"),
]


@pytest.mark.parametrize(("text", "year", "due", "precision", "ongoing", "modifier"), FOURTH_REVIEW_DEADLINES)
def test_deadlines_fourth_review(text: str, year: int | None, due: date | None, precision: str | None,
                                 ongoing: bool, modifier: str | None) -> None:
    test_deadline(text, year, due, precision, ongoing, modifier)


@pytest.mark.parametrize("text", [
    "2025年秋季学期开学前完成改造。",
    # a year in a cited document's title
    "为贯彻落实《农村人居环境整治提升五年行动方案(2021—2025年)》,制定本细则。",
])
def test_no_deadline_in_running_text(text: str) -> None:
    out, _ = run(text, "deadlines", year=2025)
    assert out.deadline is None


def test_vague_season_and_unplanned_phrases_warn_or_not() -> None:
    out, _ = run("完成时限:2025年汛期前", "deadlines")
    assert [w.code for w in out.warnings] == ["unparsed_deadline"]
    out, _ = run("完成时限:按年度计划推进", "deadlines", year=2025)
    assert out.warnings == []


@pytest.mark.parametrize(("text", "expected"), [
    # 5G and 5A name things; the count after them is the target
    ("新建5G基站1000个。", [(1000, "个", "=")]),
    ("创建国家5A级旅游景区1个。", [(1, "个", "=")]),
    # a rise word far before a count is part of a verb (改造提升 upgrades), not a comparator
    ("改造提升农贸市场12家。", [(12, "家", "=")]),
    ("新开工亿元以上产业项目30个。", [(30, "个", "=")]),
    ("城镇新增就业增长10%。", [(10, "%", "increase")]),
    ("户籍人口城镇化率提高1.5个百分点。", [(1.5, "百分点", "increase")]),
    # units of measure
    ("实际使用外资不少于6亿美元。", [(600000000, "美元", ">=")]),
    ("人均预期寿命达到79.5岁。", [(79.5, "岁", ">=")]),
    ("年度培训不少于60学时。", [(60, "学时", ">=")]),
    # quantity verbs and 精简 as a decrease
    ("完成营造林3.5万亩。", [(35000, "亩", "=")]),
    ("加装电梯100台。", [(100, "台", "=")]),
    ("精简审批事项10%以上。", [(10, "%", "decrease")]),
])
def test_targets_fourth_review(text: str, expected: list[tuple[float, str | None, str]]) -> None:
    test_target(text, expected)


@pytest.mark.parametrize(("text", "expected"), [
    # a cooperating cue does not reach back over a comma
    ("（责任单位：区教育局、区卫生健康委，团区委配合）",
     [("区教育局", "lead"), ("区卫生健康委", "lead"), ("团区委", "cooperating")]),
    ("市教育局、市卫健委，市残联配合。", [("市教育局", "lead"), ("市卫健委", "lead"), ("市残联", "cooperating")]),
    # 全年推进 is when, not who
    ("（区教育局负责，区残联、区民政局配合，全年推进）",
     [("区教育局", "lead"), ("区残联", "cooperating"), ("区民政局", "cooperating")]),
    # responsibility after a dash
    ("推进改造。——市工业和信息化局牵头，市发展改革委配合，2025年6月底前完成。",
     [("市工业和信息化局", "lead"), ("市发展改革委", "cooperating")]),
    # sections (科室, 股) as units
    ("开展检查。\n责任科室：食品生产安全监管股、办公室\n配合科室：各市场监管所",
     [("食品生产安全监管股", "lead"), ("办公室", "lead"), ("各市场监管所", "cooperating")]),
])
def test_units_fifth_review(text: str, expected: list[tuple[str, str]]) -> None:
    out, _ = run(text, "units")
    assert [(u.name, u.role) for u in out.units] == expected


FIFTH_REVIEW_DEADLINES = [
    ("完成时限:即日起至2025年12月31日", None, date(2025, 12, 31), "day", False, "by"),
    ("完成时限:即日起", None, None, None, True, "from"),
    # a recurring report, then the date the work ends
    ("完成时限:每月25日前报送排查情况,12月底前完成整治", 2025, date(2025, 12, 31), "month", False, "before"),
    ("完成时限:每季度首月10日前报送进展,全年完成", 2025, date(2025, 12, 31), "year", False, "during"),
    ("完成时限:一是2025年6月底前,二、三长期坚持", None, date(2025, 6, 30), "month", False, "before"),
    # a stage's dates in brackets after its heading
    ("考核阶段(2025年12月—2026年1月)。开展考核。", None, date(2026, 1, 31), "month", False, "during"),
    ("“十四五”期间实现行政村全覆盖。", None, date(2025, 12, 31), "year", False, "end"),
]


@pytest.mark.parametrize(("text", "year", "due", "precision", "ongoing", "modifier"), FIFTH_REVIEW_DEADLINES)
def test_deadlines_fifth_review(text: str, year: int | None, due: date | None, precision: str | None,
                                ongoing: bool, modifier: str | None) -> None:
    test_deadline(text, year, due, precision, ongoing, modifier)


def test_a_start_quarter_needs_no_year() -> None:
    out, _ = run("完成时限:一季度起持续推进", "deadlines", year=None)
    assert out.deadline is not None and out.deadline.ongoing and out.warnings == []


@pytest.mark.parametrize(("text", "expected"), [
    # scopes and rates are not targets
    ("5岁以下儿童死亡率控制在5‰以内。", [(5, "‰", "<=")]),
    ("65岁及以上老年人健康管理率达到70%。", [(70, "%", ">=")]),
    ("对进出口额500万美元以上企业实行监测。", []),
    ("给予展位费70%的补助。", []),
    ("人均预期寿命达到79.5岁。", [(79.5, "岁", ">=")]),
    # a name in quotes, a footnote mark and a long noun between the verb and its count
    ("建成“15分钟便民生活圈”8个。", [(8, "个", "=")]),
    ("建成“无废细胞”³200个。", [(200, "个", "=")]),
    ("新建社区嵌入式养老服务中心6个。", [(6, "个", "=")]),
    ("组建专家服务团3个。", [(3, "个", "=")]),
    ("不超过3批次。", [(3, "批次", "<=")]),
    # the next count of the same list, after a comma
    ("建设智慧教室120间，创客实验室10个。", [(120, "间", "="), (10, "个", "=")]),
])
def test_targets_fifth_review(text: str, expected: list[tuple[float, str | None, str]]) -> None:
    test_target(text, expected)


def test_comparison_signs_are_not_damage() -> None:
    doc = govplan.parse_text("一、目标\n（一）优良天数比率≥95%，PM2.5≤30微克/立方米，误差≈1%。\n")
    assert doc.warnings == []


@pytest.mark.parametrize(("text", "expected"), [
    ("支持附件2所列重点项目建设。", []),
    ("新增设置容量120MW。", [(120, "MW", "=")]),
    ("新增老年学校（学习点）15个。", [(15, "个", "=")]),
    ("汰换柴油公车为电动公车80辆。", [(80, "辆", "=")]),
])
def test_targets_sixth_review(text: str, expected: list[tuple[float, str | None, str]]) -> None:
    test_target(text, expected)


SIXTH_REVIEW_DEADLINES = [
    ("完成时限:114年底前", None, date(2025, 12, 31), "year", False, "before"),
    ("完成时限:114年第3季", None, date(2025, 9, 30), "quarter", False, None),
    ("(区教育局负责,区残联配合,全年推进)", None, None, None, True, None),
    ("推进改造。——市科技局牵头，市教育局配合，持续推进。", 2025, None, None, True, None),
    ("——市财政局按职责分工负责，每年12月底前完成年度任务。", 2025, None, None, True, None),
]


@pytest.mark.parametrize(("text", "year", "due", "precision", "ongoing", "modifier"), SIXTH_REVIEW_DEADLINES)
def test_deadlines_sixth_review(text: str, year: int | None, due: date | None, precision: str | None,
                                ongoing: bool, modifier: str | None) -> None:
    test_deadline(text, year, due, precision, ongoing, modifier)


@pytest.mark.parametrize(("text", "expected"), [
    ("牵头单位：待定；配合单位：无", []),
    ("牵头单位：/；配合单位：/", []),
    ("责任单位：（另行明确）", []),
])
def test_empty_unit_fields(text: str, expected: list[tuple[str, str]]) -> None:
    out, _ = run(text, "units")
    assert [(u.name, u.role) for u in out.units] == expected


@pytest.mark.parametrize(("text", "codes"), [
    ("完成时限：——", []), ("完成时限：/", []), ("完成时限：待定", []),
    ("完成时限：20××年××月", ["placeholder"]),
])
def test_empty_or_placeholder_deadline_fields(text: str, codes: list[str]) -> None:
    out, _ = run(text, "deadlines")
    assert (out.deadline is None or out.deadline.due is None) and [w.code for w in out.warnings] == codes


SEVENTH_REVIEW_DEADLINES = [
    ("(区数据局负责，2025年3季度末前)", None, date(2025, 9, 30), "quarter", False, "before"),
    ("完成时限:2025年6月份", None, date(2025, 6, 30), "month", False, None),
    # a schedule of stages ends with its last one; a stage that starts the work is not the end
    ("进度安排：2025年3月启动，6月完成初稿，12月全面完成", None, date(2025, 12, 31), "month", False, None),
    ("进度安排：一季度启动，三季度完成", 2025, date(2025, 9, 30), "quarter", False, None),
    ("进度安排：2025年8月底前出台实施方案，年底前全面推开", None, date(2025, 12, 31), "year", False, "before"),
    ("进度安排：2025年上半年完成系统建设，下半年实现全覆盖", None, date(2025, 12, 31), "quarter", False, None),
    ("时间节点：3月底前完成摸底；11月底前全部完成", 2025, date(2025, 11, 30), "month", False, "before"),
    ("2024年2月底前出台管理办法。", None, date(2024, 2, 29), "month", False, "before"),  # a leap year
    # in running text too, a sentence's later stage ends the work
    ("于2025年4月30日前制定抽查计划，2025年11月30日前完成抽查任务。", None, date(2025, 11, 30), "day", False, "before"),
    ("到2025年，基本建成；到2035年，全面建成。", None, date(2035, 12, 31), "year", False, "by"),  # the latest (issue 8)
    # …but a yearly report after the work is done does not move the deadline
    ("完成时限：2025年6月底前完成建设，每年12月底前报送", None, date(2025, 6, 30), "month", False, "before"),
]


@pytest.mark.parametrize(("text", "year", "due", "precision", "ongoing", "modifier"), SEVENTH_REVIEW_DEADLINES)
def test_deadlines_seventh_review(text: str, year: int | None, due: date | None, precision: str | None,
                                  ongoing: bool, modifier: str | None) -> None:
    test_deadline(text, year, due, precision, ongoing, modifier)


@pytest.mark.parametrize(("text", "expected"), [
    ("提高秸秆综合利用率至95%。", [(95, "%", ">=")]),
    ("生猪出栏稳定在45万头左右。", [(450000, "头", "=")]),
    ("新增处理能力200吨/日。", [(200, "吨/日", "=")]),
    ("新增国家级、省级重点实验室和工程技术研究中心15家。", [(15, "家", "=")]),
    ("合法民宿家数成长10%。", [(10, "%", "increase")]),
])
def test_targets_seventh_review(text: str, expected: list[tuple[float, str | None, str]]) -> None:
    test_target(text, expected)


EIGHTH_REVIEW_DEADLINES = [
    ("完成时限：2025年6月30日前（首批）、12月31日前（全部）", None, date(2025, 12, 31), "day", False, "before"),
    ("完成时限：2025年汛期前（5月31日前）", None, date(2025, 5, 31), "day", False, "before"),
    ("完成时限：2025年春耕前部署，秋收后集中回收，12月20日前完成年度考核", None, date(2025, 12, 20), "day", False,
     "before"),
    ("完成时限：即时整改，每月通报", None, None, None, True, None),
]


@pytest.mark.parametrize(("text", "year", "due", "precision", "ongoing", "modifier"), EIGHTH_REVIEW_DEADLINES)
def test_deadlines_eighth_review(text: str, year: int | None, due: date | None, precision: str | None,
                                 ongoing: bool, modifier: str | None) -> None:
    test_deadline(text, year, due, precision, ongoing, modifier)


@pytest.mark.parametrize(("text", "expected"), [
    ("改造提升1.5万亩。", [(15000, "亩", "=")]),
    ("按照增量部分的5%给予奖励。", []),
    ("单位工业增加值能耗下降到0.45吨标准煤/万元以下。", [(0.45, "吨标准煤/万元", "<=")]),
    ("抽检食品80批次。", [(80, "批次", "=")]),
])
def test_targets_eighth_review(text: str, expected: list[tuple[float, str | None, str]]) -> None:
    test_target(text, expected)


@pytest.mark.parametrize(("text", "expected"), [
    ("推进学科建设。\n责任部门：学科建设办公室（发展规划处）", [("学科建设办公室(发展规划处)", "responsible")]),
    ("推进人才工作。\n责任部门：党委组织部（人事处配合）", [("人事处", "cooperating"), ("党委组织部", "lead")]),
    ("（区城市管理局牵头，区住房城乡建设局，新华街道办事处、城关镇人民政府）",
     [("区城市管理局", "lead"), ("区住房城乡建设局", "responsible"), ("新华街道办事处", "responsible"),
      ("城关镇人民政府", "responsible")]),
    ("本预案由市应急管理局负责解释。", [("市应急管理局", "responsible")]),
])
def test_units_ninth_review(text: str, expected: list[tuple[str, str]]) -> None:
    out, _ = run(text, "units")
    assert [(u.name, u.role) for u in out.units] == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("专职辅导员师生比不低于1:200。", []),
    ("开展读书班4期。", [(4, "期", "=")]),
    ("检定计量器具2000台件。", [(2000, "台件", "=")]),
])
def test_targets_ninth_review(text: str, expected: list[tuple[float, str | None, str]]) -> None:
    test_target(text, expected)


def test_a_document_named_by_its_date_is_not_a_deadline() -> None:
    out, _ = run("2019年6月印发的《岭西市防汛抗旱应急预案》同时废止。", "deadlines", year=2025)
    assert out.deadline is None


@pytest.mark.parametrize(("text", "expected"), [
    ("推进甲。（省发展改革委、省统计局按职责分工负责；省政府领导：李国强、张卫东）",
     [("省发展改革委", "responsible"), ("省统计局", "responsible")]),
    ("推进丙。（各市州人民政府负责落实）", [("各市州人民政府", "responsible")]),
    ("推进丁。（责任单位：县农业农村局，柳溪村、新塘村村民委员会）",
     [("县农业农村局", "responsible"), ("柳溪村", "responsible"), ("新塘村村民委员会", "responsible")]),
])
def test_units_tenth_review(text: str, expected: list[tuple[str, str]]) -> None:
    out, _ = run(text, "units")
    assert [(u.name, u.role) for u in out.units] == expected


TENTH_REVIEW_DEADLINES = [
    ("完成时限：2025/6/30", None, date(2025, 6, 30), "day", False, None),
    ("完成时限：2025.09", None, date(2025, 9, 30), "month", False, None),
    ("完成时限：每日巡查，长期坚持。", None, None, None, True, None),
]


@pytest.mark.parametrize(("text", "year", "due", "precision", "ongoing", "modifier"), TENTH_REVIEW_DEADLINES)
def test_deadlines_tenth_review(text: str, year: int | None, due: date | None, precision: str | None,
                                ongoing: bool, modifier: str | None) -> None:
    test_deadline(text, year, due, precision, ongoing, modifier)


@pytest.mark.parametrize(("text", "expected"), [
    ("能耗下降2.5%左右。", [(2.5, "%", "decrease")]),
    ("接待游客8亿人次。", [(800000000, "人次", "=")]),
])
def test_targets_tenth_review(text: str, expected: list[tuple[float, str | None, str]]) -> None:
    test_target(text, expected)


def test_a_year_range_with_an_ascii_hyphen() -> None:
    test_deadline("完成时限：2024-2025", None, date(2025, 12, 31), "year", False, None)
