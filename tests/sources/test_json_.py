"""validator.sources.load and the JSON readers: pins out of files, each with its line."""

from __future__ import annotations

import io
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from validator.codes import calendar
from validator.engine import Engine
from validator.errors import SourceError
from validator.findings import Location
from validator.parse import parse
from validator.settings import Settings
from validator.sources import STDIN, PinInput, load
from validator.sources.json_ import iter_document, run_together

MEDIA = Path(__file__).resolve().parents[2] / "fixtures" / "media"
PIN_A = {"board_id": "1", "title": "A"}
PIN_B = {"board_id": "2", "title": "B"}


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def lines_of(pins: list[PinInput]) -> list[int | None]:
    return [pin_input.location.line for pin_input in pins]


# --- JSON Lines ----------------------------------------------------------------------------------


def test_json_lines_yield_one_row_per_line_as_text(tmp_path: Path) -> None:
    name = write(tmp_path, "calendar.jsonl", f"{json.dumps(PIN_A)}\n{json.dumps(PIN_B)}\n")

    pins = list(load(name))

    assert [p.payload for p in pins] == [json.dumps(PIN_A), json.dumps(PIN_B)]
    assert [p.location for p in pins] == [Location(name, 0, 1), Location(name, 1, 2)]
    assert all(p.row for p in pins)


def test_blank_lines_are_skipped_but_counted(tmp_path: Path) -> None:
    name = write(tmp_path, "calendar.jsonl", f"\n{json.dumps(PIN_A)}\n   \n\t\n{json.dumps(PIN_B)}")

    pins = list(load(name))

    assert lines_of(pins) == [2, 5]
    assert [p.location.position for p in pins] == [0, 1]


def test_byte_order_mark_is_not_part_of_the_first_row(tmp_path: Path) -> None:
    name = write(tmp_path, "calendar.jsonl", f"\ufeff{json.dumps(PIN_A)}\n")

    (only,) = load(name)

    assert only.payload == json.dumps(PIN_A)
    assert parse(only.payload).findings == ()


def test_ndjson_suffix_is_read_as_lines(tmp_path: Path) -> None:
    name = write(tmp_path, "calendar.NDJSON", f"{json.dumps(PIN_A)}\n{{broken\n")

    assert [p.payload for p in load(name)] == [json.dumps(PIN_A), "{broken"]


@pytest.mark.parametrize("shape", ["objects", "array"])
def test_pretty_printed_json_named_as_json_lines_is_read_as_a_document(
    tmp_path: Path, shape: str
) -> None:
    # jq without -c: read by lines, each line was a broken row (16 results for 2 pins).
    if shape == "objects":
        text = f"{json.dumps(PIN_A, indent=2)}\n{json.dumps(PIN_B, indent=2)}\n"
    else:
        text = json.dumps([PIN_A, PIN_B], indent=2) + "\n"
    name = write(tmp_path, "calendar.jsonl", "\ufeff" + text.replace("\n", "\r\n"))

    pins = list(load(name))

    assert [parse(p.payload).pin.title for p in pins] == ["A", "B"]  # type: ignore[union-attr]
    assert lines_of(pins) == ([1, 5] if shape == "objects" else [2, 6])


def test_a_first_pin_on_one_line_then_pretty_printed_ones_are_a_pin_each(tmp_path: Path) -> None:
    # Read as JSON Lines for its first line, each line of the pins after it was a broken row.
    text = f"{json.dumps(PIN_A)}\n{json.dumps(PIN_B, indent=2)}\n"
    pins = list(load(write(tmp_path, "calendar.json", text)))
    assert [parse(p.payload).pin.title for p in pins] == ["A", "B"]  # type: ignore[union-attr]
    assert lines_of(pins) == [1, 2]


def test_broken_line_is_a_row_that_fails_to_parse_later(tmp_path: Path) -> None:
    name = write(tmp_path, "calendar.jsonl", f'{json.dumps(PIN_A)}\n{{"board_id": \n')

    pins = list(load(name))

    assert lines_of(pins) == [1, 2]
    broken = parse(pins[1].payload, malformed=calendar.CALENDAR_ROW_MALFORMED)
    assert broken.pin is None
    assert [f.code for f in broken.findings] == ["calendar.row_malformed"]


# --- JSON documents ------------------------------------------------------------------------------


def test_array_elements_carry_the_line_they_start_on(tmp_path: Path) -> None:
    text = "\n".join(
        [
            "[",  # line 1
            '  {"board_id": "1"},',  # line 2
            "",
            '  {"board_id": "2"}, {"board_id": "3"},',  # line 4, twice
            "  {",  # line 5
            '    "board_id": "4"',
            "  }",
            "]",
        ]
    )
    name = write(tmp_path, "pins.json", text)

    pins = list(load(name))

    assert [p.payload for p in pins] == [{"board_id": str(n)} for n in range(1, 5)]
    assert lines_of(pins) == [2, 4, 4, 5]
    assert [p.location.position for p in pins] == [0, 1, 2, 3]
    assert str(pins[3].location) == f"{name}:5"


def test_array_on_one_line_puts_every_pin_on_line_one(tmp_path: Path) -> None:
    name = write(tmp_path, "pins.json", json.dumps([PIN_A, PIN_B]))

    pins = list(load(name))

    assert [p.payload for p in pins] == [PIN_A, PIN_B]
    assert lines_of(pins) == [1, 1]


def test_array_elements_are_handed_on_whatever_they_are(tmp_path: Path) -> None:
    name = write(tmp_path, "pins.json", '[{"board_id": "1"}, 42, "text", null]')

    pins = list(load(name))

    assert [p.payload for p in pins] == [{"board_id": "1"}, 42, None, None]
    # A string is not handed on: parsing would read it as JSON text, and a pin could hide in it.
    problem = pins[2].problem
    assert problem is not None
    assert (problem.code, problem.message) == (
        "calendar.row_malformed",
        "the pin is a string, not a JSON object",
    )


@pytest.mark.parametrize("text", ["[]", "  [ \n ]\n"], ids=["tight", "spaced"])
def test_empty_array_yields_no_pins(tmp_path: Path, text: str) -> None:
    assert list(load(write(tmp_path, "pins.json", text))) == []


def test_single_object_is_one_pin_at_its_line(tmp_path: Path) -> None:
    name = write(tmp_path, "pin.json", "\n\n" + json.dumps(PIN_A, indent=2) + "\n")

    pins = list(load(name))

    assert [p.payload for p in pins] == [PIN_A]
    assert pins[0].location == Location(name, 0, 3)
    assert pins[0].row


