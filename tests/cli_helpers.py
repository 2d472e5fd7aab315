"""What the CLI tests share: the app invoked in-process, and the one-line error it must print."""

from __future__ import annotations

from typing import Any

from typer.testing import CliRunner, Result

from govplan.cli import app

runner = CliRunner()


def invoke(*args: str, input: bytes | str | None = None, env: dict[str, str] | None = None,
           **kwargs: Any) -> Result:
    return runner.invoke(app, list(args), input=input, env=env, **kwargs)


def one_error_line(stderr: str) -> str:
    """The only line of ``stderr``, which must be ``Error: …``."""
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), stderr
    return lines[0]
