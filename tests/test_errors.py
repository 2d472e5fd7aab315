"""Clear errors, never a traceback (issue 9): each case is one line on stderr and a documented exit
code, or for the library no exception at all.

Read-only and full file systems are mounted here, in a temporary folder, where the system allows it.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

import govplan
from govplan.cli import app

from .cli_helpers import invoke, one_error_line, runner

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "meizhou-2022.txt"
BIG = ROOT / "samples" / "digital-government-7-plans.txt"




# --- outputs that cannot be written: one line, exit 5 ----------------------------------------------

def _unmount(folder: Path) -> None:
    if subprocess.run(["umount", str(folder)], capture_output=True).returncode != 0:
        subprocess.run(["umount", "-l", str(folder)], check=False)  # something still holds it open
        raise AssertionError(f"a file on {folder} was left open")


@pytest.fixture
def readonly(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A folder nothing can be written to: read-only by its mode, or (as root, whom modes do not
    stop) a read-only file system mounted here."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k,ro", "tmpfs", str(folder)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a read-only file system here")
    try:
        yield folder
    finally:
        _unmount(folder)


@pytest.fixture
def full(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A file system of 32 KiB, mounted here (root only), which a sample's outputs overflow."""
    folder = tmp_path / "full"
    folder.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=32k", "tmpfs", str(folder)],
                                           capture_output=True).returncode != 0:
        pytest.skip("mounting a small file system needs root (the monkeypatched test below covers the rest)")
    try:
        yield folder
    finally:
        _unmount(folder)



@pytest.mark.parametrize("option", ["-o", "--jsonl", "--csv", "--sqlite"])
def test_batch_into_a_read_only_folder(readonly: Path, option: str) -> None:
    target = readonly / ("out" if option == "-o" else "rows")
    result = invoke("batch", str(SAMPLE), option, str(target), "-q")
    assert result.exit_code == 5, result.output
    assert "cannot write" in one_error_line(result.stderr)


def test_schema_and_extract_into_a_read_only_folder(readonly: Path) -> None:
    for args in (["schema", "-o", str(readonly / "s.json")], ["extract", str(SAMPLE), "-o", str(readonly / "x")]):
        result = invoke(*args)
        assert result.exit_code == 5, result.output
        assert "cannot write" in one_error_line(result.stderr)


@pytest.mark.parametrize("option", ["-o", "--jsonl", "--csv", "--sqlite"])
def test_batch_onto_a_full_disk(full: Path, option: str) -> None:
    result = invoke("batch", str(BIG), option, str(full / "out"), "-q")
    assert result.exit_code == 5, result.output
    line = one_error_line(result.stderr)
    assert "No space left" in line or "full" in line


def test_extract_onto_a_full_disk(full: Path) -> None:
    result = invoke("extract", str(BIG), "-o", str(full / "x.json"))
    assert result.exit_code == 5 and "No space left" in one_error_line(result.stderr)