def test_byte_order_mark_before_an_array_is_ignored(tmp_path: Path) -> None:
    name = write(tmp_path, "pins.json", "\ufeff" + json.dumps([PIN_A]))

    assert [p.payload for p in load(name)] == [PIN_A]


def test_concatenated_objects_are_read_as_lines(tmp_path: Path) -> None:
    text = f"{json.dumps(PIN_A)}\n{json.dumps(PIN_B)}\n\n{{broken\n"
    name = write(tmp_path, "calendar.json", text)

    pins = list(load(name))

    assert [p.payload for p in pins] == [json.dumps(PIN_A), json.dumps(PIN_B), "{broken"]
    assert lines_of(pins) == [1, 2, 4]


_BLANKS = st.text(st.sampled_from(" \t\r\n"), max_size=4)
_VALUES = st.recursive(
    st.none() | st.integers() | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=3)
        # "pin" makes an object a calendar entry (tests/sources/test_wrapped_json.py covers those)
        | st.dictionaries(
            st.text(max_size=3).filter(lambda key: key != "pin"), children, max_size=3
        )
    ),
    max_leaves=6,
)


@given(
    st.lists(st.tuples(_BLANKS, _VALUES, st.booleans(), _BLANKS), min_size=1, max_size=5),
    _BLANKS,
)
def test_every_array_element_is_located_at_the_line_it_starts_on(
    elements: list[tuple[str, object, bool, str]], before: str
) -> None:
    text, starts = before + "[", []
    for number, (ahead, value, indented, behind) in enumerate(elements):
        text += ahead
        starts.append(len(text))
        text += json.dumps(value, indent=2 if indented else None) + behind
        text += "," if number < len(elements) - 1 else "]"

    pins = list(iter_document(text, "pins.json"))

    expected = [None if isinstance(value, str) else value for _, value, _, _ in elements]
    assert [p.payload for p in pins] == expected  # a string is a malformed row, not JSON text
    # lines end at LF, CRLF or CR, as in the JSON Lines and CSV readers
    assert lines_of(pins) == [1 + len(re.findall("\r\n|\r|\n", text[:start])) for start in starts]


def test_arrays_one_after_another_are_one_calendar(tmp_path: Path) -> None:
    # cat a.json b.json: the first array's pins were read, then the file stopped with an error.
    pin = json.dumps({"board_id": "1"})
    text = f"[{pin}, {pin}]\n[]\n[\n  {pin}\n]\r\n  [{pin}]"
    pins = list(load(write(tmp_path, "pins.json", text)))
    assert [(p.location.position, p.location.line, p.location.column) for p in pins] == [
        (0, 1, 2),
        (1, 1, 21),
        (2, 4, None),
        (3, 6, 4),
    ]
    with pytest.raises(SourceError, match=r":3:21: invalid JSON: expected ',' or '\]'"):
        list(load(write(tmp_path, "broken.json", f"[{pin}]\n[\n  {pin} {pin}]")))


def test_a_joined_file_s_byte_order_mark_between_values_is_skipped(tmp_path: Path) -> None:
    # cat a.json b.json, b saved with a BOM: its pins were dropped with an "unexpected content"
    # error that an invisible character caused (found by fuzzing).
    pin = json.dumps({"board_id": "1"})
    arrays = f"[{pin}]\n\ufeff[{pin}, {pin}]\n"
    values = json.dumps(PIN_A, indent=2) + "\n\ufeff" + json.dumps(PIN_B, indent=2) + "\n"
    assert len(list(load(write(tmp_path, "arrays.json", arrays)))) == 3
    assert [p.payload for p in load(write(tmp_path, "values.json", values))] == [PIN_A, PIN_B]


@pytest.mark.parametrize(
    ("text", "where", "what"),
    [
        pytest.param(
            '[\n {"board_id": "1"},\n {"board_id": "2"\n]\n',
            ":4:1:",
            "Expecting ',' delimiter",
            id="unclosed-object",
        ),
        pytest.param(
            '[{"board_id": "1"} {"board_id": "2"}]',
            ":1:20:",
            "expected ',' or ']' after a pin",
            id="missing-comma",
        ),
        pytest.param(
            '[{"board_id": "1"}] x',
            ":1:21:",
            "unexpected content after the closing ']'",
            id="trailing-content",
        ),
        pytest.param(
            "[] {}", ":1:4:", "unexpected content after the closing ']'", id="array-then-object"
        ),
        pytest.param('{"board_id": }', ":1:14:", "Expecting value", id="broken-object"),
    ],
)
def test_syntax_error_names_file_line_and_column(
    tmp_path: Path, text: str, where: str, what: str
) -> None:
    name = write(tmp_path, "pins.json", text)

    with pytest.raises(SourceError) as raised:
        list(load(name))

    message = str(raised.value)
    assert message.startswith(f"{name}{where} invalid JSON: ")
    assert what in message


def test_pins_before_a_syntax_error_are_yielded_first(tmp_path: Path) -> None:
    name = write(tmp_path, "pins.json", '[{"board_id": "1"},\n {"board_id": ]')
    pins = load(name)

    assert next(pins).payload == {"board_id": "1"}
    with pytest.raises(SourceError, match=r":2:15: invalid JSON"):
        next(pins)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('{"title": "a\tb"}', ":1:13: invalid JSON: a raw control character (U+0009) in a string: "
         "write it \\t"),
        ('[{"title": "a\x01"}]', ":1:14: invalid JSON: a raw control character (U+0001) in a "
         "string: write it \\u0001"),
        ('{"title": "never closed}', ":1:11: invalid JSON: a string starts here and never ends"),
    ],
)  # fmt: skip
def test_a_syntax_error_is_said_in_words_that_end(tmp_path: Path, text: str, said: str) -> None:
    # Two of Python's messages end in "at", before a position it prints and we do not.
    with pytest.raises(SourceError) as raised:
        list(load(write(tmp_path, "pins.json", text)))
    assert str(raised.value).startswith(f"{tmp_path / 'pins.json'}{said}")


@pytest.mark.parametrize("text", ["", "  \n\t\n", "\ufeff"], ids=["empty", "blank", "bom-only"])
def test_empty_document_is_a_source_error(tmp_path: Path, text: str) -> None:
    name = write(tmp_path, "pins.json", text)

    with pytest.raises(SourceError, match=r": the file is empty$"):
        list(load(name))


