"""validator.sources.load and the JSON readers: pins out of files, each with its line."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from validator.codes import calendar
from validator.errors import SourceError
from validator.findings import Location
from validator.parse import parse
from validator.sources import STDIN, PinInput, load
from validator.sources.json_ import iter_document

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

    assert [p.payload for p in load(name)] == [{"board_id": "1"}, 42, "text", None]


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

    assert [p.payload for p in pins] == [value for _, value, _, _ in elements]
    assert lines_of(pins) == [1 + text.count("\n", 0, start) for start in starts]


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
        pytest.param("[] []", ":1:4:", "unexpected content after the closing ']'", id="two-arrays"),
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

    assert str(raised.value) == f"{tmp_path}: is a directory, not a calendar file"


def test_non_utf8_file_is_a_source_error_naming_the_byte(tmp_path: Path) -> None:
    path = tmp_path / "pins.json"
    path.write_bytes(b'{"title": "caf\xe9"}')

    with pytest.raises(SourceError) as raised:
        list(load(str(path)))

    assert str(raised.value) == f"{path}: not UTF-8 text (byte 14)"


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
