"""The records of a CSV file, read so that a broken quote loses no line of it.

The csv module reads a quote that is never closed, or closed by a stray quote rows later, into
one cell that takes in the rows after it: they would go unreported. Here such a record is
broken, and the lines after its first are read again as records of their own. A caller may also
call a record broken that the module read without complaint (``suspect``): one that runs over
several lines with the wrong number of cells, say.

Reading lines again must not cost the square of the file: a line that keeps re-opening quotes
(``a","b`` on every line) would have each error read the rest of the file again. Once the text
read again passes twice the text read from the file (counted in characters: long lines cost
more), the rest of a broken record is read one record per line, which costs each line once more
at most. Only files with quotes broken over and over get there.
"""

from __future__ import annotations

import csv
from collections import deque
from collections.abc import Callable, Iterator
from typing import IO, NamedTuple

__all__ = ["CELL_LIMIT", "CELL_TOO_LONG", "Record", "records"]

#: The longest cell read (the csv module's default limit is 131,072 characters): a cell longer
#: than that but shorter than this is read whole, and the rows after it stay rows.
CELL_LIMIT = 16 * 1024 * 1024
#: How a record's problem starts when a cell passes ``CELL_LIMIT`` (its remedy is its own).
CELL_TOO_LONG = "a cell is longer than"
# Characters that may always be read again, however short the file read so far.
_REREAD_FLOOR = 1_000_000


class Record(NamedTuple):
    """One record: the lines it spans, and its cells, or why it is broken."""

    first: int
    """The line it starts on, 1-based."""
    last: int
    cells: list[str] | None
    """``None``: broken (``problem`` says why)."""
    problem: str | None = None
    reread: bool = False
    """Its lines after the first were read again as records."""
    lines: tuple[str, ...] = ()
    """The record's lines as written (a record that was read whole)."""


def records(
    stream: IO[str], *, suspect: Callable[[list[str], list[str]], str | None] | None = None
) -> Iterator[Record]:
    """Every record of ``stream`` (opened with ``newline=""``), blank ones included, in order.

    ``suspect`` is asked about each record that runs over several lines, given its cells and
    its lines as written: a problem it names makes the record broken, as a csv error would.
    """
    _allow_long_cells()
    source = iter(stream)
    record: list[str] = []  # the lines of the record being read
    again: deque[str] = deque()  # lines to read once more
    consumed = [0]  # characters read from the file
    reader = csv.reader(_remembered(source, record, again, consumed), strict=True)
    before = 0  # lines of the file before the first one the current reader read
    replayed = 0  # characters read again
    while True:
        first = before + reader.line_num + 1
        record.clear()
        cells: list[str] | None
        problem: str | None
        try:
            cells = read = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            cells, problem = None, _problem(exc)
        else:
            problem = suspect(read, record) if suspect is not None and len(record) > 1 else None
        last = before + reader.line_num
        rest = record[1:]
        cost = sum(map(len, rest))
        if problem is None:
            yield Record(first, last, cells, lines=tuple(record))
        elif not rest:
            yield Record(first, last, None, problem)
        elif replayed + cost <= max(_REREAD_FLOOR, 2 * consumed[0]):
            replayed += cost
            yield Record(first, last, None, problem, reread=True)
            again.extendleft(reversed(rest))  # before any lines still queued from earlier
            reader = csv.reader(_remembered(source, record, again, consumed), strict=True)
            before = first
        else:  # read again and again, it would cost the square of the file: a record per line
            yield Record(first, first, None, problem, reread=True)
            for offset, text in enumerate(rest, start=1):
                yield _one_line(text, first + offset)
            reader = csv.reader(_remembered(source, record, again, consumed), strict=True)
            before = first + len(rest)


def _problem(exc: csv.Error) -> str:
    said = str(exc)
    if said == "unexpected end of data":  # the file ends inside a quoted cell
        return "a quote opened in this row is never closed"
    if said.startswith("field larger than field limit"):
        return f"{CELL_TOO_LONG} {CELL_LIMIT:,} characters"
    return f"the row cannot be read as CSV: {said}"


def _one_line(text: str, line: int) -> Record:
    """``text`` read as a record of its own, whatever quotes it opens."""
    try:
        cells = next(csv.reader([text], strict=True), [])
    except csv.Error as exc:
        return Record(line, line, None, _problem(exc))
    return Record(line, line, cells, lines=(text,))


def _allow_long_cells() -> None:
    """Raise the csv module's cell limit (process-wide) to ``CELL_LIMIT``, never lower it.

    Over the limit, the module stops inside the cell; the record is then broken.
    """
    if csv.field_size_limit() < CELL_LIMIT:
        csv.field_size_limit(CELL_LIMIT)


def _remembered(
    lines: Iterator[str], record: list[str], again: deque[str], consumed: list[int]
) -> Iterator[str]:
    """``again``'s lines, then those of ``lines``, each also kept in ``record``.

    The caller clears ``record`` before each record, so that it holds a broken record's lines
    to read once more. ``consumed[0]`` counts the characters taken from ``lines``.
    """
    while True:
        if again:
            text = again.popleft()
        else:
            taken = next(lines, None)
            if taken is None:
                return
            consumed[0] += len(taken)
            text = taken
        record.append(text)
        yield text
