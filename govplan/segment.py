"""Stage 3, segment: normalised text to the lines that carry content.

Drops blank lines, table-of-contents lines, page numbers and lines with no Chinese at all (web-page
junk such as ``");``), strips Markdown emphasis a web copy leaves, and splits a line where a new
numbered item starts after a full stop (``…“应管尽管”。1.推动…``). Hard line wraps are not joined
here: whether a line continues the one before depends on the numbering, which the structure stage
knows.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from .normalise import Normalised
from .rules import RuleSet, TimedPattern, compiler, per_ruleset

# an item label right after a full stop inside a line (…“应管尽管”。1.推动…), looked for only
# after each 。; circled numbers are labels whatever ends the clause before them: …(责任单位:…);②…
_AFTER_STOP_RX = re.compile(
    r"[ \t]*(?=(?:\d{1,2}[.、](?![\d])|[⒈-⒛]|\(\d{1,2}\)|[⑴-⒇①-⑳]|\([一二三四五六七八九十]{1,3}\))"
    r"[ \t]*[\u3400-\u9fff\uf900-\ufaff“])")
_AFTER_CLAUSE_RX = re.compile(r"[ \t]*(?=[⑴-⒇①-⑳][ \t]*[\u3400-\u9fff\uf900-\ufaff“])")


_CLAUSE_MARK_RX = re.compile("[;；:：]")


def _inline_cuts(body: str, circled: bool) -> list[int]:
    """Where an item label starts after a full stop (or a circled number after ;：) inside a line."""
    cuts: list[int] = []
    k = body.find("。")
    while k >= 0:
        if _AFTER_STOP_RX.match(body, k + 1) is not None and 0 < k + 1 < len(body):
            cuts.append(k + 1)
        k = body.find("。", k + 1)
    if circled:
        for m in _CLAUSE_MARK_RX.finditer(body):
            k = m.start()
            if 0 < k + 1 < len(body) and _AFTER_CLAUSE_RX.match(body, k + 1) is not None:
                cuts.append(k + 1)
        cuts.sort()
    return cuts


# (1)…(市工商质监局牵头负责)(2)…: sub-items run on inside one paragraph, each closed by its own
# annotation; a label right after an annotation bracket starts the next one
_AFTER_NOTE_RX = re.compile(
    r"\(([^()]{2,80})\)[ \t]*(?=(?:\(\d{1,2}\)|[⑴-⒇①-⑳]|\d{1,2}[.、](?!\d))[ \t]*[\u3400-\u9fff“])")
_NOTE_HINT_RX = re.compile(r"\)[ \t]*[(⑴-⒇①-⑳\d]")
_NOTE_CUE_RX = re.compile(r"牵头|负责|配合|协办|单位|部门|完成")
_CIRCLED_RX = re.compile("[\u2460-\u2487]")  # ①-⑳ and ⑴-⒇, as in the pattern above (a scan in C)
_CELL_ENDS = frozenset("|│┃")
_RULE_LINE_RX = re.compile(r"[-—─━=_+ ]{3,}")  # a line that only divides rows: ---- or ────
# what a converter writes for an empty cell on a line of its own (/, ——); "无" is Chinese and stays
EMPTY_CELLS = frozenset(("/", "—", "——", "-", "--", "－", "\\"))
# spaces where a line break was, in a text that lost them: …工作要点 为全面提升… / …年底前） （二）…
_LOST_BREAK_RX = re.compile(r"(?<=[\u3400-\u9fff。；;:：）)”】])[ \u3000]+(?=[\u3400-\u9fff（(“【])")
_HAN_RX = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_LEAD_MARKUP_RX = re.compile(r"(?:[*#]+[ \t]*)+")
# bullets and emoji a web page or WeChat article puts before a heading: 🔷一、…, ★一、…, ▶ 1.…
_DECOR = ("\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\u25A0-\u25CA\u25CC-\u25FF\u2190-\u21FF"
          "\ufe0f\u200d")
_DECOR_RX = re.compile(f"[{_DECOR}]+[ \t]*")
_BULLETS = frozenset("▲◆●■◇△▶►•")
_LABELLED_RX = re.compile(r"[一二三四五六七八九十(（0-9第⒈-⒛⑴-⒇①-⑳]")
_TRAIL_MARKUP_RX = re.compile(r"[ \t]*\*+[ \t]*$")
# a line holding only a value: 2023.01-2023.12, 80%, 1,200.5, 3.15, 2023/6/30 (a lone integer is a
# page number until the layout stage says otherwise)
_VALUE_LINE_RX = re.compile(r"[(（]?\d[\d,.，]*(?:[%‰]|\s*[-—–~～/]\s*\d[\d.,/]*)?[)）]?|[①-⑳]")


@dataclass(slots=True)
class Line:
    """One line of content: ``text`` is the folded text of ``match[start:end]``."""

    start: int
    end: int
    text: str
    lineno: int  # physical line number in the normalised text, 1-based
    gap_before: bool = False  # a blank line (or dropped line) precedes it
    inline: bool = False  # split off the line before it at an item label
    table: bool = False  # a row of table cells
    sep: str = "\t"  # what separates its cells: a tab, or "|" in a Markdown table
    page_break: bool = False  # a page number (and so perhaps a page break) came just before it
    aligned: bool = False  # a table row whose cells were placed by column position (spaces)
    bare: bool = False  # no Chinese, only a value (2023.01-2023.12, 80%, 1200): a cell or a wrapped piece
    stripped: str = field(init=False)  # the text without the spaces and tabs around it (read very often)

    def __post_init__(self) -> None:
        self.stripped = self.text.strip(" \t")


@dataclass
class _Compiled:
    toc_line: TimedPattern
    toc_heading: TimedPattern
    web_junk: TimedPattern
    page_number: TimedPattern
    columns: list[TimedPattern]
    running_header: TimedPattern


# Columns aligned with runs of spaces (a table pasted from a PDF or Word): the first space of each
# run becomes a tab, so the text keeps its length and every position still holds.
_SPACE_RUN_RX = re.compile(r"(?<=\S) {2,}(?=\S)")


def _compiled(rules: RuleSet) -> _Compiled:
    return per_ruleset(rules, __name__, _build)


def _build(rules: RuleSet) -> _Compiled:
    rc = compiler(rules)
    doc = rules.document
    c = _Compiled(rc(doc.toc_line), rc(doc.toc_heading), rc(doc.web_junk), rc(doc.page_number),
                  [rc(p) for p in doc.table_columns.values()], rc(doc.running_header))
    return c


def _spaced_header(body: str, rx: _Compiled) -> bool:
    """A table's heading row with its columns aligned by spaces: 序号    工作任务    牵头单位 …"""
    cells = _SPACE_RUN_RX.split(body.strip(" "))
    return len(cells) >= 3 and sum(1 for c in cells if any(p.match(c) for p in rx.columns)) >= 3


