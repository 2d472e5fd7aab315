"""Deadlines, normalised to the last day of the stated period.

A labelled field (完成时间: …) or a table's 完成时间 cell wins; otherwise the first date in the
text that is marked as a deadline (2022年底前, 到2025年, 于2021年6月底前完成), or a later stage of
the same sentence (…4月底前制定计划，11月底前完成抽查). A schedule ends with its last stage, and a
stage that starts the work (3月启动) is not its end. Relative phrases
(年底前, 年内) resolve against the plan's year; named periods (“十四五”期间) end on their last
day; 长期坚持 and the like are ongoing; anything else is kept as raw text with a warning. A
placeholder (2022年xx月) is never turned into a date.
"""

from __future__ import annotations

import calendar
import dataclasses
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import regex

from ..chinese import DAY_NUMERAL, YEAR_NUMERAL, cn_int
from ..rules import RuleSet, TimedPattern, compiler, per_ruleset
from ..textrun import TextRun
from . import targets
from .base import SENTENCE_END_RX, Extraction, FoundDeadline, FoundWarning, ItemText, PlanContext, in_title

_N = DAY_NUMERAL
_Y = (YEAR_NUMERAL
      # Taiwan's 民国 years (113年 is 2024): written out, or three digits before a month
      + rf"|民国(?:1[0-2]\d|[一二三四五六七八九〇○零]{{3}})"
      rf"|(?<!\d)1[0-2]\d(?=\s*年\s*(?:(?:{_N})\s*月|底|末|第[一二三四1-4]季|上半年|下半年))")
DATE_CORE = (
    rf"(?:(?P<y1>{_Y})\s*[-—–~至到]\s*)?(?P<y>{_Y})\s*年\s*"
    rf"(?:(?P<q>第?[一二三四1-4]季度?)(?:末|底)?|(?P<half>上半年|下半年|年中|年底|年末|底|末|年内|内|中(?![央国共华心期小学高等职层部西东南北]))"
    rf"|(?:(?:{_N})\s*月?\s*[-—–~至到]\s*)?(?P<m>{_N})\s*月份?(?:\s*(?P<d>{_N})\s*[日号])?\s*(?P<mpart>上旬|中旬|下旬|底|末|中)?)?"
)
_MOD = r"(?P<mod>以前|之前|前|为止|起|开始|以来|期间|以内|之内|内)?"
_RELATIVE = r"(?P<rel>今年年底|今年底|本年度|今年|当年|全年|年底|年末|年内|年中|上半年|下半年|第?[一二三四1-4]季度)"
# the year after the plan's: 次年3月底前
_NEXT_YEAR_RX = re.compile(r"^(?:次年|明年|翌年|下一年度?)\s*")
# 即日起至2025年12月31日: from now until a date (the date is the deadline); 即日起 alone goes on
_FROM_NOW_RX = re.compile(r"^(?:自|从)?(?:即日|今日|印发之日|发布之日)起\s*(?:至|到|截至)?\s*")
_STAGE_SEP_RX = re.compile(r"[,，;；、]")
_STAGE_DATE_RX = re.compile(r"\d{1,2}\s*月|[一二三四1-4]季度|年底|年末|上半年|下半年")
_START_VERB_RX = re.compile(r"\s*(?:前后)?(?:启动|开始|动员|部署|谋划|摸底|调研)")
# work done at a regular interval, with no date of its own: 每季度召开1次调度会议
_RECURRING_RX = re.compile(
    r"每(?:年|半年|季度?|月|周|旬)(?:至少)?(?:召开|开展|组织|报送|通报|调度|督查|检查|分析|评估|举办|更新)")
# a date every year: 每年12月底前
_YEARLY_RX = re.compile(r"每年度?\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?\s*(?:底|末|上旬|中旬|下旬)?\s*(?:前|以前|之前)")
# a stage's dates in brackets under its heading: 考核阶段(2025年12月—2026年1月)
_BRACKET_RANGE_RX = re.compile(
    r"\((?P<y1>(?:19|20)\d{2})\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?\s*[-—–~至到]\s*"
    r"(?:(?P<y2>(?:19|20)\d{2})\s*年\s*)?(?P<m2>\d{1,2})\s*月(?:\s*(?P<d2>\d{1,2})\s*日)?(?:底|末)?\s*\)")
_YEAR_RANGE_RX = re.compile(r"^((?:19|20)\d{2})\s*[-—–~至到]\s*((?:19|20)\d{2})\s*年?$")
_NUMERIC_DATE_RX = re.compile(
    r"^(?P<y>(?:19|20)\d{2})\s*[/.\-]\s*(?P<m>\d{1,2})(?:\s*[/.\-]\s*(?P<d>\d{1,2}))?\s*(?P<mod>前|以前|之前)?$")
# a period as spreadsheets write it: 2023.01-2023.12, 2023.03—11
_NUMERIC_RANGE_RX = re.compile(
    r"^(?P<y1>(?:19|20)\d{2})\s*[/.]\s*(?P<m1>\d{1,2})(?:\s*[/.]\s*\d{1,2})?\s*[-—–~至到]+\s*"
    r"(?:(?P<y2>(?:19|20)\d{2})\s*[/.]\s*)?(?P<m2>\d{1,2})(?:\s*[/.]\s*\d{1,2})?$")
