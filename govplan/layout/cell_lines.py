"""Tables flattened one cell per line, as web-page-to-text converters leave HTML tables."""

from __future__ import annotations

import bisect
import re

from ..segment import Line
from .model import (
    GROUP_ROW_RX,
    Context,
    LayoutRules,
    Row,
    Span,
    Table,
    _is_empty_cell,
    _is_rule,
    _unit_like,
    column_key,
    column_keys,
    finish,
)

_SHORT_HEADING_RX = re.compile(r"^[\u3400-\u9fff()（）\d]{1,12}$")


class _CellLines:
    """A table flattened one cell per line (web-page-to-text converters): a header of short lines,
    each a column heading or a piece of one (责任 / 单位, 总投资 / (万元)), then rows that each start
    with their number alone on a line."""

    def __init__(self, lay: Context, numbers: list[Line]) -> None:
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
        if not any(column_key(t, self.lay.rx) == "seq" for t, _ in pieces):
            return self._unnumbered(i, j, pieces, stream)
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

    def _unnumbered(self, i: int, j: int, pieces: list[tuple[str, list[Line]]],
                    stream: list[Line]) -> tuple[Table, int] | None:
        """A table without a 序号 column: rows of exactly one line a column, as long as each line
        is of its column's kind (a date under the deadline, names under a unit column, text under
        a text column). Rows are numbered by their place."""
        rx = self.lay.rx
        names = [t for t, _ in pieces]
        cols = column_keys(names, rx)
        n = len(cols)
        body = [ln for ln in stream if not _is_rule(ln)]
        table = Table(cols=cols, headings=dict(zip(cols, names, strict=True)),
                      lines=[ln for _, p in pieces for ln in p], layout="cell_lines")
        k = 0
        while k + n <= len(body):
            chunk = body[k:k + n]
            if not all(_of_kind(key, ln.stripped, rx) for key, ln in zip(cols, chunk, strict=True)):
                break
            row = Row(label="", value=None, number_span=(chunk[0].start, chunk[0].start))
            row.lines = list(chunk)
            row.cells = {key: [(ln.start, ln.end)] for key, ln in zip(cols, chunk, strict=True)}
            table.rows.append(row)
            table.lines.extend(chunk)
            k += n
        if len(table.rows) < 2:
            return None
        last = table.lines[-1]
        after = j
        while after < len(self.lay.lines) and self.lay.lines[after].start <= last.start:
            after += 1
        return table, after

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
        cols = column_keys(names, rx)
        headings = dict(zip(cols, names, strict=True))
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


def _of_kind(key: str, text: str, rx: LayoutRules) -> bool:
    """Whether one line can be the cell of a column of this kind."""
    if key == "deadline":
        return rx.deadline_cell.match(text) is not None
    if key in ("lead_units", "units", "cooperating"):
        return _unit_like(text)
    if key in ("task", "content", "subtask", "category"):
        return len(text) > 3 and not _unit_like(text) and rx.deadline_cell.match(text) is None
    return True


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
