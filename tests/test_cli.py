"""The command line, through typer's runner and through real subprocesses."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from govplan.cli import EXIT_CODES, app

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "meizhou-2022.txt"
runner = CliRunner()


def invoke(*args: str, input: bytes | str | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), input=input)


def test_extract_json_to_stdout() -> None:
    result = invoke("extract", str(SAMPLE))
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["source"]["script"] == "traditional"
    assert doc["plans"][0]["title"] == "梅州市2022年推进数字政府改革建设工作实施方案"
    first = doc["plans"][0]["items"][0]["children"][0]
    assert first["path"] == ["一、", "(一)"]
    assert {"name": "各县(市、区)人民政府", "role": "lead"}.items() <= first["units"][0].items()
    assert first["deadline"]["due"] == "2022-06-30"


def test_extract_traditional_script() -> None:
    result = invoke("extract", str(SAMPLE), "--script", "traditional")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["source"]["output_script"] == "traditional"
    assert doc["plans"][0]["title"] == "梅州市2022年推進數字政府改革建設工作實施方案"
    names = [u["name"] for u in doc["plans"][0]["items"][0]["children"][0]["units"]]
    assert "市政務服務數據管理局" in names
    assert "s2t" in doc["source"]["converter"]


@pytest.mark.parametrize("fmt", ["yaml", "jsonl", "csv"])
def test_extract_formats_to_file(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"out.{fmt}"
    result = invoke("extract", str(SAMPLE), "--format", fmt, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    raw = out.read_bytes()
    if fmt == "yaml":
        assert yaml.safe_load(raw)["plans"][0]["items"]
    elif fmt == "jsonl":
        rows = [json.loads(line) for line in raw.decode().splitlines()]
        assert rows[0]["path"] == "一、" and rows[1]["path"] == "一、 > (一)"
        assert rows[1]["lead_units"] == "各县(市、区)人民政府；市直有关部门"
    else:
        assert raw.startswith(b"\xef\xbb\xbf")  # Excel needs the BOM
        rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
        assert rows[1]["deadline_due"] == "2022-06-30"
        assert rows[1]["cooperating_units"] == "市政务服务数据管理局"
    assert not list(tmp_path.glob(".*.tmp")), "temporary file left behind"


def test_extract_stdin() -> None:
    result = invoke("extract", "-", input=SAMPLE.read_bytes())
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["source"]["path"] is None
    assert doc["plans"][0]["items"]


def test_verbose_prints_warnings_to_stderr() -> None:
    sample = ROOT / "samples" / "guangdong-2021.txt"
    result = invoke("extract", str(sample), "-v")
    assert result.exit_code == 0
    assert "mojibake" in result.stderr
    json.loads(result.stdout)


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (["extract", "no/such/file.txt"], 3, "no such file"),
        (["extract", "samples"], 3, "is a directory"),
        (["extract", str(SAMPLE), "--format", "xml"], 2, ""),
        (["extract", str(SAMPLE), "--encoding", "klingon"], 3, "unknown encoding"),
        (["extract", str(SAMPLE), "-o", str(SAMPLE)], 5, "overwrite the input"),
        (["extract", str(SAMPLE), "-o", "no/such/dir/out.json"], 5, "does not exist"),
    ],
)
def test_errors_are_one_line_with_a_code(args: list[str], code: int, needle: str) -> None:
    before = SAMPLE.read_bytes()
    result = invoke(*args)
    assert result.exit_code == code, result.output
    if needle:
        lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
        assert len(lines) == 1 and lines[0].startswith("Error: ") and needle in lines[0], result.stderr
    assert SAMPLE.read_bytes() == before


@pytest.mark.parametrize(
    ("data", "what", "code"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF", 3),  # read as the PDF it is: a damaged one
        (b"PK\x03\x04\x14\x00\x06\x00", "docx", 4),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG", 4),
        (bytes(range(256)) * 4, "NUL", 4),
    ],
)
def test_binary_input_is_refused(tmp_path: Path, data: bytes, what: str, code: int) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes(data)
    out = tmp_path / "out.json"
    result = invoke("extract", str(path), "-o", str(out))
    assert result.exit_code == code
    assert what in result.stderr and result.stderr.startswith("Error: ")
    assert not out.exists()


def test_empty_file_is_a_valid_result_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_text("  \n\n", encoding="utf-8")
    result = invoke("extract", str(path))
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert [w["code"] for w in doc["warnings"]] == ["empty_input"]


def test_bad_rule_pack(tmp_path: Path) -> None:
    pack = tmp_path / "bad.yaml"
    pack.write_text("units:\n  role_cues:\n    - cue: '牵头'\n      role: boss\n", encoding="utf-8")
    result = invoke("extract", str(SAMPLE), "--rules", str(pack))
    assert result.exit_code == 6
    assert "units.role_cues.0.role" in result.stderr


def test_rules_command() -> None:
    result = invoke("rules")
    assert result.exit_code == 0 and "ok" in result.stdout


def test_schema_command_matches_checked_in_schema() -> None:
    result = invoke("schema")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == json.loads((ROOT / "schemas" / "document.schema.json").read_text())


def test_exit_codes_are_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for code, _ in EXIT_CODES:
        assert f"| {code} |" in readme


def test_every_command_has_help_with_an_example() -> None:
    import typer.main

    group = typer.main.get_command(app)
    assert group.help and "Example" in group.help
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        assert command.help, f"{name} has no help"
        assert "Example" in command.help, f"{name} --help shows no example"
        result = invoke(name, "--help")
        assert result.exit_code == 0 and "Example" in result.stdout


def test_version() -> None:
    import govplan

    result = invoke("--version")
    assert result.exit_code == 0 and govplan.__version__ in result.stdout


# --- real subprocesses ----------------------------------------------------------------------

def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def test_python_dash_m(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "govplan", "extract", str(SAMPLE), "--format", "jsonl"],
                          capture_output=True, env=_env(), timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.decode().splitlines()) == 67


def test_console_script_and_stdin() -> None:
    exe = Path(sys.executable).with_name("govplan")
    if not exe.exists():
        pytest.skip("console script not installed in this environment")
    proc = subprocess.run([str(exe), "extract", "-"], input=SAMPLE.read_bytes(), capture_output=True,
                          env=_env(), timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["plans"][0]["issued"] == "2022-05-09"


def test_subprocess_error_exit_code() -> None:
    proc = subprocess.run([sys.executable, "-m", "govplan", "extract", "missing.txt"], capture_output=True,
                          env=_env(), timeout=120)
    assert proc.returncode == 3
    assert proc.stderr.decode().strip() == "Error: missing.txt: no such file"
    assert proc.stdout == b""


def test_readme_documents_every_row_column() -> None:
    from govplan.export import ROW_COLUMNS

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for column, meaning in ROW_COLUMNS:
        assert f"| `{column}` | {meaning} |" in readme


def test_catastrophic_rule_pattern_stops_with_an_error(tmp_path: Path) -> None:
    import time

    pack = tmp_path / "slow.yaml"
    pack.write_text("document:\n  closing: '^((一|一一)+)+x'\n", encoding="utf-8")
    plan = tmp_path / "plan.txt"
    plan.write_text("一、总体要求。加强组织领导。\n" + "一" * 60 + "\n", encoding="utf-8")
    started = time.perf_counter()
    result = invoke("extract", str(plan), "--rules", str(pack))
    assert time.perf_counter() - started < 30
    assert result.exit_code == 6
    assert "time limit" in result.stderr and result.stderr.count("\n") == 1


def test_cli_reference_is_current() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("gen_cli", ROOT / "docs" / "gen_cli.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (ROOT / "docs" / "cli.md").read_text(encoding="utf-8") == module.render(), (
        "docs/cli.md is stale: run python docs/gen_cli.py")


def test_outputs_get_the_usual_file_mode(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    assert invoke("extract", str(SAMPLE), "-o", str(out)).exit_code == 0
    mask = os.umask(0)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~mask


# --- behaving like the tools people know (issue 9) -------------------------------------------------

COMMANDS = [c.name or c.callback.__name__ for c in app.registered_commands if c.callback is not None]


def _pty_run(args: list[str], *, stdin_tty: bool = False, stderr_tty: bool = False,
             input: bytes | None = None) -> tuple[int, bytes, bytes]:
    """Run govplan with standard input and/or standard error on a pseudo-terminal."""
    import pty

    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "govplan", *args],
                            stdin=slave if stdin_tty else subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=slave if stderr_tty else subprocess.PIPE)
    os.close(slave)
    out, err = proc.communicate(input=None if stdin_tty else (input or b""), timeout=120)
    tty = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        tty += chunk
    os.close(master)
    return proc.returncode, out, (tty if stderr_tty else err)


def test_extract_without_a_file_reads_standard_input() -> None:
    result = invoke("extract", input=SAMPLE.read_bytes())
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["plans"][0]["items"]


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_extract_without_a_file_on_a_terminal_is_a_usage_error() -> None:
    code, out, err = _pty_run(["extract"], stdin_tty=True)
    assert code == 2 and out == b""
    lines = err.decode().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: give a plan file")


@pytest.mark.parametrize(("name", "fmt", "option"), [
    ("out.yaml", "yaml", []), ("out.yml", "yaml", []), ("out.jsonl", "jsonl", []), ("out.csv", "csv", []),
    ("out.json", "json", []), ("out.txt", "json", []), ("out.yaml", "json", ["--format", "json"]),
    ("out.csv", "jsonl", ["-f", "jsonl"]),
])
def test_the_output_format_follows_the_extension(tmp_path: Path, name: str, fmt: str, option: list[str]) -> None:
    out = tmp_path / name
    assert invoke("extract", str(SAMPLE), "-o", str(out), *option).exit_code == 0
    text = out.read_text(encoding="utf-8-sig")
    detected = ("csv" if text.startswith("source,") else "json" if text.startswith("{\n") else
                "jsonl" if text.startswith("{") else "yaml")
    assert detected == fmt


@pytest.mark.parametrize("command", COMMANDS)
def test_quiet_and_verbose_on_every_command(command: str) -> None:
    text = invoke(command, "--help").stdout
    for flag in ("--quiet", "-q", "--verbose", "-v"):
        assert flag in text, (command, flag)


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_help_shows_no_python_notation(command: str) -> None:
    text = invoke(*([command] if command else []), "--help").stdout
    for python in ("<bool>", "<str>", "<int", "list[", "<=x<=", "<path>", "<file>", "<dir>"):
        assert python not in text, (command, python)


@pytest.mark.parametrize("args", [
    ["extract", str(SAMPLE), "--format", "xml"],
    ["batch", str(SAMPLE), "--workers", "many", "--jsonl", "-"],
    ["batch", str(SAMPLE), "--workers", "999", "--jsonl", "-"],
    ["extract", str(SAMPLE), "--no-such-option"],
    ["extract", str(SAMPLE), "extra-argument"],
    ["no-such-command"],
    ["batch"],
])
def test_usage_errors_are_one_plain_line(args: list[str]) -> None:
    result = subprocess.run([sys.executable, "-m", "govplan", *args], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    for noise in ("╭", "│", "Usage:", "Input should", "Value error", "Traceback"):
        assert noise not in result.stderr


def test_rules_help_points_to_the_installed_packs() -> None:
    assert "govplan rules --show" in invoke("rules", "--help").stdout
    result = invoke("rules", "--show")
    assert result.exit_code == 0
    folder = Path(result.stdout.splitlines()[0])
    assert (folder / "numbering.yaml").is_file()
    assert all(Path(line).is_file() for line in result.stdout.splitlines()[1:])


def test_o_means_a_file_and_batch_folders_are_out_dir(tmp_path: Path) -> None:
    batch_help = invoke("batch", "--help").stdout
    assert "--out-dir" in batch_help and "-o" not in batch_help.replace("--out-dir", "")
    for command in ("extract", "schema"):
        assert "FILE" in invoke(command, "--help").stdout.split("--output", 1)[1].splitlines()[0]
    assert invoke("batch", str(SAMPLE), "--out-dir", str(tmp_path / "a"), "-q").exit_code == 0
    assert invoke("batch", str(SAMPLE), "-o", str(tmp_path / "b"), "-q").exit_code == 0  # the former name
    assert (tmp_path / "a" / "meizhou-2022.json").read_text() == (tmp_path / "b" / "meizhou-2022.json").read_text()


def test_the_summary_table_only_on_a_terminal(tmp_path: Path) -> None:
    result = invoke("batch", str(SAMPLE), "--jsonl", str(tmp_path / "rows.jsonl"))
    assert result.exit_code == 0 and result.stderr == ""
    if not hasattr(os, "openpty"):
        pytest.skip("needs a pseudo-terminal")
    code, _, err = _pty_run(["batch", str(SAMPLE), "--jsonl", str(tmp_path / "rows2.jsonl"), "--force"],
                            stderr_tty=True)
    assert code == 0 and b"converted" in err and b"MB/s" in err


def test_one_rate_unit_in_progress_and_summary() -> None:
    from rich.progress import Progress

    from govplan.batch_ui import _rate_column

    column = _rate_column()
    progress = Progress()
    for speed in (500.0, 5e9):
        task_id = progress.add_task("x", total=1e12)
        task = progress._tasks[task_id]
        task.finished_speed = speed
        assert str(column.render(task)).endswith(" MB/s")


def test_verbose_batch_lists_every_failure_off_a_terminal(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"%PDF-1.4\n")
    args = ["batch", str(SAMPLE), str(bad), "--jsonl", str(tmp_path / "rows.jsonl")]
    quiet = invoke(*args)
    assert quiet.exit_code == 7 and "failed: " not in quiet.stderr
    loud = invoke(*args, "-v")
    assert loud.exit_code == 7 and f"failed: {bad}" in loud.stderr
