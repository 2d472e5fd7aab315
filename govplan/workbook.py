"""The Excel 任务分工表: one row per task, for the analyst's 台账, and a sheet of units.

Written with xlsxwriter in its streaming mode (``constant_memory``: each row goes to disk as it is
written), so a batch of thousands of plans keeps flat memory; only the units sheet, one row per
canonical unit, is held until the end.

* Sheet ``任务分工表`` (``TASK_COLUMNS``): every item with ``task`` true, in document order —
  framing sections (指导思想, 保障措施 …), headings and 附件 headings are not tasks and are left out;
  the rows of a 附件 task table are included. A row that restates a body item (``same_as``) stays,
  because it often carries what the body does not (the 完成时限 column of the table), with the body
  item's path in ``同正文`` so the analyst can filter it out; the units sheet counts its task once,
  as its body item, as the unit registry does.
* Sheet ``单位`` (``UNIT_COLUMNS``): each canonical unit (``registry.key_of``: 市发改局 and
  市发展和改革局 of one city are one) with the plans it appears in and the tasks it leads, is
  responsible for and cooperates on.

Cells hold values, never formulas (text starting with ``=`` stays text); 完成时限 is a real date cell
where the deadline has a date and the text as written otherwise; the header is frozen, has filters,
and 进展情况 offers a drop-down for the analyst to fill in.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import sys
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from .errors import OutputError
from .export import STDOUT, resolve_output, walk_items
from .records import Document, Item

TASK_SHEET = "任务分工表"
UNIT_SHEET = "单位"
PROGRESS = ["未启动", "推进中", "已完成", "滞后"]
UNIT_SEPARATOR = "、"
TARGET_SEPARATOR = "；"

# (header, meaning, narrowest width, widest width, wrapped) — widths in Excel's character units,
# where a Chinese character takes two.
TASK_COLUMNS: list[tuple[str, str, int, int, bool]] = [
    ("计划", "Title of the plan (the file name where the plan has none).", 16, 30, True),
    ("发文机关", "发文机关 of the plan.", 10, 20, True),
    ("序号", "The item's path: its labels from the plan root, joined with ' > ' (附件 > 12 for a task-table row).",
     8, 18, False),
    ("任务", "The task as written: the item's text (a table row's content, after its title where the text does "
           "not start with it).", 40, 60, True),
    ("牵头单位", "Lead units (牵头), joined with '、'.", 10, 24, True),
    ("责任单位", "Responsible units (负责, 责任单位), joined with '、'.", 10, 24, True),
    ("配合单位", "Cooperating units (配合/协助/参与), joined with '、'.", 10, 28, True),
    ("完成时限", "The deadline's date (a date cell, the last day of the stated period); the text as written when it "
             "has no date (长期坚持, 按省部署).", 11, 14, False),
    ("时限原文", "The deadline as written.", 10, 18, True),
    ("目标", "Quantitative targets as written, joined with '；'.", 10, 30, True),
    ("进展情况", "Empty, for the analyst: a drop-down of 未启动 / 推进中 / 已完成 / 滞后.", 9, 9, False),
    ("同正文", "For a 附件 row that restates a body item: that item's 序号 (its task is counted once, there).",
     8, 16, False),
    ("来源文件", "The input file ('-' for standard input).", 12, 30, True),
    ("行号", "The source line the item starts on (a number).", 5, 7, False),
]
UNIT_COLUMNS: list[tuple[str, str, int, int, bool]] = [
    ("单位", "The unit's canonical name: qualified by its place where known (梅州市发展和改革局), spelling folded.",
     16, 36, True),
    ("写法", "Every spelling seen, most frequent first, joined with '；'.", 16, 40, True),
    ("计划数", "How many plans name it.", 6, 8, False),
    ("计划", "The plans that name it, joined with '；'.", 20, 50, True),
    ("牵头任务", "Tasks it leads (each task once; a 附件 row restating a body item counts as that item).",
     8, 10, False),
    ("责任任务", "Tasks it is responsible for.", 8, 10, False),
    ("配合任务", "Tasks it cooperates on.", 8, 10, False),
]
MAX_ROWS = 1_048_575  # an xlsx sheet's rows, less the header
MAX_CELL = 32_767  # characters in one cell


def display_width(text: str) -> int:
    """Columns ``text`` takes in a spreadsheet: two for wide (CJK) characters, one for the rest;
    the widest line where it has several."""
    return max((sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
                for line in text.split("\n")), default=0)


@dataclass
class UnitRef:
    """One unit named on one task, with what the units sheet needs to count it."""

    canonical: str
    scope: str
    spelling: str
    role: str
    task: str  # the task's key within the batch (source, plan, path, its position)
    counted: bool  # False for a 附件 row restating a body item: its task is counted there
    plan: str


@dataclass
class Part:
    """What one document adds to the workbook: its task rows and the units they name."""

    rows: list[list[Any]] = field(default_factory=list)
    units: list[UnitRef] = field(default_factory=list)


def _task_text(it: Item) -> str:
    if it.kind == "row" and it.title and not it.text.startswith(it.title):
        return f"{it.title}\n{it.text}" if it.text else it.title
    return it.text or it.title


def part_of(doc: Document, reg: Any = None) -> Part:
    """The rows and unit references of one document (``reg``: the registry pack that folds names;
    the bundled one by default)."""
    from .registry import key_of

    if reg is None:
        from .rules import bundled_rules

        reg = bundled_rules().registry
    src = doc.source.path or "-"
    part = Part()
    for k, plan in enumerate(doc.plans):
        plan_label = plan.title or (f"{src} #{k + 1}" if len(doc.plans) > 1 else src)
        scope = f"{src}#{k}"
        for n, it in enumerate(walk_items(plan.items)):
            if not it.task:
                continue
            by_role = {r: UNIT_SEPARATOR.join(dict.fromkeys(u.name for u in it.units if u.role == r))
                       for r in ("lead", "responsible", "cooperating")}
            d = it.deadline
            due: date | str | None = None
            if d is not None:
                due = d.due if d.due is not None and d.due.year >= 1900 else d.raw
            path = " > ".join(it.path)
            part.rows.append([
                plan_label, plan.issuer, path, _task_text(it), by_role["lead"], by_role["responsible"],
                by_role["cooperating"], due, d.raw if d else None,
                TARGET_SEPARATOR.join(t.raw for t in it.targets), None,
                " > ".join(it.same_as) if it.same_as else None, src, it.span.start_line,
            ])
            task_key = f"{scope}:{n}"
            for u in it.units:
                canonical, unit_scope = key_of(reg, u.name, u.qualified, scope)
                part.units.append(UnitRef(canonical, unit_scope, u.name, u.role, task_key, it.same_as is None,
                                          plan_label))
    return part


@dataclass
class _UnitTally:
    spellings: dict[str, int] = field(default_factory=dict)
    plans: dict[str, None] = field(default_factory=dict)
    tasks: dict[str, int] = field(default_factory=lambda: {"lead": 0, "responsible": 0, "cooperating": 0})


class UnitTally:
    """The units sheet, counted as parts come: its memory grows with the units, not the mentions."""

    def __init__(self) -> None:
        self.units: dict[tuple[str, str], _UnitTally] = {}

    def add(self, refs: Iterable[UnitRef]) -> None:
        """Count one document's references (a task's keys never span documents)."""
        seen: set[tuple[str, str, str, str]] = set()
        for ref in refs:
            t = self.units.setdefault((ref.canonical, ref.scope), _UnitTally())
            t.spellings[ref.spelling] = t.spellings.get(ref.spelling, 0) + 1
            t.plans[ref.plan] = None
            key = (ref.canonical, ref.scope, ref.role, ref.task)
            if ref.counted and key not in seen:  # a unit named twice in one role counts the task once
                seen.add(key)
                t.tasks[ref.role] += 1

    def rows(self) -> list[list[Any]]:
        """The units sheet's rows: most tasks led or responsible for first."""
        order = sorted(self.units.items(), key=lambda kv: (-kv[1].tasks["lead"] - kv[1].tasks["responsible"],
                                                           -kv[1].tasks["cooperating"], kv[0]))
        out: list[list[Any]] = []
        for (canonical, _scope), t in order:
            spellings = sorted(t.spellings, key=lambda s: (-t.spellings[s], s))
            out.append([canonical, "；".join(spellings), len(t.plans), "；".join(t.plans),
                        t.tasks["lead"], t.tasks["responsible"], t.tasks["cooperating"]])
        return out


