"""File formats: the same plan as .txt, .docx and .html gives the same records; the readers'
serialisation; the four real gov.cn pages; hostile files (a renamed .xlsx, a zip bomb, a huge page)."""

from __future__ import annotations

import importlib.util
import io
import json
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import govplan
from govplan.errors import NotTextError
from govplan.read import read_bytes, read_path
from govplan.readers import EXTENSIONS, FORMATS, render_table, sniff
from govplan.records import Document, Item

FORMATS_DIR = Path(__file__).resolve().parent / "fixtures" / "formats"
PAGES = FORMATS_DIR / "html"


def _items(items: list[Item]) -> list[Item]:
    out = []
    for it in items:
        out.append(it)
        out.extend(_items(it.children))
    return out


def facts(doc: Document) -> list[tuple[Any, ...]]:
    """What must not depend on the format: each item's path, units with roles, deadline, targets."""
    rows = []
    for plan in doc.plans:
        for it in _items(plan.items):
            d = it.deadline
            rows.append((tuple(it.path), sorted((u.name, u.role) for u in it.units),
                         (d.due, d.ongoing) if d else None,
                         [(t.value, t.unit, t.comparator) for t in it.targets], (it.cells or {}).get("类别")))
    return rows


def _make_fixtures() -> Any:
    spec = importlib.util.spec_from_file_location("make_fixtures", FORMATS_DIR / "make_fixtures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- the same plan in every format ---------------------------------------------------------------

def test_the_same_plan_gives_the_same_records_in_every_format() -> None:
    # plan.pdf is plan.docx printed by LibreOffice (make_fixtures.py); reading it needs the pdf extra
    exts = ("txt", "docx", "html", "pdf") if importlib.util.find_spec("pdfplumber") else ("txt", "docx", "html")
    docs = {ext: govplan.parse_file(FORMATS_DIR / f"plan.{ext}") for ext in exts}
    expected = facts(docs["txt"])
    paths = [f[0] for f in expected]
    assert paths == [("一、",), ("二、",), ("二、", "（一）"), ("二、", "（一）", "1."), ("二、", "（一）", "2."),
                     ("二、", "（二）"), ("二、", "（二）", "1."), ("二、", "（二）", "2."), ("附件",),
                     ("附件", "1"), ("附件", "2"), ("附件", "3"), ("附件", "4")]
    by_path = {f[0]: f for f in expected}
    # the merged 牵头单位 cell applies to both rows it spans; the group rows give the rows their 类别
    assert by_path[("附件", "2")][1] == [("各区人民政府", "cooperating"), ("市政务服务数据管理局", "lead")]
    assert by_path[("附件", "4")][1] == [("市公安局", "cooperating"), ("市大数据中心", "lead")]
    assert by_path[("附件", "4")][2] == (None, True)
    assert by_path[("附件", "3")][4] == "二、网上办事"
    # a cell with one unit a line (Word paragraphs, <br>) lists both units
    assert set(by_path[("附件", "3")][1]) == {("市大数据中心", "lead"), ("市发展改革局", "cooperating"),
                                              ("市财政局", "cooperating")}
    assert by_path[("二、", "（一）", "1.")][1] == [("各区人民政府", "cooperating"), ("市司法局", "cooperating"),
                                                  ("市政务服务数据管理局", "lead")]
    assert by_path[("一、",)][3] == [(95.0, "%", ">="), (90.0, "%", ">=")]
    for ext, doc in docs.items():
        assert facts(doc) == expected, ext
        assert doc.plans[0].title == "某市2026年推进政务服务标准化工作实施方案", ext
        assert doc.plans[0].issued is not None and doc.plans[0].issued.isoformat() == "2026-03-01", ext
    assert docs["docx"].source.format == "docx" and docs["docx"].source.reader.startswith("python-docx ")
    assert docs["html"].source.format == "html" and docs["html"].source.reader.startswith("lxml ")
    assert docs["html"].source.encoding == "gb18030"  # declared gb2312, read with its superset
    assert docs["txt"].source.format == "text" and docs["txt"].source.reader is None
    if "pdf" in docs:
        assert docs["pdf"].source.format == "pdf" and docs["pdf"].source.reader.startswith("pdfplumber ")


def test_spans_point_into_the_text_the_reader_extracted() -> None:
    raw = read_path(FORMATS_DIR / "plan.docx")
    doc = govplan.parse_file(FORMATS_DIR / "plan.docx")
    for plan in doc.plans:
        for it in _items(plan.items):
            for unit in it.units:
                assert unit.span is not None
                assert raw.text[unit.span.start:unit.span.end].replace("\n", "") == unit.raw


def test_the_fixtures_are_what_the_script_writes(tmp_path: Path) -> None:
    pytest.importorskip("docx")
    make = _make_fixtures()
    assert (FORMATS_DIR / "plan.txt").read_text(encoding="utf-8") == make.plan_text()
    assert (FORMATS_DIR / "plan.html").read_bytes() == make.plan_html().encode("gbk")
    make.plan_docx(tmp_path / "plan.docx")
    assert read_path(tmp_path / "plan.docx").text == read_path(FORMATS_DIR / "plan.docx").text


def test_docx_chrome_is_not_body_text() -> None:
    text = read_path(FORMATS_DIR / "plan.docx").text
    assert "某市人民政府办公室文件" not in text and "— 1 —" not in text  # running header and footer
    html = read_path(FORMATS_DIR / "plan.html").text
    for chrome in ("首页", "当前位置", "相关链接", "热点专题", "主办单位", "统计代码", "分享到", "发布时间", "字体"):
        assert chrome not in html, chrome
    assert "推动高频事项“一网通办”，网上可办率达到95%。（市政务服务数据管理局牵头" in html  # inline tags, entities


# --- the dispatch ------------------------------------------------------------------------------------

def _zip(names: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in names.items():
            zf.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("data", "path", "fmt"),
    [
        (b"<!DOCTYPE html><html><body>x</body></html>", None, "html"),
        (b"\xef\xbb\xbf  \n<HTML lang=zh>", "a.txt", "html"),
        ("<!-- saved from url=(0014)about:internet -->\n<html>".encode("utf-16"), None, "html"),
        (b'<?xml version="1.0" encoding="gbk"?>\n<html xmlns="x">', None, "html"),
        (b'<div class="wrap">a fragment</div>', "page.htm", "html"),
        (b'<div class="wrap">a fragment</div>', "page.txt", None),
        (b"%PDF-1.7\n", "plan.txt", "pdf"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le"), "plan.txt", "doc"),
        (b"plain text", "plan.wps", "doc"),
        (b"plain text", "PLAN.DOCX", "docx"),
        ("一、总体要求".encode(), "plan.txt", None),
        ("一、总体要求".encode(), None, None),
    ],
)
def test_sniff_reads_content_first_then_the_extension(data: bytes, path: str | None, fmt: str | None) -> None:
    assert sniff(data, path) == fmt


def test_a_docx_package_is_a_docx_whatever_its_name() -> None:
    data = (FORMATS_DIR / "plan.docx").read_bytes()
    assert sniff(data, "plan.txt") == "docx"
    assert read_bytes(data, path="plan.txt").format == "docx"


@pytest.mark.parametrize(
    ("names", "needle"),
    [
        ({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}, r"Excel workbook \(.xlsx\)"),
        ({"ppt/presentation.xml": b"<p/>"}, "PowerPoint"),
        ({"mimetype": b"application/vnd.oasis.opendocument.text"}, "OpenDocument"),
        ({"notes/readme.txt": b"hello"}, "ZIP archive"),
    ],
)
def test_a_zip_that_is_no_word_document_is_refused_saying_what_it_is(names: dict[str, bytes], needle: str) -> None:
    with pytest.raises(NotTextError, match=needle):
        read_bytes(_zip(names), path="plan.docx")


def test_ole_files_that_are_not_documents_are_refused() -> None:
    head = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100)
    with pytest.raises(NotTextError, match=r"Excel workbook \(.xls\)"):
        read_bytes(head + "Workbook".encode("utf-16-le"), path="plan.doc")
    with pytest.raises(NotTextError, match="password"):
        read_bytes(head + "EncryptedPackage".encode("utf-16-le"), path="plan.docx")


def test_a_missing_reader_names_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real_import = builtins.__import__

    def no_docx(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "docx" or name.startswith("docx."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_docx)
    with pytest.raises(NotTextError, match="pip install python-docx"):
        read_bytes((FORMATS_DIR / "plan.docx").read_bytes())


def test_every_format_has_its_extensions_in_the_batch_default() -> None:
    for fmt in FORMATS.values():
        assert set(fmt.extensions) <= set(EXTENSIONS)
    assert ".txt" in EXTENSIONS


# --- the serialisation ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("lines", "text"), [
    (["完成", "时限"], "完成时限"), (["市发改委", "市财政局", "各区人民政府"], "市发改委、市财政局、各区人民政府"),
    (["市政务服务数据管理局（牵头）", "市司法局"], "市政务服务数据管理局（牵头）、市司法局"),
    (["1.加强统筹。", "2.推进改革。"], "1.加强统筹。2.推进改革。"), (["推进政务服务", "标准化建设"], "推进政务服务标准化建设"),
    (["Word", "文档"], "Word 文档"), (["", " 市民政局 ", ""], "市民政局"),
])
def test_a_cells_lines_are_joined_on_its_row(lines: list[str], text: str) -> None:
    from govplan.readers import cell_text

    assert cell_text(lines) == text


