"""Made-up plans in formats the five real samples do not show (written for these tests, checked
by hand): a notice with its plan and a cover letter, a PDF paste with page numbers and wraps
inside unit lists, a task table with merged cells, and Taiwan-style Traditional text."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

import govplan
from govplan.records import Document, Item

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _items(items: list[Item]) -> Iterator[Item]:
    for it in items:
        yield it
        yield from _items(it.children)


def _by_path(doc: Document) -> dict[str, Item]:
    return {">".join(it.path): it for it in _items(doc.plans[0].items)}


def _units(it: Item) -> list[tuple[str, str]]:
    return [(u.name, u.role) for u in it.units]


@pytest.fixture(scope="module")
def docs() -> dict[str, Document]:
    return {p.stem: govplan.parse_file(p) for p in sorted(FIXTURES.glob("*.txt"))}


def test_notice_with_plan(docs: dict[str, Document]) -> None:
    doc = docs["a-notice-with-plan"]
    plan = doc.plans[0]
    assert (plan.title, plan.doc_number, plan.issuer, plan.issued) == (
        "云溪区2023年优化营商环境工作要点", "云府办发〔2023〕12号", "云溪区人民政府办公室", date(2023, 3, 15))
    items = _by_path(doc)
    assert len(items) == 30
    it = items["一、>（二）"]
    assert _units(it) == [("区行政审批局", "lead"), ("区政府各部门", "cooperating")]
    assert it.deadline is not None and it.deadline.due == date(2023, 12, 31)  # 年底前 of the plan's year
    assert [(t.value, t.unit, t.comparator) for t in it.targets] == [(90, "%", ">="), (5, "百分点", "increase")]
    it = items["二、>（四）"]
    assert _units(it)[0] == ("区发展改革局", "lead") and it.deadline is None
    assert items["五、>（四）"].deadline is not None and items["五、>（四）"].deadline.ongoing
    assert _units(items["五、>（二）"]) == [("区法院", "responsible")]
    assert plan.closing is not None and plan.closing.startswith("各镇、各部门要高度重视")
    assert "抄送" not in items["五、>（五）"].text


def test_pdf_paste(docs: dict[str, Document]) -> None:
    doc = docs["b-pdf-paste"]
    plan = doc.plans[0]
    assert plan.title == "澄州市城镇老旧小区改造提升三年行动实施方案（2024—2026年）"
    items = _by_path(doc)
    assert len(items) == 3 + 11 + 20 + 3
    first = items["二、>（一）>1."]
    assert _units(first) == [("市住房城乡建设局", "lead"), ("市自然资源局", "responsible"),
                             ("各县(市、区)人民政府", "responsible")]
    assert first.deadline is not None and first.deadline.due == date(2024, 3, 31)  # not 以2000年底前建成…
    parent = items["二、>（一）>3."]  # its 责任单位 line follows its sub-items
    assert [u.name for u in parent.units] == ["市住房城乡建设局", "市民政局", "各县(市、区)人民政府"]
    assert items["二、>（一）>3.>（3）"].units == []
    assert "澄州燃气公司" in [u.name for u in items["二、>（二）>1."].units]
    lift = items["二、>（二）>2."]
    assert (200, "部", ">=") in [(t.value, t.unit, t.comparator) for t in lift.targets]


def test_task_table(docs: dict[str, Document]) -> None:
    doc = docs["c-task-table"]
    plan = doc.plans[0]
    assert (plan.doc_number, plan.issuer, plan.issued) == ("东政办发〔2023〕21号", "东岚县人民政府办公室",
                                                           date(2023, 4, 10))
    att = plan.items[-1]
    assert att.path == ["附件1"] and att.title == "东岚县2023年生态环境保护重点任务分工表"
    rows = att.children
    assert [r.number for r in rows] == [str(k) for k in range(1, 16)]
    assert all(r.cells is not None and r.cells["重点任务"] for r in rows)  # merged cells filled
    assert _units(rows[7]) == [("县生态环境局", "lead"), ("县农业农村局", "lead"), ("各乡镇人民政府", "cooperating")]
    assert rows[1].deadline is not None and rows[1].deadline.ongoing
    assert rows[14].deadline is not None and rows[14].deadline.due is None
    assert rows[0].title != rows[1].title  # rows sharing a merged task are told apart


def test_traditional_taiwan_style(docs: dict[str, Document]) -> None:
    doc = docs["d-traditional"]
    assert doc.source.script == "traditional"
    items = _by_path(doc)
    it = items["三、>（一）>3."]
    assert _units(it) == [("资讯中心", "lead"), ("各机关", "cooperating")]
    assert it.deadline is not None and it.deadline.ongoing
    it = items["三、>（五）>1."]
    assert it.deadline is not None and it.deadline.due == date(2024, 6, 30)
    assert [(t.value, t.unit) for t in it.targets] == [(12, "处")]
    it = items["三、>（四）>1."]
    assert _units(it) == [("教育局", "lead"), ("资讯中心", "cooperating")]
    assert it.deadline is not None and it.deadline.due == date(2023, 8, 31)


def test_measures_by_article(docs: dict[str, Document]) -> None:
    doc = docs["e-measures"]
    plan = doc.plans[0]
    assert (plan.title, plan.doc_number, plan.issuer, plan.issued) == (
        "关于加快推进数字经济高质量发展的若干措施", "临政规〔2023〕3号", "临江市人民政府", date(2023, 11, 2))
    items = _by_path(doc)
    assert sum(1 for k in items if ">" not in k) == 12 and len(items) == 21
    it = items["第六条>（一）"]
    # 2024年2月底前出台…，2024年底前…不少于500个: the sentence's last stage ends the item
    assert it.deadline is not None and it.deadline.due == date(2024, 12, 31) and it.deadline.raw == "2024年底前"
    assert items["第十一条"].deadline is not None and items["第十一条"].deadline.due == date(2024, 9, 30)
    # the 【责任单位】 line after the article's sub-measures names the units of the whole article
    assert items["第三条"].units[0].name == "市工业和信息化局" and items["第三条"].units[0].role == "lead"
    assert items["第三条>（三）"].units == []
    assert plan.closing is not None and "抄送" in plan.closing


def test_markdown_copied_from_a_web_page(docs: dict[str, Document]) -> None:
    doc = docs["f-markdown-web"]
    plan = doc.plans[0]
    assert (plan.title, plan.doc_number, plan.issued) == ("青溪县2024年政务公开工作要点", "青政办〔2024〕11号",
                                                          date(2024, 4, 10))
    items = _by_path(doc)
    assert len(items) == 5 + 10 + 20
    assert _units(items["一、>（一）>1."]) == [("县政务公开办", "lead"), ("各乡镇", "responsible"),
                                              ("县直各单位", "responsible")]
    assert all("&nbsp;" not in it.text and "上一篇" not in it.text for it in items.values())


def test_gbk_with_crlf(docs: dict[str, Document]) -> None:
    doc = docs["g-gbk-crlf"]
    assert doc.source.encoding == "gb18030"
    plan = doc.plans[0]
    assert (plan.title, plan.doc_number, plan.issuer, plan.issued) == (
        "东湖区2023年安全生产工作要点", "东安委〔2023〕2号", "东湖区安全生产委员会", date(2023, 2, 20))
    att = plan.items[-1]
    assert att.title == "2023年安全生产重点工作任务分解表" and len(att.children) == 8
    assert _units(att.children[3])[0] == ("区应急管理局", "lead")
    items = _by_path(doc)
    assert items["二、>（二）>2."].deadline is not None
    assert items["二、>（二）>2."].deadline.due == date(2023, 9, 30)
    assert items["二、>（三）>1."].deadline is not None and items["二、>（三）>1."].deadline.ongoing


def test_pdftotext_layout(docs: dict[str, Document]) -> None:
    """`pdftotext -layout` output: form feeds, page numbers, a landscape table whose headings are
    centred over flush-left cells, blank lines between rows, cells wrapped in every column, and the
    heading row repeated on a new page."""
    doc = docs["h-pdftotext-layout"]
    assert len(doc.plans) == 1
    plan = doc.plans[0]
    assert (plan.title, plan.doc_number, plan.issuer, plan.issued) == (
        "康宁市2025年营商环境优化提升重点任务清单", "康政办〔2025〕17号", "康宁市人民政府办公室", date(2025, 3, 20))
    rows = plan.items[0].children
    assert [r.number for r in rows] == [str(k) for k in range(1, 11)]
    assert [(u.name, u.role) for u in rows[0].units] == [
        ("市市场监管局", "lead"), ("市税务局", "cooperating"), ("市公安局", "cooperating"),
        ("人民银行康宁市分行", "cooperating")]
    assert rows[0].title == "推行经营主体登记“一网通办”，企业开办时间压缩至1个工作日以内"
    assert [u.name for u in rows[5].units] == ["人民银行康宁市分行", "国家金融监督管理总局康宁监管分局", "市金融工作局"]
    assert [u.name for u in rows[2].units] == ["市自然资源和规划局", "市发展改革委", "市工业和信息化局"]
    assert rows[6].deadline is not None and rows[6].deadline.due == date(2025, 6, 30)
    assert rows[3].deadline is not None and rows[3].deadline.ongoing
    assert [(t.value, t.comparator) for t in rows[9].targets] == [(50000, ">")]
    assert all("序号" not in r.text and "—" not in r.text for r in rows)
