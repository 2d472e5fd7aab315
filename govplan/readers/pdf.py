"""Read a PDF's text layer (pdfplumber, the ``pdf`` extra) into the readers' serialisation.

pdfplumber gives characters with their positions; the reader rebuilds the text a person reads:
lines from characters (no spaces between Chinese characters, which PDF text layers often carry as
gaps or as spaces around digits), tables from pdfplumber's table finder as rows of cells (a
merged cell once, covered cells empty, a table continued on the next page joined to its start
and its repeated heading row dropped), and paragraphs from lines: a line that reaches the right
margin runs on into the next unless that one is indented, set apart or starts a new numbered
item, across page breaks too. Running headers and footers (text repeated at the same height on
most pages) and page numbers (``- 3 -``, ``第3页 共10页``) are dropped.

A PDF without a text layer (a scan), one whose fonts map to no characters and one that gives most
characters as the same one (written without its fonts) are refused with ``NotTextError``: they
need OCR. Encrypted and damaged PDFs are ``InputError``; so is a PDF of
more than ``MAX_PAGES`` pages, which would take minutes.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
import statistics
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from ..errors import InputError, NotTextError
from . import Extracted, render_table

# Measured (benchmarks/pdf_roundtrip.py): 0.02–0.35 s a page, dense task tables the slowest.
# 500 pages is a few minutes at most, more than any plan; a longer PDF is refused at once rather
# than stalling a batch.
MAX_PAGES = 500
# pdfplumber's table finder intersects every pair of strokes: 3,000 random strokes (a map, a
# chart) take 2.6 s and it grows quadratically, so a page drawn with more is read as text only.
MAX_STROKES = 4000
# A read that has taken longer than this by the end of a page stops there.
MAX_SECONDS = 300.0

INSTALL = "pip install 'govplan[pdf]'"

# Characters between which a PDF's gaps are not spaces: Han, CJK punctuation, full-width forms,
# and the general punctuation Chinese text uses (“”‘’—…).
_CJK_RX = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\u2010-\u206f\U00020000-\U0003ffff]")
_PAGE_NUMBER_RX = re.compile(
    r"""[-—–－―~～_\s]*\d{1,4}[-—–－―~～_\s]*         # - 3 -, — 3 —, 3
      | 第\s*\d+\s*页\s*(?:[,，/／]?\s*共\s*\d+\s*页)?    # 第3页 共10页
      | 共\s*\d+\s*页\s*[,，/／]?\s*第\s*\d+\s*页
      | \d+\s*[/／]\s*\d+                                # 3/10
      | (?i:page\s*\d+(?:\s*(?:of|/)\s*\d+)?)            # Page 3 of 10
    """,
    re.VERBOSE,
)
# The start of a numbered item or heading: a line that ends a sentence does not run on into it.
_LABEL_RX = re.compile(r"[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[.．、](?!\d)"
                       r"|[⒈-⒛①-⑳⑴-⒇▲●■◆★]|第[一二三四五六七八九十百\d]+[章节条部分]|附件")
_SENTENCE_END = "。！？；：!?;:）)"


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    font: str
    page: int


@dataclass
class _Table:
    rows: list[list[str | None]]
    top: float
    bottom: float
    page: int


@dataclass
class _Page:
    number: int
    width: float
    height: float
    items: list[_Line | _Table] = field(default_factory=list)
    drawing: bool = False  # too many strokes to look for tables among them


def _is_cjk(ch: str) -> bool:
    return bool(ch) and _CJK_RX.match(ch) is not None


def _join(left: str, right: str) -> str:
    """Two pieces of one run of text: no space where either side is Chinese, one between words."""
    if not left or not right:
        return left + right
    if _is_cjk(left[-1]) or _is_cjk(right[0]):
        return left + right
    return left + " " + right


def _lines(chars: list[dict[str, Any]], page: int) -> list[_Line]:
    """Characters grouped into lines (by vertical overlap), each read left to right."""
    rows: list[list[dict[str, Any]]] = []
    top = bottom = 0.0
    for ch in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        if rows:
            overlap = min(bottom, ch["bottom"]) - max(top, ch["top"])
            if overlap >= 0.5 * min(bottom - top, ch["bottom"] - ch["top"]):
                rows[-1].append(ch)
                top, bottom = min(top, ch["top"]), max(bottom, ch["bottom"])
                continue
        rows.append([ch])
        top, bottom = ch["top"], ch["bottom"]
    out: list[_Line] = []
    for row in rows:
        row.sort(key=lambda c: c["x0"])
        size = statistics.median(c["size"] for c in row) or 1.0
        text = ""
        prev: dict[str, Any] | None = None
        for ch in row:
            t = ch["text"]
            if prev is not None:
                if t == prev["text"] and abs(ch["x0"] - prev["x0"]) < 0.5 * (prev["x1"] - prev["x0"]):
                    continue  # drawn twice, slightly offset, to look bold
                gap = ch["x0"] - prev["x1"]
                if gap > 2.0 * size:
                    text += "    "  # a column gap: the layout stage reads runs of spaces as cell breaks
                elif gap > 0.2 * size and (not (_is_cjk(text[-1]) or _is_cjk(t[0])) or "|" in (text[-1], t[0])):
                    text += " "  # between words, and around | (a table pasted as text reads ` | `)
            text += t
            prev = ch
        if text:
            fonts = Counter(c.get("fontname", "") for c in row)
            out.append(_Line(text=text, x0=row[0]["x0"], x1=max(c["x1"] for c in row),
                             top=min(c["top"] for c in row), bottom=max(c["bottom"] for c in row),
                             size=size, font=fonts.most_common(1)[0][0], page=page))
    return out


def _inside(ch: dict[str, Any], box: tuple[float, float, float, float]) -> bool:
    x = float(ch["x0"] + ch["x1"]) / 2
    y = float(ch["top"] + ch["bottom"]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _cell_text(chars: list[dict[str, Any]], page: int) -> str:
    text = ""
    for line in _lines(chars, page):
        text = _join(text, line.text.strip())
    return text


def _read_page(page: Any, number: int) -> _Page:
    """A page's lines outside tables and its tables, in reading order (top to bottom)."""
    out = _Page(number=number, width=float(page.width), height=float(page.height))
    # spaces are left out: a gap between characters says more reliably where a space is
    chars = [c for c in page.chars if c["text"].strip()]
    tables: list[_Table] = []
    taken: set[int] = set()
    strokes = sum(len(page.objects.get(kind, ())) for kind in ("line", "rect", "curve"))
    out.drawing = strokes > MAX_STROKES
    for table in () if out.drawing else page.find_tables():
        if all(sum(c is not None for c in row.cells) < 2 for row in table.rows):
            continue  # a frame around text (one cell a row) is not a table
        box = table.bbox
        mine = [i for i, c in enumerate(chars) if i not in taken and _inside(c, box)]
        rows: list[list[str | None]] = []
        for row in table.rows:
            cells: list[str | None] = []
            for cell in row.cells:
                if cell is None:
                    cells.append(None)
                    continue
                inside = [i for i in mine if _inside(chars[i], cell)]
                taken.update(inside)
                cells.append(_cell_text([chars[i] for i in inside], number))
            rows.append(cells)
        tables.append(_Table(rows=rows, top=box[1], bottom=box[3], page=number))
    lines = _lines([c for i, c in enumerate(chars) if i not in taken], number)
    items: list[_Line | _Table] = [*lines, *tables]
    items.sort(key=lambda it: it.top)
    out.items = items
    return out


