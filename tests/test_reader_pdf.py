"""The PDF reader: the same plan as a PDF and as text gives the same records; hostile PDFs give clear errors."""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

import pytest

import govplan
from govplan.errors import InputError, NotTextError
from govplan.readers import pdf

from .pdfgen import make_pdf, paragraph

needs_pdfplumber = pytest.mark.skipif(importlib.util.find_spec("pdfplumber") is None,
                                      reason="the pdf extra is not installed: pip install -e '.[pdf]'")

FORMATS = Path(__file__).parent / "fixtures" / "formats"


def _flat(doc: object) -> list[tuple[object, ...]]:
    """Each item's path, title, units with roles, deadline and targets, in document order."""
    out: list[tuple[object, ...]] = []

    def walk(items: list) -> None:  # type: ignore[type-arg]
        for it in items:
            due = it.deadline.due.isoformat() if it.deadline and it.deadline.due else None
            ongoing = it.deadline.ongoing if it.deadline else None
            out.append((tuple(it.path), it.title, tuple((u.name, u.role) for u in it.units), due, ongoing,
                        tuple((t.value, t.unit, t.comparator) for t in it.targets)))
            walk(it.children)

    for plan in doc.plans:  # type: ignore[attr-defined]
        out.append(("plan", plan.title, plan.doc_number, plan.issued))
        walk(plan.items)
    return out


@needs_pdfplumber
def test_the_pdf_reads_as_the_text_of_the_same_plan() -> None:
    """task-plan.pdf was made by LibreOffice from task-plan.docx; the plan's text in the readers'
    serialisation is what make_pdf_fixtures.plan_text renders with today's render_table."""
    sys.path.insert(0, str(FORMATS))
    try:
        from make_pdf_fixtures import plan_text
    finally:
        sys.path.remove(str(FORMATS))
    got = pdf.read((FORMATS / "task-plan.pdf").read_bytes(), "task-plan.pdf")
    want = plan_text()
    assert got.format == "pdf" and got.reader.startswith("pdfplumber ")
    assert got.warnings == []
    assert got.text == want


@needs_pdfplumber
def test_the_pdf_gives_the_same_items_units_roles_and_deadlines_as_the_text() -> None:
    from_pdf = govplan.parse_text(pdf.read((FORMATS / "task-plan.pdf").read_bytes(), None).text)
    from_txt = govplan.parse_file(FORMATS / "task-plan.txt")
    flat = _flat(from_pdf)
    assert flat == _flat(from_txt)
    rows = [x for x in flat if x[0][:1] == ("附件",) and len(x[0]) == 2]
    assert len(rows) == 15  # 9 rows on one page, 6 on the next, the heading row not repeated
    # rows 2 and 3 lie under the 牵头单位 cell merged over rows 1-3
    assert [r[2][0] for r in rows[:3]] == [("县政务服务中心", "lead")] * 3
    assert rows[2][2][1:] == (("各乡镇人民政府", "cooperating"),)


@needs_pdfplumber
def test_a_table_row_that_breaks_across_pages_is_one_row() -> None:
    """The same plan with rows allowed to break: row 10's 牵头单位 goes on at the top of the next page."""
    text = pdf.read((FORMATS / "task-plan-row-break.pdf").read_bytes(), None).text
    assert "\t\t障局\t\t" in text.splitlines()  # the rest of the row, under the empty cells of row 10
    assert _flat(govplan.parse_text(text)) == _flat(govplan.parse_file(FORMATS / "task-plan.txt"))


@needs_pdfplumber
def test_page_furniture_is_dropped_and_lines_rejoin_across_pages() -> None:
    text = pdf.read((FORMATS / "task-plan.pdf").read_bytes(), None).text
    lines = text.splitlines()
    assert not any(line.strip("- ").isdigit() for line in lines)  # - 1 - … - 5 -
    # the running header is the plan's title: it stays once, where the plan names itself
    assert lines.count("东岚县2024年优化营商环境重点任务实施方案") == 1
    # item 1 starts at the foot of page 1 and ends on page 2
    assert any(line.startswith("1.推进政务服务事项“一网通办”。依托") and line.endswith("2024年6月底前）")
               for line in lines)
    # pdfplumber's text has spaces around digits between Chinese characters ("2024 年 3 月"): not ours
    assert "2024年3月15日" in lines and " 年" not in text
    assert text.count("序号\t重点任务") == 1


def _page(n: int, body: list[tuple[float, float, float, str]], header: str | None, footer: str | None
          ) -> list[tuple[float, float, float, str]]:
    page = list(body)
    if header:
        page.insert(0, (200.0 if n % 2 else 100.0, 40.0, 9.0, header))
    if footer:
        page.append((280.0 if n % 2 else 80.0, 790.0, 10.0, footer))
    return page


