"""Pinterest's bulk-upload CSV (Settings → Bulk create Pins): one pin per row, checked here.

A row of this file is not an API payload (the board is a name, a video is a URL with a
``Thumbnail``, the date is a schedule), so this source checks each row itself and hands the engine
a ``prechecked`` ``PinInput``: ``extra`` holds the row's findings, ``slots`` the media URLs left
for the network stage. What the file must look like (pinterest-api.md §6; no official page, the
third-party sources agree on the header)::

    Title,Media URL,Pinterest board,Thumbnail,Description,Link,Publish date,Keywords

Decisions, where the sources leave room:

* Columns are matched by name, ignoring case, surrounding spaces and repeated inner spaces, in
  any order. ``Title``, ``Media URL`` and ``Pinterest board`` must be present (the reference doc
  requires all three; a checker only warns on a missing Title, but a header without it is not
  Pinterest's header); the others may be left out. An unknown, repeated or missing column is one
  ``SourceError`` for the whole file naming them all: every row would be read wrongly otherwise.
  The older spelling ``Media file URL`` is refused with its own hint, as Pinterest refuses it.
* A blank Title is a warning (``calendar.title_missing``: sources disagree on whether the tool
  refuses it); a blank Description, Link, Publish date or Keywords cell is allowed (publish on
  upload). Lines that are empty, or rows whose cells are all blank (what spreadsheets leave at
  the end), are not pins and are skipped.
* A row's kind is its Media URL's extension: a video extension (``.mp4``, ``.mov``, ``.m4v``,
  ``.3gp``, and unsupported ones such as ``.webm`` so that the message speaks of video) makes a
  video row, which needs a Thumbnail; anything else is an image row, whose Thumbnail is ignored.
* ``Publish date`` is ``yyyy-mm-dd`` or ``yyyy-mm-ddThh:mm:ss`` (also with a space for ``T``, and
  a trailing ``Z``), in UTC; a date alone is that whole day: 00:00 UTC for whether it is past
  or too far, its end for whether a signed URL outlives it.

A header that is not Pinterest's is read as a spreadsheet of the user's own when the
configuration names its columns (``Settings.csv_columns``, ``mapped_csv``); the rows and the
malformed ones are told apart here for both.

The file is read as a stream: only the keys needed to find duplicates (links; board, media and
link) are kept, never the rows.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Container, Iterable, Iterator, Sized
from datetime import UTC, datetime, timedelta
from typing import IO, NamedTuple

from validator.codes.board import BOARD_MISSING
from validator.codes.calendar import (
    CALENDAR_BOARD_MULTILINE,
    CALENDAR_DESCRIPTION_MULTILINE,
    CALENDAR_DESCRIPTION_TOO_LONG,
    CALENDAR_DUPLICATE_LINK,
    CALENDAR_FORMULA_CELL,
    CALENDAR_PUBLISH_DATE_INVALID,
    CALENDAR_PUBLISH_DATE_PAST,
    CALENDAR_PUBLISH_DATE_TOO_FAR,
    CALENDAR_ROW_MALFORMED,
    CALENDAR_THUMBNAIL_INVALID,
    CALENDAR_THUMBNAIL_MISSING,
    CALENDAR_TITLE_MISSING,
    CALENDAR_TOO_MANY_ROWS,
    duplicate_pin,
)
from validator.codes.text import TEXT_LINK_TOO_LONG, TEXT_TITLE_TOO_LONG, too_long
from validator.errors import SourceError
from validator.findings import Finding, Location
from validator.messages import folded, plural, quote
from validator.model import LINK_MAX_LENGTH, TITLE_MAX_LENGTH
from validator.rules.common import check_link, check_media_url
from validator.settings import Settings
from validator.slots import Slot
from validator.sources.base import (
    LINE_BREAK,
    PinInput,
    date_only,
    error_cell,
    not_utf8,
    spreadsheet_date_hint,
)
from validator.sources.csv_records import CELL_TOO_LONG, Record, records
from validator.sources.mapped_csv import (
    column_positions,
    mapped_cells,
    mapped_row,
    sheet_of,
)
from validator.urls import DeclaredFormat, MediaKind, declared_format, is_formula

__all__ = ["COLUMNS", "REQUIRED_COLUMNS", "iter_bulk_csv", "parse_publish_date"]

TITLE = "Title"
MEDIA_URL = "Media URL"
BOARD = "Pinterest board"
THUMBNAIL = "Thumbnail"
DESCRIPTION = "Description"
LINK = "Link"
PUBLISH_DATE = "Publish date"
KEYWORDS = "Keywords"

#: The header of Pinterest's template, in its order (pinterest-api.md §6).
COLUMNS: tuple[str, ...] = (
    TITLE,
    MEDIA_URL,
    BOARD,
    THUMBNAIL,
    DESCRIPTION,
    LINK,
    PUBLISH_DATE,
    KEYWORDS,
)
#: The columns a file must have (§6 "Required"; Title by the reference doc, see the module doc).
REQUIRED_COLUMNS: tuple[str, ...] = (TITLE, MEDIA_URL, BOARD)

_BY_KEY = {name.casefold(): name for name in COLUMNS}
# Header spellings that are known and refused, with what to write instead (§6: "older wording
# 'Media file URL' caused errors").
_RENAMED = {"media file url": MEDIA_URL}

# §6: title ≤ 100 and link ≤ 2048, as the API (§1.2: the model's limits); description ≤ 500,
# the bulk tool's own, not the API's 800.
_TITLE_MAX = TITLE_MAX_LENGTH
_DESCRIPTION_MAX = 500
_LINK_MAX = LINK_MAX_LENGTH

_VIDEO_FORMATS = (DeclaredFormat.VIDEO_OK, DeclaredFormat.VIDEO_UNSUPPORTED)
# A Thumbnail time: mm:ss (minutes unbounded: a video runs up to 15 min) or seconds.
_TIME = re.compile(r"\d{1,3}:[0-5]\d|\d+(?:\.\d+)?", re.ASCII)
# A time of day as a spreadsheet writes one: 0:05:00, 12:05:00 AM.
_CLOCK_TIME = re.compile(r"\d{1,2}:[0-5]\d:[0-5]\d(?: ?[AaPp][Mm])?", re.ASCII)
# §6 Publish date: yyyy-mm-dd, or with a time after T or a space, optionally ending in Z.
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}):(\d{2})Z?)?", re.ASCII)

DuplicateKey = tuple[str, str, str | None]


def iter_bulk_csv(
    stream: IO[str],
    source: str,
    *,
    settings: Settings,
    now: datetime,
    origin: str | None = None,
) -> Iterator[PinInput]:
    """One ``PinInput`` per data row of a CSV calendar, in order.

    Pinterest's bulk-upload CSV gives prechecked rows. A header that is not Pinterest's but holds
    every column of ``settings.csv_columns`` once is a spreadsheet of the user's own: its rows are
    API payloads (``mapped_csv``), and ``origin`` (the path as given) places their local video
    files.

    ``stream`` should be opened with ``newline=""`` (quoted line breaks and CRLF are then read as
    written); ``now`` (timezone-aware) is what publish dates are compared with. Raises
    ``SourceError`` for a file without the expected header; a bad row is findings on that row.

    A row that breaks over several lines (a quote never closed, or closed by a stray quote rows
    later) is malformed, and the lines after its first are read again as rows: no row of the
    file goes unreported (``csv_records``).
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    now = now.astimezone(UTC)  # days added across a DST change are 24 hours, as UTC's are
    shape: list[_Shape] = []  # the rows' shape, once the header is read
    rows = records(stream, suspect=lambda cells, lines: _joined_rows(cells, lines, shape))
    header, header_line = _read_header(rows, source)
    try:
        columns, positions, mapped, named = _layout(header, header_line, source, settings)
    except SourceError:
        _title_above_header(header, header_line, rows, source, settings)
        raise
    width = len(header)
    shortest = named  # a row may leave out the blank columns at the end
    shape.append(_Shape(shortest, width, _evidence(columns, positions)))
    links: dict[str, int] = {}
    pins: dict[DuplicateKey, int] = {}
    index = 0
    named_as = [folded(name) for name in header[:named]]
    read_columns = sorted(positions.values()) if mapped else range(named)
    sheet = sheet_of(positions, header)  # a mapped sheet's columns (none in a bulk CSV)
    for row in rows:
        cells, line = row.cells, row.first
        if cells is None:
            findings = [_unreadable(row)]
        elif not any(cell.strip() for cell in cells):
            continue
        elif (bad := _undecodable(cells, read_columns, mapped)) is not None:
            findings = [bad]  # first: the other findings would quote its bytes as \udce9
        elif (spaced := _spaced_quotes(row, read_columns, header, shape[0])) is not None:
            findings = [spaced]
        elif not shortest <= len(cells) <= width:
            findings = [_wrong_width(len(cells), shortest)]
        elif not mapped and (stray := _unnamed_value(cells, shortest)) is not None:
            findings = [stray]
        elif mapped and _repeats(cells, named_as):  # a bulk row is asked once it has findings
            findings = [_header_again(header_line)]
        else:
            # What the row is read for: a mapping reads its own columns, never the notes beside.
            read = mapped_cells(cells, positions) if mapped else cells
            if not any(cell.strip() for cell in read):
                continue  # only a note in a column the mapping does not read: no pin
            if mapped:
                yield mapped_row(cells, positions, sheet, Location(source, index, line), origin)
                index += 1
                continue
            else:
                values = {name: cells[i].strip() for name, i in columns.items()}
                here = Location(source, index, line)
                text = "".join(cells)  # one scan for signs of a formula or an error value
                formulas, errors = "=" in text, "#" in text or "Err:" in text
                item = _row(
                    values, here, settings, now, links, pins, formulas=formulas, errors=errors
                )
                if not item.extra or not _repeats(cells, named_as):
                    yield item
                    index += 1
                    continue
                findings = [_header_again(header_line)]  # not its cells' findings: "Link"...
        here = Location(source, index, line)
        if mapped:  # a row that is no payload: its problem is the verdict
            yield PinInput(here, None, row=True, problem=findings[0], extra=tuple(findings[1:]))
        else:
            if index == settings.max_calendar_rows:
                findings.append(_too_many(index, settings))
            yield PinInput(here, None, row=True, extra=tuple(findings), prechecked=True)
        index += 1


