"""Outputs never destroy anything (issue 9): devices, FIFOs and links, outputs over inputs or over
each other, errors.jsonl, name collisions in batch -o, and a closed standard output.

Every special file is made here, in a temporary folder; the system's own devices are never used.
"""

from __future__ import annotations

import fcntl
import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from govplan.export import output_kind

from .cli_helpers import invoke, one_error_line

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "meizhou-2022.txt"
PLAN = "一、总体要求\n（一）推进政务数据共享，由市政务服务数据管理局牵头，2024年12月底前完成。\n"




def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


class FifoReader:
    """Reads everything written to a FIFO, in a thread (opening a FIFO waits for the other end)."""

    def __init__(self, path: Path) -> None:
        os.mkfifo(path)
        self.path = path
        self.data = b""
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        with open(self.path, "rb") as fh:
            self.data = fh.read()

    def result(self) -> bytes:
        self.thread.join(timeout=60)
        assert not self.thread.is_alive(), "nothing was written to the FIFO"
        return self.data


# --- 1. where an output goes: files, links, devices, FIFOs, standard output ----------------------

def _stat_of(kind: int) -> os.stat_result:
    return os.stat_result((kind | 0o644, 0, 0, 1, 0, 0, 0, 0, 0, 0))


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        (stat.S_IFREG, "file"),
        (stat.S_IFCHR, "stream"),
        (stat.S_IFIFO, "stream"),
        (stat.S_IFBLK, "refuse"),
        (stat.S_IFSOCK, "refuse"),
        (stat.S_IFDIR, "refuse"),
    ],
)
def test_output_kind_decides_from_the_file_type(mode: int, expected: str) -> None:
    assert output_kind(_stat_of(mode)) == expected


def test_output_kind_of_a_missing_path_is_a_file() -> None:
    assert output_kind(None) == "file"


def test_extract_onto_a_fifo_writes_through_it(tmp_path: Path) -> None:
    fifo = tmp_path / "out.fifo"
    reader = FifoReader(fifo)
    result = invoke("extract", str(SAMPLE), "-o", str(fifo))
    assert result.exit_code == 0, result.output
    assert json.loads(reader.result())["plans"]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode), "the FIFO was replaced"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.fifo"]


def test_extract_onto_a_character_device_writes_through_it(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("making a device node needs root; the decision is tested on stat results above")
    node = tmp_path / "null"
    os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a null device of this test's own
    try:
        with open(node, "w") as fh:
            fh.write("probe")
    except OSError:
        pytest.skip("device nodes do not work on this file system (mounted nodev)")
    result = invoke("extract", str(SAMPLE), "-o", str(node))
    assert result.exit_code == 0, result.output
    st = os.lstat(node)
    assert stat.S_ISCHR(st.st_mode) and st.st_rdev == os.makedev(1, 3), "the device was replaced"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null"]


def test_extract_through_a_symlink_replaces_the_target_and_keeps_the_link(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "plan.json"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    link = tmp_path / "plan.json"
    os.symlink(target, link)
    result = invoke("extract", str(SAMPLE), "-o", str(link))
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert json.loads(target.read_text(encoding="utf-8"))["plans"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # a replaced file keeps its permissions
    assert not list(tmp_path.rglob(".*.tmp"))


def test_extract_through_a_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    link = tmp_path / "plan.json"
    os.symlink(tmp_path / "made.json", link)
    assert invoke("extract", str(SAMPLE), "-o", str(link)).exit_code == 0
    assert link.is_symlink() and json.loads((tmp_path / "made.json").read_text(encoding="utf-8"))["plans"]


def test_extract_onto_a_symlink_to_the_input_is_refused(tmp_path: Path) -> None:
    plan = tmp_path / "plan.txt"
    plan.write_text(PLAN, encoding="utf-8")
    link = tmp_path / "out.json"
    os.symlink(plan, link)
    result = invoke("extract", str(plan), "-o", str(link))
    assert result.exit_code == 5 and "overwrite the input" in one_error_line(result.stderr)
    assert plan.read_text(encoding="utf-8") == PLAN


def test_extract_onto_a_socket_is_refused(tmp_path: Path) -> None:
    import socket

    path = tmp_path / "s"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))
        result = invoke("extract", str(SAMPLE), "-o", str(path))
    assert result.exit_code == 5 and "not a regular file" in one_error_line(result.stderr)
    assert stat.S_ISSOCK(os.lstat(path).st_mode)


def test_dash_is_standard_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("extract", str(SAMPLE), "-o", "-")
    assert result.exit_code == 0 and json.loads(result.stdout)["plans"]
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "a.txt").write_text(PLAN, encoding="utf-8")
    result = invoke("batch", str(plans), "--jsonl", "-", "-q")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.splitlines()[1])["lead_units"] == "市政务服务数据管理局"
    result = invoke("batch", str(plans), "--csv", "-", "-q")
    assert result.exit_code == 0 and result.stdout.startswith("\ufeffsource,sha256,")  # Excel needs the BOM
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plans"], "a file named '-' or errors.jsonl appeared"


