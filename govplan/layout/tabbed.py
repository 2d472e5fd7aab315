"""Tables whose rows are lines with cells between tabs or bars (also columns aligned with spaces,
which segment turned into tabs; ` | ` rows broken over lines; rows numbered in their first cell)."""

from __future__ import annotations

from ..chinese import numeral_value
from ..segment import Line
from .model import (
    _CELL_LABEL_RX,
    _SEQ_RX,
    _TOTAL_ROW_RX,
    GROUP_ROW_RX,
    Cell,
    Context,
    Row,
    Span,
    Table,
    _folded_cells,
    column_key,
    finish,
    line_cells,
    table_header,
)


class Tabbed(Context):
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


