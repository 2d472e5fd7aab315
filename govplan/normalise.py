"""Stage 2, normalise: repair what can be repaired, flag what cannot, keep every offset.

Produces two texts of equal length:

* ``clean``: the source without carriage returns, zero-width characters and inserted pinyin
  glosses (``關(guān)於`` → ``關於``), with PDF look-alike characters (Kangxi radicals ⼀ U+2F00)
  replaced, converted to Simplified Chinese. Output text is cut from here.
* ``match``: ``clean`` with full-width forms folded to half-width (（一） → (一), ：→ :), so rules
  need one spelling. Rules run on this.

Only deletions change length; they are recorded in an offset map, so any position in the
normalised texts maps back to a position in the source text.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field

from . import markup
from .chinese import Converter, converter, detect_script, numeral_value
from .markup import Edit

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_PINYIN = f"a-zü{_TONED}"
# A gloss is a pinyin syllable in parentheses right after the character it reads. Only toned
# syllables are taken after anything; toneless ones only right after a Han character, so that
# real parentheses — (市、區), (一期), (BIM) — are kept. Radicals count as Han characters, since
# they become ones (⼀ → 一) and a second pass must find nothing left.
# Three patterns, each starting with a literal so the search skips ahead quickly.
_GLOSS_TONED_RX = re.compile(rf"\((?=[{_PINYIN}]*[{_TONED}])[{_PINYIN}]{{1,7}} ?\)")
_GLOSS_PLAIN_RX = re.compile(r"(?<=[\u2e80-\u2fdf\u3400-\u9fff\uf900-\ufaff])\([a-zü]{1,6}\)")
# a damaged gloss whose opening parenthesis was lost with its character: 以?xún)
_GLOSS_BROKEN_RX = re.compile(rf"(?<=\?)(?=[{_PINYIN}]*[{_TONED}])[{_PINYIN}]{{1,7}} ?\)")
# Only text with a toned vowel, or lowercase letters in parentheses, is searched in full.
_GLOSS_HINT_RX = re.compile(rf"[{_TONED}]|\([a-zü]{{1,6}}\)")
_FOLD_HINT_RX = re.compile(rf"[{_TONED}\uff41-\uff5a\uff06]|[(（][a-zü]")
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
# also HTML space entities that web pages leave in copied text
_DROP_RX = re.compile(rf"\r(?=\n)|[{_ZERO_WIDTH}]|&(?:nbsp|ensp|emsp|#160|#12288);")
_DROP_HINT_RX = re.compile(rf"[\r{_ZERO_WIDTH}]|&(?:nbsp|ensp|emsp|#160|#12288);")


def gloss_spans(text: str) -> list[tuple[int, int]]:
    """Spans of inserted pinyin glosses in ``text``."""
    if not _GLOSS_HINT_RX.search(text):
        return []
    spans = [m.span() for m in _GLOSS_TONED_RX.finditer(text)]
    spans += [m.span() for m in _GLOSS_PLAIN_RX.finditer(text)]
    if "?" in text:
        spans += [m.span() for m in _GLOSS_BROKEN_RX.finditer(text)]
    return spans


def _damage_table() -> dict[int, str]:
    """Characters PDFs and web pages substitute for ordinary ones, mapped back."""
    table: dict[int, str] = {}
    ranges = [(0x2E80, 0x2EFF), (0x2F00, 0x2FDF), (0xF900, 0xFAFF)]
    for lo, hi in ranges:
        for code in range(lo, hi + 1):
            norm = unicodedata.normalize("NFKC", chr(code))
            if len(norm) == 1 and norm != chr(code):
                table[code] = norm
    table[ord("\r")] = "\n"
    table[0xFE5D] = "〔"
    table[0xFE5E] = "〕"
    return table


def _width_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0xFF01, 0xFF5F):
        table[code] = chr(code - 0xFEE0)
    table[0x3000] = " "
    table[0x00A0] = " "
    table[0x2002] = " "
    table[0x2003] = " "
    table[0xFF5F] = "("
    table[0xFF60] = ")"
    return table


DAMAGE_TABLE = _damage_table()
WIDTH_TABLE = _width_table()
_DAMAGE_RX = re.compile("[\u2e80-\u2fdf\uf900-\ufaff\r\ufe5d\ufe5e]")
_WIDTH_MAP = {chr(k): v for k, v in WIDTH_TABLE.items()}
_WIDTH_RX = re.compile("[\uff01-\uff60\u3000\u00a0\u2002\u2003]")


_ASCII_FORMS_RX = re.compile("[\uff01-\uff60]")


def _ascii_forms(text: str) -> str:
    """Full-width forms of ASCII characters to ASCII, spaces kept (same length)."""
    return _ASCII_FORMS_RX.sub(lambda m: _WIDTH_MAP[m.group()], text) if _ASCII_FORMS_RX.search(text) else text


def _undamage(text: str) -> str:
    """Radicals, compatibility ideographs and look-alikes replaced (same length). They are sparse,
    so substituting them one by one is many times faster than ``str.translate`` over every character."""
    if _DAMAGE_RX.search(text) is None:
        return text
    return _DAMAGE_RX.sub(lambda m: DAMAGE_TABLE.get(ord(m.group()), m.group()), text)


_CR_RX = re.compile(r"\r\n?")


def _view(text: str) -> str:
    """The text as the stages find markup and fragments in it (same length): full-width forms as
    ASCII, and line ends as the clean text will have them — a CR alone is a line break (the damage
    table makes it one), a CR before LF a space (it is dropped) — so that a second normalisation,
    which reads the clean text, finds what the first found."""
    text = _ascii_forms(text)
    if "\r" not in text:
        return text
    return _CR_RX.sub(lambda m: " \n" if len(m.group()) == 2 else "\n", text)


def fold_width(text: str) -> str:
    """Full-width forms to half-width. Such characters are sparse, so substituting them one by
    one is many times faster than ``str.translate`` over every character."""
    return _WIDTH_RX.sub(lambda m: _WIDTH_MAP[m.group()], text)

# replacement character, bopomofo, kana, box drawing, maths operators; or "?" after a Han character
# (but not the comparison signs plans write in targets: ≥ ≤ ≠ ≈ ± ∶)
_SEED_CLASS_RX = re.compile(
    r"[\ufffd\u3100-\u312f\u31a0-\u31bf\u3040-\u30ff\u2500-\u257f\u2200-\u2235\u2237-\u2247\u2249-\u225f"
    r"\u2262\u2263\u2266-\u22ff]")
_SEED_Q_RX = re.compile(r"(?<=[\u4e00-\u9fff])\?(?=\S)")


def _seeds(text: str) -> list[int]:
    """Where damaged text may start: odd characters, or "?" right after a Han character."""
    found = [m.start() for m in _SEED_CLASS_RX.finditer(text)]
    if "?" in text:
        found += [m.start() for m in _SEED_Q_RX.finditer(text)]
    return sorted(found)
# xx / XX standing alone, or one x between Han characters (市x局). Each branch starts with the
# letter and looks behind afterwards, so the search skips straight to x/X.
_PLACEHOLDER_RX = re.compile(
    r"(?:x(?<![A-Za-z]x)x+|X(?<![A-Za-z]X)X+)(?![A-Za-z])|[xX](?<=[\u3400-\u9fff][xX])(?=[\u3400-\u9fff%])"
)


@dataclass
class OffsetMap:
    """Maps positions in the normalised text to positions in the source text."""

    norm_starts: list[int]
    src_starts: list[int]
    norm_len: int
    src_len: int
    # the last character of a replacement shorter than what it replaced (&quot; → "): where that ends
    ends: dict[int, int] = field(default_factory=dict)

    def to_source(self, pos: int) -> int:
        """Source position of normalised position ``pos`` (``pos == len`` maps to the end)."""
        if pos >= self.norm_len:
            return self.src_len
        k = bisect.bisect_right(self.norm_starts, pos) - 1
        return self.src_starts[k] + (pos - self.norm_starts[k])

    def span_to_source(self, start: int, end: int) -> tuple[int, int]:
        """Source [start, end) covering normalised [start, end)."""
        if end <= start:
            s = self.to_source(start)
            return s, s
        return self.to_source(start), self.ends.get(end - 1) or self.to_source(end - 1) + 1


@dataclass
class Damage:
    code: str
    message: str
    start: int  # normalised positions
    end: int


@dataclass
class Normalised:
    source: str
    written: str  # the source as written less glosses and CRs before LF: what ``raw`` values show
    clean: str
    match: str
    offsets: OffsetMap
    script: str
    converter: str
    damage: list[Damage] = field(default_factory=list)


def _apply(text: str, edits: list[Edit]) -> tuple[str, OffsetMap]:
    """Apply edits ``(start, end, replacement)`` (replacement no longer than what it replaces).

    A replacement takes the source positions of the first characters it replaces and the rest
    are deleted, so the map stays a list of shifts. Overlapping deletions merge; any other edit
    that overlaps an earlier one is left out.
    """
    pieces: list[str] = []
    norm_starts: list[int] = []
    src_starts: list[int] = []
    ends: dict[int, int] = {}
    pos = 0
    norm = 0
    for a, b, rep in sorted(edits, key=lambda e: (e[0], -e[1])):
        if a < pos:
            if rep or b <= pos:
                continue
            a = pos
        if a > pos or rep:
            norm_starts.append(norm)
            src_starts.append(pos)
            pieces.append(text[pos:a])
            pieces.append(rep)
            norm += a - pos + len(rep)
            if rep and b - a > len(rep):
                ends[norm - 1] = b
        pos = b
    if pos < len(text) or not norm_starts:
        norm_starts.append(norm)
        src_starts.append(pos)
        pieces.append(text[pos:])
        norm += len(text) - pos
    return "".join(pieces), OffsetMap(norm_starts, src_starts, norm, len(text), ends)


def _drop_edits(source: str) -> tuple[list[Edit], int]:
    cuts = [m.span() for m in _DROP_RX.finditer(source)] if _DROP_HINT_RX.search(source) else []
    found = gloss_spans(source)
    return [(a, b, "") for a, b in cuts + found], len(found)


# Pieces a converter put on lines of their own: an opening bracket, the numeral inside it, digits
# of a label before its dot, a value inside a sentence. Their line breaks are deleted.
_FRAGMENT_HINT_RX = re.compile(r"\n[ \t\u3000]*(?:\(|\d{1,6}(?:\.\d+)?[%‰]?|[一二三四五六七八九十]{1,3})[ \t\u3000]*\n")
_NUMERAL_LINE_RX = re.compile(r"[一二三四五六七八九十]{1,3}|\d{1,2}")
_VALUE_LINE_RX = re.compile(r"\d{1,6}(?:[.,]\d+)*[%‰]?")
# what may follow a number inside a sentence: a counter, a unit, a percent sign, a clause mark
_AFTER_VALUE_RX = re.compile(
    r"[%‰个月日年万亿千百人户家所名项处座条台套次支米亩吨元倍天辆张册场批件栋间床株岁分秒度份只头枚,，。;；、)]"
    r"|公里|公顷|平方|立方|小时")
_TERMINAL_END = set("。；;！!？?:：")


def _fragment_edits(text: str) -> list[Edit]:
    """Line breaks to delete around fragments (（ / 三 / ）推进…, 1 / 2 / .推进…, 达到 / 98% / 。)."""
    if _FRAGMENT_HINT_RX.search(text) is None:
        return []
    lines: list[tuple[int, int, str]] = []  # start, end (at its newline), stripped text
    pos = 0
    for raw in text.split("\n"):
        lines.append((pos, pos + len(raw), raw.strip(" \t\u3000")))
        pos += len(raw) + 1
    edits: list[Edit] = []

    def join(k: int) -> None:
        """Delete the break after line k and the indent of the line after it."""
        nxt = lines[k + 1]
        indent = len(text[nxt[0]:nxt[1]]) - len(text[nxt[0]:nxt[1]].lstrip(" \t\u3000"))
        edits.append((lines[k][1], nxt[0] + indent, ""))

    for k in range(len(lines) - 1):
        prev, cur, nxt = lines[k - 1][2] if k else "", lines[k][2], lines[k + 1][2]
        if not cur or not nxt:
            continue
        if cur == "(" and _NUMERAL_LINE_RX.fullmatch(nxt):
            join(k)  # （ / 三 / ）…
        elif _NUMERAL_LINE_RX.fullmatch(cur) and prev == "(" and nxt[0] == ")":
            join(k)
        elif cur.isdigit() and len(cur) <= 2 and ((nxt[0] in ".、" and len(nxt) > 1 and not nxt[1].isdigit())
                                                 or (nxt.isdigit() and len(nxt) <= 2 and k + 2 < len(lines)
                                                     and lines[k + 2][2][:1] in (".", "、"))):
            join(k)  # 1 / 2 / .推进…: the digits of a label, then its dot
        elif _VALUE_LINE_RX.fullmatch(cur) and prev and prev[-1] not in _TERMINAL_END \
                and (ord(prev[-1]) > 0x2e80 or prev[-1] == "(") and _AFTER_VALUE_RX.match(nxt):
            join(k - 1)  # 达到 / 98% / 。: a value inside a sentence
            join(k)
    return edits


def _strip_once(source: str) -> tuple[str, OffsetMap, int]:
    """One round of deletions: the SQL around a stored page, escapes, tags and entities, then
    CRs before LF, zero-width characters and pinyin glosses."""
    text = source
    offsets: OffsetMap | None = None
    glosses = 0
    # Markup is found in the text with full-width forms read as ASCII (＜ｐ＞, ＆ａｍｐ；, （guān）), as
    # the match text has them, so that normalising the match text finds nothing more.
    view = _view(text)
    for stage in (markup.sql_edits, markup.escape_edits, markup.tag_edits, markup.entity_edits, _fragment_edits,
                  None):
        if stage is None:  # glosses as the match text has them, spaces folded too: (jìn\u3000)
            # folding costs a pass over the text: only where a gloss or a full-width letter may be
            edits, glosses = _drop_edits(fold_width(text) if _FOLD_HINT_RX.search(text) else text)
        else:
            edits = stage(view)
        if not edits:
            continue
        text, inner = _apply(text, edits)
        view = _view(text)
        offsets = inner if offsets is None else _compose(offsets, inner)
    if offsets is None:
        return source, OffsetMap([0], [0], len(source), len(source)), 0
    return text, offsets, glosses


def _compose(outer: OffsetMap, inner: OffsetMap) -> OffsetMap:
    """A map through ``inner`` (newest) then ``outer``: both are piecewise shifts."""
    norm_starts: list[int] = []
    src_starts: list[int] = []
    bounds = outer.norm_starts
    # Split every inner piece where it crosses an outer piece boundary.
    for k, ns in enumerate(inner.norm_starts):
        ne = inner.norm_starts[k + 1] if k + 1 < len(inner.norm_starts) else inner.norm_len
        ss = inner.src_starts[k]
        se = ss + (ne - ns)
        norm_starts.append(ns)
        src_starts.append(outer.to_source(ss))
        for j in range(bisect.bisect_right(bounds, ss), bisect.bisect_left(bounds, se)):
            norm_starts.append(ns + (bounds[j] - ss))
            src_starts.append(outer.to_source(bounds[j]))
    ends = {n: outer.ends.get(b - 1) or outer.to_source(b - 1) + 1 for n, b in inner.ends.items()}
    for p, b in outer.ends.items():
        n = _forward(inner, p)
        if n < inner.norm_len and inner.to_source(n) == p:  # that character is still there
            ends[n] = max(ends.get(n, 0), b)
    return OffsetMap(norm_starts or [0], src_starts or [0], inner.norm_len, outer.src_len, ends)


# rounds of stripping, and of repairing, before giving up on reaching a fixed point
_ROUNDS = 8


def _strip(source: str) -> tuple[str, OffsetMap, int]:
    """Delete markup, CRs before LF, zero-width characters and pinyin glosses; return text and map.

    Repeated until nothing changes, so normalising normalised text changes nothing.
    """
    text, offsets, glosses = _strip_once(source)
    if text is source:
        return text, offsets, glosses  # nothing to strip: a second round would find nothing either
    for _ in range(_ROUNDS):
        again, inner, more = _strip_once(text)
        if again == text:
            break
        offsets = _compose(offsets, inner)
        text = again
        glosses += more
    return text, offsets, glosses


def _is_weird(c: str) -> bool:
    if c in "?\ufffd":
        return True
    code = ord(c)
    if 0x3100 <= code <= 0x312F or 0x31A0 <= code <= 0x31BF or 0x3040 <= code <= 0x30FF:
        return True
    if c in "≥≤≠≈±∶":
        return False
    if 0x2500 <= code <= 0x257F or 0x2200 <= code <= 0x22FF:
        return True
    if "\u4e00" <= c <= "\u9fff":
        try:
            c.encode("gb2312")
        except UnicodeEncodeError:
            return True
    return False


# --- GBK text decoded one byte out of step ---------------------------------------------------
# A byte lost before a line (shown as "?") makes every two bytes of the GBK text that follows
# decode as one wrong character, (trail, lead) instead of (lead, trail), until an ASCII byte
# brings the decoder back in step; pairs in the user-defined areas vanish.
# （二）推進 → ?。ǘ┩七M. Encoding the wrong characters back to GBK and reading the bytes in
# step again gives the text back, less what vanished.
_SHIFT_HINT_RX = re.compile("[?\ufffd](?=[^\x00-\x7f])")
_EOL_RX = re.compile("[\r\n]")
_RUN_MAX = 4000
_LABEL_RX = re.compile(r"[ \t\u3000]*([（(]?)([一二三四五六七八九十]{1,3}|[0-9]{1,3})([）)、.．])")
_CN_DIGITS = "零一二三四五六七八九"
_OPEN_CLOSE = {"（": "）", "(": ")", "": ""}
_WIDE = {"（": "(", "）": ")", "(": "（", ")": "）"}


def _gbk(c: str) -> bytes | None:
    if c.isascii():
        return c.encode()
    try:
        b = c.encode("gb18030")
    except UnicodeEncodeError:
        return None
    return b if len(b) == 2 else None


def _pair(lead: int, trail: int) -> str | None:
    """What a GBK decoder makes of two bytes: None when they are not a character, "" when it is
    a user-defined one (such characters vanish from web pages)."""
    if lead < 0x81 or not 0x40 <= trail <= 0xFE or trail == 0x7F:
        return None
    try:
        c = bytes((lead, trail)).decode("gb18030")
    except UnicodeDecodeError:
        return None
    return "" if unicodedata.category(c) == "Co" else c


def _common(c: str, t2s: Converter) -> bool:
    """A character of ordinary Chinese text: a GB2312 Han character or punctuation mark, or the
    traditional form of a GB2312 character."""
    for form in (c, t2s.convert(c)):
        try:
            b = form.encode("gb2312")
        except UnicodeEncodeError:
            continue
        if b[0] >= 0xB0 or b[0] in (0xA1, 0xA2, 0xA3):
            return True
    return False


def _odd(c: str, t2s: Converter) -> bool:
    """A character typical of GBK bytes read out of step: kana, Greek, pinyin, bopomofo and box
    drawing (GBK rows A4-A9), user-defined or rare characters."""
    b = _gbk(c)
    if b is None or len(b) == 1:
        return False
    return 0xA4 <= b[0] <= 0xA9 or not _common(c, t2s)


def _in_step(chars: str, lead: int, t2s: Converter, *, lenient: bool) -> tuple[str, int] | None:
    """Read ``chars`` back in step, ``lead`` being the byte left over before them: the text and
    how many characters it took until the decoder was back in step. A pair that is no ordinary
    character fails, or, when ``lenient``, stands as "?" (a lost character)."""
    out: list[str] = []
    for k, c in enumerate(chars):
        if c in "?\ufffd":  # the lead's trail and an ASCII character after it were lost
            out.append("?")
            return "".join(out), k + 1
        # a full-width form counts as its ASCII twin, so that folded text reads the same
        b = _gbk(_WIDTH_MAP.get(c, c))
        if b is None or (len(b) == 1 and b[0] < 0x40):
            # no trail byte (or none a line can hold): the lead stands alone, the run ends before c
            if not lenient or not out:
                return None
            out.append("?")
            return "".join(out), k
        d = _pair(lead, b[0])
        if not d or not _common(d, t2s):
            if not lenient:
                return None
            d = "?"
        out.append(d)
        if len(b) == 1:
            return "".join(out), k + 1
        if b[1] < 0x80:  # an ASCII character read as the trail of a pair: back in step after it
            out.append(chr(b[1]))
            return "".join(out), k + 1
        lead = b[1]
    return None  # never back in step before the line ended


def _out_of_step(data: bytes) -> tuple[str, bytes]:
    """What the damaging decoder shows for ``data`` read from its first byte, and a byte left over."""
    out: list[str] = []
    i = 0
    while i < len(data):
        if data[i] < 0x80:
            out.append(chr(data[i]))
            i += 1
        elif i + 1 < len(data):
            d = _pair(data[i], data[i + 1])
            out.append("?" if d is None else d)
            i += 2
        else:
            return "".join(out), data[i:]
    return "".join(out), b""


def _balanced(text: str) -> bool:
    return text.count("（") + text.count("(") == text.count("）") + text.count(")")


def _label_text(opener: str, value: int, closer: str, chinese: bool) -> str | None:
    if not 0 < value < 100:
        return None
    if chinese:
        tens, ones = divmod(value, 10)
        num = ("" if tens < 2 else _CN_DIGITS[tens]) + ("十" if tens else "") + (_CN_DIGITS[ones] if ones else "")
    else:
        num = str(value)
    return opener + num + closer


class _Labels:
    """Numbering labels at line starts, for the label a damaged line must carry."""

    def __init__(self, text: str, starts: list[int]) -> None:
        self.text = text
        self.starts = starts
        self.fixed: dict[int, str] = {}

    def label(self, k: int) -> tuple[str, int, str, bool] | None:
        line = self.fixed.get(k)
        if line is None:
            a = self.starts[k]
            line = self.text[a:a + 12]
        m = _LABEL_RX.match(line)
        if not m:
            return None
        opener, num, closer = m.groups()
        if not ((opener and closer in "）)") or (not opener and closer in "、.．")):
            return None
        chinese = not num.isdigit()
        value = numeral_value(num)
        return None if value is None else (opener, value, closer, chinese)

    def expected(self, k: int, reach: int = 40) -> set[str]:
        """Labels the numbering around line ``k`` allows there: one after the label above, one
        before the label below (either bracket width)."""
        found: set[str] = set()
        above = range(k - 1, max(k - reach, 0) - 1, -1)
        below = range(k + 1, min(k + reach, len(self.starts)))
        for rng, step in ((above, 1), (below, -1)):
            for j in rng:
                got = self.label(j)
                if got:
                    opener, value, closer, chinese = got
                    for o, c in ((opener, closer), (_WIDE.get(opener, opener), _WIDE.get(closer, closer))):
                        lab = _label_text(o, value + step, c, chinese)
                        if lab:
                            found.add(lab)
                    break
        return found


def _from_label(run: str, label: str, t2s: Converter) -> tuple[str, int] | None:
    """``run`` ("?" and what follows) repaired as a line starting with ``label``, and how many of
    its characters that takes, when reading the label out of step shows exactly the characters
    ``run`` starts with."""
    first = _gbk(run[1]) if len(run) > 1 else None
    coded = [_gbk(c) for c in label]
    if first is None or len(first) != 2 or any(c is None for c in coded):
        return None
    shown, left = _out_of_step(first[:1] + b"".join(c for c in coded if c))
    if not run.startswith(shown, 1):
        return None
    k = 1 + len(shown)
    if not left:
        return label, k
    nxt = _gbk(run[k]) if k < len(run) else None
    if nxt is None or len(nxt) != 2 or nxt[0] != left[0]:
        return None
    tail = _in_step(run[k + 1:], nxt[1], t2s, lenient=True)
    if tail is None:
        return None
    return label + tail[0], k + 1 + tail[1]


def repair_misaligned(text: str) -> tuple[list[Edit], list[tuple[int, int, str, str]]]:
    """Edits that repair runs of GBK text decoded one byte out of step, and for each repair its
    span, what was shown and what it was read as.

    A run starts at a "?" (the lost byte) and must look damaged (an odd character). It is
    repaired when it reads back in step as ordinary Chinese with balanced brackets, or, at the
    start of a line, when exactly one label the numbering around it allows, read out of step,
    shows exactly its first characters; the rest of the run is then read back leniently (what
    was lost stays "?").
    """
    if ("?" not in text and "\ufffd" not in text) or not _SHIFT_HINT_RX.search(text):
        return [], []
    t2s = converter("t2s")
    # a lone CR ends a line too: the clean text has a line break there
    starts = [0] + [m.end() for m in _EOL_RX.finditer(text)]
    labels = _Labels(text, starts)
    edits: list[Edit] = []
    repairs: list[tuple[int, int, str, str]] = []
    last = 0
    for m in _SHIFT_HINT_RX.finditer(text):
        q = m.start()
        if q < last:
            continue
        k = bisect.bisect_right(starts, q) - 1
        # (a run back in step after thousands of characters is not told from chance; the cap keeps
        # text full of "?" linear)
        run = text[q:min(starts[k + 1] - 1 if k + 1 < len(starts) else len(text), q + _RUN_MAX)]
        first = _gbk(run[1])
        found: tuple[str, int] | None = None
        if first is not None and len(first) == 2:
            direct = _in_step(run[2:], first[1], t2s, lenient=False)
            if direct and len(direct[0]) > 1 and _balanced(direct[0]):
                found = direct[0], 2 + direct[1]
        at_start = not text[starts[k]:q].strip(" \t\u3000")
        if found is None and at_start:
            options = {r for lab in labels.expected(k) if (r := _from_label(run, lab, t2s))}
            if len(options) == 1:
                found = options.pop()
        if found is None:
            continue
        fixed, taken = found
        if len(fixed) > taken or not any(_odd(c, t2s) for c in run[1:taken]):
            continue
        end = q + taken
        if fixed.endswith("?") and run[taken - 1] in "?\ufffd":
            # The run ended at a lost pair shown as "?". A second pass would take that mark for
            # the lost byte starting a run after it, so this pass does too: the mark stays out of
            # this repair and may start the next one.
            fixed, end = fixed[:-1], end - 1
            if run[taken - 1] == "\ufffd":
                edits.append((end, end + 1, "?"))  # dropped by _apply if a run starts there
        edits.append((q, end, fixed))
        repairs.append((q, end, run[:taken], fixed))
        if at_start:
            labels.fixed[k] = fixed
        last = end
    return edits, repairs


def find_mojibake(text: str) -> list[Damage]:
    """Runs of characters typical of text decoded with the wrong encoding, or lost characters."""
    found: list[Damage] = []
    last_end = -1
    n = len(text)
    for seed in _seeds(text):
        if seed < last_end:
            continue
        lo = hi = seed
        weird = 1
        # grow to the right while another odd character follows within three characters
        j = hi + 1
        while j < n and j <= hi + 3:
            c = text[j]
            if c in "\n\t ,，。；;:：、":
                break
            if _is_weird(c) or (c.isascii() and c.isalpha() and j + 1 < n and not text[j + 1].isascii()):
                hi = j
                weird += 1
            j += 1
        j = lo - 1
        while j >= 0 and j >= lo - 3:
            c = text[j]
            if c in "\n\t ,，。；;:：、":
                break
            if _is_weird(c):
                lo = j
                weird += 1
            j -= 1
        lo = max(lo - 1, 0) if lo > 0 and "\u4e00" <= text[lo - 1] <= "\u9fff" and weird >= 2 else lo
        end = hi + 1
        snippet = text[lo:end]
        if weird >= 2:
            found.append(Damage("mojibake", f"damaged text (mojibake), not repaired: {snippet!r}", lo, end))
        else:
            found.append(Damage("lost_character", f"a character was lost (shown as {text[seed]!r}) in: "
                                f"{text[max(lo - 4, 0):end + 4]!r}", lo, end))
        last_end = end
    return _merge_close(found, text)


def _merge_close(found: list[Damage], text: str) -> list[Damage]:
    """Join findings a few characters apart into one run (a punctuation mark can sit inside)."""
    merged: list[Damage] = []
    for d in found:
        if merged and d.start - merged[-1].end <= 3:
            prev = merged.pop()
            merged.append(Damage("mojibake", "", prev.start, d.end))
        else:
            merged.append(d)
    for d in merged:
        if not d.message:
            d.message = f"damaged text (mojibake), not repaired: {text[d.start:d.end]!r}"
    return merged


def find_placeholders(text: str) -> list[tuple[int, int]]:
    if "x" not in text and "X" not in text:
        return []
    return [m.span() for m in _PLACEHOLDER_RX.finditer(text)]


def _forward(m: OffsetMap, pos: int) -> int:
    """Where source position ``pos`` lands in the text ``m`` maps from (a deleted position: where
    the text after it starts)."""
    k = bisect.bisect_right(m.src_starts, pos) - 1
    if k < 0:
        return 0
    size = (m.norm_starts[k + 1] if k + 1 < len(m.norm_starts) else m.norm_len) - m.norm_starts[k]
    return m.norm_starts[k] + min(pos - m.src_starts[k], size)


# Where a run may start in the clean or match text too: conversion makes no "?" and no ASCII
# character non-ASCII, folding makes "?" only of "？".
_RUN_HINT_RX = re.compile("[?\ufffd？](?=[^\x00-\x7f])")


def _convert(text: str) -> str:
    """The clean text of stripped and repaired text: look-alikes replaced, Simplified."""
    return converter("t2s").convert(_undamage(text))


def _repair(text: str, offsets: OffsetMap) -> tuple[str, OffsetMap, int, list[tuple[int, int, str, str]]]:
    """Misaligned runs repaired, then markup stripped again, until nothing changes: a repair can
    settle the numbering a run on another line is read by, or leave a "?" that starts a run, and
    a second normalisation must find nothing left to do. Repairs are given in the final text."""
    glosses = 0
    records: list[tuple[int, int, str, str]] = []
    for _ in range(_ROUNDS):
        edits, repairs = repair_misaligned(text)
        if not edits and not _RUN_HINT_RX.search(text):
            break  # no run can start anywhere, in the converted texts either
        if not edits:
            # A second normalisation reads the clean text (radicals replaced, Simplified) or the
            # match text (folded too): what a run reads as there is read here too. Both keep positions.
            clean = _convert(text)
            if clean != text:
                edits, repairs = repair_misaligned(clean)
            match = fold_width(clean)
            if not edits and match != clean:
                edits, repairs = repair_misaligned(match)
        if not edits:
            break
        text, inner = _apply(text, edits)
        offsets = _compose(offsets, inner)
        records = [(_forward(inner, a), _forward(inner, b), shown, fixed) for a, b, shown, fixed in records]
        records += [(_forward(inner, a), _forward(inner, a) + len(fixed), shown, fixed)
                    for a, _b, shown, fixed in repairs]
        again, inner, more = _strip(text)
        if again != text:
            text = again
            offsets = _compose(offsets, inner)
            records = [(_forward(inner, a), _forward(inner, b), shown, fixed) for a, b, shown, fixed in records]
            glosses += more
    return text, offsets, glosses, sorted(records)


def normalise(source: str) -> Normalised:
    """Normalise decoded source text (a BOM is already gone)."""
    stripped, offsets, glosses = _strip(source)
    stripped, offsets, more, repairs = _repair(stripped, offsets)
    glosses += more
    repaired = _undamage(stripped)
    script = detect_script(repaired)
    t2s = converter("t2s")
    clean = t2s.convert(repaired)
    match = fold_width(clean)
    damage = find_mojibake(clean)
    for k, (a, b, shown, fixed) in enumerate(repairs):
        if shown[-1] in "?\ufffd" and stripped[b:b + 1] == "?":  # the lost pair's mark, no run after it
            fixed, b = fixed + "?", b + 1
        damage.insert(k, Damage("mojibake", f"repaired GBK text read one byte out of step: {shown!r} read as "
                                f"{fixed!r} (bytes lost with it can leave a character wrong or missing"
                                + ("; '?' marks those known lost)" if "?" in fixed else ")"), a, b))
    if glosses:
        damage.insert(0, Damage("pinyin_removed", f"removed {glosses} pinyin gloss(es) such as 關(guān)", 0, 0))
    return Normalised(source=source, written=stripped, clean=clean, match=match, offsets=offsets, script=script,
                      converter=t2s.name,
                      damage=damage)
