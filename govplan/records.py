"""Stage 6, records: the validated output records (Pydantic v2) and how they are built.

These models are the output contract: ``govplan schema`` prints their JSON Schema, checked in as
``schemas/document.schema.json``. Every extracted value carries ``raw`` (the source text exactly
as written) and a ``span`` into the decoded source.
"""

from __future__ import annotations

import bisect
import itertools
import operator
import re
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from typing import Any, Literal

import regex
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from . import __version__
from .extract import ItemResult, PlanResult
from .normalise import Normalised, find_placeholders
from .read import RawSource
from .registry import plan_place, qualify
from .rules import RuleSet, bundled_rules, compiler
from .structure import strip_inner_spaces

SCHEMA_VERSION = "2.0"  # 2.0: milestones moved from the deadline to the item; task, owners, same_as, qualified, source format
_BREAK_RX = re.compile(r"[ \t\u3000]*[\r\n]\s*")


class _Record(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=False)


class Span(_Record):
    """Where a value stands in the source text."""

    start: int = Field(ge=0, description="Offset of the first character in the decoded source text (code points; a BOM is not counted).")
    end: int = Field(ge=0, description="Offset just past the last character (exclusive).")
    start_line: int = Field(ge=1, description="1-based line of the first character.")
    end_line: int = Field(ge=1, description="1-based line of the last character.")


class Unit(_Record):
    """A responsible unit and its role for one item."""

    name: str = Field(description="Unit name in the output script, shared prefixes expanded (省公安厅、卫生健康委 → 省卫生健康委), ASCII parentheses.")
    role: Literal["lead", "responsible", "cooperating"] = Field(description="lead: 牵头 (or first-listed where the plan says so, or X in 'X负责，Y配合'); cooperating: 配合/协助/参与; responsible: the rest.")
    raw: str = Field(description="The name as written in the source (source script; inserted pinyin glosses and hard line breaks removed).")
    qualified: str | None = Field(
        default=None, description="The name placed by the plan's issuer, title or document number (市X in a 梅州市 plan → "
                                  "梅州市X, 省X in a 广东省 plan → 广东省X); a name that already says where it is stays; null "
                                  "where the place is unknown (各县(市、区)人民政府, a 市X of an unnamed city).")
    span: Span


class Milestone(_Record):
    """One dated stage of an item that states several (2021年底前…，2022年底前建成…)."""

    raw: str = Field(description="The stage's date as written in the source.")
    due: date = Field(description="Last day of the stage's period (ISO date).")
    precision: Literal["day", "month", "quarter", "year"] = Field(description="Granularity of the stage's period.")
    span: Span


class Deadline(_Record):
    """When an item is due."""

    raw: str = Field(description="The deadline text as written in the source.")
    due: date | None = Field(description="Last day of the stated period (ISO date); null for ongoing, placeholder or unparsed text.")
    precision: Literal["day", "month", "quarter", "year"] | None = Field(description="Granularity of the stated period (上半年 counts as quarter).")
    ongoing: bool = Field(description="True for 长期坚持, 持续推进, 不断完善 and starts such as 2022年起.")
    modifier: Literal["before", "end", "by", "during", "from"] | None = Field(
        default=None, description="The phrase's modifier: 前 before, 底/末 end, 到/至 by, 期间/内 during, 起 from.")
    span: Span


class Target(_Record):
    """A quantitative target."""

    raw: str = Field(description="The target text as written (number, unit and comparator words after it).")
    value: float = Field(description="The number, with magnitudes applied (1.1亿 → 110000000).")
    unit: str | None = Field(description="'%' for percentages, '百分点' for percentage points, else the counted unit (项, 台, 人…) or null.")
    comparator: Literal[">=", "<=", ">", "<", "=", "increase", "decrease"] = Field(
        description="不低于/以上/至少/达到 '>=', 不高于/以下/以内 '<=', 超过/突破 '>', 提高/增长 'increase', 减少/压减/下降 'decrease'.")
    by: int | None = Field(
        default=None, description="The year the target is set for: the 到2025年 / 2025年 that opens its sentence "
                                  "(a horizon, not the item's deadline); null if none.")
    span: Span