class TaskWorkbook:
    """An .xlsx being written: ``add`` each document's part as it comes, then ``close``.

    A file is written to a temporary file beside it and renamed into place when complete (never a
    half-written workbook; a symlink keeps pointing at it); ``-``, a device or a FIFO gets the
    finished bytes."""

    def __init__(self, path: Path | str) -> None:
        import xlsxwriter

        self.given = str(path)
        self.target: tuple[Path, str] | None = None if self.given == STDOUT else resolve_output(path)
        if self.target is not None and self.target[1] == "file":
            directory = self.target[0].parent
            if not directory.is_dir():
                raise OutputError(f"{path}: the folder {directory} does not exist")
        else:
            directory = Path(tempfile.gettempdir())
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{Path(self.given).name}.", suffix=".tmp", dir=directory)
        except OSError as exc:
            raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from exc
        os.close(fd)
        self.tmp = Path(tmp)
        self.wb = xlsxwriter.Workbook(str(self.tmp), {
            "constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
            "strings_to_urls": False, "default_date_format": "yyyy-mm-dd"})
        self.header = self.wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "valign": "vcenter",
                                          "text_wrap": True})
        self.wrap = self.wb.add_format({"text_wrap": True, "valign": "top"})
        self.top = self.wb.add_format({"valign": "top"})
        self.day = self.wb.add_format({"num_format": "yyyy-mm-dd", "valign": "top"})
        self.tasks = self.wb.add_worksheet(TASK_SHEET)
        self.row = 0
        self.widths = [display_width(h) for h, *_ in TASK_COLUMNS]
        self.units = UnitTally()
        self._header(self.tasks, TASK_COLUMNS)

    def _header(self, ws: Any, columns: list[tuple[str, str, int, int, bool]]) -> None:
        for c, (head, *_rest) in enumerate(columns):
            ws.write_string(0, c, head, self.header)
        ws.freeze_panes(1, 0)

    def add(self, part: Part) -> None:
        for values in part.rows:
            if self.row >= MAX_ROWS:
                raise OutputError(f"{self.given}: more than {MAX_ROWS} tasks, more rows than an Excel sheet holds; "
                                  "split the batch")
            self.row += 1
            self._write_row(self.tasks, self.row, values, TASK_COLUMNS, self.widths)
        self.units.add(part.units)

    def _write_row(self, ws: Any, r: int, values: list[Any], columns: list[tuple[str, str, int, int, bool]],
                   widths: list[int]) -> None:
        for c, v in enumerate(values):
            wrapped = columns[c][4]
            if v is None or v == "":
                continue
            if isinstance(v, date):
                ws.write_datetime(r, c, v, self.day)
                widths[c] = max(widths[c], 10)
            elif isinstance(v, bool) or not isinstance(v, (int, float)):
                text = str(v)[:MAX_CELL]
                ws.write_string(r, c, text, self.wrap if wrapped else self.top)
                widths[c] = max(widths[c], display_width(text))
            else:
                ws.write_number(r, c, v, self.top)
                widths[c] = max(widths[c], len(str(v)))

    def _finish_sheet(self, ws: Any, rows: int, columns: list[tuple[str, str, int, int, bool]],
                      widths: list[int]) -> None:
        for c, (_head, _meaning, lo, hi, _wrap) in enumerate(columns):
            ws.set_column(c, c, min(max(widths[c] + 1, lo), hi))
        ws.autofilter(0, 0, max(rows, 1), len(columns) - 1)

    def close(self, complete: bool = True) -> None:
        """Finish the workbook and put it in place; ``complete=False`` (a failed run) leaves nothing."""
        if not complete:
            with contextlib.suppress(Exception):
                self.wb.close()
            self.tmp.unlink(missing_ok=True)
            return
        try:
            self._finish_sheet(self.tasks, self.row, TASK_COLUMNS, self.widths)
            progress = [h for h, *_ in TASK_COLUMNS].index("进展情况")
            self.tasks.data_validation(1, progress, MAX_ROWS, progress, {
                "validate": "list", "source": PROGRESS, "error_type": "warning",
                "input_title": "进展情况", "input_message": "/".join(PROGRESS)})
            ws = self.wb.add_worksheet(UNIT_SHEET)
            self._header(ws, UNIT_COLUMNS)
            widths = [display_width(h) for h, *_ in UNIT_COLUMNS]
            rows = self.units.rows()
            for r, values in enumerate(rows, start=1):
                self._write_row(ws, r, values, UNIT_COLUMNS, widths)
            self._finish_sheet(ws, len(rows), UNIT_COLUMNS, widths)
            self.wb.close()
            self._place()
        except OSError as exc:
            self.tmp.unlink(missing_ok=True)
            raise OutputError(f"{self.given}: cannot write: {exc.strerror or exc}") from exc
        except BaseException:
            self.tmp.unlink(missing_ok=True)
            raise

    def _place(self) -> None:
        if self.target is not None and self.target[1] == "file":
            real = self.target[0]
            try:
                mode = stat.S_IMODE(os.stat(real).st_mode)  # a replaced file keeps its permissions
            except OSError:
                mask = os.umask(0)
                os.umask(mask)
                mode = 0o666 & ~mask
            os.chmod(self.tmp, mode)
            os.replace(self.tmp, real)
            return
        try:
            with self.tmp.open("rb") as src:
                if self.target is None:
                    sys.stdout.flush()
                    shutil.copyfileobj(src, sys.stdout.buffer)
                    sys.stdout.buffer.flush()
                else:
                    with open(self.target[0], "wb") as out:
                        shutil.copyfileobj(src, out)
        finally:
            self.tmp.unlink(missing_ok=True)


def write_workbook(path: Path | str, docs: Iterable[Document], reg: Any = None) -> int:
    """Write the 任务分工表 of ``docs`` to ``path`` (``-``: standard output); the number of task rows."""
    book = TaskWorkbook(path)
    try:
        for doc in docs:
            book.add(part_of(doc, reg))
    except BaseException:
        book.close(complete=False)
        raise
    book.close()
    return book.row


def columns_table() -> Iterator[str]:
    """The README's tables of the workbook's columns."""
    for name, columns in ((TASK_SHEET, TASK_COLUMNS), (UNIT_SHEET, UNIT_COLUMNS)):
        yield f"Sheet `{name}`:\n\n| column | meaning |\n| ------ | ------- |"
        for head, meaning, *_ in columns:
            yield f"| {head} | {meaning} |"
        yield ""
