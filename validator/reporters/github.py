"""GitHub Actions annotations: each finding on the line of the file where its pin starts.

Each finding is one workflow command, ``::error file=PATH,line=N,title=CODE::MESSAGE`` (or
``::warning``), which GitHub turns into an annotation on the pull request's diff and the run's
summary. Values are escaped as GitHub's own toolkit does (``@actions/core``, ``command.ts``):
``%``, CR and LF in the message; those and ``:`` and ``,`` in properties, where they would end
the value. The message keeps its remedy on a second line (LF escaped), as annotations show it.

- ``file`` is the path as given on the command line: run pin-preflight from the repository root
  with relative paths, as GitHub resolves them from there. Standard input (``<stdin>``) has no
  file, so the property is left out and the annotation belongs to the run.
- ``line`` is the line the pin starts on; a pin without one is annotated on the file as a whole
  (no ``line``) rather than on a made-up line 1, and its position is in the message.
- A file that could not be read is one ``::error`` with ``title=unreadable`` (on the line its
  message names, if any).

After the commands come the plain summary lines (pins, ok, failed, ...), which GitHub shows in the
log as they are: a lone annotation list says nothing about the pins that passed. A run with more
annotations than GitHub shows of a step says so there, since the run's page shows only those.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from validator.findings import Finding
from validator.messages import plural, printable
from validator.report import Report, Summary
from validator.reporters import Unreadable
from validator.reporters.text import summary_lines

__all__ = [
    "UNREADABLE_TITLE",
    "command",
    "ending",
    "escape_data",
    "escape_property",
    "pin_annotations",
    "render",
]

#: The annotation title of a file that could not be read.
UNREADABLE_TITLE = "unreadable"

# GitHub shows this many error and this many warning annotations of a step, 50 of a job
# (actions/toolkit, docs/problem-matchers.md, "Limitations"); the others are only in the log.
_SHOWN_A_STEP = 10


def render(
    reports: Iterable[Report], summary: Summary, unreadable: Sequence[Unreadable] = ()
) -> str:
    """Every finding as a workflow command, one per line, then the summary as plain lines."""
    return "".join(map(pin_annotations, reports)) + ending(summary, unreadable)


def pin_annotations(report: Report) -> str:
    """The lines of one pin's findings: what the command line writes as each pin is checked.

    The format is lines, so a run of 100,000 pins need not hold every report to the end.
    """
    return "".join(_annotation(report, finding) + "\n" for finding in report.findings)


def ending(summary: Summary, unreadable: Sequence[Unreadable] = ()) -> str:
    """What follows the pins: the files that could not be read, then the summary lines."""
    lines = [
        command(
            "error",
            printable(problem.message),  # it names the file: escaped as a pin's location is
            file=_file(problem.source),
            line=problem.line,
            title=UNREADABLE_TITLE,
        )
        for problem in unreadable
    ]
    lines += [line.plain for line in summary_lines(summary, unreadable)]
    errors = summary.errors + len(unreadable)
    if errors > _SHOWN_A_STEP or summary.warnings > _SHOWN_A_STEP:
        lines.append(
            f"GitHub shows {_SHOWN_A_STEP} error and {_SHOWN_A_STEP} warning annotations a step: "
            f"all {plural(errors, 'error')} and {plural(summary.warnings, 'warning')} are "
            "above."  # in the log, or in the file --output wrote: not "in this log"
        )
    return "\n".join(lines) + "\n"


def command(
    name: str,
    message: str,
    *,
    file: str | None,
    line: int | None,
    title: str | None,
    col: int | None = None,
) -> str:
    """One workflow command; properties that are ``None`` are left out.

    ``line`` (and ``col``) go only with a ``file``: a line of no file would mean nothing to
    GitHub.
    """
    if file is None:
        line = col = None
    properties = [
        f"{key}={escape_property(str(value))}"
        for key, value in (("file", file), ("line", line), ("col", col), ("title", title))
        if value is not None
    ]
    head = f"::{name} {','.join(properties)}" if properties else f"::{name}"
    return f"{head}::{escape_data(message)}"


def escape_data(text: str) -> str:
    """A message: ``%``, CR and LF as ``%25``, ``%0D``, ``%0A`` (the runner decodes them)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value: as a message, and ``:`` / ``,`` too, which would end the value."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _annotation(report: Report, finding: Finding) -> str:
    location = report.location
    field = f" ({finding.field})" if finding.field else ""
    where = printable(str(location))  # the message is shown: a file name's controls escaped
    message = f"{where}{field}: {finding.message}\n{finding.action.label}: {finding.hint}"
    return command(
        finding.severity.value,
        message,
        file=_file(location.source),
        line=location.line,
        col=location.column,
        title=finding.code,
    )


def _file(source: str) -> str | None:
    """The ``file`` property: none for ``<stdin>``, ``<input>`` and other unnamed sources.

    Control characters are escaped: a name holding one is in no repository GitHub could
    annotate, and raw it would act on the terminal the command is shown on. A ``##[`` stays:
    the line is a command, read as one (``printable``).
    """
    if source.startswith("<") and source.endswith(">"):
        return None
    return printable(source, log_commands=False)
