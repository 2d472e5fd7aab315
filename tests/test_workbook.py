"""The Excel 任务分工表 (govplan extract --format xlsx, govplan batch --xlsx), read back with openpyxl
cell by cell, and with LibreOffice where it is installed."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from govplan.cli import app
from govplan.export import walk_items
from govplan.pipeline import parse_file
from govplan.records import Document, Item
from govplan.workbook import PROGRESS, TASK_COLUMNS, UNIT_COLUMNS, columns_table, display_width

openpyxl = pytest.importorskip("openpyxl", reason="openpyxl reads the workbooks back: pip install -e '.[test]'")

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()
HEADERS = [h for h, *_ in TASK_COLUMNS]
COL = {h: k for k, h in enumerate(HEADERS)}


def _extract(src: Path, out: Path) -> Any:
    result = runner.invoke(app, ["extract", str(src), "--format", "xlsx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    return openpyxl.load_workbook(out)


def _tasks(doc: Document) -> list[tuple[Any, Item]]:
    return [(plan, it) for plan in doc.plans for it in walk_items(plan.items) if it.task]


def _expected(plan: Any, it: Item, src: str) -> list[Any]:
    """A task's row, from its record."""
    def joined(role: str) -> str | None:
        return "、".join(dict.fromkeys(u.name for u in it.units if u.role == role)) or None

    d = it.deadline
    due: Any = None
    if d is not None:
        due = dt.datetime.combine(d.due, dt.time()) if d.due else d.raw
    text = it.text if it.kind != "row" or it.text.startswith(it.title) else f"{it.title}\n{it.text}"
    return [plan.title or src, plan.issuer, " > ".join(it.path), text, joined("lead"), joined("responsible"),
            joined("cooperating"), due, d.raw if d else None, "；".join(t.raw for t in it.targets) or None, None,
            " > ".join(it.same_as) if it.same_as else None, src, it.span.start_line]


@pytest.mark.parametrize("name", ["samples/shanwei-2019-2021.txt", "samples/meizhou-2022.txt",
                                  "tests/fixtures/c-task-table.txt", "tests/fixtures/formats/task-plan.docx"])
def test_one_row_per_task_cell_by_cell(tmp_path: Path, name: str) -> None:
    src = ROOT / name
    wb = _extract(src, tmp_path / "分工表.xlsx")
    assert wb.sheetnames == ["任务分工表", "单位"]
    ws = wb["任务分工表"]
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    doc = parse_file(src)
    tasks = _tasks(doc)
    assert len(rows) - 1 == len(tasks) > 0
    for got, (plan, it) in zip(rows[1:], tasks, strict=True):
        assert list(got) == _expected(plan, it, str(src)), it.path
    # a real date cell where the deadline has a date, shown as a date
    dated = [k for k, (_, it) in enumerate(tasks, start=2) if it.deadline and it.deadline.due]
    if dated:
        cell = ws.cell(dated[0], COL["完成时限"] + 1)
        assert cell.is_date and cell.number_format == "yyyy-mm-dd"
    # the sheet is ready to work in: frozen header, filters, a drop-down, wrapped task text, widths
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(HEADERS))}{len(rows)}"
    (dv,) = ws.data_validations.dataValidation
    progress = openpyxl.utils.get_column_letter(COL["进展情况"] + 1)
    assert str(dv.sqref) == f"{progress}2:{progress}1048576" and dv.type == "list"
    assert dv.formula1 == '"' + ",".join(PROGRESS) + '"'
    assert ws.cell(2, COL["任务"] + 1).alignment.wrap_text
    width = {k: ws.column_dimensions[openpyxl.utils.get_column_letter(k + 1)].width for k in range(len(HEADERS))}
    assert width[COL["任务"]] >= 40
    assert width[COL["完成时限"]] >= 11  # yyyy-mm-dd fits


