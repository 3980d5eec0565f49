"""``calendar.*``: rows of calendar files (JSON Lines, CSV) and checks across the pins of a file."""

from __future__ import annotations

from typing import Final

from validator.codes.base import Code
from validator.findings import Action, Finding, Severity

CALENDAR_ROW_MALFORMED: Final = Code(
    id="calendar.row_malformed",
    severity=Severity.ERROR,
    action=Action.USER_ERROR,
    summary="A row of a calendar file cannot be read as a pin (broken JSON, not an object, ...).",
    why=(
        "A row that cannot be read is a pin that would never be published; it is reported at "
        "its line so that nothing in the calendar is silently skipped."
    ),
    fix="Repair the row at the line given: its message says what is wrong with it.",
    reference="README.md (Calendars: every row, even a broken one, gets one result)",
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

# --- Pinterest's bulk-upload CSV (Settings → Bulk create Pins) ----------------------------------
# These rows are not API payloads, so the codes below have no example payload: each is emitted by
# a file of fixtures/calendars/ in tests/sources/test_bulk_csv.py (see FILE_ONLY in the
# catalogue tests).

CALENDAR_THUMBNAIL_MISSING: Final = Code(
    id="calendar.thumbnail_missing",
    severity=Severity.ERROR,
    action=Action.USER_ERROR,
    summary="A video row of a bulk-upload CSV has no Thumbnail.",
    why=(
        "The bulk tool needs a cover for every video: a time in the video or an image URL in the "
        "Thumbnail column. Without it the video's row is refused after the upload."
    ),
    fix=(
        "Fill the Thumbnail column: a time in the video (mm:ss, or a number of seconds) or the "
        "URL of a JPEG or PNG with the video's aspect ratio."
    ),
    reference="pinterest-api.md §6 (Thumbnail: video only, then required)",
)

CALENDAR_THUMBNAIL_INVALID: Final = Code(
    id="calendar.thumbnail_invalid",
    severity=Severity.ERROR,
    action=Action.USER_ERROR,
    summary="A bulk-upload CSV Thumbnail is neither a time (mm:ss, seconds) nor a URL.",
    why=(
        "The bulk tool reads the Thumbnail as a time in the video or as an image URL; anything "
        "else leaves the video without a cover and its row is refused."
    ),
    fix="Write the time as mm:ss (01:30) or as seconds (90), or give the cover image's https URL.",
    reference="pinterest-api.md §6 (Thumbnail: mm:ss, seconds or public image URL)",
)

CALENDAR_DESCRIPTION_TOO_LONG: Final = Code(
    id="calendar.description_too_long",
    severity=Severity.ERROR,
    action=Action.USER_ERROR,
    summary="A bulk-upload CSV Description is longer than 500 characters.",
    why=(
        "The bulk tool's own limit is 500 characters, below the API's 800 "
        "(text.description_too_long); a longer description gets the row refused."
    ),
    fix="Shorten the description to 500 characters or fewer, with the key words first.",
    reference="pinterest-api.md §6 (Description ≤500 chars) and §4.4",
)

CALENDAR_DESCRIPTION_MULTILINE: Final = Code(
    id="calendar.description_multiline",
    severity=Severity.WARNING,
    action=Action.USER_ERROR,
    summary="A bulk-upload CSV Description holds a line break.",
    why=(
        "Guides to Pinterest's bulk tool give the Description as one line; a spreadsheet cell "
        "with Alt+Enter breaks may be cut at the first break or refused (third-party sources "
        "only: a warning)."
    ),
    fix="Write the description on one line: replace each line break with a space or a dash.",
    reference="pinterest-api.md §6 (Description ≤500 chars, single line [3P])",
)

CALENDAR_BOARD_MULTILINE: Final = Code(
    id="calendar.board_multiline",
    severity=Severity.ERROR,
    action=Action.USER_ERROR,
    summary="A bulk-upload CSV's Pinterest board cell holds a line break.",
    why=(
        "The bulk tool finds the board by its exact name, and no board's name holds a line "
        "break: the row is refused after the upload. A cell edited with Alt+Enter, or two names "
        "pasted into one, looks like one name in the sheet."
    ),
    fix="Write the board's name on one line, exactly as Pinterest shows it.",
    reference="pinterest-api.md §6 (Pinterest board: exact board name)",
)

CALENDAR_FORMULA_CELL: Final = Code(
    id="calendar.formula_cell",
    severity=Severity.WARNING,
    action=Action.USER_ERROR,
    summary="A text cell of a CSV calendar holds a spreadsheet formula (=CONCAT(...), =A2).",
    why=(
        "A sheet exported with its formulas instead of their values writes the formula's text "
        "into the CSV: Pinterest would publish '=CONCAT(A2, \" sale\")' as the title, "
        "description or keywords, or look for a board of that name."
    ),
    fix=(
        "Write the value into the cell: copy the column and paste it as values (Paste special, "
        "Values only), then save the CSV again."
    ),
    reference="README.md (Calendars: Pinterest's bulk-upload CSV, a spreadsheet of your own)",
)

CALENDAR_ERROR_CELL: Final = Code(
    id="calendar.error_cell",
    severity=Severity.ERROR,
    action=Action.USER_ERROR,
    summary="A cell of a CSV calendar holds a spreadsheet's error value (#REF!, #N/A, ####).",
    why=(
        "A formula that failed is exported as its error: Pinterest would publish '#NAME?' as the "
        "title or look for a board named '#REF!'. A column too narrow for its number or date "
        "shows ####, and a CSV saved from the sheet can hold that text instead of the value."
    ),
    fix=(
        "Repair the formula the error comes from (a deleted column, a misspelt function, a "
        "lookup that found nothing), or widen the column showing ####, then save the CSV again."
    ),
    reference="README.md (Calendars: Pinterest's bulk-upload CSV, a spreadsheet of your own)",
)

CALENDAR_ID_ROUNDED: Final = Code(
    id="calendar.id_rounded",
    severity=Severity.WARNING,
    action=Action.USER_ERROR,
    summary="An id in a spreadsheet of your own ends in zeros past its 15th digit (rounded?).",
    why=(
        "A spreadsheet keeps 15 significant digits of a number: an 18- or 19-digit board, "
        "section or video id typed into a number cell is saved with zeros for its last digits, "
        "and names another board, or none. A real id ends so once in a thousand (a warning)."
    ),
    fix=(
        "Format the column as text, then enter the id again as Pinterest gave it. For an id "
        "that really ends so, --ignore calendar.id_rounded."
    ),
    reference="README.md (Calendars: a spreadsheet of your own)",
)

CALENDAR_TITLE_MISSING: Final = Code(
    id="calendar.title_missing",
    severity=Severity.WARNING,
    action=Action.USER_ERROR,
    summary="A bulk-upload CSV row has a blank Title.",
    why=(
        "Sources disagree on whether the bulk tool refuses a row without a title (one guide lists "
        "Title as required, a CSV checker only warns); a pin without one is at least harder to "
        "find in search."
    ),
    fix="Give the row a title of up to 100 characters that says what the pin shows.",
    reference="pinterest-api.md §6 (Required: Title, CONFLICT)",
)

CALENDAR_PUBLISH_DATE_INVALID: Final = Code(
    id="calendar.publish_date_invalid",
    severity=Severity.ERROR,
    action=Action.USER_ERROR,
    summary="A publish date is not a date and time that can be read (yyyy-mm-ddThh:mm:ss, UTC).",
    why=(
        "A date the scheduler cannot read gets the row refused, or the pin published at a time "
        "nobody chose; spreadsheets often rewrite dates as 12/17/2026 or 17.12.26 on saving."
    ),
    fix=(
        "Write the date as yyyy-mm-dd or yyyy-mm-ddThh:mm:ss in UTC (2026-12-17T08:00:00); in a "
        "spreadsheet, format the column as text so it is saved as written."
    ),
    reference="pinterest-api.md §6 (Publish date formats, UTC)",
)

CALENDAR_PUBLISH_DATE_PAST: Final = Code(
    id="calendar.publish_date_past",
    severity=Severity.ERROR,
    action=Action.USER_ERROR,
    summary="A publish date is not in the future.",
    why=(
        "Pinterest schedules pins only for the future; a date that has passed (a date alone "
        "means 00:00 UTC, so today is already past) gets the row refused."
    ),
    fix="Choose a later date and time (UTC), or leave the date empty to publish on upload.",
    reference="pinterest-api.md §6 (Publish date: must be future)",
)

CALENDAR_PUBLISH_DATE_TOO_FAR: Final = Code(
    id="calendar.publish_date_too_far",
    severity=Severity.ERROR,
    action=Action.USER_ERROR,
    summary="A publish date is further ahead than Pinterest schedules (30 days by default).",
    why=(
        "Pinterest schedules pins only a few weeks ahead; a later date gets the row refused. "
        "Sources disagree on the window (14 or 30 days; 35 accepted in a test), so it is the "
        "schedule_window_days setting."
    ),
    fix="Move the date closer, or keep the row for a later upload.",
    reference="pinterest-api.md §6 (Scheduling window CONFLICT)",
)

CALENDAR_DUPLICATE_LINK: Final = Code(
    id="calendar.duplicate_link",
    severity=Severity.ERROR,
    action=Action.USER_ERROR,
    summary="Two rows of one bulk-upload CSV have the same Link.",
    why=(
        "The bulk tool refuses the second pin with the same destination link in one file "
        '("Duplicate Pin link"), even when its image and board differ.'
    ),
    fix=(
        "Give each row its own link (a different page, or a distinct query string such as "
        "?utm_content=pin2), or upload the second row in another file."
    ),
    reference="pinterest-api.md §6 (Link: same link twice in one file refused)",
)

CALENDAR_TOO_MANY_ROWS: Final = Code(
    id="calendar.too_many_rows",
    severity=Severity.WARNING,
    action=Action.USER_ERROR,
    summary="A bulk-upload CSV has more rows than one upload takes (200 by default).",
    why=(
        "The bulk tool takes a limited number of pins per file (200 by most sources, 100 by "
        "some: the max_calendar_rows setting); the rows past it may not be created."
    ),
    fix="Split the file into several files of at most the limit each.",
    reference="pinterest-api.md §6 (Rows per file CONFLICT)",
)

# --- Wrapped entries of JSON calendars ----------------------------------------------------------

CALENDAR_ENTRY_UNKNOWN_KEY: Final = Code(
    id="calendar.entry_unknown_key",
    severity=Severity.WARNING,
    action=Action.USER_ERROR,
    summary='A wrapped calendar entry has a key other than "pin", "publish_at" and "video_url".',
    why=(
        'A misspelt wrapper key is silently lost: a "publish_time" leaves the pin without its '
        'schedule (signed URLs are then not checked against it), a "video" leaves the video '
        "unchecked."
    ),
    fix=(
        'Use only "pin" (the API payload), "publish_at" (ISO 8601 date and time) and '
        '"video_url"; put the pin\'s own fields inside "pin".'
    ),
    reference="README.md (Calendars: wrapped entries)",
)


def duplicate_pin(earlier: object) -> Finding:
    """``calendar.duplicate_pin`` for a pin like the one at ``earlier`` (a location).

    One wording for the engine (any calendar) and the bulk CSV reader (its own rows).
    """
    return CALENDAR_DUPLICATE_PIN.finding(
        None, f"the same board, media and link as the pin at {earlier}"
    )
