"""JSON sources: a file holding one pin, a JSON array of pins, or JSON Lines (one pin per line).

JSON Lines is read line by line and each line is handed on as text, so a calendar of any length is
never held in memory whole and a broken line is one broken row, not a broken file. A JSON
document is one value: its elements are decoded one after the other, so that each pin keeps the
line it starts on (for ``file:line`` locations and CI annotations), and a syntax error stops the
file with its line and column.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import IO

from validator.errors import SourceError
from validator.findings import Location
from validator.sources.base import PinInput

__all__ = ["iter_document", "iter_lines"]

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def iter_lines(stream: IO[str], source: str) -> Iterator[PinInput]:
    """JSON Lines: one pin per non-blank line; the line's text is parsed later."""
    index = 0
    for number, line in enumerate(stream, start=1):
        text = line.strip()
        if not text:
            continue
        if number == 1:
            text = text.removeprefix("\ufeff")
        yield PinInput(Location(source, index, number), text, row=True)
        index += 1


def iter_document(text: str, source: str) -> Iterator[PinInput]:
    r"""A JSON document: an array yields its elements, anything else is one pin.

    A document followed by more JSON values (``{...}\\n{...}``) is read as JSON Lines.
    """
    text = text.removeprefix("\ufeff")
    start = _skip(text, 0)
    if start == len(text):
        raise SourceError(f"{source}: the file is empty")
    if text[start] != "[":
        yield from _single_or_lines(text, start, source)
        return
    position = _skip(text, start + 1)
    line = 1 + text.count("\n", 0, position)
    index = 0
    if position < len(text) and text[position] == "]":
        _expect_end(text, position + 1, source)
        return
    while True:
        value, end = _decode(text, position, source)
        yield PinInput(Location(source, index, line), value, row=True)
        index += 1
        after = _skip(text, end)
        if after < len(text) and text[after] == ",":
            next_start = _skip(text, after + 1)
            line += text.count("\n", position, next_start)
            position = next_start
            continue
        if after < len(text) and text[after] == "]":
            _expect_end(text, after + 1, source)
            return
        raise _syntax_error(text, after, source, "expected ',' or ']' after a pin")


def _single_or_lines(text: str, start: int, source: str) -> Iterator[PinInput]:
    value, end = _decode(text, start, source)
    if _skip(text, end) == len(text):
        yield PinInput(Location(source, 0, 1 + text.count("\n", 0, start)), value, row=True)
        return
    # More values follow: JSON Lines without the .jsonl suffix (or piped on standard input).
    index = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield PinInput(Location(source, index, number), line.strip(), row=True)
            index += 1


def _decode(text: str, position: int, source: str) -> tuple[object, int]:
    try:
        return _DECODER.raw_decode(text, position)
    except json.JSONDecodeError as exc:
        raise SourceError(f"{source}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
    except RecursionError:
        raise _syntax_error(text, position, source, "a value is nested too deeply") from None


def _skip(text: str, position: int) -> int:
    match = _WHITESPACE.match(text, position)
    return match.end() if match else position


def _expect_end(text: str, position: int, source: str) -> None:
    end = _skip(text, position)
    if end != len(text):
        raise _syntax_error(text, end, source, "unexpected content after the closing ']'")


def _syntax_error(text: str, position: int, source: str, what: str) -> SourceError:
    line = 1 + text.count("\n", 0, position)
    column = position - text.rfind("\n", 0, position)
    return SourceError(f"{source}:{line}:{column}: invalid JSON: {what}")
