"""A batch survives its workers (issue 9): a worker killed while parsing a file fails that file
only, and a killed batch leaves no worker behind.

A worker is killed through batch.KILL_HOOK, a test hook that makes the worker given that file name
send itself SIGKILL, as the out-of-memory killer would.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from govplan.batch import KILL_HOOK

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "meizhou-2022.txt"


def _plans(folder: Path, n: int, source: Path = SAMPLE) -> Path:
    folder.mkdir()
    for k in range(n):
        (folder / f"p{k:02d}.txt").write_bytes(source.read_bytes())
    return folder


@pytest.mark.parametrize("victim", ["p00.txt", "p05.txt", "p11.txt"])
def test_a_killed_worker_fails_its_file_and_the_rest_go_on(tmp_path: Path, victim: str) -> None:
    plans = _plans(tmp_path / "plans", 12)
    rows = tmp_path / "rows.jsonl"
    result = subprocess.run([sys.executable, "-m", "govplan", "batch", str(plans), "--jsonl", str(rows),
                             "-o", str(tmp_path / "out"), "-w", "2", "-q"],
                            capture_output=True, text=True, timeout=300, env={**os.environ, KILL_HOOK: victim})
    assert result.returncode == 7, result.stderr
    assert "Traceback" not in result.stderr
    errors = [json.loads(line) for line in (tmp_path / "out" / "errors.jsonl").read_text().splitlines()]
    assert [Path(e["path"]).name for e in errors] == [victim]
    assert "killed" in errors[0]["error"]
    sources = [json.loads(line)["source"] for line in rows.read_text(encoding="utf-8").splitlines()]
    expected = [str(p) for p in sorted(plans.iterdir()) if p.name != victim]
    assert list(dict.fromkeys(sources)) == expected  # every other file, in input order
    assert sorted(p.name for p in (tmp_path / "out").glob("*.json")) == [n.replace(".txt", ".json")
                                                                         for n in sorted(os.listdir(plans))
                                                                         if n != victim]


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux's /proc to find the workers")
def test_no_worker_outlives_a_killed_batch(tmp_path: Path) -> None:
    plans = _plans(tmp_path / "plans", 40, ROOT / "samples" / "digital-government-7-plans.txt")
    proc = subprocess.Popen([sys.executable, "-m", "govplan", "batch", str(plans), "--jsonl",
                             str(tmp_path / "rows.jsonl"), "-w", "2", "-q"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        while len(workers) < 2 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.1)
            workers = _children(proc.pid)
        assert len(workers) >= 2, "the workers did not start"
        time.sleep(0.5)  # parsing
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        deadline = time.monotonic() + 10
        while any(_alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(w) for w in workers), "a worker outlived the batch"
    finally:
        if proc.poll() is None:
            proc.kill()
        for pid in workers:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)  # a failed run must not leave them either
