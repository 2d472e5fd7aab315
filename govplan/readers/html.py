"""The .html reader: a saved web page (UTF-8 or GBK, a whole page or a fragment) to the plan's text.

1. The charset: a byte-order mark, then the page's own ``<meta charset>`` / ``http-equiv`` /
   XML declaration (when the bytes decode with it), then ``read.decode``'s detection.
2. The page is parsed with lxml's HTML parser (it copes with what browsers cope with, and caps
   nesting depth). What a reader never sees goes: scripts, styles, forms' controls, frames,
   comments, ``display:none`` elements, ``<nav>``/``<aside>``/``<footer>`` and elements whose
   id or class names them page furniture (nav, menu, footer, share, related…), 相关链接 blocks.
3. The article body is found by descending from the page through the child that holds most of
   the text outside links (at least ``_DOMINANT`` of it): the site's navigation, metadata table,
   sidebar and footer hold little such text. A heading just before the body (``<h1>``, a
   ``…title`` class) that the descent passed by is kept as the first line.
4. The body is written in the contract of ``govplan.readers``: block elements are lines,
   inline elements never split one, ``<br>`` breaks a line, whitespace that only wraps the
   source between two Chinese characters is dropped; a data table is rows of tab-separated
   cells with ``rowspan``/``colspan`` applied, while a layout table (one column, or tables
   inside it, or cells of whole articles) is read as the blocks it lays out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..errors import NotTextError
from . import Extracted, cell_text, clean_cell, render_table

# A page larger than this is refused: a plan's page is a few hundred KB; 64 MiB parses in seconds
# and a few hundred MB of memory.
MAX_BYTES = 64 * 1024 * 1024

# A child holding at least this share of its parent's text is where the article is.
_DOMINANT = 0.7

_DROP_TAGS = frozenset({
    "script", "style", "noscript", "template", "iframe", "frame", "frameset", "canvas", "svg", "math",
    "object", "embed", "applet", "head", "title", "select", "option", "button", "input", "textarea",
    "map", "area", "audio", "video", "img", "meta", "link", "base",
})
_CHROME_TAGS = frozenset({"nav", "aside", "footer"})
_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dialog", "dir",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
    "h5", "h6", "header", "hr", "html", "legend", "li", "main", "menu", "nav", "ol", "p", "pre",
    "section", "summary", "table", "tbody", "thead", "tfoot", "tr", "td", "th", "caption", "ul",
    "listing", "plaintext", "xmp", "noframes",
})
_CHROME_RX = re.compile(
    r"(?:^|[-_])(?:nav|navbar|navigation|menu|breadcrumbs?|crumbs?|footer|foot|share|bdshare\w*|related|xglj|"
    r"sidebar|comments?|print|toolbar|copyright|pagination|qrcode|ewm|login|search|topbar|skip)(?:$|[-_])", re.I)
_RELATED_RX = re.compile(
    r"^\s*(?:相关(?:链接|文件|阅读|新闻|稿件|信息|文章|推荐)|延伸阅读|推荐阅读|热点推荐)\s*[：:]?\s*$")
_HIDDEN_RX = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_TITLE_CLASS_RX = re.compile(r"(?:^|[-_\s])(?:title|tit|bt|article-title|detail-title)(?:$|[-_\s])", re.I)

_META_RX = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""",
    re.I)
_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
_WRAP_RX = re.compile(f"(?<=[{_CJK}])[ \t\r\f]*\n[ \t\r\n\f]*(?=[{_CJK}])")
_SPACE_RX = re.compile(r"[ \t\r\n\f]+")
_XML_DECL_RX = re.compile(r"\A\s*<\?xml[^>]*\?>")


def _declared_charset(data: bytes) -> str | None:
    match = _META_RX.search(data[:8192])
    if match is None:
        return None
    name = (match.group(1) or match.group(2)).decode("ascii").lower()
    from ..read import _CANONICAL

    return _CANONICAL.get(name.replace("-", "_")) or _CANONICAL.get(name) or name


