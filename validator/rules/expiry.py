"""Signed media URLs that will be dead when Pinterest fetches them.

Decided from the URL and the clock alone (no request): a presigned URL states its own deadline
(``signed_urls``). Pinterest fetches when the pin is created, or at ``publish_at`` for a
scheduled pin; the margin covers late fetches and retries.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from validator.codes.media import MEDIA_URL_EXPIRES, MEDIA_URL_EXPIRES_SOON
from validator.findings import Finding
from validator.messages import plural, quote
from validator.signed_urls import ExpiryKind, expiry_problem
from validator.slots import Slot

__all__ = ["check_expiry"]


def check_expiry(
    slots: Iterable[Slot],
    *,
    now: datetime,
    publish_at: datetime | None,
    margin_hours: float,
    whole_day: bool = False,
) -> tuple[list[Finding], set[str]]:
    """``media.url_expires`` / ``media.url_expires_soon`` for each signed URL of the pin.

    Also the fields of the URLs expired already: fetched, they would answer only a refusal. One
    that expires before publishing still works now, and what it serves is worth knowing too.
    ``whole_day``: ``publish_at`` is a day's start, and the pin may go out at any time that day,
    so a URL must outlive the day's last second.
    """
    margin = timedelta(hours=margin_hours)
    found: list[Finding] = []
    expired: set[str] = set()
    day = f"{publish_at.astimezone(UTC):%Y-%m-%d}" if whole_day and publish_at is not None else None
    day_start = publish_at if day is not None else None
    if day_start is not None and publish_at is not None:
        publish_at += _DAY - _LAST_SECOND
    for slot in slots:
        verdict = expiry_problem(slot.url, now=now, publish_at=publish_at, margin=margin)
        if verdict is None:
            continue
        signed = verdict.expiry
        when = _utc(signed.expires_at)
        what = f"the {signed.scheme} {quote(slot.url, 50)} ({signed.parameter})"
        if verdict.kind is ExpiryKind.EXPIRED:
            message = f"{what} expired at {when}, {_span(verdict.gap)} ago"
            found.append(MEDIA_URL_EXPIRES.finding(slot.field, message, signed.hint))
            expired.add(slot.field)
        elif verdict.kind is ExpiryKind.EXPIRES_BEFORE_PUBLISH and publish_at is not None:
            published = _utc(publish_at) if day is None else f"on {day}"
            if day_start is not None and signed.expires_at < day_start:
                message = (
                    f"{what} expires at {when}, {_span(day_start - signed.expires_at)} before "
                    f"{day} (UTC), the day the pin is published"
                )
            elif day is not None:
                message = (
                    f"{what} expires at {when}, before the end of {day} (UTC), the day the pin "
                    "is published: its calendar gives no time, so it may go out later that day"
                )
            elif verdict.gap:
                message = (
                    f"{what} expires at {when}, {_span(verdict.gap)} before the pin is "
                    f"published ({published})"
                )
            else:
                message = f"{what} expires at {when}, the moment the pin is published"
            hint = signed.hint
            if signed.longest is not None and publish_at - now > signed.longest:
                # Signing again with a longer lifetime, as the catalogue says, is not possible;
                # signed later than its lifetime less the margin, it would still warn. A whole
                # day is counted from its start, as "before 2026-12-20" is read, less the day
                # itself: the URL must outlive the day's last second.
                days = plural(signed.longest.days, "day")
                lead, before, outlives = signed.longest - margin, f"publishing ({published})", []
                if day_start is not None:
                    lead -= publish_at - day_start
                    before, outlives = f"{day} starts (00:00 UTC)", ["that day"]
                if margin:
                    outlives.append(f"the {_hours(margin_hours)} margin")
                if _LAST_SECOND <= lead < signed.longest:
                    when_to = (
                        f"less than {_span(lead)} before {before}, so that it outlives "
                        f"{' and '.join(outlives)}"
                    )
                elif lead >= signed.longest:  # no margin: only the publishing to outlive
                    when_to = f"within the {days} before publishing ({published})"
                else:  # a margin no such URL can outlive (expiry_margin_hours of a week)
                    end = f"publishing ({published})" if day is None else f"the end of {day}"
                    when_to = (
                        f"within the {days} before {end} (it will still warn: it cannot also "
                        f"outlive the {_hours(margin_hours)} margin)"
                    )
                hint = (
                    f"{_article(signed.scheme)} {signed.scheme} lives at most {days}: sign it "
                    f"again {when_to}, or use a public URL."
                )
                if signed.hint is not None:  # how to sign one that lives so long, then when
                    hint = f"{signed.hint} Signed so, it lives at most {days}: sign it {when_to}."
            found.append(MEDIA_URL_EXPIRES.finding(slot.field, message, hint))
        else:
            moment, gap = "now", verdict.gap
            if verdict.from_publish and day is not None:
                # The day ends at the next midnight, which its last second stands for above.
                moment, gap = (
                    f"the end of {day} (UTC), the day the pin is published",
                    gap - _LAST_SECOND,
                )
            elif verdict.from_publish and publish_at is not None:
                moment = f"publishing ({_utc(publish_at)})"
            after = f"only {_span(gap)} after {moment}" if gap > timedelta(0) else f"at {moment}"
            message = (
                f"{what} expires at {when}, {after}, within the {_hours(margin_hours)} margin "
                "(expiry_margin_hours)"
            )
            hint = signed.hint
            longest = signed.longest
            # A scheme's own hint (temporary credentials: sign with a lasting key) comes first.
            if verdict.from_publish and day is None and publish_at and longest and not hint:
                # "Sign it with a longer lifetime" could not be followed by one signed for its
                # scheme's longest already: when it is signed lets it outlive the margin.
                hint = _sign_later(signed.scheme, longest, margin_hours, publish_at) or hint
            found.append(MEDIA_URL_EXPIRES_SOON.finding(slot.field, message, hint))
    return found, expired


def _sign_later(
    scheme: str, longest: timedelta, margin_hours: float, publish_at: datetime
) -> str | None:
    """The hint for a URL of a scheme of ``longest`` lifetime, to outlive the margin."""
    lead = longest - timedelta(hours=margin_hours)
    if lead <= timedelta(0):  # a margin no such URL can outlive: the catalogue's words
        return None
    days = plural(longest.days, "day")
    return (
        f"{_article(scheme)} {scheme} lives at most {days}: sign it again, for those {days}, "
        f"less than {_span(lead)} before publishing ({_utc(publish_at)}), so that it outlives "
        f"the {_hours(margin_hours)} margin, or use a public URL."
    )


_DAY = timedelta(days=1)
_LAST_SECOND = timedelta(seconds=1)


def _article(noun: str) -> str:
    """The article before a scheme's name, as it is read aloud: "An S3 presigned URL"."""
    return "An" if noun.startswith(("S3", "A", "E", "I", "O", "U")) else "A"