# --- files that cannot be read -------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_missing_file_is_a_source_error(tmp_path: Path, suffix: str) -> None:
    name = str(tmp_path / f"nowhere{suffix}")

    with pytest.raises(SourceError) as raised:
        list(load(name))

    assert str(raised.value) == f"{name}: no such file"


def test_directory_is_a_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as raised:
        list(load(str(tmp_path)))

    assert (
        str(raised.value) == f"{tmp_path}: is a directory, not a calendar (JSON, JSON Lines or CSV)"
    )


def test_a_pin_that_is_not_utf8_is_malformed_naming_the_byte(tmp_path: Path) -> None:
    path = tmp_path / "pins.json"
    path.write_bytes(b'{"title": "caf\xe9"}')

    (pin,) = list(load(str(path)))

    assert pin.problem is not None
    assert pin.problem.code == calendar.CALENDAR_ROW_MALFORMED.id
    before = '"{\\"title\\": \\"caf"'  # the 20 characters before it, quoted
    assert pin.problem.message == f"the pin is not UTF-8 text: byte 0xE9 after {before}"
    assert pin.location == Location(str(path), 0, 1)


def test_a_byte_that_is_not_utf8_outside_any_pin_stops_the_document_at_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "pins.json"
    path.write_bytes(b'[{"title": "a"}\xe9]')

    with pytest.raises(SourceError) as raised:
        list(load(str(path)))

    assert str(raised.value) == f"{path}:1:16: invalid JSON: not UTF-8 text: byte 0xE9"


# --- standard input ------------------------------------------------------------------------------


def test_dash_reads_standard_input(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps([PIN_A, PIN_B])))

    pins = list(load("-"))

    assert [p.payload for p in pins] == [PIN_A, PIN_B]
    assert [p.location.source for p in pins] == [STDIN, STDIN]
    assert STDIN == "<stdin>"


def test_standard_input_may_hold_json_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{json.dumps(PIN_A)}\n{json.dumps(PIN_B)}\n"))

    pins = list(load("-"))

    assert [str(p.location) for p in pins] == ["<stdin>:1", "<stdin>:2"]


def test_empty_standard_input_is_a_source_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))

    with pytest.raises(SourceError, match=r"^<stdin>: the file is empty$"):
        list(load("-"))


# --- what the reviews found: encodings, strings, sequences of values ------------------------------


def test_a_line_that_is_not_utf8_is_one_malformed_row(tmp_path: Path) -> None:
    path = tmp_path / "calendar.jsonl"
    lines = [json.dumps(PIN_A).encode(), b'{"title": "Caf\xe9"}', json.dumps(PIN_B).encode()]
    path.write_bytes(b"\n".join(lines) + b"\n")

    pins = list(load(str(path)))

    assert lines_of(pins) == [1, 2, 3]
    assert [p.problem is None for p in pins] == [True, False, True]
    problem = pins[1].problem
    assert problem is not None
    assert problem.code == "calendar.row_malformed"
    assert problem.message == 'the line is not UTF-8 text: byte 0xE9 after "{\\"title\\": \\"Caf"'


def test_byte_order_mark_on_a_blank_first_line_is_not_a_row(tmp_path: Path) -> None:
    path = tmp_path / "calendar.jsonl"
    path.write_bytes(b"\xef\xbb\xbf\n" + json.dumps(PIN_A).encode() + b"\n")

    pins = list(load(str(path)))

    assert [(p.payload, p.location.line) for p in pins] == [(json.dumps(PIN_A), 2)]


def test_pretty_printed_objects_one_after_another_are_one_pin_each(tmp_path: Path) -> None:
    text = json.dumps(PIN_A, indent=2) + "\n" + json.dumps(PIN_B, indent=2) + "\n"
    pins = list(load(write(tmp_path, "calendar.json", text)))

    assert [p.payload for p in pins] == [PIN_A, PIN_B]
    assert lines_of(pins) == [1, 1 + text.count("\n", 0, text.index('{\n  "board_id": "2"'))]


def test_a_broken_value_in_a_sequence_stops_the_file_after_the_pins_before_it(
    tmp_path: Path,
) -> None:
    text = json.dumps(PIN_A, indent=2) + '\n{\n  "title": oops\n}\n'
    pins = load(write(tmp_path, "calendar.json", text))

    assert next(pins).payload == PIN_A
    with pytest.raises(SourceError, match=r"calendar\.json:6:12: invalid JSON"):
        next(pins)


def test_lines_break_at_newlines_only(tmp_path: Path) -> None:
    odd = {"board_id": "1", "title": "one\u2028line"}
    text = f"{json.dumps(odd, ensure_ascii=False)}\n{json.dumps(PIN_B)}\n"

    pins = list(load(write(tmp_path, "calendar.json", text)))

    assert lines_of(pins) == [1, 2]


def test_a_tab_after_the_brace_still_makes_a_wrapped_entry(tmp_path: Path) -> None:
    text = '{\t"pin": {"board_id": "1"}, "publish_at": "2099-01-01T00:00:00Z"}\n'

    (pin,) = list(load(write(tmp_path, "calendar.jsonl", text)))

    assert pin.payload == {"board_id": "1"}
    assert pin.publish_at is not None


@pytest.mark.parametrize("shape", ["object", "array"])
def test_a_number_too_long_for_python_makes_its_pin_malformed_not_the_file(
    tmp_path: Path, shape: str
) -> None:
    # Valid JSON that Python's int() refuses: in a document as in JSON Lines, one broken pin,
    # and the pins after it are read.
    huge = '{"board_id": "1", "alt_text": ' + "9" * 5000 + "}"
    text = (
        huge if shape == "object" else f"[\n{json.dumps(PIN_A)},\n{huge},\n{json.dumps(PIN_B)}\n]"
    )
    pins = list(load(write(tmp_path, "pins.json", text)))

    broken = pins[0] if shape == "object" else pins[1]
    assert lines_of(pins) == ([1] if shape == "object" else [2, 3, 4])
    (finding,) = parse(broken.payload, malformed=calendar.CALENDAR_ROW_MALFORMED).findings
    assert finding.code == "calendar.row_malformed"
    assert "a number too long" in finding.message


def test_a_number_too_long_then_a_syntax_error_is_the_syntax_error(tmp_path: Path) -> None:
    # The end of the value was looked for with a decoder whose error no one caught: a traceback.
    text = '[{"board_id": "1", "alt_text": ' + "9" * 5000 + ', "title": }]'
    name = write(tmp_path, "pins.json", text)

    with pytest.raises(SourceError, match=re.escape(f"{name}:1:5043: invalid JSON: Expecting")):
        list(load(name))


