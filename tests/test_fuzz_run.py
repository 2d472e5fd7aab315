"""The fuzz harness (benchmarks/fuzz.py) runs for a bounded time with every test run: 60 seconds in
CI (``CI`` set, as .ci/run does), 10 seconds elsewhere; ``GOVPLAN_FUZZ_SECONDS`` overrides both
(0 skips). CI starts from a fixed seed (``GOVPLAN_FUZZ_SEED`` overrides it; elsewhere the clock
gives one), so that a commit's CI run explores the same inputs however often it runs, and a new
find shows up where a developer runs the tests, not as a CI failure nobody caused. A failure
prints the seed and the shrunk input, to save as a case with ``python benchmarks/fuzz.py --seed N``."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_fuzz_for_a_bounded_time() -> None:
    seconds = float(os.environ.get("GOVPLAN_FUZZ_SECONDS") or ("60" if os.environ.get("CI") else "10"))
    if seconds <= 0:
        pytest.skip("GOVPLAN_FUZZ_SECONDS=0")
    seed = int(os.environ.get("GOVPLAN_FUZZ_SEED") or (20261208 if os.environ.get("CI") else time.time()))
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "fuzz.py"), "--seconds", str(seconds),
                             "--seed", str(seed), "--no-save"],
                            capture_output=True, text=True, timeout=seconds + 600, cwd=ROOT)
    assert result.returncode == 0, f"seed {seed}:\n{result.stdout}\n{result.stderr}"
    assert "no new failures" in result.stdout