class _Layout(NamedTuple):
    """How a file's rows are read: by Pinterest's bulk columns, or by a sheet's own mapping."""

    columns: dict[str, int]
    """Pinterest's column → its position (none for a mapped sheet)."""
    positions: dict[str, int]
    """A mapped sheet's field → its column (none for Pinterest's own header)."""
    mapped: bool
    named: int
    """The header's columns up to its last named one."""


def _layout(header: list[str], line: int, source: str, settings: Settings) -> _Layout:
    """Pinterest's header, or else a sheet that holds every ``csv_columns`` column once.

    Pinterest's own header is tried first: a mapping made of its column names must not take it
    over. Raises ``SourceError`` for a header that is neither.
    """
    named = len(header)  # Excel keeps columns right of the data once typed in: ",,,," on each row
    while named > 1 and not header[named - 1].strip():
        named -= 1
    try:
        return _Layout(_columns(header[:named], line, source), {}, False, named)
    except SourceError as exc:
        if not settings.csv_columns or _is_separator_hint(header):  # the hint's line: no sheet
            raise
        positions, lacking, repeated = column_positions(header, settings.csv_columns)
        if repeated:
            names = ", ".join(map(quote, repeated))
            verb = "appears" if len(repeated) == 1 else "appear"
            raise SourceError(
                f"{source}:{line}: the csv-columns {_columns_word(repeated)} {names} "
                f"{verb} more than once in the header: which one holds the value?"
            ) from None
        if lacking and positions:  # a sheet of the user's own, short of columns: that first
            names = ", ".join(map(quote, lacking))
            # What is wrong with it as Pinterest's header, too: a mapping may reuse its names.
            bulk = str(exc).removeprefix(f"{source}:{line}: ").removeprefix(f"{_NOT_BULK}: ")
            raise SourceError(
                f"{source}:{line}: the header lacks the csv-columns {_columns_word(lacking)} "
                f"{names} (it has the others); as Pinterest's bulk-upload header: {bulk}"
            ) from None
        if lacking:  # none of the sheet's columns: a bulk CSV, wrong
            names = ", ".join(map(quote, lacking))
            raise SourceError(f"{exc}; nor has it every csv-columns column: no {names}") from None
        return _Layout({}, positions, True, named)


