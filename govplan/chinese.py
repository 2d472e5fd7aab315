"""Chinese text helpers: fast Traditional/Simplified conversion and numeral values.

Conversion uses the dictionaries shipped with opencc-python-reimplemented (the data is right), but
applies them the fast way: one ``str.translate`` table for characters plus one regex for the phrases
whose conversion differs from converting their characters one by one (leftmost-longest matching,
as OpenCC's maximum forward matching does). Only length-preserving entries are used, so a position
in converted text is the same position in the input.
"""

from __future__ import annotations

import functools
import importlib.metadata
import re
from collections import Counter
from pathlib import Path
from typing import Any, Literal

Direction = Literal["t2s", "s2t"]

_FILES: dict[str, tuple[str, str]] = {
    "t2s": ("TSCharacters.txt", "TSPhrases.txt"),
    "s2t": ("STCharacters.txt", "STPhrases.txt"),
}


def _opencc_dir() -> Path:
    import opencc  # the package is only needed for its dictionary files

    return Path(opencc.__file__).resolve().parent / "dictionary"


def _read_dict(path: Path) -> dict[str, str]:
    table: dict[str, str] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            key, _, values = line.rstrip("\n").partition("\t")
            if not key or not values:
                continue
            first = values.split(" ")[0]
            if len(first) == len(key):
                table[key] = first
    return table


