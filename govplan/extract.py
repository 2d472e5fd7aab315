"""Stage 5, extract: run the registered extractors over every item of every plan.

Extractors are small functions registered by name in ``EXTRACTORS`` (units, deadlines, targets);
``select`` switches them on and off by name, and an unknown name is an error that names it.
This stage also reads each plan's front matter (document number, issuer, issue date) and the
context extraction depends on (the plan's year, whether the first unit listed leads).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from .chinese import FULL_DATE_RX, cn_int
from .extractors import deadlines, targets, units
from .extractors.base import Extraction, Found, ItemText, PlanContext
from .normalise import Normalised
from .rules import RuleSet, compiler
from .segment import Line
from .structure import Node, PlanNode, StructureRules, compiled, is_date_line, join_paragraphs, year_of
from .textrun import TextRun

Extractor = Callable[[ItemText, RuleSet, PlanContext, Extraction], None]

EXTRACTORS: list[tuple[str, Extractor]] = [
    ("units", units.extract),
    ("deadlines", deadlines.extract),
    ("targets", targets.extract),
]


def select(enabled: Iterable[str] | None = None, disabled: Iterable[str] = ()) -> list[tuple[str, Extractor]]:
    """The extractors to run, in registry order; unknown names raise ValueError naming them."""
    known = [name for name, _ in EXTRACTORS]
    for name in list(enabled or []) + list(disabled):
        if name not in known:
            raise ValueError(f"unknown extractor {name!r}; known: {', '.join(known)}")
    wanted = set(enabled) if enabled is not None else set(known)
    wanted -= set(disabled)
    return [(n, f) for n, f in EXTRACTORS if n in wanted]


_HEADING_MAX = 40
_OPEN_ENDINGS = set("的和与及或并、,，“《(（对在将把为从向以")
_SENTENCE_RX = re.compile(r"[。；;!！?？]")
# a year in a title: 2022年, or either end of a range such as 2024—2026年
_TITLE_YEAR_RX = re.compile(r"((?:19|20)\d{2})(?=\s*年|\s*[-—–~至到]\s*(?:19|20)\d{2}\s*年)")
_TITLE_ROC_YEAR_RX = re.compile(r"(?<!\d)(1[0-2]\d)(?=\s*年)")
# …after the approval date (FULL_DATE_RX): 府环综字第1140012345号函核定
_APPROVAL_RX = re.compile(r"\s*(?P<number>[\u3400-\u9fff]{1,10}字第\s*\d{6,12}\s*号)函?(?:核定|核准|发布|函颁)")
# a note under a cover letter's date: (此件公开发布)
_NOTE_LINE_RX = re.compile(r"^\([^()]{2,20}\)$")
_REGION_RX = re.compile(r"^(?:xx)?([\u3400-\u9fff]{2,4}?)(?:省|市|县|区|自治区|地区|州)")


@dataclass
class ItemResult:
    node: Node
    run: TextRun
    title: str
    title_span: tuple[int, int]
    extraction: Extraction
    children: list[ItemResult] = field(default_factory=list)


@dataclass
class PlanResult:
    plan: PlanNode
    title: str | None
    title_span: tuple[int, int] | None
    doc_number: str | None
    issuer: str | None
    issued: date | None
    preamble: str | None
    closing: str | None
    context: PlanContext
    items: list[ItemResult]


def _lines_run(norm: Normalised, lines: list[Line], first_heading: bool = False) -> TextRun:
    parts = [(sep, ln.start, ln.end) for sep, ln in join_paragraphs(lines, first_heading, short_lines_stand=True)]
    return TextRun.join(norm.match, norm.clean, parts)


def _cell_run(norm: Normalised, spans: list[tuple[int, int]], sep: str = "",
              continued: set[tuple[int, int]] | None = None) -> TextRun:
    """The cell's spans joined by ``sep``, less a span that goes on the one before it."""
    return TextRun.join(norm.match, norm.clean, [("" if k == 0 or (continued and sp in continued) else sep, *sp)
                                                 for k, sp in enumerate(spans)])