# a financial year as Hong Kong writes it: 2025/26年度 runs from April 2025 to March 2026
_FISCAL_YEAR_RX = re.compile(r"^(?P<y>(?:19|20)\d{2})\s*/\s*(?P<y2>\d{2})\s*(?:财政)?年度(?P<mod>内|前)?")
# a month of the plan's year: 6月底前, 9月30日前
# a month of the plan's year inside running text: 6月底前完成
_MONTH_IN_TEXT_RX = re.compile(
    r"(?<![\d年月])(?P<m>\d{1,2})\s*月(?:\s*(?P<d>\d{1,2})\s*日)?\s*(?P<part>底|末|中旬|上旬|下旬)?(?P<mod>前|以前|之前)?"
)
_MONTH_ONLY_RX = re.compile(
    rf"^(?P<m>{_N})\s*月(?:\s*(?P<d>\d{{1,2}})\s*日)?\s*(?P<part>底|末|中旬|上旬|下旬)?"
    r"(?P<mod>前|以前|之前)?"
)
_PLACEHOLDER_RX = re.compile(r"\d{2,4}\s*年?\s*[xX×]{1,2}(?![A-Za-z])|[xX×]{2,4}\s*[年月]|\d{4}\s*年\s+月")
# a placeholder month or day after a known year: 2022年xx月, 2022xx月, 2022年x月底前, 2022年 月 日前
_PLACEHOLDER_YEAR_RX = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*(?:年\s*(?:[xX×]{1,2}|(?=\s+月))|[xX×]{1,2}\s*(?=月))\s*(?:月\s*)?"
    r"(?:(?:[xX×]{1,2})?\s*[日号]\s*)?(?:底|末|上旬|中旬|下旬)?\s*(?P<mod>前|以前|之前)?")
# a field left empty: ——, /, 待定, 另行通知
_NO_DATE_RX = re.compile(r"^(?:[/／\-—\s]+|待定|暂定|无|另行通知|另行明确|另定)$")


@dataclass
class _Rx:
    field: TimedPattern
    ongoing: TimedPattern
    ongoing_clause: TimedPattern
    ongoing_end: TimedPattern
    clause_date: TimedPattern
    non_date: TimedPattern
    periods: list[tuple[TimedPattern, int]]
    date: TimedPattern
    text_date: TimedPattern
    relative: TimedPattern
    cell: TimedPattern
    verb: TimedPattern
    vague: TimedPattern
    festival: TimedPattern | None
    festivals: dict[str, Any]
    policy: TimedPattern
    policy_then: TimedPattern
    range_start: TimedPattern


def _rx(rules: RuleSet) -> _Rx:
    return per_ruleset(rules, __name__, _build)


def _build(rules: RuleSet) -> _Rx:
    rc = compiler(rules)
    d = rules.deadlines
    periods = [(rc(rf"(?:{p.pattern})" + r"(?P<mod>前|内|末)?"), p.end_year) for p in d.periods]
    period_any = "|".join(f"(?:{p.pattern})" for p in d.periods)
    rx = _Rx(
        field=rc(rf"(?:【\s*(?:{d.field_labels.pattern})\s*】|(?:{d.field_labels.pattern})\s*[:：])\s*"),
        ongoing=rc(rf"^(?:{d.ongoing.pattern})"),
        # (the clause mark is matched and kept out with \K, not looked behind for: a search then
        # skips to clause marks instead of trying the pattern at every character)
        # an annotation's last clause that says when without a label: (…负责;持续办理)
        # a date that is a whole clause of an annotation: (市数据局负责,2023年6月)
        clause_date=rc(rf"[(;,]\K\s*(?P<lead>{d.lead_in})?\s*{DATE_CORE}{_MOD}\s*(?=[);,])"),
        ongoing_clause=rc(rf"[;,]\K\s*(?:{d.ongoing.pattern})(?:办理|进行)?\s*(?=\))"),
        # the item's last clause: …，由市农业农村局负责，长期坚持。
        ongoing_end=rc(rf"(?<=[;,])\s*(?:{d.ongoing_last_clause})\s*(?=[。.]?\s*$)"),
        non_date=rc(d.non_date.pattern),
        periods=periods,
        date=rc(rf"(?P<lead>{d.lead_in})?\s*{DATE_CORE}{_MOD}"),
        text_date=rc(
            rf"(?P<lead>{d.lead_in})?\s*(?<![\d.])(?:{DATE_CORE}){_MOD}(?![\d年])"
        ),
        relative=rc(rf"(?<![\d年]){_RELATIVE}(?P<end>末|底)?(?P<mod>前|以前|之前|内|起|开始)?"),
        vague=rc(rf"\s*(?:{d.vague_seasons})"),
        verb=rc(rf"\s*(?:{d.completion_verbs})"),
        festival=rc(rf"(?P<y>(?:19|20)\d{{2}})\s*年\s*(?P<f>{'|'.join(sorted(d.festivals, key=len, reverse=True))})"
                    r"(?P<mod>前|以前|之前)?") if d.festivals else None,
        festivals=dict(d.festivals),
        policy=rc(d.policy_period),
        policy_then=rc(d.policy_range_then),
        # the start of a range of dates before its end: 2024年5月1日至
        range_start=rc(rf"(?:{DATE_CORE})\s*起?\s*[-—–~至到]\s*$"),
        cell=rc(
            rf"^\s*(?:(?:{DATE_CORE}){_MOD}|{d.ongoing.pattern}|{period_any}|{_RELATIVE}前?)\s*$"
        ),
    )
    return rx