class Warning(_Record):
    """Something the reader should check: damaged text, placeholders, missing units, unparsed deadlines."""

    code: str = Field(description="Stable machine-readable kind, e.g. mojibake, placeholder, missing_units, unparsed_deadline.")
    message: str
    path: list[str] | None = Field(default=None, description="Path of the item concerned, if any.")
    span: Span | None = None


class Item(_Record):
    """A numbered item (or a task-table row, or an attachment)."""

    kind: Literal["item", "row", "attachment"] = Field(description="item: numbered text; row: a row of an attachment's task table; attachment: a 附件 heading.")
    number: str = Field(description="The label as written, e.g. '（三）', '⒉', '附件', or a table row's 序号.")
    path: list[str] = Field(description="Labels from the plan root to this item, e.g. ['一、', '（三）', '2.'] or ['附件', '12'].")
    level: int = Field(ge=1, description="Depth in the plan (1 for top-level items).")
    task: bool = Field(description="Work someone must do: the item names units, or it has no sub-items, is not under a "
                                   "framing section (指导思想, 保障措施 …) and is more than a heading. False for "
                                   "framing, headings and attachments.")
    title: str = Field(description="The heading, or the first sentence.")
    text: str = Field(description="The item's own text (children excluded), hard line wraps joined.")
    units: list[Unit]
    owners: list[str] = Field(description="Who owns the item: its lead units, or, where none is marked, its responsible "
                                          "units (names as in 'units'); cooperating units never.")
    deadline: Deadline | None
    milestones: list[Milestone] = Field(
        description="Every dated stage, in the order written (2021年底前上线，2022年底前建成 → both; the deadline's "
                    "'due' is the latest); a single dated deadline is one milestone; empty when nothing is dated.")
    targets: list[Target]
    cells: dict[str, str] | None = Field(default=None, description="For table rows: cell text by column heading, merged cells filled from the row above.")
    same_as: list[str] | None = Field(
        default=None, description="For a 附件 row that restates a body item: that item's path (titles matched "
                                  "conservatively); null otherwise. Count such a row's task once, as its body item.")
    span: Span = Field(description="From the label to the end of the item's own text.")
    children: list[Item]


class Plan(_Record):
    """One plan; a file can hold several."""

    title: str | None
    doc_number: str | None = Field(description="发文字号, e.g. 粤办函〔2021〕44号.")
    issuer: str | None = Field(description="发文机关.")
    issued: date | None = Field(description="Issue date (ISO) from the cover letter.")
    year: int | None = Field(description="The year relative deadlines (年底前) resolve against: issue date, else front matter, else title.")
    preamble: str | None = Field(description="Text between the title and the first item.")
    closing: str | None = Field(description="Text after the last item (implementation requirements, contacts).")
    items: list[Item]
    warnings: list[Warning]
    span: Span


class SourceInfo(_Record):
    path: str | None = Field(description="The input path as given; null for standard input.")
    encoding: str = Field(description="Encoding the bytes were decoded with (for a file format: its text's, e.g. the charset of a web page; utf-8 for a .docx).")
    encoding_confidence: float | None = Field(description="1.0 for a BOM or valid UTF-8; the detector's confidence otherwise.")
    sha256: str = Field(description="SHA-256 of the input bytes.")
    size: int = Field(ge=0, description="Input size in bytes.")
    format: Literal["text", "docx", "html", "pdf", "doc"] = Field(description="What the input was read as: plain text, or a file format read by one of govplan's readers (doc also covers .wps).")
    reader: str | None = Field(description="The library (and its version) that extracted the text from the file, e.g. 'python-docx 1.2.0'; null for plain text.")
    script: Literal["traditional", "simplified", "mixed"] = Field(description="Script of the source text.")
    output_script: Literal["simplified", "traditional"]
    converter: str = Field(description="The Chinese script converter (and its dictionaries) used, for reproducibility.")


