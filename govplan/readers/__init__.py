"""Readers for the files plans are published in (.docx, .html, .pdf, .doc/.wps).

A reader turns a file's bytes into an ``Extracted``: the plan as text, in the one serialisation
the rest of the pipeline reads, so that numbering, tables, units and deadlines work the same on
every format, and every span points into the text govplan extracted from the file:

* a paragraph (or heading, list item, line broken by ``<br>``) is a line; inline markup (runs,
  spans, links, bold) never splits one; no blank lines are needed;
* a table row is a line with its cells between tabs (``render_table``); a cell's own paragraphs
  and line breaks are joined on that line (``cell_text``): with ``、`` after a line that names a
  unit (a Word cell with one unit a line reads as the typed list 市发改委、市财政局), with
  nothing between other Chinese or around punctuation, and with a space otherwise;
* a merged cell's text stands once, in its first row and column; the cells it covers are empty.
  The layout stage reads an empty cell under a filled one as the same merged cell, exactly as it
  does for a table pasted as text;
* a group row (one cell spanning the whole table, e.g. ``一、知识产权保护方面``) is written as
  that cell alone, with no trailing tabs, so the layout stage reads it as the group heading it
  is rather than as a row whose empty cells continue the row above;
* page furniture (navigation, running headers and footers, footnotes, page numbers) is left out.

``FORMATS`` maps a format name to its extensions and reader module, imported only when a file
of that format is read; ``sniff`` names the format of a file from its content first (a renamed
file is read as what it is) and its extension second. Plain text is not a reader's:
``read.decode`` handles it.
"""

from __future__ import annotations

import importlib
import io
import itertools
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from ..errors import NotTextError


@dataclass
class Extracted:
    """What a reader extracted: the text every span points into, and how it was obtained."""

    text: str
    format: str  # "docx", "html", "pdf", "doc"
    reader: str  # the library and its version, e.g. "python-docx 1.1.2"
    warnings: list[tuple[str, str]] = field(default_factory=list)
    encoding: str = "utf-8"  # the charset the file's text was decoded with (an HTML page's, a docx's XML)
    confidence: float | None = 1.0  # 1.0 when declared by the file; a detector's confidence otherwise


Reader = Callable[[bytes, "str | None"], Extracted]


@dataclass(frozen=True)
class Format:
    """A file format govplan reads: its extensions, the module with its ``read``, and what to install."""

    name: str
    extensions: tuple[str, ...]
    module: str  # under govplan.readers; imported the first time a file of this format is read
    what: str  # how a message names it
    install: str  # what makes the reader work when its module or dependency is missing


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("docx", (".docx",), "docx", "a Word document (.docx)", "pip install python-docx"),
    Format("html", (".html", ".htm", ".shtml", ".xhtml"), "html", "a web page (.html)", "pip install lxml"),
    Format("pdf", (".pdf",), "pdf", "a PDF", "pip install 'govplan[pdf]'"),
    Format("doc", (".doc", ".wps"), "office", "an old Word or WPS document (.doc/.wps)",
           "install LibreOffice (soffice on PATH)"),
)}

TEXT_EXTENSIONS = (".txt",)

# Every extension a folder is searched for by default (``govplan batch``).
EXTENSIONS: tuple[str, ...] = TEXT_EXTENSIONS + tuple(e for f in FORMATS.values() for e in f.extensions)


def clean_cell(text: str) -> str:
    """A table cell's text on one line: tabs and line breaks inside it become single spaces."""
    return " ".join(text.split())


_HAN_RX = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_NO_SEP_AFTER = "。；;，,、：:！？!?（(【[“‘《〔"
_NO_SEP_BEFORE = "）)】]”’》〕，,。；;、：:！？!?"


def _names_a_unit(line: str) -> bool:
    """Whether a line ends like a unit's name (the bundled rule pack's ``units.unit_suffix``)."""
    from ..rules import bundled_rules, compiler

    rules = bundled_rules()
    return compiler(rules)(rules.units.unit_suffix).search(line.replace("（", "(").replace("）", ")")) is not None


def cell_text(lines: list[str]) -> str:
    """A table cell's lines (its paragraphs, its line breaks) as the one line its row has room for.

    Between two lines of Chinese: 、 where the first names a unit (a cell listing one unit a
    line, which the unit extractor then splits as it splits a typed list), else nothing (Chinese
    needs no space: a heading broken as 完成/时限, a sentence going on); nothing after or before
    punctuation; a space between anything else.
    """
    pieces = [p for p in (clean_cell(line) for line in lines) if p]
    if not pieces:
        return ""
    out = pieces[0]
    for prev, nxt in itertools.pairwise(pieces):
        if prev[-1] in _NO_SEP_AFTER or nxt[0] in _NO_SEP_BEFORE:
            sep = ""
        elif _HAN_RX.match(nxt[0]) and _names_a_unit(prev):
            sep = "、"
        elif _HAN_RX.match(prev[-1]) and _HAN_RX.match(nxt[0]):
            sep = ""
        else:
            sep = " "
        out += sep + nxt
    return out


