"""Findings: the one value every check produces.

A finding says what is wrong with one pin, where in the payload, and what to do about it. It is
frozen so that reports can be shared between threads, cached and compared in tests. Rules never
build findings by hand: they ask a catalogue entry (`validator.codes.Code.finding`), which stamps
the code's severity, category and action, so that those can never disagree with the catalogue.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import NamedTuple

__all__ = ["Action", "Finding", "Location", "Severity"]


class Severity(enum.StrEnum):
    """How bad a finding is: an error means Pinterest would refuse the pin."""

    ERROR = "error"
    WARNING = "warning"


class Action(enum.StrEnum):
    """The remedy, after the three answers of Pinterest's own error reference.

    The value is what publishing code can switch on: retrying a ``user-error`` or a
    ``refresh-token`` finding with the same payload fails again.
    """

    USER_ERROR = "user-error"
    REFRESH_TOKEN = "refresh-token"  # noqa: S105 - the name of a remedy, not a secret
    RETRY = "retry"

    @property
    def label(self) -> str:
        """The short imperative shown to people ("Fix input")."""
        return _ACTION_LABELS[self]


_ACTION_LABELS = {
    Action.USER_ERROR: "Fix input",
    Action.REFRESH_TOKEN: "Reconnect",
    Action.RETRY: "Retry later",
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem with one pin.

    ``field`` is a path into the payload as the user wrote it (``media_source.items[2].url``),
    or ``None`` for problems of the pin as a whole. ``message`` quotes the value seen and the limit;
    ``hint`` says exactly what to change. Match on ``code``: messages may be reworded.
    """

    code: str
    severity: Severity
    action: Action
    field: str | None
    message: str
    hint: str

    @property
    def category(self) -> str:
        """The part of the code before the dot (``board``, ``media``, ...)."""
        return self.code.partition(".")[0]

    @property
    def retryable(self) -> bool:
        """Whether sending the same pin again later can succeed."""
        return self.action is Action.RETRY

    @property
    def is_error(self) -> bool:
        """Whether this finding makes the pin fail."""
        return self.severity is Severity.ERROR

    def to_dict(self) -> dict[str, object]:
        """The finding as in the versioned JSON report (field names are part of the contract)."""
        return {
            "code": self.code,
            "severity": self.severity.value,
            "category": self.category,
            "action": self.action.value,
            "retryable": self.retryable,
            "field": self.field,
            "message": self.message,
            "hint": self.hint,
        }


class Location(NamedTuple):
    """Where a pin came from, so that every result can be traced back to its input.

    ``source`` is a file path as given on the command line, ``<stdin>``, or ``<input>`` for pins
    handed to the Python API. ``line`` is 1-based (JSON Lines, CSV rows, array elements);
    ``position`` is the 0-based position of the pin within its source. A named tuple rather than a
    frozen dataclass: one is made for every pin read, and a tuple is several times cheaper.
    """

    source: str
    position: int
    line: int | None = None
    column: int | None = None
    """1-based, only where the line alone does not tell pins apart (a minified JSON array)."""

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.source}[{self.position}]"
        if self.column is not None:
            return f"{self.source}:{self.line}:{self.column}"
        return f"{self.source}:{self.line}"