# 3.13's json blames a trailing comma itself ("Illegal trailing comma"), not what follows it.
_COL = 14 if sys.version_info >= (3, 13) else 15


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('[\r{"title": "a"},\r{"title": "b"},\r{"title": "c",}\r]\r', f":4:{_COL}: invalid JSON"),
        ('{\r "title": "x"\r}\r{\r "title": bad\r}\r', ":5:11: invalid JSON"),
        ('[\r\n{"title": "a"},\r\n{"title": "c",}\r\n]', f":3:{_COL}: invalid JSON"),
    ],
    ids=["cr-array", "cr-values", "crlf-array"],
)
def test_a_syntax_error_is_located_whatever_ends_the_lines(
    tmp_path: Path, text: str, where: str
) -> None:
    name = write(tmp_path, "pins.json", text)

    with pytest.raises(SourceError, match=re.escape(f"{name}{where}")):
        list(load(name))


def test_a_pin_that_is_not_utf8_is_located_whatever_ends_the_lines(tmp_path: Path) -> None:
    # Nothing is lost: the pins around the broken one are read (the whole file was refused).
    path = tmp_path / "pins.json"
    path.write_bytes(b'[\r{"title": "a"},\r\n{"title": "Caf\xe9"},\n{"title": "b"}\r]\r')

    first, broken, last = list(load(str(path)))

    assert (first.problem, last.problem) == (None, None)
    assert (first.payload, last.payload) == ({"title": "a"}, {"title": "b"})
    assert broken.location == Location(str(path), 1, 3)
    assert broken.problem is not None
    assert "not UTF-8 text: byte 0xE9" in broken.problem.message


@pytest.mark.parametrize("between", ["", " ", "  ", "\t", "\ufeff"])  # \ufeff: cat a b
def test_a_row_of_objects_run_together_is_a_pin_each_told_apart_by_column(between: str) -> None:
    first, second = json.dumps(PIN_A), json.dumps({"pin": PIN_B, "publish_at": "2099-01-01"})
    row = PinInput(Location("a.jsonl", 4, 5), f"{first}{between}{second}", row=True)

    pins = run_together(row)

    assert pins is not None
    assert [p.payload for p in pins] == [first, PIN_B]  # the second: a wrapped entry, unwrapped
    assert [p.location for p in pins] == [
        Location("a.jsonl", 4, 5, 1),
        Location("a.jsonl", 4, 5, len(first) + len(between) + 1),
    ]
    assert pins[1].publish_at is not None
    assert pins[1].publish_day  # "2099-01-01": any time that day


@pytest.mark.parametrize(
    ("written", "day"),
    [("2099-01-01", True), ("20990101", True), ("2099-01-01T00:00:00Z", False),
     ("2099-01-01 08:00", False),
     # ISO week dates, which fromisoformat reads too: they were taken for 00:00 that day.
     ("2099-W01-4", True), ("2099W014", True), ("2099-W01", True), ("2099W01", True),
     ("2099-W01-4T08:00Z", False)],
)  # fmt: skip
def test_a_publish_at_without_a_time_is_a_whole_day(
    tmp_path: Path, written: str, day: bool
) -> None:
    entry = json.dumps({"pin": PIN_B, "publish_at": written})
    (pin,) = list(load(write(tmp_path, "calendar.jsonl", entry + "\n")))
    assert pin.publish_at is not None
    assert pin.publish_day is day


@pytest.mark.parametrize(
    "text",
    [
        json.dumps({"board_id": "1", "title": "a }{ b"}),  # one pin: the marks are in a string
        json.dumps(PIN_A) + "}{",  # broken after the first, by no object: one broken row
        '{"board_id": x}{"board_id": "1"}',  # broken from its first: one broken row
    ],
    ids=["in-a-string", "broken", "broken-first"],
)
def test_a_row_that_is_not_objects_run_together_stays_one(text: str) -> None:
    assert run_together(PinInput(Location("a.jsonl", 0, 1), text, row=True)) is None


@pytest.mark.parametrize(
    ("broken", "said"),
    [
        ('{"board_id": x}', "Expecting value (column 32)"),  # the line's column: 19 + 13
        ('{"board_id": ' + "1" * 5000 + "}", "a number too long"),
        ('{"a": ' + "[" * 5000 + "]" * 5000 + "}", "nested too deeply"),
    ],
    ids=["syntax", "huge-number", "too-deep"],
)
def test_a_broken_object_among_objects_run_together_is_a_broken_pin_of_its_own(
    broken: str, said: str
) -> None:
    # The row was one result, "Extra data (column 17)": the start of a well-formed object, the
    # real error elsewhere, and the pins around it unchecked.
    first = '{"board_id": "1"}'
    text = f"{first} {broken}"
    row = PinInput(Location("a.jsonl", 0, 1), text, row=True)

    pins = run_together(row)

    assert pins is not None
    good, bad = pins
    assert (good.payload, good.location.column, good.problem) == (first, 1, None)
    assert bad.location == Location("a.jsonl", 0, 1, len(first) + 2)
    assert bad.problem is not None
    assert bad.problem.code == "calendar.row_malformed"
    assert bad.problem.message.startswith(
        f"the JSON objects run together on this line break at the one in column {len(first) + 2}:"
    )
    assert said in bad.problem.message


def test_an_api_caller_s_string_is_never_split() -> None:
    text = json.dumps(PIN_A) + json.dumps(PIN_B)
    assert run_together(PinInput(Location("<input>", 0), text)) is None


@pytest.mark.parametrize("name", ["pins.json", "pins.jsonl"])
def test_an_indented_row_keeps_its_indent_and_an_indented_entry_is_unwrapped(
    tmp_path: Path, name: str
) -> None:
    entry = json.dumps({"pin": PIN_B, "publish_at": "2099-01-01T00:00:00Z"})
    text = f"{json.dumps(PIN_A)}\n  {json.dumps(PIN_A)}\n\t{entry}\n"

    pins = list(load(write(tmp_path, name, text)))

    assert [p.payload for p in pins] == [json.dumps(PIN_A), f"  {json.dumps(PIN_A)}", PIN_B]
    assert pins[2].publish_at is not None