def test_batch_rows_onto_a_fifo_and_through_a_symlink(tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "a.txt").write_text(PLAN, encoding="utf-8")
    fifo = tmp_path / "rows.fifo"
    reader = FifoReader(fifo)
    (tmp_path / "real").mkdir()
    link = tmp_path / "items.csv"
    os.symlink(tmp_path / "real" / "items.csv", link)
    result = invoke("batch", str(plans), "--jsonl", str(fifo), "--csv", str(link), "-q")
    assert result.exit_code == 0, result.output
    assert json.loads(reader.result().splitlines()[0])["path"] == "一、"
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert link.is_symlink() and (tmp_path / "real" / "items.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert not list(tmp_path.rglob("*.partial"))


def test_sqlite_onto_a_fifo_or_stdout_is_refused(tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "a.txt").write_text(PLAN, encoding="utf-8")
    fifo = tmp_path / "db.fifo"
    os.mkfifo(fifo)
    result = invoke("batch", str(plans), "--sqlite", str(fifo), "-q")
    assert result.exit_code == 5 and "regular file" in one_error_line(result.stderr)
    result = invoke("batch", str(plans), "--sqlite", "-", "-q")
    assert result.exit_code == 2 and "standard output" in one_error_line(result.stderr)


# --- 2. batch -o over its own inputs --------------------------------------------------------------

@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "plans"
    root.mkdir()
    (root / "a.txt").write_text(PLAN, encoding="utf-8")
    # a plan text that happens to carry the name the output of a.json would have
    (root / "b.json").write_text(PLAN.replace("政务数据", "公共数据"), encoding="utf-8")
    return root


def test_batch_output_folder_equal_to_the_input_folder_is_refused(folder: Path) -> None:
    before = _tree(folder)
    result = invoke("batch", str(folder), "--glob", "*", "-o", str(folder), "-q")
    assert result.exit_code == 5, result.output
    assert "would overwrite an input" in one_error_line(result.stderr) and "b.json" in result.stderr
    assert _tree(folder) == before, "something was written"


def test_batch_output_folder_equal_to_the_input_folder_with_a_safe_glob(folder: Path) -> None:
    result = invoke("batch", str(folder), "--glob", "*.txt", "-o", str(folder), "-q")
    assert result.exit_code == 0, result.output
    assert json.loads((folder / "a.json").read_text(encoding="utf-8"))["plans"]


@pytest.mark.parametrize("glob", ["../*", "sub/../../*", "**/../*.txt", "..\\*"])
def test_glob_cannot_leave_the_input_folder(folder: Path, tmp_path: Path, glob: str) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text(PLAN, encoding="utf-8")
    before = _tree(tmp_path)
    result = invoke("batch", str(folder), "--glob", glob, "-o", str(folder), "-q")
    assert result.exit_code == 2 and "'..'" in one_error_line(result.stderr)
    assert _tree(tmp_path) == before


def test_absolute_glob_is_a_usage_error(folder: Path, tmp_path: Path) -> None:
    result = invoke("batch", str(folder), "--glob", str(tmp_path / "*.txt"), "-o", str(tmp_path / "out"), "-q")
    assert result.exit_code == 2 and "absolute" in one_error_line(result.stderr)
    assert not (tmp_path / "out").exists()


# --- 3. outputs naming the same path; errors.jsonl --------------------------------------------------

@pytest.mark.parametrize(
    "options",
    [
        ["--jsonl", "{d}/x", "--sqlite", "{d}/x"],
        ["--jsonl", "{d}/x", "--csv", "{d}/x"],
        ["--csv", "{d}/x", "--sqlite", "{d}/sub/../x"],
        ["--jsonl", "{d}/out/errors.jsonl", "-o", "{d}/out"],
        ["--csv", "{d}/errors.jsonl", "--jsonl", "{d}/items.jsonl"],
        ["--jsonl", "{d}/out/a.json", "-o", "{d}/out"],
        ["--jsonl", "-", "--csv", "-"],
    ],
)
def test_two_outputs_naming_the_same_path_are_refused(folder: Path, tmp_path: Path, options: list[str]) -> None:
    (tmp_path / "sub").mkdir()
    args = [o.format(d=tmp_path) for o in options]
    before = _tree(tmp_path)
    result = invoke("batch", str(folder), *args, "-q")
    assert result.exit_code == 2, result.output
    line = one_error_line(result.stderr)
    assert "both write" in line, line
    assert _tree(tmp_path) == before and not (tmp_path / "out").exists()


def test_errors_jsonl_not_written_by_govplan_is_never_touched(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    mine = out / "errors.jsonl"
    mine.write_text('{"note": "my own log"}\n', encoding="utf-8")
    for broken in (False, True):
        if broken:
            (folder / "c.txt").write_bytes(b"\x89PNG\r\n\x1a\n not text")
        result = invoke("batch", str(folder), "-o", str(out), "-q")
        assert result.exit_code == 5 and "not written by govplan" in one_error_line(result.stderr)
        assert mine.read_text(encoding="utf-8") == '{"note": "my own log"}\n'
        assert sorted(p.name for p in out.iterdir()) == ["errors.jsonl"]


def test_errors_jsonl_of_govplan_is_replaced_and_removed(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    broken = folder / "c.txt"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n not text")
    assert invoke("batch", str(folder), "-o", str(out), "-q").exit_code == 7
    errors = [json.loads(line) for line in (out / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [e["path"] for e in errors] == [str(broken)]
    broken.write_text(PLAN, encoding="utf-8")
    assert invoke("batch", str(folder), "-o", str(out), "-q").exit_code == 0
    assert not (out / "errors.jsonl").exists()


def test_errors_jsonl_on_a_fifo_is_written_through_and_never_deleted(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    reader = FifoReader(out / "errors.jsonl")
    (folder / "c.txt").write_bytes(b"\x89PNG\r\n\x1a\n not text")
    assert invoke("batch", str(folder), "-o", str(out), "-q").exit_code == 7
    assert json.loads(reader.result())["exit_code"] == 4
    (folder / "c.txt").unlink()
    assert invoke("batch", str(folder), "-o", str(out), "-q").exit_code == 0
    assert stat.S_ISFIFO(os.lstat(out / "errors.jsonl").st_mode)


# --- 4. output-name collisions in batch -o ------------------------------------------------------------

def _outputs(out: Path) -> dict[str, str]:
    """Output file → the source path recorded in it."""
    return {p.relative_to(out).as_posix(): json.loads(p.read_text(encoding="utf-8"))["source"]["path"]
            for p in sorted(out.rglob("*.json"))}


def test_same_named_input_folders_get_distinct_outputs(tmp_path: Path) -> None:
    for town in ("east", "west"):
        (tmp_path / town / "plans").mkdir(parents=True)
        (tmp_path / town / "plans" / "a.txt").write_text(PLAN.replace("市", town), encoding="utf-8")
    out = tmp_path / "out"
    args = ["batch", str(tmp_path / "east" / "plans"), str(tmp_path / "west" / "plans"), "-o", str(out)]
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    assert _outputs(out) == {"plans/a.json": str(tmp_path / "east/plans/a.txt"),
                             "plans-2/a.json": str(tmp_path / "west/plans/a.txt")}
    assert f"note: {tmp_path / 'west/plans/a.txt'} -> {out / 'plans-2/a.json'}" in result.stderr
    again = invoke(*args, "--force")

    def notes(stderr: str) -> list[str]:
        return [line for line in stderr.splitlines() if line.startswith("note: ")]

    assert again.exit_code == 0 and notes(again.stderr) == notes(result.stderr) != []  # deterministic


def test_same_stem_in_one_folder_keeps_both_extensions(tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "plan.txt").write_text(PLAN, encoding="utf-8")
    (plans / "plan.md").write_text(PLAN, encoding="utf-8")
    (plans / "other.txt").write_text(PLAN, encoding="utf-8")
    out = tmp_path / "out"
    result = invoke("batch", str(plans), "--glob", "*", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert set(_outputs(out)) == {"plan.md.json", "plan.txt.json", "other.json"}
    assert result.stderr.count("note: ") == 2 and "plan.json" in result.stderr


def test_absolute_and_parent_relative_inputs_of_one_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for town in ("east", "west"):
        (tmp_path / town).mkdir()
        (tmp_path / town / "plan.txt").write_text(PLAN, encoding="utf-8")
    work = tmp_path / "west" / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    out = tmp_path / "out"
    result = invoke("batch", str(tmp_path / "east" / "plan.txt"), "../plan.txt", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert _outputs(out) == {"plan.txt.json": str(tmp_path / "east" / "plan.txt"),
                             "plan.txt-2.json": "../plan.txt"}
    assert result.stderr.count("note: ") == 2


def test_renamed_outputs_resume(tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "plan.txt").write_text(PLAN, encoding="utf-8")
    (plans / "plan.md").write_text(PLAN, encoding="utf-8")
    from govplan.batch import BatchRequest, run_batch

    req = BatchRequest(inputs=[str(plans)], glob="*", out_dir=tmp_path / "out")
    assert run_batch(req).skipped == 0
    assert run_batch(req).skipped == 2


# --- 5. a closed standard output ------------------------------------------------------------------------

@pytest.mark.parametrize("args", [["extract", "{big}"], ["extract", "{big}", "--format", "jsonl"],
                                  ["batch", "{big}", "--jsonl", "-", "-q"]])
def test_closed_pipe_exits_quietly(tmp_path: Path, args: list[str]) -> None:
    big = tmp_path / "big.txt"
    big.write_text("一、总体要求\n" + "".join(
        f"（{k}）推进第{k}项工作，由市政务服务数据管理局牵头，2024年12月底前完成。\n" for k in range(1, 2000)),
        encoding="utf-8")
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    read_end, write_end = os.pipe()
    if hasattr(fcntl, "F_SETPIPE_SZ"):  # a small pipe, so the output cannot fit in it whatever the system's default
        fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, 4096)
    proc = subprocess.Popen([sys.executable, "-m", "govplan", *[a.format(big=big) for a in args]],
                            stdout=write_end, stderr=subprocess.PIPE, env=env, cwd=tmp_path)
    os.close(write_end)
    assert proc.stderr is not None
    with os.fdopen(read_end, "rb") as reader:
        assert reader.readline()  # like `| head -1`
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == 0
    assert err == b"", err.decode()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.txt"]

