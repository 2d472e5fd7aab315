"""Stage 3, segment: normalised text to the lines that carry content.

Drops blank lines, table-of-contents lines, page numbers and lines with no Chinese at all (web-page
junk such as ``");``), strips Markdown emphasis a web copy leaves, and splits a line where a new
numbered item starts after a full stop (``…“应管尽管”。1.推动…``). Hard line wraps are not joined
here: whether a line continues the one before depends on the numbering, which the structure stage
knows.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from .normalise import Normalised
from .rules import RuleSet, TimedPattern, compiler

_INLINE_LABEL_RX = regex.compile(
    r"(?<=。)[ \t]*(?=(?:\d{1,2}[.、](?![\d])|[⒈-⒛]|\(\d{1,2}\)|[⑴-⒇①-⑳]|\([一二三四五六七八九十]{1,3}\))"
    r"[ \t]*[\p{Han}“])"
)
_HAN_RX = regex.compile(r"\p{Han}")
_LEAD_MARKUP_RX = regex.compile(r"(?:[*#]+[ \t]*)+")
_TRAIL_MARKUP_RX = regex.compile(r"[ \t]*\*+[ \t]*$")


@dataclass
class Line:
    """One line of content: ``text`` is the folded text of ``match[start:end]``."""

    start: int
    end: int
    text: str
    lineno: int  # physical line number in the normalised text, 1-based
    gap_before: bool = False  # a blank line (or dropped line) precedes it
    inline: bool = False  # split off the line before it at an item label
    table: bool = False  # tab-separated cells

    @property
    def stripped(self) -> str:
        return self.text.strip(" \t")


@dataclass
class _Compiled:
    toc_line: TimedPattern
    toc_heading: TimedPattern
    page_number: TimedPattern


_CACHE: dict[int, tuple[RuleSet, _Compiled]] = {}


def _compiled(rules: RuleSet) -> _Compiled:
    rc = compiler(rules)
    hit = _CACHE.get(id(rules))
    if hit is not None and hit[0] is rules:
        return hit[1]
    doc = rules.document
    c = _Compiled(rc(doc.toc_line), rc(doc.toc_heading), rc(doc.page_number))
    _CACHE[id(rules)] = (rules, c)
    return c


def segment(norm: Normalised, rules: RuleSet) -> list[Line]:
    """Split normalised text into content lines."""
    rx = _compiled(rules)
    text = norm.match
    lines: list[Line] = []
    pos = 0
    lineno = 0
    gap = False
    n = len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        if nl < 0:
            nl = n
        lineno += 1
        raw = text[pos:nl]
        line_start = pos
        pos = nl + 1
        has_tab = "\t" in raw.strip(" ")
        # Cells of a table row keep their tabs: empty cells say which column a piece belongs to.
        edge = " " if has_tab else " \t"
        body = raw.lstrip(edge)
        a = line_start + (len(raw) - len(body))
        body = body.rstrip(edge)
        if not has_tab:
            head = _LEAD_MARKUP_RX.match(body)
            if head is not None and head.end():
                body = body[head.end():]
                a += head.end()
            body = _TRAIL_MARKUP_RX.sub("", body)
        if not body.strip(" \t"):
            gap = True
            if nl >= n:
                break
            continue
        plain = body.strip(" \t")
        if (
            not _HAN_RX.search(body)
            or rx.toc_line.search(plain)
            or rx.toc_heading.match(plain)
            or rx.page_number.match(plain)
        ):
            gap = True
            if nl >= n:
                break
            continue
        b = a + len(body)
        pieces = [a]
        if "。" in body and not has_tab:
            pieces += [a + m.start() for m in _INLINE_LABEL_RX.finditer(body) if 0 < m.start() < len(body)]
        for k, ps in enumerate(pieces):
            pe = pieces[k + 1] if k + 1 < len(pieces) else b
            seg = text[ps:pe].rstrip(edge)
            lead = len(seg) - len(seg.lstrip(" " if has_tab else " \t"))
            lines.append(Line(start=ps + lead, end=ps + len(seg), text=seg[lead:], lineno=lineno,
                              gap_before=gap and k == 0, inline=k > 0, table=has_tab))
        gap = False
        if nl >= n:
            break
    return lines