def render_table(rows: list[list[str | None]]) -> str:
    """Table rows as lines of tab-separated cells.

    ``None`` is a cell covered by a merge (the merged cell's text stands once, in its first row
    and column), written empty: the layout stage reads an empty cell under a filled one as the
    same merged cell, as it does for the same table pasted as text. A row with text in its first
    cell only, which a merge spans across the whole table (a group row), is that cell alone.
    """
    lines = []
    width = max((len(r) for r in rows), default=0)
    for row in rows:
        cells = [clean_cell(c) if c else "" for c in row]
        if width > 1 and len(row) == width and cells[0] and all(c is None for c in row[1:]):
            cells = cells[:1]
        lines.append("\t".join(cells))
    return "\n".join(lines)


# --- which format a file is ---------------------------------------------------------------------

_HTML_RX = re.compile(rb"\A\s*(?:<!--.*?-->\s*|<\?xml[^>]*>\s*)*(?:<!doctype\s+html|<html[\s>])", re.I | re.S)

# The largest part of an Office package read; a bigger one is a zip bomb or no plan.
MAX_PART = 64 * 1024 * 1024


def _zip_format(data: bytes) -> str:
    """A ZIP's format: "docx" for a Word package; anything else is refused with what it is."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
            mimetype = zf.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise NotTextError(f"looks like a ZIP archive or an Office document, but it is damaged ({exc}): "
                           "open it and save it again as .docx, or save the plan as text (.txt)") from exc
    if "word/document.xml" in names or any(n.startswith("word/") for n in names):
        return "docx"
    if any(n.startswith("xl/") for n in names):
        raise NotTextError("looks like an Excel workbook (.xlsx), not a Word document: govplan reads .docx, .html, "
                           ".pdf, .doc/.wps and text; save the sheet as a .docx table or as tab-separated text")
    if any(n.startswith("ppt/") for n in names):
        raise NotTextError("looks like a PowerPoint presentation (.pptx), not a plan document: "
                           "save its text as .docx or .txt first")
    if mimetype.startswith(b"application/vnd.oasis.opendocument"):
        raise NotTextError("looks like an OpenDocument file (.odt/.ods): save it as .docx first")
    raise NotTextError("looks like a ZIP archive, not a document: extract it first (govplan batch reads a folder)")


def _ole_format(data: bytes) -> str:
    """An OLE compound file's format: "doc" for Word and WPS documents; Excel and PowerPoint are refused."""
    if "EncryptedPackage".encode("utf-16-le") in data:
        raise NotTextError("looks like a password-protected (encrypted) Office document: "
                           "open it, remove the password and save it again")
    if "WordDocument".encode("utf-16-le") in data:
        return "doc"
    if "Workbook".encode("utf-16-le") in data or b"B\x00o\x00o\x00k\x00\x00\x00" in data:
        raise NotTextError("looks like an old Excel workbook (.xls), not a Word document: "
                           "save the sheet as a .docx table or as tab-separated text")
    if "PowerPoint Document".encode("utf-16-le") in data:
        raise NotTextError("looks like an old PowerPoint presentation (.ppt): save its text as .docx or .txt first")
    return "doc"  # a WPS or other Office file: LibreOffice will tell


def _looks_html(head: bytes) -> bool:
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            head = head[2:].decode(codec, errors="ignore").encode("ascii", errors="replace")
            break
    else:
        head = head.removeprefix(b"\xef\xbb\xbf")
    return _HTML_RX.match(head) is not None


def sniff(data: bytes, path: str | None = None) -> str | None:
    """The format of a file (a key of ``FORMATS``), or None for plain text.

    Content first — a Word package, a PDF, an OLE (.doc/.wps) file or a page that starts as HTML
    is read as what it is whatever its name — then the extension. A ZIP or OLE file that is no
    Word document (.xlsx, .xls, .pptx…) raises ``NotTextError`` saying what it is.
    """
    head = data[:2048]
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_format(data)
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return _ole_format(data)
    if _looks_html(head[:1024]):
        return "html"
    if path:
        suffix = path.lower().rpartition(".")[2]
        for fmt in FORMATS.values():
            if f".{suffix}" in fmt.extensions and "/" not in suffix and "\\" not in suffix:
                return fmt.name
    return None


def read(fmt: str, data: bytes, path: str | None = None, *, encoding: str | None = None) -> Extracted:
    """Read ``data`` with the reader of ``fmt`` (a key of ``FORMATS``), importing it now.

    A reader's module, or a library it needs, that is not installed raises ``NotTextError``
    naming what to install; ``encoding`` overrides a web page's charset (other formats carry
    their own).
    """
    spec = FORMATS[fmt]
    try:
        module = importlib.import_module(f"{__name__}.{spec.module}")
        if fmt == "html":
            return module.read(data, path, encoding=encoding)  # type: ignore[no-any-return]
        return module.read(data, path)  # type: ignore[no-any-return]
    except ImportError as exc:
        missing = f" ({exc.name} is missing)" if exc.name else ""
        raise NotTextError(f"looks like {spec.what}; reading it needs what is not installed{missing}: "
                           f"{spec.install}") from exc