def test_render_table_writes_merged_cells_once_and_group_rows_alone() -> None:
    rows: list[list[str | None]] = [["序号", "任务", "牵头单位"], ["一、民生", None, None], ["1", "建学校", "市教育局"],
                                    ["2", "建医院", None], ["3", "a\tb\nc", ""]]
    assert render_table(rows) == "序号\t任务\t牵头单位\n一、民生\n1\t建学校\t市教育局\n2\t建医院\t\n3\ta b c\t"


def _html(body: str, head: str = "") -> str:
    from govplan.readers import html

    return html.read(f"<html><head>{head}</head><body>{body}</body></html>".encode()).text


def test_html_blocks_inline_breaks_and_entities() -> None:
    text = _html("<div><p>一、<b>加强</b><a href='#'>统筹</a>协调。<br>（一）健全&nbsp;机制&amp;制度&#x3002;</p>"
                 "<ul><li>第一项</li><li>第二<span>项</span></li></ul><p>跨行\n    文字，English\nwords</p>"
                 "<script>alert('x')</script><style>p{}</style><p style='display:none'>隐藏</p></div>")
    assert text.split("\n") == ["一、加强统筹协调。", "（一）健全\xa0机制&制度。", "第一项", "第二项", "跨行文字，English words"]


def test_html_table_with_rowspan_colspan_and_layout_tables() -> None:
    table = ("<table><tr><th>序号</th><th>任务</th><th>牵头单位</th></tr>"
             "<tr><td colspan=3>一、民生</td></tr>"
             "<tr><td>1</td><td>建<br>学校</td><td rowspan=2><p>市教育局</p><p>市卫生健康委</p></td></tr>"
             "<tr><td>2</td><td>建医院</td></tr></table>")
    text = _html(f"<table><tr><td><p>（一）正文。</p>{table}</td></tr></table>")
    assert text.split("\n") == ["（一）正文。", "序号\t任务\t牵头单位", "一、民生", "1\t建学校\t市教育局、市卫生健康委",
                                 "2\t建医院\t"]