class Document(_Record):
    """Everything govplan extracts from one input."""

    schema_version: str = SCHEMA_VERSION
    govplan_version: str
    source: SourceInfo
    plans: list[Plan]
    warnings: list[Warning] = Field(description="Warnings about the input as a whole (decoding, damaged text).")
    # The plain data this Document was validated from, in field order: export.to_json writes it with
    # orjson (byte for byte what model_dump_json gives, several times faster). A copy or a Document
    # made any other way has none and is written by pydantic.
    _built: dict[str, Any] | None = PrivateAttr(default=None)

    def built_data(self) -> dict[str, Any] | None:
        """The data this Document was validated from, if ``build_document`` made it."""
        return self._built

    def __eq__(self, other: object) -> bool:
        # equal records are equal whether or not they remember the data they were built from
        if not isinstance(other, Document):
            return NotImplemented
        return type(self) is type(other) and self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Document:
        copy = super().model_copy(update=update, deep=deep)
        copy._built = None  # its fields may differ from the data it was built from
        return copy


# --- building -------------------------------------------------------------------------------
# Records are built as plain dicts and the whole Document is validated once (strict mode), in
# pydantic-core: measured, that is several times faster than validating each small record as it
# is made, and the result is the same validated tree.

_Dict = dict[str, Any]


class _Spans:
    """Normalised positions to source spans with line numbers."""

    def __init__(self, norm: Normalised) -> None:
        self.norm = norm
        src = norm.source
        if "\r" in src:
            self.line_starts = [0] + [m.end() for m in regex.finditer(r"\r\n|\r|\n", src)]
        else:  # the common case, with the scan in C
            self.line_starts = list(itertools.accumulate((len(ln) + 1 for ln in src.split("\n")), initial=0))[:-1]
        offsets = norm.offsets
        # most inputs lose nothing in normalising: positions are then source positions
        self.identity = len(offsets.norm_starts) == 1 and offsets.src_starts[0] == 0 \
            and offsets.norm_len == offsets.src_len

    def line_of(self, pos: int) -> int:
        return bisect.bisect_right(self.line_starts, pos)

    def span(self, a: int, b: int) -> _Dict:
        if self.identity:
            s, e = a, max(a, b)
        else:
            s, e = self.norm.offsets.span_to_source(a, b)
        line_starts = self.line_starts
        return {"start": s, "end": e, "start_line": bisect.bisect_right(line_starts, s),
                "end_line": bisect.bisect_right(line_starts, max(e - 1, s))}

    def raw(self, a: int, b: int, parts: list[tuple[int, int]] | None = None) -> str:
        """The text as written (source script), without glosses and hard line breaks (nor the
        lines left out between ``parts``)."""
        if parts:
            return "".join(self.raw(pa, pb) for pa, pb in parts)
        text = self.norm.written[a:b]
        return _BREAK_RX.sub("", text) if ("\n" in text or "\r" in text) else text


def _warning(code: str, message: str, path: list[str] | None = None, span: _Dict | None = None) -> _Dict:
    return {"code": code, "message": message, "path": path, "span": span}


def _node_span(item: ItemResult, spans: _Spans) -> _Dict:
    node = item.node
    lines = list(node.row_lines) if node.kind == "row" else (
        ([node.label_line] if node.label_line else []) + list(node.lines))
    if not lines:
        a, b = node.number_span
        return spans.span(a, max(b, a))
    return spans.span(lines[0].start, lines[-1].end)