def _furniture(pages: list[_Page]) -> set[int]:
    """ids of the lines that are running headers, footers or page numbers.

    A page number is the first or last line of a page and nothing but the number. Other text is
    furniture when it stands in the top or bottom tenth of the page, among its first or last two
    lines, at the same height (±3 pt, digits ignored) on at least two pages and two-fifths of them,
    so odd and even pages may differ.
    """
    drop: set[int] = set()
    candidates: list[_Line] = []
    for page in pages:
        lines = [it for it in page.items if isinstance(it, _Line)]
        if not lines:
            continue
        drop.update(id(x) for x in (lines[0], lines[-1]) if _PAGE_NUMBER_RX.fullmatch(x.text.strip()))
        band = 0.1 * page.height
        candidates.extend(x for x in {id(x): x for x in lines[:2] + lines[-2:]}.values()
                          if x.top < band or x.bottom > page.height - band)
    if len(pages) >= 2:
        def key(line: _Line) -> str:
            return re.sub(r"\d+", "#", re.sub(r"\s+", "", line.text))

        tops: dict[str, list[tuple[float, int]]] = {}
        for line in candidates:
            tops.setdefault(key(line), []).append((line.top, line.page))
        need = max(2, 0.4 * len(pages))
        for line in candidates:
            if len({p for top, p in tops[key(line)] if abs(top - line.top) <= 3}) >= need:
                drop.add(id(line))
    return drop