def test_html_heading_beside_the_article_is_kept_once() -> None:
    article = "<p>为推进改革，制定本方案。</p>" * 30
    page = f"<div class=nav><a href=/>首页</a></div><h1>某市改革方案</h1><div id=zoom>{article}</div>"
    assert _html(page).split("\n")[:2] == ["某市改革方案", "为推进改革，制定本方案。"]
    page = f"<h1>某市改革方案</h1><div id=zoom><p>某市改革方案</p>{article}</div>"
    assert _html(page).split("\n")[:2] == ["某市改革方案", "为推进改革，制定本方案。"]


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ('<html><head><meta charset="GBK"></head><body><p>一、推进数字政府建设</p></body></html>'.encode("gbk"),
         "gb18030"),
        ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head>'
         '<body><p>一、推进数字政府建设</p></body></html>'.encode("gbk"), "gb18030"),
        ("<html><body><p>一、推进数字政府建设，提升政务服务效能和群众满意度</p></body></html>".encode("gbk"), "gb18030"),
        ("<html><body><p>一、推进数字政府建设</p></body></html>".encode("utf-16"), "utf-16"),
        ('<html><head><meta charset="utf-8"></head><body><p>一、推进数字政府建设，提升政务服务效能和群众满意度</p>'
         "</body></html>".encode("gbk"), "gb18030"),  # a wrong declaration: detected instead
    ],
)
def test_html_charset_from_bom_meta_or_detection(data: bytes, encoding: str) -> None:
    raw = read_bytes(data, path="page.html")
    assert raw.text.startswith("一、推进数字政府建设"), raw.text
    assert raw.encoding.replace("-le", "") == encoding


