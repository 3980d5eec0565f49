"""Signed URLs checked against the clock, with URLs signed at test time."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from media_server import serve

from validator import Report, validate_many
from validator.engine import Engine
from validator.findings import Location
from validator.settings import Settings
from validator.sources import PinInput, load


def sigv4_url(signed: datetime, lifetime: timedelta) -> str:
    stamp = signed.strftime("%Y%m%dT%H%M%SZ")
    return (
        "https://bucket.s3.amazonaws.com/pins/spring.jpg?X-Amz-Algorithm=AWS4-HMAC-SHA256"
        f"&X-Amz-Date={stamp}&X-Amz-Expires={int(lifetime.total_seconds())}&X-Amz-Signature=00"
    )


def pin_with(url: str) -> dict[str, object]:
    return {"board_id": "549755885175", "media_source": {"source_type": "image_url", "url": url}}


def test_a_url_valid_for_another_hour_warns_within_the_default_margin() -> None:
    url = sigv4_url(datetime.now(UTC) - timedelta(minutes=1), timedelta(hours=1))
    (report,) = validate_many([pin_with(url)], offline=True)
    assert report.codes == {"media.url_expires_soon"}
    assert report.ok  # a warning
    assert "X-Amz-Date + X-Amz-Expires" in report.findings[0].message


def test_a_url_valid_for_a_week_is_fine_unless_published_after_it_expires() -> None:
    url = sigv4_url(datetime.now(UTC), timedelta(days=7))
    assert validate_many([pin_with(url)], offline=True)[0].findings == ()
    engine = Engine(Settings(offline=True))
    later = datetime.now(UTC) + timedelta(days=10)
    item = PinInput(Location("cal.jsonl", 0, 1), pin_with(url), row=True, publish_at=later)
    report = engine.check(item)
    assert report.codes == {"media.url_expires"}
    assert "before the pin is published" in report.findings[0].message


def test_a_url_of_temporary_credentials_says_how_to_sign_one_that_lasts() -> None:
    url = sigv4_url(datetime.now(UTC) - timedelta(hours=40), timedelta(days=7))
    url += "&X-Amz-Security-Token=IQoJb3JpZ2luX2VjEFAKE"
    (report,) = validate_many([pin_with(url)], offline=True)
    assert report.codes == {"media.url_expires"}
    (finding,) = report.findings
    assert "(SigV4, temporary credentials)" in finding.message
    assert "expired at" in finding.message
    assert finding.hint is not None
    assert finding.hint.startswith("A URL signed with temporary credentials")


def test_a_url_of_temporary_credentials_far_from_publishing_says_when_to_sign_it_again() -> None:
    # "Sign it with an IAM user's access key (up to 7 days)": signed so today, it still died 12
    # days before a publish date 19 days away; when to sign was not said.
    now = datetime(2026, 6, 1, tzinfo=UTC)
    url = sigv4_url(now, timedelta(days=7)) + "&X-Amz-Security-Token=IQoJb3JpZ2luX2VjEFAKE"
    later = datetime(2026, 6, 20, 10, tzinfo=UTC)
    item = PinInput(Location("cal.jsonl", 0, 1), pin_with(url), row=True, publish_at=later)
    (finding,) = Engine(Settings(offline=True), now=now).check(item).findings
    assert finding.hint is not None
    assert finding.hint.startswith("A URL signed with temporary credentials")
    assert finding.hint.endswith(
        "Signed so, it lives at most 7 days: sign it less than 6 days before publishing "
        "(2026-06-20 10:00 UTC), so that it outlives the 24 hours margin."
    )


def test_the_margin_is_configurable() -> None:
    url = sigv4_url(datetime.now(UTC), timedelta(hours=3))
    assert validate_many([pin_with(url)], offline=True)[0].codes == {"media.url_expires_soon"}
    relaxed = Settings(offline=True, expiry_margin_hours=1)
    assert validate_many([pin_with(url)], settings=relaxed)[0].findings == ()


def test_messages_name_the_margin_and_the_publish_time() -> None:
    url = sigv4_url(datetime.now(UTC) - timedelta(minutes=1), timedelta(hours=1))
    (report,) = validate_many([pin_with(url)], offline=True)
    assert "within the 24 hours margin (expiry_margin_hours)" in report.findings[0].message
    engine = Engine(Settings(offline=True))
    later = datetime(2099, 1, 2, 3, 4, tzinfo=UTC)
    item = PinInput(Location("cal.jsonl", 0, 1), pin_with(url), row=True, publish_at=later)
    message = engine.check(item).findings[0].message
    assert "before the pin is published (2099-01-02 03:04 UTC)" in message


@pytest.mark.parametrize(
    ("hours", "said"),
    [(47.5, "47.5 hours"), (143, "143 hours"), (1, "1 hour"), (12345.75, "12,345.75 hours")],
)
def test_the_margin_is_named_as_set(hours: float, said: str) -> None:
    # Rounded down as a span: 47.5 read "47 hours", 143 "5 days".
    url = sigv4_url(datetime.now(UTC), timedelta(minutes=30))
    (report,) = validate_many(
        [pin_with(url)], settings=Settings(offline=True, expiry_margin_hours=hours)
    )
    assert f"within the {said} margin (expiry_margin_hours)" in report.findings[0].message


def test_a_local_file_is_never_taken_for_a_signed_url(tmp_path: Path) -> None:
    # A video file whose name holds a CloudFront query was "expired", and never read.
    name = "clip.mp4?Expires=1577836800&Signature=x&Key-Pair-Id=K"
    (tmp_path / name).write_bytes(b"not a video at all")
    pin = {"board_id": "549755885175", "media_source": {"source_type": "video_id",
           "media_id": "1", "cover_image_url": "https://cdn.example.com/c.jpg",
           "cover_image_content_type": "image/jpeg"}}  # fmt: skip
    calendar = tmp_path / "calendar.jsonl"
    calendar.write_text(json.dumps({"pin": pin, "video_url": f"./{name}"}) + "\n")

    async def run() -> list[Report]:
        async with Engine(Settings(offline=True)).session() as session:
            return [r async for r in session.check_all(load(str(calendar)))]

    (report,) = asyncio.run(run())
    assert "media.url_expires" not in report.codes
    assert "media.unsupported_format" in report.codes  # read, and judged by its bytes


def test_years_before_1000_are_written_with_four_digits() -> None:
    url = "https://acct.blob.core.windows.net/pins/a.jpg?sv=2022-11-02&se=0099-01-01&sig=abc"
    (report,) = validate_many([pin_with(url)], offline=True)
    assert "expired at 0099-01-01 00:00 UTC" in report.findings[0].message


def test_a_url_that_expires_soon_is_still_fetched(tmp_path: Path) -> None:
    # It works now, so what it serves is checked: here, nothing (a 404).
    with serve() as running:
        signed = datetime.now(UTC) - timedelta(minutes=1)
        url = running.url("/status/404") + "?" + sigv4_url(signed, timedelta(hours=2)).split("?")[1]
        settings = Settings(allow_private_hosts=True, retries=0)
        (report,) = validate_many([pin_with(url)], settings=settings)
    assert report.codes == {"media.url_expires_soon", "media.not_found"}


def test_a_url_that_expires_before_publishing_is_still_fetched() -> None:
    # It works now: what it serves is told beside its deadline, so one edit fixes both.
    now = datetime.now(UTC)
    with serve() as running:
        url = running.url("/status/404") + "?" + sigv4_url(now, timedelta(days=1)).split("?")[1]
        item = PinInput(
            Location("cal.jsonl", 0, 1), pin_with(url), row=True, publish_at=now + timedelta(days=3)
        )
        report = _checked_online(item, Settings(allow_private_hosts=True, retries=0))
    assert report.codes == {"media.url_expires", "media.not_found"}


def test_an_expired_url_is_fetched_only_when_its_finding_is_not_reported() -> None:
    # Ignored, media.url_expires took the fetch away with it: the pin passed unchecked.
    signed = datetime.now(UTC) - timedelta(days=2)
    with serve() as running:
        url = running.url("/status/404") + "?" + sigv4_url(signed, timedelta(hours=1)).split("?")[1]
        settings = Settings(allow_private_hosts=True, retries=0)
        (report,) = validate_many([pin_with(url)], settings=settings)
        assert report.codes == {"media.url_expires"}
        assert running.requests_to("/status/404") == []
        for chosen in ({"ignore": ("media.url_expires",)}, {"select": ("media.not_found",)}):
            (report,) = validate_many([pin_with(url)], settings=settings.model_copy(update=chosen))
            assert report.codes == {"media.not_found"}


def _checked_online(item: PinInput, settings: Settings) -> Report:
    async def run() -> list[Report]:
        async with Engine(settings).session() as session:
            return [report async for report in session.check_all([item])]

    (report,) = asyncio.run(run())
    return report


def _check_at(url: str, publish_at: datetime) -> str:
    item = PinInput(Location("cal.jsonl", 0, 1), pin_with(url), row=True, publish_at=publish_at)
    (finding,) = Engine(Settings(offline=True)).check(item).findings
    return finding.message


def test_a_publish_time_with_an_offset_is_shown_in_utc() -> None:
    url = sigv4_url(datetime.now(UTC), timedelta(hours=1))
    paris = timezone(timedelta(hours=2))
    later = (datetime.now(UTC) + timedelta(days=3)).replace(hour=15, minute=0, second=0)
    message = _check_at(url, later.replace(tzinfo=paris))
    assert f"before the pin is published ({later:%Y-%m-%d} 13:00 UTC)" in message


def test_seconds_are_shown_when_they_matter() -> None:
    signed = datetime(2099, 1, 1, 10, 0, 0, tzinfo=UTC)
    url = sigv4_url(signed, timedelta(seconds=90))  # 10:01:30
    message = _check_at(url, signed + timedelta(minutes=2))
    assert "expires at 2099-01-01 10:01:30 UTC, 30 seconds before" in message
    assert "(2099-01-01 10:02 UTC)" in message


def test_a_publish_date_without_a_time_must_be_outlived_all_day() -> None:
    # A date alone was read as 00:00: a URL dead at 20:00 that day passed, and the message
    # gave the pin a publish time of 00:00 that no calendar said.
    day = (datetime.now(UTC) + timedelta(days=2)).replace(hour=0, minute=0, second=0, microsecond=0)
    url = sigv4_url(day + timedelta(hours=19), timedelta(hours=1))  # dead at 20:00 that day

    def check(publish_day: bool) -> Report:
        item = PinInput(
            Location("cal.csv", 0, 2), pin_with(url), row=True, publish_at=day,
            publish_day=publish_day,
        )  # fmt: skip
        return Engine(Settings(offline=True)).check(item)

    assert check(publish_day=False).codes == {"media.url_expires_soon"}  # 20 h after 00:00
    (finding,) = check(publish_day=True).findings
    assert finding.code == "media.url_expires"
    assert finding.message.endswith(
        f"expires at {day:%Y-%m-%d} 20:00 UTC, before the end of {day:%Y-%m-%d} (UTC), the day "
        "the pin is published: its calendar gives no time, so it may go out later that day"
    )
    url = sigv4_url(day + timedelta(hours=23), timedelta(hours=3))  # 02:00 the day after
    (finding,) = Engine(Settings(offline=True)).check(
        PinInput(Location("cal.csv", 0, 2), pin_with(url), row=True, publish_at=day,
                 publish_day=True)
    ).findings  # fmt: skip
    assert finding.code == "media.url_expires_soon"
    assert f"only 2 hours after the end of {day:%Y-%m-%d} (UTC), the day the pin" in finding.message


def _whole_day_finding(url: str, day: datetime, now: datetime) -> tuple[str, str, str | None]:
    item = PinInput(
        Location("cal.csv", 0, 2), pin_with(url), row=True, publish_at=day, publish_day=True
    )
    (finding,) = Engine(Settings(offline=True), now=now).check(item).findings
    return finding.code, finding.message, finding.hint


def test_a_whole_days_url_dead_before_the_day_says_how_long_before_and_when_to_sign() -> None:
    # The message said only "before the end of the day... it may go out later that day", of a
    # URL dead two weeks before the day; the hint counted from the day's last second, so that a
    # URL signed again as it said still warned.
    now = datetime(2099, 11, 28, 12, 0, tzinfo=UTC)
    day = datetime(2099, 12, 20, tzinfo=UTC)
    code, message, hint = _whole_day_finding(sigv4_url(now, timedelta(days=7)), day, now)
    assert code == "media.url_expires"
    assert message.endswith(
        "expires at 2099-12-05 12:00 UTC, 14 days before 2099-12-20 (UTC), the day the pin is "
        "published"
    )
    assert hint is not None
    assert "sign it again less than 5 days before 2099-12-20 starts (00:00 UTC), so that it " \
        "outlives that day and the 24 hours margin" in hint  # fmt: skip
    # Signed again just inside those 5 days, it is clean.
    again = day - timedelta(days=5) + timedelta(minutes=1)
    item = PinInput(
        Location("cal.csv", 0, 2), pin_with(sigv4_url(again, timedelta(days=7))), row=True,
        publish_at=day, publish_day=True,
    )  # fmt: skip
    assert Engine(Settings(offline=True), now=again).check(item).findings == ()
    # Without a margin, the day alone is left to outlive.
    item = PinInput(
        Location("cal.csv", 0, 2), pin_with(sigv4_url(now, timedelta(days=7))), row=True,
        publish_at=day, publish_day=True,
    )  # fmt: skip
    (finding,) = Engine(Settings(offline=True, expiry_margin_hours=0), now=now).check(item).findings
    assert "less than 6 days before 2099-12-20 starts (00:00 UTC), so that it outlives that " \
        "day, or use" in (finding.hint or "")  # fmt: skip


@pytest.mark.parametrize("margin_hours", [144.0001, 150.0, 200.0])
def test_a_margin_no_url_can_outlive_gets_a_hint_that_says_so(margin_hours: float) -> None:
    # Signed as the hint said ("within the 7 days before publishing"), it still warned; just
    # over 144 hours, the hint read "less than less than a second before".
    now = datetime(2099, 11, 28, 12, 0, tzinfo=UTC)
    day = datetime(2099, 12, 20, tzinfo=UTC)
    item = PinInput(
        Location("cal.csv", 0, 2), pin_with(sigv4_url(now, timedelta(days=7))), row=True,
        publish_at=day, publish_day=True,
    )  # fmt: skip
    settings = Settings(offline=True, expiry_margin_hours=margin_hours)
    (finding,) = Engine(settings, now=now).check(item).findings
    assert finding.hint is not None
    assert "sign it again within the 7 days before the end of 2099-12-20 (it will still warn: " \
        "it cannot also outlive the" in finding.hint  # fmt: skip
    assert "less than less" not in finding.hint


def test_a_whole_days_url_dead_at_the_next_midnight_dies_as_the_day_ends() -> None:
    now = datetime(2099, 12, 19, 0, 0, tzinfo=UTC)
    day = datetime(2099, 12, 20, tzinfo=UTC)
    code, message, _ = _whole_day_finding(sigv4_url(now, timedelta(days=2)), day, now)
    assert code == "media.url_expires_soon"  # "1 second after the end of" the day, it said
    assert message.endswith(
        "expires at 2099-12-21 00:00 UTC, at the end of 2099-12-20 (UTC), the day the pin is "
        "published, within the 24 hours margin (expiry_margin_hours)"
    )


def test_a_url_that_dies_as_the_pin_is_published_says_so() -> None:
    signed = datetime(2099, 1, 1, 10, 0, 0, tzinfo=UTC)
    url = sigv4_url(signed, timedelta(hours=1))
    message = _check_at(url, signed + timedelta(hours=1))
    assert message.endswith("expires at 2099-01-01 11:00 UTC, the moment the pin is published")


def test_a_v4_url_for_a_pin_published_beyond_a_week_gets_a_fix_that_can_be_done() -> None:
    now = datetime.now(UTC)
    url = sigv4_url(now, timedelta(days=7))
    item = PinInput(
        Location("cal.jsonl", 0, 1), pin_with(url), row=True, publish_at=now + timedelta(days=20)
    )
    (finding,) = Engine(Settings(offline=True)).check(item).findings
    assert finding.hint.startswith("An S3 presigned URL (SigV4) lives at most 7 days: sign it")
    # Signed 6.5 days before, it would expire within the margin: the hint leaves the margin.
    assert "sign it again less than 6 days before publishing (" in finding.hint
    assert "so that it outlives the 24 hours margin" in finding.hint
    # Published within the week, signing again for longer is possible: the catalogue's fix.
    item = PinInput(
        Location("cal.jsonl", 0, 1),
        pin_with(sigv4_url(now, timedelta(days=1))),
        row=True,
        publish_at=now + timedelta(days=3),
    )
    (finding,) = Engine(Settings(offline=True)).check(item).findings
    assert finding.hint.startswith("Sign the URL again with a lifetime")


def test_a_v4_url_signed_for_a_week_that_ends_within_the_margin_is_told_when_to_sign_it() -> None:
    # Signed for 7 days, the most SigV4 takes, 6.5 days before publishing: "Sign the URL again
    # with a longer lifetime" could not be done. Signed later, it outlives the margin.
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    publish_at = now + timedelta(days=6, hours=12)
    item = PinInput(
        Location("cal.jsonl", 0, 1),
        pin_with(sigv4_url(now, timedelta(days=7))),
        row=True,
        publish_at=publish_at,
    )
    (finding,) = Engine(Settings(offline=True)).check(item).findings
    assert finding.code == "media.url_expires_soon"
    assert finding.hint == (
        "An S3 presigned URL (SigV4) lives at most 7 days: sign it again, for those 7 days, less "
        f"than 6 days before publishing ({publish_at:%Y-%m-%d %H:%M} UTC), so that it outlives "
        "the 24 hours margin, or use a public URL."
    )


def test_a_url_of_temporary_credentials_that_ends_within_the_margin_keeps_its_own_hint() -> None:
    # It dies with its session (36 hours), whatever its X-Amz-Expires: "sign it again, for those
    # 7 days" could not be done with the same credentials.
    now = datetime.now(UTC)
    url = sigv4_url(now, timedelta(days=7)) + "&X-Amz-Security-Token=t0ken"
    item = PinInput(
        Location("cal.jsonl", 0, 1), pin_with(url), row=True, publish_at=now + timedelta(hours=30)
    )
    (finding,) = Engine(Settings(offline=True)).check(item).findings
    assert finding.code == "media.url_expires_soon"
    assert "IAM user's access key" in finding.hint
    assert "for those 7 days" not in finding.hint


def test_a_small_expires_on_an_unknown_host_is_no_1970_deadline() -> None:
    for expires in ("86400", "3600", "0"):
        url = f"https://img.example.com/a.jpg?expires={expires}&signature=abc"
        assert validate_many([pin_with(url)], offline=True)[0].findings == ()
    # A named scheme's 1970 deadline is one: that URL is dead.
    url = "https://d1.cloudfront.net/a.jpg?Expires=86400&Signature=abc&Key-Pair-Id=K2"
    assert validate_many([pin_with(url)], offline=True)[0].codes == {"media.url_expires"}
