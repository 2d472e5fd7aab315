"""Stage 5, structure: layout blocks to plans and their numbered item trees.

Numbering follows GB/T 9704: the first scheme met is level 1 (一、), a new scheme nests under the
current item ((一), 1., (1)), and a scheme already open closes every level below it. A label is
only taken when its number continues its sequence (next number, a restart at 1 under a new
parent, or numbering that runs on across parents), so a number at the start of a wrapped line, a
date or a figure does not become an item. A title line followed by numbering that starts again at
one begins a new plan; so does a top-level restart. ``附件`` headings open attachments; a task
table (read by the layout stage) gives one item per row, under its attachment, under the heading
right above it, or as the plan's own rows.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

import regex

from .chinese import FULL_DATE_RX, YEAR_NUMERAL, cn_int, numeral_value
from .errors import InputError
from .layout import Block, Table
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
_TABBED_ITEM_RX = re.compile(r"^\d{1,3}\s*[.、]\s*[^\t]{6,}\t")
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
    glued: bool = False  # a row of a table with no separators: one span a unit in its unit cells
    continued: set[tuple[int, int]] = field(default_factory=set)  # unit spans that go on the one before


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
    letterhead: TimedPattern  # 某市人民政府办公室文件, the issuer's red header above the title
    doc_number: TimedPattern
    unit_field_line: TimedPattern  # a line that names units: 责任单位:…, (牵头单位:…), 【责任科室】…
    unit_bracket: TimedPattern  # units named in a bracket on an item's own line: (责任单位:…), (X牵头)
    notice_title: TimedPattern  # 关于印发《X》的通知
    first_is_lead: TimedPattern  # the plan's rule that the first unit listed leads
    # first character of a line -> the schemes that can read a label starting with it (filled as met)
    by_first: dict[str, list[tuple[Scheme, TimedPattern, TimedPattern | None, TimedPattern | None]]] = field(
        default_factory=dict)


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
        letterhead=rc(doc.running_header),
        doc_number=rc(doc.doc_number),
        unit_field_line=rc(rf"^[(\[【〔]?(?:{labels})\s*[:】]"),
        notice_title=rc(doc.notice_title),
        first_is_lead=rc("|".join(f"(?:{p.pattern})" for p in rules.units.first_is_lead) or "(?!x)x"),
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
    schemes = rx.by_first.get(text[0])
    if schemes is None:
        # the schemes whose pattern can start with this character (a partial match of it alone)
        schemes = rx.by_first[text[0]] = [s for s in rx.schemes if s[1].match(text[0], partial=True) is not None]
    for scheme, pattern, extra_stop, doubt in schemes:
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
    if not s or len(s) > 50 or line.table or line.bare or _ATTACHMENT_LABEL_RX.match(s):
        return False
    if _SENTENCE_PUNCT_RX.search(s) or s[-1] in ",，、":
        return False
    return not FULL_DATE_RX.fullmatch(s)


# The most items (numbered lines and table rows) a text may hold: each costs about 6 KB of memory
# until the records are written (README, "Size"), so this bounds a parse's memory where a byte
# bound cannot (a file of bare labels holds an item every seven bytes).
MAX_ITEMS = 100_000


def max_items() -> int:
    """The most items accepted: ``GOVPLAN_MAX_ITEMS``, else ``MAX_ITEMS``."""
    given = os.environ.get("GOVPLAN_MAX_ITEMS", "").strip().replace("_", "").replace(",", "")
    if not given:
        return MAX_ITEMS
    if not given.isdigit() or len(given) > 12:
        raise InputError(f"GOVPLAN_MAX_ITEMS={given!r} is not a count; give a whole number such as 200000")
    return int(given)


class _Builder:
    def __init__(self, blocks: list[Block], rules: RuleSet) -> None:
        self.blocks = blocks
        lines = [b for b in blocks if isinstance(b, Line)]
        self.lines = lines
        self.rx = compiled(rules)
        self.plans: list[PlanNode] = [PlanNode()]
        self.labels: list[list[Label]] = [
            # a tabbed line outside a table may still be an item: 1.推进…<tab><tab>2025年11月底前
            parse_labels(ln.stripped, self.rx) if not ln.bare and (not ln.table or _TABBED_ITEM_RX.match(ln.stripped))
            else []
            for ln in lines
        ]
        limit = max_items()
        count = sum(1 for labels in self.labels if labels)
        count += sum(len(b.rows) for b in blocks if isinstance(b, Table))
        if count > limit:
            raise InputError(f"the text holds {count:,} numbered items or table rows, more than the {limit:,} accepted "
                             "(each costs some kilobytes of memory): split it, or raise the limit with "
                             "GOVPLAN_MAX_ITEMS")
        self.table_owner: Node | None = None
        # line index -> a table comes within the next three blocks
        self.table_at: dict[int, bool] = {}
        tables = {pos for pos, b in enumerate(blocks) if isinstance(b, Table)}
        if tables:
            k = -1
            for pos, b in enumerate(blocks):
                if isinstance(b, Line):
                    k += 1
                    self.table_at[k] = pos + 1 in tables or pos + 2 in tables or pos + 3 in tables
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
        if has_body and self.rx.first_is_lead.search(text) and not self.rx.unit_bracket.search(text) and \
                i > 0 and self.lines[i - 1].stripped[-1:] in _TERMINAL:
            return True  # 各项任务中列第一位的单位为牵头单位…: a rule for the whole plan, after its items
        if is_date_line(text):
            return True
        nxt = self.lines[i + 1] if i + 1 < len(self.lines) else None
        return nxt is not None and is_date_line(nxt.stripped) and bool(self.rx.signature.match(text))

    def _table_follows(self, i: int) -> bool:
        """An attachment heading before any item counts when its task table follows."""
        return self.table_at.get(i, False)

    def _table(self, plan: PlanNode, table: Table) -> None:
        """Hang a table's rows under its owner: the heading right above it (一、主要指标), the
        attachment it is in, or a synthetic attachment of its own."""
        cur = plan.stack[-1] if plan.stack else None
        if cur is not None and cur.kind == "item" and not cur.lines and not cur.children:
            self.table_owner = cur
        elif self.table_owner is None or self.table_owner not in plan.stack[:1]:
            self._open_attachment(plan, table.lines[0], None, "附件", header_only=True)
        owner = self.table_owner
        assert owner is not None
        owner.headings = dict(table.headings)
        rows = owner.children
        for row in table.rows:
            line = row.lines[0]
            value = row.value if row.value is not None else len(rows) + 1
            node = Node(kind="row", label_line=line, label_end=line.start, number_span=row.number_span,
                        key="row", value=(value,), level=owner.level + 1, row_label=row.label or str(value))
            node.cells = row.cells
            node.row_lines = row.lines
            node.shared_task = row.shared_task
            node.glued = row.glued
            node.continued = row.continued
            rows.append(node)
        plan.all_lines.extend(table.lines)

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
        return new

    # -- main loop --------------------------------------------------------------------------
    def build(self, clean: str) -> list[PlanNode]:
        self.clean = clean
        attachment_list = False
        i = -1
        for block in self.blocks:
            plan = self.plans[-1]
            if isinstance(block, Table):
                self._table(plan, block)
                continue
            i += 1
            line = block
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
        plans = _fold_covering_notices([p for p in self.plans if p.items or p.header], self.rx)
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


def _fold_covering_notices(plans: list[PlanNode], rx: StructureRules) -> list[PlanNode]:
    """A covering notice (关于印发《X》的通知) with numbered paragraphs of its own, followed by the
    plan X itself: the notice's paragraphs are the plan's cover letter, not items of a plan."""
    out: list[PlanNode] = []
    for plan in plans:
        prev = out[-1] if out else None
        if prev is not None and prev.items and _notice_of(prev, plan, rx):
            plan.header[:0] = prev.all_lines
            plan.all_lines[:0] = prev.all_lines
            out[-1] = plan
            continue
        out.append(plan)
    return out


def _notice_of(notice: PlanNode, plan: PlanNode, rx: StructureRules) -> bool:
    head = [ln.stripped.replace(" ", "") for ln in notice.header[:6]]
    titles = [m.group("title") for t in head if (m := rx.notice_title.match(t)) is not None]
    if not titles:
        return False
    own = "".join(ln.stripped.replace(" ", "") for ln in plan.header[:4])
    return any(t.strip("《》") in own for t in titles)


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
    # a signature line just above a title is not part of it, nor a letterhead (…文件, a page's
    # running header when the plan has one page) above the lines that end as a title
    while len(block) > 1 and ((rx.signature.match(header[block[0]].stripped) and
                               not rx.title_kw.search(header[block[0]].stripped)) or (
            rx.letterhead.match(header[block[0]].stripped) and
            rx.title_end.search("".join(header[j].stripped for j in block[1:])))):
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


def build(blocks: list[Block], rules: RuleSet, clean: str) -> list[PlanNode]:
    """Build plans and item trees from layout blocks; ``clean`` gives labels as written."""
    return _Builder(blocks, rules).build(clean)