def test_framing_left_out_attachment_rows_in(tmp_path: Path) -> None:
    src = ROOT / "samples/shanwei-2019-2021.txt"
    ws = _extract(src, tmp_path / "t.xlsx")["任务分工表"]
    paths = [r[COL["序号"]] for r in ws.iter_rows(min_row=2, values_only=True)]
    doc = parse_file(src)
    items = [it for p in doc.plans for it in walk_items(p.items)]
    framing = [it for it in items if not it.task]
    assert framing and not {" > ".join(it.path) for it in framing} & set(paths)
    rows = [r for r in ws.iter_rows(min_row=2, values_only=True) if r[COL["序号"]].startswith("附件")]
    assert len(rows) == sum(1 for it in items if it.kind == "row")  # every task-table row
    restated = [r for r in rows if r[COL["同正文"]]]
    body = {" > ".join(it.path) for it in items if it.kind == "item"}
    assert restated and {r[COL["同正文"]] for r in restated} <= body
    first = next(r for r in rows if r[COL["序号"]] == "附件 > 3")
    assert first[COL["完成时限"]] == dt.datetime(2020, 6, 30) and first[COL["时限原文"]] == "2020年6月"


def test_values_are_never_formulas(tmp_path: Path) -> None:
    plan = tmp_path / "plan.txt"
    plan.write_text("一、重点任务\n（一）=HYPERLINK(\"http://x\",\"点击\") 推进平台建设。（牵头单位：市数据局；完成时限：长期坚持）\n"
                    "（二）@SUM(1) 开展培训。（责任单位：市人社局；完成时限：2024年6月底前）\n", encoding="utf-8")
    ws = _extract(plan, tmp_path / "t.xlsx")["任务分工表"]
    cells = [ws.cell(r, COL["任务"] + 1) for r in (2, 3)]
    assert [c.data_type for c in cells] == ["s", "s"]
    assert cells[0].value.startswith("=HYPERLINK(")
    assert ws.cell(2, COL["完成时限"] + 1).value == "长期坚持"  # no date: the text as written


