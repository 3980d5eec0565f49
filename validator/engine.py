"""The engine: the one pipeline behind the Python API, the CLI and the pytest plugin.

``sources`` cut the input into ``PinInput``s; ``check`` parses each one, runs the offline rules
and stamps the run's severity policy; the result is one ``Report`` per pin, in input order.
Nothing here raises for a bad pin: exceptions are left for programming errors.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator

from validator.codes.calendar import CALENDAR_ROW_MALFORMED
from validator.codes.pin import PIN_MALFORMED
from validator.findings import Finding, Severity
from validator.model import PinCreate
from validator.parse import Parsed, parse
from validator.report import Report
from validator.rules import rules_for
from validator.settings import Settings
from validator.sources import PinInput

__all__ = ["Engine"]


class Engine:
    """Checks pins against one set of settings."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings if settings is not None else Settings()

    def check(self, item: PinInput) -> Report:
        """The offline verdict on one pin."""
        if item.problem is not None:
            return Report(item.location, self._policy([item.problem]))
        parsed = parse(
            item.payload, malformed=CALENDAR_ROW_MALFORMED if item.row else PIN_MALFORMED
        )
        findings = list(parsed.findings)
        if parsed.pin is not None:
            self._run_rules(parsed.pin, parsed, findings)
        return Report(item.location, self._policy(findings), parsed.title)

    def check_all(self, items: Iterable[PinInput]) -> Iterator[Report]:
        """``check`` over a stream of pins, lazily, in order."""
        for item in items:
            yield self.check(item)

    def _run_rules(self, pin: PinCreate, parsed: Parsed, findings: list[Finding]) -> None:
        """Append the rules' findings, except on fields that parsing already reported."""
        settings = self.settings
        for rule in rules_for(pin):  # one dict lookup: the rules of this pin's kind of media
            found = rule(pin, settings)
            if found:
                findings.extend(f for f in found if not parsed.covers(f.field))

    def _policy(self, findings: list[Finding]) -> tuple[Finding, ...]:
        """Apply ``strict``: every warning becomes an error (the run's choice, not the code's)."""
        if not findings:
            return ()
        if self.settings.strict:
            return tuple(
                dataclasses.replace(f, severity=Severity.ERROR)
                if f.severity is Severity.WARNING
                else f
                for f in findings
            )
        return tuple(findings)