def _is_separator_hint(header: list[str]) -> bool:
    return header[0].strip().lower().startswith("sep=")


def _title_above_header(
    header: list[str], line: int, rows: Iterator[Record], source: str, settings: Settings
) -> None:
    """Say so, as a ``SourceError``, when the first row is a title above the header.

    A title is one cell ("December calendar"), and the row below it is a header. Pinterest
    reads the first row as the header: the title row must go, not be renamed.
    """
    if sum(1 for cell in header if cell.strip()) != 1 or _is_separator_hint(header):
        return
    below = next(rows, None)
    if below is None or below.cells is None:
        return
    try:
        _layout(below.cells, below.first, source, settings)
    except SourceError:
        return
    raise SourceError(
        f"{source}:{line}: the first row is a title ({quote(header[0].strip())}), not the "
        f"header, which is on line {below.first}: delete the title row, as the header must "
        "come first"
    )


def _repeats(cells: list[str], header: list[str]) -> bool:
    """Whether ``cells`` are the header's names again (``header``: folded), a mark and all."""
    first = folded(cells[0].lstrip("\ufeff"))  # alone first: a sheet's every row is asked
    return first == header[0] and [first, *map(folded, cells[1 : len(header)])] == header


def _header_again(first: int) -> Finding:
    """The finding of a row that repeats the header: files joined (``cat a.csv b.csv``)."""
    message = f"the row repeats the header of line {first}: two files joined into one?"
    hint = "Delete this row; the rows after it are read as rows of the same calendar."
    return CALENDAR_ROW_MALFORMED.finding(None, message, hint)


def _nul(text: str) -> Finding:
    """The finding of a row holding a NUL: a damaged file, or one in another encoding."""
    before = text[max(0, text.index("\x00") - 20) : text.index("\x00")]
    where = f"after {quote(before)}" if before else "at its start"
    message = f"the row holds a NUL character (byte 0) {where}"
    hint = (
        "Save the sheet again as CSV, UTF-8: a NUL is no text, but the mark of a damaged file "
        "or of another encoding (UTF-16)."
    )
    return CALENDAR_ROW_MALFORMED.finding(None, message, hint)


def _unreadable(row: Record) -> Finding:
    """The finding of a record that is no row (a broken quote, a cell too long)."""
    problem = row.problem or "the row cannot be read as CSV"
    if row.last > row.first:
        problem += f" (it runs over lines {row.first} to {row.last})"
    if row.reread:
        problem += "; the lines after its first are read as rows of their own"
    fix = _QUOTE_FIX
    if problem.startswith(CELL_TOO_LONG):
        fix = _LONG_CELL_FIX
    elif problem.startswith(_WIDTH_OVER_LINES):  # _joined_rows: no quote is known to be open
        fix = _WIDTH_OVER_LINES_FIX
    return CALENDAR_ROW_MALFORMED.finding(None, problem, fix)


_LONG_CELL_FIX = (
    "Look for a quote opened in this row and never closed, which reads the rows after it into "
    "one cell; a cell of text this long has no place in a pin (a description takes 500 "
    "characters in the bulk CSV)."
)
_QUOTE_FIX = (
    'Close the quote: a value in double quotes ends with a double quote, and a " inside it is '
    'written twice ("").'
)
_WIDTH_OVER_LINES = "the row has "
_WIDTH_OVER_LINES_FIX = (
    "Give the row as many fields as the header: a value and its comma may be missing or extra "
    "(a comma inside a value splits it unless the value is in double quotes), or a quote opened "
    'in the row may close only rows later, with a " of the text.'
)


