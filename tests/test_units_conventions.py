"""Units and roles by the annotation conventions (SPEC.md) and issue 8, on made-up text.

* spec: the conventions the gold annotations follow;
* issue: the list of issue 8 (first-listed-is-lead in any wording, verbs in prose, labels);
* gap: known gaps, marked ``xfail(strict=True)``.
"""

from __future__ import annotations

import pytest

import govplan
from govplan.extractors.units import declares_first_is_lead
from govplan.records import Item
from govplan.rules import bundled_rules

from .extract_helpers import run


def _units(text: str, **options: object) -> list[tuple[str, str]]:
    out, _ = run(text, "units", **options)  # type: ignore[arg-type]
    return [(u.name, u.role) for u in out.units]


def _items(text: str) -> dict[str, list[tuple[str, str]]]:
    """Units of every item of a one-plan text, by the item's path joined with '>'."""
    doc = govplan.parse_text(text)
    found: dict[str, list[tuple[str, str]]] = {}

    def walk(items: list[Item]) -> None:
        for it in items:
            found[">".join(it.path)] = [(u.name, u.role) for u in it.units]
            walk(it.children)

    for plan in doc.plans:
        walk(plan.items)
    return found


# --- names: (text, [(name, role)]) -----------------------------------------------------------
NAMES = [
    # spec: specific names that share a suffix are expanded
    ("(牵头单位:县商务局;责任单位:县统计局,东湖、西岭管理区)",
     [("县商务局", "lead"), ("县统计局", "responsible"), ("东湖管理区", "responsible"),
      ("西岭管理区", "responsible")]),
    ("(东湖、西岭管理区负责)", [("东湖管理区", "responsible"), ("西岭管理区", "responsible")]),
    ("加强校园食品安全监管,由文旅、应急部门负责。", [("文旅部门", "responsible"), ("应急部门", "responsible")]),
    ("(区民政、残联部门负责)", [("区民政部门", "responsible"), ("区残联部门", "responsible")]),
    ("(城北、河口街道办事处负责)", [("城北街道办事处", "responsible"), ("河口街道办事处", "responsible")]),
    ("推动园区扩区调位。(临港、空港管委会,各县(市、区)人民政府)",
     [("临港管委会", "responsible"), ("空港管委会", "responsible"), ("各县(市、区)人民政府", "responsible")]),
    ("推动园区扩区调位。(滨江区、湾北区管委会负责)", [("滨江区管委会", "responsible"), ("湾北区管委会", "responsible")]),
    # issue 8: names side by side with a space between (a cell's lines joined), but not one name a
    # PDF spaced (区人民政府 办公室: the right side names no place)
    ("(牵头单位:市发改委 市财政局;配合单位:区人民政府 办公室)",
     [("市发改委", "lead"), ("市财政局", "lead"), ("区人民政府办公室", "cooperating")]),
    # a bracket closing the text that is a clause, not names (行 of 执行 is no bank)
    ("提高科研仪器设备使用效率(免税进口的科研仪器设备按有关政策规定执行)。", []),
    # …but not a generic word: 公安、有关部门 are two
    ("(市场监管、有关部门负责)", [("市场监管", "responsible"), ("有关部门", "responsible")]),
    # spec: generic holders with 、 inside stay whole
    ("(责任单位:各县、区人民政府)", [("各县、区人民政府", "responsible")]),
    ("(责任单位:各县(市、区)人民政府)", [("各县(市、区)人民政府", "responsible")]),
    ("(牵头单位:州农业农村局;责任单位:各乡、镇人民政府)",
     [("州农业农村局", "lead"), ("各乡、镇人民政府", "responsible")]),
    ("(各区、县级市人民政府负责)", [("各区、县级市人民政府", "responsible")]),
    ("(各镇、街道党委和政府负责)", [("各镇、街道党委和政府", "responsible")]),
    ("(牵头单位:市科技局,配合单位:市财政局,各区、县级市)",
     [("市科技局", "lead"), ("市财政局", "cooperating"), ("各区、县级市", "cooperating")]),
    ("(牵头单位:市商务局,配合单位:各有关区、县级市)", [("市商务局", "lead"), ("各有关区、县级市", "cooperating")]),
    ("(各县、区、镇人民政府负责)", [("各县、区、镇人民政府", "responsible")]),
    # …but a generic head before a name that is no place word is a unit of its own
    ("(各乡镇、县直有关部门负责)", [("各乡镇", "responsible"), ("县直有关部门", "responsible")]),
    # spec: X、Y等部门 → X, Y; X等有关部门 → X, 有关部门
    ("(县教育局、县科技局等部门负责)", [("县教育局", "responsible"), ("县科技局", "responsible")]),
    ("(责任单位:市林业局等有关部门)", [("市林业局", "responsible"), ("有关部门", "responsible")]),
    ("(责任单位:市城管局、市水务局等市直相关单位)",
     [("市城管局", "responsible"), ("市水务局", "responsible"), ("市直相关单位", "responsible")]),
    ("(责任单位:区税务局、区人社局等各有关部门和单位)",
     [("区税务局", "responsible"), ("区人社局", "responsible"), ("各有关部门和单位", "responsible")]),
    ("(责任单位:市医保局等承担跨省结算业务的市直部门)",
     [("市医保局", "responsible"), ("承担跨省结算业务的市直部门", "responsible")]),
    ("(市档案馆等3个部门负责)", [("市档案馆", "responsible")]),
    # issue: X等部门和单位参与 → X
    ("旗气象局牵头,旗水利局等部门和单位参与。", [("旗气象局", "lead"), ("旗水利局", "cooperating")]),
    # issue: an alias clause is not part of a name
    ("(牵头单位:市营商环境建设局(以下简称市营商局);配合单位:市司法局)",
     [("市营商环境建设局", "lead"), ("市司法局", "cooperating")]),
    ("牵头单位:县发展和改革局(以下简称“县发改局”)", [("县发展和改革局", "lead")]),
    # …nor is a deadline beside the names in a bracket closing the item
    ("推行证明事项告知承诺制。(市数据资源管理局(以下简称市数据局)、市公安局,2024年3月底前)",
     [("市数据资源管理局", "responsible"), ("市公安局", "responsible")]),
    # issue: a list cut off by the end of the text gives no fragment
    ("推进工业园区扩容提质。(牵头单位:市发展改革委、市", [("市发展改革委", "lead")]),
    ("完善人才公寓配套。(牵头单位:区住建局;责任单位:区", [("区住建局", "lead")]),
    ("推进智慧停车建设。(市交通运输局、市城管局、市", [("市交通运输局", "responsible"), ("市城管局", "responsible")]),
    ("推进河道清淤。(牵头单位:县水利局", [("县水利局", "lead")]),
    # …a bracket that closes is not cut off
    ("推进河道清淤。(县水利局、镇)", []),
]


