"""Sources: from what the user names (files, standard input, Python objects) to ``PinInput``s.

A source never raises for a bad pin; it raises ``SourceError`` only when a file as a whole cannot
be read (missing, not text, broken JSON document), with the location in the message.
"""

from __future__ import annotations

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

__all__ = ["API_SOURCE", "STDIN", "PinInput", "from_objects", "load"]

#: How standard input is named, on the command line (``-``) and in reports.
STDIN = "<stdin>"
_LINES_SUFFIXES = (".jsonl", ".ndjson")
_CSV_SUFFIX = ".csv"


def load(
    name: str, *, settings: Settings | None = None, now: datetime | None = None
) -> Iterator[PinInput]:
    """The pins of the file ``name`` (``-`` is standard input, read as JSON), in order.

    A ``.csv`` file is Pinterest's bulk-upload CSV, checked row by row here: ``settings`` gives
    its limits (the defaults when ``None``) and ``now`` the moment publish dates must follow (the
    clock when ``None``; pass the engine's, so that one run has one "now").
    """
    if name == "-":
        yield from iter_document(sys.stdin.read(), STDIN)
        return
    path = Path(name)
    try:
        suffix = path.suffix.lower()
        if suffix == _CSV_SUFFIX:
            # newline="": quoted line breaks and CRLF reach the csv module as written (RFC 4180);
            # utf-8-sig drops the byte order mark spreadsheets write.
            with path.open(encoding="utf-8-sig", newline="") as stream:
                yield from iter_bulk_csv(
                    stream,
                    name,
                    settings=settings if settings is not None else Settings(),
                    now=now if now is not None else datetime.now(UTC),
                )
        elif suffix in _LINES_SUFFIXES:
            with path.open(encoding="utf-8") as stream:
                yield from iter_lines(stream, name)
        else:
            yield from iter_document(path.read_text(encoding="utf-8"), name)
    except FileNotFoundError:
        raise SourceError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise SourceError(f"{name}: is a directory, not a calendar file") from None
    except UnicodeDecodeError as exc:
        raise SourceError(f"{name}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise SourceError(f"{name}: cannot read it: {exc.strerror}") from None
