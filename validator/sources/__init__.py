"""Sources: from what the user names (files, standard input, Python objects) to ``PinInput``s.

A source never raises for a bad pin; it raises ``SourceError`` only when a file as a whole cannot
be read (missing, not text, broken JSON document), with the location in the message.
"""

from __future__ import annotations

import codecs
import io
import os
import re
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from validator.errors import SourceError
from validator.probes.sniff import Container, sniff
from validator.settings import Settings
from validator.sources.base import LINE_BREAK, PinInput
from validator.sources.bulk_csv import iter_bulk_csv
from validator.sources.json_ import iter_document, iter_lines, opens_alone
from validator.sources.objects import API_SOURCE, from_objects

__all__ = [
    "API_SOURCE",
    "STDIN",
    "PinInput",
    "display_name",
    "from_objects",
    "load",
    "source_name",
    "stdin_text",
    "utf8_text",
]

#: How standard input is named, on the command line (``-``) and in reports.
STDIN = "<stdin>"
#: What a file ``load`` refuses should have been.
CALENDAR = "a calendar (JSON, JSON Lines or CSV)"
_LINES_SUFFIXES = (".jsonl", ".ndjson")
_CSV_SUFFIX = ".csv"
# UTF-32-LE's BOM starts like the first; UTF-32-BE's is told apart too (``_utf16``).
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE)
#: The largest JSON document read (it is read whole): 100,000 pins take about 55 MB.
MAX_DOCUMENT = 256 * 2**20
_SNIFFED = 64  # first bytes that tell a video or an image from text
_CHUNK = 2**20  # what a pipe's document is read by
_BINARY = frozenset({Container.PDF, Container.GZIP})


def load(
    name: str,
    *,
    settings: Settings | None = None,
    now: datetime | None = None,
    origin: str | None = None,
    shown: str | None = None,
) -> Iterator[PinInput]:
    """The pins of the file ``name`` (``-`` is standard input, read as JSON), in order.

    A ``.csv`` file is Pinterest's bulk-upload CSV, checked row by row here, or a spreadsheet of
    the user's own when ``settings.csv_columns`` names its columns: ``settings`` gives the limits
    and the columns (the defaults when ``None``), and ``now`` the moment publish dates must
    follow (the clock when ``None``; pass the engine's, so that one run has one "now").

    Text must be UTF-8. A byte that is not makes its pin (or row) malformed, and the others are
    read (``base.not_utf8``): in a JSON document and standard input too, which are read whole.

    ``origin`` (default: ``name``) is the path local ``video_url`` files are found beside when
    they are probed, later: an absolute one holds even if the working directory changes.
    ``shown`` (default: ``name``, printable) is how reports name the file.
    """
    if name == "-":  # also a descriptor 0 opened for writing only (0>>file): a SourceError
        text = document_text("-", CALENDAR, lenient=True)
        yield from _document(text, STDIN, None, "standard input")
        return
    path = Path(name)
    shown = shown if shown is not None else display_name(name)
    origin = origin if origin is not None else name
    with _reading(shown, CALENDAR):
        suffix = path.suffix.lower()
        # One open, for a named pipe (<(jq ...)) too: its first bytes are read once, looked at,
        # and handed on ahead of the rest.
        with path.open("rb") as opened:
            head = opened.read(_SNIFFED)
            _refuse_no_text(head, shown)
            raw = io.BufferedReader(_Ahead(head, opened))
            if suffix == _CSV_SUFFIX:
                # newline="": quoted line breaks and CRLF reach the csv module as written (RFC
                # 4180); utf-8-sig drops the byte order mark spreadsheets write.
                with io.TextIOWrapper(
                    raw, encoding="utf-8-sig", errors="surrogateescape", newline=""
                ) as stream:
                    yield from iter_bulk_csv(
                        stream,
                        shown,
                        settings=settings if settings is not None else Settings(),
                        now=now if now is not None else datetime.now(UTC),
                        origin=origin,
                    )
            elif suffix in _LINES_SUFFIXES and not _opens_alone(head):
                with io.TextIOWrapper(raw, encoding="utf-8", errors="surrogateescape") as stream:
                    yield from iter_lines(stream, shown, origin)
            else:
                data = _read_document(opened, shown, head, rewind=True)
                text = utf8_text(data, shown, lenient=True)
                yield from _document(text, shown, origin, "a file not named .csv")


def _opens_alone(head: bytes) -> bool:
    """Whether a file's first value opens alone on its first line (``json_.opens_alone``).

    In a file named as JSON Lines, read by lines, each line of it was a broken row (16 results
    for 2 pins): it is read as a document instead, which knows pretty-printed values.
    """
    text = head.decode("utf-8", "replace").removeprefix("\ufeff")
    start = len(text) - len(text.lstrip(" \t\r\n"))
    return LINE_BREAK.search(text, start) is not None and opens_alone(text, start)


