"""Measure the JSON writer: orjson over the data a Document was validated from, against pydantic's
own ``model_dump_json`` (what ``export.to_json`` used before), on the samples and the real texts.

    python benchmarks/json_writer.py
"""

from __future__ import annotations

import time
from pathlib import Path

import govplan
from govplan.export import to_json

ROOT = Path(__file__).resolve().parent.parent
INPUTS = sorted((ROOT / "samples").glob("*.txt")) + sorted((ROOT / "benchmarks" / "real" / "docs").glob("*.txt"))


def _time(fn: object, docs: list[govplan.Document], rounds: int = 40) -> float:
    # the least CPU time of many rounds: what the work costs, less what a shared machine adds
    runs = []
    for _ in range(rounds):
        start = time.process_time()
        for d in docs:
            fn(d)  # type: ignore[operator]
        runs.append(time.process_time() - start)
    return min(runs)


def main() -> None:
    docs = [govplan.parse_file(p) for p in INPUTS]
    assert all(to_json(d) == d.model_dump_json(indent=2) + "\n" for d in docs), "outputs differ"
    size = sum(len(to_json(d)) for d in docs)
    old = _time(lambda d: d.model_dump_json(indent=2) + "\n", docs)
    new = _time(to_json, docs)
    print(f"{len(docs)} documents, {size / 1e6:.1f} M characters of JSON, identical output")
    print(f"pydantic model_dump_json: {old * 1000:.1f} ms CPU")
    print(f"orjson from the built data: {new * 1000:.1f} ms CPU ({old / new:.1f}x)")


if __name__ == "__main__":
    main()