@dataclass
class _Geometry:
    left: float
    right: float
    gap: float
    mid: float


def _geometry(lines: list[_Line], width: float) -> _Geometry:
    """The body's left and right margins and usual line gap, from the lines themselves."""
    if not lines:
        return _Geometry(0.0, width, 0.0, width / 2)
    lefts = Counter(round(line.x0) for line in lines)
    left = float(lefts.most_common(1)[0][0])
    rights = sorted(line.x1 for line in lines)
    right = rights[int(0.9 * (len(rights) - 1))]
    if right - left < 0.7 * (width - 2 * left):
        right = width - left  # too few full lines to tell: take the margins as even
    gaps = [b.top - a.bottom for a, b in pairwise(lines) if a.page == b.page and b.top > a.bottom]
    gap = statistics.median(gaps) if gaps else 0.0
    return _Geometry(left=left, right=right, gap=gap, mid=(left + right) / 2)


def _runs_on(a: _Line, b: _Line, g: _Geometry, gb: _Geometry) -> bool:
    """Whether line ``b`` continues the paragraph that line ``a`` is part of (``g``, ``gb``: their pages' margins)."""
    if abs(a.size - b.size) > 0.15 * a.size:
        return False
    if a.page == b.page and b.top - a.bottom > g.gap * 1.5 + 0.3 * a.size:
        return False
    if a.text.rstrip()[-1:] in _SENTENCE_END and _LABEL_RX.match(b.text.lstrip()):
        return False
    # Justified Chinese lines end within a character of the margin; a shorter line ends its
    # paragraph (a false break costs little: the normalise stage re-joins a line broken mid-sentence).
    if a.x1 >= g.right - a.size and b.x0 <= gb.left + 0.5 * b.size:
        return True
    if g is not gb:
        return False
    # a wrapped title: a wide centred line, then a centred line in the same font
    centred_a = abs((a.x0 + a.x1) / 2 - g.mid) < a.size and a.x1 - a.x0 >= 0.7 * (g.right - g.left)
    centred_b = (b.x0 > g.left + b.size and b.x1 < g.right - b.size
                 and abs((b.x0 + b.x1) / 2 - g.mid) < b.size)
    return centred_a and centred_b and a.font == b.font and abs(a.size - b.size) < 0.05 * a.size


def _stitch(pages: list[_Page], drop: set[int]) -> str:
    """Paragraphs and tables of every page as one text: a paragraph a line, a table row a line."""
    items = [it for page in pages for it in page.items if id(it) not in drop]
    # margins differ between page sizes (a landscape task table after portrait text): each its own
    size_of = {p.number: (round(p.width), round(p.height)) for p in pages}
    by_size: dict[tuple[int, int], list[_Line]] = {}
    for it in items:
        if isinstance(it, _Line):
            by_size.setdefault(size_of[it.page], []).append(it)
    geometry = {key: _geometry(lines, float(key[0])) for key, lines in by_size.items()}
    out: list[str] = []
    para: _Line | None = None  # the paragraph's last line
    text = ""
    table: _Table | None = None
    for it in items:
        if isinstance(it, _Table):
            if para is not None:
                out.append(text)
                para = None
            if table is not None and it.page == table.page + 1 and len(it.rows[0]) == len(table.rows[0]):
                rows = it.rows[1:] if it.rows[0] == table.rows[0] else it.rows  # the heading row repeated
                table.rows.extend(rows)
                table.page = it.page
                continue
            if table is not None:
                out.append(render_table(table.rows))
            table = _Table(rows=list(it.rows), top=it.top, bottom=it.bottom, page=it.page)
            continue
        if table is not None:
            out.append(render_table(table.rows))
            table = None
        if para is not None and _runs_on(para, it, geometry[size_of[para.page]], geometry[size_of[it.page]]):
            text = _join(text, it.text.strip())
        else:
            if para is not None:
                out.append(text)
            text = it.text.strip()
        para = it
    if para is not None:
        out.append(text)
    if table is not None:
        out.append(render_table(table.rows))
    return "\n".join(out) + "\n" if out else ""


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """pdfminer logs every odd object it meets; the reader reports what matters itself."""
    logger = logging.getLogger("pdfminer")
    level = logger.level
    logger.setLevel(logging.ERROR + 10)
    try:
        yield
    finally:
        logger.setLevel(level)


