"""Replay every input the fuzzer (benchmarks/fuzz.py) saved under tests/fuzz_cases/: parsing does
not raise, spans lie inside the source, normalising again changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from .gold_compare import load_script

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted((ROOT / "tests" / "fuzz_cases").glob("*.txt"))

fuzz = load_script("govplan_benchmark_fuzz", ROOT / "benchmarks" / "fuzz.py")

# Failures in stages other than normalise, left to their owners: file → the traceback's last line.
KNOWN: dict[str, str] = {}


def test_every_known_failure_is_a_saved_case() -> None:
    assert set(KNOWN) <= {p.name for p in CASES}


@pytest.mark.parametrize("path", [
    pytest.param(p, marks=pytest.mark.xfail(strict=True, reason=KNOWN[p.name])) if p.name in KNOWN else p
    for p in CASES
], ids=lambda p: p.name)
def test_fuzz_case(path: Path) -> None:
    found = fuzz.check(fuzz.load(path), 60.0)
    assert found is None, found
