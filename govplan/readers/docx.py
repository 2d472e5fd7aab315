"""The .docx reader: a Word document's body to the plan's text (python-docx opens the package).

* The body in document order: paragraphs and tables as they are interleaved in the body XML
  (content controls and custom-XML wrappers read through); headers, footers, footnotes,
  comments, text boxes and deleted revisions are not body text, and neither is hidden text.
* A paragraph is a line; a manual line break is a line break; a tab inside a paragraph is a
  space (a tab is the contract's cell separator); a field shows its result, not its code.
* Numbering that Word generates (``numPr`` on the paragraph or its style) is rendered into the
  label as Word shows it: the level's ``lvlText`` with each ``%n`` replaced by that level's
  counter in its ``numFmt`` (一、, （一）, 1., ①, 壹…), counted per list with the restarts and
  start values of its definition.
* A table is rows of tab-separated cells (``render_table``): a cell merged across columns
  (``gridSpan``) or down rows (``vMerge``) stands once, in its first row and column, with the
  cells it covers empty. A table that lays text out (one column, tables inside it, or a cell of
  more than 3,000 characters, as in a web page saved as .docx) is read as its paragraphs, cell
  after cell, as the .html reader reads layout tables.
"""

from __future__ import annotations

import contextlib
import io
import zipfile
from collections.abc import Iterator
from typing import Any

from ..errors import NotTextError
from . import Extracted, cell_text, render_table

# Bounds on the package, checked before anything is decompressed: a .docx of a plan is a few MB.
MAX_PART = 64 * 1024 * 1024  # one part, uncompressed (document.xml of a 2,000-page plan is ~30 MB)
MAX_TOTAL = 256 * 1024 * 1024  # all parts, uncompressed (python-docx loads every part)
MAX_ENTRIES = 10000

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


_P, _TBL, _TR, _TC, _R, _T = _w("p"), _w("tbl"), _w("tr"), _w("tc"), _w("r"), _w("t")
_SDT, _SDT_CONTENT, _CUSTOM_XML, _SMART_TAG = _w("sdt"), _w("sdtContent"), _w("customXml"), _w("smartTag")
_VAL = _w("val")
# Inside a paragraph: what is never shown as body text.
_SKIP = frozenset({_w("del"), _w("moveFrom"), _w("pPr"), _w("rPr"), _w("drawing"), _w("pict"), _w("object"),
                   _w("footnoteReference"), _w("endnoteReference"), _w("commentReference"), _w("instrText"),
                   _w("delText"), _w("annotationRef"), f"{{{_MC}}}AlternateContent"})
# Wrappers whose children are read as if they stood in their place.
_WRAPPERS = frozenset({_SDT_CONTENT, _CUSTOM_XML, _SMART_TAG, _w("ins"), _w("moveTo"), _w("hyperlink"),
                       _w("fldSimple"), _w("dir"), _w("bdo")})