@pytest.mark.parametrize("name", ["pins.json", "pins.jsonl"])
@pytest.mark.parametrize("indent", [" \u00a0", " \ufeff", " \x0c", "\t\u00a0"])
def test_an_indent_json_does_not_allow_is_stripped_as_before(
    tmp_path: Path, name: str, indent: str
) -> None:
    # Kept as the line had it, a no-break space made a good pin "not valid JSON".
    text = f"{json.dumps(PIN_A)}\n{indent}{json.dumps(PIN_B)}\n"

    pins = list(load(write(tmp_path, name, text)))

    assert [p.payload for p in pins] == [json.dumps(PIN_A), json.dumps(PIN_B)]


@pytest.mark.parametrize("name", ["pins.json", "pins.jsonl"])
def test_a_byte_order_mark_at_a_joined_file_s_start_is_not_part_of_its_row(
    tmp_path: Path, name: str
) -> None:
    # cat a.jsonl b.jsonl > c.json: each file brings its own mark.
    text = f"{json.dumps(PIN_A)}\n\ufeff{json.dumps(PIN_B)}\n"

    pins = list(load(write(tmp_path, name, text)))

    assert [parse(p.payload).findings for p in pins] == [(), ()]


@pytest.mark.parametrize(
    ("envelope", "key", "reads"),
    [
        ({"items": [PIN_A, PIN_B], "bookmark": None}, "items", "jq '.items'"),
        ({"my pins": [{"pin": PIN_A}]}, "my pins", """jq '.["my pins"]'"""),
        ({"data": {"page": 1, "items": [PIN_A]}}, "data.items", "jq '.data.items'"),
        # jq 1.6 refuses .data.["my items"]; its names are ASCII; the shell's quotes end at '.
        ({"data": {"my items": [PIN_A]}}, "data.my items", """jq '.data["my items"]'"""),
        ({"données": [PIN_A]}, "données", """jq '.["donn\\u00e9es"]'"""),
        ({"it's": [PIN_A]}, "it's", """jq '.["it'\\''s"]'"""),
    ],
    ids=["list-response", "entries", "nested", "nested-spaced", "non-ascii", "apostrophe"],
)
def test_an_object_holding_a_list_of_pins_is_refused_with_how_to_read_it_out(
    tmp_path: Path, envelope: dict[str, object], key: str, reads: str
) -> None:
    name = write(tmp_path, "pins.json", json.dumps(envelope, indent=2))

    with pytest.raises(SourceError) as raised:
        list(load(name))

    count = len(envelope["items"]) if key == "items" else 1  # type: ignore[arg-type]
    pins = "2 pins" if count == 2 else "1 pin"
    assert str(raised.value).startswith(f"{name}:1: an object that holds {pins} under ")
    assert reads in str(raised.value)
    shell = shutil.which("sh")
    if shutil.which("jq") and shell:  # the command as given reads the pins out
        command = re.search(r"\((jq '.*') reads it out\)", str(raised.value))
        assert command is not None
        run = subprocess.run(  # noqa: S603 - the message's own command, on our own file
            [shell, "-c", f"{command.group(1)} {shlex.quote(name)}"],
            capture_output=True,
            text=True,
            check=True,
        )
        assert len(json.loads(run.stdout)) == count


@pytest.mark.parametrize(
    ("name", "joined"),
    [("pins.jsonl", "\n"), ("pins.ndjson", "\n"), ("pins.json", "\n"), ("pins.json", "\n\n")],
)
def test_an_object_holding_pins_among_other_pins_is_a_malformed_row_with_how_to_split_it(
    tmp_path: Path, name: str, joined: str
) -> None:
    # Saved list pages appended to a calendar (curl ... | jq -c . >> pins.jsonl): each was one
    # pin with "remove items", and the pins inside went unchecked. A file that is one such
    # object is refused whole (above); among other pins it is one row.
    page = {"items": [PIN_A, PIN_B], "bookmark": None}
    text = joined.join(
        json.dumps(value) for value in (PIN_A, page, {"data": {"my items": [PIN_B]}})
    )
    path = write(tmp_path, name, text + "\n")
    engine = Engine(Settings(offline=True))

    reports = list(engine.check_all(load(path)))

    assert [r.location.line for r in reports] == [1, 2 + len(joined) - 1, 3 + 2 * (len(joined) - 1)]
    assert reports[0].codes == {"media.missing"}  # a pin as any other
    messages = []
    for report in reports[1:]:
        (finding,) = report.findings
        assert finding.code == "calendar.row_malformed"
        messages.append((finding.message, finding.hint))
    assert messages[0][0] == 'the row is an object that holds 2 pins under "items", not a pin'
    assert (
        messages[1][0] == 'the row is an object that holds 1 pin under "data.my items", not a pin'
    )
    shell = shutil.which("sh")
    if shutil.which("jq") and shell:  # the hint's command writes the pins one a line
        command = re.search(r"\((jq -c '.*') writes them", messages[0][1] or "")
        assert command is not None
        run = subprocess.run(  # noqa: S603 - the hint's own command, on our own page
            [shell, "-c", command.group(1)],
            input=json.dumps(page),
            capture_output=True,
            text=True,
            check=True,
        )
        assert [json.loads(line) for line in run.stdout.splitlines()] == [PIN_A, PIN_B]


@pytest.mark.parametrize("as_text", [False, True])
def test_a_python_caller_s_list_page_is_a_malformed_payload(as_text: bool) -> None:
    page = {"items": [PIN_A], "bookmark": "abc"}
    (finding,) = parse(json.dumps(page) if as_text else page).findings
    assert finding.code == "pin.malformed"
    assert finding.message == 'the payload is an object that holds 1 pin under "items", not a pin'
    assert finding.hint == "Check the pins themselves: validate_many(payload['items'])."


def test_a_pin_with_a_list_of_objects_is_still_a_pin(tmp_path: Path) -> None:
    carousel = {"board_id": "1", "media_source": {"items": [{"url": "https://x.example/a.jpg"}]}}
    stray = {"tags": [{"name": "spring"}]}  # no pin field, and no pin in its list

    for value in (carousel, stray):
        (pin,) = list(load(write(tmp_path, "pin.json", json.dumps(value))))
        assert pin.payload == value


