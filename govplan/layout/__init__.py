"""Stage 4, layout: content lines to blocks — lines of running text and task tables.

A table is a header (column keys from the rule pack's ``table_columns``) and rows of cells, each
cell a list of normalised spans. Every serialisation a plan arrives in becomes the same rows:

* ``tabbed``: one row per line, cells between tabs or ``|`` (also columns aligned with spaces,
  which ``segment`` turned into tabs);
* ``cell_lines``: one cell per line, as web-page-to-text converters flatten HTML tables (a
  header cell may be broken over lines, the header repeated after a page break, a row number alone
  on its line);
* ``glued``: a Word table's text with no separators at all (``…市国有公司2促进就业…``);
* ``spaced_words``: single spaces between cells while the cells hold spaces too.

One module a rule (``tabbed``, ``cell_lines``, ``glued``, ``spaced``); ``model`` holds the table
model and the column vocabulary. A new layout is one more entry in ``RULES``.

The rules are tried in order at each line; the first that recognises a table there wins, and a
line no rule takes stays a line. ``structure`` builds the item tree from these blocks and never
parses cells itself.
"""

from __future__ import annotations

from collections.abc import Callable

from ..rules import RuleSet, TimedPattern
from ..segment import Line
from .cell_lines import _CellLines
from .glued import _Glued
from .model import GROUP_ROW_RX, Block, LayoutRules, Row, Table, column_key, compiled, finish, table_header
from .spaced import Spaced
from .tabbed import Tabbed

__all__ = ["GROUP_ROW_RX", "RULES", "Block", "LayoutRules", "Row", "Table", "column_key", "compiled", "finish",
           "layout", "table_header"]


class _Layout(Tabbed, Spaced):
    """The rules' shared state; the one-cell-per-line reader keeps its sorted numbers between lines."""

    def __init__(self, lines: list[Line], rx: LayoutRules, clean: str, numbers: list[Line], stems: list[str]) -> None:
        super().__init__(lines, rx, clean, numbers, stems)
        self._cell_lines: _CellLines | None = None

    def cell_lines(self, i: int) -> tuple[Table, int] | None:
        if self._cell_lines is None:
            self._cell_lines = _CellLines(self, self.numbers)
        return self._cell_lines.read(i)

    def glued(self, i: int) -> tuple[Table, int] | None:
        return _Glued(self).read(i)


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
    state = _Layout(lines, compiled(rules, deadline_cell), clean, numbers or [], rules.document.department_stems)
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
    state._cell_lines = None  # it points back at state: a cycle that would keep every line until collected
    return blocks
