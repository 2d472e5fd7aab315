"""Quantitative targets: percentages, percentage points, and counts with a comparator.

Every percentage is a target; a count (300项, 1.1亿, 250台) only when a comparator word marks it
as one (不少于, 突破, 达到 …), when a verb states it as a planned quantity (新增5000户, 培训1.5万
人次: comparator ``=``), or when it follows such a target in an enumeration
(压减至80个工作日、35个工作日). Magnitudes scale the value (1.1亿 → 110000000); the unit is what
is counted (项, 台, 人), ``%`` for percentages and ``百分点`` for percentage points.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import regex

from ..chinese import cn_int, cn_number
from ..rules import RuleSet, TimedPattern, compiler, per_ruleset
from ..textrun import TextRun
from .base import SENTENCE_END_RX, Extraction, FoundTarget, FoundWarning, ItemText, PlanContext, in_title

_CLAUSE_END = set(",，。；;:：!！?？\n()（）")
_HAS_DIGIT_RX = re.compile(r"[0-9]")
_CN_MAGNITUDE_RX = re.compile(r"[十百千万亿]")
_CN_DIGIT_RX = re.compile(r"[一二两三四五六七八九十百千]\s*(?:个|成|家|项|人|户|万|亿|千|百|点)")
_PLACEHOLDER_HINT_RX = re.compile(r"[xX×*＊]")
# a name in quotation marks: “15分钟便民生活圈”
_QUOTED_RX = re.compile(r"“[^“”]{0,30}”")
# a digit and a capital naming a thing, not a quantity: 5G基站, 5A级景区, 3D打印
_NAME_TOKEN_RX = re.compile(r"(?<![\dA-Za-z.])\d[A-Z](?![A-Za-z])")
# the most characters between a rise or fall word and a count it applies to (提升农贸市场12家 upgrades
# 12 markets; 增长10% rises by 10%)
_CHANGE_GAP = 2


@dataclass
class _Rx:
    number: TimedPattern
    percent_cn: TimedPattern
    number_cn: TimedPattern
    before: list[tuple[str, str]]  # (word, comparator), longest first
    after: list[tuple[str, str]]
    magnitudes: dict[str, int]
    placeholder: TimedPattern
    baseline: tuple[str, ...]
    quantity: list[tuple[str, str]]  # (verb, "=")
    not_after: TimedPattern
    horizon: TimedPattern


def _rx(rules: RuleSet) -> _Rx:
    return per_ruleset(rules, __name__, _build)


def _build(rules: RuleSet) -> _Rx:
    rc = compiler(rules)
    t = rules.targets
    mags = "|".join(sorted((regex.escape(k) for k in t.magnitudes), key=len, reverse=True))
    rx = _Rx(
        number=rc(
            # not IPv6 or 7×24, but yes after a placeholder letter standing for a character (全x50以上);
            # the first digit comes before the looks behind it, so that the search skips to digits
            rf"(?P<num>\d(?<![\d.×*/\-]\d)(?:(?<=\p{{Han}}[xX]\d)|(?<![A-Za-z]\d))\d*(?:,\d{{3}})*(?:\.\d+)?)\s*"
            rf"(?P<mag>{mags})?\s*"
            rf"(?:(?P<pct>%|‰)|(?P<pp>个?百分点)|(?P<counter>{t.counters}))?"
        ),
        percent_cn=rc(r"百分之(?P<cn>[零一二三四五六七八九十百]+)(?:点(?P<frac>[零一二三四五六七八九]+))?"),
        # 三十家以上, 两个百分点, 一百二十亿元, 九成
        number_cn=rc(rf"(?P<cn>[一二两三四五六七八九十百千万亿零〇]{{1,8}})(?:点(?P<frac>[零〇一二三四五六七八九]{{1,4}}))?"
                     rf"\s*(?:(?P<pp>个?百分点)|(?P<cheng>成)|"
                     rf"(?P<counter>{t.counters}))"),
        before=sorted(((w, g.comparator) for g in t.before for w in g.words), key=lambda x: -len(x[0])),
        after=sorted(((w, g.comparator) for g in t.after for w in g.words), key=lambda x: -len(x[0])),
        magnitudes=t.magnitudes,
        placeholder=rc(t.placeholder),
        baseline=tuple(t.baseline_words),
        quantity=sorted(((w, "=") for w in t.quantity_verbs), key=lambda x: -len(x[0])),
        not_after=rc(t.not_a_target_after),
        horizon=rc(t.horizon),
    )
    return rx


def _comparator_before(text: str, start: int, rx: _Rx, window: int = 16,
                       words: list[tuple[str, str]] | None = None) -> str | None:
    """The nearest comparator word (or one of ``words``) before ``start`` within the same clause
    (a verb's clause may hold a bracketed note: 新增老年学校(学习点)15个)."""
    stop = _CLAUSE_END if words is None else _CLAUSE_END - set("()（）")
    lo = start
    while lo > 0 and start - lo < window and text[lo - 1] not in stop:
        lo -= 1
    segment = text[lo:start]
    best: tuple[int, str] | None = None
    for word, comp in (rx.before if words is None else words):
        k = segment.rfind(word)
        if k >= 0:
            end = k + len(word)
            if best is None or end > best[0]:
                best = (end, comp)
    if best is None or any(c in "0123456789" for c in _NAME_TOKEN_RX.sub("", _QUOTED_RX.sub("", segment[best[0]:]))):
        return None  # the word belongs to an earlier number
    return best[1]


def _gap_before(text: str, start: int, rx: _Rx) -> int:
    """Characters between the nearest comparator word and ``start``."""
    lo = max(0, start - 16)
    segment = text[lo:start]
    ends = [segment.rfind(w) + len(w) for w, _ in rx.before if w in segment]
    return len(segment) - max(ends) if ends else len(segment)


def _inside_quotes(text: str, pos: int) -> bool:
    k = text.rfind("“", max(0, pos - 30), pos)
    return k >= 0 and text.find("”", k, pos) < 0 and text.find("”", pos, pos + 30) >= 0


def _is_baseline(text: str, start: int, end: int, rx: _Rx) -> bool:
    """由45%提高到55%: the number after 由 and before a comparator word is where things start."""
    if not rx.baseline:
        return False
    lo = start
    while lo > 0 and start - lo < 12 and text[lo - 1] not in _CLAUSE_END:
        lo -= 1
    segment = text[lo:start]
    at = max(segment.rfind(w) for w in rx.baseline)
    if at < 0 or any(segment.rfind(w) > at for w, _ in rx.before):
        return False
    follow = text[end:end + 6].lstrip()
    return any(follow.startswith(w) for w, _ in rx.before)


def _comparator_after(text: str, end: int, rx: _Rx) -> tuple[str, int] | None:
    for word, comp in rx.after:
        if text.startswith(word, end):
            return comp, end + len(word)
    return None


_SYMBOLS = {"≥": ">=", "≤": "<=", ">": ">", "<": "<", "≮": ">=", "≯": "<="}


def _indicator(item: ItemText, rx: _Rx, out: Extraction) -> None:
    """An indicator table's target cell (≥95, 4.5, 3以内) in the row's unit of measure (%, 万人)."""
    cell = item.target_cell
    assert cell is not None
    text = cell.match
    m = rx.number.search(text)
    if m is None:
        return  # 全覆盖, —
    start = m.start()
    value = float(m.group("num").replace(",", ""))
    if m.group("mag"):
        value *= rx.magnitudes[m.group("mag")]
    unit: str | None = m.group("pct") or ("百分点" if m.group("pp") else None) or m.group("counter") or None
    measure = (item.measure or "").replace(" ", "")
    if unit is None and measure:
        mag = next((k for k in sorted(rx.magnitudes, key=len, reverse=True) if measure.startswith(k)), None)
        if mag is not None and len(measure) > len(mag) and not m.group("mag"):
            value *= rx.magnitudes[mag]
            measure = measure[len(mag):]
        unit = "%" if measure in ("%", "％") else "百分点" if measure.endswith("百分点") else measure
    symbol = text[:start].rstrip()[-1:]
    if text[:start].rstrip().endswith((">=", "<=")):
        comparator: str | None = text[:start].rstrip()[-2:]
    else:
        comparator = _SYMBOLS.get(symbol)
    after = _comparator_after(text, m.end(), rx)
    if comparator is None:
        comparator = after[0] if after is not None else _comparator_before(text, start, rx) or "="
    ns, ne = cell.span(start - (len(text[:start]) - len(text[:start].rstrip(">=<≥≤≮≯ "))),
                       after[1] if after is not None else m.end())
    out.targets.append(FoundTarget(start=ns, end=ne, value=_tidy(value), unit=unit, comparator=comparator))


def extract(item: ItemText, rules: RuleSet, ctx: PlanContext, out: Extraction) -> None:
    del ctx
    if item.target_cell is not None:
        _indicator(item, _rx(rules), out)
        return
    found = in_text(item, rules)
    out.warnings += found.warnings
    out.targets += found.targets


def in_text(item: ItemText, rules: RuleSet) -> Extraction:
    """The targets (and placeholder warnings) of the item's running text, read once per item:
    the deadlines extractor asks for them too, to tell a target's horizon from a deadline."""
    if item.text_targets is None:
        item.text_targets = Extraction()
        _running(item.run, _rx(rules), item.text_targets)
    return item.text_targets


def _running(run: TextRun, rx: _Rx, out: Extraction) -> None:
    text = run.match
    for m in (rx.placeholder.finditer(text) if _PLACEHOLDER_HINT_RX.search(text) else ()):
        ns, ne = run.span(m.start(), m.end())
        out.warnings.append(FoundWarning(start=ns, end=ne, code="placeholder",
                                         message=f"placeholder instead of a number: {m.group()!r}"))
    last_end = -10
    last_comp: str | None = None
    # the horizon year of each target is read once all targets are found (most items have none)
    horizons = _Horizons(text, rx.horizon)
    for m in (rx.number.finditer(text) if _HAS_DIGIT_RX.search(text) else ()):
        start, end = m.span()
        follow = text[end : end + 2]
        if follow[:1] in ("年", "月", "日", "号", "届", "周", "期", "级", "版", "代", "层", "批", "类", "大") and \
                not (m.group("pct") or m.group("pp") or m.group("counter")):
            continue
        if (start > 0 and text[start - 1] in "第《") or text.endswith(("附件", "附表", "专栏"), 0, start):
            continue  # 第3批, 附件2所列
        if _NAME_TOKEN_RX.match(text, start):
            continue  # 5G基站
        if text[end:end + 1] in (":", "∶") or (start > 0 and text[start - 1] in (":", "∶") and
                                                 start > 1 and text[start - 2].isdigit()):
            continue  # 师生比1:200, a ratio
        counter = m.group("counter")
        if _inside_quotes(text, start) or rx.not_after.match(text, end) or (
                counter and rx.not_after.match(text, end - len(counter))):
            continue  # “15分钟便民生活圈”; 5岁以下儿童; 500万美元以上企业
        value = float(m.group("num").replace(",", ""))
        if m.group("mag"):
            value *= rx.magnitudes[m.group("mag")]
        if m.group("pct"):
            unit: str | None = m.group("pct")
        elif m.group("pp"):
            unit = "百分点"
        else:
            unit = m.group("counter") or None
        if _is_baseline(text, start, end, rx):
            continue
        before = _comparator_before(text, start, rx)
        after = _comparator_after(text, end, rx)
        is_share = bool(m.group("pct") or m.group("pp"))
        if before in ("increase", "decrease") and not is_share and (
                _gap_before(text, start, rx) > _CHANGE_GAP or text.endswith(("改造提升", "提升改造"), 0, start)):
            before = None  # 改造提升农贸市场12家, 改造提升1.5万亩: a count of what is upgraded
        if before in ("increase", "decrease") and text[max(0, start - 1):start] in ("至", "到"):
            before = ">=" if before == "increase" else "<="  # 提高秸秆综合利用率至95%: up to a level
        between = text[last_end:start]
        enumerated = last_comp is not None and 0 < start - last_end <= 8 and \
            ("、" in between or between.strip() in ("和", "及")) and not any(c in _CLAUSE_END for c in between)
        if not enumerated and last_comp == "=" and unit and not unit.isascii() and not is_share \
                and 0 < start - last_end <= 12 and between[:1] == "," \
                and not any(c in _CLAUSE_END or c in "0123456789" for c in between[1:]):
            enumerated = True  # 建设智慧教室120间，创客实验室10个: the next count of the same list
        if not is_share and before is None and after is None and not enumerated and \
                (m.group("mag") or (unit and (not unit.isascii() or len(unit) >= 2))):
            # 新增市场主体5000户: a planned quantity (but not 建设5G网络)
            before = _comparator_before(text, start, rx, 24, rx.quantity)
        if not is_share and before is None and after is None and not enumerated:
            continue
        if not is_share and not m.group("mag") and not unit and before is None and after is None:
            continue
        if after is not None and after[0] == "=" and before not in ("increase", "decrease"):
            comparator = "="  # 提升至65%左右: about, not at least (but 下降2.5%左右 is still a fall)
        elif enumerated and before is None and last_comp in ("increase", "decrease"):
            comparator = last_comp  # 分别下降10%和5%以上: both are decreases
        elif before in ("increase", "decrease") and (is_share or after is None):
            comparator = before
        elif after is not None and (before is None or before in ("increase", "decrease")):
            comparator = after[0]
        elif before is not None:
            comparator = before
        elif enumerated and last_comp is not None:
            comparator = last_comp
        else:
            comparator = "="
        raw_end = after[1] if after is not None else end
        ns, ne = run.span(start, raw_end)
        out.targets.append(FoundTarget(start=ns, end=ne, value=_tidy(value), unit=unit, comparator=comparator,
                                       by=horizons.by(start)))
        last_end, last_comp = raw_end, comparator
    if _CN_DIGIT_RX.search(text):
        _chinese_counts(text, run, rx, out, horizons)
    for m in (rx.percent_cn.finditer(text) if "百分之" in text else ()):
        whole = cn_int(m.group("cn"))
        if whole is None or _inside_quotes(text, m.start()):
            continue  # “六个百分之百”: a name, not a share
        value = float(whole)
        if m.group("frac"):
            value = float(f"{whole}.{''.join(str(cn_int(c)) for c in m.group('frac'))}")
        before = _comparator_before(text, m.start(), rx)
        after = _comparator_after(text, m.end(), rx)
        comparator = before if before in ("increase", "decrease") else (after[0] if after else before or "=")
        ns, ne = run.span(m.start(), after[1] if after else m.end())
        out.targets.append(FoundTarget(start=ns, end=ne, value=value, unit="%", comparator=comparator,
                                       by=horizons.by(m.start())))
    out.targets.sort(key=lambda t: t.start)


class _Horizons:
    """The years that may set a target's horizon, read from the text the first time one is asked."""

    __slots__ = ("found", "pattern", "text")

    def __init__(self, text: str, pattern: TimedPattern) -> None:
        self.text = text
        self.pattern = pattern
        self.found: list[tuple[int, int]] | None = None

    def by(self, start: int) -> int | None:
        if self.found is None:
            self.found = _horizons(self.text, self.pattern)
        return _by(self.text, start, self.found)


def _horizons(text: str, pattern: TimedPattern) -> list[tuple[int, int]]:
    """(position, year) of every year in the text that may set a target's horizon."""
    if "年" not in text:
        return []
    return [(m.start(), int(m.group("y"))) for m in pattern.finditer(text)
            if not in_title(text, m.start())]


def _by(text: str, start: int, horizons: list[tuple[int, int]]) -> int | None:
    """The year of the last horizon before ``start`` in the same sentence: 到2025年，…达到90%."""
    year: int | None = None
    for pos, y in horizons:
        if pos >= start:
            break
        if SENTENCE_END_RX.search(text, pos, start) is None:
            year = y
    return year


def _chinese_counts(text: str, run: Any, rx: _Rx, out: Extraction, horizons: _Horizons) -> None:
    """Numbers written in Chinese: a target when a comparator marks them (or a share: 两个百分点, 九成)."""
    for m in rx.number_cn.finditer(text):
        start = m.start()
        if start >= 3 and text[start - 3:start] == "百分之":
            continue  # read by the 百分之 pass
        if start > 0 and text[start - 1] in "第《":
            continue  # 第十四个五年规划
        whole = cn_number(m.group("cn"))
        if whole is None:
            continue
        value: float = whole
        if m.group("frac"):  # 三点五个百分点 → 3.5
            value = float(f"{whole}.{''.join(str(cn_int(c.replace('〇', '零'))) for c in m.group('frac'))}")
        if value == 0:
            continue
        before = _comparator_before(text, start, rx)
        after = _comparator_after(text, m.end(), rx)
        if m.group("cheng"):
            value, unit = value * 10, "%"
        elif m.group("pp"):
            unit = "百分点"
        else:
            unit = m.group("counter")
        is_share = bool(m.group("cheng") or m.group("pp"))
        if before is None and after is None and not is_share and _CN_MAGNITUDE_RX.search(m.group("cn")):
            # 新增就业十二万五千人, 新建充电桩两千个: a planned quantity, as 新增就业125000人 is; a
            # bare digit with a counter (建设两个平台, 一项制度) is prose
            before = _comparator_before(text, start, rx, 24, rx.quantity)
        if before is None and after is None and not is_share:
            continue
        if after is not None and after[0] == "=":
            comparator = "="
        elif before in ("increase", "decrease") and (is_share or after is None):
            comparator = before
        elif after is not None and (before is None or before in ("increase", "decrease")):
            comparator = after[0]
        else:
            comparator = before or "="
        ns, ne = run.span(start, after[1] if after else m.end())
        out.targets.append(FoundTarget(start=ns, end=ne, value=_tidy(value), unit=unit, comparator=comparator,
                                       by=horizons.by(start)))


def _tidy(value: float) -> float:
    # 1.1亿 must be exactly 110000000, not 110000000.00000001
    return float(round(value, 6))