class _Shape(NamedTuple):
    """What a row of this file looks like: how many cells, and which cells show it is one."""

    shortest: int
    widest: int
    evidence: tuple[tuple[int, Callable[[str], bool]], ...]
    """(column, test): a cell that passes its test, as written, is a row's (``_evidence``)."""


def _joined_rows(cells: list[str], lines: list[str], shape: list[_Shape]) -> str | None:
    """Why a record over several lines is rows a stray quote joined, or ``None``.

    A spreadsheet writes a cell's line breaks inside quotes, and such a record is one row: its
    text may hold comma lists on any line (keywords, hashtags, sizes, "flour, sugar, eggs"). It
    is rows joined when:

    - a line of a cell over lines reads as a row (``_reads_as_row``), its first line too (a row
      whose first cell opened the quote);
    - the line of the file a cell's quote closes on is a row the quote took in
      (``_closes_a_row``): a quote opened and closed in the same column of two rows leaves the
      count of cells right;
    - the count is wrong and a line inside a cell holds a comma: part of a row.

    ``lines`` are the record's lines as written; ``shape`` is empty while the header is read.
    """
    if not shape:
        return None
    expected = shape[0]
    inside = [line for cell in cells for line in cell.splitlines()[1:]]  # lines after a break
    fits = expected.shortest <= len(cells) <= expected.widest
    broken = [line for cell in cells if "\n" in cell or "\r" in cell for line in cell.splitlines()]
    if any(_reads_as_row(line, expected) for line in broken) or any(
        _closes_a_row(lines[last], expected, column, anywhere=not fits)
        for column, last in _closing_lines(cells)
        if last < len(lines)
    ):
        return "a quote in it runs on over the rows after it: they are read into one cell"
    if fits or not any("," in x for x in inside):
        return None
    return f"{_WIDTH_OVER_LINES}{plural(len(cells), 'field')}, the header {expected.shortest}"


def _closing_lines(cells: list[str]) -> Iterator[tuple[int, int]]:
    """(column, line) of each cell over lines: the record's line (0-based) its quote closes on."""
    line = 0
    for column, cell in enumerate(cells):
        breaks = len(LINE_BREAK.findall(cell))
        if breaks:
            yield column, line + breaks
        line += breaks


def _closes_a_row(line: str, shape: _Shape, column: int, *, anywhere: bool) -> bool:
    """Whether ``line``, where the quote of a cell in ``column`` closes, is a row it took in.

    Read as a row of its own (its closing quote a character of a cell), it has a row's cells and
    one that only a row would hold (``_reads_as_row``). With the count of cells right, the quote
    closes in its own column, after a row's cells: the line up to the quote holds ``column``
    commas, and the evidence is in what it holds. A cell's last line followed by the rest of its
    own row has the cells too, but its commas and its evidence are elsewhere (a title on two
    lines, then the row's media URL; a caption whose last line names a page, in a sheet whose
    media URL comes first). With the count wrong, ``anywhere`` on the line will do.
    """
    text = line.rstrip("\r\n")
    if not anywhere:
        quoted = text.find('"')
        if quoted < 0 or text.count(",", 0, quoted) != column:
            return False
        # The row's cells up to the quote, then the rest read as empty: a row's width.
        text = text[:quoted] + "," * (text.count(",") - column)
    return _reads_as_row(text, shape)


def _reads_as_row(line: str, shape: _Shape) -> bool:
    """Whether ``line`` is a row of the file: a row's cells, and one that only a row would hold.

    A comma list (``spring,tulips,garden``) has the cells but no media URL, link, publish date
    or board id where a row has them; a swallowed row has at least one, written as a program
    writes it (no space before it).
    """
    if line.count(",") < shape.shortest - 1:
        return False
    try:
        cells = next(csv.reader([line], strict=True), [])
    except csv.Error:
        return False
    return len(cells) >= shape.shortest and any(
        column < len(cells) and cells[column][:1].strip() and test(cells[column])
        for column, test in shape.evidence
    )


def _media_reference(cell: str) -> bool:
    """A media URL or path, as a row's media cell holds one (not a word of a list).

    A slash alone is no evidence: a recipe's "1/2 cup" or a size's "S/M" has one. A path is
    one by its start (``/``, ``./``, ``~/``, a drive letter) or its media file name.
    """
    text = cell.strip().lower()
    return (
        "://" in text
        or text.startswith(("www.", "/", "./", "../", "~/", "\\"))
        or _DRIVE.match(text) is not None
        or declared_format(text)[1] is not DeclaredFormat.UNKNOWN
    )


_DRIVE = re.compile(r"[a-z]:[\\/]")  # a Windows path: C:\media\a.jpg


def _web_address(cell: str) -> bool:
    return "://" in cell or cell.strip().lower().startswith("www.")


def _long_id(cell: str) -> bool:
    """A board or media id: Pinterest's are long strings of digits (a year is not one)."""
    text = cell.strip()
    return len(text) >= 9 and text.isascii() and text.isdigit()


