"""Reports: one per pin that went in, and the summary of a run.

A ``Report`` is what the Python API returns and what every output format renders. It is frozen
and holds only the findings and where the pin came from, not the payload: a run over a 100,000-row
calendar keeps every report in memory, so each must stay small.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from validator.findings import Action, Finding, Location, Severity

__all__ = ["Report", "Summary", "Tally"]


@dataclass(frozen=True, slots=True)
class Report:
    """The verdict on one pin: ``ok`` when no finding is an error.

    ``title`` is the pin's title when it has one, for people reading a list of results.
    """

    location: Location
    findings: tuple[Finding, ...] = ()
    title: str | None = None

    @property
    def ok(self) -> bool:
        """No error-severity finding: Pinterest should accept the pin (warnings allowed)."""
        return not any(finding.severity is Severity.ERROR for finding in self.findings)

    @property
    def errors(self) -> tuple[Finding, ...]:
        """The findings that make the pin fail."""
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        """The findings worth fixing that do not make the pin fail."""
        return tuple(f for f in self.findings if f.severity is Severity.WARNING)

    @property
    def codes(self) -> frozenset[str]:
        """The distinct codes found, for quick membership tests."""
        return frozenset(f.code for f in self.findings)

    def by_action(self) -> dict[Action, tuple[Finding, ...]]:
        """Error findings grouped by remedy: what to fix, reconnect, or retry later."""
        grouped: dict[Action, list[Finding]] = {}
        for finding in self.errors:
            grouped.setdefault(finding.action, []).append(finding)
        return {action: tuple(found) for action, found in grouped.items()}

    @property
    def action(self) -> Action | None:
        """The one thing to do first, or ``None`` when the pin is ok.

        Input fixes come first: reconnecting or waiting will not help a pin that is refused
        anyway. Then reconnecting, then retrying.
        """
        actions = {finding.action for finding in self.errors}
        for action in (Action.USER_ERROR, Action.REFRESH_TOKEN, Action.RETRY):
            if action in actions:
                return action
        return None

    def to_dict(self) -> dict[str, object]:
        """The pin's entry in the versioned JSON report."""
        return {
            "source": self.location.source,
            "location": str(self.location),
            "ok": self.ok,
            "findings": [finding.to_dict() for finding in self.findings],
        }


@dataclass(frozen=True, slots=True)
class Summary:
    """Counts over the reports of a run."""

    pins: int = 0
    ok: int = 0
    errors: int = 0
    warnings: int = 0
    by_action: Mapping[Action, int] = field(default_factory=dict)
    by_code: Mapping[str, int] = field(default_factory=dict)

    def __hash__(self) -> int:
        """A frozen summary hashes like a report (its counts' dicts alone cannot)."""
        by_action, by_code = frozenset(self.by_action.items()), frozenset(self.by_code.items())
        return hash((self.pins, self.ok, self.errors, self.warnings, by_action, by_code))

    @property
    def failed(self) -> int:
        """Pins with at least one error."""
        return self.pins - self.ok

    @classmethod
    def of(cls, reports: Iterable[Report]) -> Summary:
        """Count ``reports`` in one pass."""
        tally = Tally()
        for report in reports:
            tally.add(report)
        return tally.summary()

    def to_dict(self) -> dict[str, int]:
        """The summary block of the versioned JSON report."""
        return {
            "pins": self.pins,
            "ok": self.ok,
            "failed": self.failed,
            "errors": self.errors,
            "warnings": self.warnings,
        }


class Tally:
    """A ``Summary`` counted as reports go by, for a run that need not keep them all.

    The terminal report prints each pin as it comes and only then the summary: kept reports
    would cost a 100,000-row calendar its memory and the garbage collector's time for nothing.
    """

    def __init__(self) -> None:
        self._pins = self._ok = self._errors = self._warnings = 0
        self._by_action: Counter[Action] = Counter()
        self._by_code: Counter[str] = Counter()

    def add(self, report: Report) -> None:
        """Count one more report."""
        self._pins += 1
        pin_ok = True
        for finding in report.findings:
            self._by_code[finding.code] += 1
            if finding.severity is Severity.ERROR:
                self._errors += 1
                pin_ok = False
                self._by_action[finding.action] += 1
            else:
                self._warnings += 1
        self._ok += pin_ok

    def summary(self) -> Summary:
        """The counts so far."""
        return Summary(
            self._pins,
            self._ok,
            self._errors,
            self._warnings,
            dict(self._by_action),
            dict(self._by_code),
        )