def test_html_encoding_option_overrides_the_page() -> None:
    data = '<html><head><meta charset="utf-8"></head><body><p>一、推进</p></body></html>'.encode("gbk")
    assert read_bytes(data, path="p.html", encoding="gbk").text == "一、推进"


# --- the four real pages ------------------------------------------------------------------------------

def _page(name: str) -> Document:
    return govplan.parse_file(PAGES / name)


def _by_path(doc: Document) -> dict[str, Item]:
    return {"".join(it.path): it for plan in doc.plans for it in _items(plan.items)}


def _units(it: Item) -> dict[str, str]:
    return {u.name: u.role for u in it.units}


def test_real_page_p01_items_units_and_first_listed_lead() -> None:
    doc = _page("p01.html")
    assert len(doc.plans) == 1
    plan = doc.plans[0]
    assert plan.title == "国务院关于做好当前和今后一个时期促进就业工作的若干意见"
    assert (plan.doc_number, plan.issuer, str(plan.issued)) == ("国发〔2018〕39号", "国务院", "2018-11-16")
    items = _by_path(doc)
    labels = ["一、", "二、", "三、", "四、", "五、"]
    assert [p for p in items if len(p) <= 2] == labels
    assert sum(1 for p in items if "（" in p) == 15  # （一）…（十五）, running on across the 一、 sections
    # （人力资源社会保障部、财政部负责。列第一位者为牵头单位，下同）
    assert _units(items["一、（一）"]) == {"人力资源社会保障部": "lead", "财政部": "responsible"}
    assert [t.value for t in items["一、（一）"].targets] == [50.0, 50.0]
    assert _units(items["一、（二）"])["财政部"] == "lead"
    assert "各省级人民政府" in _units(items["五、（十五）"])
    assert sum(1 for it in items.values() if it.units) == 15
    text = read_path(PAGES / "p01.html").text
    for chrome in ("索 引 号", "主题分类", "扫一扫", "主 题 词", "000014349"):
        assert chrome not in text


def test_real_page_p02_three_levels_and_first_listed_lead() -> None:
    items = _by_path(_page("p02.html"))
    tasks = [p for p in items if p.startswith("四、") and p.endswith(".")]
    assert len(tasks) == 21
    # （税务总局、财政部、海关总署负责，排在第一位的部门为牵头部门，下同）
    assert _units(items["四、（一）1."]) == {"税务总局": "lead", "财政部": "responsible", "海关总署": "responsible"}
    assert all(any(u.role == "lead" for u in items[p].units) for p in tasks)
    assert not any(items[p].units for p in items if p.startswith("二、"))  # principles, no units


def test_real_page_p03_notice_then_plan() -> None:
    doc = _page("p03.html")
    plan = doc.plans[0]
    assert plan.title == "“无废城市”建设试点工作方案"
    assert plan.doc_number == "国办发〔2018〕128号"
    items = _by_path(doc)
    assert _units(items["二、（一）"])["生态环境部"] == "lead"
    assert _units(items["二、（一）"])["国家统计局"] == "cooperating"


