"""Wrapped calendar entries in JSON and JSON Lines: the pin, its schedule and its video."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import FIXTURES

from validator.engine import Engine
from validator.model import PinCreate
from validator.report import Report
from validator.settings import Settings
from validator.slots import Slot
from validator.sources import PinInput, load
from validator.sources.json_ import iter_document

CALENDARS = FIXTURES / "calendars"
API_FIELDS = set(PinCreate.model_fields)
VIDEO = "https://cdn.example.com/video/tulips.mp4"
PIN = {
    "board_id": "549755885175",
    "media_source": {"source_type": "image_url", "url": "https://cdn.example.com/pins/a.jpg"},
}
SIGNED = (
    "https://bucket.s3.amazonaws.com/pins/a.jpg"
    "?X-Amz-Date=20990601T000000Z&X-Amz-Expires=3600&X-Amz-Signature=0"
)


def check(items: list[PinInput]) -> list[Report]:
    engine = Engine(Settings(offline=True))
    return [engine.check(item) for item in items]


def codes_by_line(items: list[PinInput]) -> dict[int | None, list[str]]:
    return {report.location.line: sorted(report.codes) for report in check(items)}


def entry(tmp_path: Path, value: object, suffix: str = ".json") -> PinInput:
    path = tmp_path / f"calendar{suffix}"
    path.write_text(json.dumps(value) + "\n", encoding="utf-8")
    (item,) = load(str(path))
    return item


# --- the fixtures, end to end --------------------------------------------------------------------


def test_wrapped_json_calendar() -> None:
    items = list(load(str(CALENDARS / "wrapped.json")))

    assert codes_by_line(items) == {
        2: [],
        11: [],
        25: [],  # a plain payload among the wrapped ones
        27: ["calendar.publish_date_invalid"],
        31: ["calendar.entry_unknown_key", "media.unsupported_format"],
        36: ["pin.unknown_field"],  # "pin" beside API fields: a payload with a stray key
        41: ["calendar.row_malformed"],  # "pin" is a string
    }
    assert [i.publish_at for i in items][:3] == [
        datetime(2099, 6, 2, 8, tzinfo=UTC),
        datetime(2099, 6, 10, 18, 30, tzinfo=timezone(timedelta(hours=2))),
        None,
    ]
    assert items[1].slots == (Slot("video_url", VIDEO, "video"),)
    assert items[0].payload == {
        "board_id": "549755885175",
        "title": "Spring tulip table",
        "link": "https://shop.example.com/spring/table",
        "media_source": {
            "source_type": "image_url",
            "url": "https://cdn.example.com/pins/spring-table.jpg",
        },
    }
    assert [r.title for r in check(items)][:3] == [
        "Spring tulip table",
        "Tulip time-lapse",
        "A plain payload among wrapped ones",
    ]


def test_wrapped_json_lines_calendar() -> None:
    items = list(load(str(CALENDARS / "wrapped.jsonl")))

    assert codes_by_line(items) == {
        1: [],
        2: [],
        3: [],
        5: ["media.url_invalid"],
        6: ["calendar.row_malformed"],  # a broken wrapped line is a broken row
        7: ["calendar.publish_date_invalid"],
        8: ["calendar.entry_unknown_key"],
    }
    assert [type(i.payload).__name__ for i in items] == [
        "dict", "dict", "str", "dict", "str", "dict", "dict",
    ]  # fmt: skip
    assert items[1].publish_at == datetime(2099, 6, 10, 18, 30, tzinfo=UTC)
    assert items[1].slots == (Slot("video_url", VIDEO, "video"),)
    assert items[3].slots == ()  # a video_url that was reported is not probed
    typo = check(items)[-1].findings[0]
    assert typo.field == "vidoe_url"
    assert 'Did you mean "video_url"?' in typo.hint


# --- what is a wrapped entry ---------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_a_pin_key_alone_is_a_wrapped_entry(tmp_path: Path, suffix: str) -> None:
    item = entry(tmp_path, {"pin": PIN}, suffix)

    assert item.payload == PIN
    assert (item.publish_at, item.extra, item.slots) == (None, (), ())
    assert check([item])[0].findings == ()


@pytest.mark.parametrize(
    ("api_key", "api_value"),
    [("board_id", "549755885175"), ("media_source", PIN["media_source"]), ("title", "T")],
)
def test_a_pin_key_beside_api_fields_stays_a_payload(
    tmp_path: Path, api_key: str, api_value: object
) -> None:
    value = {"pin": {"title": "inner"}, api_key: api_value}

    item = entry(tmp_path, value, ".json")

    assert item.payload == value
    assert "pin.unknown_field" in check([item])[0].codes


@pytest.mark.parametrize("pin", ["https://cdn.example.com/a.jpg", None, [PIN], 3])
def test_a_pin_that_is_not_an_object_is_a_malformed_row(tmp_path: Path, pin: object) -> None:
    (report,) = check([entry(tmp_path, {"pin": pin, "publish_at": "2099-06-02"})])

    assert report.codes == {"calendar.row_malformed"}
    assert report.findings[0].field == "pin"
    assert "not a JSON object" in report.findings[0].message
    # Its own hint: the code's general one spoke of a parser's complaint the message does not quote.
    assert report.findings[0].hint.startswith('Give "pin" the payload itself, as a JSON object')


def test_a_broken_pin_s_video_file_is_still_checked_for_its_deadline(tmp_path: Path) -> None:
    # The README's promise: an entry whose "pin" is not an object has its other keys checked.
    dead = (
        "https://bucket.s3.amazonaws.com/video/clip.mp4"
        "?X-Amz-Date=20200101T000000Z&X-Amz-Expires=3600&X-Amz-Signature=0"
    )
    (report,) = check([entry(tmp_path, {"pin": "oops", "video_url": dead})])
    assert report.codes == {"calendar.row_malformed", "media.url_expires"}
    assert [f.field for f in report.findings] == ["pin", "video_url"]


@pytest.mark.parametrize("name", ["calendar.jsonl", "calendar.json"])
def test_a_pin_given_as_text_of_objects_run_together_is_one_broken_entry(
    tmp_path: Path, name: str
) -> None:
    # The string is never read as JSON again, not even as pins run together on a row: that
    # passed two pins at columns of the string, and lost the entry's own findings.
    text = json.dumps(PIN) + json.dumps(PIN)
    row = {"pin": text, "publish_at": "bogus", "video_url": 5, "extra": 1}
    path = tmp_path / name
    path.write_text(json.dumps(row if name.endswith("l") else [row]) + "\n", encoding="utf-8")

    (report,) = Engine(Settings(offline=True)).check_all(load(str(path)))

    assert not report.ok
    assert [f.code for f in report.findings] == [
        "calendar.row_malformed",
        "calendar.publish_date_invalid",
        "media.url_invalid",
        "calendar.entry_unknown_key",
    ]
    assert report.location == next(load(str(path))).location  # the entry's, not the string's


@pytest.mark.parametrize(
    "line",
    [
        json.dumps({"pin": PIN}),
        "{ " + json.dumps({"pin": PIN})[1:],
        "   " + json.dumps({"publish_at": "2099-06-02", "pin": PIN}),
        json.dumps({"video_url": VIDEO, "pin": PIN}),
        json.dumps({"publish_at": "2099-06-02", "pin": PIN}, indent=None, separators=(",", ":")),
    ],
    ids=["pin-first", "space", "indented-publish-at-first", "video-url-first", "compact"],
)
def test_json_lines_decode_only_lines_that_hold_a_pin_key(tmp_path: Path, line: str) -> None:
    path = tmp_path / "calendar.jsonl"
    path.write_text(f"{json.dumps(PIN)}\n{line}\n", encoding="utf-8")

    plain, wrapped = load(str(path))

    assert plain.payload == json.dumps(PIN)  # still text: parsed later, fast
    assert wrapped.payload == PIN


@pytest.mark.parametrize("suffix", [".jsonl", ".json"])
def test_a_wrapper_whose_first_key_is_another_is_an_entry_in_any_file(
    tmp_path: Path, suffix: str
) -> None:
    # An export that writes an id first: in JSON Lines, such a row was read as a pin missing
    # every field ("Set board_id", though it was there), where a .json file read it as an entry.
    lines = [
        json.dumps({"id": 17, "publish_at": "2099-06-02", "pin": PIN}),
        json.dumps({"meta": 1, "pin": PIN}),
    ]
    path = tmp_path / f"calendar{suffix}"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    first, second = load(str(path))

    assert first.payload == second.payload == PIN
    assert first.publish_at == datetime(2099, 6, 2, tzinfo=UTC)
    assert [sorted(report.codes) for report in check([first, second])] == [
        ["calendar.entry_unknown_key"],
        ["calendar.entry_unknown_key"],
    ]


def test_a_payload_that_holds_the_word_pin_as_a_value_stays_text(tmp_path: Path) -> None:
    # Decoded to tell (its "pin" is no key), then handed on as text, as any plain row.
    line = json.dumps({**PIN, "title": "pin"})
    path = tmp_path / "calendar.jsonl"
    path.write_text(line + "\n", encoding="utf-8")

    (item,) = load(str(path))

    assert item.payload == line
    assert check([item])[0].codes == frozenset()


def test_a_single_wrapped_object_is_unwrapped(tmp_path: Path) -> None:
    path = tmp_path / "pin.json"
    path.write_text(json.dumps({"pin": PIN, "video_url": VIDEO}, indent=2), encoding="utf-8")

    (item,) = load(str(path))

    assert item.payload == PIN
    assert item.slots == (Slot("video_url", VIDEO, "video"),)


# --- publish_at and video_url --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-12-01T10:00:00Z", datetime(2026, 12, 1, 10, tzinfo=UTC)),
        ("2026-12-01t10:00:00z", datetime(2026, 12, 1, 10, tzinfo=UTC)),  # ISO 8601 allows both
        ("2026-12-01T11:00:00+01:00", datetime(2026, 12, 1, 10, tzinfo=UTC)),
        ("2026-12-01T10:00:00", datetime(2026, 12, 1, 10, tzinfo=UTC)),  # no offset: UTC
        ("2026-12-01", datetime(2026, 12, 1, tzinfo=UTC)),
        ("2026-12-01 10:00:00Z", datetime(2026, 12, 1, 10, tzinfo=UTC)),  # RFC 3339's space
        ("20261201T100000Z", datetime(2026, 12, 1, 10, tzinfo=UTC)),  # ISO 8601's basic format
        (None, None),
    ],
)
def test_publish_at_is_an_aware_datetime(
    tmp_path: Path, value: str | None, expected: datetime | None
) -> None:
    item = entry(tmp_path, {"pin": PIN, "publish_at": value})

    assert item.publish_at == expected
    assert item.publish_at is None or item.publish_at.tzinfo is not None
    assert item.extra == ()


@pytest.mark.parametrize(
    "value",
    [
        "",
        "tomorrow",
        "12/01/2026",  # a spreadsheet's column mapped to publish_at (csv-columns): its own hint
        "46357",  # a date cell formatted as a number: its serial number
        "1-Dec-2026",  # Excel's d-mmm-yyyy
        1780000000,
        True,
        {},
        "2026-06-08x12:00:00Z",  # Python 3.11's fromisoformat takes any separator
        "9999-12-31T23:59:59-05:00",  # past the last moment in UTC: a traceback for the run
        "0001-01-01T00:00:00+05:00",  # before the first
    ],
)
def test_a_bad_publish_at_is_reported(tmp_path: Path, value: object) -> None:
    item = entry(tmp_path, {"pin": PIN, "publish_at": value})

    (report,) = check([item])
    assert report.codes == {"calendar.publish_date_invalid"}
    assert report.findings[0].field == "publish_at"
    assert item.publish_at is None
    spreadsheet = value in ("12/01/2026", "46357", "1-Dec-2026")
    assert report.findings[0].hint.startswith("A spreadsheet") is spreadsheet


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("cdn.example.com/v.mp4", "media.url_invalid"),
        ("https://cdn.example.com/v.mkv", "media.unsupported_format"),
        (42, "media.url_invalid"),
        ("", "media.url_invalid"),
        # A JSON escape of half a character: a file URL holding one ended the whole run.
        ("file:///clips/\ud800.mp4", "media.url_invalid"),
        ("./\udcff.mp4", "media.url_invalid"),
        ("https://cdn.example.com/\ud800.mp4", "media.url_invalid"),
    ],
)
def test_a_bad_video_url_is_reported_and_not_probed(
    tmp_path: Path, value: object, code: str
) -> None:
    item = entry(tmp_path, {"pin": PIN, "video_url": value})

    (report,) = check([item])
    assert report.codes == {code}
    assert report.findings[0].field == "video_url"
    assert item.slots == ()


def test_the_engine_checks_signed_urls_against_publish_at(tmp_path: Path) -> None:
    # Signed to expire 2099-06-01T01:00Z; the entry goes out the next day.
    pin = {**PIN, "media_source": {"source_type": "image_url", "url": SIGNED}}
    item = entry(tmp_path, {"pin": pin, "publish_at": "2099-06-02T08:00:00Z"})
    unscheduled = entry(tmp_path, {"pin": pin})

    assert check([item])[0].codes == {"media.url_expires"}
    assert check([unscheduled])[0].codes == set()


# --- whatever the entries hold -------------------------------------------------------------------

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
_WRAPPERS = st.fixed_dictionaries(
    {"pin": _JSON},
    optional={"publish_at": _JSON, "video_url": _JSON, "publish_time": _JSON, "board_id": _JSON},
)


@given(st.lists(_WRAPPERS | _JSON, max_size=5))
def test_every_entry_gives_one_report(values: list[object]) -> None:
    items = list(iter_document(json.dumps(values, indent=1), "c.json"))

    reports = check(items)

    assert [r.location.position for r in reports] == list(range(len(values)))
    for value, item, report in zip(values, items, reports, strict=True):
        wrapped = isinstance(value, dict) and "pin" in value and not API_FIELDS & set(value)
        if wrapped and isinstance(value["pin"], dict):
            assert item.payload == value["pin"]
        if wrapped and not isinstance(value["pin"], dict):  # the wrapper's own keys still count
            assert item.problem is not None
            assert item.problem.code == "calendar.row_malformed"
            assert report.codes == {item.problem.code, *(f.code for f in item.extra)}
        if not wrapped and isinstance(value, str):  # never read as JSON text a second time
            assert item.payload is None
            assert report.codes == {"calendar.row_malformed"}
        elif not wrapped:
            assert item.payload == value
            assert item.extra == ()


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        (
            "2026-12-05T10:00:00-05:00[America/New_York]",
            'Leave out "[America/New_York]": "2026-12-05T10:00:00-05:00" says the moment already.',
        ),
        (
            "2026-12-05T10:00:00+01:00[Europe/Paris][u-ca=iso8601]",
            'Leave out "[Europe/Paris][u-ca=iso8601]": "2026-12-05T10:00:00+01:00" says the '
            "moment already.",
        ),
        (
            "2026-12-05T10:00:00-05:00 America/New_York",
            'Leave out "America/New_York": "2026-12-05T10:00:00-05:00" says the moment already.',
        ),
        # No offset: the name was the only word of the zone, which is not to be lost ("(UTC)").
        (
            "2026-12-05T10:00:00[Europe/Paris]",
            'Write the offset in place of "[Europe/Paris]" ("2026-12-05T10:00:00+01:00" for a '
            "clock an hour ahead of UTC), or the time in UTC with a Z.",
        ),
    ],
)
def test_a_publish_date_with_its_zone_s_name_is_told_to_leave_the_name_out(
    tmp_path: Path, written: str, hint: str
) -> None:
    # Java's ZonedDateTime writes the zone's name after the offset: the "/" in it got the hint
    # of a date a spreadsheet rewrote, which said to write the time in UTC.
    (report,) = check([entry(tmp_path, {"pin": PIN, "publish_at": written})])
    (finding,) = report.findings
    assert finding.code == "calendar.publish_date_invalid"
    assert finding.hint == hint