def test_disk_full_while_writing_rows_or_the_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno
    import sqlite3

    from govplan import batch, database

    def no_space(*args: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def db_full(*args: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(batch.RowSink, "write", no_space)
    monkeypatch.setattr(database, "write_document", db_full)
    for option in ("--jsonl", "--sqlite"):
        result = invoke("batch", str(SAMPLE), option, str(tmp_path / f"x{option}"), "-q")
        assert result.exit_code == 5, result.output
        assert "full" in one_error_line(result.stderr) or "No space" in result.stderr


def test_sqlite_onto_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    db = tmp_path / "notes.db"
    db.write_text("my notes\n" * 100, encoding="utf-8")
    result = invoke("batch", str(SAMPLE), "--sqlite", str(db), "-q")
    assert result.exit_code == 5
    assert "not a SQLite database" in one_error_line(result.stderr)
    assert db.read_text(encoding="utf-8") == "my notes\n" * 100


def test_a_locked_database_waits_a_bounded_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    from govplan import database

    db = tmp_path / "plans.db"
    assert invoke("batch", str(SAMPLE), "--sqlite", str(db), "-q").exit_code == 0
    monkeypatch.setattr(database, "LOCK_TIMEOUT", 0.2)
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        result = invoke("batch", str(SAMPLE), "--sqlite", str(db), "-q", "--force")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert result.exit_code == 5
    assert "locked" in one_error_line(result.stderr)


# --- inputs -------------------------------------------------------------------------------------------

def test_aligned_row_with_more_cells_than_its_header() -> None:
    # found by fuzzing (tests/fuzz_cases/crash-83b4ba6735.txt): an IndexError in segment
    text = ("任务分工表\n序号    任务            牵头单位\n"
            "1       推进改革        市发改局        多余一格        再多一格\n"
            "2       加强管理        市财政局\n")
    doc = govplan.parse_text(text)
    assert doc.plans
    result = runner.invoke(app, ["extract", "-"], input=text.encode("utf-8"))
    assert result.exit_code == 0, result.output


def test_parse_text_with_a_lone_surrogate() -> None:
    doc = govplan.parse_text("一、推进\ud800工作\n二、加强管理，市发改局牵头。\n")
    assert [it.number for it in doc.plans[0].items] == ["一、", "二、"]
    assert doc.plans == govplan.parse_text("一、推进\ufffd工作\n二、加强管理，市发改局牵头。\n").plans
    assert any(w.code == "decode_error" and "offset 4" in w.message for w in doc.warnings)
    doc.model_dump_json()  # it can be written out


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_and_an_odd_byte_count(encoding: str) -> None:
    from govplan.read import read_bytes

    data = "一、推进改革工作，市发改局牵头。\n二、加强管理。\n".encode(encoding) + b"\n"
    raw = read_bytes(data)
    assert raw.encoding == encoding and raw.text.startswith("一、推进改革工作")
    assert [code for code, _ in raw.warnings] == ["decode_error"]


def test_a_file_name_that_is_not_utf8_fails_alone(tmp_path: Path) -> None:
    folder = tmp_path / "plans"
    folder.mkdir()
    (folder / "a.txt").write_bytes(SAMPLE.read_bytes())
    try:
        with open(os.path.join(os.fsencode(folder), b"b\xffd.txt"), "wb") as fh:
            fh.write(SAMPLE.read_bytes())
    except (OSError, TypeError):
        pytest.skip("this file system does not take file names that are not UTF-8")
    for option in ("--jsonl", "--sqlite", "-o"):
        out = tmp_path / option.strip("-")
        result = invoke("batch", str(folder), option, str(out), "-q")
        assert result.exit_code == 7, result.output
        errors = (out if option == "-o" else tmp_path) / "errors.jsonl"
        listed = [json.loads(line) for line in errors.read_text(encoding="utf-8").splitlines()]
        assert [(e["path"].endswith("b\ufffdd.txt"), e["exit_code"]) for e in listed] == [(True, 3)]
        assert "not valid UTF-8" in listed[0]["error"]


# --- rule packs ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("content", "needle"), [
    ("{1: 2, zz: 3}\n", "unknown top-level key"),
    ("units:\n  1: 2\n", "units.1"),
    ("units:\n  role_cues:\n    - cue: '(?x)牵头 #'\n      role: lead\n", "verbose mode"),
    ("units:\n  role_cues:\n    - cue: '牵头)|(配合'\n      role: lead\n", "bad regular expression"),
    ("targets:\n  magnitudes:\n    万: 1" + "0" * 400 + "\n", "targets.magnitudes"),
    ("targets:\n  magnitudes:\n    万: 1" + "0" * 5000 + "\n", "too long"),
    ("deadlines:\n  periods:\n    - pattern: 'x'\n      end_year: 99999999999999999999\n", "end_year"),
    ("deadlines:\n  festivals:\n    春节:\n      fixed: '13-45'\n", "MM-DD"),
    ("deadlines:\n  festivals:\n    春节:\n      dates: {99999999: '01-01'}\n", "dates"),
])
def test_a_bad_rule_pack_is_one_line_exit_6(tmp_path: Path, content: str, needle: str) -> None:
    pack = tmp_path / "pack.yaml"
    pack.write_text(content, encoding="utf-8")
    for args in (["rules", str(pack)], ["extract", str(SAMPLE), "--rules", str(pack)]):
        result = invoke(*args)
        assert result.exit_code == 6, result.output
        line = one_error_line(result.stderr)
        assert needle in line and "Value error" not in line
