"""The govplan benchmark: whole-pipeline speed, parallel scaling, memory and start-up time.

    python benchmarks/bench.py            # builds a >= 20 MB corpus under benchmarks/corpus/ first
    python benchmarks/bench.py --mb 5     # a smaller corpus, for a quick look

It prints, for the same corpus in the same run:
* opencc-python-reimplemented's own ``convert`` (t2s) over every file's text, characters/second;
* the whole govplan pipeline (read → … → records → JSON), single process: characters/second,
  files/second and the ratio to the conversion alone;
* ``govplan batch`` with 1 and 2 workers (JSON Lines output): throughput and the speed-up;
* peak memory (max RSS) of a batch over the corpus and over half of it (flat means streaming);
* start-up: ``govplan --help`` and ``govplan extract`` of a small plan, wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))
CORPUS = Path(__file__).resolve().parent / "corpus"

CITIES = ["梅州", "揭阳", "汕尾", "潮州", "韶关", "河源", "清远", "云浮", "阳江", "茂名", "湛江", "肇庆"]


def _vary(text: str, rng: random.Random) -> str:
    """A plausible variant of a plan: other city, other year and dates, some paragraphs dropped."""
    city = rng.choice(CITIES)
    text = re.sub("梅州|揭阳|汕尾|梅州", city, text)
    year = rng.randint(2019, 2025)
    text = re.sub(r"20(2[0-5]|19)年", lambda m: f"{year + int(m.group(1)) % 3 - 1}年", text)
    text = re.sub(r"(\d{1,2})月", lambda m: f"{rng.randint(1, 12)}月", text)
    lines = text.split("\n")
    keep = [ln for ln in lines if rng.random() > 0.05 or not ln.strip()]
    return "\n".join(keep)


def build_corpus(mb: float, seed: int = 20260101) -> list[Path]:
    """Write varied copies of the samples until the corpus holds ``mb`` megabytes."""
    want = int(mb * 1_000_000)
    existing = sorted(CORPUS.rglob("*.txt")) if CORPUS.exists() else []
    if existing and sum(p.stat().st_size for p in existing) >= want:
        return existing
    if CORPUS.exists():
        shutil.rmtree(CORPUS)
    rng = random.Random(seed)
    texts = [p.read_text(encoding="utf-8") for p in SAMPLES]
    size = 0
    k = 0
    out: list[Path] = []
    while size < want:
        sample = k % len(texts)
        folder = CORPUS / CITIES[k % len(CITIES)]
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{k:05d}-{SAMPLES[sample].stem}.txt"
        text = _vary(texts[sample], rng)
        data = text.encode("gb18030") if k % 7 == 3 else text.encode("utf-8")
        path.write_bytes(data)
        out.append(path)
        size += len(data)
        k += 1
    return out


def _rate(chars: int, seconds: float) -> str:
    return f"{chars / seconds / 1e6:6.2f} M chars/s"


def bench_convert(texts: list[str]) -> float:
    import opencc

    conv = opencc.OpenCC("t2s")
    conv.convert("預熱")
    t0 = time.perf_counter()
    for text in texts:
        conv.convert(text)
    return time.perf_counter() - t0


def bench_pipeline(paths: list[Path]) -> tuple[float, int]:
    import govplan
    from govplan.export import render

    govplan.parse_text("一、预热\n(一)预热。(市局负责)\n")
    t0 = time.perf_counter()
    items = 0
    for path in paths:
        doc = govplan.parse_file(path)
        render(doc, "json")
        items += sum(1 for p in doc.plans for _ in p.items)
    return time.perf_counter() - t0, items


def bench_batch(folder: Path, workers: int) -> tuple[float, int]:
    """Wall time and max RSS (KiB) of `govplan batch` in a child process."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "items.jsonl"
        code = (
            "import resource, sys, time\n"
            "from govplan.batch import BatchRequest, run_batch\n"
            "t0 = time.perf_counter()\n"
            f"s = run_batch(BatchRequest(inputs=[{str(folder)!r}], jsonl=__import__('pathlib').Path({str(out)!r}),"
            f" workers={workers}, force=True))\n"
            "el = time.perf_counter() - t0\n"
            "rss = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
            " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
            "print(el, rss, s.failed)\n"
        )
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        el, rss, failed = proc.stdout.split()
        if int(failed):
            raise SystemExit(f"batch had {failed} failures")
        return float(el), int(rss)


def bench_startup() -> tuple[float, float]:
    exe = [sys.executable, "-m", "govplan"]
    small = ROOT / "samples" / "jieyang-2022.txt"
    runs = []
    for args in (["--help"], ["extract", str(small)]):
        best = float("inf")
        for _ in range(3):
            t0 = time.perf_counter()
            subprocess.run(exe + args, capture_output=True, check=True)
            best = min(best, time.perf_counter() - t0)
        runs.append(best)
    return runs[0], runs[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=20.0, help="corpus size in MB (default 20)")
    ap.add_argument("--json", action="store_true", help="print the numbers as JSON as well")
    args = ap.parse_args()

    paths = build_corpus(args.mb)
    from govplan.read import read_path

    texts = [read_path(p).text for p in paths]
    chars = sum(len(t) for t in texts)
    nbytes = sum(p.stat().st_size for p in paths)
    print(f"corpus: {len(paths)} files, {nbytes / 1e6:.1f} MB, {chars / 1e6:.2f} M characters "
          f"({CORPUS.relative_to(ROOT)})")
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, {sys.platform}")

    t_conv = bench_convert(texts)
    print(f"opencc-python-reimplemented convert (t2s): {_rate(chars, t_conv)}  ({t_conv:.1f} s)")
    t_pipe, _ = bench_pipeline(paths)
    print(f"govplan pipeline, 1 process:              {_rate(chars, t_pipe)}  ({t_pipe:.1f} s, "
          f"{len(paths) / t_pipe:.1f} files/s)  = {t_conv / t_pipe:.1f}x the conversion alone")

    t1, rss1 = bench_batch(CORPUS, 1)
    t2, rss2 = bench_batch(CORPUS, 2)
    print(f"govplan batch, 1 worker:                  {_rate(chars, t1)}  ({len(paths) / t1:.1f} files/s, "
          f"max RSS {rss1 / 1024:.0f} MiB)")
    print(f"govplan batch, 2 workers:                 {_rate(chars, t2)}  ({len(paths) / t2:.1f} files/s, "
          f"max RSS {rss2 / 1024:.0f} MiB)  = {t1 / t2:.2f}x one worker")
    half = Path(tempfile.mkdtemp())
    try:
        for p in paths[: len(paths) // 2]:
            shutil.copy(p, half / p.name)
        _, rss_half = bench_batch(half, 1)
    finally:
        shutil.rmtree(half)
    print(f"peak memory, 1 worker: half corpus {rss_half / 1024:.0f} MiB, whole corpus {rss1 / 1024:.0f} MiB")
    help_s, extract_s = bench_startup()
    print(f"start-up: govplan --help {help_s:.2f} s, govplan extract (small plan) {extract_s:.2f} s")
    if args.json:
        print(json.dumps({
            "files": len(paths), "megabytes": nbytes / 1e6, "characters": chars,
            "opencc_chars_per_s": chars / t_conv, "pipeline_chars_per_s": chars / t_pipe,
            "ratio_to_opencc": t_conv / t_pipe, "batch1_s": t1, "batch2_s": t2, "speedup_2_workers": t1 / t2,
            "rss_half_kib": rss_half, "rss_whole_kib": rss1, "help_s": help_s, "extract_s": extract_s,
            "max_rss_self_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
