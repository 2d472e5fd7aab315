"""The layout stage's model: tables as a header of column keys and rows of cell spans, the
rule pack's column vocabulary, and what every table rule shares."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..rules import RuleSet, TimedPattern, compiler, per_ruleset
from ..segment import EMPTY_CELLS, Line

Span = tuple[int, int]
Cell = tuple[str, int, int]  # folded text, normalised start, end

_SEQ_RX = re.compile(r"^\s*(\d{1,3}(?:\.\d{1,2}){0,2}|[一二三四五六七八九十]{1,3})\s*[.、]?\s*$")
_TOTAL_ROW_RX = re.compile(r"^(?:合\s*计|总\s*计|小\s*计|共\s*计)$")
# a row of a task table that only names a group of the rows below it: | 一、教育和医疗 | | | |
GROUP_ROW_RX = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}\s*[、.]|\(\s*[一二三四五六七八九十]{1,3}\s*\))\s*\S")
_YEAR_HEADING_RX = re.compile(r"(?:19|20)\d{2}")
_WORD_ROW_RX = re.compile(r"^(\d{1,3}) \S")
_CELL_LABEL_RX = re.compile(r"^\s*(\d{1,3})\s*[.、](?!\d)\s*(?=\S)")


@dataclass
class Row:
    """One task row: its 序号 as written, its number, and its cells by column key."""

    label: str
    value: int | None  # None: numbered by its place (a table without 序号)
    number_span: Span
    cells: dict[str, list[Span]] = field(default_factory=dict)
    lines: list[Line] = field(default_factory=list)
    shared_task: bool = False  # its task cell is merged with other rows' (the title comes from its content)
    cut: bool = False  # the text ends inside it: its empty cells are missing, not merged with the row above
    glued: bool = False  # its unit cells hold one span a unit, with nothing between the names
    continued: set[Span] = field(default_factory=set)  # spans that go on the name before them (a line broke it)
    # the cells (pieces of text) of a row's first line when it has too few: its last cell goes on
    short_cells: list[list[Span]] | None = None


@dataclass
class Table:
    cols: list[str]  # column keys, in order (col3 for a heading the rule pack does not know)
    headings: dict[str, str]  # column key -> heading as written
    lines: list[Line]  # every line the table took, header included
    rows: list[Row] = field(default_factory=list)
    layout: str = "tabbed"  # which rule read it
    # rows numbered inside their first cell (1.城市人居环境提升项目 | …): a line whose first cell
    # does not carry the next number continues the row above
    numbered: bool = False


Block = Line | Table


@dataclass
class LayoutRules:
    columns: list[tuple[str, TimedPattern]]
    attachment: TimedPattern
    deadline_cell: TimedPattern
    any_column: TimedPattern  # every column heading in one pattern: most lines fail it at once


def compiled(rules: RuleSet, deadline_cell: TimedPattern) -> LayoutRules:
    def build(rules: RuleSet) -> LayoutRules:
        rc = compiler(rules)
        doc = rules.document
        return LayoutRules([(k, rc(p)) for k, p in doc.table_columns.items()], rc(doc.attachment), deadline_cell,
                           rc("|".join(f"(?:{p})" for p in doc.table_columns.values())))

    return per_ruleset(rules, __name__, build)


def column_key(cell: str, rx: LayoutRules) -> str:
    if not cell or rx.any_column.match(cell) is None:
        return ""
    return next((k for k, p in rx.columns if p.match(cell)), "")


def column_keys(cells: list[str], rx: LayoutRules) -> list[str]:
    """The column key of each heading (col3 for one the rule pack does not know)."""
    cols = [column_key(cell, rx) or f"col{k}" for k, cell in enumerate(cells)]
    year_columns(cols, cells)
    if cols.count("task") > 1 and "content" not in cols:
        # 项目名称 | 工作任务: the second names what the first is about
        cols[cols.index("task", cols.index("task") + 1)] = "content"
    return cols


def table_header(cells: list[str], rx: LayoutRules) -> list[str] | None:
    """Column keys when ``cells`` are a task table's heading row (three known columns, and a 序号,
    or a task with its deadline or units, or an indicator with its target)."""
    cols = column_keys(cells, rx)
    known = sum(1 for c in cols if not c.startswith("col"))
    if known >= 3 and ("seq" in cols or ("indicator" in cols and "target_value" in cols) or (
            ("task" in cols or "content" in cols) and any(k in cols for k in ("deadline", "units", "lead_units")))):
        return cols
    return None


def year_columns(cols: list[str], cells: list[str]) -> None:
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


def line_cells(line: Line) -> list[Cell]:
    """The cells of a tabbed (or ``|``) line, with their normalised spans."""
    out: list[Cell] = []
    pos = line.start
    for part in line.text.split(line.sep):
        a = len(part) - len(part.lstrip(" "))
        b = len(part.rstrip(" "))
        out.append((part.strip(" "), pos + a, pos + max(a, b)))
        pos += len(part) + 1
    return out


def _folded_cells(line: Line) -> list[str]:
    return [c.strip().replace(" ", "") for c in line.text.split(line.sep)]


def finish(table: Table) -> None:
    """Fill cells merged over several rows from the row above."""
    prev: Row | None = None
    for row in table.rows:
        if prev is not None and not row.cut:
            own_units = "lead_units" in row.cells or "units" in row.cells
            if "task" not in row.cells and "task" in prev.cells:
                row.cells["task"] = prev.cells["task"]
                if "subtask" not in table.headings:
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


class Context:
    """What every table rule reads: the content lines, the compiled rules, the clean text (for
    headings as written), the lone numbers segment took for page numbers, and the short names of
    departments."""

    def __init__(self, lines: list[Line], rx: LayoutRules, clean: str, numbers: list[Line],
                 stems: list[str]) -> None:
        self.lines = lines
        self.rx = rx
        self.clean = clean
        self.numbers = numbers
        self.stems = stems

    def heading_as_written(self, cell: Cell) -> str:
        return self.clean[cell[1]:cell[2]].replace(" ", "")




# How a name ends where names run together with nothing between them. Narrower than the units
# pack's unit_suffix on purpose: 社 (人社局), 行 (发行) and 关 (机关) end names there but also stand
# inside them, and the shortest name that ends here is where a glued run is cut; places (经开区,
# 高新园, 五星街道) end names in such tables too.
_UNIT_TAIL_RX = re.compile(r"(?:[局委办园镇乡区县院站队会部厅处科联协室所)]|公司|街道|集团|中心|政府)$")


def _unit_like(text: str) -> bool:
    """A cell that names units: short, no sentence, its last name ending like a unit."""
    text = re.sub(r"[(（][^()（）]{0,12}[)）]$", "", text.strip())  # 市生态环境局（牵头）
    return 0 < len(text) <= 80 and "。" not in text and _UNIT_TAIL_RX.search(text) is not None


def _is_rule(line: Line) -> bool:
    """A separator alone on a line (|, │, ----): a row divider or an empty cell; or what stands
    for an empty cell (/, ——)."""
    return not line.stripped.strip("|│┃-—─━=_+ /\\")


def _is_empty_cell(line: Line) -> bool:
    """/ or —— alone on a line: an empty cell, never a row divider."""
    return line.stripped in EMPTY_CELLS
