"""The pipeline's cost in executed instructions, this checkout against an earlier revision.

    python benchmarks/instructions.py --rev 674e584          # 24 corpus files, about 10 minutes
    python benchmarks/instructions.py --rev HEAD~5 --files 8
    python benchmarks/instructions.py --rev 674e584 --against HEAD   # two commits, not the work tree

Wall-clock speed on a shared machine moves by ±30 % from run to run, which hides the few per cent a
change costs. valgrind's callgrind counts instructions instead: the same count for the same code
and input whatever else the machine is doing. For each tree (this checkout, and ``--rev`` taken
with ``git archive``) it counts a parse of the first ``--files`` files of the benchmark corpus and
a parse of a two-line plan (start-up, imports and compiling the rule packs), and prints the difference
per input byte. The speed benchmark's ratio to opencc's ``convert`` moves inversely with it, since
that conversion is the same code in both trees.

Needs valgrind (Debian: ``apt install valgrind``) and git.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

# what bench.py times: parse_file, then the JSON the CLI writes
_CHILD = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import govplan
from govplan.export import render
files = [Path(p) for p in sys.argv[3:]]
if sys.argv[2] == "full":
    for f in files:
        render(govplan.parse_file(f), "json")
else:
    render(govplan.parse_text("一、预热\\n(一)预热。(市局负责)\\n"), "json")
"""


def count(tree: Path, mode: str, files: list[Path]) -> int:
    """Instructions callgrind counts for one run of the child script."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        proc = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable, "-c", _CHILD,
             str(tree), mode, *map(str, files)],
            capture_output=True, text=True, env=env, check=False)
        m = re.search(r"Collected : (\d+)", proc.stderr)
        if proc.returncode != 0 or m is None:
            sys.exit(f"error: callgrind failed on {tree}: {proc.stderr.strip().splitlines()[-1:]}")
        return int(m.group(1))


def per_byte(tree: Path, files: list[Path]) -> float:
    size = sum(f.stat().st_size for f in files)
    return (count(tree, "full", files) - count(tree, "tiny", files)) / size


def _checkout(rev: str, where: Path) -> Path:
    """The tree of ``rev`` in ``where`` (git archive)."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], capture_output=True, check=False)
    if archive.returncode != 0:
        sys.exit(f"error: git archive {rev}: {archive.stderr.decode(errors='replace').strip()}")
    where.mkdir(parents=True)
    subprocess.run(["tar", "-x", "-C", str(where)], input=archive.stdout, check=True)
    return where


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rev", required=True, help="the git revision to compare with")
    ap.add_argument("--against", help="a revision to measure instead of this work tree")
    ap.add_argument("--files", type=int, default=24, help="corpus files to parse (default 24)")
    args = ap.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("error: valgrind is not installed (Debian: apt install valgrind)")
    from bench import build_corpus

    files = sorted(build_corpus(5))[: args.files]
    with tempfile.TemporaryDirectory() as tmp:
        before = per_byte(_checkout(args.rev, Path(tmp) / "before"), files)
        after = per_byte(_checkout(args.against, Path(tmp) / "after") if args.against else ROOT, files)
    size = sum(f.stat().st_size for f in files)
    print(f"{len(files)} corpus files, {size / 1e6:.1f} MB")
    print(f"{args.rev:>12}: {before:10.0f} instructions per input byte")
    name = args.against or "this tree"
    print(f"{name:>12}: {after:10.0f} instructions per input byte ({(after / before - 1) * 100:+.1f} %)")
    print(f"speed ratio to opencc convert, relative to {args.rev}: {before / after:.3f}")


if __name__ == "__main__":
    main()