def test_a_csv_calendar_piped_in_is_told_to_be_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("Title,Media URL,Pinterest board\nA,b,c\n"))

    with pytest.raises(SourceError, match=r"^<stdin>:1:1: invalid JSON: .*name a CSV calendar"):
        list(load("-"))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_csv_calendar_through_a_pipe_or_another_name_is_told_to_be_named(tmp_path: Path) -> None:
    # <(cat pins.csv) is /dev/fd/63: it got the JSON error alone, without the way out.
    csv = "Title,Media URL,Pinterest board\nA,b,c\n"
    hint = r"\(a file not named \.csv is read as JSON or JSON Lines: name a CSV calendar by its"
    text = write(tmp_path, "pins.txt", csv)
    with pytest.raises(SourceError, match=rf"^{re.escape(text)}:1:1: invalid JSON: .*{hint}"):
        list(load(text))
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    writer = threading.Thread(target=fifo.write_text, args=(csv,), daemon=True)
    writer.start()
    with pytest.raises(SourceError, match=hint):
        list(load(str(fifo)))
    writer.join(5)
    # JSON that is broken, not a CSV, gets no such hint.
    with pytest.raises(SourceError) as raised:
        list(load(write(tmp_path, "broken.json", '{"title": "a",\n')))
    assert "name a CSV calendar" not in str(raised.value)


@pytest.mark.parametrize(
    ("data", "where"),
    [
        (b'{"board_id": "1"}\n{"title": "Caf\xe9"}\n{"title": "b"}\n', "the line"),  # JSON Lines
        (b'[{"board_id": "1"},\n{"title": "Caf\xe9"},\n{"title": "b"}]', "the pin"),  # an array
    ],
)
def test_standard_input_that_is_not_utf8_loses_only_its_broken_pin(
    monkeypatch: pytest.MonkeyPatch, data: bytes, where: str
) -> None:
    # Standard input is read whole, as a document: one byte there refused every pin of it.
    class Bytes(io.StringIO):
        buffer = io.BytesIO(data)

    monkeypatch.setattr(sys, "stdin", Bytes())

    first, broken, last = list(load("-"))

    assert (first.problem, last.problem) == (None, None)
    assert broken.location.source == STDIN
    assert broken.location.line == 2
    assert broken.problem is not None
    assert broken.problem.message.startswith(f"{where} is not UTF-8 text: byte 0xE9")


def test_standard_input_in_utf16_is_still_refused_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    class Bytes(io.StringIO):
        buffer = io.BytesIO('{"title": "a"}\n'.encode("utf-16"))

    monkeypatch.setattr(sys, "stdin", Bytes())

    with pytest.raises(SourceError, match=r"^<stdin>: UTF-16 text; save it as UTF-8"):
        list(load("-"))


@pytest.mark.parametrize(
    ("encoding", "named"), [("utf-16", "UTF-16"), ("utf-32", "UTF-32"), ("utf-32-be", "UTF-32")]
)
def test_a_file_in_utf16_or_utf32_is_named_as_what_it_is(
    tmp_path: Path, encoding: str, named: str
) -> None:
    # UTF-32-LE's byte order mark starts as UTF-16-LE's does: it was called UTF-16.
    path = tmp_path / "pins.json"
    mark = b"\x00\x00\xfe\xff" if encoding == "utf-32-be" else b""  # Python writes BE bare
    path.write_bytes(mark + '{"title": "a"}'.encode(encoding))
    with pytest.raises(SourceError, match=f": {named} text; save it as UTF-8$"):
        list(load(str(path)))


@pytest.mark.parametrize(
    ("rows", "command"),
    [
        ([{"items": [PIN_A, PIN_B]}, {"items": [PIN_A]}], "jq -c '.[].items[]'"),
        ([[PIN_A, PIN_B], [PIN_A]], "jq -c '.[][]'"),
    ],
    ids=["list-pages", "lists"],
)
def test_an_array_of_lists_of_pins_is_told_the_jq_command_for_an_array(
    tmp_path: Path, rows: list[object], command: str
) -> None:
    # Its hint was jq -c '.items[]' (or '.[]'), right for JSON Lines; on the .json array it
    # failed ("Cannot index array with string") or wrote the inner lists.
    name = write(tmp_path, "pages.json", json.dumps(rows))
    reports = list(Engine(Settings(offline=True)).check_all(load(name)))
    assert [report.codes for report in reports] == [{"calendar.row_malformed"}] * 2
    assert all(command in report.findings[0].hint for report in reports)
    shell = shutil.which("sh")
    if shutil.which("jq") and shell:  # the command as given writes the pins one a line
        run = subprocess.run(  # noqa: S603 - the message's own command, on our own file
            [shell, "-c", f"{command} {shlex.quote(name)}"], capture_output=True, check=True
        )
        assert [json.loads(line) for line in run.stdout.splitlines()] == [PIN_A, PIN_B, PIN_A]


def test_file_names_that_are_not_utf8_are_shown_with_a_replacement_character(
    tmp_path: Path,
) -> None:
    name = str(tmp_path) + "/caf\udce9.jsonl"  # the byte 0xE9, as Python hands it over
    with open(name.encode("utf-8", "surrogateescape"), "w", encoding="utf-8") as handle:
        handle.write(json.dumps(PIN_A) + "\n")

    (pin,) = list(load(name))

    assert pin.location.source.endswith("/caf\ufffd.jsonl")


def test_json_lines_with_carriage_returns_only(tmp_path: Path) -> None:
    text = f"{json.dumps(PIN_A)}\r{json.dumps(PIN_B)}\r"
    pins = list(load(write(tmp_path, "calendar.json", text)))

    assert lines_of(pins) == [1, 2]


def test_a_local_video_beside_a_calendar_in_a_folder_named_in_latin1(tmp_path: Path) -> None:
    folder = str(tmp_path) + "/caf\udce9"  # the byte 0xE9, as Python hands it over
    os.mkdir(folder.encode("utf-8", "surrogateescape"))
    clip = (MEDIA / "h264-faststart.mp4").read_bytes()
    with open(f"{folder}/clip.mp4".encode("utf-8", "surrogateescape"), "wb") as handle:
        handle.write(clip)
    entry = {"pin": PIN_A, "video_url": "./clip.mp4"}
    with open(f"{folder}/c.jsonl".encode("utf-8", "surrogateescape"), "w") as handle:
        handle.write(json.dumps(entry) + "\n")

    (pin,) = list(load(f"{folder}/c.jsonl"))

    assert "\ufffd" in pin.location.source  # shown safely
    (slot,) = pin.slots
    assert slot.local
    assert os.path.isfile(slot.url.encode("utf-8", "surrogateescape"))  # found where it is


def test_pins_sharing_a_line_are_told_apart_by_their_column() -> None:
    text = json.dumps([PIN_A, PIN_B]) + "\r"  # minified, as most tools write JSON

    pins = list(iter_document(text, "pins.json"))

    assert [str(p.location) for p in pins] == [
        "pins.json:1:2",
        f"pins.json:1:{len(json.dumps(PIN_A)) + 4}",
    ]


