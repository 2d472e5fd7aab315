"""What a batch shows on stderr: a progress bar on a terminal, a summary table at the end."""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any

from .batch import FileResult, Summary


class BatchUI:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.live = enabled and sys.stderr.isatty()
        self.progress: Any = None
        self.task: Any = None

    def __enter__(self) -> BatchUI:
        if self.live:
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

            # the bar advances by bytes (for MB/s and the ETA); the files count is shown beside it
            self.progress = Progress(
                TextColumn("[bold]govplan batch"), BarColumn(),
                TextColumn("{task.fields[done]}/{task.fields[files]} files"),
                _rate_column(), TimeRemainingColumn(), console=Console(stderr=True), transient=True,
            )
            self.progress.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.progress is not None:
            self.progress.stop()

    def start(self, files: int, total_bytes: int) -> None:
        if self.progress is not None:
            self.task = self.progress.add_task("batch", total=total_bytes or 1, files=files, done=0)
            self.done = 0

    def advance(self, result: FileResult) -> None:
        if self.progress is not None and self.task is not None:
            self.done += 1
            self.progress.update(self.task, advance=result.size, done=self.done)

    def report(self, s: Summary, *, verbose: bool = False) -> int:
        """The summary table, on a terminal only (as the progress bar), and the files not read
        (the first ten, all with ``verbose``) wherever stderr goes; returns how many failures it
        listed."""
        if not sys.stderr.isatty():
            shown = s.not_read if verbose else s.not_read[:10]
            for item in shown:
                sys.stderr.write(f"not read: {item['path']}: {item['reason']}\n")
            if len(s.not_read) > len(shown):
                sys.stderr.write(f"… and {len(s.not_read) - len(shown)} more not read (-v lists them)\n")
            return 0
        from rich.console import Console
        from rich.table import Table

        table = Table(title="govplan batch", show_header=False, box=None, padding=(0, 2))
        table.add_column(justify="left")
        table.add_column(justify="right")
        mbps = s.bytes / 1e6 / s.seconds if s.seconds > 0 else 0.0  # one unit, as in the progress bar
        for name, value in [
            ("files", s.files), ("converted", s.ok - s.skipped), ("skipped (already current)", s.skipped),
            ("not read (not a plan format)", len(s.not_read)),
            ("failed", s.failed), ("with warnings", s.with_warnings), ("items", s.items), ("units", s.units),
            ("deadlines", s.deadlines), ("targets", s.targets), ("seconds", f"{s.seconds:.2f}"),
            ("MB/s", f"{mbps:.2f}"),
        ]:
            table.add_row(name, str(value))
        console = Console(stderr=True)
        console.print(table)
        for item in s.not_read[:10]:
            console.print(f"[yellow]not read[/]: {item['path']}: {item['reason']}", markup=True, highlight=False,
                          soft_wrap=True)
        if len(s.not_read) > 10:
            console.print(f"… and {len(s.not_read) - 10} more not read")
        for err in s.errors[:20]:
            console.print(f"[red]failed[/]: {err['path']}: {err['error']}", markup=True, highlight=False)
        if len(s.errors) > 20:
            console.print(f"… and {len(s.errors) - 20} more in errors.jsonl")
        return min(len(s.errors), 20)


def _rate_column() -> Any:
    from rich.progress import ProgressColumn, Task
    from rich.text import Text

    class Rate(ProgressColumn):
        """Speed in MB/s always (rich's own column switches between kB/s, MB/s and GB/s)."""

        def render(self, task: Task) -> Text:
            speed = task.finished_speed or task.speed
            return Text("?" if speed is None else f"{speed / 1e6:.2f} MB/s")

    return Rate()