def build_item(item: ItemResult, spans: _Spans, plan_warnings: list[_Dict], conv: Callable[[str], str],
               headings: dict[str, str] | None = None,
               qualify: Callable[[str], str | None] = lambda name: None) -> _Dict:
    """An Item record as a dict (validated with its Document)."""
    node = item.node
    headings = headings or {}
    ex = item.extraction
    cells: dict[str, str] | None
    if node.kind == "row":
        text = strip_inner_spaces(item.run.clean)
        clean = spans.norm.clean
        cells = {}
        for col, pieces in node.cells.items():
            heading = (node.headings or headings).get(col, col)
            cells[heading] = conv(strip_inner_spaces("".join(clean[a:b] for a, b in pieces)))
        content = [cells[(node.headings or headings).get(col, col)] for col in node.cells if col == "content"]
        number = node.path[-1] if node.path else str(node.value[0])
    else:
        text = item.run.clean.strip()
        cells = None
        content = []
        number = node.path[-1] if node.path else ""
    path = list(node.path)
    for w in ex.warnings:
        plan_warnings.append(_warning(w.code, w.message, path, spans.span(w.start, w.end)))
    raw, span = spans.raw, spans.span
    units = []
    for u in ex.units:
        q = qualify(u.name)
        units.append({"name": conv(u.name), "role": u.role, "raw": raw(u.start, u.end, u.parts),
                      "qualified": conv(q) if q is not None else None, "span": span(u.start, u.end)})
    deadline = None
    milestones: list[_Dict] = []
    if ex.deadline is not None:
        d = ex.deadline
        deadline = {"raw": raw(d.start, d.end, d.parts), "due": d.due, "precision": d.precision, "ongoing": d.ongoing,
                    "modifier": d.modifier, "span": span(d.start, d.end)}
        if d.milestones:
            milestones = [{"raw": raw(s.start, s.end), "due": s.due, "precision": s.precision,
                           "span": span(s.start, s.end)} for s in d.milestones]
        elif d.due is not None and d.precision is not None:
            milestones = [{"raw": deadline["raw"], "due": d.due, "precision": d.precision, "span": deadline["span"]}]
    targets = [{"raw": raw(t.start, t.end, t.parts), "value": t.value, "unit": t.unit, "comparator": t.comparator,
                "by": t.by, "span": span(t.start, t.end)} for t in ex.targets]
    record = {
        "kind": node.kind,
        "number": number,
        "path": path,
        "level": node.level,
        "task": False,  # set with the whole plan in view (mark_tasks)
        "title": conv(strip_inner_spaces(item.title)),
        "text": conv(text),
        "units": units,
        "owners": owners(units),
        "deadline": deadline,
        "milestones": milestones,
        "targets": targets,
        "cells": cells,
        "same_as": None,
        "span": _node_span(item, spans),
        "children": [build_item(c, spans, plan_warnings, conv, node.headings or headings, qualify)
                     for c in item.children],
    }
    if node.kind == "row":
        record[_ROW_CONTENT] = "".join(content)  # read by link_restated_rows, then dropped
    return record


def owners(units: list[_Dict]) -> list[str]:
    """The lead units' names, or where none is marked the responsible units' (never cooperating)."""
    lead = [u["name"] for u in units if u["role"] == "lead"]
    return lead or [u["name"] for u in units if u["role"] == "responsible"]