def test_real_page_p04_task_table_rows_with_their_guiding_departments() -> None:
    doc = _page("p04.html")
    items = _by_path(doc)
    rows = [p for p in items if p.startswith("附件") and p != "附件"]
    assert rows == [f"附件{n}" for n in [*range(1, 15), 21, 22, 23]]
    cells = {p: items[p].cells or {} for p in rows}
    assert all(c.get("指导部门") for c in cells.values())
    assert cells["附件1"]["指导部门"] == "最高人民法院、最高人民检察院、国家知识产权局"
    assert cells["附件6"]["指导部门"] == "科技部、国家发展改革委、财政部、国家知识产权局、教育部、国务院国资委、中科院、司法部"
    assert cells["附件14"]["指导部门"] == "国家发展改革委、财政部"
    assert cells["附件21"]["类别"] == "五、管理体制创新方面（共3项）"
    assert cells["附件1"]["推广范围"] == "全国"
    assert doc.plans[0].doc_number == "国办发〔2018〕126号"


@pytest.mark.parametrize("name", ["p01.html", "p02.html", "p03.html", "p04.html"])
def test_real_pages_give_at_least_what_the_page_read_as_text_gives(name: str) -> None:
    """The page's bytes read as plain text (govplan strips the markup itself) is the converter to beat."""
    as_text = govplan.parse_text((PAGES / name).read_text(encoding="utf-8"))
    html = _by_path(_page(name))
    for plan in as_text.plans:
        for it in _items(plan.items):
            key = "".join(it.path)
            assert key in html, key
            assert _units(it).items() <= _units(html[key]).items(), key
            if it.cells and it.cells.get("指导部门") and "、" in it.cells["指导部门"]:
                assert html[key].cells and html[key].cells.get("指导部门"), key


# --- hostile files ----------------------------------------------------------------------------------------

def test_a_renamed_xlsx_is_refused_on_the_command_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from govplan.cli import app

    path = tmp_path / "plan.docx"
    path.write_bytes(_zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>",
                           "xl/worksheets/sheet1.xml": b"<worksheet/>"}))
    result = CliRunner().invoke(app, ["extract", str(path)])
    assert result.exit_code == 4
    assert result.stderr.count("\n") == 1 and "Excel workbook" in result.stderr


def test_a_zip_bomb_is_refused_before_it_is_decompressed() -> None:
    bomb = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<" + b" " * (65 * 2**20) + b">"})
    assert len(bomb) < 200_000
    started = time.perf_counter()
    with pytest.raises(NotTextError, match="zip bomb"):
        read_bytes(bomb, path="plan.docx")
    assert time.perf_counter() - started < 2


