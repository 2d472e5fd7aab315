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

from .chinese import converter, detect_script

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_PINYIN = f"a-zü{_TONED}"
# A gloss is a pinyin syllable in parentheses right after the character it reads. Only toned
# syllables are taken after anything; toneless ones only right after a Han character, so that
# real parentheses — (市、區), (一期), (BIM) — are kept.
# Three patterns, each starting with a literal so the search skips ahead quickly.
_GLOSS_TONED_RX = re.compile(rf"\((?=[{_PINYIN}]*[{_TONED}])[{_PINYIN}]{{1,7}} ?\)")
_GLOSS_PLAIN_RX = re.compile(r"(?<=[\u3400-\u9fff\uf900-\ufaff])\([a-zü]{1,6}\)")
# a damaged gloss whose opening parenthesis was lost with its character: 以?xún)
_GLOSS_BROKEN_RX = re.compile(rf"(?<=\?)(?=[{_PINYIN}]*[{_TONED}])[{_PINYIN}]{{1,7}} ?\)")
# Only text with a toned vowel, or lowercase letters in parentheses, is searched in full.
_GLOSS_HINT_RX = re.compile(rf"[{_TONED}]|\([a-zü]{{1,6}}\)")
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
        return self.to_source(start), self.to_source(end - 1) + 1


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


def _strip_once(source: str) -> tuple[str, OffsetMap, int]:
    cuts = [m.span() for m in _DROP_RX.finditer(source)] if _DROP_HINT_RX.search(source) else []
    found = gloss_spans(source)
    glosses = len(found)
    cuts += found
    if not cuts:
        return source, OffsetMap([0], [0], len(source), len(source)), 0
    cuts.sort()
    pieces: list[str] = []
    norm_starts: list[int] = []
    src_starts: list[int] = []
    pos = 0
    norm = 0
    for a, b in cuts:
        a = max(a, pos)
        if a > pos:
            norm_starts.append(norm)
            src_starts.append(pos)
            pieces.append(source[pos:a])
            norm += a - pos
        pos = max(pos, b)
    if pos < len(source) or not norm_starts:
        norm_starts.append(norm)
        src_starts.append(pos)
        pieces.append(source[pos:])
        norm += len(source) - pos
    return "".join(pieces), OffsetMap(norm_starts, src_starts, norm, len(source)), glosses


def _compose(outer: OffsetMap, inner: OffsetMap) -> OffsetMap:
    """A map through ``inner`` (newest) then ``outer``: both are piecewise shifts."""
    norm_starts: list[int] = []
    src_starts: list[int] = []
    # Split every inner piece where it crosses an outer piece boundary.
    for k, ns in enumerate(inner.norm_starts):
        ne = inner.norm_starts[k + 1] if k + 1 < len(inner.norm_starts) else inner.norm_len
        ss = inner.src_starts[k]
        se = ss + (ne - ns)
        cut_points = [ss] + [b for b in outer.norm_starts if ss < b < se]
        for c in cut_points:
            norm_starts.append(ns + (c - ss))
            src_starts.append(outer.to_source(c))
    return OffsetMap(norm_starts or [0], src_starts or [0], inner.norm_len, outer.src_len)


def _strip(source: str) -> tuple[str, OffsetMap, int]:
    """Delete CRs before LF, zero-width characters and pinyin glosses; return text and map.

    Repeated until nothing changes, so normalising normalised text changes nothing.
    """
    text, offsets, glosses = _strip_once(source)
    for _ in range(8):
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


def normalise(source: str) -> Normalised:
    """Normalise decoded source text (a BOM is already gone)."""
    stripped, offsets, glosses = _strip(source)
    repaired = stripped.translate(DAMAGE_TABLE) if _DAMAGE_RX.search(stripped) else stripped
    script = detect_script(repaired)
    t2s = converter("t2s")
    clean = t2s.convert(repaired)
    match = fold_width(clean)
    damage = find_mojibake(clean)
    if glosses:
        damage.insert(0, Damage("pinyin_removed", f"removed {glosses} pinyin gloss(es) such as 關(guān)", 0, 0))
    return Normalised(source=source, written=stripped, clean=clean, match=match, offsets=offsets, script=script,
                      converter=t2s.name,
                      damage=damage)