def test_a_pin_that_starts_its_line_has_no_column() -> None:
    pins = list(iter_document(json.dumps([PIN_A, PIN_B], indent=2), "pins.json"))
    assert [p.location.column for p in pins] == [None, None]


def test_json_lines_in_a_json_file_are_read_lazily_with_their_lines() -> None:
    text = f"{json.dumps(PIN_A)}\r\n\r{json.dumps(PIN_B)}\r{{broken\n"
    pins = list(iter_document(text, "pins.json"))
    assert lines_of(pins) == [1, 3, 4]


def test_json_lines_in_a_json_file_with_a_broken_first_line_lose_only_that_line() -> None:
    text = f'{{"board_id": "1", "media_source":\n{json.dumps(PIN_A)}\n{json.dumps(PIN_B)}\n'
    pins = list(iter_document(text, "pins.json"))
    assert lines_of(pins) == [1, 2, 3]
    assert pins[0].payload == '{"board_id": "1", "media_source":'  # a broken row, parsed later


def test_a_broken_document_is_still_one_error_with_its_place() -> None:
    with pytest.raises(SourceError, match=r"pins.json:(3:1|2:18): invalid JSON"):
        list(iter_document('{\n  "board_id": "1",\n}\n', "pins.json"))


def test_values_one_after_another_on_one_line_get_a_column() -> None:
    first = json.dumps(PIN_A, indent=2)
    text = f"{first} {json.dumps(PIN_B)}\r\n{json.dumps(PIN_A)}\n"
    pins = list(iter_document(text, "pins.json"))
    last_line = 1 + first.count("\n")
    column = len(first.rsplit("\n", 1)[1]) + 2
    assert [(p.location.line, p.location.column) for p in pins] == [
        (1, None),
        (last_line, column),
        (last_line + 1, None),
    ]


IMAGE = '"media_source":{"source_type":"image_url","url":"https://cdn.example.com/a.jpg"}'


def test_nan_and_infinity_make_a_row_malformed_in_every_form(tmp_path: Path) -> None:
    # Python's json and pydantic read them, so the pins passed; Pinterest gets no JSON at all.
    (tmp_path / "pins.json").write_text(
        f'[{{"board_id":"1",{IMAGE},"x":NaN}},\n {{"board_id":"1",{IMAGE},"title":"NaNa"}}]',
        encoding="utf-8",
    )
    (tmp_path / "pins.jsonl").write_text(
        f'{{"pin":{{"board_id":"1",{IMAGE},"x":Infinity}}}}\n'
        f'{{"board_id":"1",{IMAGE},"y":-Infinity}}\n'
        f'{{"board_id":"1",{IMAGE},"title":"Infinity and NaN"}}\n',
        encoding="utf-8",
    )
    verdicts = []
    for name in ("pins.json", "pins.jsonl"):
        for item in load(str(tmp_path / name)):
            found = [item.problem] if item.problem else parse(item.payload).findings
            verdicts.append(sorted({finding.code for finding in found}))
    malformed = [calendar.CALENDAR_ROW_MALFORMED.id]
    # The JSON Lines rows are parsed later (as API callers' text is): pin.malformed there.
    assert verdicts == [malformed, [], ["pin.malformed"], ["pin.malformed"], []]


def test_a_line_longer_than_any_pin_is_one_malformed_row_and_never_held(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A 2 GB line was read whole (about 5x its size in memory) until the system killed the run.
    from validator.sources import json_

    monkeypatch.setattr(json_, "MAX_LINE", 1000)
    good = f'{{"board_id":"1",{IMAGE}}}'
    path = tmp_path / "pins.jsonl"
    path.write_text(f'{good}\n{{"title":"{"x" * 5000}"}}\n{good}\n', encoding="utf-8")
    items = list(load(str(path)))
    assert [item.location.line for item in items] == [1, 2, 3]
    assert items[1].problem is not None
    assert items[1].problem.code == calendar.CALENDAR_ROW_MALFORMED.id
    assert "longer than" in items[1].problem.message
    assert (items[1].problem.hint or "").startswith("Put one pin on each line")  # not "the
    assert items[0].payload == items[2].payload == good  # message quotes the parser": it does not


def test_a_json_document_larger_than_any_calendar_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A 50 GB file named .json (or picked up by a glob) was read whole: a MemoryError traceback.
    import validator.sources

    monkeypatch.setattr(validator.sources, "MAX_DOCUMENT", 100)
    path = tmp_path / "pins.json"
    path.write_text(json.dumps([{"board_id": "1", "title": "x" * 200}]), encoding="utf-8")
    with pytest.raises(SourceError, match=r"pins\.json: over 0 MiB: .* JSON Lines"):
        list(load(str(path)))


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("clip.mp4", (Path(__file__).parents[2] / "fixtures/media/h264-faststart.mp4").read_bytes(),
         "is an MP4 video, not a calendar"),
        ("pins.json", (Path(__file__).parents[2] / "fixtures/media/cover.jpg").read_bytes(),
         "is a JPEG image, not a calendar"),
        ("pins.jsonl", '{"board_id": "1"}\n'.encode("utf-16-le"), "is binary data"),  # no BOM
        ("pins.csv", b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml",
         "is binary data"),  # an .xlsx renamed
    ],
)  # fmt: skip
def test_a_file_that_is_no_text_calendar_is_refused_from_its_first_bytes(
    tmp_path: Path, name: str, content: bytes, said: str
) -> None:
    (tmp_path / name).write_bytes(content)
    with pytest.raises(SourceError, match=said):
        list(load(str(tmp_path / name)))


def test_a_stray_control_character_in_the_first_bytes_is_one_rows_not_the_files(
    tmp_path: Path,
) -> None:
    # A DEL in the first pin's title (which JSON allows) had the whole file refused as binary
    # data; a NUL in the first row lost every row after it.
    path = tmp_path / "pins.jsonl"
    first = json.dumps({**PIN_A, "title": "Sale\x7f"}, ensure_ascii=False)
    path.write_text(f"{first}\n{json.dumps(PIN_B)}\n\x00\n", "utf-8")
    pins = list(load(str(path)))
    assert [pin.location.line for pin in pins] == [1, 2, 3]