def build_plan(result: PlanResult, spans: _Spans, conv: Callable[[str], str],
               framing: Callable[[str], bool] = lambda title: False, rules: RuleSet | None = None,
               consume: bool = False) -> _Dict:
    """A Plan record as a dict (validated with its Document); ``consume`` empties ``result.items``
    as their records are built."""
    rules = rules or bundled_rules()
    reg = rules.registry
    place = plan_place(reg, result.issuer, result.title, result.doc_number)

    qualified: dict[str, str | None] = {}

    def qualify_name(name: str) -> str | None:
        if name not in qualified:  # a plan names the same few units again and again
            qualified[name] = qualify(reg, name, place)
        return qualified[name]

    warnings: list[_Dict] = []
    if consume:
        # each item's nodes and extracted values are dropped once its record is built, so that they
        # and the records are not all held at once (the peak of a parse's memory)
        result.plan.items = []
        items = []
        result.items.reverse()
        while result.items:
            items.append(build_item(result.items.pop(), spans, warnings, conv, None, qualify_name))
    else:
        items = [build_item(i, spans, warnings, conv, None, qualify_name) for i in result.items]
    heading_only = compiler(rules)(rules.document.heading_only)
    mark_tasks(items, framing, lambda text: heading_only.search(text) is not None)
    flat = list(_walk_dicts(items))
    link_restated_rows(flat)
    _missing_units(flat, warnings)
    a, b = result.plan.span

    def conv_opt(s: str | None) -> str | None:
        return conv(s) if s is not None else None

    return {
        "title": conv_opt(result.title),
        "doc_number": conv_opt(result.doc_number),
        "issuer": conv_opt(result.issuer),
        "issued": result.issued,
        "year": result.context.year,
        "preamble": conv_opt(result.preamble),
        "closing": conv_opt(result.closing),
        "items": items,
        "warnings": warnings,
        "span": spans.span(a, b),
    }


def mark_tasks(items: list[_Dict], framing: Callable[[str], bool], heading_only: Callable[[str], bool],
               in_framing: bool = False, owned_above: bool = False) -> None:
    """Set each item's ``task``: it names units, or it is a leaf outside framing sections (指导思想,
    保障措施 …, which hold aims), outside an item that names units for its sub-items, and more than
    a bare heading. Attachments are containers, never tasks. The single source of what a task is:
    the missing_units warning and the flat outputs read it."""
    for it in items:
        # (a leaf that names units is a task wherever it stands: its framing is not asked)
        framed = in_framing or (it["kind"] != "attachment" and (bool(it["children"]) or not it["units"])
                                and framing(it["title"]))
        if it["kind"] == "attachment":
            it["task"] = False
        elif it["units"]:
            it["task"] = True
        else:
            it["task"] = not it["children"] and not framed and not owned_above and not _bare_heading(it, heading_only)
        mark_tasks(it["children"], framing, heading_only, framed, owned_above or bool(it["units"]))


def _bare_heading(item: _Dict, heading_only: Callable[[str], bool]) -> bool:
    """A heading with nothing under it (二、项目安排和责任分工, before the attachment that holds them)."""
    text = item["text"]
    return item["kind"] == "item" and text == item["title"] and heading_only(text)


def _walk_dicts(items: list[_Dict]) -> Iterator[_Dict]:
    for it in items:
        yield it
        yield from _walk_dicts(it["children"])


def _missing_units(flat: list[_Dict], warnings: list[_Dict]) -> None:
    """Warn about tasks without units in a plan where most tasks have them (``flat``: every item)."""
    leaves = [it for it in flat if it["task"] and not it["children"]]
    if len(leaves) < 4:
        return
    with_units = sum(1 for it in leaves if it["units"])
    if with_units * 2 < len(leaves):
        return
    for it in leaves:
        if not it["units"]:
            warnings.append(_warning("missing_units", f"item {' > '.join(it['path'])} names no responsible unit, "
                                     f"though {with_units} of {len(leaves)} tasks in this plan do",
                                     it["path"], it["span"]))


# A 附件 row restates a body item when their titles agree after punctuation is dropped (equal, one
# holding the other, as 政务外网升级改造 in 推进电子政务外网升级改造, or sharing most character pairs),
# or when both name the same owners and the row's title and content are found in the item (a task
# table's 主要内容 condenses the body's text).
_TITLE_NOISE_RX = re.compile(r"[\s\"“”‘’'「」『』《》〈〉()（）【】\[\]、，,。.;；:：!！?？·—\-]")
_ROW_CONTENT = "_row_content"
SAME_AS_MIN = 0.75  # title similarity alone
SAME_AS_WITH_OWNERS = 0.7  # title similarity + share of the row's content found in the item, same owners
SAME_AS_MARGIN = 0.2  # ... and this far ahead of the next candidate
SAME_AS_CHILD = 0.5  # share of a row's content found in one sub-item of the heading its title names
# Rows × body items compared at most; beyond it (a plan of thousands of both) only equal titles link,
# so the work stays linear.
SAME_AS_MAX_PAIRS = 250_000