def _utc(moment: datetime) -> str:
    """A moment in UTC as ``2026-12-01 10:00 UTC`` (with ``:SS`` when its seconds are not 0).

    The year has four digits, as early as year 1. A publish time given with an offset
    (``+02:00``) is converted: the label says UTC.
    """
    moment = moment.astimezone(UTC)
    clock = "%H:%M:%S" if moment.second else "%H:%M"
    return f"{moment.year:04d}-{moment:%m-%d} {moment:{clock}} UTC"


def _hours(hours: float) -> str:
    """The margin as set (``expiry_margin_hours``): 47.5 is not "47 hours", nor 143 "5 days"."""
    if hours % 24 == 0 and hours >= 48:
        return plural(int(hours // 24), "day")
    shown = f"{hours:,.0f}" if hours == int(hours) else f"{hours:,}"  # 12,345.75, not 12345.8
    return f"{shown} hour" if hours == 1 else f"{shown} hours"


def _span(gap: timedelta) -> str:
    seconds = int(gap.total_seconds())
    if seconds >= 2 * 86400:
        return plural(seconds // 86400, "day")
    if seconds >= 2 * 3600:
        return plural(seconds // 3600, "hour")
    if seconds >= 120:
        return plural(seconds // 60, "minute")
    return "less than a second" if seconds < 1 else plural(seconds, "second")