def test_a_damaged_docx_is_one_clear_error() -> None:
    with pytest.raises(NotTextError, match="not a valid Word document"):
        read_bytes(_zip({"word/document.xml": b"<w:document"}), path="plan.docx")
    data = (FORMATS_DIR / "plan.docx").read_bytes()
    with pytest.raises(NotTextError, match="damaged"):
        read_bytes(data[: len(data) // 2], path="plan.docx")


def test_a_page_over_the_limit_is_refused_and_a_large_one_is_read_in_bounded_time() -> None:
    from govplan.readers import html

    with pytest.raises(NotTextError, match="MiB"):
        html.read(b"<html>" + b" " * (html.MAX_BYTES + 1))
    para = "<p>（一）推进政务服务标准化，<span>网上可办率</span>达到95%。（市政务服务数据管理局牵头）</p>\n"
    page = ("<html><body><div class=nav><a href=#>首页</a></div><div>" + para * 20000 + "</div></body></html>").encode()
    started = time.perf_counter()
    text = html.read(page).text
    assert time.perf_counter() - started < 20  # ~2 MB: about a second on the development machine
    assert text.count("\n") == 19999 and "首页" not in text


def test_json_output_of_every_format_validates_against_the_model_behind_the_schema() -> None:
    from govplan.export import render

    for ext in ("docx", "html"):
        doc = govplan.parse_file(FORMATS_DIR / f"plan.{ext}")
        again = Document.model_validate_json(render(doc, "json"))
        assert again.source.format == ext


# --- the .docx reader's details ----------------------------------------------------------------------

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _docx(body: str, numbering: str = "", styles: str = "") -> bytes:
    """A minimal .docx package around a body (and numbering/styles parts) written as XML."""
    rels = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="word/document.xml"/></Relationships>')
    doc_rels = ['<Relationship Id="rN" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                'numbering" Target="numbering.xml"/>' if numbering else "",
                '<Relationship Id="rS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                'styles" Target="styles.xml"/>' if styles else ""]
    types = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
             '<Default Extension="xml" ContentType="application/xml"/>'
             '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
             'wordprocessingml.document.main+xml"/>'
             '<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.'
             'wordprocessingml.numbering+xml"/>'
             '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.'
             'wordprocessingml.styles+xml"/></Types>')
    parts = {
        "[Content_Types].xml": types.encode(),
        "_rels/.rels": rels.encode(),
        "word/_rels/document.xml.rels": ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                                         f'package/2006/relationships">{"".join(doc_rels)}</Relationships>').encode(),
        "word/document.xml": f'<?xml version="1.0"?><w:document {W}><w:body>{body}</w:body></w:document>'.encode(),
    }
    if numbering:
        parts["word/numbering.xml"] = f'<?xml version="1.0"?><w:numbering {W}>{numbering}</w:numbering>'.encode()
    if styles:
        parts["word/styles.xml"] = f'<?xml version="1.0"?><w:styles {W}>{styles}</w:styles>'.encode()
    return _zip(parts)


def _p(text: str, num: tuple[int, int] | None = None, style: str | None = None, runs: str | None = None) -> str:
    ppr = ""
    if num or style:
        ppr = "<w:pPr>" + (f'<w:pStyle w:val="{style}"/>' if style else "") + (
            f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>' if num else "") + "</w:pPr>"
    return f"<w:p>{ppr}{runs if runs is not None else f'<w:r><w:t>{text}</w:t></w:r>'}</w:p>"


def _levels(*levels: tuple[str, str]) -> str:
    return "".join(f'<w:lvl w:ilvl="{k}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/>'
                   f'<w:suff w:val="nothing"/></w:lvl>' for k, (fmt, text) in enumerate(levels))


def _docx_text(data: bytes) -> list[str]:
    return read_bytes(data, path="t.docx").text.split("\n")


def test_docx_list_numbering_counts_per_list_and_restarts_under_its_parent() -> None:
    numbering = (f'<w:abstractNum w:abstractNumId="1">{_levels(("chineseCounting", "%1、"), ("chineseCounting", "（%2）"), ("decimal", "%3."))}</w:abstractNum>'
                 f'<w:abstractNum w:abstractNumId="2">{_levels(("decimalEnclosedCircle", "%1"), ("bullet", ""))}</w:abstractNum>'
                 f'<w:abstractNum w:abstractNumId="3">{_levels(("chineseLegalSimplified", "%1、"))}</w:abstractNum>'
                 '<w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num>'
                 '<w:num w:numId="2"><w:abstractNumId w:val="2"/></w:num>'
                 '<w:num w:numId="3"><w:abstractNumId w:val="3"/>'
                 '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="10"/></w:lvlOverride></w:num>')
    body = "".join([
        _p("总体要求", (1, 0)), _p("正文不编号"), _p("主要任务", (1, 0)), _p("推进改革", (1, 1)), _p("第一项", (1, 2)),
        _p("第二项", (1, 2)), _p("优化服务", (1, 1)), _p("又一项", (1, 2)), _p("甲", (2, 0)), _p("乙", (2, 0)),
        _p("要点", (2, 1)), _p("拾", (3, 0)), _p("关闭编号", (0, 0)),
    ])
    assert _docx_text(_docx(body, numbering)) == [
        "一、总体要求", "正文不编号", "二、主要任务", "（一）推进改革", "1.第一项", "2.第二项", "（二）优化服务", "1.又一项",
        "①甲", "②乙", "• 要点", "壹拾、拾", "关闭编号"]


def test_docx_numbering_from_a_paragraph_style() -> None:
    numbering = (f'<w:abstractNum w:abstractNumId="5">{_levels(("chineseCounting", "第%1条"))}</w:abstractNum>'
                 '<w:num w:numId="7"><w:abstractNumId w:val="5"/></w:num>')
    styles = ('<w:style w:type="paragraph" w:styleId="Tiao"><w:pPr><w:numPr><w:numId w:val="7"/></w:numPr></w:pPr>'
              '</w:style><w:style w:type="paragraph" w:styleId="TiaoBold"><w:basedOn w:val="Tiao"/></w:style>')
    body = _p(" 总则", style="Tiao") + _p(" 适用范围", style="TiaoBold")
    assert _docx_text(_docx(body, numbering, styles)) == ["第一条 总则", "第二条 适用范围"]


def test_docx_runs_fields_breaks_tabs_hidden_text_and_revisions() -> None:
    runs = ("<w:r><w:t>一、加强</w:t></w:r><w:ins><w:r><w:t>统筹</w:t></w:r></w:ins>"
            "<w:del><w:r><w:delText>删掉的</w:delText></w:r></w:del>"
            '<w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏</w:t></w:r>'
            '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>协调</w:t></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
            '<w:r><w:footnoteReference w:id="1"/></w:r>'
            "<w:r><w:tab/><w:t>（市发展改革委牵头）</w:t><w:br/><w:t>第二行</w:t></w:r>")
    sdt = "<w:sdt><w:sdtContent>" + _p("控件里的段落") + "</w:sdtContent></w:sdt>"
    assert _docx_text(_docx(_p("", runs=runs) + sdt)) == ["一、加强统筹协调 （市发展改革委牵头）", "第二行", "控件里的段落"]


def test_docx_table_merges_apply_to_each_row_they_span() -> None:
    def tc(text: str, props: str = "") -> str:
        return f"<w:tc><w:tcPr>{props}</w:tcPr>{_p(text)}</w:tc>"

    restart, cont, span3 = '<w:vMerge w:val="restart"/>', "<w:vMerge/>", '<w:gridSpan w:val="3"/>'
    nested = f"<w:tbl><w:tr>{tc('甲')}{tc('乙')}</w:tr></w:tbl>"
    rows = [
        tc("序号") + tc("任务") + tc("牵头单位"),
        tc("一、民生实事", span3),
        tc("1") + tc("建学校") + tc("市教育局", restart),
        tc("2") + f"<w:tc>{_p('新建')}{_p('社区医院')}</w:tc>" + tc("", cont),
    ]
    body = ("<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>"
            + "".join(f"<w:tr>{r}</w:tr>" for r in rows) + "</w:tbl>" + _p("表后段落"))
    body += f"<w:tbl><w:tr>{tc('一列表格：方框里的文字')}</w:tr></w:tbl>"
    # a table laying out a page (a table inside it): its cells' paragraphs, in order
    body += f"<w:tbl><w:tr>{tc('正文')}<w:tc>{_p('侧栏')}{nested}</w:tc></w:tr></w:tbl>"
    assert _docx_text(_docx(body)) == ["序号\t任务\t牵头单位", "一、民生实事", "1\t建学校\t市教育局", "2\t新建社区医院\t",
                                       "表后段落", "一列表格：方框里的文字", "正文", "侧栏", "甲\t乙"]


@pytest.mark.parametrize(("n", "text"), [(1, "一"), (10, "十"), (11, "十一"), (20, "二十"), (21, "二十一"),
                                         (100, "一百"), (105, "一百零五"), (110, "一百一十")])
def test_chinese_counting(n: int, text: str) -> None:
    from govplan.readers.docx import chinese_number

    assert chinese_number(n) == text


# --- batch ------------------------------------------------------------------------------------------------

def test_batch_reads_every_supported_format_and_says_what_it_did_not_read(tmp_path: Path) -> None:
    import shutil

    from typer.testing import CliRunner

    from govplan.batch import BatchRequest, run_batch
    from govplan.cli import app

    folder = tmp_path / "downloads"
    (folder / "sub").mkdir(parents=True)
    for name in ("plan.txt", "plan.docx", "plan.html"):
        shutil.copy(FORMATS_DIR / name, folder / ("sub" if name.endswith("html") else "") / name)
    shutil.copy(FORMATS_DIR / "plan.html", folder / "PAGE.HTM")
    (folder / "sheet.xlsx").write_bytes(_zip({"xl/workbook.xml": b"<workbook/>"}))
    (folder / "~$plan.docx").write_bytes(b"\x06owner ")
    (folder / "notes.md").write_text("# notes", encoding="utf-8")
    (folder / "renamed.docx").write_bytes(_zip({"xl/workbook.xml": b"<workbook/>"}))

    summary = run_batch(BatchRequest(inputs=[str(folder)], jsonl=tmp_path / "items.jsonl", workers=1))
    read_names = {Path(json.loads(line)["source"]).name
                  for line in (tmp_path / "items.jsonl").read_text(encoding="utf-8").splitlines()}
    assert read_names == {"plan.txt", "plan.docx", "plan.html", "PAGE.HTM"}
    assert summary.files == 5 and summary.ok == 4 and summary.failed == 1
    assert summary.errors[0]["path"].endswith("renamed.docx") and summary.errors[0]["exit_code"] == 4
    assert "Excel workbook" in summary.errors[0]["error"]  # a failure, never an empty plan
    not_read = {Path(n["path"]).name: n["reason"] for n in summary.not_read}
    assert not_read == {"sheet.xlsx": "not a supported format (.xlsx)", "notes.md": "not a supported format (.md)",
                        "~$plan.docx": "an editor's lock or metadata file"}

    narrowed = run_batch(BatchRequest(inputs=[str(folder)], glob="*.docx", jsonl=tmp_path / "d.jsonl", workers=1,
                                      force=True))
    assert narrowed.files == 3 and not narrowed.not_read  # plan.docx, renamed.docx and the lock file: asked for

    result = CliRunner().invoke(app, ["batch", str(folder), "--jsonl", str(tmp_path / "cli.jsonl"), "--force"])
    assert result.exit_code == 7
    assert "not read: " in result.stderr and "sheet.xlsx: not a supported format (.xlsx)" in result.stderr


def test_extract_reads_a_docx_from_standard_input_by_its_content() -> None:
    from typer.testing import CliRunner

    from govplan.cli import app

    result = CliRunner().invoke(app, ["extract", "-", "--format", "json"],
                                input=(FORMATS_DIR / "plan.docx").read_bytes())
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["source"]["format"] == "docx" and doc["source"]["path"] is None
    assert len(doc["plans"][0]["items"]) == 3


_TAGS = ["<p>", "</p>", "<div class=nav>", "</div>", "<br>", "<table>", "<tr>", "<td rowspan=3>", "<td colspan=2>",
         "</td>", "</tr>", "</table>", "<span>", "</span>", "<script>", "</script>", "&nbsp;", "&amp;", "<a href=#>",
         "</a>", "一、", "（一）", "推进", "（市政府牵头）", "\t", "\n", " ", "<li>", "<h1>", "</h1>", "<!--", "-->"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_TAGS), max_size=60))
