"""Signed URLs checked against the clock, with URLs signed at test time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from validator import validate_many
from validator.engine import Engine
from validator.findings import Location
from validator.settings import Settings
from validator.sources import PinInput


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


def test_the_margin_is_configurable() -> None:
    url = sigv4_url(datetime.now(UTC), timedelta(hours=3))
    assert validate_many([pin_with(url)], offline=True)[0].codes == {"media.url_expires_soon"}
    relaxed = Settings(offline=True, expiry_margin_hours=1)
    assert validate_many([pin_with(url)], settings=relaxed)[0].findings == ()