def cell_pattern(rules: RuleSet) -> TimedPattern:
    """Matches a whole table cell that is a deadline (used to re-align broken table rows)."""
    return _rx(rules).cell


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _num(text: str | None) -> int | None:
    if not text:
        return None
    return int(text) if text.isdigit() else cn_int(text.replace("○", "〇"))


def _year(text: str | None) -> int | None:
    """A year as written: 2024, 二〇二四, or a 民国 year (113, 民国一一三) as 2024."""
    if not text:
        return None
    roc = text.startswith("民国")
    y = _num(text.removeprefix("民国"))
    if y is not None and (roc or y < 200):
        y += 1911
    return y


_MODIFIERS = {
    "以前": "before", "之前": "before", "前": "before", "为止": "before",
    "起": "from", "开始": "from", "以来": "from",
    "期间": "during", "以内": "during", "之内": "during", "内": "during",
}


def _from_match(m: regex.Match[str], ctx_year: int | None) -> FoundDeadline | None:
    """Due date, precision and modifier of a DATE_CORE match (None if the date is impossible)."""
    y = _year(m.group("y"))
    if y is None or not 1900 <= y <= 2100:
        return None
    mod_word = m.group("mod") or ""
    lead = m.groupdict().get("lead")
    # an explicit 前/起/期间 wins, then a lead-in (到/至: "by"), then 底/末 ("end")
    modifier = _MODIFIERS.get(mod_word) or ("by" if lead else None)
    try:
        if m.group("q"):
            q = _num(m.group("q").strip("第季度")) or 0  # 第三季度, 第3季
            if not 1 <= q <= 4:
                return None
            due, precision = _month_end(y, q * 3), "quarter"
        elif m.group("half"):
            half = m.group("half")
            if half in ("上半年", "年中", "中"):
                due, precision = date(y, 6, 30), "quarter"
            elif half == "下半年":
                due, precision = date(y, 12, 31), "quarter"
            else:
                due, precision = date(y, 12, 31), "year"
                if half in ("底", "末", "年底", "年末") and not modifier:
                    modifier = "end"
                elif half in ("内", "年内") and not modifier:
                    modifier = "during"
        elif m.group("m"):
            month = _num(m.group("m")) or 0
            if not 1 <= month <= 12:
                return None
            day = _num(m.group("d"))
            part = m.group("mpart")
            if day:
                due, precision = date(y, month, day), "day"
            elif part == "上旬":
                due, precision = date(y, month, 10), "day"
            elif part in ("中旬", "中"):
                due, precision = date(y, month, 20), "day"
            else:
                due, precision = _month_end(y, month), "month"
                if part in ("底", "末") and not modifier:
                    modifier = "end"
        else:
            due, precision = date(y, 12, 31), "year"
    except ValueError:
        return None
    if modifier == "from":
        return FoundDeadline(start=0, end=0, due=None, precision=precision, ongoing=True, modifier="from")
    del ctx_year
    return FoundDeadline(start=0, end=0, due=due, precision=precision, modifier=modifier)


def _placeholder_year(m: re.Match[str], ns: int, ne: int) -> FoundDeadline:
    """A date whose month or day is a placeholder (2022年xx月) as the year it names."""
    return FoundDeadline(start=ns, end=ne, due=date(int(m.group("y")), 12, 31), precision="year",
                         modifier="before" if m.group("mod") else None)


def _relative(m: regex.Match[str], year: int | None) -> FoundDeadline:
    rel = m.group("rel")
    mod = _MODIFIERS.get(m.group("mod") or "")
    if rel.endswith("季度"):
        month, precision = 3 * (_num(rel.strip("第季度")) or 4), "quarter"
    elif rel in ("年中", "上半年"):
        month, precision = 6, "quarter"
    elif rel == "下半年":
        month, precision = 12, "quarter"
    else:
        month, precision = 12, "year"
    if mod is None and m.groupdict().get("end"):
        mod = "end"
    if mod is None and rel in ("年底", "年末", "今年底", "今年年底"):
        mod = "end"
    if mod is None and rel in ("年内", "本年度", "今年", "当年", "全年"):
        mod = "during"
    if mod == "from":  # 一季度起持续推进: a start, so the work goes on
        return FoundDeadline(start=0, end=0, ongoing=True, modifier="from")
    due = _month_end(year, month) if year else None
    return FoundDeadline(start=0, end=0, due=due, precision=precision if year else None, modifier=mod)


