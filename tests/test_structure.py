"""Numbering, plan boundaries and document furniture on small, made-up plans."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

import govplan
from govplan.records import Document, Item


def items(doc: Document, plan: int = 0) -> Iterator[Item]:
    def walk(its: list[Item]) -> Iterator[Item]:
        for it in its:
            yield it
            yield from walk(it.children)

    yield from walk(doc.plans[plan].items)


def paths(text: str, plan: int = 0) -> list[list[str]]:
    return [it.path for it in items(govplan.parse_text(text), plan)]


def test_gbt9704_levels() -> None:
    text = "一、总体要求\n(一)指导思想。坚持。\n1.第一条。\n(1)细则一。\n(2)细则二。\n2.第二条。\n(二)原则。\n二、任务\n"
    assert paths(text) == [["一、"], ["一、", "(一)"], ["一、", "(一)", "1."], ["一、", "(一)", "1.", "(1)"],
                           ["一、", "(一)", "1.", "(2)"], ["一、", "(一)", "2."], ["一、", "(二)"], ["二、"]]


def test_full_width_labels_are_kept_as_written() -> None:
    assert paths("一、总体要求\n（一）指导思想\n（二）基本原则\n") == [["一、"], ["一、", "（一）"], ["一、", "（二）"]]


def test_mixed_digit_forms_share_one_sequence() -> None:
    text = "(三)加快推进。\n⒈推动汇聚。\n⒉推动共享。\n3.强化监管。\n⒋推进转型。\n"
    assert paths(text) == [["(三)"], ["(三)", "⒈"], ["(三)", "⒉"], ["(三)", "3."], ["(三)", "⒋"]]


def test_other_schemes() -> None:
    text = "第一章 总则\n第一条 为了规范。\n第二条 本办法适用。\n第二章 任务\n1、建设平台\n①完善功能\n②优化流程\n2、完善机制\n"
    assert paths(text) == [["第一章"], ["第一章", "第一条"], ["第一章", "第二条"], ["第二章"], ["第二章", "1、"],
                           ["第二章", "1、", "①"], ["第二章", "1、", "②"], ["第二章", "2、"]]


def test_decimal_sections() -> None:
    text = "第一章建设背景\n1.1国家层面\n1.2省级层面\n第二章总体思路\n2.1总体目标\n2.1.1建设内容\n(1)运营中心;\n2.2建设原则\n"
    assert paths(text) == [["第一章"], ["第一章", "1.1"], ["第一章", "1.2"], ["第二章"], ["第二章", "2.1"],
                           ["第二章", "2.1", "2.1.1"], ["第二章", "2.1", "2.1.1", "(1)"], ["第二章", "2.2"]]


def test_numbers_at_the_start_of_wrapped_lines_are_not_items() -> None:
    text = ("一、总体要求\n(一)建设目标。到2025年,实现\n2022年底前完成平台建设,用户突破\n1.1亿,覆盖率达到\n20%以上。\n"
            "3.5万人参与。\n(二)基本原则。\n")
    doc = govplan.parse_text(text)
    assert [it.path for it in items(doc)] == [["一、"], ["一、", "(一)"], ["一、", "(二)"]]
    first = doc.plans[0].items[0].children[0]
    assert "2022年底前完成平台建设,用户突破1.1亿,覆盖率达到20%以上。" in first.text
    assert [(t.value, t.comparator) for t in first.targets] == [(110000000, ">"), (20, ">=")]


def test_a_date_line_is_not_an_item() -> None:
    assert paths("一、背景\n2021年3月5日,国务院印发意见。\n20xx年xx月xx日,召开会议。\n二、任务\n") == [["一、"], ["二、"]]


def test_inline_sub_items_after_a_heading() -> None:
    text = "(三)加快推进政务数据“应管尽管”。1.推动市级汇聚。(市数据局负责)\n2.推动上级汇聚。(市公安局负责)\n"
    doc = govplan.parse_text(text)
    assert [it.path for it in items(doc)] == [["(三)"], ["(三)", "1."], ["(三)", "2."]]
    assert doc.plans[0].items[0].units == []
    assert [u.name for u in doc.plans[0].items[0].children[0].units] == ["市数据局"]


def test_numbering_running_on_across_parents() -> None:
    text = "一、任务\n(一)体系。\n1.甲。\n2.乙。\n(二)设施。\n3.丙。\n4.丁。\n"
    assert paths(text)[-2:] == [["一、", "(二)", "3."], ["一、", "(二)", "4."]]


def test_toc_page_numbers_and_junk_are_dropped() -> None:
    text = ("目 录\n一、总体要求.....\t1\n二、主要任务……………3\n\n一、总体要求\n— 3 —\n全面贯彻落实。\n- 4 -\n"
            "第5页\n二、主要任务\n\");\n38 4431666\n")
    doc = govplan.parse_text(text)
    assert [it.path for it in items(doc)] == [["一、"], ["二、"]]
    assert doc.plans[0].items[0].text == "总体要求\n全面贯彻落实。"


def test_several_plans_in_one_file() -> None:
    text = ("网友分享 时间:\n甲市数字政府实施方案\n为推进建设,制定本方案。\n一、总体要求\n(一)目标。\n二、任务\n"
            "乙市数字政府工作要点\n为深化改革,制定本要点。\n一、基础设施\n(一)网络。\n")
    doc = govplan.parse_text(text)
    assert [p.title for p in doc.plans] == ["甲市数字政府实施方案", "乙市数字政府工作要点"]
    assert doc.plans[1].preamble == "为深化改革,制定本要点。"
    assert [it.path for it in items(doc, 1)] == [["一、"], ["一、", "(一)"]]


def test_cover_letter_metadata() -> None:
    text = ("粤办函〔2021〕44号\n各地级以上市人民政府,省政府各部门:\n《某省工作要点》已经省人民政府同意,现印发给你们。\n"
            "某省人民政府办公厅\n2021年3月25日\n某省数字政府改革建设\n2021年工作要点\n为推进,制定本要点。\n"
            "一、总体要求\n(一)建设平台。完成时限:年底前。\n各地、各部门要根据本工作要点,结合实际抓好落实。\n")
    doc = govplan.parse_text(text)
    plan = doc.plans[0]
    assert plan.title == "某省数字政府改革建设2021年工作要点"
    assert (plan.doc_number, plan.issuer, plan.issued.isoformat() if plan.issued else None) == (
        "粤办函〔2021〕44号", "某省人民政府办公厅", "2021-03-25")
    item = plan.items[0].children[0]
    assert item.deadline is not None and item.deadline.due is not None
    assert item.deadline.due.isoformat() == "2021-12-31"  # 年底前 of the plan's year, never today's
    assert plan.closing and plan.closing.startswith("各地、各部门要根据本工作要点")
    assert "各地" not in item.text


def test_units_on_their_own_lines() -> None:
    text = "1.建立管理架构。理顺体系。\n牵头单位:地委办公室、行政公署办公室\n责任单位:地区大数据局,各县(市)人民政府\n"
    doc = govplan.parse_text(text)
    item = doc.plans[0].items[0]
    assert [(u.name, u.role) for u in item.units] == [
        ("地委办公室", "lead"), ("行政公署办公室", "lead"), ("地区大数据局", "responsible"),
        ("各县(市)人民政府", "responsible")]
    assert item.text == "建立管理架构。理顺体系。\n牵头单位:地委办公室、行政公署办公室\n责任单位:地区大数据局,各县(市)人民政府"


def test_units_attach_to_the_item_they_annotate() -> None:
    text = "(一)总任务。(市政府牵头)\n1.子任务。\n2.子任务。(市财政局负责)\n"
    doc = govplan.parse_text(text)
    top = doc.plans[0].items[0]
    assert [u.name for u in top.units] == ["市政府"]
    assert top.children[0].units == []
    assert [u.name for u in top.children[1].units] == ["市财政局"]


def test_attachment_task_table_with_merged_cells() -> None:
    text = ("一、总体要求\n(一)目标。\n附件2:重点任务分工表\n序号\t任务名称\t子任务\t主要内容\t完成时间\t责任部门\n"
            "1\t建设平台\t建设云平台\t建设统一的云平台。\t2020年6月\t市数据局牵头,市财政局配合\n"
            "2\t\t已建系统上云\t各部门系统迁移上云。\t2020年12月\t\n"
            "3\t完善机制\t\t建立协调机制,推进\t不断完善\t市政府办公室负责\n"
            "\t\t\t工作落实。\t\t\n")
    doc = govplan.parse_text(text)
    att = doc.plans[0].items[-1]
    assert (att.kind, att.path, att.title) == ("attachment", ["附件2"], "重点任务分工表")
    rows = att.children
    assert [r.path for r in rows] == [["附件2", "1"], ["附件2", "2"], ["附件2", "3"]]
    assert [r.title for r in rows] == ["建设云平台", "已建系统上云", "完善机制"]
    assert rows[1].cells is not None and rows[1].cells["任务名称"] == "建设平台"  # merged cell
    assert [(u.name, u.role) for u in rows[1].units] == [("市数据局", "lead"), ("市财政局", "cooperating")]
    assert rows[1].deadline is not None and rows[1].deadline.due is not None
    assert rows[1].deadline.due.isoformat() == "2020-12-31"
    assert rows[2].text == "建立协调机制,推进工作落实。"
    assert rows[2].deadline is not None and rows[2].deadline.ongoing


def test_empty_cooperating_cell_beside_its_own_lead() -> None:
    text = ("附件\n序号\t工作任务\t牵头单位\t配合单位\t完成时限\n"
            "1\t落实减税降费政策。\t县税务局\t县财政局\t2024年6月底前\n"
            "2\t推进工程建设审批改革。\t县住建局\t\t2024年9月底前\n")
    rows = govplan.parse_text(text).plans[0].items[-1].children
    assert [(u.name, u.role) for u in rows[1].units] == [("县住建局", "lead")]


def test_cell_wrapped_onto_the_next_line() -> None:
    text = ("附件\n序号\t工作任务\t责任单位\t完成时限\n"
            "1\t全面实行行政许可事项清单管理。\t县司法局\t2024年6月底前\n"
            "2\t“双随机、一公开”抽查事项覆盖率达到100%,\n抽查结果公示率达到100%。\t县市场监管局\t长期坚持\n"
            "3\t推进“互联网+监管”。\t县政务服务中心\t2024年9月30日前\n")
    rows = govplan.parse_text(text).plans[0].items[-1].children
    assert [r.path[-1] for r in rows] == ["1", "2", "3"]
    row = rows[1]
    assert row.title == "“双随机、一公开”抽查事项覆盖率达到100%,抽查结果公示率达到100%。"
    assert [u.name for u in row.units] == ["县市场监管局"]
    assert row.deadline is not None and row.deadline.ongoing
    assert [(t.value, t.comparator) for t in row.targets] == [(100, ">="), (100, ">=")]


def test_traditional_output() -> None:
    doc = govplan.parse_text("一、總體要求\n(一)建設平台。(省公安廳、衛生健康委牽頭)\n", script="traditional")
    item = doc.plans[0].items[0].children[0]
    assert [u.name for u in item.units] == ["省公安廳", "省衛生健康委"]
    assert doc.source.script == "traditional" and doc.source.output_script == "traditional"


def test_pinyin_glosses_removed_but_real_parentheses_kept() -> None:
    doc = govplan.parse_text("一、關(guān)於建設(一期)項目,出臺建築信息模型(BIM)指導意見(市、區)。\n")
    assert doc.plans[0].items[0].title == "关于建设(一期)项目,出台建筑信息模型(BIM)指导意见(市、区)"


def test_a_plan_known_by_its_notice_and_roles_after_names() -> None:
    text = ("关于印发某市优化营商环境三年行动方案的通知\n一、重点任务\n"
            "1．推行证照分离。全面推行改革。\n责任单位：市市场监管局（牵头），市司法局、各区人民政府\n完成时限：2023年6月底前\n"
            "2．推进信用监管。（市发展改革委和市市场监管局负责，各区政府配合）\n"
            "3．完善机制。（市住房和城乡建设局负责）\n")
    doc = govplan.parse_text(text)
    plan = doc.plans[0]
    assert plan.title == "某市优化营商环境三年行动方案"
    first, second, third = plan.items[0].children
    assert [(u.name, u.role) for u in first.units] == [
        ("市市场监管局", "lead"), ("市司法局", "responsible"), ("各区人民政府", "responsible")]
    assert first.deadline is not None and first.deadline.due is not None
    assert first.deadline.due.isoformat() == "2023-06-30"
    assert [(u.name, u.role) for u in second.units] == [
        ("市发展改革委", "lead"), ("市市场监管局", "lead"), ("各区政府", "cooperating")]
    assert [u.name for u in third.units] == ["市住房和城乡建设局"]


def test_markdown_task_table_and_html_spaces() -> None:
    text = ("某区2023年重点任务分工方案\n一、重点任务\n&nbsp;&nbsp;为推进工作,制定分工表。\n附件\n"
            "| 序号 | 重点任务 | 责任单位 | 完成时限 |\n| --- | --- | --- | --- |\n"
            "| 1 | 建设数据平台 | 区数据局牵头,区财政局配合 | 2023年6月底前 |\n"
            "| 2 | 完善考核机制 | 区委组织部 | 长期坚持 |\n")
    doc = govplan.parse_text(text)
    att = doc.plans[0].items[-1]
    assert [r.path for r in att.children] == [["附件", "1"], ["附件", "2"]]
    first, second = att.children
    assert first.title == "建设数据平台"
    assert [(u.name, u.role) for u in first.units] == [("区数据局", "lead"), ("区财政局", "cooperating")]
    assert first.deadline is not None and first.deadline.due is not None
    assert first.deadline.due.isoformat() == "2023-06-30"
    assert second.deadline is not None and second.deadline.ongoing
    assert "&nbsp;" not in doc.plans[0].items[0].text


def test_running_headers_next_to_page_numbers_are_dropped() -> None:
    text = ("某市数字政府建设实施方案\n一、总体要求\n(一)推进平台建设。加快建设全市统一的政务云平台和数据共享交换平台,实现\n"
            "— 2 —\n某市数字政府建设实施方案\n"
            "全市覆盖。\n(二)完善机制。\n— 3 —\n某市数字政府建设实施方案\n二、保障措施\n— 4 —\n某市数字政府建设实施方案\n")
    doc = govplan.parse_text(text)
    plan = doc.plans[0]
    assert plan.title == "某市数字政府建设实施方案"
    assert [it.path for it in items(doc)] == [["一、"], ["一、", "(一)"], ["一、", "(二)"], ["二、"]]
    assert plan.items[0].children[0].text == "推进平台建设。加快建设全市统一的政务云平台和数据共享交换平台,实现全市覆盖。"


def test_web_page_furniture_after_the_last_item_is_dropped() -> None:
    text = "一、总体要求\n(一)建设平台。(市数据局负责)\n上一篇:关于开展评估工作的通知\n责任编辑:张三\n【打印】【关闭】\n"
    doc = govplan.parse_text(text)
    assert doc.plans[0].items[0].children[0].text == "建设平台。(市数据局负责)"


def test_table_of_contents_without_dot_leaders() -> None:
    text = ("某市实施方案\n目  录\n一、总体要求 1\n二、主要任务 3\n(一)建设平台 3\n三、保障措施 8\n"
            "一、总体要求\n为推进建设,制定本方案。\n二、主要任务\n(一)建设平台。完成建设。\n三、保障措施\n")
    doc = govplan.parse_text(text)
    assert len(doc.plans) == 1
    assert [it.path for it in items(doc)] == [["一、"], ["二、"], ["二、", "(一)"], ["三、"]]


def test_task_table_without_a_number_column() -> None:
    text = ("附件\n重点任务\t具体内容\t牵头单位\t完成时间\n"
            "建设数据平台\t建成全市统一的数据平台。\t市数据局\t2023年6月\n"
            "\t完善数据目录,推进\t市数据局\t2023年9月\n"
            "\t共享开放。\t\t\n"
            "优化营商环境\t压缩审批时限。\t市政务服务中心\t长期坚持\n")
    doc = govplan.parse_text(text)
    rows = doc.plans[0].items[0].children
    assert [r.path for r in rows] == [["附件", "1"], ["附件", "2"], ["附件", "3"]]
    assert rows[1].text == "完善数据目录,推进共享开放。"
    assert rows[1].cells is not None and rows[1].cells["重点任务"] == "建设数据平台"
    assert [(u.name, u.role) for u in rows[2].units] == [("市政务服务中心", "lead")]


def test_task_table_numbered_with_chinese_numerals() -> None:
    text = ("附件\n序号\t任务\t责任单位\t完成时限\n一\t建设平台\t市数据局负责\t2023年6月\n"
            "二\t完善机制\t市财政局负责\t2023年12月\n")
    doc = govplan.parse_text(text)
    rows = doc.plans[0].items[0].children
    assert [r.path for r in rows] == [["附件", "一"], ["附件", "二"]]
    assert rows[1].deadline is not None and rows[1].deadline.due is not None
    assert rows[1].deadline.due.isoformat() == "2023-12-31"


def test_a_short_label_line_cut_by_a_wrap_is_joined() -> None:
    doc = govplan.parse_text("一、总体要求\n(一)加快建设全市统一的\n政务云平台。\n(二)完善机制\n加强统筹。\n")
    first, second = doc.plans[0].items[0].children
    assert first.text == "加快建设全市统一的政务云平台。"
    assert second.title == "完善机制" and second.text == "完善机制\n加强统筹。"


def test_half_parenthesis_labels() -> None:
    assert paths("一、任务\n1)建设平台。\n2)完善机制。\n二、保障\n") == [["一、"], ["一、", "1)"], ["一、", "2)"], ["二、"]]


def test_table_without_a_heading_merged_numbers_and_recurring_deadlines() -> None:
    text = ("2024年市政府重点工作任务清单\n序号\t重点工作\t牵头领导\t责任单位\t完成时限\n"
            "1\t推进重大项目建设,全年完成固定资产投资增长8%\t张三\t市发展改革委、市住房城乡建设局\t2024年12月底\n"
            "\t实施重大项目“挂图作战”,每月调度一次\t张三\t市发展改革委\t每月\n"
            "2\t推进城市更新,完成老旧小区改造120个以上\t李四\t市住房城乡建设局\t2024年11月底前\n")
    doc = govplan.parse_text(text)
    rows = doc.plans[0].items
    assert [r.path for r in rows] == [["1"], ["1"], ["2"]]
    assert rows[0].title == "推进重大项目建设,全年完成固定资产投资增长8%" and rows[0].text == rows[0].title
    assert [(t.value, t.comparator) for t in rows[0].targets] == [(8, "increase")]
    assert [u.name for u in rows[1].units] == ["市发展改革委"]
    assert rows[1].deadline is not None and rows[1].deadline.ongoing


MISSING_UNITS_PLAN = """一、总体要求
（一）指导思想。坚持以人民为中心。
（二）工作目标。到2025年基本建成。
二、重点任务
（一）建设政务云平台。（市政务服务数据管理局牵头）
（二）推进数据共享。（市发展改革委负责）
（三）优化营商环境。（市市场监管局负责）
（四）完善一网统管。
三、保障措施
（一）加强组织领导。
（二）强化资金保障。
四、项目安排和责任分工
五、主要预期目标
全市生产总值增长6%。
"""


def test_next_years_plan_issued_in_december() -> None:
    text = ("茂名市人民政府办公室\n2023年12月28日\n\n茂名市2024年政务公开工作要点\n\n一、加强政策解读\n"
            "（一）做好政策解读。（责任单位：市府办公室；完成时限：年底前）\n")
    plan = govplan.parse_text(text).plans[0]
    assert plan.issued is not None and plan.issued.isoformat() == "2023-12-28"
    assert plan.year == 2024
    deadline = plan.items[0].children[0].deadline
    assert deadline is not None and deadline.due is not None and deadline.due.isoformat() == "2024-12-31"


def test_missing_units_only_for_tasks() -> None:
    for script in ("simplified", "traditional"):
        doc = govplan.parse_text(MISSING_UNITS_PLAN, script=script)  # type: ignore[arg-type]
        flagged = [w.path for w in doc.plans[0].warnings if w.code == "missing_units"]
        # aims and safeguards are not tasks; the one task without a unit is flagged
        assert flagged == [["二、", "（四）"]], script


def test_circled_sub_items_on_one_line() -> None:
    text = ("一、推进基础教育扩优提质\n1.扩大学位供给。①新增公办学位5000个以上（责任单位：市教育局；完成时限：2024年8月底前）；"
            "②公办幼儿园占比达到55%以上（责任单位：各县区政府；完成时限：2024年9月）；③覆盖率稳定在90%以上"
            "（责任单位：各县区政府；完成时限：长期坚持）。\n")
    doc = govplan.parse_text(text)
    subs = doc.plans[0].items[0].children[0].children
    assert [it.number for it in subs] == ["①", "②", "③"]
    # the title stops before the annotation, even though a ；separates its fields
    assert [it.title for it in subs] == ["新增公办学位5000个以上", "公办幼儿园占比达到55%以上", "覆盖率稳定在90%以上"]
    assert [[u.name for u in it.units] for it in subs] == [["市教育局"], ["各县区政府"], ["各县区政府"]]
    assert [it.deadline.raw if it.deadline else None for it in subs] == ["2024年8月底前", "2024年9月", "长期坚持"]


def test_year_of_a_task_table_alone_under_its_attachment_heading() -> None:
    text = ("附件\n\n和平县2024年优化营商环境重点任务分工表\n\n序号\t重点任务\t牵头单位\t完成时限\n"
            "1\t提升政务服务效能。\t县政务服务中心\t第三季度\n")
    plan = govplan.parse_text(text).plans[0]
    assert plan.year == 2024
    row = plan.items[0].children[0]
    assert row.deadline is not None and row.deadline.due is not None and row.deadline.due.isoformat() == "2024-09-30"


def test_decimal_sections_under_bare_top_level_numbers() -> None:
    text = ("××市数字经济三年行动方案\n\n1 发展目标\n到2026年,核心产业增加值突破500亿元。\n2 重点任务\n2.1 夯实数字基础设施\n"
            "2.1.1 加快5G网络建设。(责任单位:市工信局)\n3 保障措施\n3.1 加强组织领导\n"
            "各单位要在\n3 个工作日内报送。\n")
    doc = govplan.parse_text(text)
    assert len(doc.plans) == 1 and doc.plans[0].title == "××市数字经济三年行动方案"
    paths = [it.path for it in items(doc)]
    assert paths == [["1"], ["2"], ["2", "2.1"], ["2", "2.1", "2.1.1"], ["3"], ["3", "3.1"]]
    assert [t.value for t in doc.plans[0].items[0].targets] == [500 * 10**8]


def test_running_header_beside_two_page_numbers() -> None:
    text = ("××市安全生产专项整治行动方案\n一、重点任务\n(一)开展危化品专项整治。检查全覆盖。\n— 3 —\n"
            "××市安全生产委员会办公室文件\n(二)开展建筑施工专项整治。检查不少于4轮次。\n- 4 -\n"
            "××市安全生产委员会办公室文件\n(三)开展燃气安全专项整治。\n")
    doc = govplan.parse_text(text)
    assert all("委员会办公室文件" not in it.text for it in items(doc))
    assert [it.path[-1] for it in items(doc)] == ["一、", "(一)", "(二)", "(三)"]


def test_taiwan_formal_numerals_over_gbt_labels() -> None:
    text = ("花蓮縣2024年度推動數位治理工作計畫\n壹、計畫目標\n一、提升申辦比率。\n貳、執行策略\n"
            "一、強化資訊安全防護。（主辦機關：縣府資訊中心；完成期限：113年6月30日）\n")
    doc = govplan.parse_text(text)
    assert len(doc.plans) == 1
    assert [it.path for it in items(doc)] == [["壹、"], ["壹、", "一、"], ["贰、"], ["贰、", "一、"]]
    task = doc.plans[0].items[1].children[0]
    assert task.deadline is not None and task.deadline.due is not None and task.deadline.due.isoformat() == "2024-06-30"


def test_unit_cell_with_one_unit_per_line() -> None:
    text = ("附件\n序号\t工作任务\t责任单位\t完成时限\n"
            "1\t企业开办全流程压缩至0.5个工作日以内。\t县市场监管局\n县税务局\n县公安局\t2024年3月底前\n"
            "2\t推进“互联网+监管”。\t县政务服务中心\t2024年9月30日前\n")
    rows = govplan.parse_text(text).plans[0].items[-1].children
    assert [r.path[-1] for r in rows] == ["1", "2"]
    assert [u.name for u in rows[0].units] == ["县市场监管局", "县税务局", "县公安局"]
    assert [u.span.start_line for u in rows[0].units] == [3, 4, 5]
    assert rows[0].deadline is not None and rows[0].deadline.raw == "2024年3月底前"
    # a name a narrow column wrapped stays whole
    text = text.replace("县市场监管局\n县税务局\n县公安局", "县市场监\n管局")
    rows = govplan.parse_text(text).plans[0].items[-1].children
    assert [u.name for u in rows[0].units] == ["县市场监管局"]


def test_paragraph_break_inside_a_complete_row() -> None:
    text = ("附件\n序号\t工作任务\t责任单位\t完成时限\n1\t推进任务甲,\t县司法局\t2024年6月底前\n完善配套制度。\n"
            "2\t推进任务乙。\t县住建局\t2024年9月底前\n")
    rows = govplan.parse_text(text).plans[0].items[-1].children
    assert [(r.path[-1], r.text) for r in rows] == [("1", "推进任务甲,完善配套制度。"), ("2", "推进任务乙。")]
    assert [u.name for u in rows[1].units] == ["县住建局"]


def test_merged_category_cells_are_filled() -> None:
    text = ("附件\n序号\t任务类别\t工作任务\t责任单位\t完成时限\n"
            "1\t一、深化简政放权\t推行清单管理。\t县司法局\t2024年6月底前\n"
            "2\t\t承接下放事项。\t县直各有关部门\t2024年12月底前\n")
    rows = govplan.parse_text(text).plans[0].items[-1].children
    assert [r.cells["任务类别"] for r in rows if r.cells] == ["一、深化简政放权", "一、深化简政放权"]


def test_doubtful_labels_follow_the_numbering() -> None:
    # a number after the label (1.年底前, 4.15分钟, 5.5G) is an item where the numbering expects it
    text = ("一、提升决策公信力\n1.年底前实现学法全覆盖。\n2.公众参与率达到100%。\n3.推进甲。\n4.15分钟便民生活圈覆盖率达到80%。\n"
            "5.5G基站新建1000个。\n")
    assert paths(text) == [["一、"], ["一、", "1."], ["一、", "2."], ["一、", "3."], ["一、", "4."], ["一、", "5."]]
    # …and a number elsewhere: 1.1亿 on a wrapped line is text
    assert paths("一、任务\n1.推进甲。\n2.推进乙，投资\n1.1亿元。\n") == [["一、"], ["一、", "1."], ["一、", "2."]]


def test_wrapped_lines_starting_with_listed_numerals_are_not_headings() -> None:
    text = ("一、完善体制\n（一）健全机制。\n二、提升能力\n（二）推进结果互认。在医共体内推进\n一、二级医院检查检验结果互认。"
            "（牵头单位：市卫生健康委；完成时限：2025年\n三、四季度）\n（三）强化人才。\n三、推进改革\n（四）实行打包付费。\n")
    doc = govplan.parse_text(text)
    assert len(doc.plans) == 1
    assert [it.path for it in items(doc)] == [["一、"], ["一、", "（一）"], ["二、"], ["二、", "（二）"], ["二、", "（三）"],
                                              ["三、"], ["三、", "（四）"]]
    second = next(it for it in items(doc) if it.path == ["二、", "（二）"])
    assert [u.name for u in second.units] == ["市卫生健康委"]
    assert "一、二级医院" in second.text


def test_table_of_contents_with_space_padded_page_numbers() -> None:
    pad = " " * 30
    text = (f"某市三年行动方案\n\n目  录\n\n一、总体要求{pad}1\n  (一)指导思想{pad}1\n二、重点任务{pad}3\n\n"
            "一、总体要求\n(一)指导思想\n坚持创新驱动。\n二、重点任务\n1.建设平台。\n")
    doc = govplan.parse_text(text)
    assert len(doc.plans) == 1 and doc.plans[0].title == "某市三年行动方案"
    assert [it.path for it in items(doc)] == [["一、"], ["一、", "(一)"], ["二、"], ["二、", "1."]]


def test_unit_line_of_a_sub_item_followed_by_another_sub_item_stays() -> None:
    text = ("一、任务\n1.推进甲。\n甲的第一段。\n2.推进乙。\n乙的第一段。\n责任单位：市规划局\n3.推进丙。\n责任单位：市农业局\n"
            "二、保障\n(一)加强领导。\n(二)强化考核。\n责任单位：市委组织部\n")
    doc = govplan.parse_text(text)
    units = {"".join(it.path): [u.name for u in it.units] for it in items(doc)}
    assert units["一、"] == [] and units["一、1."] == []
    assert units["一、2."] == ["市规划局"] and units["一、3."] == ["市农业局"]
    # after the last sub-item, with none of its own, the line annotates the parent
    assert units["二、"] == ["市委组织部"] and units["二、(二)"] == []


def test_task_table_aligned_with_spaces() -> None:
    text = ("某县2025年优化营商环境攻坚行动方案\n一、总体要求\n推进改革。\n\n附件\n\n某县任务清单\n\n"
            "序号    工作任务                         牵头单位            配合单位                 完成时限\n"
            "1       企业开办压缩至1个工作日以内。     县市场监管局        县税务局、县公安局       2025年3月底前\n"
            "2       建成县级企业服务中心，实现涉企诉求   县发展改革局      县政务服务数据管理局     2025年9月底前\n"
            "        “一口受理、限时办结”。\n"
            "3       全面推行“双随机、一公开”监管。   县市场监管局    县直各行政执法部门    长期坚持\n"
            "4       清理拖欠中小企业账款。             县工业和信息化局                             2025年11月30日前\n"
            "\n注：牵头单位对任务落实负总责。\n")
    doc = govplan.parse_text(text)
    rows = [it for it in items(doc) if it.kind == "row"]
    assert [r.number for r in rows] == ["1", "2", "3", "4"]
    # an empty cell is where the columns say, not where the cells run out
    assert rows[3].cells == {"工作任务": "清理拖欠中小企业账款。", "牵头单位": "县工业和信息化局", "完成时限": "2025年11月30日前"}
    assert [(u.name, u.role) for u in rows[0].units] == [("县市场监管局", "lead"), ("县税务局", "cooperating"),
                                                        ("县公安局", "cooperating")]
    assert rows[0].deadline is not None and rows[0].deadline.due is not None
    assert rows[0].deadline.due.isoformat() == "2025-03-31"
    assert rows[1].text.endswith("限时办结”。") and rows[2].deadline is not None and rows[2].deadline.ongoing
    attachment = next(it for it in items(doc) if it.kind == "attachment")
    assert attachment.title == "某县任务清单"  # the note after the table is not part of the title


def test_group_rows_inside_a_task_table() -> None:
    text = ("某市民生实事实施方案\n一、总体要求\n办好实事。\n附件\n某市任务分工表\n"
            "| 序号 | 项目名称 | 主要内容 | 牵头单位 | 完成时限 |\n"
            "| 一、教育和医疗 | | | | |\n"
            "| 1 | 新建幼儿园 | 新建幼儿园12所。 | 市教育局 | 2025年8月底前 |\n"
            "| 二、住房和出行 | | | | |\n"
            "| 2 | 老旧小区改造 | 改造老旧小区45个。 | 市住房城乡建设局 | 2025年12月底前 |\n")
    doc = govplan.parse_text(text)
    attachment = next(it for it in items(doc) if it.kind == "attachment")
    assert attachment.title == "某市任务分工表"
    rows = [it for it in items(doc) if it.kind == "row"]
    assert [(r.number, r.title, (r.cells or {}).get("类别")) for r in rows] == [
        ("1", "新建幼儿园", "一、教育和医疗"), ("2", "老旧小区改造", "二、住房和出行")]


def test_page_break_inside_a_value() -> None:
    text = ("某市实施方案\n一、任务\n（一）加强能力建设。县域内就诊率提升至65%以上。（牵头单位：市卫生健康委；完成时限：2025年12月\n\n"
            "— 3 —\n\n北江市卫生健康委员会文件\n底前）\n（二）推进互认。\n")
    doc = govplan.parse_text(text)
    first = doc.plans[0].items[0].children[0]
    assert "文件" not in first.text and "— 3 —" not in first.text
    d = first.deadline
    assert d is not None and d.raw == "2025年12月底前" and d.modifier == "before"
    assert d.due is not None and d.due.isoformat() == "2025-12-31"
    # the span still covers the value where it stands in the source
    assert text[d.span.start:d.span.end].startswith("2025年12月") and text[d.span.start:d.span.end].endswith("底前")


def test_ideographic_spaces_inside_titles_are_removed() -> None:
    doc = govplan.parse_text("第一章　总　则\n第一条　为了规范管理，制定本办法。\n第二章　任务\n第二条　推进建设。\n")
    assert [it.title for it in items(doc)][:2] == ["总则", "为了规范管理，制定本办法"]



def test_indicator_table_under_its_heading() -> None:
    text = ("某市“十四五”发展规划实施方案\n一、主要指标\n"
            "序号\t指标\t单位\t2020年\t2025年\t属性\n"
            "1\t城镇新增就业\t万人\t4.2\t4.5\t预期性\n"
            "2\t空气质量优良天数比率\t%\t90\t≥92\t约束性\n"
            "3\t单位GDP能耗降低\t%\t—\t13.5以上\t约束性\n"
            "4\t村级综合服务站覆盖率\t%\t80\t全覆盖\t预期性\n"
            "二、重点任务\n（一）推进就业。（市人社局负责）\n")
    doc = govplan.parse_text(text)
    rows = [it for it in items(doc) if it.kind == "row"]
    assert [r.path for r in rows] == [["一、", "1"], ["一、", "2"], ["一、", "3"], ["一、", "4"]]
    assert rows[0].cells == {"指标": "城镇新增就业", "单位": "万人", "2020年": "4.2", "2025年": "4.5", "属性": "预期性"}
    got = [[(t.value, t.unit, t.comparator) for t in r.targets] for r in rows]
    assert got == [[(45000, "人", "=")], [(92, "%", ">=")], [(13.5, "%", ">=")], []]
    assert rows[1].targets[0].raw == "≥92"
    assert [it.path for it in items(doc) if it.kind == "item"] == [["一、"], ["二、"], ["二、", "（一）"]]


def test_decorated_headings_and_a_blank_line_after_a_field() -> None:
    text = ("某区2025年优化营商环境工作方案\n🔷一、政务服务提效行动\n推进集成办理。\n牵头单位：区数据资源局\n"
            "完成时限：2025年6月底前\n\n▲区政务服务中心“企业开办专区”\n\n★二、企业开办便利行动\n推进企业开办。\n")
    doc = govplan.parse_text(text)
    # (a ▲ bullet marks an item, even when, as here, it captions a photo)
    assert [it.path for it in items(doc)] == [["一、"], ["一、", "▲1"], ["二、"]]
    first = doc.plans[0].items[0]
    assert first.deadline is not None and first.deadline.raw == "2025年6月底前"
    assert [u.name for u in first.units] == ["区数据资源局"]


def test_headings_may_skip_numbers_left_out() -> None:
    text = ("某市2025年工作要点\n一、推进甲工作\n（责任单位：市司法局）\n二、推进乙工作\n……（三至九项略）……\n"
            "十、推进癸工作\n（责任单位：市教育局）\n")
    doc = govplan.parse_text(text)
    assert [it.path for it in items(doc)] == [["一、"], ["二、"], ["十、"]]
    assert [u.name for u in doc.plans[0].items[2].units] == ["市教育局"]


def test_field_lines_of_the_last_sub_item_when_its_siblings_have_brackets() -> None:
    text = ("某市2025年工作要点\n一、任务\n1.推进甲。（责任单位：市司法局）\n2.推进乙。（责任单位：市财政局）\n"
            "3.推进丙。\n责任单位：市教育局\n完成时限：2025年6月底前\n")
    doc = govplan.parse_text(text)
    units = {"".join(it.path): [u.name for u in it.units] for it in items(doc)}
    assert units == {"一、": [], "一、1.": ["市司法局"], "一、2.": ["市财政局"], "一、3.": ["市教育局"]}


def test_attachment_list_after_the_items_and_tables_under_附表() -> None:
    text = ("某县目标责任书\n一、考核内容\n具体指标见附表。\n二、考核办法\n（一）考核实行百分制。\n"
            "附件：1.重点任务分工表\n2.重点项目清单\n附件1\n重点任务分工表\n序号\t重点任务\t牵头单位\t完成时限\n"
            "1\t编制年度计划\t市生态环境局\t2025年3月底前\n附表\n考核指标\n| 序号 | 考核指标 | 目标值 | 责任单位 | 建设年限 |\n"
            "| 1 | 固定资产投资增速 | ≥10% | 县发展改革局 | 2024—2025年 |\n")
    doc = govplan.parse_text(text)
    plan = doc.plans[0]
    assert [it.path for it in plan.items] == [["一、"], ["二、"], ["附件1"], ["附表"]]
    assert plan.title == "某县目标责任书"
    row = plan.items[3].children[0]
    assert row.title == "固定资产投资增速" and [(t.value, t.comparator) for t in row.targets] == [(10, ">=")]
    assert row.deadline is not None and row.deadline.due is not None and row.deadline.due.isoformat() == "2025-12-31"
    # framing sections (考核内容, 考核办法) are not tasks: no missing_units warnings
    assert [w.code for w in plan.warnings if w.code == "missing_units"] == []


def test_a_labelled_line_ends_the_field_above() -> None:
    text = ("某市2025年工作要点\n一、任务\n（一）推进甲。\n责任单位：市商务局、市财政局\n督办领导：张三\n"
            "预定完成日期：2025年6月底前\n（二）推进乙。\n责任科室：法规股\n责任人：吴静\n配合科室：综合执法大队\n")
    doc = govplan.parse_text(text)
    first, second = doc.plans[0].items[0].children
    assert [u.name for u in first.units] == ["市商务局", "市财政局"]
    assert [(u.name, u.role) for u in second.units] == [("法规股", "lead"), ("综合执法大队", "cooperating")]


def test_a_bracketed_unit_line_after_sub_items_names_the_parents_units() -> None:
    text = ("某县2025年安全生产工作要点\n一、重点任务\n（一）开展隐患清零行动。\n１．排查重大事故隐患，整改率达到１００％。\n"
            "２．建立隐患台账，整改销号率不低于９５％。\n（责任单位：县应急管理局牵头，县直有关部门负责；完成时限：２０２５年１２月底前）\n"
            "（二）强化执法检查。（县应急管理局负责）\n")
    doc = govplan.parse_text(text)
    parent = doc.plans[0].items[0].children[0]
    assert [(u.name, u.role) for u in parent.units] == [("县应急管理局", "lead"), ("县直有关部门", "responsible")]
    assert parent.deadline is not None and parent.deadline.due is not None
    assert all(c.units == [] for c in parent.children)
    # sub-items under a parent that names the units need none of their own
    assert [w for w in doc.plans[0].warnings if w.code == "missing_units"] == []


def test_a_plan_that_lost_its_line_breaks() -> None:
    text = ("长乐县2025年农村供水保障工作要点 为全面提升农村供水保障水平，制定本工作要点。 一、工作目标 到2025年底，全县农村自来水"
            "普及率达到98%。 二、重点任务 （一）推进城乡供水一体化。新建改造供水管网260公里。（牵头单位：县水利局；完成时限：2025年"
            "11月底前） （二）加强水源保护。完成千人以上农村饮用水水源保护区划定，划定率达到100%。（牵头单位：县生态环境分局；"
            "配合单位：县水利局、县自然资源局；完成时限：2025年6月底前） 三、保障措施 "
            "（一）加强组织领导。各乡镇人民政府是农村供水保障的责任主体，要落实属地管理责任，建立健全农村供水工程运行管护"
            "长效机制。 各乡镇、各有关部门要按照本工作要点，结合实际抓好落实，每季度末将工作进展报县水利局。")
    assert len(text) > 300
    doc = govplan.parse_text(text)
    plan = doc.plans[0]
    assert plan.title == "长乐县2025年农村供水保障工作要点"
    assert [it.path for it in items(doc)] == [["一、"], ["二、"], ["二、", "（一）"], ["二、", "（二）"], ["三、"],
                                              ["三、", "（一）"]]
    assert [u.name for u in plan.items[1].children[1].units] == ["县生态环境分局", "县水利局", "县自然资源局"]
    assert plan.closing is not None and plan.closing.startswith("各乡镇")


def test_taiwan_approval_line_and_roc_title_year() -> None:
    text = ("臺南市政府114年度推動淨零排放行動計畫\n\n中華民國114年2月10日府環綜字第1140012345號函核定\n\n壹、計畫目標\n"
            "一、推動節能。\n（主辦機關：經濟發展局；協辦機關：各區公所）\n預定完成日期：年底前\n")
    plan = govplan.parse_text(text).plans[0]
    assert (plan.doc_number, plan.issued, plan.year) == ("府环综字第1140012345号", date(2025, 2, 10), 2025)
    item = plan.items[0].children[0]
    assert item.deadline is not None and item.deadline.due == date(2025, 12, 31)


def test_field_lines_of_the_last_sub_item_after_siblings_with_cued_brackets() -> None:
    text = ("某市2025年工作要点\n一、任务\n（一）甲组\n1.新建站点10个。（市数据局负责，每季度）\n2.新建站点20个。\n"
            "责任单位：市农业农村局、市财政局\n完成时限：2025年8月底前\n（二）乙组\n1.新建站点30个。（市商务局负责）\n")
    doc = govplan.parse_text(text)
    units = {"".join(it.path): [u.name for u in it.units] for it in items(doc)}
    assert units["一、（一）"] == [] and units["一、（一）2."] == ["市农业农村局", "市财政局"]


def test_notice_title_above_its_letter_number_and_a_taiwan_closing_date() -> None:
    text = ("江南省人民政府办公厅关于印发江南省2025年重点任务清单的通知\n江南政办函〔2025〕6号\n各市人民政府：\n"
            "现将清单印发给你们，请认真贯彻落实。\n江南省人民政府办公厅\n2025年2月26日\n一、任务\n（一）推进甲。（省发展改革委负责）\n")
    plan = govplan.parse_text(text).plans[0]
    assert (plan.title, plan.doc_number) == ("江南省2025年重点任务清单", "江南政办函〔2025〕6号")
    tw = govplan.parse_text("臺東縣政府114年度施政計畫\n壹、推動節能\n一、汰換路燈。\n臺東縣政府\n中華民國114年1月15日\n")
    assert tw.plans[0].issued == date(2025, 1, 15)


def test_a_default_deadline_stated_in_the_closing() -> None:
    text = ("某市2025年工作要点\n一、任务\n（一）推进甲。（市商务局负责）\n（二）推进乙，2025年6月底前完成。（市财政局负责）\n"
            "（三）加强领导。\n各地区、各部门要充分认识重要意义。以上任务，除已明确时限外，均需于2025年底前完成。\n")
    plan = govplan.parse_text(text).plans[0]
    first, second, third = plan.items[0].children
    assert first.deadline is not None and first.deadline.due == date(2025, 12, 31)
    assert text[first.deadline.span.start:first.deadline.span.end] == "2025年底前"
    assert second.deadline is not None and second.deadline.due == date(2025, 6, 30)
    assert third.deadline is None  # not a task that names units


def test_table_group_lines_cell_labels_and_totals() -> None:
    text = ("某镇2025年重点工作任务分工表\n序号\t工作任务\t责任单位\t完成时限\t总投资（亿元）\n一、经济发展\n"
            "1\t招商引资\t牵头：镇经发办；配合：镇财政所、镇农业服务中心\t2025年12月底前\t4.6\n"
            "二、乡村振兴\n2\t人居环境整治\t镇农业服务中心\t长期坚持\t2.3\n合计\t\t\t\t6.9\n")
    doc = govplan.parse_text(text)
    rows = [it for it in items(doc) if it.kind == "row"]
    assert [(r.number, (r.cells or {}).get("类别")) for r in rows] == [("1", "一、经济发展"), ("2", "二、乡村振兴")]
    assert [(u.name, u.role) for u in rows[0].units] == [
        ("镇经发办", "lead"), ("镇财政所", "cooperating"), ("镇农业服务中心", "cooperating")]
    assert (rows[1].cells or {}).get("总投资（亿元）") == "2.3"  # the totals row is not glued on


def test_related_documents_after_a_web_copy_are_closing() -> None:
    text = ("某市2025年工作要点\n一、任务\n（一）推进甲。（市商务局负责）\n（二）推进乙。（市财政局负责）\n（此件主动公开）\n"
            "相关文件：\n1. 某市人民政府关于印发某方案的通知\n2. 关于开展某工作的通知\n【打印本页】【关闭窗口】\n")
    doc = govplan.parse_text(text)
    assert [it.path for it in items(doc)] == [["一、"], ["一、", "（一）"], ["一、", "（二）"]]
    assert doc.plans[0].items[0].children[1].text == "推进乙。（市财政局负责）"


def test_bullets_under_a_heading_are_items() -> None:
    text = ("某市2025年工作要点\n一、扩大有效投资\n▲实施市级重大项目260个。【责任单位】市发展改革委【完成时限】2025年12月底\n"
            "▲新开工项目100个，9月底前全部开工。【责任单位】市住建局【完成时限】2025年9月底\n二、优化营商环境\n"
            "● 企业开办时间压缩至1个工作日。（责任单位：市市场监管局；完成时限：2025年6月底前）\n")
    doc = govplan.parse_text(text)
    got = [(it.path, [u.name for u in it.units], it.deadline.due if it.deadline else None) for it in items(doc)]
    assert got == [(["一、"], [], None), (["一、", "▲1"], ["市发展改革委"], date(2025, 12, 31)),
                   (["一、", "▲2"], ["市住建局"], date(2025, 9, 30)), (["二、"], [], None),
                   (["二、", "●1"], ["市市场监管局"], date(2025, 6, 30))]



def test_decimal_row_numbers_under_group_rows_and_duplicate_headings() -> None:
    text = ("某市数字政府重点任务清单\n序号\t重点任务\t牵头单位\t完成时限\n1\t夯实数字基础设施\t\t\n"
            "1.1\t推进政务云扩容\t市数据局\t2025/6/30\n1.2\t提升电子政务外网\t市数据局\t2025.09\n"
            "2\t提升政务服务\t\t\n2.1\t深化一网通办\t市政务服务中心\t2025年12月\n")
    rows = [it for it in items(govplan.parse_text(text)) if it.kind == "row"]
    assert [(r.number, (r.cells or {}).get("类别")) for r in rows] == [
        ("1.1", "夯实数字基础设施"), ("1.2", "夯实数字基础设施"), ("2.1", "提升政务服务")]
    dup = "某区工作要点\n一、提升效能\n（一）推进甲。\n二、优化环境\n（一）推进乙。\n二、加强法治\n（一）推进丙。\n"
    assert [it.path for it in items(govplan.parse_text(dup))] == [
        ["一、"], ["一、", "（一）"], ["二、"], ["二、", "（一）"], ["二、"], ["二、", "（一）"]]


def test_project_table_with_start_and_completion_dates() -> None:
    text = ("附件\n某县2025年重大项目建设计划表\n序号\t项目名称\t建设规模\t开工时间\t竣工时间\t责任单位\n"
            "1\t新材料产业园\t新建标准厂房12万平方米\t2025年3月\t2026年12月\t县经济开发区管委会\n"
            "2\t冷链物流中心\t新建冷库2万吨\t2024年10月\t2025年6月\t县商务局\n")
    rows = [it for it in items(govplan.parse_text(text)) if it.kind == "row"]
    assert [(r.title, r.deadline.due if r.deadline else None, [u.name for u in r.units]) for r in rows] == [
        ("新材料产业园", date(2026, 12, 31), ["县经济开发区管委会"]), ("冷链物流中心", date(2025, 6, 30), ["县商务局"])]


def test_items_with_a_deadline_column_after_tabs() -> None:
    text = ("某区2025年城市更新工作要点\n一、老旧小区改造\n1.推进老旧小区综合改造，完成改造小区45个\t\t2025年11月底前\n"
            "　责任单位：区住房城乡建设局\n2.建设完整社区试点3个\t\t2025年9月30日\n　责任单位：区民政局\n")
    doc = govplan.parse_text(text)
    got = [(it.path, it.title, it.deadline.due if it.deadline else None) for it in items(doc)]
    assert got == [(["一、"], "老旧小区改造", None),
                   (["一、", "1."], "推进老旧小区综合改造，完成改造小区45个", date(2025, 11, 30)),
                   (["一、", "2."], "建设完整社区试点3个", date(2025, 9, 30))]


def test_named_tasks_and_dash_bullets() -> None:
    text = ("某市数字经济攻坚方案\n第一部分 攻坚任务\n任务一：工业互联网赋能攻坚\n责任单位：市工业和信息化局\n"
            "任务二：数字政府提质攻坚\n责任单位：市数据局\n第二部分 保障措施\n（一）完善设施\n"
            "- 新建社区多功能运动场20个（市体育局牵头）\n- 新建健身步道50公里（市园林局负责）\n")
    got = [(it.path, [u.name for u in it.units]) for it in items(govplan.parse_text(text))]
    assert got == [(["第一部分"], []), (["第一部分", "任务一："], ["市工业和信息化局"]),
                   (["第一部分", "任务二："], ["市数据局"]), (["第二部分"], []), (["第二部分", "（一）"], []),
                   (["第二部分", "（一）", "-1"], ["市体育局"]), (["第二部分", "（一）", "-2"], ["市园林局"])]


def test_markdown_emphasis_around_a_title() -> None:
    doc = govplan.parse_text("某市工作要点\n一、任务\n1. **加强组织领导。**各单位要高度重视。\n2. **强化督查。**\n")
    assert [it.title for it in doc.plans[0].items[0].children] == ["加强组织领导", "强化督查"]


def test_labels_found_by_first_character_are_those_of_every_scheme() -> None:
    """parse_labels tries only the schemes that can start with a line's first character; on every
    line of the samples that must give what trying every scheme gives."""
    from pathlib import Path

    import govplan.pipeline as pipeline
    from govplan import structure
    from govplan.read import read_path

    rx = structure.compiled(pipeline.bundled_rules())
    lines = 0
    for path in sorted(Path(__file__).resolve().parent.parent.joinpath("samples").glob("*.txt")):
        state = pipeline.run(read_path(path), until="segment")
        for ln in state.lines:
            text = ln.stripped
            fast = structure.parse_labels(text, rx)
            every = structure.StructureRules(**{**rx.__dict__, "by_first": {text[:1]: rx.schemes}})
            slow = structure.parse_labels(text, every)
            assert [(a.key, a.value, a.end, a.doubtful) for a in fast] == \
                [(a.key, a.value, a.end, a.doubtful) for a in slow], text
            lines += 1
    assert lines > 1000


@pytest.mark.parametrize(("line", "cuts"), [
    ("推进“应管尽管”。1.推动数据共享。2.建设平台。", [9, 18]),
    ("（责任单位：市财政局）。（二）完善制度。", [12]),
    ("完成改造。3.5万户受益。", []),  # a number, not a label
    ("（牵头单位：市商务局）；②开展促销活动。", [12]),
    ("本年度完成。", []),
])
def test_labels_after_a_full_stop_inside_a_line(line: str, cuts: list[int]) -> None:
    from govplan.normalise import fold_width
    from govplan.segment import _CIRCLED_RX, _inline_cuts

    body = fold_width(line)
    assert _inline_cuts(body, _CIRCLED_RX.search(body) is not None) == cuts


def test_a_letterhead_above_the_title_is_not_part_of_it_and_names_the_issuer() -> None:
    doc = govplan.parse_text("某市人民政府办公室文件\n某市2026年推进政务服务标准化工作实施方案\n为推进工作，制定本方案。\n"
                             "一、工作目标\n推进工作。\n二、主要任务\n推进工作。\n")
    assert doc.plans[0].title == "某市2026年推进政务服务标准化工作实施方案"
    assert doc.plans[0].issuer == "某市人民政府办公室"
    # a title that is itself …通报 stays whole
    doc = govplan.parse_text("关于全市安全生产工作情况的通报\n一、总体情况\n推进工作。\n二、下一步工作\n推进工作。\n")
    assert doc.plans[0].title == "关于全市安全生产工作情况的通报"
