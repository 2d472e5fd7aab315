"""Rewrite the golden files from the current parser: ``python -m tests.regen_golden``.

Run it only after a deliberate change, then review ``git diff tests/golden`` line by line against
the documents before committing.
"""

from __future__ import annotations

import sys

from .golden_view import GOLDEN, SAMPLES, golden_path, render


def main() -> int:
    GOLDEN.mkdir(exist_ok=True)
    for sample in sorted(SAMPLES.glob("*.txt")):
        golden_path(sample).write_text(render(sample), encoding="utf-8")
        print(f"wrote {golden_path(sample).relative_to(GOLDEN.parent.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
