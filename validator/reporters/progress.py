"""The progress line on standard error: a spinner, the pins checked so far, failures, pins/s.

A calendar of 10,000 pins with network checks runs for minutes; without a sign of life people
interrupt it. The line is drawn only when someone is watching: standard error is a terminal, the
run is not on a CI machine (``CI`` set, as GitHub Actions, GitLab and most others do: their logs
would keep every frame), and standard output is not carrying a machine format (JSON, JUnit XML,
annotations) that a program is reading, where the person is not looking at the terminal. The
total is unknown (files are read as they are checked, never counted first), so it is a spinner
with counts rather than a bar. It is transient: when the run ends it disappears, leaving the
report.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import TextIO

from rich.console import Console, RenderableType
from rich.progress import (
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from validator.messages import printable
from validator.report import Report
from validator.reporters import ReportFormat

__all__ = ["PinProgress", "in_ci", "is_terminal", "wanted"]

_NOT_CI = frozenset({"", "0", "false", "no"})


def wanted(
    report_format: ReportFormat,
    *,
    to_file: bool,
    stderr_is_terminal: bool,
    environ: Mapping[str, str],
) -> bool:
    """Whether to draw the progress line (see the module's docstring for why each condition)."""
    if not stderr_is_terminal or in_ci(environ):
        return False
    return to_file or not report_format.for_machines


def in_ci(environ: Mapping[str, str]) -> bool:
    """``CI`` is set to anything but an explicit no (``CI=false`` is a person saying it is not)."""
    value = environ.get("CI")
    return value is not None and value.strip().lower() not in _NOT_CI


def is_terminal(stream: TextIO) -> bool:
    """Whether ``stream`` is a terminal; a closed or fake stream (tests' capture) is not."""
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class _Rate(ProgressColumn):
    """Pins per second since the run began.

    Not rich's own estimate: it divides by the time between the first and the latest pin, so a
    slow server before the first pin was left out (2 pins in 9 s showed as 303 pins/s).
    """

    def render(self, task: Task) -> Text:
        elapsed = task.elapsed
        if not elapsed or elapsed < _RATE_AFTER:  # a rate of the first instants says nothing
            return Text("– pins/s", style="dim")
        rate = task.completed / elapsed
        return Text(f"{rate:,.{1 if rate < 10 else 0}f} pins/s", style="dim")


_RATE_AFTER = 1.0  # seconds


class PinProgress:
    """A context manager counting reports as they come; ``print`` writes above the line.

    Lines printed while the progress line is drawn must go through its console, which clears the
    line, prints, and draws it again; a line written to the terminal past it would be overwritten
    by the next frame or leave a stale frame behind.
    """

    def __init__(self, console: Console) -> None:
        self.console = console
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}", markup=False),  # a file name is no markup
            TextColumn("{task.completed:,.0f} pins"),
            TextColumn("[red]{task.fields[failed]:,} failed"),
            _Rate(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self._task: TaskID = self._progress.add_task("Checking", total=None, failed=0)
        self._failed = 0

    def __enter__(self) -> PinProgress:
        self._progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._progress.stop()

    def source(self, name: str) -> None:
        """Name the file being read."""
        self._progress.update(self._task, description=f"Checking {printable(name)}")

    def advance(self, report: Report) -> None:
        """Count one more pin (and one more failure when it failed)."""
        self._failed += not report.ok
        self._progress.update(self._task, advance=1, failed=self._failed)

    def print(self, renderable: RenderableType) -> None:
        """Print above the progress line."""
        self.console.print(renderable)
