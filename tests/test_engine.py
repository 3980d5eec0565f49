"""The engine: one report per pin in, whatever the pins hold."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from validator.codes.calendar import CALENDAR_ROW_MALFORMED
from validator.engine import Engine
from validator.findings import Location
from validator.report import Report
from validator.settings import Settings
from validator.slots import Slot
from validator.sources import PinInput, from_objects, load
from validator.urls import MediaKind


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


def test_the_same_pin_twice_in_a_calendar_is_a_duplicate(tmp_path: Path) -> None:
    media = {"source_type": "image_url", "url": "https://cdn.example/a.jpg"}
    pin = {"board_id": "549755885175", "link": "https://shop.example/p/1", "media_source": media}
    other = {**pin, "link": "https://shop.example/p/2"}
    path = tmp_path / "calendar.jsonl"
    path.write_text("\n".join(json.dumps(p) for p in (pin, other, pin)) + "\n", encoding="utf-8")

    async def run() -> list[Report]:
        async with Engine(Settings(offline=True)).session() as session:
            return [report async for report in session.check_all(load(str(path)))]

    reports = asyncio.run(run())
    assert [sorted(r.codes) for r in reports] == [[], [], ["calendar.duplicate_pin"]]
    assert "calendar.jsonl:1" in reports[2].findings[0].message


def test_select_and_ignore_choose_the_codes_reported() -> None:
    pin = {"board_id": "Recipes", "dominant_color": "sand"}

    def check(**options: tuple[str, ...]) -> Report:
        return Engine(Settings(offline=True, **options)).check(PinInput(Location("<in>", 0), pin))

    assert check().codes == {"board.invalid_id", "media.missing", "pin.dominant_color_invalid"}
    assert check(select=("board",)).codes == {"board.invalid_id"}
    assert check(ignore=("pin.", "media.missing")).codes == {"board.invalid_id"}
    with pytest.raises(ValueError, match="no code matches 'boards'"):
        Settings(select=("boards",))


def test_a_prechecked_row_keeps_its_own_verdict_and_slots() -> None:
    finding = CALENDAR_ROW_MALFORMED.finding(None, "row 3 has 4 columns, the header 8")
    url = (
        "https://bucket.s3.amazonaws.com/v.mp4"
        "?X-Amz-Date=20200101T000000Z&X-Amz-Expires=60&X-Amz-Signature=0"
    )
    slot = Slot("Media URL", url, MediaKind.VIDEO)
    item = PinInput(Location("cal.csv", 2, 3), None, row=True, extra=(finding,), slots=(slot,),
                    prechecked=True, title="Row 3")  # fmt: skip
    report = Engine(Settings(offline=True)).check(item)
    assert report.codes == {"calendar.row_malformed", "media.url_expires"}
    assert report.title == "Row 3"
