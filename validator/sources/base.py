"""The unit every source yields: one pin's payload and where it came from."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import NamedTuple

from validator.codes.calendar import CALENDAR_ERROR_CELL, CALENDAR_ROW_MALFORMED
from validator.findings import Finding, Location
from validator.messages import quote
from validator.slots import Slot

__all__ = ["LINE_BREAK", "UNDECODED", "PinInput", "not_utf8"]

#: A line end as the readers count lines: LF, CRLF or CR (not the other separators
#: ``str.splitlines`` knows: U+2028 inside a title is no line break).
LINE_BREAK = re.compile(r"\r\n|\r|\n")

# Calendars are decoded with errors="surrogateescape": a byte that is not UTF-8 comes
# through as one of these, so that one bad row is one finding and the rows around it still count.
UNDECODED = re.compile("[\udc80-\udcff]")
_SAVE_AS_UTF8 = "Save the file as UTF-8 (in a spreadsheet: CSV UTF-8), or fix the characters at it."


class PinInput(NamedTuple):
    """One pin as read from its source, before parsing.

    ``payload`` is whatever the source holds (a dict, a JSON text, a ``PinCreate``); parsing
    decides what it is worth. ``row`` says it came from a file, so that a payload which is no pin
    at all is reported as a broken row of that file. ``problem`` is set instead of a payload when
    the source could not even cut the pin out (a CSV row with the wrong number of columns).
    A named tuple, as one is made for every pin read.

    Calendars add what an API payload cannot say: ``publish_at``; ``extra``, findings the source
    decided itself (a publish date in the past, a link used twice in the file); ``slots``, media
    to check beside the payload's (a video file before its upload). A ``prechecked`` row is not
    an API payload at all (a row of Pinterest's bulk-upload CSV): the source checked its columns,
    and ``extra`` and ``slots`` are its whole offline verdict.
    """

    location: Location
    payload: object
    row: bool = False
    problem: Finding | None = None
    publish_at: datetime | None = None
    """When the pin is scheduled to go out (calendars say): signed URLs must outlive it."""
    publish_day: bool = False
    """``publish_at`` is a day's start: the calendar gave a date without a time, so the pin may
    go out at any time that day, and signed URLs must outlive the whole day."""
    extra: tuple[Finding, ...] = ()
    slots: tuple[Slot, ...] = ()
    prechecked: bool = False
    title: str | None = None
    """The row's title for display, when ``prechecked`` (parsing finds it otherwise)."""
    board_name: str | None = None
    """The board a ``prechecked`` row names (the bulk CSV names boards, the API takes ids):
    kept for the account checks, which look it up among the account's boards."""
    columns: tuple[tuple[str, str], ...] = ()
    """A row of a sheet of the user's own: each field's path and the column it was read from,
    so that findings name the column as the sheet's header writes it."""


def not_utf8(text: str, what: str) -> Finding | None:
    """``calendar.row_malformed`` if ``text`` (``what``: "the line") holds a byte that is not UTF-8.

    Costs one ``isascii`` for the usual row; only a row with other characters is searched.
    """
    if text.isascii():
        return None
    found = UNDECODED.search(text)
    if found is None:
        return None
    byte = ord(found.group()) - 0xDC00
    before = text[max(0, found.start() - 20) : found.start()]
    where = f"after {quote(before)}" if before else "at its start"
    message = f"{what} is not UTF-8 text: byte 0x{byte:02X} {where}"
    return CALENDAR_ROW_MALFORMED.finding(None, message, _SAVE_AS_UTF8)


def date_only(text: str) -> bool:
    """Whether a publish date as written is a day without a time: ``2026-12-01``, ``20261201``.

    The pin may then go out at any time that day (``PinInput.publish_day``). ISO week dates
    (``2026-W49-1``, ``2026W49``: the week's Monday when no day is given) are days too, as
    ``datetime.fromisoformat`` reads them for a JSON ``publish_at``.
    """
    return _DATE_ONLY.fullmatch(text) is not None


_DATE_ONLY = re.compile(
    r"[0-9]{4}(?:-?[0-9]{2}-?[0-9]{2}|-W[0-9]{2}(?:-[1-7])?|W[0-9]{2}[1-7]?)", re.ASCII
)


def spreadsheet_error(cell: str) -> tuple[str, str] | None:
    """What a cell holding a spreadsheet's error value shows, and its fix; ``None`` if no error.

    Excel's, Google Sheets' and LibreOffice's errors (``#REF!``, ``#N/A``, ``Err:502``), and the
    ``####`` a column too narrow for its value shows. Told by the whole cell: a title that
    mentions ``#N/A`` is a title.
    """
    first = cell[:1]
    if first != "#" and first != "E":  # every cell of every row is asked: the usual answer
        return None
    if cell in _ERROR_VALUES or (cell[:4] == "Err:" and cell[4:].isdigit()):
        return f"the spreadsheet error {cell}", _FORMULA_FAILED
    if first == "#" and len(cell) >= 3 and not cell.strip("#"):
        return f"{cell}, what a spreadsheet shows of a value too wide for its column", _TOO_NARROW
    return None


def error_cell(value: str, field: str, column: str) -> Finding | None:
    """``calendar.error_cell`` if ``value`` is a spreadsheet's error, else ``None``.

    ``column``: the cell's column as the file's header writes it, which the message names.
    """
    error = spreadsheet_error(value)
    if error is None:
        return None
    return CALENDAR_ERROR_CELL.finding(
        field, f"the {quote(column)} cell holds {error[0]}", error[1]
    )


# Excel's error values, with those of its newer functions; Google Sheets adds #ERROR!.
_ERROR_VALUES = frozenset({
    "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
    "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!",
    "#EXTERNAL!", "#PYTHON!", "#ERROR!",
})  # fmt: skip
_FORMULA_FAILED = "Repair the formula it comes from in the sheet, then save the CSV again."
_TOO_NARROW = "Widen the column in the sheet until the value shows, then save the CSV again."


def spreadsheet_date_hint(value: str) -> str | None:
    """How to write a date a spreadsheet rewrote in its own style, or ``None`` if it is no such.

    A date cell is exported as the locale shows it (12/17/2026, 17.12.2026 08:00), or, in a cell
    formatted as a number, as the spreadsheet's serial number of the day (46373 is 2026-12-17;
    a fraction is the time of day, on the spreadsheet's clock). The date meant is given back as
    it should be written, to the nearest second for a serial number (Excel writes 8:00 as
    .3333333333); both readings of a day and month that could be either (03/05/2027).
    """
    text = value.strip()
    if "/" in text or _DOTTED_DATE.match(text):
        readings = _locale_readings(text)
        if not readings:
            return (
                "A spreadsheet rewrote the date: format the column as text and write the date as "
                "yyyy-mm-dd, or yyyy-mm-ddThh:mm:ss with a time (UTC)."
            )
        written = " or ".join(readings) + (", whichever it means," if len(readings) > 1 else "")
        if "T" not in readings[0]:
            return (
                "A spreadsheet rewrote the date: format the column as text and write "
                f"{written.rstrip(',')} (yyyy-mm-dd)."
            )
        # The time is on the spreadsheet's clock, which need not be UTC: not handed back as UTC.
        clock = readings[0][11:16]
        return (
            "A spreadsheet rewrote the date: format the column as text and write the date and "
            f"time in UTC, as yyyy-mm-ddThh:mm:ss: {written} if {clock} on the spreadsheet's "
            "clock is UTC."
        )
    named = _NAMED_MONTH.fullmatch(text) or _MONTH_FIRST.fullmatch(text)
    if named is not None and (day := _named_date(named)) is not None:  # 17-Dec-2026
        return (
            "A spreadsheet rewrote the date: format the column as text and write "
            f"{day} (yyyy-mm-dd)."
        )
    if _SERIAL_DATE.fullmatch(text):
        seconds = round(float(text.replace(",", ".")) * 86_400)
        moment = _SPREADSHEET_EPOCH + timedelta(seconds=seconds)
        return (
            f"A spreadsheet wrote the date as its serial number ({text} is "
            f"{moment.isoformat(timespec='seconds')} on its clock): format the column as text "
            "and write the date and time in UTC."
        )
    return None


def _named_date(found: re.Match[str]) -> str | None:
    """The ISO date of a date written with its month's English name, if there is such a day."""
    written = found["month"].lower()
    months = [number for number, name in enumerate(_MONTH_NAMES, 1) if name.startswith(written)]
    if written == "sept":
        months = [9]
    year = int(found["year"]) + (2000 if len(found["year"]) == 2 else 0)
    try:
        return datetime(year, months[0], int(found["day"])).date().isoformat() if months else None
    except ValueError:  # 31-Feb-2027
        return None


def _locale_readings(text: str) -> list[str]:
    """The ISO dates a locale's date (and time) may stand for: none, one, or two.

    17.12.2026 is day first (the dotted form is European); 2026/12/17 year first; 12/17/2026
    and 17/12/2026 are told apart by the number over 12, and 03/05/2027 is both. A two-digit
    year is this century's.
    """
    found = _LOCALE_DATE.fullmatch(text)
    if found is None:
        return []
    first, separator, second, third = found["a"], found["sep"], found["b"], found["c"]
    if len(first) == 4:
        if separator != "/":  # 2026.12.17 is no locale's
            return []
        orders = [(first, second, third)]
    elif separator == ".":
        orders = [(third, second, first)]
    else:
        orders = [(third, first, second), (third, second, first)]  # month first, then day first
    time = _time_of(found)
    if time is None:
        return []
    readings: list[str] = []
    for year, month, day in orders:
        full_year = int(year) + 2000 if len(year) == 2 else int(year)
        try:
            moment = datetime(full_year, int(month), int(day), *time)
        except ValueError:  # no such day, or an hour past 23
            continue
        written = moment.isoformat() if found["hour"] else moment.date().isoformat()
        if written not in readings:
            readings.append(written)
    return readings


def _time_of(found: re.Match[str]) -> tuple[int, int, int] | None:
    """The time of day a locale's date holds, on a 24-hour clock: midnight if none is written.

    ``None`` for a 12-hour time past 12 (13:00 PM); datetime() refuses the other impossible ones.
    """
    if not found["hour"]:
        return (0, 0, 0)
    hour, minute, second = int(found["hour"]), int(found["minute"]), int(found["second"] or 0)
    half = (found["half"] or "").lower()
    if half and not 1 <= hour <= 12:
        return None
    if half == "pm" and hour != 12:
        hour += 12
    elif half == "am" and hour == 12:
        hour = 0
    return (hour, minute, second)


_LOCALE_DATE = re.compile(
    r"(?P<a>[0-9]{1,2}|[0-9]{4})(?P<sep>[/.])(?P<b>[0-9]{1,2})(?P=sep)(?P<c>[0-9]{2}|[0-9]{4})"
    r"(?:[ T]+(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2})(?::(?P<second>[0-9]{2}))?"
    r"(?:\s*(?P<half>[AaPp][Mm]))?)?",
    re.ASCII,
)
# 17.12.2026, 17.12.26 (a time may follow); a day number of late 2008 to 2064 (39,800 to
# 59,999), its time if any (Excel writes at most 15 significant digits).
_DOTTED_DATE = re.compile(r"[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{2,4}(?![0-9.])")
# Excel's d-mmm-yy and d-mmm-yyyy (17-Dec-26, 17-Dec-2026), and a long date (December 17, 2026).
_NAMED_MONTH = re.compile(
    r"(?P<day>[0-9]{1,2})[- ](?P<month>[A-Za-z]{3,9})\.?[- ](?P<year>[0-9]{2}|[0-9]{4})", re.ASCII
)
_MONTH_FIRST = re.compile(
    r"(?P<month>[A-Za-z]{3,9})\.? (?P<day>[0-9]{1,2}),? (?P<year>[0-9]{4})", re.ASCII
)
_MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
)  # fmt: skip
_SERIAL_DATE = re.compile(r"(?:39[89][0-9]{2}|[45][0-9]{4})(?:[.,][0-9]{1,12})?")
_SPREADSHEET_EPOCH = datetime(1899, 12, 30)  # day 0 of Excel's (and Sheets') 1900 date system
