"""Reporters: from reports to what people and machines read.

Every format except the terminal one is a pure function ``render(reports, summary, ...) -> str``,
so tests compare strings (or parse them back). The terminal reporter builds rich ``Text`` lines,
which the CLI prints as the pins are checked, with colours only when the output is a terminal.
The CI formats (JUnit XML, GitHub annotations) also take the files that could not be read, so
that a broken calendar is a red mark in the CI's own view and not only a line on stderr.
"""

from __future__ import annotations

import enum
import re
from typing import NamedTuple

__all__ = ["ReportFormat", "Unreadable"]


class ReportFormat(enum.StrEnum):
    """The ``--format`` choices of ``pin-preflight check``."""

    TEXT = "text"
    JSON = "json"
    JUNIT = "junit"
    GITHUB = "github"

    @property
    def for_machines(self) -> bool:
        """Whether the format is read by a program, so nothing else may be mixed into it."""
        return self is not ReportFormat.TEXT


class Unreadable(NamedTuple):
    """An input file that could not be read (wholly or from some point on), with the reason.

    ``message`` is the ``SourceError``'s, which starts with the location (``file:line:column``)
    when the problem has one.
    """

    source: str
    message: str

    @property
    def line(self) -> int | None:
        """The line the message names, for annotations; ``None`` when it names none."""
        found = re.match(re.escape(self.source) + r":(\d+)(?::\d+)?: ", self.message)
        return int(found.group(1)) if found else None
