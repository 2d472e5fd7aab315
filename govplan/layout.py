"""Stage 4, layout: content lines to blocks — lines of running text and task tables.

A table is a header (column keys from the rule pack's ``table_columns``) and rows of cells, each
cell a list of normalised spans. Every serialisation a plan arrives in becomes the same rows:

* ``tabbed``: one row per line, cells between tabs or ``|`` (also columns aligned with spaces,
  which ``segment`` turned into tabs);
* ``cell_lines``: one cell per line, as web-page-to-text converters flatten HTML tables (a
  header cell may be broken over lines, the header repeated after a page break, a row number alone
  on its line);
* ``glued``: a Word table's text with no separators at all (``…市国有公司2促进就业…``).

The rules are tried in order at each line; the first that recognises a table there wins, and a
line no rule takes stays a line. ``structure`` builds the item tree from these blocks and never
parses cells itself.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .chinese import numeral_value
from .rules import RuleSet, TimedPattern, compiler, per_ruleset
from .segment import Line

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

    @property
    def start(self) -> int:
        return self.lines[0].start


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


def table_header(cells: list[str], rx: LayoutRules) -> list[str] | None:
    """Column keys when ``cells`` are a task table's heading row (three known columns, and a 序号,
    or a task with its deadline or units, or an indicator with its target)."""
    cols: list[str] = []
    known = 0
    for cell in cells:
        key = column_key(cell, rx)
        known += bool(key)
        cols.append(key or f"col{len(cols)}")
    year_columns(cols, cells)
    if cols.count("task") > 1 and "content" not in cols:
        # 项目名称 | 工作任务: the second names what the first is about
        k = cols.index("task", cols.index("task") + 1)
        cols[k] = "content"
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


class _Layout:
    def __init__(self, lines: list[Line], rx: LayoutRules, clean: str, numbers: list[Line]) -> None:
        self.lines = lines
        self.rx = rx
        self.clean = clean
        self.numbers = numbers
        self.stems: list[str] = []
        self._cell_lines: _CellLines | None = None

    def spaced_words(self, i: int) -> tuple[Table, int] | None:
        """A table whose cells are divided by single spaces while the cells hold spaces too
        (序号 工作任务 牵头单位 完成时限 / 1 企业开办时间压缩至 1个工作日以内 市市场监管局 2023年3月):
        rows start with their number; from the right, the date is the deadline and names that end
        like a unit are the units; what is left is the task."""
        line = self.lines[i]
        if line.table or " " not in line.stripped or len(line.stripped) > 60:
            return None
        words = line.stripped.split()
        if len(words) < 3 or any(len(w) > 10 for w in words) or column_key(words[0], self.rx) != "seq":
            return None
        cols = table_header(words, self.rx)
        if cols is None or cols[0] != "seq":
            return None
        table = Table(cols=cols, headings={c: w for c, w in zip(cols, words, strict=True)}, lines=[line],
                      layout="spaced_words")
        j = i + 1
        while j < len(self.lines):
            ln = self.lines[j]
            m = _WORD_ROW_RX.match(ln.stripped)
            if ln.table or m is None or int(m.group(1)) != len(table.rows) + 1:
                break
            tokens = [(t.group(), ln.start + (len(ln.text) - len(ln.text.lstrip(" \t"))) + t.start())
                      for t in re.finditer(r"\S+", ln.stripped)]
            at = tokens[0][1]
            row = Row(label=m.group(1), value=int(m.group(1)), number_span=(at, at + len(m.group(1))))
            row.lines = [ln]
            row.cells = self._words_to_cells(tokens[1:], cols[1:])
            table.rows.append(row)
            table.lines.append(ln)
            j += 1
        if not table.rows:
            return None
        finish(table)
        return table, j

    def _words_to_cells(self, tokens: list[tuple[str, int]], cols: list[str]) -> dict[str, list[Span]]:
        out: dict[str, list[Span]] = {}
        k = len(tokens)
        text_cols = [c for c in cols if c in ("task", "content", "subtask", "category")]
        last_text = max((cols.index(c) for c in text_cols), default=-1)
        unit_cols = ("lead_units", "units", "cooperating", "oversight")
        typed = cols[last_text + 1:]
        for m in range(len(typed) - 1, -1, -1):
            col = typed[m]
            if k <= 1:
                break
            if col == "deadline":
                for n in (1, 2):
                    piece = " ".join(t for t, _ in tokens[k - n:k])
                    if k - n >= 1 and self.rx.deadline_cell.match(piece.replace(" ", "")):
                        out[col] = [(tokens[k - n][1], tokens[k - 1][1] + len(tokens[k - 1][0]))]
                        k -= n
                        break
            elif col in unit_cols:
                # of two unit columns side by side (牵头单位 配合单位) the right one takes one name
                one = m > 0 and typed[m - 1] in unit_cols
                first = k
                while first - 1 >= 1 and _UNIT_TAIL_RX.search(tokens[first - 1][0]) \
                        and not any(c.isdigit() for c in tokens[first - 1][0]) and not (one and first < k):
                    first -= 1
                if first < k:
                    out[col] = [(tokens[q][1], tokens[q][1] + len(tokens[q][0])) for q in range(first, k)]
                    k = first
        if k > 0 and text_cols:
            out[text_cols[0]] = [(tokens[0][1], tokens[k - 1][1] + len(tokens[k - 1][0]))]
        return out

    def glued(self, i: int) -> tuple[Table, int] | None:
        return _Glued(self).read(i) if "序号" in self.lines[i].text else None

    def cell_lines(self, i: int) -> tuple[Table, int] | None:
        if self._cell_lines is None:
            self._cell_lines = _CellLines(self, self.numbers)
        return self._cell_lines.read(i)

    def heading_as_written(self, cell: Cell) -> str:
        return self.clean[cell[1]:cell[2]].replace(" ", "")

    # -- tabbed tables ----------------------------------------------------------------------
    def tabbed(self, i: int) -> tuple[Table, int] | None:
        """A table whose rows are lines with tabs (or ``|``) between cells."""
        line = self.lines[i]
        if not line.table:
            return None
        cols = table_header(_folded_cells(line), self.rx)
        if cols is None:
            return None
        cells = line_cells(line)
        names = [self.heading_as_written(c) for c in cells]
        j = i + 1
        nxt = self.lines[j] if j < len(self.lines) else None
        if nxt is not None and nxt.table and nxt.sep == line.sep and cols[-1].startswith("col") and cells[-1][0]:
            # a heading row broken over two lines: … | 配合 ⏎ 单位 | 完成时限 |
            more = line_cells(nxt)
            joined = (cells[-1][0] + more[0][0]).replace(" ", "")
            if column_key(joined, self.rx) and not _SEQ_RX.match(more[0][0]):
                both = table_header([*_folded_cells(line)[:-1], joined, *_folded_cells(nxt)[1:]], self.rx)
                if both is not None:
                    cols = both
                    names = [*names[:-1], names[-1] + self.heading_as_written(more[0]),
                             *(self.heading_as_written(c) for c in more[1:])]
                    j += 1
        table = Table(cols=cols, headings=dict(zip(cols, names, strict=True)), lines=list(self.lines[i:j]))
        group: Span | None = None
        while j < len(self.lines):
            ln = self.lines[j]
            if ln.table:
                group = self._tabbed_row(table, ln, j, group)
            elif len(ln.stripped) <= 30 and GROUP_ROW_RX.match(ln.stripped) and "category" not in cols \
                    and j + 1 < len(self.lines) and self.lines[j + 1].table:
                # a merged group row pasted without its tabs: 一、经济发展
                group = (ln.start, ln.end)
                table.headings.setdefault("category", "类别")
            elif table.numbered and (j + 1 == len(self.lines) or self.lines[j + 1].table) and \
                    self._numbered_row(table, ln, [(ln.stripped, ln.start, ln.end)], group):
                # the next numbered row with its bars lost (the text ends in it: 6.老年)
                table.rows[-1].cut = j + 1 == len(self.lines)
            elif not self._cell_goes_on(table, ln, j):
                break
            table.lines.append(ln)
            j += 1
        finish(table)
        return table, j

    def _tabbed_row(self, table: Table, line: Line, i: int, group: Span | None) -> Span | None:
        """Read one tabbed line into ``table``; returns the group row now in force."""
        cols = table.cols
        if (line.aligned or line.gap_before) and table_header(_folded_cells(line), self.rx) == cols:
            return group  # the heading row repeated on a new page
        cells = line_cells(line)
        rows = table.rows
        has_seq = cols[0] == "seq"
        filled = [c for c in cells if c[0]]
        if filled and _TOTAL_ROW_RX.match(filled[0][0]):
            return group  # 合计: a totals row, not a task
        if len(filled) == 1 and filled[0] is cells[0] and GROUP_ROW_RX.match(cells[0][0]) and "category" not in cols:
            table.headings.setdefault("category", "类别")
            return (cells[0][1], cells[0][2])
        if has_seq and len(filled) == 2 and filled[0] is cells[0] and cells[0][0].isdigit() and "category" not in cols \
                and i < len(self.lines) - 1 and self.lines[i + 1].table \
                and self.lines[i + 1].text.lstrip(" |").startswith(cells[0][0] + "."):
            # | 1 | 夯实数字基础设施 | | | followed by rows 1.1, 1.2: a group, not a task
            table.headings.setdefault("category", "类别")
            return (filled[1][1], filled[1][2])
        if not has_seq and (table.numbered or not rows) and self._numbered_row(table, line, cells, group):
            return group
        deadline_cell = self.rx.deadline_cell
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
            placed = self._place(cells, cols, with_seq=has_seq, aligned=line.aligned)
            if seq_m is not None:
                value: int | None = numeral_value(seq_m.group(1)) or len(rows) + 1
                label = cells[0][0]
            elif has_seq:
                value, label = rows[-1].value, rows[-1].label  # shares the merged 序号
            else:
                value, label = None, ""
            row = Row(label=label, value=value,
                      number_span=(cells[0][1], cells[0][2]) if has_seq else (line.start, line.start))
            row.cells = {k: [(a, b)] for k, (a, b) in placed.items() if k != "seq" and b > a}
            if group is not None:
                row.cells["category"] = [group]
            row.lines = [line]
            if len(cells) < len(cols) and cells[-1][0] and cells[-1][0][-1] not in "。;；":
                row.short_cells = [[(a, b)] for _, a, b in cells]
            rows.append(row)
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
            row.lines.append(line)
        elif rows:
            row = rows[-1]
            row.short_cells = None
            if has_seq and not line.aligned and len(cells) < len(cols):
                # a sub-row whose merged 序号 (and cells left of it) were dropped: the last columns
                placed = {cols[len(cols) - len(cells) + k]: (a, b) for k, (_, a, b) in enumerate(cells)}
            else:
                placed = self._place(cells, cols, with_seq=False, aligned=line.aligned)
            for k, (a, b) in placed.items():
                if k != "seq" and b > a:
                    row.cells.setdefault(k, []).append((a, b))
            row.lines.append(line)
        return group

    def _numbered_row(self, table: Table, line: Line, cells: list[Cell], group: Span | None) -> bool:
        """Rows numbered inside their first cell. A line that starts the next number is a row; any
        other line holds the cells of the row above that a merged cell left to its right: they
        belong to the last columns (1.城市…项目 | 对…改造; | 11月 | 建设局 then 2021.8 | 城投集团)."""
        m = _CELL_LABEL_RX.match(cells[0][0]) if cells else None
        rows = table.rows
        expected = (rows[-1].value or 0) + 1 if rows else None
        if m is not None and (expected is None or int(m.group(1)) == expected):
            if not rows:
                table.numbered = True
            _, a, b = cells[0]
            n_end = a + m.end()
            row = Row(label=m.group(1), value=int(m.group(1)), number_span=(a, a + len(m.group().rstrip())))
            placed = self._place([(cells[0][0][m.end():], n_end, b), *cells[1:]], table.cols, with_seq=False)
            row.cells = {k: [(x, y)] for k, (x, y) in placed.items() if y > x}
            if group is not None:
                row.cells["category"] = [group]
            row.lines = [line]
            rows.append(row)
            return True
        if not table.numbered or not rows:
            return False
        filled = list(cells)
        while filled and not filled[-1][0]:
            filled.pop()
        row = rows[-1]
        cols = table.cols
        for k, (_, a, b) in zip(range(len(cols) - len(filled), len(cols)), filled, strict=True):
            if k >= 0 and b > a:
                row.cells.setdefault(cols[k], []).append((a, b))
        row.lines.append(line)
        return True

    def _place(self, cells: list[Cell], cols: list[str], *, with_seq: bool, aligned: bool = False) -> dict[str, Span]:
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
            d = next((k for k in range(len(texts) - 1, 0, -1)
                      if texts[k] and self.rx.deadline_cell.match(texts[k])), None)
            if d is not None and not (len(cells) == n and d == d_col):
                placed: dict[str, Span] = {cols[0]: spans[0], "deadline": spans[d]}
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

    def _cell_goes_on(self, table: Table, line: Line, i: int) -> bool:
        """A line without tabs between two rows of a table continues the row above: its open last
        cell (a Word cell holding line breaks: 县市场监管局⏎县税务局⏎县公安局<tab>2024年3月底前),
        or else its task text."""
        row = table.rows[-1] if table.rows else None
        if row is None or line.gap_before or len(line.stripped) > 120:
            return False
        for nxt in self.lines[i + 1:i + 8]:
            if nxt.gap_before:
                return False
            if nxt.table:
                break
        else:
            return False
        if table_header(_folded_cells(nxt), self.rx) is not None or self.rx.attachment.match(line.stripped):
            return False  # another table begins
        if row.short_cells is not None:
            row.short_cells[-1].append((line.start, line.end))
        else:
            # the row is complete: the line goes on its text (a paragraph break inside the task)
            col = next((c for c in ("content", "subtask", "task") if c in row.cells), None)
            if col is None:
                return False
            row.cells[col].append((line.start, line.end))
        row.lines.append(line)
        return True


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


_SHORT_HEADING_RX = re.compile(r"^[\u3400-\u9fff()（）\d]{1,12}$")


class _CellLines:
    """A table flattened one cell per line (web-page-to-text converters): a header of short lines,
    each a column heading or a piece of one (责任 / 单位, 总投资 / (万元)), then rows that each start
    with their number alone on a line."""

    def __init__(self, lay: _Layout, numbers: list[Line]) -> None:
        self.lay = lay
        self.numbers = sorted(numbers, key=lambda ln: ln.start)
        self.starts = [ln.start for ln in self.numbers]

    def _heading_pieces(self, i: int) -> tuple[list[tuple[str, list[Line]]], int] | None:
        """Header cells from line ``i`` on (each with its lines), and the index after them."""
        lines = self.lay.lines
        rx = self.lay.rx
        out: list[tuple[str, list[Line]]] = []
        j = i
        while j < len(lines) and len(out) < 20:
            ln = lines[j]
            t = ln.stripped.replace(" ", "")
            if ln.table or not _SHORT_HEADING_RX.match(t) or ln.bare:
                break
            if out and self._number_between(out[-1][1][-1].end, ln.start):
                break  # the first row's number: the header is over
            for k in (() if column_key(t, rx) else (3, 2)):  # a heading on its own line stays alone
                group = lines[j:j + k]
                if len(group) == k and all(_SHORT_HEADING_RX.match(g.stripped.replace(" ", "")) for g in group):
                    joined = "".join(g.stripped.replace(" ", "") for g in group)
                    if column_key(joined, rx):
                        out.append((joined, list(group)))
                        j += k
                        break
            else:
                if t[0] in "(（" and out:
                    out[-1] = (out[-1][0] + t, [*out[-1][1], ln])
                else:
                    out.append((t, [ln]))
                j += 1
        known = sum(1 for t, _ in out if column_key(t, rx))
        return (out, j) if known >= 3 else None

    def _number_between(self, a: int, b: int) -> bool:
        """Whether a lone number (taken by segment for a page number) stands between ``a`` and ``b``."""
        k = bisect.bisect_left(self.starts, a)
        return k < len(self.starts) and self.starts[k] < b

    def read(self, i: int) -> tuple[Table, int] | None:
        lines = self.lay.lines
        first = lines[i].stripped.replace(" ", "")
        if lines[i].table or lines[i].bare or len(first) > 12:
            return None
        # the header starts with a column heading, or with the first piece of one (责任 / 单位)
        if not column_key(first, self.lay.rx) and not any(
                column_key(first + ln.stripped.replace(" ", ""), self.lay.rx) for ln in lines[i + 1:i + 2]):
            return None
        found = self._heading_pieces(i)
        if found is None:
            return None
        pieces, j = found
        # the rows: each starts at a lone number (1, 2, 3 …) after the header; the lone numbers
        # segment took for page numbers are cells here (1200)
        stream = self._stream(j)
        rx_att = self.lay.rx.attachment
        starts: list[Line] = []
        expected, since = 1, 0
        least = max(2, len(pieces) // 2)
        for k, ln in enumerate(stream):
            if _is_rule(ln):
                continue
            if starts and (ln.table or rx_att.match(ln.stripped) is not None):
                break  # another table, or the next attachment, begins
            num = _row_number(ln.stripped)
            if ln.bare and num == str(expected) and (expected == 1 or since >= least):
                starts.append(ln)
                expected, since = expected + 1, 0
            elif ln.bare and num.isdigit() and starts and expected < int(num) <= expected + 2 \
                    and since >= len(pieces) - 2 and k + 1 < len(stream) and not stream[k + 1].bare:
                # numbers that jump (rows left out of an excerpt): only after a full row, before text
                starts.append(ln)
                expected, since = int(num) + 1, 0
            elif starts:
                since += 1
            elif len(ln.stripped) <= 30 and GROUP_ROW_RX.match(ln.stripped):
                continue  # 一、教育医疗: a group of the rows below
            elif ln.table or not ln.bare:
                return None  # text before the first row: not a table of this kind
        if not starts:
            return None
        return self._rows(i, j, pieces, starts, stream)

    def _stream(self, j: int) -> list[Line]:
        """The lines from ``j`` on, with the lone numbers segment dropped put back in place."""
        lines = self.lay.lines[j:]
        if not lines:
            return []
        a = self.lay.lines[j - 1].end
        k = bisect.bisect_left(self.starts, a)
        # a decorated page number (— 2 —, 第2页) is one; a bare number may be a cell
        extra = [n for n in self.numbers[k:]
                 if n.stripped.replace(",", "").replace(".", "", 1).isdigit() or _is_rule(n)]
        return sorted([*lines, *extra], key=lambda ln: ln.start) if extra else list(lines)

    def _rows(self, i: int, j: int, pieces: list[tuple[str, list[Line]]], starts: list[Line],
              stream: list[Line]) -> tuple[Table, int]:
        lay = self.lay
        rx = lay.rx
        names = [t for t, _ in pieces]
        # chunks of each row: the lines from its number to the next row's
        chunks: list[list[Line]] = [[] for _ in starts]
        groups: list[tuple[int, Line]] = []
        r = -1
        end = len(stream)
        k = 0
        first = {id(s) for s in starts}
        while k < len(stream):
            ln = stream[k]
            if id(ln) in first:
                r += 1
                k += 1
                continue
            if _is_rule(ln):
                # a divider before a row (or at the end), else an empty cell
                nxt = stream[k + 1] if k + 1 < len(stream) else None
                if r >= 0 and (_is_empty_cell(ln) or (nxt is not None and id(nxt) not in first and not _is_rule(nxt)
                                                      and ln.stripped[:1] in "|│┃")):
                    chunks[r].append(ln)
                k += 1
                continue
            if r < 0 and len(ln.stripped) <= 30 and GROUP_ROW_RX.match(ln.stripped):
                groups.append((0, ln))
                k += 1
                continue
            if r < 0 or rx.attachment.match(ln.stripped) is not None or ln.table:
                end = k
                break
            if len(ln.stripped) <= 30 and GROUP_ROW_RX.match(ln.stripped) and r + 1 < len(starts) \
                    and starts[r + 1].start > ln.start and all(x.start > ln.start for x in stream[k + 1:k + 2]):
                groups.append((r + 1, ln))  # 一、教育医疗 over the rows below
                k += 1
                continue
            # the heading row repeated after a page break
            if ln.stripped.replace(" ", "") == names[0] and ln in lay.lines:
                at = lay.lines.index(ln)
                skip = self._heading_pieces(at)
                if skip is not None and [t for t, _ in skip[0]][:3] == names[:3]:
                    stop = lay.lines[skip[1] - 1].end
                    while k < len(stream) and stream[k].start <= stop:
                        k += 1
                    continue
            chunks[r].append(ln)
            k += 1
        # how many cells a row has: the fewest of the complete rows (a merged cell adds lines)
        complete = [len(c) + 1 for c in chunks[:-1]] or [len(chunks[-1]) + 1]
        n = min(complete)
        names = _fit_headings(names, n, rx)
        cols = [column_key(t, rx) or f"col{m}" for m, t in enumerate(names)]
        year_columns(cols, names)
        if cols.count("task") > 1 and "content" not in cols:
            cols[cols.index("task", cols.index("task") + 1)] = "content"
        headings = {c: t for c, t in zip(cols, names, strict=True)}
        table = Table(cols=cols, headings=headings, lines=[ln for _, p in pieces for ln in p], layout="cell_lines")
        at_end = end >= len(stream)
        for num, cl in zip(starts, chunks, strict=True):
            row = Row(label=num.stripped.rstrip(" .、．"), value=int(_row_number(num.stripped)),
                      number_span=(num.start, num.end))
            row.lines = [num, *cl]
            row.cut = cl is chunks[-1] and len(cl) + 1 < n and at_end
            row.cells = self._assign(cl, cols, row.cut)
            table.rows.append(row)
            table.lines.extend(row.lines)
        for r0, ln in groups:
            table.headings.setdefault("category", "类别")
            table.lines.append(ln)
            for row in table.rows[r0:]:
                row.cells["category"] = [(ln.start, ln.end)]
        table.lines.sort(key=lambda ln: ln.start)
        finish(table)
        # the index of the first line after the table
        last_line = max((ln for ln in table.lines if not ln.bare or ln in lay.lines), key=lambda ln: ln.start)
        after = j
        while after < len(lay.lines) and lay.lines[after].start <= last_line.start:
            after += 1
        return table, after

    def _by_kind(self, cells: list[list[Line]], slots: list[str]) -> list[tuple[str, list[Line]]]:
        """A row with fewer cells than columns: the empty ones vanished, most often merged cells at
        the left (a 类别 given in its group's first row). From the right, a date goes under the
        deadline, names of units under a unit column, and text under a text column; a column whose
        kind the next cell does not have stays empty."""
        placed: list[tuple[str, list[Line]]] = []
        k = len(cells) - 1
        for m in range(len(slots) - 1, -1, -1):
            if k < 0:
                break
            slot, text = slots[m], "".join(ln.stripped for ln in cells[k])
            empty = all(_is_rule(ln) for ln in cells[k])
            if slot == "deadline":
                fits = empty or self.lay.rx.deadline_cell.match(text) is not None
            elif slot in ("lead_units", "units", "cooperating"):
                fits = empty or _unit_like(text)
            elif slot in ("task", "content", "category", "subtask"):
                # text, unless what is left would not fill the text columns still to come
                fits = not _unit_like(text) or k >= sum(
                    1 for s in slots[:m] if s in ("task", "content", "category", "subtask"))
            else:
                fits = not _unit_like(text) and self.lay.rx.deadline_cell.match(text) is None
            if fits:
                placed.append((slot, cells[k]))
                k -= 1
        return placed

    def _assign(self, cl: list[Line], cols: list[str], cut: bool) -> dict[str, list[Span]]:
        """Put a row's lines under its columns. A row with more lines than columns has cells
        broken over lines: short pieces of a title first (城市用气 / 提升工程), then paragraphs of
        the content. A row with fewer (empty cells vanish; the text may end mid-row) fills its text
        columns from the left, its date goes under the deadline and what follows the date under
        the last columns."""
        slots = cols[1:] if cols and cols[0] == "seq" else cols
        out: dict[str, list[Span]] = {}
        if not slots:
            return out
        cells = [[ln] for ln in cl]
        text_slots = [m for m, k in enumerate(slots) if k in ("task", "content", "category", "subtask")]
        surplus = len(cells) - len(slots)
        if (surplus > 0 or cut) and text_slots:
            m = text_slots[0]
            while (surplus > 0 or cut) and m + 1 < len(cells) and _short(cells[m]) and _short(cells[m + 1]):
                cells[m:m + 2] = [cells[m] + cells[m + 1]]
                surplus -= 1
            if surplus > 0:
                c = next((t for t in text_slots if slots[t] == "content"), text_slots[-1])
                if c + surplus < len(cells):
                    cells[c:c + surplus + 1] = [[ln for piece in cells[c:c + surplus + 1] for ln in piece]]
        if len(cells) == len(slots):
            placed = list(zip(slots, cells, strict=True))
        elif not cut:
            placed = self._by_kind(cells, slots)
        else:
            dl = next((m for m, piece in enumerate(cells)
                       if self.lay.rx.deadline_cell.match(piece[0].stripped)), None)
            before = cells if dl is None else cells[:dl]
            placed = list(zip([slots[t] for t in text_slots], before, strict=False))
            if dl is not None and "deadline" in slots:
                d = slots.index("deadline")
                placed.append(("deadline", cells[dl]))
                after = cells[dl + 1:]
                rest = slots[d + 1:]
                if not cut:
                    placed += list(zip(rest[len(rest) - len(after):], after, strict=False))
        for key, piece in placed:
            filled = [ln for ln in piece if not _is_rule(ln)]
            if filled:
                out.setdefault(key, []).extend((ln.start, ln.end) for ln in filled)
            elif piece and any(_is_empty_cell(ln) for ln in piece):
                out.setdefault(key, [])  # written empty (/, ——): not merged with the row above
        return out


def _unit_like(text: str) -> bool:
    """A cell that names units: short, no sentence, its last name ending like a unit."""
    text = re.sub(r"[(（][^()（）]{0,12}[)）]$", "", text.strip())  # 市生态环境局（牵头）
    return 0 < len(text) <= 80 and "。" not in text and _UNIT_TAIL_RX.search(text) is not None


def _short(piece: list[Line]) -> bool:
    """A piece of a cell broken over lines: short, and not the end of a sentence."""
    text = "".join(ln.stripped for ln in piece)
    return len(text) <= 16 and text[-1] not in "。；;!！?？" and not any(ln.bare for ln in piece)


def _row_number(text: str) -> str:
    """A row number as written alone on a line (1, 1., 1、, (1), （1）, ①), as digits."""
    text = text.strip(" .、．()（）")
    if len(text) == 1 and "①" <= text <= "⑳":
        return str(ord(text) - ord("①") + 1)
    return text


def _is_rule(line: Line) -> bool:
    """A separator alone on a line (|, │, ----): a row divider or an empty cell; or what stands
    for an empty cell (/, ——)."""
    return not line.stripped.strip("|│┃-—─━=_+ /\\")


def _is_empty_cell(line: Line) -> bool:
    """/ or —— alone on a line: an empty cell, never a row divider."""
    return line.stripped in ("/", "—", "——", "-", "--", "－", "\\")


def _fit_headings(names: list[str], n: int, rx: LayoutRules) -> list[str]:
    """Join heading pieces no column name matched (2023年度 / 计划, 资金 / 来源) until there are
    ``n`` columns, the shortest pieces first, from the right."""
    names = list(names)
    while len(names) > n:
        best = None
        for m in range(len(names) - 1, 0, -1):
            a, b = names[m - 1], names[m]
            if column_key(a, rx) or column_key(b, rx):
                continue
            if best is None or len(b) < len(names[best]):
                best = m
        if best is None:
            break
        names[best - 1:best + 1] = [names[best - 1] + names[best]]
    return names


# a page marker a document-sharing site puts at the start of each page's text: 1、 2、 3、
_PAGE_MARK_RX = re.compile(r"^(\d{1,3})、")
_UNIT_TAIL_RX = re.compile(r"(?:[局委办园镇乡区县院站队会部厅处科联协)]|公司|街道|集团|中心|政府)$")
# a name that ends like a unit but goes on: 各街道|办事处, 区自然资源|分局
_NAME_GOES_ON_RX = re.compile(r"办事处|办公室|分局|大队|支队|中队|委员会|管委会|中心|集团|公司|工委|人民政府|政府")
# a date, or a frequency, that ends a row of a Word table's text: …县民政局2023年10月 / …应急办每月
_TAIL_DATE_RX = re.compile(
    r"(?:(?:19|20)\d{2}年(?:\d{1,2}月(?:\d{1,2}日)?)?(?:底|末)?前?|\d{1,2}月(?:底|末)?前?|每月|每季度|每年|长期坚持|持续推进|长期)$")


_PLACE_STARTS = frozenset("省市县区镇乡街各")


def _ends_with_date(text: str) -> bool:
    return _TAIL_DATE_RX.search(text) is not None
_STOP_AFTER_UNITS_RX = re.compile(
    r"(?:推进|推动|完成|实施|开展|新建|新增|提升|建设|建成|加强|落实|支持|组织|改造|打造|启动|深化|全面|全区|全市|"
    r"对|为|在|计划|持续|加快|强化|优化|提供|举办|开放)")


class _Glued:
    """A Word table's text with no separators: 序号项目名称…牵头单位配合单位1增加教育资源供给…。
    何海平教育局经开区…市国有公司2促进就业…. The header is read by the column vocabulary, rows
    start at the next number after a unit's name (or a full stop), and a row's units follow its
    text's last full stop: a person's name (分管领导), the lead unit, then the cooperating units."""

    def __init__(self, lay: _Layout) -> None:
        self.lay = lay
        self.stems = tuple(lay.stems)

    def header_at(self, text: str, p: int) -> list[tuple[str, int, int]]:
        """Known column headings glued together from ``p`` on: the reading that chains the most
        of them (序号实事项目… is 序号 | 实事项目, though 序号实事项 reads as a …事项 heading)."""
        memo: dict[int, list[tuple[str, int, int]]] = {}

        def chain(q: int, depth: int) -> list[tuple[str, int, int]]:
            if q in memo:
                return memo[q]
            best: list[tuple[str, int, int]] = []
            if depth < 12:
                for e in range(min(len(text), q + 10), q + 1, -1):
                    if column_key(text[q:e], self.lay.rx):
                        got = [(text[q:e], q, e), *chain(e, depth + 1)]
                        if len(got) > len(best):
                            best = got
            memo[q] = best
            return best

        return chain(p, 0)

    def read(self, i: int) -> tuple[Table, int] | None:
        lines = self.lay.lines
        line = lines[i]
        if line.table or "序号" not in line.text:
            return None
        # the text from here on, without page markers, with each character's position
        chars: list[str] = []
        pos: list[int] = []
        page = None
        for ln in lines[i:]:
            if ln.table:
                break
            t = ln.text
            off = 0
            m = _PAGE_MARK_RX.match(t)
            if m is not None and (page is None or int(m.group(1)) == page + 1):
                page, off = int(m.group(1)), m.end()
            for k in range(off, len(t)):
                if t[k] not in " \t":
                    chars.append(t[k])
                    pos.append(ln.start + k)
        text = "".join(chars)
        h = text.find("序号")
        header = self.header_at(text, h)
        if len(header) < 4:
            return None
        names = [n for n, _, _ in header]
        if "".join(names[:3]) not in line.text:
            return None  # headings with spaces between them: not glued (see spaced_words)
        cols = table_header(names, self.lay.rx)
        if cols is None or cols[0] != "seq" or header[-1][2] >= len(text) or not text[header[-1][2]].isdigit():
            return None
        head_text = "".join(names)
        # the header repeated on later pages is dropped
        body_marks = [0] * len(text)
        k = text.find(head_text, header[-1][2])
        while k >= 0:
            for q in range(k, k + len(head_text)):
                body_marks[q] = 1
            k = text.find(head_text, k + len(head_text))
        body = [(c, q) for c, q, mark in zip(text, pos, body_marks, strict=True) if not mark]
        start = header[-1][2]
        btext = "".join(c for c, _ in body)
        bpos = [q for _, q in body]
        # rows: the next number, after a unit's name or a full stop, before Chinese text
        starts: list[int] = [start]
        expected = 2
        q = start + 1
        while q < len(btext):
            num = str(expected)
            q = btext.find(num, q)
            if q < 0:
                break
            after = q + len(num)
            before = btext[max(start, q - 8):q]
            if after < len(btext) and "\u3400" <= btext[after] <= "\u9fff" and not btext[q - 1].isdigit() \
                    and (_UNIT_TAIL_RX.search(before) or before.endswith("。") or _ends_with_date(before)) \
                    and btext[after] not in "个万年月日人户家所名项处座条台套次":
                starts.append(q)
                expected += 1
            q = after
        table = Table(cols=cols, headings={c: n for c, n in zip(cols, names, strict=True)},
                      lines=[ln for ln in lines[i:] if not ln.table], layout="glued")
        for r, a in enumerate(starts):
            b = starts[r + 1] if r + 1 < len(starts) else len(btext)
            num = str(r + 1)
            row = Row(label=num, value=r + 1, number_span=(bpos[a], bpos[a + len(num) - 1] + 1), glued=True)
            row.lines = [ln for ln in table.lines if ln.end > bpos[a] and ln.start <= bpos[b - 1]]
            self._cells(row, btext, bpos, a + len(num), b, cols)
            table.rows.append(row)
        return table, len(lines) if all(not ln.table for ln in lines[i:]) else \
            next(k for k in range(i, len(lines)) if lines[k].table)

    def _cells(self, row: Row, text: str, pos: list[int], a: int, b: int, cols: list[str]) -> None:
        """The row's text and its units: each full stop may be followed by a person's name and a
        run of unit names (a sub-row of a merged cell)."""
        has_person = "oversight" in cols
        if "deadline" in cols:
            # the date in the last column: 县民政局2023年10月
            tail = _TAIL_DATE_RX.search(text, a, b)
            if tail is not None:
                row.cells["deadline"] = _spans(pos, tail.start(), b)
                b = tail.start()
        k = a
        content: list[tuple[int, int]] = []
        seg_start = a
        while k < b:
            dot = text.find("。", k, b)
            if dot < 0:
                content.append((seg_start, b))
                break
            run = self._units_after(text, dot + 1, b, has_person)
            if run is None:
                k = dot + 1
                continue
            content.append((seg_start, dot + 1))
            person_end, units = run
            self._put_units(row, pos, units, cols)
            if person_end > dot + 1:
                row.cells.setdefault("oversight", []).extend(_spans(pos, dot + 1, person_end))
            seg_start = k = units[-1][1] if units else person_end
        if content and not any(c in row.cells for c in ("lead_units", "units", "cooperating")):
            # no full stop before the names (改造农村危房150户县住建局县财政局、县民政局): the names
            # are the run that ends the row, starting with a place or a department's short name
            ca, cb = content[-1]
            for p in range(max(ca + 1, cb - 60), cb):
                if text[p] not in _PLACE_STARTS and not text.startswith(self.stems, p):
                    continue
                run = self._units_after(text, p, cb, False)
                if run is not None and run[1][-1][1] == cb and not any(
                        any(ch.isdigit() for ch in text[ua:ub]) for ua, ub in run[1]):
                    content[-1] = (ca, p)
                    self._put_units(row, pos, run[1], cols)
                    break
        text_col = "content" if "content" in cols else "task"
        for ca, cb in content:
            if cb > ca:
                row.cells.setdefault(text_col, []).extend(_spans(pos, ca, cb))

    @staticmethod
    def _put_units(row: Row, pos: list[int], units: list[tuple[int, int]], cols: list[str]) -> None:
        """The first name under the lead column (when there is one), the others under the next."""
        for m, (ua, ub) in enumerate(units):
            # one span a unit: the cell is read one unit per piece
            col = "lead_units" if m == 0 and "lead_units" in cols else (
                "cooperating" if "cooperating" in cols else "units")
            pieces = _spans(pos, ua, ub)
            row.continued.update(pieces[1:])
            row.cells.setdefault(col, []).extend(pieces)

    def _units_after(self, text: str, p: int, b: int, has_person: bool) -> tuple[int, list[tuple[int, int]]] | None:
        """Where a person's name ends and the unit names that follow ``p``, or None."""
        if p >= b or _STOP_AFTER_UNITS_RX.match(text, p):
            return None
        q = p
        if has_person:
            name = 3
            for n in (2, 3):
                if text.startswith(self.stems, p + n):
                    name = n
                    break
            if not all("\u3400" <= c <= "\u9fff" for c in text[p:p + name]):
                return None
            q = p + name
        person_end = q
        units: list[tuple[int, int]] = []
        while q < b:
            if _STOP_AFTER_UNITS_RX.match(text, q):
                break
            end = None
            for e in range(q + 3, min(b, q + 14) + 1):
                piece = text[q:e]
                if piece.count("(") != piece.count(")") or not _UNIT_TAIL_RX.search(piece):
                    continue
                if e < b and text[e] == "(":
                    continue  # 高新园(邹区镇): the bracket belongs to the name
                if _NAME_GOES_ON_RX.match(text, e) or any(
                        (m := _NAME_GOES_ON_RX.match(text, e - k)) is not None and m.end() > e for k in (1, 2)):
                    continue  # 各街道|办事处, 各街道办|事处: the name goes on
                end = e
                break
            if end is None:
                break
            units.append((q, end))
            q = end
            if q < b and text[q] == "、":
                q += 1  # 县财政局、县民政局
        if not units:
            return None
        return person_end, units


def _spans(pos: list[int], a: int, b: int) -> list[Span]:
    """Source spans of the characters ``a``..``b`` of a text joined from several lines."""
    out: list[Span] = []
    for k in range(a, b):
        if out and out[-1][1] == pos[k]:
            out[-1] = (out[-1][0], pos[k] + 1)
        else:
            out.append((pos[k], pos[k] + 1))
    return out


Rule = Callable[[_Layout, int], "tuple[Table, int] | None"]


# tried in order at each line: (name, whether a table of its kind may start at the line — a cheap
# test, so most lines of running text try no rule —, the rule); the first that reads a table wins
RULES: list[tuple[str, Callable[[Line], bool], Rule]] = [
    ("tabbed", lambda line: line.table, _Layout.tabbed),
    ("cell_lines", lambda line: not line.table and len(line.stripped) <= 12, _Layout.cell_lines),
    ("glued", lambda line: not line.table and "序号" in line.text, _Layout.glued),
    ("spaced_words", lambda line: not line.table and line.stripped.startswith("序号 "), _Layout.spaced_words),
]


def layout(lines: list[Line], rules: RuleSet, clean: str, deadline_cell: TimedPattern,
           numbers: list[Line] | None = None) -> list[Block]:
    """Group content lines into blocks: tables (by the first rule that reads one) and lines.
    ``numbers`` are the lone numbers segment dropped as page numbers (row numbers, perhaps)."""
    state = _Layout(lines, compiled(rules, deadline_cell), clean, numbers or [])
    state.stems = rules.document.department_stems
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        ln = lines[i]
        for _name, may_start, rule in RULES:
            if not may_start(ln):
                continue
            found = rule(state, i)
            if found is not None:
                table, i = found
                blocks.append(table)
                break
        else:
            blocks.append(lines[i])
            i += 1
    return blocks