@pytest.mark.parametrize(("text", "expected"), NAMES)
def test_names(text: str, expected: list[tuple[str, str]]) -> None:
    assert _units(text) == expected


# --- roles: (text, [(name, role)]) -----------------------------------------------------------
ROLES = [
    # issue: lead and cooperating as verbs in prose
    ("开展消费券发放活动。由区商务局主办,区财政局协助。", [("区商务局", "lead"), ("区财政局", "cooperating")]),
    # …and the task that follows them in the same sentence is no unit
    ("由市林业局主办,市公安局、市交通局协助,开展野生动物保护宣传月活动。",
     [("市林业局", "lead"), ("市公安局", "cooperating"), ("市交通局", "cooperating")]),
    ("规范校外培训。县教育局负责,县市场监管局配合。", [("县教育局", "lead"), ("县市场监管局", "cooperating")]),
    ("整治违建。镇综合执法办牵头,镇规划所、镇国土所参与。",
     [("镇综合执法办", "lead"), ("镇规划所", "cooperating"), ("镇国土所", "cooperating")]),
    ("举办招聘会。区人社局承办,区总工会、团区委协办。",
     [("区人社局", "lead"), ("区总工会", "cooperating"), ("团区委", "cooperating")]),
    # …承办 alone is responsible, as 负责 alone is
    ("(市体育局承办)", [("市体育局", "responsible")]),
    # issue: labels
    ("(牵头责任单位:县水利局;责任单位:各乡镇人民政府)", [("县水利局", "lead"), ("各乡镇人民政府", "responsible")]),
    ("(主责单位:市城投集团;配合单位:市财政局)", [("市城投集团", "lead"), ("市财政局", "cooperating")]),
    ("(主要责任单位:区卫健局;配合单位:区医保局)", [("区卫健局", "lead"), ("区医保局", "cooperating")]),
    ("(主办单位:县文联;协办单位:县作协、县书法家协会)",
     [("县文联", "lead"), ("县作协", "cooperating"), ("县书法家协会", "cooperating")]),
    ("(承办单位:市会展中心;协办单位:市贸促会)", [("市会展中心", "lead"), ("市贸促会", "cooperating")]),
    # spec: a bare (X负责) has no lead
    ("(区城管局负责)", [("区城管局", "responsible")]),
]