def _evidence(
    columns: dict[str, int], positions: dict[str, int]
) -> tuple[tuple[int, Callable[[str], bool]], ...]:
    """The cells that show a line is a row: where the bulk header or the mapping puts them."""
    if positions:  # a mapped sheet
        tests: dict[str, Callable[[str], bool]] = {
            "image_url": _media_reference,
            "video_url": _media_reference,
            "cover_image_url": _media_reference,
            "link": _web_address,
            "board_id": _long_id,
            "media_id": _long_id,
        }
        return tuple(
            (positions[field], test) for field, test in tests.items() if field in positions
        )
    bulk: dict[str, Callable[[str], bool]] = {
        MEDIA_URL: _media_reference,
        LINK: _web_address,
        PUBLISH_DATE: lambda cell: parse_publish_date(cell.strip()) is not None,
    }
    return tuple((columns[name], test) for name, test in bulk.items() if name in columns)


def _undecodable(cells: list[str], read_columns: Iterable[int], mapped: bool) -> Finding | None:
    """Bytes that are not UTF-8 (or NULs) in the cells the row is read by.

    Asked before any other problem of the row, whose message would quote them. A mapping's notes
    are not read.
    """
    read = [cells[i] for i in read_columns if i < len(cells)] if mapped else cells
    text = ",".join(read)
    return not_utf8(text, "the row") if "\x00" not in text else _nul(text)


def _unnamed_value(cells: list[str], named: int) -> Finding | None:
    """``calendar.row_malformed`` for a value under a column the header leaves unnamed."""
    for position in range(named, len(cells)):
        if cells[position].strip():
            message = (
                f"the row has {quote(cells[position].strip(), 40)} in column {position + 1}, "
                f"which the header leaves unnamed (it names {named})"
            )
            hint = "Move the value into a named column, or delete it."
            return CALENDAR_ROW_MALFORMED.finding(None, message, hint)
    return None


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def parse_publish_date(text: str) -> datetime | None:
    """A bulk CSV ``Publish date`` as an aware UTC datetime, or ``None`` when it is not one."""
    match = _DATE.fullmatch(text)
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(part or 0) for part in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError:  # 2026-02-30, 25:00:00
        return None


# --- the header ----------------------------------------------------------------------------------


def _read_header(rows: Iterator[Record], source: str) -> tuple[list[str], int]:
    """The first non-blank row (a spreadsheet may leave empty lines above it) and its line."""
    for row in rows:
        if row.cells is None:
            why = f"the header cannot be read: {row.problem}"
            if row.problem is not None and "',' expected after '\"'" in row.problem:
                why += (  # "Title";"Media URL";...: every value quoted, another separator
                    " (if the file is separated by semicolons or tabs, save it as CSV with commas)"
                )
            raise SourceError(f"{source}:{row.first}: {why}")
        cells = row.cells
        if any(cell.strip() for cell in cells):
            if cells[0].startswith("\ufeff"):
                cells[0] = cells[0][1:]
            if (bad := not_utf8(",".join(cells), "the header")) is not None:
                raise SourceError(f"{source}:{row.first}: {bad.message}; {_lower_first(bad.hint)}")
            return cells, row.first
    raise SourceError(f"{source}: the file is empty (no header row)")


def _columns(header: list[str], line: int, source: str) -> dict[str, int]:
    """Canonical column name → position; one ``SourceError`` naming every problem otherwise."""
    if _is_separator_hint(header):  # Excel's separator hint, on request
        # "sep=," is read as the cells "sep=" and "", and an empty cell at the end is dropped.
        written = ",".join(header) if len(header) > 1 or header[0].lstrip()[4:] else "sep=,"
        separator = written.lstrip()[4:5]
        also = ""
        if separator in _SEPARATOR_NAMES:  # the rows after it are so separated too
            named = _SEPARATOR_NAMES[separator]
            also = f", then save the file as CSV with commas: it is separated by {named}"
        raise SourceError(
            f"{source}:{line}: the first line is Excel's separator hint ({quote(written)}), not "
            f"the bulk-upload header: delete that line{also}"
        )
    columns: dict[str, int] = {}
    unknown: list[str] = []
    repeated: list[str] = []
    renamed: list[tuple[str, str]] = []
    for position, cell in enumerate(header):
        key = folded(cell)
        name = _BY_KEY.get(key)
        if name is None:
            if key in _RENAMED:
                renamed.append((cell.strip(), _RENAMED[key]))
            else:
                named = quote(cell.strip()) if key else f"#{position + 1} (unnamed: delete it)"
                unknown.append(named)
        elif name in columns:
            repeated.append(quote(name))
        else:
            columns[name] = position
    missing = [quote(name) for name in REQUIRED_COLUMNS if name not in columns]
    problems = []
    if unknown:
        problems.append(f"unknown {_columns_word(unknown)} {_listed(unknown)}")
    if renamed:
        names = ", ".join(
            f"{quote(old)} (delete it: {quote(new)} is there too)"
            if new in columns
            else f"{quote(old)} (write {quote(new)})"
            for old, new in renamed
        )
        problems.append(f"Pinterest refuses the older {_columns_word(renamed)} {names}")
    if repeated:
        problems.append(f"repeated {_columns_word(repeated)} {', '.join(repeated)}")
    if missing:
        problems.append(f"missing required {_columns_word(missing)} {', '.join(missing)}")
    if problems:
        separated = ""
        for separator, name in ((";", "semicolons"), ("\t", "tabs")):  # Europe's export; TSV
            if len(header) == 1 and header[0].count(separator) >= 2:
                separated = f" (the file is separated by {name}: save it as CSV with commas)"
        raise SourceError(
            f"{source}:{line}: {_NOT_BULK}{separated}: "
            f"{'; '.join(problems)} (expected {','.join(COLUMNS)})"
        )
    return columns


