"""CSV records that lose no line to a broken quote, in linear time."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest

from validator.sources import csv_records
from validator.sources.csv_records import Record, records


def read(text: str, **options: object) -> list[Record]:
    return list(records(io.StringIO(text, newline=""), **options))  # type: ignore[arg-type]


def test_good_records_keep_their_lines_and_cells() -> None:
    got = read('a,b\r\n"multi\nline",c\n\nx,y\n')
    assert [(r.first, r.last, r.cells) for r in got] == [
        (1, 1, ["a", "b"]),
        (2, 3, ["multi\nline", "c"]),
        (4, 4, []),
        (5, 5, ["x", "y"]),
    ]


def test_a_record_read_whole_keeps_its_lines_as_written() -> None:
    # What a caller reads again another way (bulk_csv: with the spaces after commas skipped).
    got = read('a, "b"\r\n"multi\nline",c\n')
    assert [r.lines for r in got] == [('a, "b"\r\n',), ('"multi\n', 'line",c\n')]
    # A record read again a line at a time keeps its own line.
    many = read('x,"a\ny,"b"c\nz,1\n')
    assert many[-1].lines == ("z,1\n",)


def test_a_quote_never_closed_gives_its_lines_back() -> None:
    got = read('a,"open\nb,c\nd,e\n')
    assert got[0] == Record(1, 3, None, "a quote opened in this row is never closed", reread=True)
    assert [(r.first, r.cells) for r in got[1:]] == [(2, ["b", "c"]), (3, ["d", "e"])]


def test_two_breaks_in_a_row_keep_every_line_and_its_number() -> None:
    # (The queue's order, lines read again before those still waiting, is kept by construction;
    # 200,000 random files found no input where the other order reads differently.)
    got = read('x,"a\ny,"b"c\nz,1\n')
    assert [r.first for r in got] == [1, 2, 3]
    assert got[-1].cells == ["z", "1"]


def test_a_suspect_record_is_broken_and_gives_its_lines_back() -> None:
    asked: list[list[str]] = []

    def suspect(cells: list[str], lines: list[str]) -> str | None:
        asked.append(list(lines))
        return "wrong width" if len(cells) != 2 else None

    got = read('a,"b\nc,d\ne",f,g\nh,i\n', suspect=suspect)
    assert asked == [['a,"b\n', "c,d\n", 'e",f,g\n']]  # the record's lines, as written
    assert [(r.first, r.cells, r.problem) for r in got] == [
        (1, None, "wrong width"),
        (2, ["c", "d"], None),
        (3, ['e"', "f", "g"], None),  # one line: not suspect (a quote inside a cell is a char)
        (4, ["h", "i"], None),
    ]


def test_quotes_reopened_on_every_line_cost_each_line_once_more_at_most(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(csv_records, "_REREAD_FLOOR", 10)
    lines = 2_000
    text = 'x,"open\n' + 'a","c\n' * lines
    served = 0
    real = csv_records._remembered

    def counting(*args: Any) -> Iterator[str]:
        nonlocal served
        for line in real(*args):
            served += 1
            yield line

    monkeypatch.setattr(csv_records, "_remembered", counting)
    got = read(text)

    assert [r.first for r in got] == list(range(1, lines + 2))  # every line has its record
    assert served < 4 * lines  # read again at most about once each; each error re-reading the
    # rest of the file would serve about lines**2 / 2 = 2,000,000


def test_a_cell_over_the_limit_inside_a_broken_record_gives_the_lines_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(csv_records, "CELL_LIMIT", 100)
    saved = csv.field_size_limit(100)  # process-wide: put back below
    try:
        got = read('a,"' + "x" * 60 + "\n" + "y" * 60 + "\nb,c\n")
    finally:
        csv.field_size_limit(saved)
    assert got[0].cells is None
    assert got[0].problem is not None
    assert "longer than" in got[0].problem
    assert got[-1].cells == ["b", "c"]


def test_long_lines_reopening_quotes_after_many_short_ones_stay_linear(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The allowance is counted in characters: many short lines must not buy long ones re-reading.
    monkeypatch.setattr(csv_records, "_REREAD_FLOOR", 100)
    text = "a,b\n" * 2_000 + 'x,"open\n' + ("a" + "x" * 2_000 + '","c\n') * 60
    served = 0
    real = csv_records._remembered

    def counting(*args: Any) -> Iterator[str]:
        nonlocal served
        for line in real(*args):
            served += len(line)
            yield line

    monkeypatch.setattr(csv_records, "_remembered", counting)
    got = read(text)

    assert len(got) == 2_000 + 1 + 60
    assert served < 4 * len(text)  # counted in lines, the long lines were read ~30 times each
