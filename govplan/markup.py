"""Markup remnants around plan text: a page stored as an SQL row, HTML tags and entities, escapes.

Every function returns edits ``(start, end, replacement)`` with ``len(replacement) <= end - start``;
the normalise stage applies them and keeps the deletions in its offset map, so a position in the
plain text still maps back to the character of the source it came from.
"""

from __future__ import annotations

import re
from html.entities import html5

Edit = tuple[int, int, str]

# --- SQL rows -------------------------------------------------------------------------------

# a lone CR counts as a line break: the normalise stage makes it one
_INSERT_HINT_RX = re.compile(r"(?im)(?:^|(?<=\r))[ \t\u3000\u00a0\u2002\u2003]*insert[ \t\u3000\u00a0\u2002\u2003]+"
                             r"(?:ignore[ \t\u3000\u00a0\u2002\u2003]+)?into\b")
_INSERT_RX = re.compile(r"(?is)insert\s+(?:ignore\s+)?into\s+[^(;]*?(?:\([^()]*\)\s*)?values\s*(?=\()")
# white space between SQL tokens, with the spaces the normalise stage folds to " "
_SQL_SPACE = " \t\r\n\u3000\u00a0\u2002\u2003"
_SQL_ESCAPES = {"n": "\n", "t": "\t", "r": "", "0": "", "Z": "", "b": ""}
_HAN_RX = re.compile(r"[\u3400-\u9fff]")


def _sql_field(text: str, i: int) -> tuple[int, int, int, bool]:
    """The field starting at ``i``: (content start, content end, position after it, quoted)."""
    n = len(text)
    q = text[i] if i < n else ""
    if q and q in "'\"":
        j = i + 1
        while j < n:
            c = text[j]
            if c == "\\":
                j += 2
            elif c == q:
                if j + 1 < n and text[j + 1] == q:  # a doubled quote stands for one
                    j += 2
                else:
                    return i + 1, j, j + 1, True
            else:
                j += 1
        return i + 1, n, n, True  # a dump cut inside its last string
    j, depth = i, 0
    while j < n and (depth or text[j] not in ",)"):
        depth += {"(": 1, ")": -1}.get(text[j], 0)
        j += 1
    return i, j, j, False


def _rows(text: str, pos: int) -> tuple[list[list[tuple[int, int]]], int]:
    """The quoted fields of each row of a VALUES list starting at ``pos``, and where it ends."""
    rows: list[list[tuple[int, int]]] = []
    n = len(text)
    while pos < n and text[pos] == "(":
        fields: list[tuple[int, int]] = []
        pos += 1
        while pos < n:
            while pos < n and text[pos] in _SQL_SPACE:
                pos += 1
            a, b, pos, quoted = _sql_field(text, pos)
            if quoted:
                fields.append((a, b))
            while pos < n and text[pos] in _SQL_SPACE:
                pos += 1
            if pos >= n or text[pos] != ",":
                break
            pos += 1
        rows.append(fields)
        if pos < n and text[pos] == ")":
            pos += 1
        while pos < n and text[pos] in _SQL_SPACE:
            pos += 1
        if pos < n and text[pos] == ",":
            pos += 1
            while pos < n and text[pos] in _SQL_SPACE:
                pos += 1
    if pos < n and text[pos] == ";":
        pos += 1
    if pos < n and text[pos] == "\r":
        pos += 1
    if pos < n and text[pos] == "\n":
        pos += 1
    return rows, pos


# a backslash escape, or the doubled quote of a string in that quote
_FIELD_ESCAPE_RX = {q: re.compile(r"\\(.)|" + q * 2, re.S) for q in "'\""}


def _escape_value(m: re.Match[str], quote: str) -> str:
    return _SQL_ESCAPES.get(m.group(1), m.group(1)) if m.group(1) else quote


def _unescaped(text: str, a: int, b: int, quote: str) -> str:
    return _FIELD_ESCAPE_RX[quote].sub(lambda m: _escape_value(m, quote), text[a:b])