def _is_heading(text: str) -> bool:
    """A short label line without sentence punctuation is a heading, unless it stops where a
    sentence cannot (after 的, 和, a comma, an opening quote…): then a wrap cut it."""
    return (len(text) <= _HEADING_MAX and not _SENTENCE_RX.search(text)
            and (not text or text[-1] not in _OPEN_ENDINGS))


def item_text(node: Node, norm: Normalised) -> tuple[ItemText, str, tuple[int, int]]:
    """The text extractors see for ``node``, its title and the title's normalised span."""
    if node.kind == "row":
        # what the row says: its content, or the task itself in a table without a content column
        text_col = next((c for c in ("content", "subtask", "task", "indicator") if c in node.cells), "content")
        content = _cell_run(norm, node.cells.get(text_col, []))
        cells = []
        # a unit cell on several lines holds one unit per line (Word cells with line breaks),
        # unless the table was laid out by width (pdftotext): then its lines are wraps
        wrapped = bool(node.row_lines) and node.row_lines[0].aligned
        for col, role in (("lead_units", "lead"), ("units", "responsible"), ("cooperating", "cooperating")):
            if col in node.cells:
                # names glued with nothing between them are told apart by the span of each
                sep = "、" if node.glued else "" if wrapped else "\n"
                cells.append((_cell_run(norm, node.cells[col], sep, node.continued), role))
        # a deadline cell in pieces (one per merged sub-row) is a list of stages
        dl = _cell_run(norm, node.cells["deadline"], "\n") if "deadline" in node.cells else None
        target = _cell_run(norm, node.cells["target_value"]) if "target_value" in node.cells else None
        measure = "".join(norm.match[a:b] for a, b in node.cells.get("measure", [])).strip() or None
        title_col = "subtask" if "subtask" in node.cells else None
        if title_col is None and "task" in node.cells and not (node.shared_task and "content" in node.cells):
            title_col = "task"
        if title_col is None and "indicator" in node.cells:
            title_col = "indicator"
        if title_col:
            spans = node.cells[title_col]
            title = "".join(norm.clean[a:b] for a, b in spans)
            tspan = (spans[0][0], spans[-1][1])
        else:
            # rows that share a merged task cell are told apart by what each does
            first = _first_sentence(content.clean)
            title, tspan = first, content.span(0, len(first))
        return ItemText(run=content, units_cells=cells, deadline_cell=dl, target_cell=target,
                        measure=measure), title, tspan
    if node.kind == "attachment":
        parts: list[tuple[str, int, int]] = []
        if node.title_hint:
            parts.append(("", *node.title_hint))
        # lines after its table (a note: 注:…) never continue the title above the table
        table_at = min((c.row_lines[0].start for c in node.children if c.row_lines), default=None)
        before = [ln for ln in node.lines if table_at is None or ln.start < table_at]
        after = [ln for ln in node.lines if table_at is not None and ln.start >= table_at]
        for group in (before, after):
            parts += [("\n" if k == 0 and (node.title_hint or group is after) else sep, ln.start, ln.end)
                      for k, (sep, ln) in enumerate(join_paragraphs(group, False))]
        run = TextRun.join(norm.match, norm.clean, parts)
        title = run.clean.split("\n")[0]
        return ItemText(run=run), title, run.span(0, len(title))
    line = node.label_line
    assert line is not None
    first_text = norm.match[node.label_end : line.end]
    heading = _is_heading(first_text.strip())
    parts = [("", node.label_end, line.end)]
    parts += [(sep, ln.start, ln.end) for sep, ln in join_paragraphs([line, *node.lines], heading)[1:]]
    run = TextRun.join(norm.match, norm.clean, parts)
    text = run.clean
    if not first_text.strip() and node.lines:
        # the label stands alone; its title is the next line
        nl = text.find("\n", 1)
        first_line = text[: nl if nl >= 0 else len(text)].strip()
        title = _first_sentence(first_line)
        off = text.find(title)
        return ItemText(run=run), title, run.span(off, off + len(title))
    # (less Markdown emphasis a web copy leaves around a heading: 1. **加强组织领导。**)
    first = text.partition("\n")[0] if heading else _first_sentence(text)
    title = first.partition("\t")[0].strip().strip("*").strip()
    off = max(text.find(title), 0)
    return ItemText(run=run), title, run.span(off, off + len(title))