def test_the_html_reader_is_total(parts: list[str]) -> None:
    """Any run of tags and text is read (or refused with a NotTextError), never a crash, and its
    lines follow the contract: no blank first or last line, tabs only between table cells."""
    from govplan.readers import html

    text = html.read(("<html><body>" + "".join(parts)).encode("utf-8")).text
    assert text == text.strip("\n")
    for line in text.split("\n"):
        assert line == line.strip(" ") or "\t" in line


def test_the_sqlite_sources_say_which_format_and_reader(tmp_path: Path) -> None:
    import sqlite3

    from typer.testing import CliRunner

    from govplan.cli import app

    db = tmp_path / "plans.db"
    folder = tmp_path / "in"
    folder.mkdir()
    for ext in ("txt", "docx", "html"):
        (folder / f"plan.{ext}").write_bytes((FORMATS_DIR / f"plan.{ext}").read_bytes())
    result = CliRunner().invoke(app, ["batch", str(folder), "--sqlite", str(db), "-q"])
    assert result.exit_code == 0, result.output
    with sqlite3.connect(db) as con:
        rows = dict(con.execute("SELECT format, reader FROM sources"))
    assert set(rows) == {"text", "docx", "html"}
    assert rows["text"] is None and rows["docx"].startswith("python-docx ") and rows["html"].startswith("lxml ")