class _Title:
    """A title ready for comparison: punctuation dropped, its character pairs."""

    __slots__ = ("pairs", "size", "text")

    def __init__(self, title: str) -> None:
        self.text = _TITLE_NOISE_RX.sub("", title)
        self.size = len(self.text)
        self.pairs = set(map(operator.add, self.text, self.text[1:]))  # its character pairs


def title_similarity(a: str | _Title, b: str | _Title) -> float:
    """1 for equal titles, 0.9 where one holds the other (4 characters or more), else the Dice
    coefficient of their sets of character pairs."""
    return _similarity(a if isinstance(a, _Title) else _Title(a), b if isinstance(b, _Title) else _Title(b))


def _similarity(ta: _Title, tb: _Title) -> float:
    if not ta.size or not tb.size:
        return 0.0
    if ta.text == tb.text:
        return 1.0
    short, long = (ta, tb) if ta.size <= tb.size else (tb, ta)
    if short.size >= 4 and short.text in long.text:
        return 0.9
    total = len(ta.pairs) + len(tb.pairs)
    return 2 * len(ta.pairs & tb.pairs) / total if total else 0.0


def _pairs(text: str) -> set[str]:
    text = _TITLE_NOISE_RX.sub("", text)
    return set(map(operator.add, text, text[1:]))  # (1.6x a comprehension of slices)


def link_restated_rows(flat: list[_Dict]) -> None:
    """Set ``same_as`` of each task-table row that restates a body item (``flat``: every item of a
    plan): by title alone (the one best match, SAME_AS_MIN or more), else by title and content where
    the owners agree (SAME_AS_WITH_OWNERS or more, SAME_AS_MARGIN ahead of any other item).
    Conservative: no link where in doubt."""
    rows = [it for it in flat if it["kind"] == "row"]
    if not rows:
        return
    body_items = [it for it in flat if it["kind"] == "item"]
    exact: dict[str, list[_Dict]] = {}
    for it in body_items:
        exact.setdefault(_TITLE_NOISE_RX.sub("", it["title"]), []).append(it)
    compare = len(rows) * len(body_items) <= SAME_AS_MAX_PAIRS
    headings = {tuple(it["path"]): it for it in body_items if it["children"]}
    child_pairs: dict[int, set[str]] = {}  # id of an item under a heading -> its text's pairs
    body: list[tuple[_Dict, _Title, set[str]]] | None = None
    for row in rows:
        content = row.pop(_ROW_CONTENT, "")
        same = exact.get(_TITLE_NOISE_RX.sub("", row["title"]), [])
        if len(same) == 1 and same[0]["title"]:  # the common case, and the best match there is
            row["same_as"] = list(same[0]["path"])
        elif compare and body_items:
            if body is None:
                body = [(it, _Title(it["title"]), _pairs(it["text"])) for it in body_items]
            _link(row, content, body)
        target = row.get("same_as")
        if target is not None and tuple(target) in headings:
            # rows sharing a merged task cell (推进市场监管应用 | 推进“互联网+监管”应用… | …) restate the
            # heading's sub-items, one each: the one whose text holds the row's content; a row that
            # sums them all up restates the heading (whose sub-items are the tasks counted)
            row["same_as"] = _restated_child(headings[tuple(target)], content or row["text"], child_pairs) or target