_CELL_RX = re.compile(r"\S+(?: \S+)*")


def _starts(raw: str) -> tuple[list[int], list[int]]:
    """Where each space-separated cell of ``raw`` starts, in characters and in display columns
    (a Chinese character is two columns wide in the editors that aligned the table)."""
    chars = [m.start() for m in _CELL_RX.finditer(raw)]
    disp: list[int] = []
    col = 0
    k = 0
    for i, c in enumerate(raw):
        if k < len(chars) and i == chars[k]:
            disp.append(col)
            k += 1
        col += 2 if unicodedata.east_asian_width(c) in "WF" else 1
    return chars, disp


def _columns_of(starts: list[int], heads: list[int]) -> list[int]:
    """The header column each cell falls under: the nearest heading, left to right."""
    out: list[int] = []
    for k, pos in enumerate(starts):
        lo = out[-1] + 1 if out else 0
        hi = len(heads) - (len(starts) - k)  # leave a column for each cell still to come
        if hi < lo:
            return list(range(len(starts)))
        out.append(min(range(lo, hi + 1), key=lambda j: abs(heads[j] - pos)))
    return out


def _cell_columns(raw: str, heads: tuple[list[int], list[int]]) -> list[int]:
    """The column of each space-separated cell of ``raw``, by characters or by display columns,
    whichever lines the cells up with the headings better."""
    chars, disp = _starts(raw)
    by_char, by_disp = _columns_of(chars, heads[0]), _columns_of(disp, heads[1])
    if len(chars) > len(heads[0]):
        return by_char  # more cells than headings: no column to measure against
    cost_char = sum(abs(heads[0][j] - p) for j, p in zip(by_char, chars, strict=True))
    cost_disp = sum(abs(heads[1][j] - p) for j, p in zip(by_disp, disp, strict=True))
    # display columns unless characters fit clearly better: editors and pdftotext lay Chinese
    # text out two columns to a character
    return by_char if cost_char + 2 * len(chars) < cost_disp else by_disp