_OPEN, _CLOSE = set("(（[【"), set(")）]】")
_BRACKET_RX = re.compile(r"[(（\[【)）\]】]")
# a labelled annotation closing the title: …（责任单位：市教育局；完成时限：2024年8月底前）
_TITLE_FIELDS_RX = re.compile(r"\s*[(（【][^()（）【】]*[:：][^()（）【】]*[)）】]\s*$")


def _first_sentence(text: str) -> str:
    """Up to the first sentence end outside brackets, less a labelled annotation at its end."""
    first = _SENTENCE_RX.search(text)
    if first is not None and _BRACKET_RX.search(text, 0, first.start()) is None:
        # no bracket before the first sentence end (most items): it is the cut
        sentence = text[:first.start()]
        return _TITLE_FIELDS_RX.sub("", sentence) or sentence
    depth = 0
    cut: int | None = None
    for k, ch in enumerate(text):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0 and ch in "。；;!！?？":
            cut = k
            break
    if cut is None:
        if depth == 0:
            return text.split("\n")[0]
        m = _SENTENCE_RX.search(text)  # a bracket that never closes
        return text[: m.start()] if m else text.split("\n")[0]
    sentence = text[:cut]
    return _TITLE_FIELDS_RX.sub("", sentence) or sentence


def _walk(nodes: list[Node]) -> Iterator[Node]:
    for n in nodes:
        yield n
        yield from _walk(n.children)


def _date_of(m: re.Match[str]) -> date | None:
    y = int(m.group(1)) if m.group(1).isdigit() else cn_int(m.group(1).replace("○", "〇"))
    if y is not None and y < 200:
        y += 1911  # a 民国 year
    mo = int(m.group(2)) if m.group(2).isdigit() else cn_int(m.group(2))
    d = int(m.group(3)) if m.group(3).isdigit() else cn_int(m.group(3))
    try:
        return date(y or 0, mo or 0, d or 0)
    except ValueError:
        return None


def _title(title_lines: list[Line], norm: Normalised, rules: RuleSet) -> tuple[str | None, str | None]:
    """The plan's title and, when it is only known through its notice, the notice's issuer."""
    title = "".join(norm.clean[ln.start : ln.end].strip() for ln in title_lines) or None
    if not title:
        return None, None
    # a plan met only through its notice (关于印发…的通知): the plan is what the notice issues
    folded = "".join(ln.stripped for ln in title_lines)
    m = compiler(rules)(rules.document.notice_title).match(folded)
    if m is None:
        return title, None
    a, b = m.span("title")
    return (title[a:b] if len(title) == len(folded) else m.group("title")), (m.group("issuer") or None)


def _split_cover_letter(front: list[Line], title_lines: list[Line],
                        preamble: list[Line]) -> tuple[list[Line], list[Line]]:
    """A cover letter under a notice's title (number, addressees, body, signature, date) belongs
    to the front matter; the preamble is what follows its date."""
    dated = [k for k, ln in enumerate(preamble) if is_date_line(ln.stripped)]
    if not dated:
        return front, preamble
    cut = dated[-1] + 1
    while cut < len(preamble) and _NOTE_LINE_RX.match(preamble[cut].stripped):
        cut += 1
    return front + preamble[:cut], preamble[cut:]


def _doc_number(lines: list[Line], cover: set[int], norm: Normalised, rx: StructureRules) -> str | None:
    for ln in lines:
        m = rx.doc_number.search(ln.text)
        # under a title, only a line that starts with the number (not one that cites another)
        if m and (id(ln) in cover or m.start() == 0):
            return str(norm.clean[ln.start + m.start() : ln.start + m.end()].replace(" ", ""))
    return None


