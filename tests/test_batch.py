"""govplan batch: outputs, error isolation, resume, deterministic order, rows and SQLite."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from govplan.batch import BatchRequest, run_batch
from govplan.cli import app
from govplan.export import ROW_COLUMNS

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))
runner = CliRunner()


@pytest.fixture()
def plans(tmp_path: Path) -> Path:
    root = tmp_path / "plans"
    (root / "city" / "2022").mkdir(parents=True)
    for k, sample in enumerate(SAMPLES):
        target = root / ("city/2022" if k % 2 else "") / sample.name
        shutil.copy(sample, target)
    (root / "city" / "broken.txt").write_bytes(b"%PDF-1.7 not text")
    (root / "notes.md").write_text("not matched by the glob", encoding="utf-8")
    return root


def _batch(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["batch", *args, "-q"])
    return result.exit_code, result.stderr


def test_per_file_outputs_mirror_the_tree(plans: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, err = _batch(str(plans), "-o", str(out))
    assert code == 7, err  # one input is a PDF
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.json"))
    assert written == sorted(
        (("city/2022/" if k % 2 else "") + s.stem + ".json") for k, s in enumerate(SAMPLES))
    doc = json.loads((out / (SAMPLES[0].stem + ".json")).read_text(encoding="utf-8"))
    assert doc["plans"] and doc["source"]["path"].endswith(SAMPLES[0].name)
    errors = [json.loads(line) for line in (out / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(errors) == 1 and errors[0]["path"].endswith("broken.txt") and errors[0]["exit_code"] == 3  # a damaged PDF
    assert "1 of 6 input(s) failed" in err


def test_yaml_per_file_outputs(plans: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _batch(str(plans), "-o", str(out), "--format", "yaml")
    assert len(list(out.rglob("*.yaml"))) == len(SAMPLES)


def test_rows_jsonl_and_csv(plans: Path, tmp_path: Path) -> None:
    jl, cs = tmp_path / "items.jsonl", tmp_path / "items.csv"
    code, _ = _batch(str(plans), "--jsonl", str(jl), "--csv", str(cs))
    assert code == 7
    rows = [json.loads(line) for line in jl.read_text(encoding="utf-8").splitlines()]
    assert list(rows[0]) == [c for c, _ in ROW_COLUMNS]
    raw = cs.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert list(table[0]) == [c for c, _ in ROW_COLUMNS]
    assert len(table) == len(rows) == 698  # every item of the five samples (tests/golden)
    lead = next(r for r in rows if r["path"] == "一、 > (一)" and "meizhou" in r["source"])
    assert lead["lead_units"] == "各县(市、区)人民政府；市直有关部门" and lead["deadline_due"] == "2022-06-30"
    assert (tmp_path / "errors.jsonl").exists()
    assert not list(tmp_path.glob("*.partial"))


def test_deterministic_order_whatever_the_workers(plans: Path, tmp_path: Path) -> None:
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    _batch(str(plans), "--jsonl", str(one), "--workers", "1")
    _batch(str(plans), "--jsonl", str(two), "--workers", "2")
    assert one.read_bytes() == two.read_bytes()


def test_sqlite_schema_and_queries(plans: Path, tmp_path: Path) -> None:
    db = tmp_path / "plans.db"
    _batch(str(plans), "--sqlite", str(db))
    con = sqlite3.connect(db)
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"sources", "plans", "items", "units", "deadlines", "targets"} <= tables
    indexes = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"units_name", "deadlines_due"} <= indexes
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    per_lead = dict(con.execute(
        "SELECT u.name, COUNT(*) FROM units u WHERE u.role = 'lead' GROUP BY u.name ORDER BY 2 DESC LIMIT 3"))
    assert per_lead["市政务服务数据管理局"] > 10
    by_month = con.execute(
        "SELECT substr(due, 1, 7) AS month, COUNT(*) FROM deadlines WHERE due IS NOT NULL GROUP BY month").fetchall()
    assert ("2022-12", 52) in by_month or any(m == "2022-12" for m, _ in by_month)
    n_items = con.execute("SELECT COUNT(*) FROM items").fetchone()[0]
    # re-running replaces a file's rows instead of duplicating them
    _batch(str(plans), "--sqlite", str(db), "--force")
    assert con.execute("SELECT COUNT(*) FROM items").fetchone()[0] == n_items
    assert con.execute("SELECT COUNT(*) FROM sources").fetchone()[0] == len(SAMPLES)


def test_resume_skips_current_inputs_and_redoes_changed_ones(plans: Path, tmp_path: Path) -> None:
    out, jl, db = tmp_path / "out", tmp_path / "items.jsonl", tmp_path / "plans.db"
    first = run_batch(BatchRequest(inputs=[str(plans)], out_dir=out, jsonl=jl, sqlite=db))
    assert (first.ok, first.skipped, first.failed) == (len(SAMPLES), 0, 1)
    rows_before = jl.read_bytes()
    again = run_batch(BatchRequest(inputs=[str(plans)], out_dir=out, jsonl=jl, sqlite=db))
    assert (again.ok, again.skipped) == (len(SAMPLES), len(SAMPLES))
    assert jl.read_bytes() == rows_before
    changed = next(plans.rglob(SAMPLES[1].name))
    changed.write_text(changed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    third = run_batch(BatchRequest(inputs=[str(plans)], out_dir=out, jsonl=jl, sqlite=db))
    assert third.skipped == len(SAMPLES) - 1
    forced = run_batch(BatchRequest(inputs=[str(plans)], out_dir=out, jsonl=jl, sqlite=db, force=True))
    assert forced.skipped == 0


def test_resume_after_an_interruption(plans: Path, tmp_path: Path) -> None:
    jl = tmp_path / "items.jsonl"
    calls = {"n": 0}

    def stop_after_two(result: object) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_batch(BatchRequest(inputs=[str(plans)], jsonl=jl), progress=stop_after_two)
    assert not jl.exists() and jl.with_name("items.jsonl.partial").exists()
    resumed = run_batch(BatchRequest(inputs=[str(plans)], jsonl=jl))
    assert resumed.skipped == 1  # the first file was complete; the second may have been cut short
    fresh = tmp_path / "fresh.jsonl"
    run_batch(BatchRequest(inputs=[str(plans)], jsonl=fresh))
    assert jl.read_bytes() == fresh.read_bytes()


def test_nothing_to_write_and_no_inputs(plans: Path, tmp_path: Path) -> None:
    code, err = _batch(str(plans))
    assert code == 2 and "nothing to write" in err
    empty = tmp_path / "empty"
    empty.mkdir()
    code, err = _batch(str(empty), "-o", str(tmp_path / "o"))
    assert code == 3 and "no input files matched" in err


def test_output_over_an_input_is_refused(plans: Path) -> None:
    target = next(plans.rglob("*.txt"))
    code, err = _batch(str(plans), "--jsonl", str(target))
    assert code == 5 and "overwrite an input" in err


def test_sqlite_keeps_every_warning(plans: Path, tmp_path: Path) -> None:
    import govplan

    damaged = plans / "damaged.txt"
    damaged.write_bytes("一、总体要求\n（一）推进建设，完成时间：20xx年。\n".encode() + b"\xff\xfebad\n")
    db = tmp_path / "plans.db"
    _batch(str(plans), "--sqlite", str(db))
    con = sqlite3.connect(db)
    for path in [damaged, *plans.rglob("meizhou*.txt")]:
        doc = govplan.parse_file(path)
        expected = sorted([(-1, w.code) for w in doc.warnings]
                          + [(k, w.code) for k, p in enumerate(doc.plans) for w in p.warnings])
        got = sorted(con.execute(
            "SELECT COALESCE(p.plan_index, -1), w.code FROM warnings w JOIN sources s ON s.id = w.source_id "
            "LEFT JOIN plans p ON p.id = w.plan_id WHERE s.path = ?", (str(path),)).fetchall())
        assert got == expected
        assert expected or path != damaged
    assert any(code == "decode_error" for (code,) in con.execute("SELECT code FROM warnings WHERE plan_id IS NULL"))
    # replacing a file's rows drops its old warnings too
    n = con.execute("SELECT COUNT(*) FROM warnings").fetchone()[0]
    _batch(str(plans), "--sqlite", str(db), "--force")
    assert con.execute("SELECT COUNT(*) FROM warnings").fetchone()[0] == n