def test_the_format_follows_the_extension(tmp_path: Path) -> None:
    out = tmp_path / "分工表.xlsx"
    result = runner.invoke(app, ["extract", str(ROOT / "samples/jieyang-2022.txt"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(out).sheetnames == ["任务分工表", "单位"]


def test_extract_xlsx_to_redirected_stdout(tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    with out.open("wb") as fh:
        proc = subprocess.run([sys.executable, "-m", "govplan", "extract", str(ROOT / "samples/jieyang-2022.txt"),
                               "--format", "xlsx"], stdout=fh, stderr=subprocess.PIPE, timeout=120,
                              env={**os.environ, "NO_COLOR": "1"})
    assert proc.returncode == 0, proc.stderr
    wb = openpyxl.load_workbook(out)
    assert wb["任务分工表"].max_row > 10


def test_batch_xlsx_across_plans_with_a_units_sheet(tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    plans.mkdir()
    for name in ("samples/meizhou-2022.txt", "samples/jieyang-2022.txt", "samples/shanwei-2019-2021.txt",
                 "samples/digital-government-7-plans.txt", "tests/fixtures/formats/task-plan.docx"):
        shutil.copy(ROOT / name, plans)
    book, units = tmp_path / "全部任务.xlsx", tmp_path / "units.csv"
    result = runner.invoke(app, ["batch", str(plans), "--xlsx", str(book), "--units", str(units), "-q",
                                 "--workers", "2"])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(book)
    rows = list(wb["任务分工表"].iter_rows(min_row=2, values_only=True))
    docs = [parse_file(p) for p in sorted(plans.iterdir())]
    expected = [_expected(plan, it, str(plans / Path(d.source.path or "").name)) for d in docs
                for plan, it in _tasks(d)]
    assert [list(r) for r in rows] == expected
    # every plan with its own title: the seven of digital-government-7-plans.txt among them
    assert {r[COL["计划"]] for r in rows} == {p.title for d in docs for p in d.plans if any(it.task for it in
                                                                                        walk_items(p.items))}
    assert len({r[COL["计划"]] for r in rows}) >= 8
    # the units sheet agrees with the unit registry (govplan batch --units)
    sheet = list(wb["单位"].iter_rows(values_only=True))
    assert list(sheet[0]) == [h for h, *_ in UNIT_COLUMNS]
    registry = list(csv.DictReader(io.StringIO(units.read_text(encoding="utf-8-sig"))))
    got = sorted((r[0], r[4], r[5], r[6]) for r in sheet[1:])
    want = sorted((r["canonical"], int(r["lead_tasks"]), int(r["responsible_tasks"]), int(r["cooperating_tasks"]))
                  for r in registry)
    assert got == want
    top = sheet[1]
    assert top[2] == len(top[3].split("；")) >= 1  # 计划数 counts the plans listed


def test_batch_xlsx_errors(tmp_path: Path) -> None:
    src = ROOT / "samples/jieyang-2022.txt"
    result = runner.invoke(app, ["batch", str(src), "--xlsx", "-", "-q"])
    assert result.exit_code == 2 and result.stderr.startswith("Error: --xlsx -")
    result = runner.invoke(app, ["batch", str(src), "--xlsx", str(tmp_path / "no" / "t.xlsx"), "-q"])
    assert result.exit_code == 5 and "does not exist" in result.stderr
    copy = tmp_path / "plan.txt"
    shutil.copy(src, copy)
    result = runner.invoke(app, ["batch", str(copy), "--xlsx", str(copy), "-q"])
    assert result.exit_code == 5 and "overwrite an input" in result.stderr
    assert copy.read_bytes() == src.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.txt"]  # no temporary file left behind


def test_failed_inputs_do_not_stop_the_workbook(tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    plans.mkdir()
    shutil.copy(ROOT / "samples/jieyang-2022.txt", plans)
    (plans / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    book = tmp_path / "t.xlsx"
    result = runner.invoke(app, ["batch", str(plans), "--xlsx", str(book), "-q"])
    assert result.exit_code == 7
    assert (tmp_path / "errors.jsonl").exists()
    rows = list(openpyxl.load_workbook(book)["任务分工表"].iter_rows(min_row=2, values_only=True))
    assert rows and {r[COL["来源文件"]] for r in rows} == {str(plans / "jieyang-2022.txt")}


def test_display_width_counts_chinese_twice() -> None:
    assert display_width("牵头单位") == 8
    assert display_width("2023年6月") == 9
    assert display_width("ab\n中文字") == 6


def test_readme_shows_the_workbook_columns() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for line in columns_table():
        assert line in readme


def _calc() -> bool:
    soffice = shutil.which("soffice")
    return soffice is not None and (Path(os.path.realpath(soffice)).parent / "libsclo.so").exists()


@pytest.mark.skipif(not _calc(), reason="LibreOffice Calc is not installed (apt-get install libreoffice-calc-nogui; "
                                        ".ci/run does under CI=true)")
def test_libreoffice_opens_the_workbook(tmp_path: Path) -> None:
    book = tmp_path / "分工表.xlsx"
    _extract(ROOT / "samples/shanwei-2019-2021.txt", book)
    profile = (tmp_path / "lo-profile").as_uri()
    proc = subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to",
                           "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(tmp_path / "csv"), str(book)],
                          capture_output=True, text=True, timeout=180)
    out = tmp_path / "csv" / "分工表.csv"
    assert proc.returncode == 0 and out.exists(), proc.stderr
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    doc = parse_file(ROOT / "samples/shanwei-2019-2021.txt")
    tasks = _tasks(doc)
    assert rows[0] == HEADERS
    assert len(rows) - 1 == len(tasks)
    for row, (_plan, it) in zip(rows[1:], tasks, strict=True):
        assert row[COL["序号"]] == " > ".join(it.path)
        due = it.deadline.due if it.deadline else None
        assert row[COL["完成时限"]] == (due.isoformat() if due else (it.deadline.raw if it.deadline else ""))
        assert row[COL["行号"]] == str(it.span.start_line)