def _document(text: str, shown: str, origin: str | None, read: str) -> Iterator[PinInput]:
    """``iter_document``, its error saying how to name a CSV calendar when ``text`` is one.

    Only a ``.csv`` name makes a file a CSV calendar: standard input, a named pipe (``<(...)``)
    or ``pins.txt`` are read as JSON, and fail on the header line. ``read`` names what was.
    """
    try:
        yield from iter_document(text, shown, origin)
    except SourceError as exc:
        if _CSV_HEADER.match(text) is None:
            raise
        raise SourceError(
            f"{exc} ({read} is read as JSON or JSON Lines: name a CSV calendar by its file, "
            "ending in .csv)"
        ) from None


def source_name(name: str) -> str:
    """How reports name the source given as ``name``: ``<stdin>`` for ``-``, else its name."""
    return STDIN if name == "-" else display_name(name)


def display_name(name: str) -> str:
    """``name`` as reports show it: a file name's bytes that are not UTF-8 become U+FFFD.

    Python hands such bytes over as lone surrogates, which no UTF-8 output can hold.
    """
    if name.isascii():
        return name
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def stdin_text(expected: str = CALENDAR, *, lenient: bool = False) -> str:
    """Standard input as UTF-8 (strictly: the locale may say another encoding, or none).

    Refused as ``document_text`` refuses a file; ``expected`` says what it should have been.
    ``lenient`` as for ``utf8_text``.
    """
    if sys.stdin is None:  # started with standard input closed (<&-)
        raise SourceError(f"{STDIN}: standard input is closed")
    binary = getattr(sys.stdin, "buffer", None)
    if binary is None:  # replaced by a text stream (tests, a host program)
        return sys.stdin.read()
    head = binary.read(_SNIFFED)  # a video piped in is refused before it is read on
    _refuse_no_text(head, STDIN, expected)
    data = _read_document(binary, STDIN, head, rewind=False, expected=expected)
    return utf8_text(data, STDIN, lenient=lenient)


def document_text(name: str, expected: str, *, lenient: bool = False) -> str:
    """The UTF-8 text of the file ``name`` (``-``: standard input), read whole.

    Read as ``load`` reads a JSON document: refused unread when its first bytes are an image, a
    video or other binary data, and once it passes ``MAX_DOCUMENT``. ``expected`` says what it
    should have been (``explain`` reads an API response so); ``lenient`` as for ``utf8_text``.
    """
    if name == "-":
        with _reading(STDIN, expected):
            return stdin_text(expected, lenient=lenient)
    shown = display_name(name)
    with _reading(shown, expected), Path(name).open("rb") as opened:
        head = opened.read(_SNIFFED)
        _refuse_no_text(head, shown, expected)
        data = _read_document(opened, shown, head, rewind=True, expected=expected)
    return utf8_text(data, shown, lenient=lenient)


@contextmanager
def _reading(shown: str, expected: str) -> Iterator[None]:
    """What reading the file ``shown`` may raise, as the ``SourceError`` that says it."""
    try:
        yield
    except MemoryError:
        raise SourceError(f"{shown}: too large to read into memory") from None
    except FileNotFoundError:
        raise SourceError(f"{shown}: no such file") from None
    except IsADirectoryError:
        raise SourceError(f"{shown}: is a directory, not {expected}") from None
    except OSError as exc:
        raise SourceError(f"{shown}: cannot read it: {exc.strerror or exc}") from None


# A first line of comma-separated words, no JSON: a CSV calendar piped in (cat pins.csv | ...).
_CSV_HEADER = re.compile(r"\ufeff?[^\[{\r\n]*,[^\r\n]*,")


def utf8_text(data: bytes, source: str, *, lenient: bool = False) -> str:
    """``data`` decoded strictly as UTF-8; a ``SourceError`` naming ``source`` and the line.

    ``lenient``: a byte that is not UTF-8 stands in the text as a lone surrogate (Python's
    ``surrogateescape``), for a calendar's reader to make that pin malformed and read the
    others (``base.not_utf8``). A UTF-16 file is refused all the same: every line of it would be.
    """
    if data.startswith(_UTF16_BOMS):
        raise _utf16(source, data)
    if lenient:
        return data.decode("utf-8", "surrogateescape")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        start = exc.start  # lines end at LF, CRLF or CR, as a document's syntax errors count them
        line = 1 + data.count(b"\n", 0, start) + data.count(b"\r", 0, start)
        line -= data.count(b"\r\n", 0, start)
        raise SourceError(
            f"{source}:{line}: not UTF-8 text (byte 0x{data[exc.start]:02X} at offset {exc.start})"
        ) from None


