"""Signed media URLs that will be dead when Pinterest fetches them.

Decided from the URL and the clock alone (no request): a presigned URL states its own deadline
(``signed_urls``). Pinterest fetches when the pin is created, or at ``publish_at`` for a
scheduled pin; the margin covers late fetches and retries.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from validator.codes.media import MEDIA_URL_EXPIRES, MEDIA_URL_EXPIRES_SOON
from validator.findings import Finding
from validator.messages import plural, quote
from validator.signed_urls import ExpiryKind, expiry_problem
from validator.slots import Slot

__all__ = ["check_expiry"]


def check_expiry(
    slots: Iterable[Slot], *, now: datetime, publish_at: datetime | None, margin_hours: float
) -> list[Finding]:
    """``media.url_expires`` / ``media.url_expires_soon`` for each signed URL of the pin."""
    margin = timedelta(hours=margin_hours)
    found: list[Finding] = []
    for slot in slots:
        verdict = expiry_problem(slot.url, now=now, publish_at=publish_at, margin=margin)
        if verdict is None:
            continue
        signed = verdict.expiry
        when = _utc(signed.expires_at)
        what = f"the {signed.scheme} {quote(slot.url, 50)} ({signed.parameter})"
        if verdict.kind is ExpiryKind.EXPIRED:
            message = f"{what} expired at {when}, {_span(verdict.gap)} ago"
            found.append(MEDIA_URL_EXPIRES.finding(slot.field, message))
        elif verdict.kind is ExpiryKind.EXPIRES_BEFORE_PUBLISH and publish_at is not None:
            message = (
                f"{what} expires at {when}, {_span(verdict.gap)} before the pin is published "
                f"({_utc(publish_at)})"
            )
            found.append(MEDIA_URL_EXPIRES.finding(slot.field, message))
        else:
            moment = "now"
            if verdict.from_publish and publish_at is not None:
                moment = f"publishing ({_utc(publish_at)})"
            message = (
                f"{what} expires at {when}, only {_span(verdict.gap)} after {moment}, within the "
                f"{_span(margin)} margin (expiry_margin_hours)"
            )
            found.append(MEDIA_URL_EXPIRES_SOON.finding(slot.field, message))
    return found


def _utc(moment: datetime) -> str:
    """A moment as ``2026-12-01 10:00 UTC``; the year in four digits, as early as year 1."""
    return f"{moment.year:04d}-{moment:%m-%d %H:%M} UTC"


def _span(gap: timedelta) -> str:
    seconds = int(gap.total_seconds())
    if seconds >= 2 * 86400:
        return plural(seconds // 86400, "day")
    if seconds >= 2 * 3600:
        return plural(seconds // 3600, "hour")
    if seconds >= 120:
        return plural(seconds // 60, "minute")
    return "less than a second" if seconds < 1 else plural(seconds, "second")