def _is_title(value: str, page: str) -> bool:
    """A short field that reads as the page's title (a CMS row keeps it in its own column)."""
    value = value.strip()
    return (4 <= len(value) <= 80 and "\n" not in value and "<" not in value and "。" not in value
            and not value.endswith(("...", "…")) and len(_HAN_RX.findall(value)) * 10 >= len(value) * 6
            and value not in page[:400])


def _field_escapes(text: str, a: int, b: int, quote: str) -> list[Edit]:
    return [(m.start(), m.end(), _escape_value(m, quote)) for m in _FIELD_ESCAPE_RX[quote].finditer(text, a, b)]


def sql_edits(text: str) -> list[Edit]:
    """Unwrap ``INSERT INTO … VALUES (…), (…);`` statements: the longest string of each row (the
    page) is kept with its escapes read, and a title-like short field before it on a line of its
    own; ids, hashes, summaries, the column list and the SQL around them are deleted."""
    if ("nsert" not in text and "NSERT" not in text) or not _INSERT_HINT_RX.search(text):
        return []
    edits: list[Edit] = []
    pos = 0
    for m in _INSERT_RX.finditer(text):
        if m.start() < pos:
            continue
        rows, end = _rows(text, m.end())
        kept: list[tuple[int, int]] = []
        for fields in rows:
            if not fields:
                continue
            page = max(fields, key=lambda f: f[1] - f[0])
            quote = text[page[0] - 1]
            page_text = _unescaped(text, *page, quote)
            title = next((f for f in fields if f[1] <= page[0] and _is_title(_unescaped(text, *f, quote), page_text)),
                         None)
            kept += [title, page] if title else [page]
        if not kept:
            continue
        gap_start = m.start()
        for k, (a, b) in enumerate(kept):
            edits.append((gap_start, a, "" if k == 0 else "\n"))
            edits += _field_escapes(text, a, b, text[a - 1])
            gap_start = b
        edits.append((gap_start, end, "\n" if end < len(text) else ""))
        pos = end
    return [e for e in edits if e[1] > e[0]]


# --- escaped strings ------------------------------------------------------------------------

_ESCAPE_RX = re.compile(r"\\([\"'/\\nrt])")
_ESCAPES = {"n": "\n", "t": "\t", "r": ""}


def escape_edits(text: str) -> list[Edit]:
    """Backslash escapes of an SQL or JSON string (``\\"``, ``\\n``, ``<\\/p>``) in markup-laden text."""
    if "\\" not in text or not (text.count('=\\"') + text.count("<\\/") + text.count("\\n") >= 2
                                 and is_markup(text.replace("\\", ""))):
        return []
    return [(m.start(), m.end(), _ESCAPES.get(m.group(1), m.group(1))) for m in _ESCAPE_RX.finditer(text)]


# --- tags and entities ----------------------------------------------------------------------

_LINE_TAGS = frozenset((
    "p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tfoot",
    "ul", "ol", "dl", "dt", "dd", "section", "article", "header", "footer", "nav", "aside", "main", "title",
    "hr", "pre", "blockquote", "center", "caption", "form", "html", "head", "body", "address", "figure"))
_CELL_TAGS = frozenset(("td", "th"))
_INLINE_TAGS = frozenset((
    "span", "font", "b", "i", "u", "s", "em", "strong", "a", "img", "sup", "sub", "small", "big", "label",
    "tt", "strike", "del", "ins", "wbr", "nobr", "abbr", "cite", "code", "q", "mark", "col", "colgroup",
    "meta", "link", "input", "button", "select", "option", "textarea", "iframe"))
_TAG_RX = re.compile(
    r"<!--.*?(?:-->|\Z)|<!\[CDATA\[|\]\]>|<![A-Za-z][^<>]*>"
    r"|<(script|style)\b[^>]*>.*?(?:</\1\s*>|\Z)"
    r"|<(/?)([A-Za-z][A-Za-z0-9]*(?::[A-Za-z0-9_]+)?)(?:\s[^<>]{0,2000})?\s*/?>",
    re.S | re.I)