def _refuse_no_text(head: bytes, source: str, expected: str = CALENDAR) -> None:
    """Stop at once on a file that is no text calendar, from its first bytes.

    A glob (``content/*``) picks up the videos beside the calendars: read as a JSON document, a
    50 GB one was read whole into memory, to end in "Expecting value". A UTF-16 file is one
    error, not a malformed row per line.
    """
    if head.startswith(_UTF16_BOMS):
        raise _utf16(source, head)
    controls = len(_CONTROL_BYTES.findall(head))
    if not controls:  # text (a JSON key "free" is no QuickTime atom)
        return
    container = sniff(head)
    if container.is_image or container.is_video or container in _BINARY:
        raise SourceError(f"{source}: is {container.a_label}, not {expected}")
    if head.count(0) <= _STRAY_CONTROLS and _utf8_start(head):
        # UTF-8 text with control characters in its first rows (DELs in a title, which JSON
        # allows; a NUL, which it does not): each row is read and judged, none is lost. Binary
        # data is seldom UTF-8, and UTF-16 text without its BOM has a NUL every other byte.
        return
    raise SourceError(f"{source}: is binary data (or UTF-16 text), not UTF-8 text: not {expected}")


def _utf8_start(head: bytes) -> bool:
    """Whether ``head`` is UTF-8, but for a character the first bytes' end may cut."""
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.reason == "unexpected end of data"
    return True


# Bytes no text calendar holds (tab, line breaks, form feed and ESC aside): every image and video
# format has some in its first bytes (sizes, magic numbers), and so do archives (an .xlsx) and
# UTF-16 text without its BOM (a NUL every other byte), many of them.
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")
# As many NULs as a text calendar may hold in its first bytes by mistake, and still be read as
# text.
_STRAY_CONTROLS = 2


class _Ahead(io.RawIOBase):
    """``stream`` with ``head``, the bytes already read from it, in front again."""

    def __init__(self, head: bytes, stream: io.BufferedReader) -> None:
        super().__init__()
        self._head = head
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._head:
            count = min(len(buffer), len(self._head))
            buffer[:count] = self._head[:count]
            self._head = self._head[count:]
            return count
        data = self._stream.read1(len(buffer))  # what is there: a pipe is read as it comes
        buffer[: len(data)] = data
        return len(data)


def _read_document(
    stream: IO[bytes], source: str, head: bytes, *, rewind: bool, expected: str = CALENDAR
) -> bytes:
    """A JSON document's bytes, ``head`` (read from ``stream`` already) and the rest.

    Refused when larger than any calendar: unread if the file states its size, else as soon as
    the reading passes it. Never ``read(n)`` with the cap: it would set n bytes aside first.
    ``rewind``: ``stream`` is a file opened here, read again whole from its start (one buffer,
    not ``head`` and a copy of the rest); standard input is read on from where it stands.
    """
    try:
        status = os.fstat(stream.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):  # no descriptor (a test's stream)
        status = None
    if status is not None and stat.S_ISREG(status.st_mode):
        if status.st_size > MAX_DOCUMENT:
            raise _too_large(source, expected)
        if not rewind:
            return head + stream.read()
        stream.seek(0)
        return stream.read()
    parts, total = [head], len(head)
    while chunk := stream.read(_CHUNK):
        total += len(chunk)
        if total > MAX_DOCUMENT:
            raise _too_large(source, expected)
        parts.append(chunk)
    return b"".join(parts)


def _too_large(source: str, expected: str) -> SourceError:
    over = f"{source}: over {MAX_DOCUMENT // 2**20} MiB"
    if expected != CALENDAR:
        return SourceError(f"{over}: too large for {expected}")
    return SourceError(
        f"{over}: a JSON document is read whole; write a calendar this large as JSON Lines "
        "(.jsonl), which is read line by line"
    )


def _utf16(source: str, head: bytes) -> SourceError:
    """The error for a file that starts with a UTF-16 byte order mark (or UTF-32-LE's)."""
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):  # LE's starts as UTF-16-LE's
        return SourceError(f"{source}: UTF-32 text; save it as UTF-8")
    if source.lower().endswith(_CSV_SUFFIX):  # Excel's "Unicode Text" (tabs), PowerShell's >
        return SourceError(
            f"{source}: UTF-16 text (as Excel's \"Unicode Text\" and PowerShell's > write it); "
            'save it as "CSV UTF-8 (Comma delimited)"'
        )
    return SourceError(f"{source}: UTF-16 text; save it as UTF-8")
