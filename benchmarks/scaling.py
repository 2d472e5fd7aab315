"""Work grows linearly with the input: the time for twice the input over the time for the input,
per kind of input, must stay under 3 (issue 9; a quadratic stage gives about 4).

    python benchmarks/scaling.py             # about 1 MB per input kind, then twice that
    python benchmarks/scaling.py --kb 300    # a quicker look

Kinds: the samples with LF, CRLF, CR CR LF (a double conversion) and CR line ends; an item-dense
text (``一、`` on every line); one long line without line ends; a task table, tab-separated. Each
is parsed in process (read → … → records, then JSON), the best of ``--repeat`` runs counted.
Exit status 1 when a ratio reaches the limit. Not a unit test: timings on a shared machine are
too noisy for one.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import govplan  # noqa: E402
from govplan.export import render  # noqa: E402

LIMIT = 3.0


def _samples() -> str:
    return "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "samples").glob("*.txt")))


def _table_row(k: int) -> str:
    return f"{k}\t推进第{k}项改革任务，完成率达到90%以上\t市发改局\t市财政局、市住建局\t2025年12月底前\n"


KINDS: dict[str, Callable[[int], str]] = {
    # each: a text of about n characters
    "LF": lambda n: _fit(_samples(), n),
    "CRLF": lambda n: _fit(_samples(), n).replace("\n", "\r\n"),
    "CR CR LF": lambda n: _fit(_samples(), n).replace("\n", "\r\r\n"),
    "CR": lambda n: _fit(_samples(), n).replace("\n", "\r"),
    "item-dense": lambda n: "一、\n" * (n // 3),
    "one line": lambda n: _fit(_samples(), n).replace("\n", "。"),
    "table": lambda n: "附件\n重点任务分工表\n序号\t任务\t牵头单位\t配合单位\t完成时限\n"
                       + "".join(_table_row(k) for k in range(1, n // 40 + 1)),
}


def _fit(text: str, n: int) -> str:
    return (text * (n // len(text) + 1))[:n]


def _time(text: str, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        render(govplan.parse_text(text), "json")
        best = min(best, time.perf_counter() - started)
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kb", type=int, default=1000, help="size of the 1x input in thousands of characters")
    ap.add_argument("--repeat", type=int, default=2, help="runs per size; the best counts (default 2)")
    args = ap.parse_args(argv)
    govplan.parse_text("一、热身\n")  # imports and rule packs, outside the timings
    n = args.kb * 1000
    failed = []
    print(f"{'input':<12} {'1x (s)':>8} {'2x (s)':>8} {'ratio':>6}")
    for name, make in KINDS.items():
        one = _time(make(n), args.repeat)
        two = _time(make(2 * n), args.repeat)
        ratio = two / one if one > 0 else float("inf")
        print(f"{name:<12} {one:8.2f} {two:8.2f} {ratio:6.2f}{'  FAIL' if ratio >= LIMIT else ''}", flush=True)
        if ratio >= LIMIT:
            failed.append(name)
    print(f"every ratio under {LIMIT:g}" if not failed else f"not linear: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
