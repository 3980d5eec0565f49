"""JSON sources: a file holding one pin, a JSON array of pins, or JSON Lines (one pin per line).

JSON Lines is read line by line and each line is handed on as text, so a calendar of any length is
never held in memory whole and a broken line is one broken row, not a broken file. A JSON
document is one value: its elements are decoded one after the other, so that each pin keeps the
line it starts on (for ``file:line`` locations and CI annotations), and a syntax error stops the
file with its line and column.

A calendar entry may wrap the payload with what the API cannot say::

    {"pin": {...payload...}, "publish_at": "2026-12-01T10:00:00Z", "video_url": "https://…/a.mp4"}

An object is a wrapped entry when it has a ``"pin"`` key and none of ``PinCreate``'s top-level
fields (``board_id``, ``media_source``, ``title``...): a payload with a stray ``"pin"`` key stays a
payload (and gets ``pin.unknown_field``). The entry's ``"pin"`` is the payload; one that is not an
object makes the entry a malformed row (rather than a payload with unknown fields). ``publish_at``
is ISO 8601, UTC when it names no offset; ``video_url`` is checked as a video URL and probed by the
network stage, or, when it names a local file (``probes.local.local_path``), read from disk.
Any other key of the wrapper is ``calendar.entry_unknown_key``. In JSON Lines, only a line that
holds ``"pin"`` (with its quotes: a key, or a value that is just that word) is decoded here, in
whatever order its keys come; every other line is handed on as text, so that plain JSON Lines
costs one substring search more per line.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from validator.codes.calendar import (
    CALENDAR_ENTRY_UNKNOWN_KEY,
    CALENDAR_PUBLISH_DATE_INVALID,
    CALENDAR_ROW_MALFORMED,
)
from validator.codes.media import MEDIA_URL_INVALID
from validator.envelopes import PIN_KEY, described, is_calendar_entry, jq_command, pins_inside
from validator.error_findings import BROKEN_CHARACTER
from validator.errors import SourceError
from validator.findings import Finding, Location
from validator.messages import encodable, json_error, json_type, quote
from validator.parse import NON_JSON_CONSTANT, non_json_constant
from validator.probes.local import local_path
from validator.rules.common import check_media_url
from validator.slots import Slot
from validator.sources.base import (
    LINE_BREAK,
    UNDECODED,
    PinInput,
    date_only,
    not_utf8,
    spreadsheet_date_hint,
)
from validator.urls import MediaKind

__all__ = ["iter_document", "iter_lines", "run_together", "unwrap_entry"]

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()

#: The longest JSON Lines row read, in characters: an inline image at Pinterest's 20 MB limit is
#: about 27 MB of base64 (pinterest-api.md §4.1), and a carousel of five such images 134 MB.
MAX_LINE = 144 * 2**20
_TOO_LONG = (
    f"the line is longer than {MAX_LINE // 2**20} MiB, more than any pin holds (a carousel of "
    "five inline images at Pinterest's 20 MB limit is about 134 MB of base64): it was not read"
)

_TOO_LONG_FIX = (
    "Put one pin on each line (a line break between pins); an image this large goes on a "
    "server, as an image_url, not inline."
)

PUBLISH_AT_KEY = "publish_at"
VIDEO_URL_KEY = "video_url"
_WRAPPER_KEYS = (PIN_KEY, PUBLISH_AT_KEY, VIDEO_URL_KEY)
# What every wrapped entry's row holds, wherever its key stands: an export may write an id or a
# note first ({"id": 17, "pin": {...}}), and such rows were read as pins missing every field.
_QUOTED_PIN = json.dumps(PIN_KEY)


def iter_lines(stream: IO[str], source: str, origin: str | None = None) -> Iterator[PinInput]:
    """JSON Lines: one pin per non-blank line; the line's text is parsed later.

    ``source`` names the file in locations; ``origin`` (default: ``source``) is its real path,
    which local ``video_url`` paths are resolved against.
    """
    origin = origin if origin is not None else source
    index = 0
    for number, line in enumerate(_bounded_lines(stream), start=1):
        if line is None:  # longer than any pin: read past, never held whole
            location = Location(source, index, number)
            index += 1
            cut = CALENDAR_ROW_MALFORMED.finding(None, _TOO_LONG, _TOO_LONG_FIX)
            yield PinInput(location, None, True, cut)
            continue
        text = _row_text(line)
        if not text:
            continue
        location = Location(source, index, number)
        index += 1
        # An indented row keeps its indent: a column counted in it is the line's.
        indented = _indented(line) if line[0] in _INDENT else None
        if not text.isascii() and (problem := not_utf8(text, "the line")) is not None:
            yield PinInput(location, None, True, problem)
        elif _QUOTED_PIN in text:  # maybe a wrapped entry: decoded to tell
            yield _line(text, location, origin, indented)
        else:  # a plain payload: the common row, built without a call (millions of them)
            yield PinInput(location, indented or text, True)


def _row_text(line: str) -> str:
    """A row's text: stripped, and without a byte order mark at its start.

    Each file joined into one (``cat a.jsonl b.jsonl``) brings its own mark.
    """
    text = line.strip()
    return text[1:].strip() if text.startswith("\ufeff") else text


def run_together(row: PinInput) -> list[PinInput] | None:
    """The pins of a row that holds several JSON objects run together (``{...}{...}``); or None.

    A program that wrote pins one after another without line breaks (spaces, or a joined
    file's byte order mark, between them). The engine asks only of a row that failed to parse
    (its error path), so that the rows that parse pay nothing; the pytest plugin asks of every
    row it collects, since each pin must be a test item before any is checked (one regex search
    per row, which finds nothing in a row of one pin). Each pin is told apart by its column: a
    row keeps the indent of its line, so columns count from the line's start.
    """
    text = row.payload
    if not row.row or row.problem is not None or not isinstance(text, str):
        return None  # an API caller's string is one pin; an entry's "pin" string is no row
    if _JOINED.search(text) is None:
        return None
    spans: list[tuple[int, int]] = []
    broken: PinInput | None = None
    at = row.location  # a wrapped entry's local video_url is found beside the file it names
    position = _between(text, 0)
    while position < len(text):
        try:
            _, end = _DECODER.raw_decode(text, position)
        except (ValueError, RecursionError) as exc:
            if not spans or text[position] != "{":
                return None  # not objects from end to end: one broken row, as parsing words it
            broken = _broken_among(exc, at._replace(column=position + 1))
            break
        spans.append((position, end))
        position = _between(text, end)
    if len(spans) + (broken is not None) < 2:
        return None
    pins = [_line(text[start:end], at._replace(column=start + 1), None) for start, end in spans]
    return [*pins, broken] if broken is not None else pins


def _broken_among(exc: ValueError | RecursionError, location: Location) -> PinInput:
    """The rest of a row of objects run together, from one that does not parse: a broken pin.

    The objects before it are pins of their own; where the rest ends is unknown, so it is one.
    """
    if isinstance(exc, json.JSONDecodeError):  # its column counts from the line's start too
        why = f"{json_error(exc)} (column {exc.colno})"
    elif isinstance(exc, RecursionError):
        why = "it holds values nested too deeply to read"
    else:  # int() refuses over 4,300 digits
        why = "it holds a number too long to read"
    message = (
        "the JSON objects run together on this line break at the one in column "
        f"{location.column}: {why}"
    )
    problem = CALENDAR_ROW_MALFORMED.finding(None, message)
    return PinInput(location, None, row=True, problem=problem)


def _between(text: str, position: int) -> int:
    """Past the spaces (and byte order marks) at ``position``: where a next value would start."""
    match = _BETWEEN.match(text, position)
    return match.end() if match else position


def _indented(line: str) -> str | None:
    """An indented row as its line has it, when spaces and tabs alone come before its value.

    The text handed on keeps them (JSON allows them), so that columns counted in it are the
    line's. Any other space a line may start with (a no-break space, a byte order mark) is no
    JSON: the row is then taken stripped (``None`` here), as an unindented one is.
    """
    return line.rstrip() if line.lstrip(" \t")[:1] in ("{", "[") else None


# Where one JSON object ends and the next starts on the same line, and what may lie between.
_JOINED = re.compile(r"\}[ \t\ufeff]*\{")
_BETWEEN = re.compile(r"[ \t\n\r\ufeff]*")
_INDENT = " \t"


def _bounded_lines(stream: IO[str]) -> Iterator[str | None]:
    """The stream's lines, ``None`` for one longer than ``MAX_LINE`` (skipped to its end).

    A line is read at most ``MAX_LINE`` characters at a time: a 2 GB line (a runaway export)
    would otherwise be held whole, several times over, until the system killed the run.
    """
    while line := stream.readline(MAX_LINE + 1):  # a whole line of MAX_LINE, and its break
        if len(line) <= MAX_LINE or line.endswith("\n"):
            yield line
            continue
        while (rest := stream.readline(MAX_LINE)) and not rest.endswith("\n"):
            pass
        yield None


def iter_document(text: str, source: str, origin: str | None = None) -> Iterator[PinInput]:
    r"""A JSON document: an array yields its elements, anything else is one pin.

    A document followed by more JSON values (``{...}\\n{...}``) is read as JSON Lines. A byte
    that is not UTF-8 (a lone surrogate in ``text``, ``sources.utf8_text``) makes the pin that
    holds it malformed; the others are read.
    """
    text = text.removeprefix("\ufeff")
    start = _skip(text, 0)
    if start == len(text):
        raise SourceError(f"{source}: the file is empty")
    # Looked for once in the whole text: then each pin's own text only when one is there.
    undecoded = not text.isascii() and UNDECODED.search(text) is not None
    if text[start] != "[":
        yield from _single_or_lines(text, start, source, origin, undecoded)
        return
    index, line, line_start, counted = 0, 1, 0, 0  # counted: where line and line_start are at
    opening = start
    while True:  # an array; in files joined with cat (a.json b.json), the next one too
        position = _skip(text, opening + 1)
        line, line_start = _advance(text, counted, position, line, line_start)
        counted = after = position
        separator = opening  # the "[" or "," before the pin
        while not text.startswith("]", after):  # ends at the array's "]" (at once if empty)
            value, end = _decode(text, position, source)
            # A pin that shares its line with what comes before it (a minified array) is told
            # apart by its column; one that starts its line, by its line alone.
            shared = not _breaks(text, separator + 1, position)
            column = position - line_start + 1 if shared else None
            where = Location(source, index, line, column)
            yield _entry(value, text, (position, end), where, origin, undecoded)
            index += 1
            after = _skip(text, end)
            if after < len(text) and text[after] == ",":
                next_start = _skip(text, after + 1)
                line, line_start = _advance(text, position, next_start, line, line_start)
                counted = position = next_start
                separator = after
                continue
            if not text.startswith("]", after):
                raise _syntax_error(text, after, source, "expected ',' or ']' after a pin")
        opening = _between(text, after + 1)  # a joined file's byte order mark too
        if opening == len(text):
            return
        if text[opening] != "[":
            raise _syntax_error(text, opening, source, "unexpected content after the closing ']'")


def _single_or_lines(
    text: str, start: int, source: str, origin: str | None, undecoded: bool
) -> Iterator[PinInput]:
    r"""One value; or, when more follow, JSON Lines or a sequence of values.

    A first value that ends on its first line makes the text JSON Lines (a ``.json`` file or
    standard input holding them): one pin per line, a broken line one broken row. A first value
    spread over lines makes it a sequence of values (pretty-printed objects one after another):
    one pin per value, and a syntax error stops the file with its line and column, as in a
    document. Lines end at LF, CRLF or CR, not at the separators ``str.splitlines`` also knows
    (U+2028 inside a title is not a line break).
    """
    try:
        value, end = _decode(text, start, source)
    except SourceError:
        if not _object_on_next_line(text, start):
            raise
        yield from _as_lines(text, source, origin)  # JSON Lines whose first line is broken
        return
    line, line_start = _advance(text, 0, start, 1, 0)
    after = _between(text, end)  # a joined file's byte order mark too
    if after == len(text):
        _refuse_pins_inside(value, f"{source}:{line}")
        yield _entry(value, text, (start, end), Location(source, 0, line), origin, undecoded)
        return
    if LINE_BREAK.search(text, start, end) is None and not opens_alone(text, after):
        yield from _as_lines(text, source, origin)
        return
    yield _entry(value, text, (start, end), Location(source, 0, line), origin, undecoded)
    line, line_start = _advance(text, start, end, line, line_start)
    index, position = 1, after
    while position < len(text):
        shared = not _breaks(text, end, position)  # on the line the value before it ends on
        line, line_start = _advance(text, end, position, line, line_start)
        value, end = _decode(text, position, source)
        column = position - line_start + 1 if shared else None
        where = Location(source, index, line, column)
        yield _entry(value, text, (position, end), where, origin, undecoded)
        index += 1
        line, line_start = _advance(text, position, end, line, line_start)
        position = _between(text, end)


def opens_alone(text: str, position: int) -> bool:
    """Whether the value at ``position`` opens alone on its line (``{`` or ``[``, then a break).

    No line of JSON Lines does: the text is pretty-printed JSON (``jq`` without ``-c``,
    ``json.dumps(..., indent=2)``), at least from there on.
    """
    found = LINE_BREAK.search(text, position)
    return text[position : found.start() if found else len(text)].strip() in ("{", "[")


def _as_lines(text: str, source: str, origin: str | None) -> Iterator[PinInput]:
    """``text`` as JSON Lines: one pin per non-blank line, a broken line one broken row."""
    index = 0
    for number, line in enumerate(_lines_of(text), start=1):
        row = _row_text(line)
        if not row:
            continue
        location = Location(source, index, number)
        index += 1
        if not row.isascii() and (problem := not_utf8(row, "the line")) is not None:
            yield PinInput(location, None, True, problem)
            continue
        # An indented row keeps its indent: a column counted in it is the line's.
        yield _line(row, location, origin, _indented(line) if line[0] in _INDENT else None)


def _refuse_pins_inside(value: object, where: str) -> None:
    """Stop on an object that is no pin but holds a list of them (``{"items": [...]}``).

    What Pinterest's list endpoints answer, or an export's envelope, maybe inside another
    (``{"data": {"items": [...]}}``): read as one pin, it was one result of findings about its
    keys, and the pins inside were never checked.
    """
    found = pins_inside(value)
    if found is None:
        return
    raise SourceError(
        f"{where}: {described(*found)}: save the list itself as the calendar "
        f"({jq_command(found[0])} reads it out), or one pin per line (JSON Lines)"
    )


def _object_on_next_line(text: str, start: int) -> bool:
    """Whether the first non-blank line after the one at ``start`` is a JSON object on its own.

    Then a text whose first value is broken is JSON Lines with a broken first line (one broken
    row), not a broken document.
    """
    for number, row in enumerate(_lines_of(text[start:])):
        if number == 0 or not row.strip():
            continue
        try:
            return isinstance(json.loads(row), dict)
        except (ValueError, RecursionError):
            return False
    return False


def _lines_of(text: str) -> Iterator[str]:
    """The lines of ``text`` one by one: a list of them all would hold the text twice."""
    start = 0
    for match in LINE_BREAK.finditer(text):
        yield text[start : match.start()]
        start = match.end()
    yield text[start:]


def _breaks(text: str, start: int, end: int) -> int:
    """Line breaks (LF, CRLF or CR) in ``text[start:end]``."""
    return (
        text.count("\n", start, end) + text.count("\r", start, end) - text.count("\r\n", start, end)
    )


def _advance(text: str, start: int, end: int, line: int, line_start: int) -> tuple[int, int]:
    """``line`` and the index its line starts at, moved on over ``text[start:end]``."""
    breaks = _breaks(text, start, end)
    if not breaks:
        return line, line_start
    last = max(text.rfind("\n", start, end), text.rfind("\r", start, end))
    return line + breaks, last + 1


# --- wrapped calendar entries --------------------------------------------------------------------


def _line(
    text: str, location: Location, origin: str | None, indented: str | None = None
) -> PinInput:
    """A JSON Lines row: as text (parsed later), unless it is a wrapped entry.

    ``text`` is stripped; ``indented``, the row with its line's indent, is what is handed on
    when given. Bytes that are not UTF-8 are the caller's to catch (``iter_lines``,
    ``_as_lines``).
    """
    if _QUOTED_PIN in text and not non_json_constant(text):  # NaN: parsing reports the text
        try:
            value = json.loads(text)
        except (ValueError, RecursionError):
            pass  # a broken row: parsing the text later reports it
        else:
            if is_calendar_entry(value):
                return unwrap_entry(value, location, origin)
    return PinInput(location, indented or text, row=True)


def _entry(
    value: object,
    text: str,
    span: tuple[int, int],
    location: Location,
    origin: str | None,
    undecoded: bool = False,
) -> PinInput:
    """An element of a JSON document (``text[slice(*span)]``): a payload, or a wrapped entry.

    ``undecoded``: the document holds a byte that is not UTF-8 somewhere, maybe in this pin.
    """
    start, end = span
    if undecoded and (problem := not_utf8(text[start:end], "the pin")) is not None:
        return PinInput(location, None, row=True, problem=problem)
    if (text.find("NaN", start, end) >= 0 or text.find("Infinity", start, end) >= 0) and (
        non_json_constant(text[start:end])
    ):
        problem = CALENDAR_ROW_MALFORMED.finding(None, NON_JSON_CONSTANT)
        return PinInput(location, None, row=True, problem=problem)
    if isinstance(value, _Undecoded):
        return PinInput(location, str(value), row=True)
    if is_calendar_entry(value):
        return unwrap_entry(value, location, origin)
    if isinstance(value, str):  # decoded already: parsing must not read it as JSON text again
        problem = CALENDAR_ROW_MALFORMED.finding(None, "the pin is a string, not a JSON object")
        return PinInput(location, None, row=True, problem=problem)
    return PinInput(location, value, row=True)


_PIN_OBJECT = (
    'Give "pin" the payload itself, as a JSON object ({"board_id": "…", "media_source": {…}}), '
    "not text, a list or a number."
)


def unwrap_entry(entry: dict[str, object], location: Location, origin: str | None) -> PinInput:
    """The pin of a wrapped entry, with its schedule, its video and the wrapper's findings."""
    findings: list[Finding] = []
    written_date = entry.get(PUBLISH_AT_KEY)
    publish_at = _publish_at(written_date, findings)
    publish_day = (
        publish_at is not None and isinstance(written_date, str) and date_only(written_date)
    )
    slots: tuple[Slot, ...] = ()
    video_url = entry.get(VIDEO_URL_KEY)
    calendar = origin if origin is not None else location.source
    if isinstance(video_url, str) and not encodable(video_url):  # a JSON escape such as \ud800
        shown = quote(video_url)
        message = f"{VIDEO_URL_KEY} is not valid Unicode text: {shown} holds a lone surrogate"
        findings.append(MEDIA_URL_INVALID.finding(VIDEO_URL_KEY, message, BROKEN_CHARACTER))
        video_url = None  # no file is named so, and no client can send it
    local = local_path(video_url, calendar) if isinstance(video_url, str) else None
    if local is not None and isinstance(video_url, str):  # not hosted yet: checked on the file
        named = None  # read by its absolute path, named beside the calendar's name as given
        if calendar != location.source and local == Path(calendar).parent / video_url:
            named = str(Path(location.source).parent / video_url)
        slots = (Slot(VIDEO_URL_KEY, str(local), MediaKind.VIDEO, local=True, shown=named),)
    elif isinstance(video_url, str):
        found = check_media_url(video_url, VIDEO_URL_KEY, MediaKind.VIDEO)
        if found is None:
            slots = (Slot(VIDEO_URL_KEY, video_url, MediaKind.VIDEO),)
        else:
            findings.append(found)
    elif video_url is not None:
        message = f"{VIDEO_URL_KEY} is {json_type(video_url)}, not a URL string"
        findings.append(MEDIA_URL_INVALID.finding(VIDEO_URL_KEY, message))
    findings.extend(_unknown_key(key) for key in entry if key not in _WRAPPER_KEYS)
    pin = entry[PIN_KEY]
    if not isinstance(pin, dict):  # a string would be read as JSON text by parse: say what it is
        message = f'the entry\'s "pin" is {json_type(pin)}, not a JSON object (the API payload)'
        problem = CALENDAR_ROW_MALFORMED.finding(PIN_KEY, message, _PIN_OBJECT)
        return PinInput(
            location,
            pin,
            row=True,
            problem=problem,
            publish_at=publish_at,
            publish_day=publish_day,
            extra=tuple(findings),
            slots=slots,  # its video file is checked all the same
        )
    return PinInput(
        location,
        entry[PIN_KEY],
        row=True,
        publish_at=publish_at,
        publish_day=publish_day,
        extra=tuple(findings),
        slots=slots,
    )


def _publish_at(value: object, findings: list[Finding]) -> datetime | None:
    """``publish_at`` as an aware datetime (UTC when it names no offset); ``None`` if absent."""
    if value is None:
        return None
    if isinstance(value, str):
        when = _iso_datetime(value)
        if when is not None:
            when = when if when.tzinfo is not None else when.replace(tzinfo=UTC)
            try:
                when.astimezone(UTC)  # 9999-12-31T23:59-05:00 is past the last UTC moment
            except OverflowError:
                message = f"publish_at {quote(value)} is outside years 1 to 9999 in UTC"
            else:
                return when
        else:
            message = f"publish_at {quote(value)} is not an ISO 8601 date and time"
    else:
        message = f"publish_at is {json_type(value)}, not an ISO 8601 string"
    hint = _date_hint(value) if isinstance(value, str) else _ISO_HINT
    findings.append(CALENDAR_PUBLISH_DATE_INVALID.finding(PUBLISH_AT_KEY, message, hint))
    return None


def _date_hint(value: str) -> str:
    """How to write ``value``: without what follows its time (a zone's name), or as a date."""
    text = value.strip()
    # Java's ZonedDateTime and RFC 9557 write the zone's name (and more) in brackets after the
    # offset, and some tools a name after a space: ISO 8601 has no place for either.
    bare = _BRACKETED.sub("", text).rstrip()
    if bare == text:
        bare = _NAMED_ZONE.sub("", text)
    if bare != text and (when := _iso_datetime(bare)) is not None:
        left = quote(text[len(bare) :].strip())
        if when.tzinfo is not None:
            return f"Leave out {left}: {quote(bare)} says the moment already."
        return (
            f"Write the offset in place of {left} ({quote(bare + '+01:00')} for a clock an hour "
            "ahead of UTC), or the time in UTC with a Z."
        )
    rewritten = spreadsheet_date_hint(value)
    return rewritten if rewritten is not None else _ISO_HINT


# What may follow a date and time: bracketed suffixes ([Europe/Paris][u-ca=iso8601]), or a zone's
# name after a space (" Europe/Paris", " Etc/GMT+5", " UTC").
_BRACKETED = re.compile(r"(?:\s*\[[^\]]*\])+$")
_NAMED_ZONE = re.compile(r" +(?:[A-Za-z_]+(?:/[A-Za-z0-9_+-]+)+|UTC|GMT)$")

_ISO_HINT = 'Write it as "2026-12-01T10:00:00Z" (UTC) or with its offset ("...T11:00:00+01:00").'


def _iso_datetime(value: str) -> datetime | None:
    """``value`` read as ISO 8601, or ``None``.

    fromisoformat (3.11) takes any one character between the date and the time
    ("2026-06-08x12:00"); ISO 8601 takes T (or t), RFC 3339 a space too. ISO 8601 takes "z"
    for "Z", as it takes "t" for "T"; fromisoformat does not.
    """
    date = 10 if value[4:5] == "-" else 8  # 2026-06-08 (extended) or 20260608 (basic)
    if len(value) > date and value[date] not in "Tt ":
        return None
    try:
        return datetime.fromisoformat(value[:-1] + "Z" if value.endswith("z") else value)
    except ValueError:
        return None


def _unknown_key(key: str) -> Finding:
    close = difflib.get_close_matches(key, _WRAPPER_KEYS, n=1, cutoff=0.6)
    message = f"the entry has the key {quote(key)}, which a wrapped entry does not take"
    hint = f"Did you mean {quote(close[0])}? {CALENDAR_ENTRY_UNKNOWN_KEY.fix}" if close else None
    return CALENDAR_ENTRY_UNKNOWN_KEY.finding(key, message, hint)


def _decode(text: str, position: int, source: str) -> tuple[object, int]:
    """The value at ``position`` and where it ends; a ``SourceError`` at a syntax error.

    Valid JSON that Python's int() refuses (over 4,300 digits) is ``_Undecoded``: that pin is
    malformed, not the file.
    """
    try:
        return _decoded(_DECODER, text, position, source)
    except ValueError:  # int() refused a number; the value may be broken further on, too
        _, end = _decoded(_DIGITS_AS_TEXT, text, position, source)
        return _Undecoded(text[position:end]), end


def _decoded(
    decoder: json.JSONDecoder, text: str, position: int, source: str
) -> tuple[object, int]:
    """``decoder.raw_decode`` with its syntax errors as ``SourceError``s (int() refusals pass)."""
    try:
        return decoder.raw_decode(text, position)
    except json.JSONDecodeError as exc:  # its line and column count LF only: ours count CR too
        raise _syntax_error(text, exc.pos, source, json_error(exc)) from None
    except RecursionError:  # deeper than Python reads: that pin is malformed, not the file
        end = _nested_end(text, position)
        if end is None:
            raise _syntax_error(text, position, source, "a value is nested too deeply") from None
        return _Undecoded(text[position:end]), end


def _nested_end(text: str, position: int) -> int | None:
    """Where the array or object at ``position`` ends, found without recursion; ``None`` if not.

    Only the brackets are matched (strings and their escapes skipped): a value broken inside is
    still one value, which parsing then reports as a malformed pin.
    """
    depth = 0
    index = position
    while index < len(text):
        found = _STRUCTURE.search(text, index)
        if found is None:
            return None
        char = found[0]
        index = found.end()
        if char == '"':
            closing = _STRING_END.match(text, index)
            if closing is None:
                return None
            index = closing.end()
        elif char in "[{":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return index
    return None


_STRUCTURE = re.compile(r'["\[\]{}]')
_STRING_END = re.compile(r'(?:[^"\\]|\\.)*"', re.DOTALL)


class _Undecoded(str):
    """A value's JSON text, which parsing reads (and words the problem of) as a row's."""


_DIGITS_AS_TEXT = json.JSONDecoder(parse_int=str)  # finds a value's end, whatever its numbers


def _skip(text: str, position: int) -> int:
    match = _WHITESPACE.match(text, position)
    return match.end() if match else position


def _syntax_error(text: str, position: int, source: str, what: str) -> SourceError:
    line, line_start = _advance(text, 0, position, 1, 0)
    if UNDECODED.match(text, position):  # the parser stopped at a byte that is not UTF-8
        what = f"not UTF-8 text: byte 0x{ord(text[position]) - 0xDC00:02X}"
    return SourceError(f"{source}:{line}:{position - line_start + 1}: invalid JSON: {what}")