_NOT_BULK = "not a Pinterest bulk-upload header"
_SEPARATOR_NAMES = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}


def _listed(names: list[str], most: int = 10) -> str:
    """The first ``most`` names, then how many more (a million empty columns made a 30 MB error)."""
    if len(names) <= most:
        return ", ".join(names)
    return f"{', '.join(names[:most])} and {len(names) - most:,} more"


def _columns_word(names: Sized) -> str:
    return "column" if len(names) == 1 else "columns"


# --- one row -------------------------------------------------------------------------------------


def _row(
    values: dict[str, str],
    location: Location,
    settings: Settings,
    now: datetime,
    links: dict[str, int],
    pins: dict[DuplicateKey, int],
    *,
    formulas: bool = True,
    errors: bool = True,
) -> PinInput:
    """Check one well-formed row; record its keys in ``links`` and ``pins`` for later rows.

    ``formulas``: whether a cell may hold a formula (an ``=`` somewhere in the row);
    ``errors``: whether one may hold a spreadsheet's error value (a ``#`` or ``Err:``).
    """
    findings: list[Finding] = []
    slots: list[Slot] = []
    title = values.get(TITLE, "")
    if len(title) > _TITLE_MAX:
        findings.append(too_long(TEXT_TITLE_TOO_LONG, TITLE, title, _TITLE_MAX))
    elif not title.strip():
        message = f"the {quote(TITLE)} column is blank: the pin would have no title"
        findings.append(CALENDAR_TITLE_MISSING.finding(TITLE, message))

    url = values.get(MEDIA_URL, "")
    kind = MediaKind.IMAGE
    if url:
        kind = MediaKind.VIDEO if declared_format(url)[1] in _VIDEO_FORMATS else MediaKind.IMAGE
    found = check_media_url(url or None, MEDIA_URL, kind)
    if found is not None:
        findings.append(found)
    else:
        slots.append(Slot(MEDIA_URL, url, kind))
    if kind is MediaKind.VIDEO:
        _thumbnail(values.get(THUMBNAIL, ""), findings, slots)

    board = values.get(BOARD, "")
    if not board:
        message = f"the {quote(BOARD)} column is blank: the row has no board"
        hint = f"Write the exact name of one of your boards in the {quote(BOARD)} column."
        findings.append(BOARD_MISSING.finding(BOARD, message, hint))
    elif "\n" in board or "\r" in board:  # §6: the board's exact name
        message = f"the board {quote(board)} runs over lines: no board's name has a line break"
        findings.append(CALENDAR_BOARD_MULTILINE.finding(BOARD, message))

    description = values.get(DESCRIPTION, "")
    if len(description) > _DESCRIPTION_MAX:
        code = CALENDAR_DESCRIPTION_TOO_LONG
        findings.append(too_long(code, DESCRIPTION, description, _DESCRIPTION_MAX))
    if "\n" in description or "\r" in description:  # §6: a single line
        lines = plural(len(description.splitlines()), "line")
        message = f"the {quote(DESCRIPTION)} runs over {lines}"
        findings.append(CALENDAR_DESCRIPTION_MULTILINE.finding(DESCRIPTION, message))

    link = values.get(LINK, "")
    if len(link) > _LINK_MAX:
        findings.append(too_long(TEXT_LINK_TOO_LONG, LINK, link, _LINK_MAX))
    elif link:
        found = check_link(link, LINK)
        if found is not None:
            findings.append(found)

    written_date = values.get(PUBLISH_DATE, "")
    publish_at = _publish_date(written_date, now, settings, findings)
    for column in _TEXT_COLUMNS if formulas else ():  # URL and date findings say so themselves
        value = values.get(column, "")
        if is_formula(value):
            message = f"the {quote(column)} cell holds a spreadsheet formula: {quote(value)}"
            findings.append(CALENDAR_FORMULA_CELL.finding(column, message))

    erred: set[str | None] = set()
    if errors:
        erring = [error_cell(value, column, column) for column, value in values.items()]
        if any(erring):  # what else its cell got ("#REF!" has no scheme...) would not say why
            erred = {error.field for error in erring if error is not None}
            findings = [finding for finding in findings if finding.field not in erred]
            findings.extend(error for error in erring if error is not None)
            board = "" if BOARD in erred else board  # no board is looked up by an error's name
    source, line = location.source, location.line or 0
    if link and LINK not in erred:  # two lookups that failed alike are no repeated link
        if link in links:
            earlier = f"{source}:{links[link]}"
            message = f"the link {quote(link)} is also the link of the row at {earlier}"
            findings.append(CALENDAR_DUPLICATE_LINK.finding(LINK, message))
        else:
            links[link] = line
    if board and url and not erred.intersection(_PIN_KEY_COLUMNS):
        key = (board, url, link or None)
        if key in pins:
            findings.append(duplicate_pin(f"{source}:{pins[key]}"))
        else:
            pins[key] = line
    if location.position == settings.max_calendar_rows:
        findings.append(_too_many(location.position, settings))

    return PinInput(
        location,
        None,
        row=True,
        publish_at=publish_at,
        publish_day=publish_at is not None and date_only(written_date),
        extra=tuple(findings),
        slots=tuple(slots),
        prechecked=True,
        title=title or None,
        board_name=board or None,
    )