def test_control_characters_in_a_utf8_calendar_s_first_bytes_leave_it_text(tmp_path: Path) -> None:
    # Three DELs in the first title had every pin lost: "binary data", for a file JSON reads.
    path = tmp_path / "pins.jsonl"
    path.write_text(
        f'{{"board_id": "1", "title": "a\x7f\x7f\x7f\x01"}}\n{json.dumps(PIN_B)}\n', "utf-8"
    )
    assert [pin.location.line for pin in load(str(path))] == [1, 2]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_is_read_once_from_its_first_byte(tmp_path: Path) -> None:
    # Its first bytes are peeked to sniff it: a pipe cannot be opened and read a second time.
    fifo = tmp_path / "pins.jsonl"
    os.mkfifo(fifo)
    rows = [f'{{"board_id":"{n}",{IMAGE}}}' for n in (1, 2)]

    def write() -> None:
        with fifo.open("w", encoding="utf-8") as out:
            out.write("\n".join(rows) + "\n")

    writer = threading.Thread(target=write)
    writer.start()
    items = list(load(str(fifo)))
    writer.join(timeout=5)
    assert [item.payload for item in items] == rows


def test_a_byte_order_mark_inside_joined_files_is_not_part_of_a_row(tmp_path: Path) -> None:
    # cat a.jsonl b.jsonl: the second file's BOM starts a line mid-file ("Unexpected UTF-8 BOM").
    row = f'{{"board_id":"1",{IMAGE}}}'
    path = tmp_path / "joined.jsonl"
    path.write_text(f"\ufeff{row}\n\ufeff{row}\n", encoding="utf-8")
    assert [item.payload for item in load(str(path))] == [row, row]


def test_json_whose_first_bytes_spell_a_quicktime_atom_is_text(tmp_path: Path) -> None:
    # Bytes 4-7 "free" (an old QuickTime file's first atom) in '[ {"free": ...': refused as a MOV.
    path = tmp_path / "pins.json"
    path.write_text('[ {"free": 1, "board_id": "1"}]', encoding="utf-8")
    assert [item.payload for item in load(str(path))] == [{"free": 1, "board_id": "1"}]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_pipe_that_sends_its_first_bytes_slowly_is_sniffed_whole(tmp_path: Path) -> None:
    # peek() gave the one byte in hand: a UTF-16 file read through a pipe was not recognised,
    # and every row was malformed.
    fifo = tmp_path / "pins.jsonl"
    os.mkfifo(fifo)
    text = '{"board_id": "1"}\n'.encode("utf-16")

    def write() -> None:
        with fifo.open("wb") as out:
            out.write(text[:1])
            out.flush()
            time.sleep(0.3)
            out.write(text[1:])

    writer = threading.Thread(target=write)
    writer.start()
    try:
        with pytest.raises(SourceError, match="UTF-16"):
            list(load(str(fifo)))
    finally:
        writer.join(timeout=5)


def test_a_line_of_exactly_the_longest_length_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from validator.sources import json_

    monkeypatch.setattr(json_, "MAX_LINE", 8)
    path = tmp_path / "pins.jsonl"
    path.write_text('"1234567"\n"ok"\n"1234567"', encoding="utf-8")  # 9 with the quotes: over
    lines = [item.payload if item.problem is None else None for item in load(str(path))]
    assert lines == [None, '"ok"', None]
    path.write_text('"123456"\n"123456"', encoding="utf-8")  # exactly 8, then at the end
    assert [item.payload for item in load(str(path))] == ['"123456"', '"123456"']


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_gives_each_row_as_it_comes(tmp_path: Path) -> None:
    # Reading through the sniffed head waited for 8 KiB or the end: rows came at the end only.
    fifo = tmp_path / "pins.jsonl"
    os.mkfifo(fifo)
    first_read = threading.Event()
    waited: list[bool] = []

    def write() -> None:
        with fifo.open("w", encoding="utf-8") as out:
            out.write(f'{{"board_id":"1",{IMAGE}}}\n')
            out.flush()
            waited.append(first_read.wait(timeout=5))  # until the reader has the first row
            out.write(f'{{"board_id":"2",{IMAGE}}}\n')

    writer = threading.Thread(target=write)
    writer.start()
    rows = load(str(fifo))
    next(rows)
    first_read.set()
    assert len(list(rows)) == 1
    writer.join(timeout=10)
    assert waited == [True]


def test_standard_input_that_is_a_video_is_refused_unread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    video = (Path(__file__).parents[2] / "fixtures/media/h264-faststart.mp4").read_bytes()
    stdin = io.TextIOWrapper(io.BytesIO(video))
    monkeypatch.setattr(sys, "stdin", stdin)
    with pytest.raises(SourceError, match="is an MP4 video, not a calendar"):
        list(load("-"))


def test_a_value_nested_deeper_than_python_reads_is_one_malformed_pin(tmp_path: Path) -> None:
    # Valid JSON, but past Python's recursion limit: it stopped the file, and the pins after it
    # were lost; in JSON Lines it was one malformed row already (found by fuzzing).
    deep = "[" * 20_000 + "]" * 20_000  # 3.13 reads 10,000 levels
    tricky = '{"a": "]\\"[", "b": ' + deep + "}"  # brackets inside a string are no brackets
    pin = json.dumps(PIN_A)
    for text in (f"[{pin},\n{deep},\n{tricky},\n{pin}]", f"{pin}\n{deep}\n{tricky}\n{pin}"):
        pins = list(load(write(tmp_path, "deep.json", text)))
        assert [p.location.line for p in pins] == [1, 2, 3, 4]
        verdicts = [parse(p.payload, malformed=calendar.CALENDAR_ROW_MALFORMED) for p in pins]
        assert [v.pin is not None for v in verdicts] == [True, False, False, True]
        assert "nested too deeply" in verdicts[1].findings[0].message
    with pytest.raises(SourceError, match=r"deep\.json:2:1: invalid JSON: a value is nested too"):
        list(load(write(tmp_path, "deep.json", f"[{pin},\n{deep[:-1]}")))  # never closed


def test_a_row_holds_a_carousel_of_five_inline_images_at_the_size_limit() -> None:
    # Rows were cut at 64 MiB, "more than any pin holds": a carousel of three 17 MB images passed
    # in a .json file and was refused in a .jsonl one.
    from validator.model import CAROUSEL_MAX_ITEMS
    from validator.settings import Settings
    from validator.sources import json_

    image = Settings().image_max_bytes
    base64_length = -(-image // 3) * 4
    assert CAROUSEL_MAX_ITEMS * (base64_length + 100) + 1000 < json_.MAX_LINE
