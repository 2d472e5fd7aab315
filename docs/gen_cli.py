"""Write docs/cli.md from the commands' own --help: ``python docs/gen_cli.py``."""

from __future__ import annotations

import sys
from pathlib import Path

from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from govplan.cli import EXIT_CODES, app

OUT = Path(__file__).resolve().parent / "cli.md"
COMMANDS = ["extract", "review", "batch", "schema", "rules", "exit-codes"]


def render() -> str:
    runner = CliRunner()
    env = {"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}
    parts = ["# govplan command-line reference", "",
             "Generated from each command's `--help` by `python docs/gen_cli.py`; a test fails when it is stale.", ""]
    for args in [[], *[[c] for c in COMMANDS]]:
        result = runner.invoke(app, [*args, "--help"], env=env)
        title = " ".join(["govplan", *args])
        body = "\n".join(line.rstrip() for line in result.stdout.strip("\n").splitlines())
        parts += [f"## `{title}`", "", "```text", body, "```", ""]
    parts += ["## Exit codes", "", "| code | meaning |", "| ---- | ------- |"]
    parts += [f"| {code} | {meaning} |" for code, meaning in EXIT_CODES]
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    OUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUT}")