class Converter:
    """Length-preserving OpenCC conversion in one direction."""

    def __init__(self, direction: Direction) -> None:
        chars_file, phrases_file = _FILES[direction]
        base = _opencc_dir()
        chars = {k: v for k, v in _read_dict(base / chars_file).items() if len(k) == 1 and k != v}
        if direction == "t2s":
            # Hong Kong and Taiwan variant forms (衞, 敍, 糭) are missing from TSCharacters; OpenCC
            # reaches them through a second pass.  Fold them in when their standard Traditional
            # form has a Simplified one, which keeps out 著/抬/么, also standard Simplified.
            for variants in ("HKVariantsRev.txt", "TWVariantsRev.txt"):
                for k, v in _read_dict(base / variants).items():
                    if len(k) == 1 and k not in chars and v in chars:
                        chars[k] = chars[v]
        self.direction = direction
        self._table = str.maketrans(chars)
        self._chars = frozenset(chars)
        self._delete = str.maketrans(dict.fromkeys(chars))
        phrases = {
            k: v
            for k, v in _read_dict(base / phrases_file).items()
            if len(k) > 1 and k.translate(self._table) != v
        }
        self._phrases = phrases
        self._phrase_first = frozenset(k[0] for k in phrases)
        self._np_arrays: tuple[Any, Any, Any] | None = None
        # A few hundred phrases (t2s): one stdlib alternation, leftmost-longest by ordering.
        # Tens of thousands (s2t): look up candidates by first character instead, since an
        # alternation that large is slow to search.
        self._phrase_rx: re.Pattern[str] | None = None
        self._by_first: dict[str, list[str]] = {}
        # In text with no character to convert only the phrases made of such characters can match
        # (函覆, 反覆 in t2s): a shorter alternation for what most plans are.
        self._plain_rx: re.Pattern[str] | None = None
        self._plain_hint: re.Pattern[str] | None = None
        if 0 < len(phrases) <= 2000:
            ordered = sorted(phrases, key=len, reverse=True)
            self._phrase_rx = re.compile("|".join(re.escape(k) for k in ordered))
            plain = [k for k in ordered if self._chars.isdisjoint(k)]
            self._plain_rx = re.compile("|".join(re.escape(k) for k in plain) or "(?!x)x")
            # each of those holds one of a few characters (覆, 藉, 瞭 …): most texts hold none, and a
            # search for these characters is much quicker than one for the phrases
            shared = Counter(ch for k in plain for ch in set(k))
            hint = {max(k, key=lambda ch: (shared[ch], ch)) for k in plain}
            self._plain_hint = re.compile("[" + "".join(sorted(map(re.escape, hint))) + "]" if hint else "(?!x)x")
        else:
            for k in sorted(phrases, key=len, reverse=True):
                self._by_first.setdefault(k[0], []).append(k)

    @functools.cached_property
    def name(self) -> str:
        # cached: reading package metadata costs more than converting a small plan
        try:
            version = importlib.metadata.version("opencc-python-reimplemented")
        except importlib.metadata.PackageNotFoundError:  # pragma: no cover
            version = "unknown"
        return f"opencc-python-reimplemented {version} {self.direction} dictionaries (govplan table converter)"

    def convert(self, text: str) -> str:
        if len(text) >= VECTOR_MIN:
            return self._convert_vector(text)
        plain = self._chars.isdisjoint(text)
        if plain and self._phrase_first.isdisjoint(text):
            return text  # nothing to convert: most plans are already in the target script
        return self._with_phrases(text, text if plain else text.translate(self._table),
                                  not self._phrase_first.isdisjoint(text), plain)

    def _convert_vector(self, text: str) -> str:
        """The same conversion with numpy lookup tables: for long texts, ~20x faster than
        ``str.translate``, which looks every character up in a dict."""
        np = _numpy()
        lut, changed, first = self._arrays()
        codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        has_chars = bool(changed[codes].any())
        has_phrases = bool(first[codes].any())
        if not has_chars and not has_phrases:
            return text
        out = lut[codes].tobytes().decode("utf-32-le", "surrogatepass") if has_chars else text
        return self._with_phrases(text, out, has_phrases, not has_chars)

    def _arrays(self) -> tuple[Any, Any, Any]:
        if self._np_arrays is None:
            np = _numpy()
            lut = np.arange(0x110000, dtype=np.uint32)
            changed = np.zeros(0x110000, dtype=bool)
            for code, value in self._table.items():
                lut[code] = ord(value)
                changed[code] = True
            first = np.zeros(0x110000, dtype=bool)
            first[[ord(c) for c in self._phrase_first]] = True
            self._np_arrays = (lut, changed, first)
        return self._np_arrays

    def _with_phrases(self, text: str, out: str, has_phrases: bool, plain: bool = False) -> str:
        if not has_phrases:
            return out
        # Phrase keys are written in the source script, so search the input; the converted text
        # has the same length, so positions carry over.
        spans = self._phrase_spans(text, plain)
        if not spans:
            return out
        pieces: list[str] = []
        last = 0
        for a, b in spans:
            pieces.append(out[last:a])
            pieces.append(self._phrases[text[a:b]])
            last = b
        pieces.append(out[last:])
        return "".join(pieces)

    def _phrase_spans(self, text: str, plain: bool = False) -> list[tuple[int, int]]:
        """Where phrases start and end; ``plain``: the text holds no character to convert."""
        if self._phrase_rx is not None:
            if plain and self._plain_rx is not None and self._plain_hint is not None:
                if self._plain_hint.search(text) is None:
                    return []
                return [m.span() for m in self._plain_rx.finditer(text)]
            return [m.span() for m in self._phrase_rx.finditer(text)]
        spans: list[tuple[int, int]] = []
        by_first = self._by_first
        i, n = 0, len(text)
        while i < n:
            cands = by_first.get(text[i])
            if cands:
                for k in cands:
                    if text.startswith(k, i):
                        spans.append((i, i + len(k)))
                        i += len(k) - 1
                        break
            i += 1
        return spans

    def changes(self, text: str) -> int:
        """How many characters of ``text`` this direction would change."""
        if len(text) >= VECTOR_MIN:
            np = _numpy()
            codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
            return int(self._arrays()[1][codes].sum())
        return len(text) - len(text.translate(self._delete))


# Texts this long are converted with numpy (imported only then, so that short inputs start fast).
VECTOR_MIN = 2_000


def _numpy() -> Any:
    import numpy

    return numpy


@functools.lru_cache(maxsize=2)
def converter(direction: Direction) -> Converter:
    return Converter(direction)