# an entity escaped again any number of times (&amp;amp;quot;) is read in one step, so that one
# normalisation reads it all, however deep
_ENTITY_RX = re.compile(r"&((?:amp;)*)(#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# left to the normalise stage, which deletes them as it always did
_SPACE_ENTITIES = frozenset(("nbsp", "ensp", "emsp", "#160", "#12288"))
_SPACE = " \t\r\n"


def _kind(m: re.Match[str]) -> str:
    """line / cell / cellend / inline for a tag; "" for what is not a tag of a web page."""
    if m.group(1) or m.group(0).startswith("<!") or m.group(0) == "]]>":
        return "inline"
    name = (m.group(3) or "").lower()
    if name in _LINE_TAGS:
        return "line"
    if name in _CELL_TAGS:
        return "cellend" if m.group(2) else "cell"
    if name in _INLINE_TAGS or ":" in name:
        return "inline"
    return ""


def _tags(text: str) -> list[tuple[int, int, str]]:
    if "<" not in text:
        return []
    found = []
    for m in _TAG_RX.finditer(text):
        kind = _kind(m)
        if kind:
            found.append((m.start(), m.end(), kind))
    return found


def is_markup(text: str) -> bool:
    """Text that really is a web page's markup: several tags (not a plan that writes <5% or a<b)."""
    return len(_tags(text)) >= 3


def tag_edits(text: str) -> list[Edit]:
    """Tags deleted; a run of block tags with the white space around it becomes one line break,
    a cell boundary a tab (``</td><td>``), so the table stage sees rows and cells."""
    tags = _tags(text)
    if len(tags) < 3:
        return []
    edits: list[Edit] = []
    k = 0
    n = len(text)
    while k < len(tags):
        # a cluster: tags separated by nothing but white space
        j = k
        while j + 1 < len(tags) and not text[tags[j][1]:tags[j + 1][0]].strip(_SPACE):
            j += 1
        cluster = tags[k:j + 1]
        kinds = [t[2] for t in cluster]
        if all(kd == "inline" for kd in kinds):
            edits += [(a, b, "") for a, b, _ in cluster]
        else:
            a, b = cluster[0][0], cluster[-1][1]
            while a > 0 and text[a - 1] in _SPACE:
                a -= 1
            while b < n and text[b] in _SPACE:
                b += 1
            if "line" in kinds:
                last = len(kinds) - 1 - kinds[::-1].index("line")
                cells = kinds[last:].count("cellend")
                rep = ("" if a == 0 or b == n else "\n") + "\t" * cells
            else:
                rep = "" if a == 0 else "\t" * (kinds.count("cellend") or kinds.count("cell"))
            edits.append((a, b, rep[:b - a]))
        k = j + 1
    return edits


def entity_edits(text: str) -> list[Edit]:
    """HTML entities (``&quot;``, ``&ldquo;``, ``&#8220;``) to their characters."""
    if "&" not in text or ";" not in text:
        return []
    edits: list[Edit] = []
    for m in _ENTITY_RX.finditer(text):
        escaped, name = m.groups()
        value = _entity_value(name)
        if not value:
            # a space entity, or no entity: the &amp;s before it are read, the rest left as it is
            if escaped:
                edits.append((m.start(), m.end(), f"&{name};"))
            continue
        edits.append((m.start(), m.end(), value))
    return edits


def _entity_value(name: str) -> str:
    if name in _SPACE_ENTITIES:
        return ""
    if name[0] == "#":
        code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
        if not (0x20 <= code < 0xD800 or 0xE000 <= code <= 0x10FFFF) or code in (0x7F, 0xFFFE, 0xFFFF):
            return ""
        return chr(code)
    return html5.get(name + ";", "")