def _issued(front: list[Line]) -> tuple[date | None, int]:
    issued: date | None = None
    where = -1
    for k, ln in enumerate(front):
        if is_date_line(ln.stripped):
            m = FULL_DATE_RX.search(ln.stripped)
            if m:
                issued, where = _date_of(m), k
    return issued, where


def _issuer(front: list[Line], title_lines: list[Line], issued_at: int, notice_issuer: str | None,
            rules: RuleSet, rx: StructureRules) -> str | None:
    rc = compiler(rules)
    notice_rx = rc(rules.document.issuer_notice)
    for ln in front + title_lines:
        text = ln.stripped
        text = text[text.find("《") + 1 :] if "《" in text else text
        m = notice_rx.search(text)
        if m:
            return str(m.group("issuer"))
    if notice_issuer:
        return notice_issuer
    if issued_at > 0 and rx.signature.match(front[issued_at - 1].stripped):
        return front[issued_at - 1].stripped
    field_rx = rc(rules.document.issuer_field)
    for ln in front:
        m = field_rx.match(ln.stripped)
        if m:
            return str(m.group("issuer").strip())
    for ln in front:
        # the letterhead: 某市人民政府办公室文件 is issued by 某市人民政府办公室
        if ln.stripped.endswith("文件") and rx.letterhead.match(ln.stripped):
            return ln.stripped.removesuffix("文件")
    return None


def plan_metadata(plan: PlanNode, norm: Normalised, rules: RuleSet) -> PlanResult:
    """Title, document number, issuer, issue date, preamble and extraction context of a plan."""
    rx = compiled(rules)
    title_lines = plan.title_lines
    title, notice_issuer = _title(title_lines, norm, rules)
    title_span = (title_lines[0].start, title_lines[-1].end) if title_lines else None
    front, preamble = _split_cover_letter(plan.front, title_lines, plan.preamble)
    cover = {id(ln) for ln in plan.front + title_lines}
    doc_number = _doc_number(front + title_lines, cover, norm, rx)
    issued, issued_at = _issued(front)
    if issued is None and doc_number is None and preamble:
        # a Taiwan plan's approval line under its title: 中华民国114年2月10日府环综字第1140012345号函核定
        line = preamble[0].stripped
        d = FULL_DATE_RX.match(line)
        m = _APPROVAL_RX.match(line, d.end()) if d is not None else None
        if d is not None and m is not None:
            issued, doc_number = _date_of(d), m.group("number")
    issuer = _issuer(front, title_lines, issued_at, notice_issuer, rules, rx)
    if issued is None and plan.closing:
        # a signature block at the end: issuer, then the date
        issued, at = _issued(plan.closing)
        if issuer is None and at > 0 and rx.signature.match(plan.closing[at - 1].stripped):
            issuer = plan.closing[at - 1].stripped
    year = issued.year if issued else next((y for ln in front if (y := year_of(ln.stripped))), None)
    title_years = sorted({int(y) for y in _TITLE_YEAR_RX.findall(title or "")})
    if not title_years and norm.script != "simplified":
        # 臺南市政府114年度推動淨零排放行動計畫: a 民国 year
        title_years = sorted({int(y) + 1911 for y in _TITLE_ROC_YEAR_RX.findall(title or "")})
    if title_years and (year is None or title_years[0] == year + 1):
        # a plan for 2024—2026 with no dated cover letter: 年底前 most likely means its first year;
        # and a 2024年工作要点 issued in December 2023 means 2024 by 年底前
        year = title_years[0]
    if year is None and not title_years:
        # a task table alone under its 附件 heading: 和平县2024年优化营商环境重点任务分工表
        for node in plan.items:
            if node.kind == "attachment":
                a, b = node.title_hint or ((node.lines[0].start, node.lines[0].end) if node.lines else (0, 0))
                found = _TITLE_YEAR_RX.findall(norm.clean[a:b])
                if found:
                    year = min(int(y) for y in found)
                    break
    first_year = min([y for y in (year, *title_years) if y], default=None)
    regions = {m.group(1) for text in (title or "", issuer or "") if (m := _REGION_RX.match(text))}
    plan_text = "\n".join(ln.text for ln in plan.all_lines)
    ctx = PlanContext(year=year, first_year=first_year, first_is_lead=units.declares_first_is_lead(plan_text, rules),
                      regions=frozenset(regions))
    preamble_text = _lines_run(norm, preamble).clean.strip() or None if preamble else None
    if preamble_text is not None and title is not None and preamble_text.replace("\n", "") == title:
        preamble_text = None  # the plan's own title repeated under its notice
    closing = _lines_run(norm, plan.closing).clean.strip() or None if plan.closing else None
    return PlanResult(plan=plan, title=title, title_span=title_span, doc_number=doc_number, issuer=issuer,
                      issued=issued, preamble=preamble_text, closing=closing, context=ctx, items=[])


