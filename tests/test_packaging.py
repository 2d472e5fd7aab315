"""The wheel carries the rule packs, and an installed govplan finds them inside the package."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_ships_the_rule_packs(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
                          capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        pytest.skip(f"cannot build a wheel here: {proc.stderr.strip()[-300:]}")
    wheel = next(tmp_path.glob("govplan-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for pack in ("numbering", "units", "deadlines", "targets", "document"):
        assert f"govplan/parsers/{pack}.yaml" in names
    assert "govplan/py.typed" in names  # the API is typed
    assert {"govplan/assets/review.css", "govplan/assets/review.js"} <= names  # the review page's style and script
