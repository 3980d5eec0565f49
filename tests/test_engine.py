"""The engine: one report per pin in, whatever the pins hold."""

from __future__ import annotations

from validator.engine import Engine
from validator.findings import Location
from validator.settings import Settings
from validator.sources import PinInput, from_objects


def test_every_pin_in_gives_one_report_out_in_order() -> None:
    pins: list[object] = [
        {},
        [],
        "{",
        None,
        42,
        {"board_id": "1"},
        b"\xff\xfe",
        {"media_source": 3},
    ]
    reports = list(Engine(Settings(offline=True)).check_all(from_objects(pins)))
    assert [r.location.position for r in reports] == list(range(len(pins)))
    assert all(not r.ok for r in reports)
    assert all(r.findings for r in reports)


def test_a_row_that_is_not_an_object_is_a_malformed_row() -> None:
    item = PinInput(Location("cal.jsonl", 0, 7), "[1, 2]", row=True)
    report = Engine().check(item)
    assert report.codes == {"calendar.row_malformed"}
    assert str(report.location) == "cal.jsonl:7"


def test_a_field_reported_while_parsing_is_not_reported_again_by_a_rule() -> None:
    pin = {"media_source": {"source_type": "video_id", "media_id": "x.mp4",
                            "cover_image_url": "https://a.example/c.jpg",
                            "cover_image_content_type": "image/jpeg"}, "board_id": "1"}  # fmt: skip
    report = Engine().check(PinInput(Location("<input>", 0), pin))
    assert [f.code for f in report.findings] == ["media.media_id_invalid"]


def test_the_title_is_kept_for_display_even_when_too_long() -> None:
    title = "t" * 120
    report = Engine().check(PinInput(Location("<input>", 0), {"title": title}))
    assert report.title == title