def decode_page(data: bytes, encoding: str | None) -> tuple[str, str, float | None, list[tuple[str, str]]]:
    """The page's text, the charset it was decoded with, the confidence, and any decoding warnings."""
    from ..read import decode

    if encoding is None and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        declared = _declared_charset(data)
        if declared is not None:
            try:
                return data.decode(declared), declared, 1.0, []
            except (LookupError, UnicodeDecodeError):
                pass  # a wrong or unknown declaration: detect instead
    raw = decode(data, encoding=encoding)
    return raw.text, raw.encoding, raw.confidence, raw.warnings


def read(data: bytes, path: str | None = None, *, encoding: str | None = None) -> Extracted:
    """Read a web page; ``encoding`` overrides the page's declaration and detection."""
    import lxml
    from lxml import etree

    if len(data) > MAX_BYTES:
        raise NotTextError(f"the page is {len(data) // 2**20} MiB, more than the {MAX_BYTES // 2**20} MiB "
                           "a web page is read to: save its article as text first")
    text, charset, confidence, warnings = decode_page(data, encoding)
    text = _XML_DECL_RX.sub("", text).replace("\x00", "")
    if not text.strip():
        return Extracted(text="", format="html", reader=f"lxml {lxml.__version__}", warnings=warnings,
                         encoding=charset, confidence=confidence)
    # lxml's plain tree (not lxml.html's element classes, which cost a third of the time)
    parser = etree.HTMLParser(remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(text, parser)
    except (etree.LxmlError, ValueError) as exc:
        raise NotTextError(f"the web page cannot be parsed ({exc}): save its article as text first") from exc
    if root is None:
        return Extracted(text="", format="html", reader=f"lxml {lxml.__version__}", warnings=warnings,
                         encoding=charset, confidence=confidence)
    weights = _strip(root)
    body = _article(root, weights)
    lines = _Renderer().lines(body)
    heading = list(_title_before(root, body))
    if heading and heading[0].replace(" ", "") in "".join(lines[:3]).replace(" ", ""):
        heading = []  # the body repeats it
    lines = _page_fields(root, body, weights) + heading + lines
    return Extracted(text="\n".join(lines), format="html", reader=f"lxml {lxml.__version__}", warnings=warnings,
                     encoding=charset, confidence=confidence)


# --- what a reader never sees ----------------------------------------------------------------------

def _tag(el: Any) -> str:
    tag = el.tag  # lower case: libxml2's HTML parser folds tag names
    return tag if isinstance(tag, str) else ""


def _text_of(el: Any) -> str:
    return "".join(el.itertext())


def _strip(root: Any) -> dict[Any, int]:
    """Remove scripts, hidden elements and page furniture (their tails, text of the parent, stay);
    the weights (``_weights``) of what is left."""
    doomed = list(root.iter(*_DROP_TAGS))
    doomed += [el for el in root.xpath("//*[@style]") if _HIDDEN_RX.search(el.get("style"))]
    _drop(doomed)
    weights = _weights(root)
    total = weights.get(root, 0) or 1
    doomed = []
    for el in root.xpath("//*[@id or @class] | //nav | //aside | //footer"):
        names = f"{el.get('id') or ''} {el.get('class') or ''}".split()
        if (el.tag in _CHROME_TAGS or any(_CHROME_RX.search(n) for n in names)) and weights.get(el, 0) < 0.3 * total:
            doomed.append(el)
    for el in root.iter(*_BLOCK_TAGS):
        if weights.get(el, 0) <= 8 and _RELATED_RX.match(_text_of(el)):
            doomed.append(el)
            # the list of links that follows the label goes with it
            sib = el.getnext()
            while sib is not None and weights.get(sib, 0) <= 0.2 * max(1, _chars(_text_of(sib))):
                doomed.append(sib)
                sib = sib.getnext()
    _drop(doomed, weights)
    return weights


def _drop(elements: list[Any], weights: dict[Any, int] | None = None) -> None:
    """Remove elements, keeping their tails (text of the parent) and the weights of their ancestors right."""
    for el in elements:
        parent = el.getparent()
        if parent is None:
            continue
        if weights is not None:
            gone = weights.get(el, 0)
            for anc in el.iterancestors():
                weights[anc] = weights.get(anc, 0) - gone
        if el.tail:
            prev = el.getprevious()
            if prev is not None:
                prev.tail = (prev.tail or "") + el.tail
            else:
                parent.text = (parent.text or "") + el.tail
        parent.remove(el)


def _chars(s: str | None) -> int:
    """Characters that are not whitespace."""
    return sum(map(len, s.split())) if s else 0


def _weights(root: Any) -> dict[Any, int]:
    """Characters of text outside links under each element (what the article is made of)."""
    order = list(root.iter())
    weight: dict[Any, int] = {}
    for el in reversed(order):
        tag = el.tag
        if not isinstance(tag, str):
            continue
        own = 0 if tag == "a" else _chars(el.text)
        for child in el:
            own += weight.get(child, 0) + _chars(child.tail)
        weight[el] = own
    return weight


# --- where the article is ----------------------------------------------------------------------------

def _is_layout_table(table: Any) -> bool:
    """A table that lays a page out rather than holding data: one column, a table inside it,
    or a cell holding a whole article."""
    rows = _rows(table)
    if not rows or max(len(_cells(r)) for r in rows) <= 1:
        return True
    if (table.get("role") or "").lower() == "presentation":
        return True
    for el in table.iter("table"):
        if el is not table:
            return True
    return any(_chars(_text_of(c)) > 3000 for r in rows for c in _cells(r))


def _article(root: Any, weights: dict[Any, int]) -> Any:
    node = root.find("body") if root.find("body") is not None else root
    while True:
        if _tag(node) == "table" and not _is_layout_table(node):
            return node.getparent() if node.getparent() is not None else node
        children = [c for c in node if _tag(c)]
        if not children:
            return node
        best = max(children, key=lambda c: weights.get(c, 0))
        total = weights.get(node, 0)
        if total == 0 or weights.get(best, 0) < _DOMINANT * total or _tag(best) in ("p", "li", "pre"):
            return node
        node = best


def _title_before(root: Any, body: Any) -> Iterator[str]:
    """The page's heading when the article body found does not hold it (an ``<h1>`` beside it)."""
    if body is root or body.find(".//h1") is not None:
        return
    preceding = body.itersiblings(preceding=True)
    for sib in list(preceding)[:5]:
        heads = [sib] if _tag(sib) in ("h1", "h2") or _TITLE_CLASS_RX.search(sib.get("class") or "") else []
        heads += sib.findall(".//h1")
        for head in heads:
            text = clean_cell(_text_of(head))
            if 4 <= len(text) <= 120:
                yield text
                return


_FIELD_LABELS = {
    "发文机关": "发文机关", "发布机构": "发文机关", "发文单位": "发文机关", "发布机关": "发文机关",
    "发文字号": "发文字号", "文号": "发文字号",
    "成文日期": "成文日期", "发文日期": "成文日期",
}
_FIELD_RX = re.compile(f"^({'|'.join(_FIELD_LABELS)})[：:](.{{0,60}})$")


def _page_fields(root: Any, body: Any, weights: dict[Any, int]) -> list[str]:
    """The document's issuer, number and date from the site's metadata table, as field lines.

    Sites that publish 政府信息公开 documents put them in a table (or list) of label/value pairs
    around the body: the table itself is page furniture, and read as a table it would look like
    a task table, but 发文机关 / 发文字号 / 成文日期 are the plan's own metadata, which a body often
    does not repeat. They are written as ``发文机关：国务院`` lines (labels made uniform) ahead of
    the body, where the structure stage reads a cover letter's fields.
    """
    found: dict[str, str] = {}

    def take(label: str, value: str) -> None:
        label = re.sub(r"\s", "", label)
        value = clean_cell(value)
        m = _FIELD_RX.match(label + value) if value else None
        if m and m.group(1) in _FIELD_LABELS and not value.startswith(("：", ":")):
            found.setdefault(_FIELD_LABELS[m.group(1)], value)

    stack = [root]
    while stack:
        el = stack.pop()
        if el is body:
            continue
        stack.extend(reversed([c for c in el if _tag(c)]))
        tag = _tag(el)
        if tag in ("td", "th"):
            if weights.get(el, 0) > 10:
                continue
            label = re.sub(r"\s", "", _text_of(el))
            nxt = el.getnext()
            if label.endswith(("：", ":")) and nxt is not None and _tag(nxt) in ("td", "th"):
                take(label, _text_of(nxt))
        elif tag in ("li", "p", "div", "span", "dd") and weights.get(el, 0) <= 80 and not any(
                _tag(c) in _BLOCK_TAGS for c in el.iter() if c is not el):
            text = clean_cell(_text_of(el))
            m = re.match(r"^(\S{2,5}?)\s*[：:]\s*(.+)$", re.sub(r"(?<=\S) (?=\S)", "", text[:20]) + text[20:])
            if m and len(text) <= 80:
                take(m.group(1) + "：", m.group(2))
    return [f"{label}：{found[label]}" for label in ("发文机关", "发文字号", "成文日期") if label in found]


# --- the article as lines --------------------------------------------------------------------------

def _rows(table: Any) -> list[Any]:
    rows = []
    for child in table:
        tag = _tag(child)
        if tag == "tr":
            rows.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            rows.extend(r for r in child if _tag(r) == "tr")
    return rows


def _cells(row: Any) -> list[Any]:
    return [c for c in row if _tag(c) in ("td", "th")]


def _span(value: str | None, limit: int) -> int:
    try:
        n = int((value or "1").strip().rstrip(";"))
    except ValueError:
        return 1
    return limit if n == 0 else max(1, min(n, limit))


class _Renderer:
    """Writes an element's content as lines (see the module's docstring)."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.buf: list[str] = []

    def lines(self, el: Any) -> list[str]:
        self._walk(el)
        self._flush()
        while self.out and not self.out[-1]:
            self.out.pop()
        return self.out

    def _flush(self) -> None:
        if not self.buf:
            return
        line = _SPACE_RX.sub(" ", _WRAP_RX.sub("", "".join(self.buf))).strip(" \xa0\u3000")
        if line:
            self.out.append(line)
        self.buf = []

    def _text(self, s: str | None) -> None:
        if s:
            self.buf.append(s)

    def _walk(self, el: Any) -> None:
        tag = _tag(el)
        if tag == "br":
            self._flush()
            return
        if tag == "table":
            self._flush()
            self._table(el)
            return
        if tag == "pre":
            self._flush()
            for line in _text_of(el).splitlines():
                if line.strip():
                    self.out.append(line.rstrip())
            return
        block = tag in _BLOCK_TAGS
        if block:
            self._flush()
        before = len(self.out)
        self._text(el.text)
        for child in el:
            self._walk(child)
            self._text(child.tail)
        if block:
            self._flush()
            if tag == "p" and len(self.out) == before and self.out and self.out[-1]:
                self.out.append("")  # an empty paragraph: the page's own blank line

    def _table(self, table: Any) -> None:
        caption = table.find("caption")
        if caption is not None:
            self._walk(caption)
        if _is_layout_table(table):
            for row in _rows(table):
                for cell in _cells(row):
                    self._walk(cell)
            return
        rows = _rows(table)
        grid: dict[tuple[int, int], str | None] = {}
        width = 0
        for r, row in enumerate(rows):
            c = 0
            for cell in _cells(row):
                while (r, c) in grid:
                    c += 1
                rowspan = _span(cell.get("rowspan"), len(rows) - r)
                colspan = _span(cell.get("colspan"), 64)
                for dr in range(rowspan):
                    for dc in range(colspan):
                        grid.setdefault((r + dr, c + dc), None)
                grid[(r, c)] = cell_text(_Renderer().lines(cell))
                c += colspan
                width = max(width, c)
        matrix: list[list[str | None]] = []
        for r in range(len(rows)):
            cells = [grid.get((r, c), "") for c in range(width)]
            if any(cells):
                matrix.append(cells)
        if matrix:
            self.out.extend(render_table(matrix).split("\n"))