@needs_pdfplumber
@pytest.mark.parametrize("footer", ["- {n} -", "— {n} —", "第{n}页 共3页", "{n}/3", "Page {n} of 3", "{n}"])
def test_page_numbers_in_any_form_are_dropped(footer: str) -> None:
    para = "为持续优化营商环境，激发市场主体活力，推动经济高质量发展，结合本县实际，制定本方案，请认真贯彻落实。" * 3
    lines = paragraph(para, x=80, top=100, size=16, per_line=27)
    pages = [_page(n, [line for line in lines if n == 1] or [(80.0, 100.0, 16.0, f"第{n}部分")],
                   None, footer.format(n=n)) for n in (1, 2, 3)]
    text = pdf.read(make_pdf(pages), None).text
    assert text.splitlines() == [para, "第2部分", "第3部分"]


@needs_pdfplumber
def test_running_headers_on_odd_and_even_pages_are_dropped_and_paragraphs_run_on() -> None:
    para = "各乡镇人民政府要结合实际制定具体措施，明确责任分工，确保各项任务按时完成，每季度报送工作进展情况。" * 2
    lines = paragraph(para, x=80, top=600, size=16, per_line=27)
    split = 3  # the paragraph's first three lines end page 1, the rest start page 2
    first = [(80.0, 100.0, 16.0, "一、工作目标"), *lines[:split]]
    second = [(x, top - 560, size, t) for x, top, size, t in lines[split:]] + [(80.0, 300.0, 16.0, "二、重点任务")]
    third = [(80.0, 100.0, 16.0, "三、保障措施")]
    fourth = [(80.0, 100.0, 16.0, "四、附则")]
    # a header is known by its repeating: each of the two stands on two of the four pages
    heads = ["东岚县人民政府办公室文件", "东岚县2024年工作方案"]
    pages = [_page(n, body, heads[1 - n % 2], f"- {n} -")
             for n, body in ((1, first), (2, second), (3, third), (4, fourth))]
    text = pdf.read(make_pdf(pages), None).text
    assert text.splitlines() == ["一、工作目标", para, "二、重点任务", "三、保障措施", "四、附则"]


@needs_pdfplumber
def test_a_numbered_item_after_a_full_line_starts_its_own_line() -> None:
    # a paragraph whose last line reaches the margin and ends a sentence, then an item at the margin
    first = "推动政务服务事项标准化梳理和集中发布，实现办事指南统一规范，网上可办率达到百分之九十八。"
    assert len(first) == 44
    body = [*paragraph(first, x=80, top=100, size=16, per_line=23, indent=2),
            (80.0, 156.0, 16.0, "（二）优化市场准入环境")]
    text = pdf.read(make_pdf([body]), None).text
    assert text.splitlines() == [first, "（二）优化市场准入环境"]


@needs_pdfplumber
def test_a_landscape_page_has_margins_of_its_own() -> None:
    para = "各乡镇人民政府要结合实际制定具体措施，明确责任分工，确保各项任务按时完成，每季度报送工作进展情况。" * 2
    portrait = paragraph(para, x=80, top=100, size=16, per_line=27)
    # on the landscape page a line ending at 528 is short (its margin is at 762): the next one is another line
    landscape = [(80.0, 100.0, 16.0, "附件：东岚县重点任务分工表，请各单位对照分工认真抓好落实"), (80.0, 128.0, 16.0, "（此件公开发布）")]
    text = pdf.read(make_pdf([portrait, landscape], landscape=frozenset({1})), None).text
    assert text.splitlines() == [para, landscape[0][3], landscape[1][3]]


@needs_pdfplumber
def test_gaps_between_chinese_characters_are_not_spaces() -> None:
    # characters placed one by one with gaps, as justified or letter-spaced text is drawn
    title = [(200.0 + 40 * i, 100.0, 16.0, ch) for i, ch in enumerate("实施方案")]
    mixed = [(80.0, 150.0, 16.0, "到"), (100.0, 150.0, 16.0, "2025"), (170.0, 150.0, 16.0, "年底")]
    text = pdf.read(make_pdf([title + mixed]), None).text
    assert text.splitlines() == ["实施方案", "到2025年底"]


def _grid(xs: list[float], tops: list[float]) -> list[tuple[float, float, float, float]]:
    return [(x, tops[0], x, tops[-1]) for x in xs] + [(xs[0], t, xs[-1], t) for t in tops]


@needs_pdfplumber
def test_a_ruled_table_gives_rows_of_cells_in_reading_order() -> None:
    xs, tops = [80.0, 200.0, 400.0], [150.0, 180.0, 210.0]
    page = [(80.0, 100.0, 16.0, "附件"), (84.0, 156.0, 12.0, "序号"), (204.0, 156.0, 12.0, "牵头单位"),
            (84.0, 186.0, 12.0, "1"), (204.0, 186.0, 12.0, "县政务服务中心"), (80.0, 260.0, 16.0, "二、保障措施")]
    text = pdf.read(make_pdf([page], strokes=[_grid(xs, tops)]), None).text
    assert text.splitlines() == ["附件", "序号\t牵头单位", "1\t县政务服务中心", "二、保障措施"]


@needs_pdfplumber
def test_a_page_of_many_strokes_is_read_without_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "MAX_STROKES", 5)
    page = [(84.0, 156.0, 12.0, "序号"), (204.0, 156.0, 12.0, "牵头单位")]
    got = pdf.read(make_pdf([page], strokes=[_grid([80.0, 200.0, 400.0], [150.0, 180.0, 210.0])]), None)
    assert [code for code, _ in got.warnings] == ["pdf_drawing"]
    assert got.text.splitlines() == ["序号    牵头单位"]  # a column gap, read by the layout stage


