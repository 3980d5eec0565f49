"""The terminal report: each pin with problems, its findings and what to do, then a summary.

Lines are rich ``Text`` objects so that severities can be coloured on a terminal; ``render``
gives the same report as plain text (for files and tests).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator, Sequence

from rich.text import Text

from validator.findings import Action, Finding, Severity
from validator.messages import plural, printable, quote
from validator.report import Report, Summary
from validator.reporters import Unreadable

__all__ = [
    "TOP_CODES",
    "Line",
    "Verbosity",
    "pin_lines",
    "pin_pieces",
    "pin_plain",
    "render",
    "summary_lines",
    "top_codes",
]

_SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow"}


class Verbosity(enum.IntEnum):
    """Which pins are listed: only failing ones, those with any finding, or all."""

    QUIET = 0
    NORMAL = 1
    VERBOSE = 2


#: One line as (text, style) pieces: rendered with rich for a terminal, joined for a file. Text
#: for a pipe is built without rich, which costs ~0.1 ms a line (a quarter of a big run's time).
Line = tuple[tuple[str, str], ...]


def pin_lines(report: Report, verbosity: Verbosity = Verbosity.NORMAL) -> Iterator[Text]:
    """The lines of one pin, styled: a header, then each finding with its remedy."""
    for pieces in pin_pieces(report, verbosity):
        yield Text.assemble(*pieces)


def pin_plain(report: Report, verbosity: Verbosity = Verbosity.NORMAL) -> str:
    """``pin_lines`` as plain text, each line ending in a newline; empty for an unlisted pin."""
    out: list[str] = []  # one flat list and one join: a big run writes tens of thousands
    for pieces in pin_pieces(report, verbosity):
        for text, _ in pieces:
            out.append(text)
        out.append("\n")
    return "".join(out)


def pin_pieces(report: Report, verbosity: Verbosity = Verbosity.NORMAL) -> Iterator[Line]:
    """The lines of one pin as pieces; none for a pin the verbosity does not list."""
    errors = report.errors
    findings = errors if verbosity == Verbosity.QUIET else report.findings
    if not findings and verbosity < Verbosity.VERBOSE:
        return
    yield _header(report, len(errors))
    for finding in findings:
        yield from _finding_lines(finding)


def _header(report: Report, errors: int) -> Line:
    warnings = len(report.findings) - errors
    if errors:
        mark, style = "✗", "bold red"
    elif warnings:
        mark, style = "!", "yellow"
    else:
        mark, style = "✓", "green"
    title = f" {quote(report.title, 50)}" if report.title else ""
    counts = []
    if errors:
        counts.append(plural(errors, "error"))
    if warnings:
        counts.append(plural(warnings, "warning"))
    tail = " — " + ", ".join(counts) if counts else ""
    # A file name is the user's, and may hold a line break or an escape sequence: shown escaped.
    where = printable(str(report.location))
    return ((mark, style), (" ", ""), (where, "bold"), (title, ""), (tail, "dim"))


def _finding_lines(finding: Finding) -> Iterator[Line]:
    field = f" ({finding.field})" if finding.field else ""
    yield (
        ("    ", ""),
        (finding.severity.value, _SEVERITY_STYLE[finding.severity]),
        (" ", ""),
        (finding.code, "bold"),
        (field, "cyan"),
        (f": {finding.message}", ""),
    )
    yield (("      ", ""), (f"{finding.action.label}: ", "bold"), (finding.hint, "dim"))


#: How many codes the summary names, most frequent first.
TOP_CODES = 5
_NAMED_FILES = 3  # unreadable files the summary names; the others are counted


def summary_lines(summary: Summary, unreadable: Sequence[Unreadable] = ()) -> Iterator[Text]:
    """The closing summary: pins, ok, failed; files not read; remedies; the most frequent codes.

    The remedies tell who has to act (the author fixes input, someone reconnects the account,
    nobody but time fixes a 503); the top codes tell a team with a 10,000-row calendar which
    mistake to fix at its source first. A file that could not be read is named here too: its
    error was said as it happened, maybe thousands of lines up a CI log, and the exit status 2
    it brings is otherwise unexplained at the end.
    """
    line = Text()
    line.append(f"{plural(summary.pins, 'pin')} checked: ")
    line.append(f"{summary.ok} ok", style="green" if summary.ok else "")
    line.append(", ")
    line.append(f"{summary.failed} failed", style="bold red" if summary.failed else "")
    line.append(
        f" · {plural(summary.errors, 'error')}, {plural(summary.warnings, 'warning')}", style="dim"
    )
    yield line
    if unreadable:
        names = ", ".join(printable(problem.source) for problem in unreadable[:_NAMED_FILES])
        if len(unreadable) > _NAMED_FILES:
            names += f" and {len(unreadable) - _NAMED_FILES} more"
        said = f"{plural(len(unreadable), 'file')} not read, or not to the end: {names} (see above)"
        yield Text(said, style="bold red")
    if summary.by_action:
        parts = [
            f"{action.label}: {summary.by_action.get(action, 0)}"
            for action in Action
            if summary.by_action.get(action)
        ]
        yield Text("Errors by remedy: " + " · ".join(parts), style="dim")
    top = top_codes(summary)
    if top:
        parts = [f"{code} ×{count}" for code, count in top]
        others = len(summary.by_code) - len(top)
        if others:
            parts.append(f"{plural(others, 'other code')}")
        yield Text("Top codes: " + " · ".join(parts), style="dim")


def top_codes(summary: Summary, limit: int = TOP_CODES) -> list[tuple[str, int]]:
    """The ``limit`` most frequent codes and their counts; ties in code order (stable output)."""
    ranked = sorted(summary.by_code.items(), key=lambda item: (-item[1], item[0]))
    return ranked[:limit]


def render(
    reports: Iterable[Report],
    summary: Summary,
    verbosity: Verbosity = Verbosity.NORMAL,
    unreadable: Sequence[Unreadable] = (),
) -> str:
    """The whole terminal report as plain text, for ``--output``.

    The files that could not be read are in it too, as they are on the terminal (there, on
    standard error).
    """
    pins = "".join(pin_plain(report, verbosity) for report in reports)
    lines = [f"✗ unreadable: {printable(problem.message)}" for problem in unreadable]
    lines += [line.plain for line in summary_lines(summary, unreadable)]
    return (pins + "\n" if pins else "") + "\n".join(lines) + "\n"