class _Parser:
    def __init__(self, rules: RuleSet, ctx: PlanContext) -> None:
        self.rx = _rx(rules)
        self.rules = rules
        self.ctx = ctx

    def parse_value(self, text: str, a: int, b: int, out: Extraction, run: TextRun) -> FoundDeadline:
        """A field or cell value text[a:b] (already trimmed) as a deadline; raw-only if unparsed.
        A schedule of stages (3月启动，6月完成初稿，12月全面完成) ends with its last stage, and
        keeps every stage as a milestone."""
        got = self._parse_value(text, a, b, out, run)
        value = text[a:b]
        if got.due is not None and _STAGE_SEP_RX.search(value):
            stages = self._stages(value, got.due.year)
            last = max(stages, key=lambda s: s.due or date.min, default=None)
            if last is not None and last.due is not None and last.due > got.due:
                got = dataclasses.replace(last, start=got.start, end=got.end)
            if len(stages) > 1:
                for s in stages:
                    s.start, s.end = run.span(a + s.start, a + s.end)
                got.milestones = stages
        return got

    def _stages(self, value: str, year: int, pos: int = 0, years: bool = True) -> list[FoundDeadline]:
        """The dated stages of a schedule (from ``pos``) in text order, each a date the work is
        done by (``years``: dates that name their year too); their start and end are positions
        in ``value``."""
        found: list[FoundDeadline] = []

        def take(got: FoundDeadline | None, a: int, b: int) -> None:
            if got is not None and got.due is not None and not any(f.start <= a < f.end for f in found):
                got.start, got.end = a, b
                found.append(got)

        for x in self.rx.date.finditer(value, pos) if years else ():
            if x.group("y") and not self._vague(x, value) and not self._starts(value, x.end()) \
                    and x.group("mod") not in ("起", "开始", "以来"):
                take(_from_match(x, self.ctx.year), x.start("y1") if x.group("y1") else x.start("y"), x.end())
        for mm in _MONTH_IN_TEXT_RX.finditer(value, pos):
            if value.endswith(("每年", "每月", "每季度"), 0, mm.start()) or self._starts(value, mm.end()):
                continue
            if mm.group("mod") or mm.group("part") in ("底", "末") or self.rx.verb.match(value, mm.end()):
                take(self._month_only(mm, 0, 0, mm.group(), Extraction(), year=year), mm.start(), mm.end())
        for rm in self.rx.relative.finditer(value, pos):
            if rm.group("mod") in ("起", "开始") or self._starts(value, rm.end()):
                continue
            if rm.group("mod") or rm.group("end") or self.rx.verb.match(value, rm.end()) \
                    or rm.group("rel") in ("年底", "年末", "下半年"):
                take(_relative(rm, year), rm.start(), rm.end())
        found.sort(key=lambda f: f.start)
        return found

    def _last_stage(self, value: str, year: int, pos: int = 0) -> FoundDeadline | None:
        """The latest dated stage of a schedule (from ``pos``); positions in ``value``."""
        return max(self._stages(value, year, pos), key=lambda s: s.due or date.min, default=None)

    def _starts(self, value: str, end: int) -> bool:
        """A stage that starts the work (3月启动) rather than finishing it."""
        return _START_VERB_RX.match(value, end) is not None

    def _parse_value(self, text: str, a: int, b: int, out: Extraction, run: TextRun) -> FoundDeadline:
        value = text[a:b]
        ns, ne = run.span(a, b)
        if _PLACEHOLDER_RX.search(value):
            out.warnings.append(FoundWarning(start=ns, end=ne, code="placeholder",
                                             message=f"placeholder instead of a date: {value!r}"))
            # 2022年xx月: the month is left blank, but the year is known
            py = _PLACEHOLDER_YEAR_RX.match(value)
            return _placeholder_year(py, ns, ne) if py is not None else FoundDeadline(start=ns, end=ne)
        fn = _FROM_NOW_RX.match(value)
        if fn is not None:
            if fn.end() == len(value):
                return FoundDeadline(start=ns, end=ne, ongoing=True, modifier="from")
            until = self.parse_value(text, a + fn.end(), b, out, run)
            until.start, until.end = ns, ne
            if until.due is not None and until.modifier is None:
                until.modifier = "by"
            return until
        if self.rx.ongoing.match(value):
            # 每月25日前报送，12月底前完成整治: the reports go on, the work ends on a date
            later = self._dated_completion(value)
            if later is not None:
                later.start, later.end = ns, ne
                return later
            return FoundDeadline(start=ns, end=ne, ongoing=True)
        for pattern, end_year in self.rx.periods:
            m = pattern.match(value)
            if m:
                mod = _MODIFIERS.get(m.group("mod") or "", "during")
                return FoundDeadline(start=ns, end=ne, due=date(end_year, 12, 31), precision="year", modifier=mod)
        if self.rx.festival is not None:
            fm = self.rx.festival.match(value)
            if fm is not None:
                got = self._festival(fm)
                if got is not None:
                    got.start, got.end = ns, ne
                    return got
                out.warnings.append(FoundWarning(start=ns, end=ne, code="unparsed_deadline",
                                                 message=f"festival date not known for {value!r}"))
                return FoundDeadline(start=ns, end=ne, modifier="before" if fm.group("mod") else None)
        yr = _YEAR_RANGE_RX.match(value)
        if yr is not None and int(yr.group(1)) <= int(yr.group(2)):  # 2024-2025: a span of years
            return FoundDeadline(start=ns, end=ne, due=date(int(yr.group(2)), 12, 31), precision="year")
        nr = _NUMERIC_RANGE_RX.match(value)
        if nr is not None:  # 2023.01-2023.12: a period ends with its last month
            last_y, last_m = int(nr.group("y2") or nr.group("y1")), int(nr.group("m2"))
            if 1 <= last_m <= 12 and (last_y, last_m) >= (int(nr.group("y1")), int(nr.group("m1"))):
                return FoundDeadline(start=ns, end=ne, due=_month_end(last_y, last_m), precision="month")
        nd = _NUMERIC_DATE_RX.match(value)
        if nd is not None:  # 2025/6/30, 2025.09: dates as spreadsheets write them
            y, mo = int(nd.group("y")), int(nd.group("m"))
            try:
                if nd.group("d"):
                    due, precision = date(y, mo, int(nd.group("d"))), "day"
                else:
                    due, precision = _month_end(y, mo), "month"
            except (ValueError, calendar.IllegalMonthError):
                due = None
            if due is not None:
                return FoundDeadline(start=ns, end=ne, due=due, precision=precision,
                                     modifier=_MODIFIERS.get(nd.group("mod") or ""))
        fy = _FISCAL_YEAR_RX.match(value)
        if fy is not None and (int(fy.group("y")) + 1) % 100 == int(fy.group("y2")):
            return FoundDeadline(start=ns, end=ne, due=date(int(fy.group("y")) + 1, 3, 31), precision="year",
                                 modifier=_MODIFIERS.get(fy.group("mod") or "", "during"))
        nxt = _NEXT_YEAR_RX.match(value)
        if nxt is not None and self.ctx.year is not None:
            mm = _MONTH_ONLY_RX.match(value[nxt.end():])
            if mm is not None:
                return self._month_only(mm, ns, ne, value, out, year=self.ctx.year + 1)
        m = self.rx.date.match(value)
        if m is None or not m.group("y"):
            # 一是2025年6月底前，二、三长期坚持: a date further in
            found = next((x for x in self.rx.date.finditer(value) if x.group("y") and not self._vague(x, value)), None)
            if found is not None and _from_match(found, self.ctx.year) is not None:
                m = found
        if m is not None and m.group("y"):
            # 2024年底前完成50%，2025年6月底前全部完成: a staged deadline ends with its last stage,
            # whichever order the stages are written in
            got = None if self._vague(m, value) else _from_match(m, self.ctx.year)
            first_end = m.end()
            for x in self.rx.date.finditer(value, first_end):
                if not x.group("y") or not value[first_end:x.start()].strip(" ,，;；、和及至到—-~") \
                        or self._vague(x, value):
                    continue
                got_x = _from_match(x, self.ctx.year)
                if got_x is not None and (got is None or got.due is None
                                          or (got_x.due is not None and got_x.due >= got.due)):
                    m, got = x, got_x
            if got is None and self._vague(m, value):
                season_year = _year(m.group("y"))
                dated = self._last_stage(value, season_year) if season_year is not None else None
                if dated is not None:  # 2025年汛期前(5月31日前): the date it names
                    dated.start, dated.end = ns, ne
                    return dated
                out.warnings.append(FoundWarning(start=ns, end=ne, code="unparsed_deadline",
                                                 message=f"deadline season has no fixed date: {value!r}"))
                return FoundDeadline(start=ns, end=ne)
            # 2023年3月—2023年12月: a range ends with its second date
            after = value[m.end():]
            if after[:1] in "-—–~至到" and after[1:2]:
                m2 = self.rx.date.match(value, m.end() + 1)
                if m2 is not None and m2.group("y"):
                    got = _from_match(m2, self.ctx.year)
            if got is not None:
                got.start, got.end = ns, ne
                return got
        mm = _MONTH_ONLY_RX.match(value)
        if mm is not None:
            return self._month_only(mm, ns, ne, value, out)
        m = self.rx.relative.match(value)
        if m is not None:
            got = _relative(m, self.ctx.year)
            got.start, got.end = ns, ne
            if got.due is None and not got.ongoing:
                out.warnings.append(FoundWarning(start=ns, end=ne, code="unresolved_deadline",
                                                 message=f"relative deadline {value!r} but the plan's year is unknown"))
            return got
        if not self.rx.non_date.search(value):
            out.warnings.append(FoundWarning(start=ns, end=ne, code="unparsed_deadline",
                                             message=f"deadline text not understood: {value!r}"))
        return FoundDeadline(start=ns, end=ne)

    def _dated_completion(self, value: str) -> FoundDeadline | None:
        """A date followed by a completion verb after a recurring phrase: …，12月底前完成整治."""
        for x in self.rx.date.finditer(value):
            if x.group("y") and self.rx.verb.match(value, x.end()):
                return _from_match(x, self.ctx.year)
        for mm in _MONTH_IN_TEXT_RX.finditer(value):
            if (mm.group("mod") or mm.group("part") in ("底", "末")) and self.rx.verb.match(value, mm.end()):
                if mm.start() > 0 and value[mm.start() - 1] in "每第":
                    continue
                got = self._month_only(mm, 0, 0, mm.group(), Extraction())
                if got.due is not None:
                    return got
        rel = self.rx.relative.search(value)
        if rel is not None and self.rx.verb.match(value, rel.end()) and self.ctx.year is not None:
            return _relative(rel, self.ctx.year)
        return None

    def _vague(self, m: regex.Match[str], text: str) -> bool:
        """A year alone followed by a season with no fixed date: 2025年汛期前."""
        return not (m.group("q") or m.group("half") or m.group("m") or m.group("mod")) and \
            self.rx.vague.match(text, m.end()) is not None

    def _festival(self, m: Any) -> FoundDeadline | None:
        """2025年春节前: the festival's day that year (None when the table does not know it)."""
        fest = self.rx.festivals.get(m.group("f"))
        year = int(m.group("y"))
        day = fest.fixed if fest is not None and fest.fixed else fest.dates.get(year) if fest is not None else None
        if not day:
            return None
        month, dd = (int(x) for x in day.split("-"))
        due = date(year, month, dd)
        mod = "before" if m.group("mod") else None
        return FoundDeadline(start=0, end=0, due=due - timedelta(days=1) if mod else due, precision="day",
                             modifier=mod)

    def _month_only(self, m: re.Match[str], ns: int, ne: int, value: str, out: Extraction,
                    year: int | None = None) -> FoundDeadline:
        month = _num(m.group("m")) or 0
        mod = _MODIFIERS.get(m.group("mod") or "") or ("end" if m.group("part") in ("底", "末") else None)
        year = year or self.ctx.year
        if year is None or not 1 <= month <= 12:
            out.warnings.append(FoundWarning(start=ns, end=ne, code="unresolved_deadline",
                                             message=f"deadline {value!r} has no year, nor has the plan"))
            return FoundDeadline(start=ns, end=ne, modifier=mod)
        day = _num(m.group("d"))
        try:
            if day:
                return FoundDeadline(start=ns, end=ne, due=date(year, month, day), precision="day", modifier=mod)
        except ValueError:
            pass
        return FoundDeadline(start=ns, end=ne, due=_month_end(year, month), precision="month", modifier=mod)

    def _text_dates(self, item: ItemText) -> list[tuple[int, FoundDeadline, bool]]:
        """Every dated phrase in running text that may end the work, in text order, as (start,
        deadline, marked): marked when a lead-in, 前/底 or a completion verb makes it a deadline.
        Starts, dates done already, named documents, seasons, history, policy periods and the
        horizons of targets are left out."""
        run = item.run
        text = run.match
        found: list[tuple[int, FoundDeadline, bool]] = []
        starts: list[tuple[int, FoundDeadline, bool]] = []  # 2021年启动…: the year only if nothing ends
        for m in self.rx.text_date.finditer(text):
            verb = self.rx.verb.match(text, m.end())
            marked = bool(m.group("lead") or m.group("mod") or m.group("half") in ("底", "末", "年底", "年末")
                          or m.group("mpart") in ("底", "末") or verb)
            if verb is not None and not (m.group("lead") or m.group("mod")) and text[verb.end():verb.end() + 1] == "的":
                continue  # 2019年6月印发的《…预案》: which document, not when
            if m.group("mod") in ("起", "开始", "以来"):
                continue  # a start, not a deadline
            if "已" in text[max(0, m.start() - 3):m.start()]:
                continue  # 已于2021年10月15日完成: done already, not due
            if self._vague(m, text) or in_title(text, m.start()):
                continue  # 2025年汛期前; 《…行动方案(2021—2025年)》 names a document
            got = _from_match(m, self.ctx.year)
            if got is None:
                continue
            if got.due is not None and self.ctx.first_year and got.due.year < self.ctx.first_year - 1:
                continue  # 以2000年底前建成的小区为重点: history, not a deadline
            y_at = m.start("y1") if m.group("y1") else m.start("y")
            if self._policy(text, y_at, m.end()):
                continue  # 实施期限至2025年12月31日: how long a policy applies
            year_end = m.group("half") in ("底", "末") and m.group("lead") and not m.group("mod")
            if not (m.group("q") or (m.group("half") and not year_end) or m.group("m") or m.group("mod")) \
                    and self._horizon(item, m.end()):
                continue  # 到2025年(底)，覆盖率达到90%: when a target is to be met, not when work ends
            a = m.start("lead") if m.group("lead") else y_at
            got.start, got.end = run.span(a, m.end())
            (starts if self._starts(text, m.end()) else found).append((a, got, marked))
        for pm in _PLACEHOLDER_YEAR_RX.finditer(text) if ("x" in text or "X" in text or "×" in text) else ():
            # 2022年x月底前完成: the year is known
            if pm.group("mod") or pm.group().endswith(("底", "末")) or self.rx.verb.match(text, pm.end()):
                ns, ne = run.span(pm.start(), pm.end())
                found.append((pm.start(), _placeholder_year(pm, ns, ne), True))
        if not any(marked for _, _, marked in found):
            found += starts
        found.sort(key=lambda f: f[0])
        return found

    def _policy(self, text: str, a: int, b: int) -> bool:
        """Whether the date text[a:b] ends a policy's period: 实施期限至…, 有效期至…, or a range
        of dates followed by 实施…政策."""
        lo = a
        while lo > 0 and a - lo < 40 and text[lo - 1] not in "。;；\n,，(":
            lo -= 1
        before = text[lo:a]
        ranged = self.rx.range_start.search(before)
        if ranged is not None:
            before = before[:ranged.start()]
        return self.rx.policy.search(before) is not None or (
            ranged is not None and self.rx.policy_then.match(text, b) is not None)

    def _horizon(self, item: ItemText, end: int) -> bool:
        """Whether the rest of the sentence after a year (到2025年，…) states a target."""
        found = targets.in_text(item, self.rules).targets
        if not found:
            return False
        run = item.run
        stop = SENTENCE_END_RX.search(run.match, end)
        ns, ne = run.span(end, stop.start() if stop else len(run.match))
        return any(ns <= t.start < ne for t in found)

    def in_text(self, item: ItemText) -> FoundDeadline | None:
        """The item's deadline in running text: its latest dated completion, or the first
        relative or month-only date, a sentence's later stage ending the work; every dated
        stage is kept as a milestone when there are several."""
        run = item.run
        text = run.match
        dates = self._text_dates(item)
        dated = [(a, got) for a, got, marked in dates if marked]
        best: tuple[int, FoundDeadline] | None = dated[0] if dated else None
        for m in self.rx.relative.finditer(text):
            if best is not None and m.start() > best[0]:
                break
            if not m.group("mod") and m.group("rel") not in ("年底", "年末", "年内") \
                    and not self.rx.verb.match(text, m.end()):
                continue
            if m.group("mod") in ("起", "开始"):
                continue  # a start, not a deadline
            got = _relative(m, self.ctx.year)
            if got.due is None:
                continue
            got.start, got.end = run.span(m.start(), m.end())
            best = (m.start(), got)
            break
        for mm in _MONTH_IN_TEXT_RX.finditer(text) if "月" in text else ():
            if best is not None and mm.start() > best[0]:
                break
            if not (mm.group("mod") or mm.group("part") in ("底", "末") or self.rx.verb.match(text, mm.end())):
                continue
            if self._policy(text, mm.start(), mm.end()):
                continue
            ns, ne = run.span(mm.start(), mm.end())
            got = self._month_only(mm, ns, ne, mm.group(), Extraction())
            if got.due is not None:
                best = (mm.start(), got)
                break
        tail = _annotation_start(text)
        yearly = _YEARLY_RX.search(text, tail) if tail is not None and "每年" in text else None
        if yearly is not None and (best is None or yearly.start() < best[0]):
            # (…负责，每年12月底前完成年度任务): a date every year, so the work goes on; in
            # running text a frequency is no deadline
            ns, ne = run.span(yearly.start(), yearly.end())
            best = (yearly.start(), FoundDeadline(start=ns, end=ne, ongoing=True))
        br = _BRACKET_RANGE_RX.search(text) if "(" in text else None
        if br is not None and (best is None or br.start() < best[0]):
            y = int(br.group("y2") or br.group("y1"))
            month = int(br.group("m2"))
            try:
                due = date(y, month, int(br.group("d2"))) if br.group("d2") else _month_end(y, month)
            except ValueError:
                due = None
            if due is not None:
                ns, ne = run.span(br.start() + 1, br.end() - 1)
                best = (br.start(), FoundDeadline(start=ns, end=ne, due=due,
                                                  precision="day" if br.group("d2") else "month", modifier="during"))
        if self.rx.festival is not None:
            fm = self.rx.festival.search(text)
            if fm is not None and (best is None or fm.start() < best[0]):
                fest = self._festival(fm)
                if fest is not None:
                    fest.start, fest.end = run.span(fm.start(), fm.end())
                    best = (fm.start(), fest)
        if best is None:
            for pattern, end_year in self.rx.periods:
                pm = pattern.search(text)
                # “十四五”期间末 in a sentence, or “十四五”期间 as the last clause of an annotation
                if pm is not None and (pm.group("mod") or text[pm.end():pm.end() + 1] in (")", ";")
                                       or self.rx.verb.match(text, pm.end())):
                    ns, ne = run.span(pm.start(), pm.end())
                    return FoundDeadline(start=ns, end=ne, due=date(end_year, 12, 31), precision="year",
                                         modifier=_MODIFIERS.get(pm.group("mod"), "end"))
            return None
        stages: dict[int, FoundDeadline] = {a: got for a, got in dated}
        if best[1].due is not None:
            stages.setdefault(best[0], best[1])
            # 于4月30日前制定计划，11月30日前完成抽查: the sentence's later stages count too
            end = SENTENCE_END_RX.search(text, best[0])
            stop = end.start() if end else len(text)
            year = best[1].due.year
            for st in self._stages(text[:stop], year, best[0] + 1, years=False):
                k = st.start
                if st.due is not None and st.due.year <= year + 1 and k not in stages:
                    st.start, st.end = run.span(k, st.end)
                    stages[k] = st
            for a, got, marked in dates:
                if not marked and best[0] < a < stop and got.due is not None and got.due.year <= year + 1:
                    stages.setdefault(a, got)
        ordered = [stages[k] for k in sorted(stages) if stages[k].due is not None]
        # several dated completions: the latest is the item's deadline
        latest = max(ordered, key=lambda f: f.due or date.min, default=None)
        chosen = dataclasses.replace(best[1])
        if latest is not None and (chosen.due is None or (latest.due is not None and latest.due > chosen.due)):
            chosen = dataclasses.replace(latest)
        if len(ordered) > 1:
            chosen.milestones = ordered
        return chosen


