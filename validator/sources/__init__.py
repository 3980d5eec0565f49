"""Sources: from what the user names (files, standard input, Python objects) to ``PinInput``s.

A source never raises for a bad pin; it raises ``SourceError`` only when a file as a whole cannot
be read (missing, not text, broken JSON document), with the location in the message.
"""

from __future__ import annotations

import codecs
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from validator.errors import SourceError
from validator.settings import Settings
from validator.sources.base import PinInput
from validator.sources.bulk_csv import iter_bulk_csv
from validator.sources.json_ import iter_document, iter_lines
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
_LINES_SUFFIXES = (".jsonl", ".ndjson")
_CSV_SUFFIX = ".csv"
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)  # UTF-32-LE's BOM starts like the first


def load(
    name: str,
    *,
    settings: Settings | None = None,
    now: datetime | None = None,
    origin: str | None = None,
) -> Iterator[PinInput]:
    """The pins of the file ``name`` (``-`` is standard input, read as JSON), in order.

    A ``.csv`` file is Pinterest's bulk-upload CSV, checked row by row here, or a spreadsheet of
    the user's own when ``settings.csv_columns`` names its columns: ``settings`` gives the limits
    and the columns (the defaults when ``None``), and ``now`` the moment publish dates must
    follow (the clock when ``None``; pass the engine's, so that one run has one "now").

    Text must be UTF-8. A JSON document (and standard input) is decoded whole, so a byte that is
    not UTF-8 stops it with its line; in JSON Lines and CSV, it makes its row malformed and the
    other rows are read (``base.not_utf8``).

    ``origin`` (default: ``name``) is the path local ``video_url`` files are found beside when
    they are probed, later: an absolute one holds even if the working directory changes.
    """
    if name == "-":
        yield from iter_document(stdin_text(), STDIN)
        return
    path = Path(name)
    shown = display_name(name)
    origin = origin if origin is not None else name
    try:
        suffix = path.suffix.lower()
        if suffix in (_CSV_SUFFIX, *_LINES_SUFFIXES):
            _refuse_utf16(path, shown)
        if suffix == _CSV_SUFFIX:
            # newline="": quoted line breaks and CRLF reach the csv module as written (RFC 4180);
            # utf-8-sig drops the byte order mark spreadsheets write.
            with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as stream:
                yield from iter_bulk_csv(
                    stream,
                    shown,
                    settings=settings if settings is not None else Settings(),
                    now=now if now is not None else datetime.now(UTC),
                    origin=origin,
                )
        elif suffix in _LINES_SUFFIXES:
            with path.open(encoding="utf-8", errors="surrogateescape") as stream:
                yield from iter_lines(stream, shown, origin)
        else:
            yield from iter_document(utf8_text(path.read_bytes(), shown), shown, origin)
    except FileNotFoundError:
        raise SourceError(f"{shown}: no such file") from None
    except IsADirectoryError:
        raise SourceError(f"{shown}: is a directory, not a calendar file") from None
    except OSError as exc:
        raise SourceError(f"{shown}: cannot read it: {exc.strerror}") from None


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


def stdin_text() -> str:
    """Standard input as UTF-8 (strictly: the locale may say another encoding, or none)."""
    if sys.stdin is None:  # started with standard input closed (<&-)
        raise SourceError(f"{STDIN}: standard input is closed")
    binary = getattr(sys.stdin, "buffer", None)
    if binary is None:  # replaced by a text stream (tests, a host program)
        return sys.stdin.read()
    return utf8_text(binary.read(), STDIN)


def utf8_text(data: bytes, source: str) -> str:
    """``data`` decoded strictly as UTF-8; a ``SourceError`` naming ``source`` and the line."""
    if data.startswith(_UTF16_BOMS):
        raise _utf16(source)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = 1 + data.count(b"\n", 0, exc.start)
        raise SourceError(
            f"{source}:{line}: not UTF-8 text (byte 0x{data[exc.start]:02X} at offset {exc.start})"
        ) from None


def _refuse_utf16(path: Path, source: str) -> None:
    """A UTF-16 file is one error, not a malformed row per line."""
    with path.open("rb") as handle:
        if handle.read(2).startswith(_UTF16_BOMS):
            raise _utf16(source)


def _utf16(source: str) -> SourceError:
    return SourceError(f"{source}: UTF-16 text; save it as UTF-8")
