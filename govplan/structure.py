"""Stage 4, structure: content lines to plans and their numbered item trees.

Numbering follows GB/T 9704: the first scheme met is level 1 (一、), a new scheme nests under the
current item ((一), 1., (1)), and a scheme already open closes every level below it. A label is
only taken when its number continues its sequence (next number, a restart at 1 under a new
parent, or numbering that runs on across parents), so a number at the start of a wrapped line, a
date or a figure does not become an item. A title line followed by numbering that starts again at
one begins a new plan; so does a top-level restart. ``附件`` headings open attachments, whose
tab-separated (or Markdown) task tables become one item per row, merged cells filled from the row
above.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import regex

from .chinese import FULL_DATE_RX, YEAR_NUMERAL, cn_int, numeral_value
from .rules import RuleSet, Scheme, TimedPattern, compiler, per_ruleset
from .segment import Line

Value = tuple[int, ...]

# A line ending with one of these ends its paragraph (a colon does not: 牵头单位：/ 区政务服务中心)
_TERMINAL = set("。；;！!？?)）]】〕」』")
_SENTENCE_PUNCT_RX = re.compile(r"[。；;!！?？:：]")
_YEAR_RX = re.compile(rf"({YEAR_NUMERAL})\s*年")
_PARAGRAPH_START_RX = re.compile(
    r"^(?:[ØøØ•●○■□◆◇▲△★☆►▶✓√·▪【]|——|--|-\s|(?:牵头|责任|配合|协办|负责|主责)(?:单位|部门)\s*:|"
    r"(?:完成(?:时间|时限|期限))\s*:)"
)
_META_LINE_RX = re.compile(r"^[\u3400-\u9fff]{2,6}\s*:\s*\S.{0,40}$")
# a labelled field on its own line (完成时限:长期坚持, 【完成时限】…): a blank line after it ends the
# field, and so does another labelled line (责任人:…, 预定完成日期:…)
_FIELD_LINE_RX = re.compile(r"^(?:[\u3400-\u9fff]{2,8}\s*:|【[\u3400-\u9fff]{2,8}】)")
_ATTACHMENT_LABEL_RX = re.compile(r"^(?:附件|附表)\s*\d{0,2}\s*(?::|$)")
_ATTACHMENT_LIST_RX = re.compile(r"^附件\s*:\s*\d{1,2}\s*[.、]")
_SEQ_RX = re.compile(r"^\s*(\d{1,3}(?:\.\d{1,2}){0,2}|[一二三四五六七八九十]{1,3})\s*[.、]?\s*$")
_TABBED_ITEM_RX = re.compile(r"^\d{1,3}\s*[.、]\s*[^\t]{6,}\t")
_TOTAL_ROW_RX = re.compile(r"^(?:合\s*计|总\s*计|小\s*计|共\s*计)$")
# a row of a task table that only names a group of the rows below it: | 一、教育和医疗 | | | |
_GROUP_ROW_RX = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}\s*[、.]|\(\s*[一二三四五六七八九十]{1,3}\s*\))\s*\S")
_INNER_SPACE_RX = re.compile(r"(?<=\S)[ \u3000]+(?=\S)")


@dataclass
class Label:
    scheme: Scheme
    key: str  # family key used on the numbering stack
    value: Value
    end: int  # offset in the line text where the item's own text starts
    written: str  # the label as folded text, spaces trimmed
    # 1.年底前…, 14.15分钟…, 一、二级医院…: read as a label only where the numbering expects
    # exactly this number next (otherwise it is a number or a wrapped line)
    doubtful: bool = False
    heading: bool = False  # a short title follows the label (no sentence punctuation)

    @property
    def first(self) -> bool:
        return self.value[-1] == 1


@dataclass
class Node:
    """An item under construction."""

    kind: str  # "item", "attachment" or "row"
    label_line: Line | None
    label_end: int  # normalised position where the item's own text starts
    number_span: tuple[int, int]  # normalised span of the label
    key: str
    value: Value
    lines: list[Line] = field(default_factory=list)  # continuation lines
    children: list[Node] = field(default_factory=list)
    path: list[str] = field(default_factory=list)
    level: int = 1
    title_hint: tuple[int, int] | None = None  # attachment titles
    cells: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    headings: dict[str, str] = field(default_factory=dict)  # column key -> heading as written
    shared_task: bool = False  # its task cell is merged with other rows' (the title comes from its content)
    row_label: str = ""  # a table row's 序号 as written (or its position when there is none)
    synthetic: bool = False  # stands for a table that had no 附件 heading
    row_lines: list[Line] = field(default_factory=list)
    # the cells (pieces of text) of a row's first line when it has too few: its last cell goes on
    short_cells: list[list[tuple[int, int]]] | None = None


@dataclass
class PlanNode:
    front: list[Line] = field(default_factory=list)  # before the title: cover letter, junk
    title_lines: list[Line] = field(default_factory=list)
    preamble: list[Line] = field(default_factory=list)
    header: list[Line] = field(default_factory=list)  # everything before the first item
    items: list[Node] = field(default_factory=list)
    closing: list[Line] = field(default_factory=list)
    all_lines: list[Line] = field(default_factory=list)
    last_value: dict[str, Value] = field(default_factory=dict)
    stack: list[Node] = field(default_factory=list)
    closing_mode: bool = False

    @property
    def span(self) -> tuple[int, int]:
        if not self.all_lines:
            return (0, 0)
        return self.all_lines[0].start, self.all_lines[-1].end


@dataclass
class StructureRules:
    schemes: list[tuple[Scheme, TimedPattern, TimedPattern | None, TimedPattern | None]]
    start: TimedPattern
    stop: TimedPattern
    title_end: TimedPattern
    title_kw: TimedPattern
    closing: TimedPattern
    attachment: TimedPattern
    columns: list[tuple[str, TimedPattern]]
    signature: TimedPattern
    doc_number: TimedPattern
    unit_field_line: TimedPattern  # a line that names units: 责任单位:…, (牵头单位:…), 【责任科室】…
    unit_bracket: TimedPattern  # units named in a bracket on an item's own line: (责任单位:…), (X牵头)


def compiled(rules: RuleSet) -> StructureRules:
    return per_ruleset(rules, __name__, _build)


def _build(rules: RuleSet) -> StructureRules:
    rc = compiler(rules)
    num = rules.numbering
    doc = rules.document
    schemes = [
        (s, rc(s.pattern), rc(s.not_followed_by) if s.not_followed_by else None,
         rc(s.doubtful_if) if s.doubtful_if else None)
        for s in num.schemes
    ]
    labels = "|".join(f"(?:{f.label})" for f in rules.units.field_labels)
    c = StructureRules(
        schemes=schemes,
        start=rc(num.label_start),
        stop=rc(num.not_followed_by),
        title_end=rc(rf"{doc.title_keywords}(?:\s*\([^()]{{0,20}}\))*\s*$"),
        title_kw=rc(doc.title_keywords),
        closing=rc(doc.closing),
        attachment=rc(doc.attachment),
        columns=[(k, rc(p)) for k, p in doc.table_columns.items()],
        signature=rc(doc.issuer_signature),
        doc_number=rc(doc.doc_number),
        unit_field_line=rc(rf"^[(\[【〔]?(?:{labels})\s*[:】]"),
        unit_bracket=rc(rf"[(\[【〔](?:{labels})\s*:|[(\[【〔][^()\[\]]{{2,60}}(?:牵头|负责|配合)[^()\[\]]{{0,24}}[)\]】〕]"),
    )
    return c


_HEADING_STOP_RX = re.compile(r"[。；;，,:：!！?？]")
_CLOSERS = ")]】〕}>"
_OPENERS = "([【〔{<《"
_CLAUSE_END = ",，。;；:：!?"


def parse_labels(text: str, rx: StructureRules) -> list[Label]:
    """The numbering labels that may start ``text``, in scheme order (several schemes can read
    one line: 14.15分钟… is section 14.15 or item 14; the numbering sequence decides)."""
    if not text or rx.start.match(text) is None:
        return []
    found: list[Label] = []
    for scheme, pattern, extra_stop, doubt in rx.schemes:
        m = pattern.match(text)
        if m is None:
            continue
        end = m.end()
        doubtful = False
        if end < len(text.rstrip()):
            if extra_stop is not None and extra_stop.match(text, end):
                continue  # 3 个工作日: a count, not a label
            if _closes_unopened(text, end):
                return []  # 三、四季度）: the end of a bracket opened on the line above
            doubtful = bool((any(c.isdigit() for c in m.group("n")) and rx.stop.match(text, end))
                            or (doubt is not None and doubt.match(text, end)))
        raw = m.group("n")
        if scheme.bullet:
            found.append(Label(scheme=scheme, key=scheme.family, value=(1,), end=end, written=raw))
            continue
        if scheme.decimal:
            value: Value = tuple(int(p) for p in raw.split("."))
            key = f"{scheme.family}:{len(value)}"
        else:
            n = numeral_value(raw)
            if n is None:
                continue
            value = (n,)
            key = scheme.family
        rest = text[end:]
        found.append(Label(scheme=scheme, key=key, value=value, end=end, written=text[: m.end()].strip(),
                           doubtful=doubtful, heading=0 < len(rest) <= 30 and not _HEADING_STOP_RX.search(rest)))
    return found


def _closes_unopened(text: str, start: int) -> bool:
    """A closing bracket in the first words after a label, before any opening one: the line
    ends a bracket (三、四季度）) rather than starting an item."""
    for c in text[start:start + 12]:
        if c in _OPENERS or c in _CLAUSE_END:
            return False
        if c in _CLOSERS:
            return True
    return False


def _exactly_next(prev: Value, new: Value) -> bool:
    if len(prev) != len(new):
        return False
    if new[:-1] == prev[:-1]:
        return new[-1] == prev[-1] + 1
    return new[-1] == 1 and new[:-1] > prev[:-1]


def _is_next(prev: Value, new: Value, exact: bool) -> bool:
    if len(prev) != len(new):
        return False
    if len(new) == 1:
        gap = new[0] - prev[0]
        return gap == 1 or (not exact and gap == 2)
    if new[:-1] == prev[:-1]:
        return new[-1] > prev[-1] and (not exact)
    return new[-1] == 1 and new[:-1] > prev[:-1]


def _title_ish(line: Line) -> bool:
    s = line.stripped
    if not s or len(s) > 50 or line.table or _ATTACHMENT_LABEL_RX.match(s):
        return False
    if _SENTENCE_PUNCT_RX.search(s) or s[-1] in ",，、":
        return False
    return not FULL_DATE_RX.fullmatch(s)


class _Builder:
    def __init__(self, lines: list[Line], rules: RuleSet) -> None:
        self.lines = lines
        self.rx = compiled(rules)
        self.plans: list[PlanNode] = [PlanNode()]
        self.labels: list[list[Label]] = [
            # a tabbed line outside a table may still be an item: 1.推进…<tab><tab>2025年11月底前
            parse_labels(ln.stripped, self.rx) if not ln.table or _TABBED_ITEM_RX.match(ln.stripped) else []
            for ln in lines
        ]
        self.table_cols: list[str] | None = None
        self.table_owner: Node | None = None
        self.table_group: tuple[int, int] | None = None  # the group row over the rows that follow
        self.hoisted: tuple[Node, Node] | None = None

    # -- numbering --------------------------------------------------------------------------
    def _accept(self, plan: PlanNode, lab: Label) -> str | None:
        """'sibling:D', 'child', 'restart' (a new plan) or None (not an item label)."""
        if lab.scheme.bullet:
            for depth in range(len(plan.stack) - 1, -1, -1):
                if plan.stack[depth].key == lab.key:
                    return f"sibling:{depth}"
            return "child" if plan.stack else None
        for depth in range(len(plan.stack) - 1, -1, -1):
            node = plan.stack[depth]
            if node.key != lab.key:
                continue
            if _is_next(node.value, lab.value, lab.scheme.exact):
                return f"sibling:{depth}"
            if lab.heading and not lab.doubtful and not lab.scheme.exact and len(lab.value) == 1 \
                    and len(node.value) == 1 and node.value[0] < lab.value[0] <= node.value[0] + 10:
                return f"sibling:{depth}"  # 五、 … then 十、 (the parts between left out)
            if lab.value == node.value and not lab.doubtful and not lab.scheme.exact and not lab.scheme.decimal \
                    and (lab.heading or depth == len(plan.stack) - 1):
                return f"sibling:{depth}"  # 二、 … 二、 again: a numbering slip, still a new item
            if lab.first and not lab.scheme.exact:
                if depth == 0 and node.kind == "item":
                    return "restart"
                return f"sibling:{depth}"
            return None
        last = plan.last_value.get(lab.key)
        if lab.first and not lab.scheme.exact:
            return "child"
        if last is not None and _is_next(last, lab.value, lab.scheme.exact):
            return "child"
        if not plan.items and not plan.stack and not lab.scheme.exact and len(lab.value) == 1:
            return "child"  # a plan may start mid-way (an excerpt)
        return None

    def _choose(self, plan: PlanNode, labels: list[Label]) -> tuple[Label, str] | None:
        """The first label the numbering accepts, and how (see ``_accept``)."""
        for lab in labels:
            how = self._accept(plan, lab)
            if how is not None and lab.doubtful:
                how = self._accept_doubtful(plan, lab, how)
            if how is not None:
                return lab, how
        return None

    def _accept_doubtful(self, plan: PlanNode, lab: Label, how: str) -> str | None:
        """A doubtful label only continues the numbering exactly, or opens the first sub-item
        right under its heading; it never starts a plan."""
        if how.startswith("sibling:"):
            return how if _exactly_next(plan.stack[int(how.split(":")[1])].value, lab.value) else None
        if how == "child":
            last = plan.last_value.get(lab.key)
            if last is not None and _exactly_next(last, lab.value):
                return how
            parent = plan.stack[-1] if plan.stack else None
            if lab.first and parent is not None and parent.kind == "item" and not parent.lines and \
                    parent.label_line is not None and _title_ish(parent.label_line) and \
                    not any(c in _CLAUSE_END for c in parent.label_line.stripped):
                return how
        return None

    def _push(self, plan: PlanNode, line: Line, lab: Label, how: str) -> None:
        if how.startswith("sibling:"):
            del plan.stack[int(how.split(":")[1]):]
        parent = plan.stack[-1] if plan.stack else None
        written = lab.written
        node = Node(
            kind="item",
            label_line=line,
            label_end=line.start + lab.end,
            number_span=(line.start, line.start + len(line.stripped[: len(written)])),
            key=lab.key,
            value=lab.value,
            level=len(plan.stack) + 1,
        )
        (parent.children if parent else plan.items).append(node)
        plan.stack.append(node)
        self.hoisted = None
        plan.last_value[lab.key] = lab.value
        plan.closing_mode = False

    def _owner_of(self, plan: PlanNode, line: Line, i: int) -> Node:
        """The item a continuation line belongs to: the innermost open one, except that a
        责任单位 line after sub-items none of which has one annotates their parent (unless
        another sub-item follows it: then each sub-item has its own)."""
        node = plan.stack[-1]
        if self.hoisted is not None and self.hoisted[0] is node:
            return self.hoisted[1]  # the lines that continue a hoisted 责任单位 line follow it
        if len(plan.stack) < 2 or not self.rx.unit_field_line.match(line.stripped):
            return node
        parent = plan.stack[-2]
        siblings = parent.children
        if len(siblings) < 2 or any(self.rx.unit_field_line.match(ln.stripped) for ln in parent.lines):
            return node
        if any(self.rx.unit_field_line.match(ln.stripped) for sib in siblings for ln in sib.lines):
            return node
        if any(sib.label_line is not None and self.rx.unit_bracket.search(sib.label_line.text)
               for sib in siblings):
            return node  # the siblings name their own units: so does this one
        nxt = next((self.labels[j] for j in range(i + 1, len(self.labels)) if self.labels[j]), None)
        if nxt is not None and any(lab.key == node.key and _is_next(node.value, lab.value, False) for lab in nxt):
            return node
        self.hoisted = (node, parent)
        return parent

    # -- plans ------------------------------------------------------------------------------
    def _restart_ahead(self, i: int) -> bool:
        for j in range(i + 1, min(i + 40, len(self.lines))):
            labels = self.labels[j]
            if labels and not labels[0].doubtful:
                return labels[0].first
        return False

    def _closes(self, plan: PlanNode, i: int) -> bool:
        """Whether line ``i`` ends the plan's items: a closing paragraph (各…要根据本方案…), a
        footer (抄送:), or a signature block (issuer, then a date). A heading's first paragraph is
        its body even when it reads like a closing (三、保障措施 / 各单位要高度重视…)."""
        node = plan.stack[-1]
        if node.kind == "row":
            return False
        line = self.lines[i]
        text = line.stripped
        has_body = bool(node.lines) or (node.label_line is not None and
                                        bool(_SENTENCE_PUNCT_RX.search(node.label_line.stripped)))
        if has_body and self.rx.closing.search(text):
            return True
        if is_date_line(text):
            return True
        nxt = self.lines[i + 1] if i + 1 < len(self.lines) else None
        return nxt is not None and is_date_line(nxt.stripped) and bool(self.rx.signature.match(text))

    def _table_follows(self, i: int) -> bool:
        """An attachment heading before any item counts when its task table follows."""
        return any(ln.table and self._table_header(ln) is not None for ln in self.lines[i + 1 : i + 4])

    def _is_title_candidate(self, i: int) -> bool:
        line = self.lines[i]
        return _title_ish(line) and bool(self.rx.title_end.search(line.stripped)) and self._restart_ahead(i)

    def _new_plan(self, i: int) -> PlanNode:
        old = self.plans[-1]
        new = PlanNode()
        # Title lines without the keyword that were read as the end of the last item move over.
        moved: list[Line] = []
        first = self.lines[i]
        if old.stack:
            tail = old.stack[-1].lines
            while tail and _title_ish(tail[-1]) and not first.gap_before and \
                    tail[-1].lineno == (moved[0].lineno if moved else first.lineno) - 1:
                moved.insert(0, tail.pop())
        for ln in moved:
            old.all_lines.remove(ln)
        new.header.extend(moved)
        new.all_lines.extend(moved)
        self.plans.append(new)
        self.table_cols = None
        return new

    # -- tables -----------------------------------------------------------------------------
    def _table_header(self, line: Line) -> tuple[list[str], list[str]] | None:
        cells = [c.strip().replace(" ", "") for c in line.text.split(line.sep)]
        cols: list[str] = []
        known = 0
        for cell in cells:
            key = next((k for k, p in self.rx.columns if p.match(cell)), "")
            known += bool(key)
            cols.append(key or f"col{len(cols)}")
        _year_columns(cols, cells)
        if known >= 3 and ("seq" in cols or ("indicator" in cols and "target_value" in cols) or (
                ("task" in cols or "content" in cols) and any(k in cols for k in ("deadline", "units", "lead_units")))):
            return cols, cells
        return None

    def clean_heading(self, line: Line, folded: str) -> str:
        """A column heading as written (the folded text only serves matching)."""
        for text, a, b in self._cells(line):
            if text.replace(" ", "") == folded:
                return self.clean[a:b].replace(" ", "")
        return folded

    def _cells(self, line: Line) -> list[tuple[str, int, int]]:
        out: list[tuple[str, int, int]] = []
        pos = line.start
        for part in line.text.split(line.sep):
            a = len(part) - len(part.lstrip(" "))
            b = len(part.rstrip(" "))
            out.append((part.strip(" "), pos + a, pos + max(a, b)))
            pos += len(part) + 1
        return out

    def _table_row(self, plan: PlanNode, line: Line, deadline_cell: TimedPattern, i: int = -1) -> None:
        cols = self.table_cols
        assert cols is not None
        header = self._table_header(line) if line.aligned or line.gap_before else None
        if header is not None and header[0] == cols:
            return  # the heading row repeated on a new page
        cells = self._cells(line)
        owner = self.table_owner
        assert owner is not None
        rows = owner.children
        has_seq = cols[0] == "seq"
        filled = [c for c in cells if c[0]]
        if filled and _TOTAL_ROW_RX.match(filled[0][0]):
            return  # 合计: a totals row, not a task
        if len(filled) == 1 and filled[0] is cells[0] and _GROUP_ROW_RX.match(cells[0][0]) and "category" not in cols:
            self.table_group = (cells[0][1], cells[0][2])
            owner.headings.setdefault("category", "类别")
            return
        if has_seq and len(filled) == 2 and filled[0] is cells[0] and cells[0][0].isdigit() and "category" not in cols \
                and 0 <= i < len(self.lines) - 1 and self.lines[i + 1].table \
                and self.lines[i + 1].text.lstrip(" |").startswith(cells[0][0] + "."):
            # | 1 | 夯实数字基础设施 | | | followed by rows 1.1, 1.2: a group, not a task
            self.table_group = (filled[1][1], filled[1][2])
            owner.headings.setdefault("category", "类别")
            return
        seq_m = _SEQ_RX.match(cells[0][0]) if cells and has_seq else None
        d_col = cols.index("deadline") if "deadline" in cols else -1
        if has_seq:
            # a blank 序号 is merged with the row above: a row of its own when it has its own deadline
            new_row = seq_m is not None or (
                bool(rows) and len(cells) == len(cols) and 0 <= d_col < len(cells) and bool(cells[d_col][0])
                and deadline_cell.match(cells[d_col][0]) is not None)
        else:
            # no 序号 column: a row starts where its first cell is filled, or where it has a deadline
            new_row = bool(cells and cells[0][0]) or (
                0 <= d_col < len(cells) and bool(cells[d_col][0]) and deadline_cell.match(cells[d_col][0]) is not None)
        if new_row:
            placed = self._place(cells, cols, deadline_cell, with_seq=has_seq, aligned=line.aligned)
            if seq_m is not None:
                value = numeral_value(seq_m.group(1)) or len(rows) + 1
                label = cells[0][0]
            elif has_seq:
                value, label = rows[-1].value[0], rows[-1].row_label  # shares the merged 序号
            else:
                value = len(rows) + 1
                label = str(value)
            node = Node(kind="row", label_line=line, label_end=line.start,
                        number_span=(cells[0][1], cells[0][2]) if has_seq else (line.start, line.start),
                        key="row", value=(value,), level=owner.level + 1, row_label=label)
            node.cells = {k: [(a, b)] for k, (a, b) in placed.items() if k != "seq" and b > a}
            if self.table_group is not None:
                node.cells["category"] = [self.table_group]
            node.row_lines = [line]
            if len(cells) < len(cols) and cells[-1][0] and cells[-1][0][-1] not in "。;；":
                node.short_cells = [[(a, b)] for _, a, b in cells]
            rows.append(node)
        elif rows and rows[-1].short_cells is not None and \
                len(rows[-1].short_cells) + len(cells) - 1 == len(cols):
            # a cell wrapped onto the next line: 2 | 抽查覆盖率达到100%，⏎ 公示率达到100%。| 县市场监管局 | 长期坚持
            row = rows[-1]
            assert row.short_cells is not None
            pieces = [list(ps) for ps in row.short_cells]
            pieces[-1].append((cells[0][1], cells[0][2]))
            pieces += [[(a, b)] for _, a, b in cells[1:]]
            row.cells = {k: [(a, b) for a, b in ps if b > a] for k, ps in zip(cols, pieces, strict=True)
                         if k != "seq" and any(b > a for a, b in ps)}
            row.short_cells = None
            row.row_lines.append(line)
        elif rows:
            row = rows[-1]
            row.short_cells = None
            placed = self._place(cells, cols, deadline_cell, with_seq=False, aligned=line.aligned)
            for k, (a, b) in placed.items():
                if k != "seq" and b > a:
                    row.cells.setdefault(k, []).append((a, b))
            row.row_lines.append(line)
        else:
            owner.lines.append(line)

    def _place(self, cells: list[tuple[str, int, int]], cols: list[str], deadline_cell: TimedPattern,
               *, with_seq: bool, aligned: bool = False) -> dict[str, tuple[int, int]]:
        """Assign cells to columns; rows whose merged cells were dropped are re-aligned (unless the
        cells were already placed under their headings by position)."""
        n = len(cols)
        spans = [(a, b) for _, a, b in cells]
        texts = [t for t, _, _ in cells]
        if aligned:
            return {cols[k]: spans[k] for k in range(min(n, len(cells)))}
        if with_seq and "deadline" in cols:
            d_col = cols.index("deadline")
            # the last cell that reads as a date (a 开工时间 column may come before the deadline's)
            d = next((k for k in range(len(texts) - 1, 0, -1) if texts[k] and deadline_cell.match(texts[k])), None)
            if d is not None and not (len(cells) == n and d == d_col):
                placed: dict[str, tuple[int, int]] = {cols[0]: spans[0], "deadline": spans[d]}
                after = [k for k in range(d + 1, len(texts)) if texts[k]]
                if after and d_col + 1 < n:
                    placed[cols[d_col + 1]] = (spans[after[0]][0], spans[after[-1]][1])
                before = [k for k in range(1, d) if texts[k]]
                slots = list(range(d_col - 1, 0, -1))
                for k, slot in zip(reversed(before), slots, strict=False):
                    placed[cols[slot]] = spans[k]
                return placed
        if len(cells) == n:
            return {cols[k]: spans[k] for k in range(n)}
        if len(cells) < n:
            placed = {cols[0]: spans[0]}
            for k in range(1, len(cells)):
                placed[cols[n - len(cells) + k]] = spans[k]
            return placed
        placed = {cols[k]: spans[k] for k in range(n - 1)}
        placed[cols[n - 1]] = (spans[n - 1][0], spans[-1][1])
        return placed

    def _cell_goes_on(self, line: Line, i: int) -> bool:
        """A line without tabs between two rows of a table continues the row above: its open last
        cell (a Word cell holding line breaks: 县市场监管局⏎县税务局⏎县公安局<tab>2024年3月底前),
        or else its task text."""
        owner = self.table_owner
        row = owner.children[-1] if owner is not None and owner.children else None
        if row is None or row.kind != "row" or line.gap_before or len(line.stripped) > 120:
            return False
        for nxt in self.lines[i + 1:i + 8]:
            if nxt.gap_before:
                return False
            if nxt.table:
                break
        else:
            return False
        if self._table_header(nxt) is not None or self.rx.attachment.match(line.stripped) is not None:
            return False  # another table begins
        if row.short_cells is not None:
            row.short_cells[-1].append((line.start, line.end))
        else:
            # the row is complete: the line goes on its text (a paragraph break inside the task)
            col = next((c for c in ("content", "subtask", "task") if c in row.cells), None)
            if col is None:
                return False
            row.cells[col].append((line.start, line.end))
        row.row_lines.append(line)
        return True

    def _finish_table(self) -> None:
        owner = self.table_owner
        if owner is None:
            return
        prev: Node | None = None
        for row in owner.children:
            if row.kind != "row":
                continue
            if prev is not None:
                own_units = "lead_units" in row.cells or "units" in row.cells
                if "task" not in row.cells and "task" in prev.cells:
                    row.cells["task"] = prev.cells["task"]
                    if "subtask" not in owner.headings:
                        row.shared_task = prev.shared_task = True
                    if "subtask" not in row.cells and "subtask" in prev.cells:
                        row.cells["subtask"] = prev.cells["subtask"]
                for col in ("category", "lead_units", "units", "deadline"):
                    if col not in row.cells and col in prev.cells:
                        row.cells[col] = prev.cells[col]
                # an empty 配合单位 beside a row's own lead means none, not "as above"
                if "cooperating" not in row.cells and "cooperating" in prev.cells and \
                        (not own_units or row.shared_task):
                    row.cells["cooperating"] = prev.cells["cooperating"]
            prev = row

    # -- main loop --------------------------------------------------------------------------
    def build(self, clean: str, deadline_cell: TimedPattern) -> list[PlanNode]:
        self.clean = clean
        attachment_list = False
        for i, line in enumerate(self.lines):
            plan = self.plans[-1]
            if self.table_cols is not None:
                if line.table:
                    self._table_row(plan, line, deadline_cell, i)
                    plan.all_lines.append(line)
                    continue
                if len(line.stripped) <= 30 and _GROUP_ROW_RX.match(line.stripped) \
                        and "category" not in self.table_cols and i + 1 < len(self.lines) and self.lines[i + 1].table:
                    # a merged group row pasted without its tabs: 一、经济发展
                    self.table_group = (line.start, line.end)
                    if self.table_owner is not None:
                        self.table_owner.headings.setdefault("category", "类别")
                    plan.all_lines.append(line)
                    continue
                if self._cell_goes_on(line, i):
                    plan.all_lines.append(line)
                    continue
                self._finish_table()
                self.table_cols = None
            if line.table and self.table_cols is None:
                header = self._table_header(line)
                if header is not None:
                    cols, names = header
                    cur = plan.stack[-1] if plan.stack else None
                    if cur is not None and cur.kind == "item" and not cur.lines and not cur.children:
                        self.table_owner = cur  # 一、主要指标 and its table right under the heading
                    elif self.table_owner is None or self.table_owner not in plan.stack[:1]:
                        self._open_attachment(plan, line, None, "附件", header_only=True)
                    assert self.table_owner is not None
                    self.table_owner.headings = {
                        k: self.clean_heading(line, n) for k, n in zip(cols, names, strict=True)
                    }
                    self.table_cols = cols
                    self.table_group = None
                    plan.all_lines.append(line)
                    continue
            if plan.items and _ATTACHMENT_LIST_RX.match(line.stripped):
                # "附件:1.…分工表 / 2.…项目表" after the items lists the attachments that follow
                plan.closing.append(line)
                plan.all_lines.append(line)
                attachment_list = True
                continue
            att = self.rx.attachment.match(line.stripped) if len(line.stripped) <= 60 else None
            if att is not None and (plan.items or plan.stack or self._table_follows(i)):
                label = att.group("label").replace(" ", "")
                cur = plan.stack[0] if plan.stack else None
                if cur is not None and cur.kind == "attachment" and cur.path == [label] and \
                        not cur.children and not cur.lines:
                    plan.all_lines.append(line)  # the same heading repeated
                    continue
                self._open_attachment(plan, line, att, label)
                plan.all_lines.append(line)
                continue
            labels = self.labels[i]
            if attachment_list and labels and labels[0].key == "arabic" and "。" not in line.text:
                # "附件:1.…分工表 / 2.…名单": the cover letter's list (or the list after the items)
                (plan.closing if plan.items else plan.header).append(line)
                plan.all_lines.append(line)
                continue
            attachment_list = not plan.items and bool(_ATTACHMENT_LIST_RX.match(line.stripped))
            chosen = self._choose(plan, labels) if labels else None
            if chosen is not None and plan.closing_mode and chosen[1] == "child":
                chosen = None  # 相关文件: 1.…的通知 after the closing is a list, not sub-items
            if chosen is not None:
                lab, how = chosen
                if how == "restart":
                    plan = self._new_plan(i)
                    how = "child"
                self._push(plan, line, lab, how)
                plan.all_lines.append(line)
                continue
            if (plan.items or plan.stack) and self._is_title_candidate(i):
                plan = self._new_plan(i)
                plan.header.append(line)
                plan.all_lines.append(line)
                continue
            plan.all_lines.append(line)
            if not plan.items and not plan.stack:
                plan.header.append(line)
            elif plan.closing_mode or self._closes(plan, i):
                plan.closing_mode = True
                plan.closing.append(line)
            else:
                self._owner_of(plan, line, i).lines.append(line)
        if self.table_cols is not None:
            self._finish_table()
        plans = [p for p in self.plans if p.items or p.header]
        for plan in plans:
            _split_header(plan, self.rx)
            # a table with no 附件 heading: its rows are the plan's items
            for n in plan.items:
                if n.synthetic:
                    for r in n.children:
                        r.headings = n.headings  # the rows keep their column headings
            plan.items = [r for n in plan.items for r in (n.children if n.synthetic else [n])]
            # "附件:…联系表" with nothing under it names an attachment that is not there
            for n in [n for n in plan.items if n.kind == "attachment" and not n.children and not n.lines]:
                plan.items.remove(n)
                if n.label_line is not None:
                    plan.closing.append(n.label_line)
            _assign_paths(plan.items, [], clean)
        return plans or [PlanNode()]

    def _open_attachment(self, plan: PlanNode, line: Line, att: regex.Match[str] | None, label: str,
                         header_only: bool = False) -> None:
        plan.stack.clear()
        title_hint = None
        if att is not None and att.group("title"):
            s, _ = att.span("title")
            title_hint = (line.start + s, line.end)
        node = Node(kind="attachment", label_line=None if header_only else line,
                    label_end=line.end if not header_only else line.start,
                    number_span=(line.start, line.start + (len(label) if not header_only else 0)),
                    key="attachment", value=(0,), level=1, title_hint=title_hint)
        node.path = [label]
        node.synthetic = header_only
        plan.items.append(node)
        plan.stack.append(node)
        self.table_owner = node
        plan.closing_mode = False


_YEAR_HEADING_RX = re.compile(r"(?:19|20)\d{2}")


def _year_columns(cols: list[str], cells: list[str]) -> None:
    """Of several target columns (2020年, 2025年目标) the latest year is the target; the others
    are base values, and a second base value keeps its own heading."""
    targets = [k for k, c in enumerate(cols) if c == "target_value"]
    if len(targets) > 1:
        def year(k: int) -> int:
            m = _YEAR_HEADING_RX.search(cells[k])
            return int(m.group()) if m else 0
        keep = max(targets, key=year)
        for k in targets:
            if k != keep:
                cols[k] = "baseline"
    seen = False
    for k, c in enumerate(cols):
        if c == "baseline":
            if seen:
                cols[k] = f"col{k}"
            seen = True


def _assign_paths(items: list[Node], parent: list[str], clean: str) -> None:
    bullets = 0
    for node in items:
        if node.kind == "row":
            node.path = [*parent, node.row_label or str(node.value[0])]
        elif node.kind == "item":
            a, b = node.number_span
            node.path = [*parent, clean[a:b].strip()]
            if node.key == "bullet":  # ▲ ▲ ▲ → ▲1 ▲2 ▲3, so that a path names one item
                bullets += 1
                node.path[-1] += str(bullets)
        node.level = len(node.path)
        _assign_paths(node.children, node.path, clean)


def _split_header(plan: PlanNode, rx: StructureRules) -> None:
    """Separate the header into front matter, the title block and the preamble."""
    header = plan.header
    blocks: list[list[int]] = []
    k = 0
    while k < len(header):
        if _title_ish(header[k]):
            block = [k]
            while k + 1 < len(header) and _title_ish(header[k + 1]) and not header[k + 1].gap_before \
                    and header[k + 1].lineno == header[k].lineno + 1 and not header[k + 1].inline \
                    and not rx.doc_number.fullmatch(header[k + 1].stripped.replace(" ", "")):
                k += 1
                block.append(k)
            joined = "".join(header[j].stripped for j in block)
            # a title ends with its kind (…实施方案, …工作要点), perhaps followed by (2024—2026年)
            if len(joined) <= 100 and not joined.startswith("为") and (
                    any(rx.title_end.search(header[j].stripped) for j in block) or rx.title_end.search(joined)):
                blocks.append(block)
        k += 1
    if not blocks:
        plan.preamble = list(header)
        return
    block = blocks[-1]
    # a signature line just above a title is not part of it
    while len(block) > 1 and rx.signature.match(header[block[0]].stripped) and \
            not rx.title_kw.search(header[block[0]].stripped):
        block = block[1:]
    plan.front = header[: block[0]]
    plan.title_lines = [header[j] for j in block]
    rest = header[block[-1] + 1:]
    # short "label: value" lines under a title (建设单位: …, 编制时间: …) are cover-page metadata
    k = 0
    while k < len(rest) and _META_LINE_RX.match(rest[k].stripped):
        k += 1
    plan.front = plan.front + rest[:k]
    plan.preamble = rest[k:]


def join_paragraphs(lines: list[Line], first_heading: bool, short_lines_stand: bool = False) -> list[tuple[str, Line]]:
    """Pair each line with the separator that goes before it: '' for a hard wrap, '\\n' else.

    With ``short_lines_stand`` a short line is a line of its own (a signature, a date), since
    wraps cut long lines."""
    out: list[tuple[str, Line]] = []
    prev_text = ""
    for k, line in enumerate(lines):
        s = line.stripped
        if k == 0:
            out.append(("", line))
        elif (k == 1 and first_heading) or not prev_text or prev_text[-1] in _TERMINAL \
                or _PARAGRAPH_START_RX.match(s) or (short_lines_stand and len(prev_text) < 20) \
                or (_FIELD_LINE_RX.match(prev_text) and (
                    (line.gap_before and not line.page_break) or _FIELD_LINE_RX.match(s))) \
                or line.table or "\t" in s:
            out.append(("\n", line))
        else:
            out.append(("", line))
        prev_text = s
    return out


def year_of(text: str) -> int | None:
    m = _YEAR_RX.search(text)
    if not m:
        return None
    raw = m.group(1)
    return int(raw) if raw.isdigit() else cn_int(raw.replace("○", "〇"))


def is_date_line(text: str) -> bool:
    return bool(FULL_DATE_RX.fullmatch(text.strip()))


def strip_inner_spaces(text: str) -> str:
    """Remove spaces a PDF leaves between Chinese characters (推进全市政 务信息, 总　则)."""
    if " " not in text and "\u3000" not in text:
        return text
    return _INNER_SPACE_RX.sub(lambda m: "" if _han_side(m) else m.group(), text)


def _han_side(m: re.Match[str]) -> bool:
    s = m.string
    a, b = s[m.start() - 1], s[m.end()]
    return not (a.isascii() and b.isascii())


def build(lines: list[Line], rules: RuleSet, clean: str, deadline_cell: TimedPattern) -> list[PlanNode]:
    """Build plans and item trees from content lines; ``clean`` gives labels as written."""
    return _Builder(lines, rules).build(clean, deadline_cell)