def detect_script(text: str, sample: int = 3_000) -> Literal["traditional", "simplified", "mixed"]:
    """Classify text by how many characters each conversion direction would change."""
    third = sample // 3
    mid = len(text) // 2
    part = text[:third] + text[mid : mid + third] + text[-third:] if len(text) > sample else text
    trad = converter("t2s").changes(part)
    simp = converter("s2t").changes(part)
    if trad == 0 and simp == 0:
        return "simplified"
    share = trad / (trad + simp)
    if share >= 0.85:
        return "traditional"
    if share <= 0.15:
        return "simplified"
    return "mixed"


_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
           "六": 6, "七": 7, "八": 8, "九": 9,
           # the formal (financial) forms, as Taiwan plans number their parts: 壹、貳、參
           "壹": 1, "贰": 2, "貳": 2, "叁": 3, "参": 3, "參": 3, "肆": 4, "伍": 5, "陆": 6, "陸": 6,
           "柒": 7, "捌": 8, "玖": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000, "拾": 10, "佰": 100}


# Regex pieces for dates as plans write them: a year in digits or Chinese digits (2024, 二〇二四),
# and a month or day number (6, 12, 六, 十二).
YEAR_NUMERAL = r"(?:19|20)\d{2}|[〇○零一二三四五六七八九]{4}"
DAY_NUMERAL = r"\d{1,2}|[一二三四五六七八九十]{1,3}"
# (a Taiwan date, 中华民国114年1月15日, has a three-digit 民国 year: add 1911)
FULL_DATE_RX = re.compile(
    rf"(?:中华民国|民国)?({YEAR_NUMERAL}|(?<!\d)1[0-2]\d)\s*年\s*({DAY_NUMERAL})\s*月\s*({DAY_NUMERAL})\s*日")


def cn_int(text: str) -> int | None:
    """Value of a Chinese numeral such as 三十五 or 二〇二二 (digit by digit); None if not one."""
    if not text:
        return None
    if all(c in _DIGITS for c in text):
        if len(text) == 1:
            return _DIGITS[text]
        return int("".join(str(_DIGITS[c]) for c in text))
    total, current, last_unit = 0, 0, 0
    for c in text:
        if c in _DIGITS:
            current = _DIGITS[c]
        elif c in _UNITS:
            last_unit = _UNITS[c]
            total += (current or 1) * last_unit
            current = 0
        else:
            return None
    if current and last_unit >= 100 and text[-2] in _UNITS:
        current *= last_unit // 10  # 三千五 is 3500, as 一百零五 is 105
    return total + current


def cn_number(text: str) -> int | None:
    """Value of a Chinese number with magnitudes: 三十 → 30, 一百二十亿 → 12000000000, 六百万 → 6000000."""
    total = 0
    rest = text.replace("两", "二")
    last_scale = 1
    for mark, scale in (("亿", 100_000_000), ("万", 10_000)):
        if mark in rest:
            last_scale = scale
            head, _, rest = rest.partition(mark)
            value = cn_int(head) if head else 1
            if value is None:
                return None
            total += value * scale
    if rest:
        value = cn_int(rest)
        if value is None:
            return None
        if total and len(rest) == 1 and rest in _DIGITS:
            value *= last_scale // 10  # 一万五 is 15000 (and 一万零五 is 10005)
        total += value
    return total


def numeral_value(text: str) -> int | None:
    """Value of a label number in any form: 12, １２, 十二, ⒓, ⑿, ⑫."""
    text = text.strip()
    if not text:
        return None
    if text.isascii() and text.isdigit():
        return int(text)
    if len(text) == 1:
        code = ord(text)
        if 0x2488 <= code <= 0x249B:  # ⒈ … ⒛
            return code - 0x2487
        if 0x2474 <= code <= 0x2487:  # ⑴ … ⒇
            return code - 0x2473
        if 0x2460 <= code <= 0x2473:  # ① … ⑳
            return code - 0x245F
    if all("０" <= c <= "９" for c in text):
        return int("".join(chr(ord(c) - 0xFEE0) for c in text))
    return cn_int(text)