def _tabbed(raw: str, cols: list[int] | None = None) -> str:
    """Tabs for the runs of spaces between cells: one per column crossed (``cols``: each cell's
    column), so an empty cell stays empty. The first spaces of a run become tabs, so the text
    keeps its length."""
    if cols is None:
        return _SPACE_RUN_RX.sub(lambda m: "\t" + m.group()[1:], raw)
    out = list(raw)
    prev_end, prev_col = 0, -1
    for m, col in zip(_CELL_RX.finditer(raw), cols, strict=True):
        tabs = col - prev_col if prev_col >= 0 else col
        for i in range(min(tabs, m.start() - prev_end)):
            out[prev_end + i] = "\t"
        prev_end, prev_col = m.end(), col
    return "".join(out)


def segment(norm: Normalised, rules: RuleSet, numbers: list[Line] | None = None) -> list[Line]:
    """Split normalised text into content lines.

    A lone number is taken for a page number and dropped; ``numbers`` (when given) receives those
    lines, since in a table flattened one cell per line the same line is a row number or a cell,
    which only the layout stage can tell."""
    rx = _compiled(rules)
    text = norm.match
    lines: list[Line] = []
    append = lines.append
    page_lines: list[int] = []
    toc: list[str] | None = None
    gap = False
    page_break = False
    line_start = 0
    # a long text with hardly any line breaks: its paragraphs are separated by spaces
    flat = len(text) > 300 and (text.count("\n") < 5 or text.count("\n") * 2000 < len(text))
    spaced: tuple[list[int], list[int]] | None = None  # the heading positions of a table aligned by spaces
    refine = False  # the column positions still come from the headings, not from a row
    piped = False  # the last content line was a row of cells between bars
    for lineno, raw in enumerate(text.split("\n"), 1):
        start = line_start
        line_start += len(raw) + 1
        if "\f" in raw or "\v" in raw:
            raw = raw.replace("\f", " ").replace("\v", " ")  # page breaks (pdftotext)
        aligned = False
        if "\t" not in raw and "  " in raw and _spaced_header(raw, rx):
            spaced, refine = _starts(raw), True
            raw = _tabbed(raw)
        elif spaced is not None and "\t" not in raw and raw.strip():
            cols = _cell_columns(raw, spaced)
            if refine and cols[0] == 0 and len(cols) == len(spaced[0]):
                # headings are often centred over their columns while cells are flush left:
                # the first full row says where the columns start
                spaced, refine = _starts(raw), False
                cols = list(range(len(cols)))
            if (cols[0] == 0 and len(cols) >= 2) or (cols[0] > 0 and not gap):
                # a row (its first cell under the first heading), or a row's text wrapped onto
                # this line under the columns it belongs to
                raw, aligned = _tabbed(raw, cols), True
            elif gap:
                spaced = None
        has_tab = "\t" in raw
        sep = "\t"
        # Cells of a table row keep their tabs: empty cells say which column a piece belongs to.
        edge = " " if has_tab else " \t"
        body = raw.strip(edge)
        if not body or (has_tab and not body.strip("\t")):
            gap = True
            continue
        a = start + raw.index(body[0])
        if not has_tab and ((body.count("|") >= 3 and (body[0] == "|" or " | " in body))
                            or (piped and not gap and " | " in body)):
            # a Markdown table row (| 1 | 任务 | … |), or a web table flattened with " | " between
            # cells (项目名称 | 工作任务 | 牵头单位 |): the outer bars are not cells
            has_tab, sep = True, "|"
            if body[0] == "|":
                body = body[1:]
                a += 1
            if body[-1] == "|":
                body = body[:-1]
            piped = True  # a row broken over lines goes on with fewer bars: 2 | 建设…泊位 / 1500个… | 12月底 |
        else:
            piped = False
        if not has_tab and body[-1] in _CELL_ENDS and (len(body) == 1 or body.count(body[-1]) == 1):
            # one cell a line, each ending with a separator (序号│ / 1│ / 推行…│); a separator alone on
            # a line divides rows or stands for an empty cell: the layout stage tells which
            body = body[:-1].rstrip(" \t")
            if not body:
                if numbers is not None:
                    numbers.append(Line(a, a + 1, raw.strip(edge), lineno, gap, bare=True))
                gap = True
                continue
        elif not has_tab and numbers is not None and (_RULE_LINE_RX.fullmatch(body) or body in EMPTY_CELLS):
            numbers.append(Line(a, a + len(body), body, lineno, gap, bare=True))
            gap = True
            continue
        if not has_tab and _DECOR_RX.match(body):
            head = _DECOR_RX.match(body)
            assert head is not None
            if head.end() == len(body):
                gap = True
                continue
            if body[0] not in _BULLETS or _LABELLED_RX.match(body, head.end()):
                # 🔷一、…: decoration before a label goes; a bullet (▲ 推进…) stays, it marks an item
                body = body[head.end():]
                a += head.end()
        if not has_tab and (body[0] in "*#" or body[-1] == "*"):
            head = _LEAD_MARKUP_RX.match(body)
            if head is not None and head.end():
                body = body[head.end():]
                a += head.end()
            body = _TRAIL_MARKUP_RX.sub("", body)
            if not body:
                gap = True
                continue
        # cheap tests first: most lines are neither junk, nor a TOC line, nor a page number
        if len(body) <= 24 and rx.page_number.match(body.strip(" \t")) is not None:
            if numbers is not None:
                numbers.append(Line(a, a + len(body), body, lineno, gap, bare=True))
            page_lines.append(lineno)
            page_break = True
            gap = True
            continue
        if body[0] == "目" and rx.toc_heading.match(body) is not None:
            toc = []  # a table of contents follows; without dot leaders it reads like headings
            gap = True
            continue
        if toc is not None:
            entry = _TOC_ENTRY_RX.sub("", body).replace(" ", "").replace("\t", "")
            if toc and entry == toc[0]:
                toc = None  # the body starts with the first entry again
            elif len(entry) <= 40 and "。" not in body and len(toc) < 200:
                toc.append(entry)
                gap = True
                continue
            else:
                toc = None
        if not has_tab and _VALUE_LINE_RX.fullmatch(body) is not None:
            # a value a converter put on a line of its own: a table cell, or a piece of a sentence
            append(Line(a, a + len(body), body, lineno, gap, bare=True))
            gap = page_break = False
            continue
        if (
            _HAN_RX.search(body) is None
            or (body[-1].isdigit() and rx.toc_line.search(body.strip(" \t")) is not None)
            or (len(body) <= 40 and rx.web_junk.match(body) is not None)
        ):
            gap = True
            continue
        circled = _CIRCLED_RX.search(body) is not None
        cuts = _inline_cuts(body, circled) if not has_tab and ("。" in body or circled) else []
        if not has_tab and ")" in body and _NOTE_HINT_RX.search(body):
            cuts += [m.end() for m in _AFTER_NOTE_RX.finditer(body)
                     if _NOTE_CUE_RX.search(m.group(1)) and 0 < m.end() < len(body)]
            cuts = sorted(set(cuts))
        if flat and not has_tab:
            # a plan whose line breaks were lost (spaces stand where they were)
            cuts = sorted({*cuts, *(m.end() for m in _LOST_BREAK_RX.finditer(body))} - {0, len(body)})
        if not cuts:
            append(Line(a, a + len(body), body, lineno, gap, False, has_tab, sep, page_break, aligned))
        else:
            bounds = [0, *cuts, len(body)]
            for k in range(len(bounds) - 1):
                seg = body[bounds[k]:bounds[k + 1]].rstrip(edge)
                lead = len(seg) - len(seg.lstrip(edge))
                ps = a + bounds[k] + lead
                append(Line(ps, ps + len(seg) - lead, seg[lead:], lineno, gap and k == 0, k > 0, has_tab,
                            page_break=page_break and k == 0))
        gap = False
        page_break = False
    return _drop_running_headers(lines, page_lines, rx) if page_lines else lines


