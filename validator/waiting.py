"""How long to wait before asking again: ``Retry-After`` and jittered exponential backoff.

One implementation for every place that retries: media fetches (``probes.fetch``), account checks
(``pinterest.account``), and the helpers publishing code uses (``pinterest.retry``, the
classifier's ``retry_after``).
"""

from __future__ import annotations

import email.utils
import random
import re
import time
from datetime import UTC

__all__ = ["FOREVER", "backoff", "parse_retry_after"]

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