def parse_field(run: TextRun, a: int, b: int, rules: RuleSet, ctx: PlanContext) -> FoundDeadline | None:
    """run.match[a:b] read as a deadline field's value (warnings dropped)."""
    return _Parser(rules, ctx).parse_value(run.match, a, b, Extraction(), run)


def _annotation_start(text: str) -> int | None:
    """Where the annotation closing an item starts (its last bracket, or ——X负责，… after the
    text), if it has one."""
    body = text.rstrip(" 。.\n")
    if body.endswith(")"):
        k = body.rfind("(")
        return k if k >= 0 else None
    k = text.rfind("——")
    return k if k >= 0 and not SENTENCE_END_RX.search(body, k) else None


def _in_brackets(text: str, pos: int) -> bool:
    """Whether ``pos`` lies inside a bracket (an annotation)."""
    k = text.rfind("(", 0, pos)
    return k >= 0 and text.find(")", k, pos) < 0


def _strip(text: str, a: int, b: int, chars: str = " ") -> tuple[int, int]:
    """The positions of text[a:b] less ``chars`` at either end."""
    while a < b and text[a] in chars:
        a += 1
    while b > a and text[b - 1] in chars:
        b -= 1
    return a, b


def _cell_pieces(parser: _Parser, cell: TextRun, a: int, b: int, out: Extraction) -> FoundDeadline:
    """A deadline cell in pieces (one per merged sub-row: 11月 / 2021.12 / 2021年11月): the latest
    dated piece is the deadline, and every dated piece a milestone."""
    text = cell.match
    pieces: list[FoundDeadline] = []
    start = a
    while start < b:
        end = text.find("\n", start, b)
        end = b if end < 0 else end
        p, q = _strip(text, start, end)
        if q > p and not _NO_DATE_RX.match(text[p:q]):
            pieces.append(parser.parse_value(text, p, q, out, cell))
        start = end + 1
    dated = [f for f in pieces if f.due is not None]
    if not dated:
        got = pieces[0] if pieces else FoundDeadline(start=0, end=0)
        got.start, got.end = cell.span(a, b)
        return got
    got = dataclasses.replace(max(dated, key=lambda f: f.due or date.min))
    got.start, got.end = cell.span(a, b)
    if len(dated) > 1:
        got.milestones = [m for f in dated for m in (f.milestones or [f])]
    return got