@pytest.mark.parametrize(("text", "expected"), ROLES)
def test_roles(text: str, expected: list[tuple[str, str]]) -> None:
    assert _units(text) == expected


# --- the first-listed-is-lead rule ----------------------------------------------------------
FIRST_IS_LEAD_WORDINGS = [
    "列第一位者为牵头单位，下同",
    "排在第一位的部门为牵头部门",
    "责任单位排在首位的为牵头单位",
    "第一个单位为牵头单位",
    "各项任务中，责任单位列在首位的是牵头单位",
    "多家单位负责的，排名第一的为牵头单位",
    "所列第一个单位为牵头单位",
    "责任单位中第一个为牵头单位",
    "首位单位为牵头单位",
    "位列第一的为牵头部门",
    "需多个部门落实的，名列首位者负总责",
    "排在第一位的单位牵头负责",
]


@pytest.mark.parametrize("wording", FIRST_IS_LEAD_WORDINGS)
def test_first_is_lead_wordings(wording: str) -> None:
    assert declares_first_is_lead(f"（注：{wording}。）", bundled_rules())


@pytest.mark.parametrize("text", [
    "市发展改革委为第一牵头单位",
    "建立第一个牵头协调机制",
    "责任单位排在第一位",
    "第一个牵头推进的项目已开工",
    "排在第一位的牵头单位要加强统筹",
])
def test_not_a_first_is_lead_rule(text: str) -> None:
    assert not declares_first_is_lead(text, bundled_rules())


def test_first_is_lead_wrapped_over_two_lines() -> None:
    assert declares_first_is_lead("（市交通局、市公安局负责，排在第一位的部门为牵\n头部门，下同）", bundled_rules())


def test_first_is_lead_stated_once_in_the_first_item_holds_for_the_plan() -> None:
    text = ("某市2025年稳外贸工作措施\n"
            "一、稳定外贸主体\n"
            "1.扩大出口信用保险覆盖面。（市商务局、市财政局、市金融办负责，排在第一位的部门为牵头部门，下同）\n"
            "2.提升通关便利化水平。（某关区海关、市口岸办负责）\n"
            "3.支持企业境外参展。（市贸促会负责）\n"
            "二、培育外贸新动能\n"
            "4.发展跨境电商。（市商务局负责，市邮政管理局配合）\n")
    assert _items(text) == {
        "一、": [],
        "一、>1.": [("市商务局", "lead"), ("市财政局", "responsible"), ("市金融办", "responsible")],
        "一、>2.": [("某关区海关", "lead"), ("市口岸办", "responsible")],
        "一、>3.": [("市贸促会", "lead")],
        "二、": [],
        "二、>4.": [("市商务局", "lead"), ("市邮政管理局", "cooperating")],
    }


@pytest.mark.parametrize(("rule", "first"), [
    ("。列第一位者为牵头单位，下同", "lead"),  # stated after a full stop, in the first annotation
    ("", "responsible"),  # without the rule no unit leads
])
def test_first_is_lead_in_the_first_annotation(rule: str, first: str) -> None:
    text = ("某县就业帮扶若干措施\n"
            f"（一）发放稳岗补贴。（县人社局、县财政局负责{rule}）\n"
            "（二）开发公益岗位。（县民政局、县人社局负责）\n")
    assert _items(text) == {
        "（一）": [("县人社局", first), ("县财政局", "responsible")],
        "（二）": [("县民政局", first), ("县人社局", "responsible")],
    }