def _page_count(pdf: Any) -> int:
    """The page count the page tree declares, read without building every page."""
    try:
        from pdfminer.pdftypes import resolve1

        count = resolve1(resolve1(pdf.doc.catalog["Pages"])["Count"])
        if isinstance(count, int):
            return count
    except Exception:  # a damaged page tree: count the pages themselves
        pass
    return len(pdf.pages)


def _open_error(exc: Exception) -> InputError:
    cause = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
    name = type(cause).__name__
    if name in ("PDFPasswordIncorrect", "PDFEncryptionError", "PDFEncryptionWarning"):
        return InputError("the PDF is encrypted (password-protected): open it with its password and save an "
                          "unprotected copy, then pass that")
    detail = str(cause).strip() or name
    return InputError(f"cannot read the PDF, it is damaged or not a PDF ({detail}): re-save it or export it again")


def _list(numbers: list[int]) -> str:
    return ", ".join(map(str, numbers[:10])) + (" …" if len(numbers) > 10 else "")


def read(data: bytes, path: str | None = None) -> Extracted:
    """The text of a PDF's text layer, in reading order, with tables as rows of cells."""
    try:
        import pdfplumber
        from pdfplumber.utils.exceptions import PdfminerException
    except ImportError as exc:
        raise NotTextError(f"reading PDFs needs the pdf extra: {INSTALL}") from exc
    started = time.monotonic()
    pages: list[_Page] = []
    empty: list[int] = []
    unmapped = total = 0
    with _quiet():
        try:
            pdf = pdfplumber.open(io.BytesIO(data))
        except PdfminerException as exc:
            raise _open_error(exc) from exc
        except Exception as exc:  # pdfminer raises many kinds on damaged files
            raise _open_error(exc) from exc
        try:
            try:
                count = _page_count(pdf)
                if count > MAX_PAGES:
                    raise InputError(f"the PDF has {count} pages; the most read is {MAX_PAGES}: "
                                     "split it (for example with qpdf --split-pages) and pass the parts")
                for number, page in enumerate(pdf.pages, 1):
                    if number > MAX_PAGES:  # the page tree's count was wrong
                        raise InputError(f"the PDF has more than {MAX_PAGES} pages, the most read: "
                                         "split it (for example with qpdf --split-pages) and pass the parts")
                    if time.monotonic() - started > MAX_SECONDS:
                        raise InputError(f"reading the PDF took more than {MAX_SECONDS:.0f} s (stopped at page "
                                         f"{number} of {count}): split it and pass the parts")
                    read_page = _read_page(page, number)
                    for ch in page.chars:
                        total += 1
                        unmapped += ch["text"].startswith("(cid:")
                    if not read_page.items:
                        empty.append(number)
                    pages.append(read_page)
                    page.close()  # pdfplumber caches each page's objects; free them as we go
            except InputError:
                raise
            except Exception as exc:
                raise _open_error(exc) from exc
        finally:
            with contextlib.suppress(Exception):  # closing walks the pages again, damaged ones too
                pdf.close()
    if total == 0:
        raise NotTextError("the PDF has no text layer (a scanned image?): it needs OCR first, for example "
                           "ocrmypdf --language chi_sim in.pdf out.pdf, then pass out.pdf")
    if unmapped > 0.5 * total:
        raise NotTextError("the PDF's fonts do not say which characters they draw (no ToUnicode map), so its text "
                           "cannot be extracted: it needs OCR first, for example ocrmypdf --force-ocr")
    text = _stitch(pages, _furniture(pages))
    han = Counter(ch for ch in text if "\u4e00" <= ch <= "\u9fff")
    if sum(han.values()) >= 100 and han.most_common(1)[0][1] > 0.5 * sum(han.values()):
        # what a PDF written without the fonts it names looks like: every character one glyph
        char = han.most_common(1)[0][0]
        raise NotTextError(f"the PDF's text layer gives most characters as one ({char}): it was made without "
                           "the fonts it names, so its text must be read by OCR, for example ocrmypdf --force-ocr")
    warnings: list[tuple[str, str]] = []
    drawn = [p.number for p in pages if p.drawing]
    if drawn:
        warnings.append(("pdf_drawing", f"{len(drawn)} PDF pages are drawings of more than {MAX_STROKES} strokes "
                                        f"and were read without looking for tables: pages {_list(drawn)}"))
    if empty:
        warnings.append(("no_text_layer", f"{len(empty)} of {len(pages)} PDF pages have no text (scanned "
                                          f"images?) and were skipped: pages {_list(empty)}"))
    return Extracted(text=text, format="pdf", reader=f"pdfplumber {pdfplumber.__version__}", warnings=warnings)