def _last_clause_ongoing(parser: _Parser, text: str) -> regex.Match[str] | None:
    """长期坚持 as the text's last clause: searched from the last clause mark only (the pattern
    holds none, so a match can start nowhere else)."""
    k = max(text.rfind(","), text.rfind(";"))
    return parser.rx.ongoing_end.search(text, k) if k >= 0 else None


# what ends a field's value (or opens a bracket inside it)
_VALUE_STOP_RX = re.compile(r"[;；)）\]】〕\n。(（]")


def extract(item: ItemText, rules: RuleSet, ctx: PlanContext, out: Extraction) -> None:
    parser = _Parser(rules, ctx)
    if item.deadline_cell is not None:
        cell = item.deadline_cell
        a, b = _strip(cell.match, 0, len(cell.match), " \n")
        if b > a and not _NO_DATE_RX.match(cell.match[a:b]):
            out.deadline = _cell_pieces(parser, cell, a, b, out) if "\n" in cell.match[a:b] \
                else parser.parse_value(cell.match, a, b, out, cell)
        return
    run = item.run
    text = run.match
    field: tuple[int, int] | None = None
    for m in (parser.rx.field.finditer(text) if ":" in text or "】" in text else ()):
        a = m.end()
        b = len(text)
        depth = 0  # brackets opened inside the value: 6月30日前(首批)、12月31日前(全部)
        for stop in _VALUE_STOP_RX.finditer(text, a):
            mark = stop.group()
            if mark in "(（":
                depth += 1
            elif depth and mark in ")）":
                depth -= 1
            else:
                b = stop.start()
                break
        while b < len(text) and text[b] in ";；":
            # 3月底前完成摸底；11月底前全部完成: the schedule goes on past a semicolon while
            # the next clause is another dated stage, not another field
            c = b + 1
            while c < len(text) and text[c] not in ";；)）]】〕\n。":
                c += 1
            nxt = text[b + 1:c]
            if ":" in nxt or "】" in nxt or not _STAGE_DATE_RX.search(nxt):
                break
            b = c
        while b > a and text[b - 1] in " ,，、":
            b -= 1
        if b > a:
            if not _NO_DATE_RX.match(text[a:b]):
                out.deadline = parser.parse_value(text, a, b, out, run)
            field = (a, b)
            break
    # placeholder dates elsewhere in the text (到20xx年底) are flagged, never read as dates
    for pm in (_PLACEHOLDER_RX.finditer(text) if "x" in text or "X" in text else ()):
        if field is not None and field[0] <= pm.start() < field[1]:
            continue
        ns, ne = run.span(pm.start(), pm.end())
        out.warnings.append(FoundWarning(start=ns, end=ne, code="placeholder",
                                         message=f"placeholder instead of a date: {pm.group()!r}"))
    if field is None and "\t" in text:
        # 1.推进老旧小区改造…<tab><tab>2025年9月30日: a deadline in a column on the item's line
        line_end = text.find("\n")
        line_end = len(text) if line_end < 0 else line_end
        k = text.rfind("\t", 0, line_end)
        a, b = _strip(text, k + 1, line_end)
        if k >= 0 and b > a and parser.rx.cell.match(text[a:b]):
            out.deadline = parser.parse_value(text, a, b, out, run)
            field = (a, b)
    if field is None and "年" in text and ")" in text:
        for m in parser.rx.clause_date.finditer(text):
            if in_title(text, m.start()) or not _in_brackets(text, m.start()):
                continue  # ,2022年底, in running text is read with the text's other dates
            got = _from_match(m, parser.ctx.year)
            if got is not None:
                got.start, got.end = run.span(m.start() + len(m.group()) - len(m.group().lstrip()), m.end())
                out.deadline = got
                return
    if field is None and ("年" in text or "月" in text or "季" in text or "期" in text or "末" in text):
        found = parser.in_text(item)
        if found is not None:
            out.deadline = found
    if out.deadline is None:
        # a frequency is the item's timing only in its closing annotation (…负责，每季度调度一次);
        # in running text (每季度召开调度会议) it is not a deadline
        tail = _annotation_start(text) if "每" in text else None
        clause = (parser.rx.ongoing_clause.search(text) if ")" in text else None) \
            or _last_clause_ongoing(parser, text) or (_RECURRING_RX.search(text, tail) if tail is not None else None)
        if clause is not None:
            ns, ne = run.span(clause.start(), clause.end())
            out.deadline = FoundDeadline(start=ns, end=ne, ongoing=True)
