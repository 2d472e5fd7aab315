"""Replay every input the fuzzer (benchmarks/fuzz.py) saved under tests/fuzz_cases/: parsing does
not raise, spans lie inside the source, normalising again changes nothing."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted((ROOT / "tests" / "fuzz_cases").glob("*.txt"))


def _load(name: str, path: Path) -> ModuleType:
    """A script that is not part of a package, imported by path."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


fuzz = _load("govplan_benchmark_fuzz", ROOT / "benchmarks" / "fuzz.py")

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
