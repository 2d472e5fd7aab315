"""The review page without a browser: highlights line up with the spans, values are escaped, the
command behaves. (tests/test_review_browser.py clicks through it in chromium.)"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from govplan.cli import app
from govplan.export import walk_items
from govplan.pipeline import run
from govplan.read import read_path
from govplan.records import Document
from govplan.review import _Mark, highlight, review_html

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()

# A plan that tries to break out of the page: markup, quotes and script end tags in its title,
# text and unit names.
HOSTILE = """关于印发<script>alert("x")</script>工作方案的通知
一、重点任务
（一）推进"</script><img src=x onerror=alert(1)>"平台建设。年底前完成，覆盖率达到90%以上。（牵头单位：市<b>数据</b>局；配合单位：市'财政'局&amp;）
（二）=SUM(A1:A9) 开展培训。2024年6月底前完成。（责任单位：市人社局）
"""


def _norm(text: str) -> str:
    """Text as a browser or an HTML parser holds it: CR LF and CR are LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def shown(text: str, a: int, b: int) -> str:
    """What the page shows of ``text[a:b]``: a CR before an LF dropped (also where the span ends
    between them), any other CR an LF."""
    return "".join("" if ch == "\r" and text[i + 1:i + 2] == "\n" else "\n" if ch == "\r" else ch
                   for i, ch in enumerate(text[a:b], start=a))


def spans_of(doc: Document) -> dict[str, list[tuple[int, int]]]:
    """Every record's span by kind, in the order the page numbers them."""
    out: dict[str, list[tuple[int, int]]] = {"unit": [], "deadline": [], "milestone": [], "target": [], "warning": []}
    for plan in doc.plans:
        for it in walk_items(plan.items):
            out["unit"] += [(u.span.start, u.span.end) for u in it.units]
            if it.deadline:
                out["deadline"].append((it.deadline.span.start, it.deadline.span.end))
            out["milestone"] += [(m.span.start, m.span.end) for m in it.milestones]
            out["target"] += [(t.span.start, t.span.end) for t in it.targets]
    for plan in doc.plans:
        out["warning"] += [(w.span.start, w.span.end) for w in plan.warnings if w.span]
    out["warning"] += [(w.span.start, w.span.end) for w in doc.warnings if w.span]
    return out


def page_texts(page: str) -> tuple[str, dict[str, str], dict[str, str]]:
    """The page's text pane, and the joined text of each highlight (by data-rec) and item (by data-item)."""
    tree = lxml.html.fromstring(page)
    pane = tree.get_element_by_id("text")
    recs: dict[str, str] = {}
    items: dict[str, str] = {}
    for el in pane.iter():
        if el.get("data-rec"):
            recs[el.get("data-rec")] = recs.get(el.get("data-rec"), "") + el.text_content()
        if el.get("data-item"):
            items[el.get("data-item")] = items.get(el.get("data-item"), "") + el.text_content()
    return pane.text_content(), recs, items


def check_page(text: str, doc: Document, page: str) -> dict[str, Any]:
    """Every record with a span is one highlight over exactly its text; the pane is the whole text."""
    pane, recs, items = page_texts(page)
    assert pane == _norm(text)
    records = json.loads(lxml.html.fromstring(page).get_element_by_id("records").text)
    expected = spans_of(doc)
    for kind, spans in expected.items():
        ids = [rid for rid, r in records.items() if r["kind"] == kind and r["span"]]
        assert len(ids) == len(spans), kind
        for rid, (a, b) in zip(ids, spans, strict=True):
            assert (records[rid]["span"]["start"], records[rid]["span"]["end"]) == (a, b)
            assert recs.get(rid, "") == shown(text, a, b), (kind, rid)
    assert len(recs) == sum(1 for spans in expected.values() for a, b in spans if b > a)
    n_items = sum(1 for p in doc.plans for _ in walk_items(p.items))
    assert sum(1 for r in records.values() if r["kind"] == "item") == n_items
    for iid, joined in items.items():
        span = records[iid]["span"]
        assert joined == shown(text, span["start"], span["end"])
    return records


def review(path: Path) -> tuple[str, Document, str]:
    raw = read_path(path)
    doc = run(raw).document
    assert doc is not None
    return raw.text, doc, review_html(raw.text, doc)


# --- highlighting -------------------------------------------------------------------------------

