"""Reporters: from reports to what people and machines read.

Every format except the terminal one is a pure function ``render(reports, summary) -> str``, so
tests compare strings. The terminal reporter builds rich ``Text`` lines, which the CLI prints as
the pins are checked, with colours only when the output is a terminal.
"""

from __future__ import annotations

import enum

__all__ = ["ReportFormat"]


class ReportFormat(enum.StrEnum):
    """The ``--format`` choices of ``pin-preflight check``."""

    TEXT = "text"
    JSON = "json"
