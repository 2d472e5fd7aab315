"""Bounded work (issue 9): inputs are counted as they are read, non-regular inputs are refused, the
size bound is configurable, and a rule pack's patterns run with their time limit everywhere.

Device nodes are made here, in a temporary folder, where the system allows it.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .cli_helpers import invoke, one_error_line

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "meizhou-2022.txt"




@pytest.fixture
def zero(tmp_path: Path) -> Path:
    """An endless input: a zero device of the test's own, else the system's (only ever read)."""
    if os.geteuid() == 0:
        node = tmp_path / "zero"
        os.mknod(node, stat.S_IFCHR | 0o444, os.makedev(1, 5))
        try:
            with open(node, "rb") as fh:
                if fh.read(4) == b"\0\0\0\0":
                    return node
        except OSError:
            pass  # mounted nodev
        node.unlink()
    if not Path("/dev/zero").exists():
        pytest.skip("no zero device")
    return Path("/dev/zero")


def _govplan(*args: str, stdin: object = subprocess.DEVNULL, env: dict[str, str] | None = None,
             timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "govplan", *args], stdin=stdin,  # type: ignore[call-overload]
                          capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})})


def test_a_device_given_as_a_file_is_refused(zero: Path) -> None:
    result = invoke("extract", str(zero))
    assert result.exit_code == 3
    assert "not a regular file" in one_error_line(result.stderr)


def test_a_fifo_given_as_a_file_is_refused_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "plan.fifo"
    os.mkfifo(fifo)
    result = _govplan("extract", str(fifo), timeout=30)  # opening it would wait for a writer forever
    assert result.returncode == 3
    assert "not a regular file" in one_error_line(result.stderr)


def test_an_endless_standard_input_stops_at_the_bound(zero: Path) -> None:
    with open(zero, "rb") as endless:
        result = _govplan("extract", "-", stdin=endless, env={"GOVPLAN_MAX_BYTES": "2M"})
    assert result.returncode == 3
    assert "more than 2,097,152 bytes" in one_error_line(result.stderr)


def test_an_endless_rule_pack_is_refused(zero: Path) -> None:
    result = invoke("extract", str(SAMPLE), "--rules", str(zero))
    assert result.exit_code == 6
    assert "rule pack" in one_error_line(result.stderr)
    assert invoke("rules", str(zero)).exit_code == 6


def test_the_size_bound_is_configurable(tmp_path: Path) -> None:
    assert invoke("extract", str(SAMPLE), env={"GOVPLAN_MAX_BYTES": "1K"}).exit_code == 3
    assert invoke("extract", str(SAMPLE), env={"GOVPLAN_MAX_BYTES": "1M"}).exit_code == 0
    bad = invoke("extract", str(SAMPLE), env={"GOVPLAN_MAX_BYTES": "lots"})
    assert bad.exit_code == 3 and "GOVPLAN_MAX_BYTES" in one_error_line(bad.stderr)


def test_a_folder_given_as_a_rule_pack_is_a_rule_pack_error(tmp_path: Path) -> None:
    for args in (["extract", str(SAMPLE), "--rules", str(tmp_path)], ["rules", str(tmp_path)]):
        result = invoke(*args)
        assert result.exit_code == 6, result.output
        assert "is a directory" in one_error_line(result.stderr)


def test_a_batch_input_that_is_a_fifo_fails_alone(tmp_path: Path) -> None:
    fifo = tmp_path / "b.txt"
    os.mkfifo(fifo)
    good = tmp_path / "a.txt"
    good.write_bytes(SAMPLE.read_bytes())
    out = tmp_path / "rows.jsonl"
    result = _govplan("batch", str(good), str(fifo), "--jsonl", str(out), "-q", "-w", "1", timeout=60)
    assert result.returncode == 7, result.stderr
    assert out.read_text(encoding="utf-8").count("\n") > 10
    assert "not a regular file" in (tmp_path / "errors.jsonl").read_text(encoding="utf-8")


def test_the_bound_itself_is_accepted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from govplan.errors import InputError
    from govplan.read import read_file

    data = os.urandom(3 * 2**20 + 5)  # more than one read's chunk
    path = tmp_path / "x.bin"
    path.write_bytes(data)
    monkeypatch.setenv("GOVPLAN_MAX_BYTES", str(len(data)))
    assert read_file(path) == data
    monkeypatch.setenv("GOVPLAN_MAX_BYTES", str(len(data) - 1))
    with pytest.raises(InputError, match="more than"):
        read_file(path)


# --- a rule pattern's time limit ---------------------------------------------------------------------

SLOW = "^((一|一一)+)+x"  # catastrophic backtracking on a run of 一 without an x


def test_rules_checks_examples_within_the_time_limit(tmp_path: Path) -> None:
    pack = tmp_path / "slow.yaml"
    pack.write_text(f"document:\n  closing: '{SLOW}'\n  closing_examples: ['{'一' * 60}']\n", encoding="utf-8")
    result = _govplan("rules", str(pack), timeout=120)
    assert result.returncode == 6
    # listed with the other examples (by the CPU-time limit), or alone (by the wall clock, first
    # on a loaded machine)
    assert "time limit" in result.stderr and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("Error: ")


def _throttled(args: list[str]) -> tuple[int, str, float]:
    """Run govplan on a loaded machine, simulated: stopped three quarters of the time, so its CPU
    time (what the regex module counts) runs at a quarter of the wall clock's pace. Returns its
    exit code, stderr and the CPU seconds it used."""
    import signal

    proc = subprocess.Popen([sys.executable, "-m", "govplan", *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    started = time.monotonic()
    try:
        while time.monotonic() - started < 120:
            if os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
                break
            time.sleep(0.025)
            os.kill(proc.pid, signal.SIGSTOP)  # not proc.send_signal: it would reap the child first
            time.sleep(0.075)
            os.kill(proc.pid, signal.SIGCONT)
    finally:
        os.kill(proc.pid, signal.SIGCONT)
        if time.monotonic() - started >= 120:
            os.kill(proc.pid, signal.SIGKILL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    assert proc.stderr is not None
    return proc.returncode, proc.stderr.read(), usage.ru_utime + usage.ru_stime


@pytest.mark.skipif(not hasattr(os, "wait4"), reason="needs os.wait4 for the child's CPU time")
def test_the_time_limit_holds_on_the_wall_clock(tmp_path: Path) -> None:
    from govplan.rules import REGEX_TIMEOUT

    plan = tmp_path / "plan.txt"
    plan.write_text("一、总体要求。加强组织领导。\n" + "一" * 60 + "\n", encoding="utf-8")
    tame = tmp_path / "tame.yaml"
    tame.write_text("document:\n  closing: '^一+x'\n", encoding="utf-8")
    slow = tmp_path / "slow.yaml"
    slow.write_text(f"document:\n  closing: '{SLOW}'\n", encoding="utf-8")
    code, stderr, baseline = _throttled(["extract", str(plan), "--rules", str(tame)])
    assert code == 0, stderr
    code, stderr, cpu = _throttled(["extract", str(plan), "--rules", str(slow)])
    assert code == 6, stderr
    assert "time limit" in one_error_line(stderr)
    # stopped by the wall clock after the limit, the pattern had a quarter of it in CPU time;
    # counted in CPU time alone, it would have had all of it
    assert cpu - baseline < 0.6 * REGEX_TIMEOUT, (cpu, baseline)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_pattern_past_its_limit_fails_one_file_of_a_batch(tmp_path: Path, workers: str) -> None:
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "a.txt").write_bytes(SAMPLE.read_bytes())
    (plans / "b.txt").write_text("一、总体要求。加强组织领导。\n" + "一" * 60 + "\n", encoding="utf-8")
    (plans / "c.txt").write_bytes(SAMPLE.read_bytes())
    pack = tmp_path / "slow.yaml"
    pack.write_text(f"document:\n  closing: '{SLOW}'\n", encoding="utf-8")
    rows = tmp_path / "rows.jsonl"
    result = _govplan("batch", str(plans), "--jsonl", str(rows), "--rules", str(pack), "-q", "-w", workers,
                      timeout=300)
    assert result.returncode == 7, result.stderr
    errors = (tmp_path / "errors.jsonl").read_text(encoding="utf-8")
    assert '"exit_code": 6' in errors and "b.txt" in errors and errors.count("\n") == 1
    assert {str(plans / "a.txt"), str(plans / "c.txt")} <= set(rows.read_text(encoding="utf-8").split('"'))


def test_a_text_with_more_items_than_the_bound_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import govplan
    from govplan.errors import InputError

    text = "".join(f"{n}.推进第{n}项工作。\n" for n in range(1, 31))
    monkeypatch.setenv("GOVPLAN_MAX_ITEMS", "30")
    assert len(govplan.parse_text(text).plans[0].items) == 30
    monkeypatch.setenv("GOVPLAN_MAX_ITEMS", "29")
    with pytest.raises(InputError, match="GOVPLAN_MAX_ITEMS"):
        govplan.parse_text(text)
    # table rows count as items too
    table = "序号\t工作任务\t牵头单位\t完成时限\n" + "".join(f"{n}\t任务{n}\t市教育局\t2025年\n" for n in range(1, 31))
    with pytest.raises(InputError, match="30 numbered items or table rows"):
        govplan.parse_text(table)
    monkeypatch.setenv("GOVPLAN_MAX_ITEMS", "lots")
    with pytest.raises(InputError, match="not a count"):
        govplan.parse_text(text)


def test_a_user_packs_registry_patterns_have_the_time_limit(tmp_path: Path) -> None:
    from govplan.registry import Place, qualify
    from govplan.rules import load_rules

    pack = tmp_path / "pack.yaml"
    pack.write_text(f"registry:\n  placed: '{SLOW}'\n", encoding="utf-8")
    reg = load_rules(pack).registry
    started = time.perf_counter()
    with pytest.raises(TimeoutError):
        qualify(reg, "一" * 60, Place())
    assert time.perf_counter() - started < 60