def _marks(spans: list[tuple[int, int]]) -> list[_Mark]:
    return [_Mark(a, b, 2, k, f'<mark class="hl unit" data-rec="u{k}">') for k, (a, b) in enumerate(spans)]


@pytest.mark.parametrize(("spans", "html"), [
    ([(0, 2)], '<mark class="hl unit" data-rec="u0">ab</mark>cdef'),
    ([(0, 4), (1, 2)], '<mark class="hl unit" data-rec="u0">a<mark class="hl unit" data-rec="u1">b</mark>cd</mark>ef'),
    # crossing spans: the second is split where the first closes, both fragments carrying its id
    ([(0, 3), (2, 5)], '<mark class="hl unit" data-rec="u0">ab<mark class="hl unit" data-rec="u1">c</mark></mark>'
                       '<mark class="hl unit" data-rec="u1">de</mark>f'),
    ([(2, 2)], 'ab<mark class="empty hl unit" data-rec="u0"></mark>cdef'),
    ([(0, 6), (0, 6)], '<mark class="hl unit" data-rec="u0"><mark class="hl unit" data-rec="u1">abcdef</mark></mark>'),
])
def test_highlight_nests_and_splits(spans: list[tuple[int, int]], html: str) -> None:
    assert highlight("abcdef", _marks(spans)) == html


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet='ab<>&"\'中文\n\r\t\x00', min_size=0, max_size=30),
       st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), max_size=8))
def test_highlight_keeps_the_text_and_every_span(text: str, pairs: list[tuple[int, int]]) -> None:
    spans = [(min(a, b, len(text)), min(max(a, b), len(text))) for a, b in pairs]
    page = f'<div id="text">{highlight(text, _marks(spans))}</div>'
    pane = lxml.html.fragment_fromstring(page)
    clean = re.sub(r"[\x00]", "\ufffd", text)
    assert "".join(pane.itertext()) == _norm(clean)
    joined: dict[str, str] = {}
    for el in pane.iter("mark"):
        joined[el.get("data-rec")] = joined.get(el.get("data-rec"), "") + el.text_content()
    for k, (a, b) in enumerate(spans):
        assert joined[f"u{k}"] == shown(clean, a, b)


# --- whole pages ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["samples/shanwei-2019-2021.txt", "samples/meizhou-2022.txt",
                                  "samples/digital-government-7-plans.txt", "tests/fixtures/g-gbk-crlf.txt",
                                  "tests/fixtures/d-traditional.txt", "tests/fixtures/c-task-table.txt",
                                  "tests/fixtures/formats/plan.docx", "tests/fixtures/formats/plan.html",
                                  "tests/fixtures/formats/task-plan.docx", "tests/fixtures/formats/html/p01.html"])
def test_every_record_is_highlighted_on_its_text(name: str) -> None:
    text, doc, page = review(ROOT / name)
    records = check_page(text, doc, page)
    assert sum(r["kind"] != "item" for r in records.values()) > 0


def test_pdf_page_shows_the_text_the_reader_extracted() -> None:
    pytest.importorskip("pdfplumber", reason="the PDF reader is the optional extra govplan[pdf]")
    text, doc, page = review(ROOT / "tests/fixtures/formats/task-plan.pdf")
    assert doc.source.format == "pdf"
    check_page(text, doc, page)


@pytest.mark.skipif(shutil.which("soffice") is None and shutil.which("libreoffice") is None,
                    reason="the .doc reader needs LibreOffice (soffice)")
def test_doc_page_shows_the_text_libreoffice_gave() -> None:
    text, doc, page = review(ROOT / "tests/fixtures/formats/task-plan.doc")
    assert doc.source.format == "doc"
    records = check_page(text, doc, page)
    assert any(r["kind"] == "unit" for r in records.values())


def test_traditional_source_is_shown_as_written() -> None:
    _, doc, page = review(ROOT / "samples/meizhou-2022.txt")
    assert doc.source.script == "traditional"
    _, recs, _ = page_texts(page)
    records = json.loads(lxml.html.fromstring(page).get_element_by_id("records").text)
    units = [(rid, r) for rid, r in records.items() if r["kind"] == "unit"]
    # the records are Simplified, the highlights hold the Traditional characters they were read from
    assert any(r["name"] == "市政务服务数据管理局" and recs[rid] == "市政務服務數據管理局" for rid, r in units)