# What makes two rows one pin (calendar.duplicate_pin).
_PIN_KEY_COLUMNS = frozenset({BOARD, MEDIA_URL, LINK})

# The columns whose text Pinterest would publish (or look a board up by) as written.
_TEXT_COLUMNS = (TITLE, BOARD, DESCRIPTION, KEYWORDS)

# A Thumbnail meant as an image: a path or URL, a scheme, a host, or a file name's extension.
_URL_LIKE = re.compile(r"/|^[a-z][a-z0-9+.-]*:|^www\.|\.[a-z]{2,5}$", re.IGNORECASE)


def _thumbnail(value: str, findings: list[Finding], slots: list[Slot]) -> None:
    """A video row's Thumbnail: a time in the video, or a cover image URL (probed as a cover)."""
    if not value:
        message = f"the video row has no {quote(THUMBNAIL)}: Pinterest needs a cover for it"
        findings.append(CALENDAR_THUMBNAIL_MISSING.finding(THUMBNAIL, message))
        return
    if _TIME.fullmatch(value):
        return
    if _URL_LIKE.search(value):  # meant as a URL (or a file name); "3s", "5 sec" are not
        found = check_media_url(value, THUMBNAIL, MediaKind.IMAGE)
        if found is not None:
            findings.append(found)
        else:
            slots.append(Slot(THUMBNAIL, value, MediaKind.IMAGE, cover=True))
        return
    message = f"the Thumbnail {quote(value)} is neither a time (mm:ss, seconds) nor an image URL"
    hint = None
    if _CLOCK_TIME.fullmatch(value):  # "0:05" typed into a cell became 0 hours 5 minutes
        hint = (
            "A spreadsheet read the time as hours and minutes (h:mm:ss): format the column as "
            "text and write mm:ss (0:05 for 5 seconds) or the seconds."
        )
    findings.append(CALENDAR_THUMBNAIL_INVALID.finding(THUMBNAIL, message, hint))


def _publish_date(
    value: str, now: datetime, settings: Settings, findings: list[Finding]
) -> datetime | None:
    """The row's schedule, or ``None`` (blank: publish on upload; unreadable: reported)."""
    if not value:
        return None
    when = parse_publish_date(value)
    if when is None:
        message = f"the publish date {quote(value)} is not yyyy-mm-dd or yyyy-mm-ddThh:mm:ss (UTC)"
        if _DATE.fullmatch(value):  # the form is right: 2026-02-30, 25:00
            message = f"the publish date {quote(value)} is no such day or time"
        hint = spreadsheet_date_hint(value)
        if is_formula(value):  # =TODAY()+3
            hint = "The cell holds a formula: write the date itself, yyyy-mm-dd (UTC)."
        if hint is None and (minutes := _NO_SECONDS.fullmatch(value)) is not None:
            written = f"{minutes[1]}T{minutes[2]}:00"
            if parse_publish_date(written) is not None:  # not for 2026-02-30 08:00
                hint = f"Write the seconds too: {written} (UTC)."
        if hint is None:
            hint = _iso_fix(value)
        findings.append(CALENDAR_PUBLISH_DATE_INVALID.finding(PUBLISH_DATE, message, hint))
        return None
    if when <= now:
        message = f"the publish date {quote(value)} is not after now ({_utc(now)})"
        findings.append(CALENDAR_PUBLISH_DATE_PAST.finding(PUBLISH_DATE, message))
    elif when - now > timedelta(days=settings.schedule_window_days):
        days = settings.schedule_window_days
        message = (
            f"the publish date {quote(value)} is more than {plural(days, 'day')} "
            f"after now ({_utc(now)})"
        )
        hint = f"Choose a date before {_utc(now + timedelta(days=days))}, or upload it later."
        findings.append(CALENDAR_PUBLISH_DATE_TOO_FAR.finding(PUBLISH_DATE, message, hint))
    return when


# A date and time a spreadsheet's date-time format wrote without its seconds.
_NO_SECONDS = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})[T ]([0-9]{2}:[0-9]{2})")


def _iso_fix(value: str) -> str | None:
    """How to write an ISO 8601 date the bulk tool does not read as it takes them, if it is one.

    An offset (10:30:00+01:00), fractions of a second (.000Z), an hour of one digit (8:00), a
    week date: what ``datetime.fromisoformat`` reads, given back in UTC as yyyy-mm-ddThh:mm:ss.
    """
    text = _ONE_DIGIT_HOUR.sub(r"\g<1>0\g<2>", value)
    if _DECIMAL_HOUR.search(text):  # T10.5 is 10:30 to ISO 8601, 10:00:00.5 to Python
        return None
    try:
        moment = datetime.fromisoformat(text)
        offset = moment.utcoffset()
        utc = moment.astimezone(UTC) if offset is not None else moment
    except (ValueError, OverflowError):  # no such day; a time in UTC before year 1
        return None
    day = _ISO_DAY.match(text)
    if day is not None and day.end() == len(text):  # 2026-W51-4: a day, with no time after it
        if _WEEK_ALONE.fullmatch(text):  # 2026-W51: which day is not said
            return None
        return f"Write the date as yyyy-mm-dd: {moment.date().isoformat()}."
    written = utc.strftime(_BULK_FORM)
    if offset:  # not UTC: said in UTC, as the bulk tool reads every time
        return f"Write the time in UTC, without its offset: {written}."
    return f"Write it as yyyy-mm-ddThh:mm:ss: {written} (UTC)."


