"""``calendar.*``: rows of calendar files (JSON Lines, CSV) and checks across the pins of a file."""

from __future__ import annotations

from typing import Final

from validator.codes.base import Code
from validator.findings import Action, Severity

CALENDAR_ROW_MALFORMED: Final = Code(
    id="calendar.row_malformed",
    severity=Severity.ERROR,
    action=Action.USER_ERROR,
    summary="A row of a calendar file cannot be read as a pin (broken JSON, not an object, ...).",
    why=(
        "A row that cannot be read is a pin that would never be published; it is reported at "
        "its line so that nothing in the calendar is silently skipped."
    ),
    fix="Repair the row at the line given (the message quotes the parser's complaint).",
    reference="design.md (every pin that goes in comes out with a result)",
)

CALENDAR_DUPLICATE_PIN: Final = Code(
    id="calendar.duplicate_pin",
    severity=Severity.WARNING,
    action=Action.USER_ERROR,
    summary="The same media, board and link appear twice in one calendar.",
    why=(
        "Publishing the same pin twice to one board looks like spam to Pinterest and to "
        "followers; it is usually a row copied by mistake."
    ),
    fix="Remove one of the two rows, or change its media, board or link.",
    reference="pinterest-api.md §5.3 (no duplicate error in the API; spam blocks are)",
)