@pytest.mark.parametrize("front", [
    # in the plan's own preamble…
    "某县2025年农村人居环境整治工作要点\n为扎实推进整治工作，制定本要点。各项任务涉及多个单位的，排在首位的为牵头单位。\n",
    # …or in the notice that issues it
    "某县人民政府办公室关于印发某县2025年农村人居环境整治工作要点的通知\n各乡镇人民政府，县直各部门：\n"
    "现将《某县2025年农村人居环境整治工作要点》印发给你们，请认真贯彻落实。责任单位中排在第一位的为牵头单位。\n"
    "某县人民政府办公室\n2025年3月1日\n某县2025年农村人居环境整治工作要点\n",
])
def test_first_is_lead_stated_before_the_items(front: str) -> None:
    text = front + ("一、推进厕所革命\n1.新改建农村户厕500户。（县农业农村局、县卫健局、各乡镇人民政府负责）\n"
                    "2.整治黑臭水体。（县生态环境局、县水利局负责）\n")
    assert _items(text) == {
        "一、": [],
        "一、>1.": [("县农业农村局", "lead"), ("县卫健局", "responsible"), ("各乡镇人民政府", "responsible")],
        "一、>2.": [("县生态环境局", "lead"), ("县水利局", "responsible")],
    }


def test_units_in_a_heading_are_that_headings_only() -> None:
    text = ("某区2025年政务服务工作要点\n"
            "一、优化审批服务（区政务服务中心牵头）\n"
            "（一）压缩审批时限。全面精简审批环节。\n"
            "（二）推行告知承诺制。（区司法局负责）\n"
            "二、提升数据共享水平\n"
            "（三）完善共享平台。\n")
    assert _items(text) == {
        "一、": [("区政务服务中心", "lead")],
        "一、>（一）": [],
        "一、>（二）": [("区司法局", "responsible")],
        "二、": [],
        "二、>（三）": [],
    }


# --- gaps --------------------------------------------------------------------------------------
@pytest.mark.xfail(strict=True, reason="a shared suffix after a place word (区政府) is not expanded")
def test_shared_suffix_after_a_place_word() -> None:
    assert _units("(东城、西城区政府负责)") == [("东城区政府", "responsible"), ("西城区政府", "responsible")]


# issue 8: names pasted into one cell with nothing between them, each starting with the same place
GLUED = [
    ("(配合单位:县财政局县住房和城乡建设局县自然资源局)",
     [("县财政局", "cooperating"), ("县住房和城乡建设局", "cooperating"), ("县自然资源局", "cooperating")]),
    ("(牵头单位:市公安局市教育局)", [("市公安局", "lead"), ("市教育局", "lead")]),
    # one name, though a place word comes back inside it
    ("(责任单位:市市场监督管理局)", [("市市场监督管理局", "responsible")]),
    ("(责任单位:区住房和城乡建设局)", [("区住房和城乡建设局", "responsible")]),
    ("(责任单位:县委宣传部)", [("县委宣传部", "responsible")]),
]


@pytest.mark.parametrize(("text", "expected"), GLUED)
def test_glued_names(text: str, expected: list[tuple[str, str]]) -> None:
    assert _units(text) == expected


def test_an_ampersand_between_two_names() -> None:
    # what an HTML entity (&amp;) leaves between two lead units
    assert _units("(牵头单位:县应急管理局&县消防救援大队)") == [("县应急管理局", "lead"), ("县消防救援大队", "lead")]


@pytest.mark.parametrize("after", [
    "补助标准按照省里规定执行，资金由县财政统筹。",  # a note of the item's own
    "各项任务中列第一位的单位为牵头单位，其他为配合单位。",  # the plan's rule, stated after the items
    "各牵头单位要于每季度末将进展情况报送县政府办公室。",  # a closing
])
def test_an_annotation_closing_the_items_first_paragraph(after: str) -> None:
    text = ("长宁县2023年工作要点\n一、扩大供给\n1.新建小学。（县教育体育局）\n二、加强教师队伍建设\n"
            f"2.落实乡村教师生活补助政策。（县财政局、县教育体育局）\n{after}\n")
    got = _items(text)["二、>2."]
    assert [name for name, _ in got] == ["县财政局", "县教育体育局"]
    # the rule, once stated, makes the first listed lead
    assert got[0][1] == ("lead" if "第一位" in after else "responsible")