_BULK_FORM = "%Y-%m-%dT%H:%M:%S"
_ONE_DIGIT_HOUR = re.compile(r"^([0-9]{4}-?[0-9]{2}-?[0-9]{2}[T ])([0-9]:)", re.ASCII)
# An ISO 8601 day as fromisoformat reads one: what follows it is a time (T10, T10:30+02:00).
_ISO_DAY = re.compile(r"[0-9]{4}-?(?:W[0-9]{2}(?:-?[1-7])?|[0-9]{2}-?[0-9]{2}|[0-9]{3})", re.ASCII)
_WEEK_ALONE = re.compile(r"[0-9]{4}-?W[0-9]{2}", re.ASCII)
# An hour or a minute with a decimal part (T10.5, T10:30,5): no seconds for Python to read it as.
_DECIMAL_HOUR = re.compile(r"[Tt ][0-9]{2}(?::?[0-9]{2})?[.,]", re.ASCII)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _spaced_quotes(
    row: Record, columns: Container[int], header: list[str], shape: _Shape
) -> Finding | None:
    """``calendar.row_malformed`` for values quoted after a space (``a, "b"``), or ``None``.

    CSV opens a quoted value only right after the comma: after a space, the quotes are part of
    the value (a board named ``"Summer"`` with its quotes), and a comma inside splits the value
    in two. Hand-written files and ``", ".join`` write them so. The row's text is read again
    with the spaces after its commas skipped: where that reads as a row no wider than the
    header and changes a cell the row is read for, that cell was quoted after a space (read so,
    a row may come out short: the next run says so). A spreadsheet's value that starts with a
    space and a quote is written inside quotes whole, its own quotes doubled, which reads the
    same either way.
    """
    if not any(' "' in line for line in row.lines):  # most rows: one substring search each
        return None
    if not _SPACE_THEN_QUOTE.search("".join(row.lines)):
        return None
    try:
        respaced = next(csv.reader(row.lines, skipinitialspace=True), [])
    except csv.Error:
        return None
    if len(respaced) > shape.widest:  # wider still: a comma the quotes do not explain
        return None
    changed = [c for c in _quoted_after_a_space(row.cells or [], respaced) if c in columns]
    if not changed:
        return None
    names = [quote(header[c].strip()) if c < len(header) else f"column {c + 1}" for c in changed]
    shown = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
    cells_word = "cells are" if len(names) > 1 else "cell is"
    message = (
        f"the {shown} {cells_word} quoted after a space ({quote(respaced[changed[0]], 30)}): "
        "CSV reads those quotes as part of the value, and a comma inside as the next cell"
    )
    hint = (
        "Remove the spaces after the commas: a quote opens a quoted value only right after the "
        'comma (,"Summer" rather than , "Summer").'
    )
    return CALENDAR_ROW_MALFORMED.finding(None, message, hint)


def _quoted_after_a_space(cells: list[str], respaced: list[str]) -> Iterator[int]:
    """The columns whose cell was quoted after a space: as read, and read with spaces skipped.

    Read as written, such a cell keeps its quotes (`` "Summer"``); one with a comma inside was
    split in two, and every cell after it moved: the walk stops there.
    """
    for column, value in enumerate(respaced):
        cell = cells[column] if column < len(cells) else ""
        if cell == value or cell.lstrip() == value:  # the same, or a plain value's spaces skipped
            continue
        written = cell.strip()
        if not (cell[:1].isspace() and written[:1] == '"'):
            return  # no quote after a space: nothing this reading tells apart
        yield column
        if written[1:-1].replace('""', '"') != value or written[-1:] != '"':
            return  # split by a comma inside its quotes: the cells after it moved


# A comma, spaces, then a quote; or a row that starts so. Spaces only: they are what the csv
# module's skipinitialspace skips (a tab before a quote reads the same either way).
_SPACE_THEN_QUOTE = re.compile(r'(?:^|,) +"')


def _wrong_width(count: int, width: int) -> Finding:
    message = f"the row has {plural(count, 'field')}, the header {width}"
    hint = (
        "A comma inside a value splits it in two: put that value in double quotes, or check "
        "that the spreadsheet saved the file with commas (not semicolons) between fields."
    )
    if count < width:
        hint = (
            "A value is missing with its comma, or the spreadsheet left out the empty cells at "
            f"the row's end (Excel does on some rows): give the row its {width} fields, empty "
            "ones included, so that each value is under its column."
        )
    return CALENDAR_ROW_MALFORMED.finding(None, message, hint)


def _too_many(position: int, settings: Settings) -> Finding:
    limit = settings.max_calendar_rows
    message = (
        f"the file has more than {plural(limit, 'row')} (this is row {position + 1}); "
        f"one bulk upload takes at most {limit}"
    )
    return CALENDAR_TOO_MANY_ROWS.finding(None, message)