def test_counts_in_the_header() -> None:
    _, doc, page = review(ROOT / "samples/shanwei-2019-2021.txt")
    tree = lxml.html.fromstring(page)
    counts = {el.get("data-count"): int(el.find("b").text) for el in tree.find_class("count")}
    items = [it for p in doc.plans for it in walk_items(p.items)]
    assert counts["items"] == len(items) == 153
    assert counts["tasks"] == sum(it.task for it in items)
    assert counts["units"] == len({u.name for it in items for u in it.units})
    assert counts["deadlines"] == sum(it.deadline is not None for it in items)
    assert counts["targets"] == sum(len(it.targets) for it in items)
    assert counts["warnings"] == len(doc.warnings) + sum(len(p.warnings) for p in doc.plans)


def test_hostile_text_is_shown_as_text(tmp_path: Path) -> None:
    plan = tmp_path / "hostile.txt"
    plan.write_text(HOSTILE, encoding="utf-8")
    text, doc, page = review(plan)
    tree = lxml.html.fromstring(page)
    scripts = tree.findall(".//script")
    assert len(scripts) == 2 and scripts[0].get("type") == "application/json"  # the records, then the page's own
    assert not tree.findall(".//img") and not tree.get_element_by_id("text").findall(".//b")
    assert page.count("</script>") == 2
    assert '<script>alert("x")</script>' in tree.get_element_by_id("text").text_content()
    records = check_page(text, doc, page)
    names = {r["name"] for r in records.values() if r["kind"] == "unit"}
    assert "市'财政'局&" in names  # (the markup around 数据 is read through, as everywhere in govplan)
    assert any('"</script>' in r["title"] for r in records.values() if r["kind"] == "item")
    assert tree.find(".//title").text_content() == f"{doc.plans[0].title} · govplan review"


def test_no_network_and_nothing_fetched() -> None:
    _, _, page = review(ROOT / "samples/jieyang-2022.txt")
    tree = lxml.html.fromstring(page)
    assert not tree.xpath("//*[@src] | //link | //iframe | //object | //embed")
    assert not re.search(r"https?://|//cdn|@import|url\(", page.split('<script type="application/json"')[0]
                         .split("<style>")[1].split("</style>")[0])


# --- the command ----------------------------------------------------------------------------------

def test_review_command_writes_the_page(tmp_path: Path) -> None:
    out = tmp_path / "plan.review.html"
    result = runner.invoke(app, ["review", str(ROOT / "samples/meizhou-2022.txt"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr.startswith(f"wrote {out}: ") and result.stderr.count("\n") == 1
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    quiet = runner.invoke(app, ["review", str(ROOT / "samples/meizhou-2022.txt"), "-o", str(out), "-q"])
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_review_command_to_stdout_and_from_stdin() -> None:
    data = (ROOT / "samples/jieyang-2022.txt").read_bytes()
    result = runner.invoke(app, ["review", "-"], input=data)
    assert result.exit_code == 0
    assert result.stdout.startswith("<!DOCTYPE html>") and "standard input" in result.stdout
    assert result.stderr == ""


def test_review_command_verbose_prints_warnings(tmp_path: Path) -> None:
    result = runner.invoke(app, ["review", str(ROOT / "samples/digital-government-7-plans.txt"), "-o",
                                 str(tmp_path / "p.html"), "-v"])
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    assert lines[-1].startswith("wrote ") and lines[0].startswith("warning: ") and len(lines) > 100


@pytest.mark.parametrize(("args", "code", "needle"), [
    (["review", "missing.txt"], 3, "no such file"),
    (["review", "tests/fixtures"], 3, "is a directory"),
    (["review", "tests/fixtures/formats/scan.pdf"], 4, "OCR"),
    (["review", "samples/jieyang-2022.txt", "-o", "samples/jieyang-2022.txt"], 5, "overwrite the input"),
    (["review", "samples/jieyang-2022.txt", "-o", "no/such/folder/p.html"], 5, "does not exist"),
    (["review", "samples/jieyang-2022.txt", "--rules", "{pack}"], 6, "units"),
])
def test_review_errors_are_one_line(args: list[str], code: int, needle: str, monkeypatch: pytest.MonkeyPatch,
                                    tmp_path: Path) -> None:
    monkeypatch.chdir(ROOT)
    pack = tmp_path / "bad.yaml"
    pack.write_text("units: 5\n", encoding="utf-8")
    args = [a.replace("{pack}", str(pack)) for a in args]
    result = runner.invoke(app, args)
    assert result.exit_code == code, result.output
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: ") and needle in lines[0], result.stderr