@needs_pdfplumber
def test_a_scan_without_a_text_layer_needs_ocr() -> None:
    with pytest.raises(NotTextError, match=r"no text layer.*OCR"):
        pdf.read((FORMATS / "scan.pdf").read_bytes(), None)


@needs_pdfplumber
def test_a_pdf_whose_fonts_map_to_no_characters_needs_ocr() -> None:
    data = make_pdf([[(80.0, 100.0, 16.0, "一、工作目标")]], unmapped=True)
    with pytest.raises(NotTextError, match=r"ToUnicode.*OCR"):
        pdf.read(data, None)


@needs_pdfplumber
def test_a_pdf_whose_characters_all_read_as_one_needs_ocr() -> None:
    # what LibreOffice writes on a machine without a Chinese font: every character the same box
    lines = paragraph("东" * 200 + "2024年", x=80, top=100, size=16, per_line=27)
    with pytest.raises(NotTextError, match=r"most characters as one \(东\).*OCR"):
        pdf.read(make_pdf([lines]), None)


@needs_pdfplumber
def test_an_encrypted_pdf_is_a_clear_error() -> None:
    with pytest.raises(InputError, match="encrypted") as err:
        pdf.read((FORMATS / "encrypted.pdf").read_bytes(), None)
    assert "\n" not in str(err.value)


@needs_pdfplumber
def test_a_pdf_restricted_by_an_owner_password_only_is_read() -> None:
    """Printing and copying restrictions need no password to read the text, as every viewer shows it."""
    got = pdf.read((FORMATS / "restricted.pdf").read_bytes(), None)
    assert got.text.splitlines() == ["一、工作目标", "到2025年底，全县新增市场主体3000户以上。"]


@needs_pdfplumber
@pytest.mark.parametrize("data", [b"%PDF-1.4\nnot really a PDF\n", (FORMATS / "task-plan.pdf").read_bytes()[:20000]])
def test_a_damaged_pdf_is_a_clear_error_or_what_can_be_read(data: bytes) -> None:
    try:
        got = pdf.read(data, None)
    except NotTextError as exc:  # what survives has no text
        assert "OCR" in str(exc)
    except InputError as exc:
        assert "damaged" in str(exc) and "\n" not in str(exc)
    else:
        assert isinstance(got.text, str)


@needs_pdfplumber
def test_a_page_with_a_damaged_media_box_is_a_clear_error() -> None:
    """Found by fuzzing: pdfplumber raised again while closing the file, after the first error."""
    data = (FORMATS / "task-plan.pdf").read_bytes().replace(b"/MediaBox[0 0 595.303937007874",
                                                           b"/MediaBox[0 0 595.3/\xf9937007874", 1)
    with pytest.raises(InputError, match="damaged"):
        pdf.read(data, None)


@needs_pdfplumber
def test_random_damage_never_escapes_as_a_traceback() -> None:
    import random

    from govplan.errors import GovplanError

    base = (FORMATS / "task-plan.pdf").read_bytes()
    rng = random.Random(7)
    for _ in range(25):
        data = bytearray(base)
        for _ in range(rng.choice([1, 5, 50])):
            data[rng.randrange(len(data))] = rng.randrange(256)
        try:
            pdf.read(bytes(data[:rng.randrange(len(data))] if rng.random() < 0.3 else data), None)
        except GovplanError as exc:
            assert "\n" not in str(exc)


@needs_pdfplumber
def test_a_pdf_of_2000_pages_is_refused_quickly() -> None:
    data = make_pdf([[(80.0, 100.0, 16.0, f"第{n}页正文")] for n in range(2000)])
    started = time.monotonic()
    with pytest.raises(InputError, match=r"2000 pages.*split"):
        pdf.read(data, None)
    assert time.monotonic() - started < 10


@needs_pdfplumber
def test_a_page_tree_that_lies_about_its_count_is_still_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "MAX_PAGES", 20)
    data = make_pdf([[(80.0, 100.0, 16.0, f"第{n}页正文")] for n in range(30)], count=1)
    with pytest.raises(InputError, match=r"more than 20 pages.*split"):
        pdf.read(data, None)


@needs_pdfplumber
def test_pages_without_text_are_reported() -> None:
    data = make_pdf([[(80.0, 100.0, 16.0, "一、工作目标")], [], [(80.0, 100.0, 16.0, "二、重点任务")]])
    got = pdf.read(data, None)
    assert got.text.splitlines() == ["一、工作目标", "二、重点任务"]
    assert [code for code, _ in got.warnings] == ["no_text_layer"]
    assert "pages 2" in got.warnings[0][1]


def test_without_the_extra_the_error_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pdfplumber", None)
    with pytest.raises(NotTextError, match=r"pip install 'govplan\[pdf\]'"):
        pdf.read((FORMATS / "task-plan.pdf").read_bytes(), None)
