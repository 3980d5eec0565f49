"""When to ask a server again (``Retry-After``, backoff), and when to stop asking (``Silence``).

One implementation for every place that retries: media fetches (``probes.fetch``), account checks
(``pinterest.account``, ``pinterest.client``), and the helpers publishing code uses
(``pinterest.retry``, the classifier's ``retry_after``).
"""

from __future__ import annotations

import email.utils
import random
import re
import time
from datetime import UTC

__all__ = ["FOREVER", "SILENT_LIMIT", "Silence", "backoff", "parse_retry_after"]

_SECONDS = re.compile(r"[0-9]+(?:\.[0-9]+)?")  # ASCII digits: float() reads other scripts too
_MAX_EXPONENT = 62  # 2**62 seconds is already forever; larger exponents only overflow floats


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """``Retry-After`` in seconds: delay-seconds or an HTTP date (RFC 9110 §10.2.3).

    A date in the past is 0 (retry now); anything unreadable is ``None``, as if absent: waiting
    on a guess would be worse than the backoff's own delay. A header sent twice (joined by a
    comma, as httpx joins it) is its longest wait: a request sent before any of them fails again.
    A number too large for a float is ``FOREVER``, more than any caller waits, not "absent"
    (which retried at once). ``now`` (a Unix time) is for tests.
    """
    if value is None:
        return None
    parts = _REPEATED.split(value.strip())
    if len(parts) == 1:
        return _one_retry_after(parts[0], now)
    waits = [_one_retry_after(part, now) for part in parts]
    return None if None in waits else max(wait for wait in waits if wait is not None)


#: What a ``Retry-After`` beyond any float stands for: about 31,700 years, past every cap.
FOREVER = 1e12
# Between the values of a header sent twice: a comma after digits or after a date's "GMT" (a
# date holds a comma of its own, after its weekday).
_REPEATED = re.compile(r"(?<=[0-9])\s*,\s*(?=[0-9A-Za-z])|(?<=GMT)\s*,\s*", re.ASCII)


def _one_retry_after(value: str, now: float | None) -> float | None:
    if _SECONDS.fullmatch(value):
        return min(float(value), FOREVER)  # inf, for 309 digits or more
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):  # a year of 20 digits
        return None
    if when.tzinfo is None:  # HTTP dates are always GMT, even when written as -0000
        when = when.replace(tzinfo=UTC)
    current = time.time() if now is None else now
    try:
        return max(0.0, when.timestamp() - current)
    except (OverflowError, ValueError):  # a date the platform's clock cannot hold
        return None


def backoff(
    attempt: int,
    retry_after: float | None = None,
    *,
    base: float = 1.0,
    cap: float = 60.0,
) -> float:
    """Seconds to wait before the attempt after ``attempt``: full jitter, never before Retry-After.

    Full jitter (a uniform draw between 0 and ``min(cap, base * 2 ** (attempt - 1))``) spreads
    the clients that failed together instead of sending them back in step. ``retry_after`` is a
    floor, not capped: a request sent before the time the server named fails again. A caller that
    will not wait that long should give up (or reschedule) instead.
    """
    if attempt < 1:
        raise ValueError(f"attempt must be 1 or more, not {attempt}")
    if base < 0 or cap < 0:
        raise ValueError("base and cap must not be negative")
    ceiling = min(cap, base * 2 ** min(attempt - 1, _MAX_EXPONENT))
    delay = random.uniform(0.0, ceiling)  # noqa: S311 - jitter, not security
    if retry_after is not None and retry_after > delay:
        return retry_after
    return delay


# When a server counts as gone for the run, and nothing more is sent to it: the network or the
# server went away mid-run, and every question or file still to ask would wait through all its
# tries (30 s each by default: a hundred boards, or a CDN's hundred files four at a time, took a
# quarter of an hour of a CI job that looks hung). Requests, not questions or URLs: they queue,
# and by the time a few have used up their tries every other has sent its first. At least this
# many requests in a row, and twice ``per_host`` (that many time out together), got no answer,
# over ``deadline`` seconds at least since the last answer: a lost connection or a blip of a
# second is no outage.
SILENT_LIMIT = 6


class Silence:
    """One server's requests in a row that got no answer, and whether it has stopped answering.

    An answer to any request starts the count again (``answered``); ``SILENT_LIMIT`` says when
    the count means the server is gone.
    """

    __slots__ = ("_limit", "_window", "count", "heard")

    def __init__(self, per_host: int, deadline: float) -> None:
        self._limit = max(SILENT_LIMIT, 2 * per_host)
        self._window = deadline
        self.count = 0
        """Requests in a row that got no answer."""
        self.heard = time.monotonic()
        """When the last answer came (or the count began)."""

    def answered(self) -> None:
        """An answer came: whatever went unanswered before was a blip."""
        self.count, self.heard = 0, time.monotonic()

    def unanswered(self) -> bool:
        """Count a request that got no answer; whether the server now counts as gone."""
        self.count += 1
        return self.count >= self._limit and time.monotonic() - self.heard >= self._window