def check_package(data: bytes) -> None:
    """Refuse a package that would decompress to more than a plan needs (a zip bomb), before
    python-docx decompresses it. The sizes checked are the ones ``zipfile`` holds reads to."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise NotTextError(f"not a valid Word document (.docx): {exc}; open it in Word or WPS and save it again") \
            from exc
    if len(infos) > MAX_ENTRIES:
        raise NotTextError(f"the Word document holds {len(infos)} parts, more than the {MAX_ENTRIES} a document "
                           "is read with: it is not an ordinary .docx")
    total = 0
    for info in infos:
        if info.file_size > MAX_PART:
            raise NotTextError(f"the Word document's part {info.filename} would unpack to "
                               f"{info.file_size // 2**20} MiB, more than the {MAX_PART // 2**20} MiB read "
                               "(a zip bomb, or no plan): save the plan as a smaller .docx or as text")
        total += info.file_size
    if total > MAX_TOTAL:
        raise NotTextError(f"the Word document would unpack to {total // 2**20} MiB, more than the "
                           f"{MAX_TOTAL // 2**20} MiB read: save the plan without its images, or as text")


def read(data: bytes, path: str | None = None) -> Extracted:
    """Read a .docx (see the module's docstring)."""
    from importlib.metadata import version

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    check_package(data)
    try:
        document = docx.Document(io.BytesIO(data))
        body = document.element.body
        numbering = _Numbering(document)
    except (PackageNotFoundError, KeyError, ValueError, AttributeError, TypeError, zipfile.BadZipFile,
            SyntaxError, OSError) as exc:  # lxml's XMLSyntaxError is a SyntaxError
        raise NotTextError(f"not a valid Word document (.docx) ({type(exc).__name__}: {exc}); "
                           "open it in Word or WPS and save it again") from exc
    lines = _Body(numbering).lines(body)
    return Extracted(text="\n".join(lines), format="docx", reader=f"python-docx {version('python-docx')}",
                     encoding="utf-8", confidence=1.0)


# --- list numbering ----------------------------------------------------------------------------------

_DIGITS = "〇一二三四五六七八九"
_UNITS = ((1000, "千"), (100, "百"), (10, "十"))


def chinese_number(n: int, digits: str = _DIGITS, units: tuple[tuple[int, str], ...] = _UNITS) -> str:
    """1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 105 → 一百零五 (as Word counts list items)."""
    if n <= 0 or n >= 10000:
        return str(n)
    out = ""
    zero = False
    for value, unit in units:
        q, n = divmod(n, value)
        if q:
            if zero:
                out += digits[0] if digits[0] != "〇" else "零"
            out += ("" if (q == 1 and value == 10 and not out) else digits[q]) + unit
            zero = False
        elif out:
            zero = True
    if n:
        if zero:
            out += "零" if digits[0] == "〇" else digits[0]
        out += digits[n]
    return out


def _legal(n: int, simplified: bool) -> str:
    digits = "零壹贰叁肆伍陆柒捌玖" if simplified else "零壹貳參肆伍陸柒捌玖"
    units = ((1000, "仟"), (100, "佰"), (10, "拾"))
    text = chinese_number(n, digits, units)
    return "壹" + text if text.startswith("拾") else text


def _roman(n: int) -> str:
    out = ""
    for value, sym in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                       (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + sym, n - value
    return out


def _letters(n: int) -> str:
    # Word repeats the letter: a … z, aa … zz
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else str(n)


def _circled(n: int, first: int, last: int = 20) -> str:
    return chr(first + n - 1) if 1 <= n <= last else str(n)


def format_number(n: int, fmt: str) -> str:
    """A counter in one of Word's number formats (``w:numFmt``)."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting",
               "taiwaneseCountingThousand", "ideographDigital", "japaneseDigitalTenThousand", "koreanCounting"):
        return chinese_number(n)
    if fmt in ("chineseLegalSimplified",):
        return _legal(n, simplified=True)
    if fmt in ("ideographLegalTraditional", "japaneseLegal", "taiwaneseDigital"):
        return _legal(n, simplified=False)
    if fmt == "ideographTraditional":
        return "甲乙丙丁戊己庚辛壬癸"[n - 1] if 1 <= n <= 10 else str(n)
    if fmt == "ideographZodiac":
        return "子丑寅卯辰巳午未申酉戌亥"[n - 1] if 1 <= n <= 12 else str(n)
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return _circled(n, 0x2460)
    if fmt == "decimalEnclosedParen":
        return _circled(n, 0x2474)
    if fmt == "decimalEnclosedFullstop":
        return _circled(n, 0x2488)
    if fmt == "decimalFullWidth" or fmt == "decimalFullWidth2":
        return "".join(chr(0xFF10 + int(d)) for d in str(n))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "upperLetter":
        return _letters(n)
    if fmt == "lowerLetter":
        return _letters(n).lower()
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "none":
        return ""
    return str(n)  # decimal and anything else


_BULLETS = "▲◆●■◇△▶►•"


class _Level:
    __slots__ = ("fmt", "legal", "restart", "start", "suffix", "text")

    def __init__(self, el: Any) -> None:
        def val(tag: str) -> str | None:
            child = el.find(_w(tag))
            return None if child is None else child.get(_VAL)

        self.start = _int(val("start"), 1)
        self.fmt = val("numFmt") or "decimal"
        self.text = val("lvlText") or ""
        self.suffix = val("suff") or "tab"
        self.restart = _int(val("lvlRestart"), -1)  # -1: after any higher level; 0: never
        self.legal = el.find(_w("isLgl")) is not None


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


class _Numbering:
    """Word's list numbering: definitions from numbering.xml, counters as the body is read."""

    def __init__(self, document: Any) -> None:
        self.levels: dict[str, dict[int, _Level]] = {}  # abstractNumId → level → definition
        self.nums: dict[str, str] = {}  # numId → abstractNumId
        self.overrides: dict[str, dict[int, tuple[int | None, _Level | None]]] = {}  # numId → level → (start, lvl)
        self.style_num: dict[str, tuple[str, int]] = {}  # paragraph style id → (numId, level)
        self.counters: dict[str, dict[int, int]] = {}  # abstractNumId → level → last number shown
        self.started: set[str] = set()  # numIds whose start overrides have been applied
        try:
            root = document.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            root = None
        links: dict[str, str] = {}  # abstractNumId → the style its numStyleLink names
        if root is not None:
            for absn in root.iter(_w("abstractNum")):
                aid = absn.get(_w("abstractNumId")) or ""
                self.levels[aid] = {_int(lvl.get(_w("ilvl")), 0): _Level(lvl) for lvl in absn.iter(_w("lvl"))}
                link = absn.find(_w("numStyleLink"))
                if link is not None and link.get(_VAL):
                    links[aid] = link.get(_VAL)
            for num in root.iter(_w("num")):
                nid = num.get(_w("numId")) or ""
                ref = num.find(_w("abstractNumId"))
                self.nums[nid] = ref.get(_VAL) if ref is not None else ""
                over: dict[int, tuple[int | None, _Level | None]] = {}
                for o in num.iter(_w("lvlOverride")):
                    so = o.find(_w("startOverride"))
                    lvl = o.find(_w("lvl"))
                    over[_int(o.get(_w("ilvl")), 0)] = (_int(so.get(_VAL), 1) if so is not None else None,
                                                        _Level(lvl) if lvl is not None else None)
                if over:
                    self.overrides[nid] = over
        styles_root = None
        with contextlib.suppress(KeyError, AttributeError, NotImplementedError):
            styles_root = document.styles.element
        based_on: dict[str, str] = {}
        if styles_root is not None:
            for style in styles_root.iter(_w("style")):
                sid = style.get(_w("styleId")) or ""
                ppr = style.find(_w("pPr"))
                num_pr = ppr.find(_w("numPr")) if ppr is not None else None
                if num_pr is not None:
                    nid_el, lvl_el = num_pr.find(_w("numId")), num_pr.find(_w("ilvl"))
                    if nid_el is not None:
                        self.style_num[sid] = (nid_el.get(_VAL) or "",
                                               _int(lvl_el.get(_VAL), 0) if lvl_el is not None else 0)
                base = style.find(_w("basedOn"))
                if base is not None and base.get(_VAL):
                    based_on[sid] = base.get(_VAL) or ""
        # a style with no numbering of its own inherits its base style's
        for sid in list(based_on):
            seen, cur = {sid}, based_on.get(sid)
            while cur and cur not in self.style_num and cur in based_on and cur not in seen:
                seen.add(cur)
                cur = based_on[cur]
            if sid not in self.style_num and cur in self.style_num:
                self.style_num[sid] = self.style_num[cur]
        # an abstract definition that only links to a numbering style uses that style's list
        for aid, style_id in links.items():
            if not any(self.levels.get(aid, {}).values()) or all(not lv.text for lv in self.levels[aid].values()):
                target = self.style_num.get(style_id)
                if target is not None and self.nums.get(target[0]) not in (None, aid):
                    self.levels[aid] = self.levels.get(self.nums[target[0]], {})

    def label(self, p: Any) -> str:
        """The label Word shows before paragraph ``p`` ('' for none), advancing its list's counters."""
        ppr = p.find(_w("pPr"))
        nid: str | None = None
        ilvl: int | None = None
        if ppr is not None:
            num_pr = ppr.find(_w("numPr"))
            if num_pr is not None:
                nid_el, lvl_el = num_pr.find(_w("numId")), num_pr.find(_w("ilvl"))
                nid = nid_el.get(_VAL) if nid_el is not None else None
                ilvl = _int(lvl_el.get(_VAL), 0) if lvl_el is not None else None
            if nid is None:
                style = ppr.find(_w("pStyle"))
                if style is not None and style.get(_VAL) in self.style_num:
                    nid, style_lvl = self.style_num[style.get(_VAL) or ""]
                    ilvl = style_lvl if ilvl is None else ilvl
        if not nid or nid == "0" or nid not in self.nums:
            return ""  # no list, or numbering switched off for this paragraph
        ilvl = ilvl or 0
        aid = self.nums[nid]
        levels = dict(self.levels.get(aid, {}))
        over = self.overrides.get(nid, {})
        for k, (_, lvl) in over.items():
            if lvl is not None:
                levels[k] = lvl
        if ilvl not in levels:
            return ""
        counters = self.counters.setdefault(aid, {})
        if nid not in self.started:
            self.started.add(nid)
            for k, (start, _) in over.items():
                if start is not None:
                    counters[k] = start - 1
                    for deeper in [d for d in counters if d > k]:
                        del counters[deeper]
        level = levels[ilvl]
        counters[ilvl] = counters.get(ilvl, level.start - 1) + 1
        for deeper in [d for d in counters if d > ilvl]:
            restart = levels[deeper].restart if deeper in levels else -1
            if restart != 0 and (restart < 0 or restart - 1 <= ilvl):
                del counters[deeper]
        if level.fmt == "bullet":
            char = level.text.strip()[:1]
            return (char if char and char in _BULLETS else "•") + " "
        text = level.text
        for k in range(9, 0, -1):
            placeholder = f"%{k}"
            if placeholder in text:
                lv = levels.get(k - 1)
                n = counters.get(k - 1, lv.start if lv is not None else 1)
                fmt = "decimal" if (level.legal and lv is not None and lv.fmt != "none") else (
                    lv.fmt if lv is not None else "decimal")
                text = text.replace(placeholder, format_number(n, fmt))
        if text and level.suffix != "nothing" and text[-1].isascii() and text[-1].isalnum():
            text += " "
        return text


# --- the body ---------------------------------------------------------------------------------------

def _hidden(run: Any) -> bool:
    rpr = run.find(_w("rPr"))
    if rpr is None:
        return False
    vanish = rpr.find(_w("vanish"))
    return vanish is not None and (vanish.get(_VAL) or "true").lower() not in ("false", "0", "off")


class _Body:
    def __init__(self, numbering: _Numbering) -> None:
        self.numbering = numbering

    def lines(self, container: Any) -> list[str]:
        out: list[str] = []
        for el in _blocks(container):
            if el.tag == _P:
                text = self.paragraph(el)
                parts = [clean_line(t) for t in text.split("\n")]
                if any(parts):
                    out.extend(t for t in parts if t)
                elif out and out[-1]:
                    out.append("")  # an empty paragraph: the document's own blank line
            elif el.tag == _TBL:
                out.extend(self.table(el))
        while out and not out[-1]:
            out.pop()
        return out

    def paragraph(self, p: Any) -> str:
        parts: list[str] = [self.numbering.label(p)]
        fields: list[bool] = []  # per open complex field: True while in its instruction part

        def walk(el: Any) -> None:
            for child in el:
                tag = child.tag
                if not isinstance(tag, str) or tag in _SKIP:
                    continue
                if tag == _R:
                    if not _hidden(child):
                        run(child)
                elif tag in _WRAPPERS or tag == _SDT:
                    walk(child)
                elif tag == _P:  # a paragraph nested by a content control
                    parts.append("\n" + self.paragraph(child))

        def run(r: Any) -> None:
            for child in r:
                tag = child.tag
                if tag == _w("fldChar"):
                    kind = child.get(_w("fldCharType"))
                    if kind == "begin":
                        fields.append(True)
                    elif kind == "separate" and fields:
                        fields[-1] = False
                    elif kind == "end" and fields:
                        fields.pop()
                elif fields and fields[-1]:
                    continue  # a field's code, not its result
                elif tag == _T:
                    parts.append(child.text or "")
                elif tag == _w("tab") or tag == _w("ptab"):
                    parts.append(" ")
                elif tag in (_w("br"), _w("cr")):
                    parts.append("\n")
                elif tag in (_w("noBreakHyphen"), _w("softHyphen")):
                    parts.append("-" if tag == _w("noBreakHyphen") else "")
                elif tag == _w("sym"):
                    char = child.get(_w("char")) or ""
                    try:
                        code = int(char, 16)
                    except ValueError:
                        continue
                    if not 0xF000 <= code <= 0xF0FF:
                        parts.append(chr(code))

        walk(p)
        return "".join(parts)

    def table(self, tbl: Any) -> list[str]:
        rows = [tr for tr in _blocks(tbl, _TR)]
        cells = [list(_blocks(tr, _TC)) for tr in rows]
        if _is_layout(tbl, cells):
            return [line for row in cells for tc in row for line in self.lines(tc)]
        grid_cols = tbl.find(_w("tblGrid"))
        width = len(grid_cols.findall(_w("gridCol"))) if grid_cols is not None else 0
        matrix: list[list[str | None]] = []
        for tr, tcs in zip(rows, cells, strict=True):
            row: list[str | None] = []
            trpr = tr.find(_w("trPr"))
            before = _int(_child_val(trpr, "gridBefore"), 0) if trpr is not None else 0
            row.extend([""] * before)
            for tc in tcs:
                tcpr = tc.find(_w("tcPr"))
                vmerge = tcpr.find(_w("vMerge")) if tcpr is not None else None
                continued = vmerge is not None and (vmerge.get(_VAL) or "continue") == "continue"
                row.append(None if continued else cell_text(self.lines(tc)))
                row.extend([None] * (_span(tc) - 1))
            matrix.append(row)
        width = max([width, *(len(r) for r in matrix)]) if matrix else 0
        for row in matrix:
            row.extend([""] * (width - len(row)))
        matrix = [row for row in matrix if any(row)]
        return render_table(matrix).split("\n") if matrix else []


def _span(tc: Any) -> int:
    return max(1, min(64, _int(_child_val(tc.find(_w("tcPr")), "gridSpan"), 1)))


def _is_layout(tbl: Any, cells: list[list[Any]]) -> bool:
    """A table that lays text out rather than holding data (as for a web page's tables): one
    column (a box around text), a table inside it, or a cell holding a whole article."""
    if max((sum(_span(tc) for tc in row) for row in cells), default=0) <= 1:
        return True
    if any(el is not tbl for el in tbl.iter(_TBL)):
        return True
    return any(len("".join(tc.itertext())) > 3000 for row in cells for tc in row)


def _child_val(parent: Any, tag: str) -> str | None:
    child = parent.find(_w(tag)) if parent is not None else None
    return None if child is None else child.get(_VAL)


def _blocks(container: Any, want: str | None = None) -> Iterator[Any]:
    """The paragraphs and tables (or rows, or cells) of a container in order, through content
    controls and custom-XML wrappers."""
    for child in container:
        tag = child.tag
        if tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _blocks(content, want)
        elif tag in (_CUSTOM_XML, _SDT_CONTENT):
            yield from _blocks(child, want)
        elif (want is None and tag in (_P, _TBL)) or tag == want:
            yield child


def clean_line(text: str) -> str:
    """A paragraph's line: no tabs (the cell separator), no surrounding spaces."""
    return text.replace("\t", " ").strip(" \xa0\u3000\r")