def _locate_parts(text: ItemText, ex: Extraction) -> None:
    """Give values that straddle left-out text (a page break) the pieces they are made of."""
    runs = [r for r in (text.run, *(c for c, _ in text.units_cells), text.deadline_cell, text.target_cell)
            if r is not None and len(r.norm_starts) > 1]
    if not runs:
        return
    found: list[Found] = [*ex.units, *ex.targets, *([ex.deadline] if ex.deadline is not None else [])]
    for f in found:
        if f.end - f.start < 2:
            continue
        for r in runs:
            parts = r.parts(f.start, f.end)
            if parts is not None:
                f.parts = parts
                break


def extract_plan(plan: PlanNode, norm: Normalised, rules: RuleSet,
                 extractors: list[tuple[str, Extractor]]) -> PlanResult:
    result = plan_metadata(plan, norm, rules)
    result.items = _extract_items(plan.items, norm, rules, extractors, result)
    if plan.closing and any(name == "deadlines" for name, _ in extractors):
        _default_deadline(result, norm, rules)
    return result


def _extract_items(nodes: list[Node], norm: Normalised, rules: RuleSet, extractors: list[tuple[str, Extractor]],
                   result: PlanResult) -> list[ItemResult]:
    # a module function, not a closure that calls itself: that would be a reference cycle keeping
    # every node and result of the parse alive until the cycle collector runs
    out: list[ItemResult] = []
    for node in nodes:
        text, title, tspan = item_text(node, norm)
        ex = Extraction()
        for _, fn in extractors:
            fn(text, rules, result.context, ex)
        _locate_parts(text, ex)
        out.append(ItemResult(node=node, run=text.run, title=title, title_span=tspan, extraction=ex,
                              children=_extract_items(node.children, norm, rules, extractors, result)))
    return out


# 以上任务，除已明确时限外，均需于2025年底前完成: a deadline for every task that states none
_DEFAULT_DEADLINE_RX = re.compile(
    r"(?:以上|上述|各项)(?:任务|工作|事项|措施)[^。]{0,24}?(?:均需|均须|均应|须|应|要)(?:在|于)?\s*"
    r"(?P<date>[^。,，;；]{3,16}?(?:前|底|末))(?:全部|全面|基本)?(?:完成|落实到位|落实)")


def _default_deadline(result: PlanResult, norm: Normalised, rules: RuleSet) -> None:
    """Apply a deadline the closing sets for all tasks to the tasks (items naming units, or table
    rows) that state none of their own."""
    run = _lines_run(norm, result.plan.closing)
    m = _DEFAULT_DEADLINE_RX.search(run.match)
    if m is None:
        return
    a, b = m.span("date")
    found = deadlines.parse_field(run, a, b, rules, result.context)
    if found is None or found.due is None:
        return

    todo = list(result.items)
    while todo:
        it = todo.pop()
        ex = it.extraction
        if ex.deadline is None and not it.children and (ex.units or it.node.kind == "row"):
            ex.deadline = dataclasses.replace(found)
        todo.extend(it.children)