# a page number after a TOC entry ("一、总体要求 3"), and the spaces before it
_TOC_ENTRY_RX = re.compile(r"[\s.·…]*\d{1,4}\s*$")
_HEADER_PUNCT_RX = re.compile(r"[。；;:：,，!！?？]")


def _drop_running_headers(lines: list[Line], page_lines: list[int], rx: _Compiled) -> list[Line]:
    """Drop a short line repeated next to page numbers (a running header or footer), or one
    right beside a page number that reads like a header (…文件)."""
    counts = Counter(ln.text for ln in lines if not ln.table and len(ln.text) <= 40)

    def near_page(lineno: int, within: int) -> bool:
        k = bisect.bisect_left(page_lines, lineno - within)
        return k < len(page_lines) and page_lines[k] <= lineno + within

    kept: list[Line] = []
    dropped = False
    for ln in lines:
        # three times or more near page numbers, or twice right beside them; and not a short
        # fragment a page break happened to cut off twice
        n = counts.get(ln.text, 0)
        if (n >= 2 and len(ln.text) >= 6 and not _HEADER_PUNCT_RX.search(ln.text)
                and near_page(ln.lineno, 2 if n >= 3 else 1)) or (
                    len(ln.text) <= 40 and near_page(ln.lineno, 2) and rx.running_header.match(ln.stripped)):
            dropped = True
            continue
        if dropped:
            ln.gap_before = ln.page_break = True  # a running header goes with a page break
            dropped = False
        kept.append(ln)
    return kept