def _restated_child(heading: _Dict, content: str, known: dict[int, set[str]]) -> list[str] | None:
    """The path of the item under ``heading`` whose text holds most of ``content`` (SAME_AS_CHILD of
    its character pairs or more, SAME_AS_MARGIN ahead of the next, and no other holding as much as
    SAME_AS_CHILD), or None; ``known`` keeps the pairs of the items' texts between rows."""
    pairs = _pairs(content)
    if not pairs:
        return None
    scored: list[tuple[float, _Dict]] = []
    for it in _walk_dicts(heading["children"]):
        other = known.get(id(it))
        if other is None:
            other = known[id(it)] = _pairs(it["text"])
        scored.append((len(pairs & other) / len(pairs), it))
    scored.sort(key=lambda pair: -pair[0])
    top, best = scored[0]
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    # a row that also restates much of another sub-item restates the heading (row 46 of a sample
    # plan: the targets of one sub-item, the platform and the units of another)
    return list(best["path"]) if top >= SAME_AS_CHILD and top - runner_up >= SAME_AS_MARGIN and \
        runner_up < SAME_AS_CHILD else None


def _link(row: _Dict, row_content: str, body: list[tuple[_Dict, _Title, set[str]]]) -> None:
    title = _Title(row["title"])
    content = _pairs(row_content or row["text"])
    best, best_score, tied = None, 0.0, False
    scored: list[tuple[float, _Dict]] = []
    for it, other_title, other_pairs in body:
        score = _similarity(title, other_title)
        if score > best_score:
            best, best_score, tied = it, score, False
        elif score == best_score and score > 0:
            tied = True
        # the share of the row's content (a task table's 主要内容) found in the item's text
        found = len(content & other_pairs) / len(content) if content else 0.0
        scored.append((score + found, it))
    if best is not None and best_score >= SAME_AS_MIN and not tied:
        row["same_as"] = list(best["path"])
        return
    owners = set(row["owners"])
    scored.sort(key=lambda pair: -pair[0])
    top, it = scored[0]
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    if owners and set(it["owners"]) == owners and top >= SAME_AS_WITH_OWNERS and top - runner_up >= SAME_AS_MARGIN:
        row["same_as"] = list(it["path"])


def build_document(raw: RawSource, norm: Normalised, results: list[PlanResult], *, output_script: str,
                   conv: Callable[[str], str], converter_name: str,
                   framing: Callable[[str], bool] = lambda title: False, rules: RuleSet | None = None,
                   consume: bool = False) -> Document:
    """The Document record; ``framing`` tells a framing-section heading (in the output script);
    ``consume`` empties the results' item lists as their records are built."""
    spans = _Spans(norm)
    doc_warnings: list[_Dict] = [_warning(code, msg) for code, msg in raw.warnings]
    for d in norm.damage:
        doc_warnings.append(_warning(d.code, d.message, None, spans.span(d.start, d.end) if d.end > d.start else None))
    placeholders = find_placeholders(norm.match)
    if placeholders:
        a, b = placeholders[0]
        doc_warnings.append(_warning("placeholder", (
            f"the text has {len(placeholders)} placeholder(s) such as {norm.match[a:b]!r} standing for a name, "
            "number or date; they are never read as values"), None, spans.span(a, b)))
    plans = [build_plan(r, spans, conv, framing, rules, consume) for r in results]
    if not raw.text.strip():
        doc_warnings.append(_warning("empty_input", "the input has no text"))
    elif not any(p["items"] for p in plans):
        doc_warnings.append(_warning("no_items", "no numbered items were found in the input"))
    data = {
        "schema_version": SCHEMA_VERSION,
        "govplan_version": __version__,
        "source": {"path": raw.path, "encoding": raw.encoding, "encoding_confidence": raw.confidence,
                   "sha256": raw.sha256, "size": raw.size, "format": raw.format, "reader": raw.reader, "script": norm.script, "output_script": output_script,
                   "converter": converter_name},
        "plans": plans,
        "warnings": doc_warnings,
    }
    doc = Document.model_validate(data)
    doc._built = data
    return doc
