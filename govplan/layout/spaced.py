"""Tables with single spaces between cells while the cells hold spaces too."""

from __future__ import annotations

import re

from .model import _UNIT_TAIL_RX, _WORD_ROW_RX, Context, Row, Span, Table, column_key, finish, table_header


class Spaced(Context):
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

