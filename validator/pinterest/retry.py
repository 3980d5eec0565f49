"""Whether publishing code should send a request to Pinterest again, and how long to wait first.

Meant to be used directly around ``POST /v5/pins`` (or ``/v5/media``)::

    attempt = 0
    while True:
        attempt += 1
        try:
            response = client.post("/v5/pins", json=pin)
        except httpx.HTTPError as exc:
            if not should_retry(exc, attempt):
                raise
            time.sleep(backoff(attempt))
            continue
        if response.is_success:
            break
        outcome = classify_response(response)
        if not should_retry(outcome, attempt):  # also past 4 attempts, or a wait over 5 min
            break  # outcome.action says what to do instead: fix input, reconnect, reschedule
        time.sleep(backoff(attempt, outcome.retry_after))

The decision is the classifier's (``Classification.retryable``: only what is temporary at
Pinterest's end), with two refinements that belong to a loop, not to the meaning of the answer:
the attempts are bounded, and a spam block is not retried here even though it is "retry later":
the block lasts hours, and writes sent into it can prolong it, so the pin must be rescheduled.

A caution no status can settle: Pinterest has no idempotency key, so a timeout or a dropped
connection after the request was sent (a read timeout, a 504) may have created the pin. These
are retried as asked of this module; publishing code that cannot tolerate a duplicate should look
for the pin on its board before sending it again.
"""

from __future__ import annotations

import httpx

from validator.codes.platform import PLATFORM_SPAM_BLOCK
from validator.httpclient import certificate_refused
from validator.pinterest.errors import Classification, classify_response
from validator.waiting import backoff

__all__ = ["MAX_WAIT", "backoff", "should_retry"]

#: The longest ``Retry-After`` (seconds) ``should_retry`` waits out by default: past it, reschedule.
MAX_WAIT = 300.0

# Retry later, but not in a backoff loop (see the module docstring).
_RESCHEDULE_ONLY = frozenset({PLATFORM_SPAM_BLOCK.id})

# Transport failures worth another try: timeouts (connect, read, write, pool), connection
# failures (refused, reset, DNS: httpx.NetworkError) and a server that closed the connection
# without answering (RemoteProtocolError). Anything else (an invalid URL, a decoding error, a
# programming error) fails the same way again.
_RETRYABLE_EXCEPTIONS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


def should_retry(
    outcome: Classification | httpx.Response | BaseException,
    attempt: int,
    *,
    max_attempts: int = 4,
    max_wait: float = MAX_WAIT,
) -> bool:
    """Whether to send the request again after ``attempt`` (1 for the first try) ended so.

    ``outcome`` is what the attempt produced: a classified error, a response (classified here;
    a success or a redirect is never retried), or the exception the client raised. Never more than
    ``max_attempts`` attempts in all, and never when the answer's ``Retry-After`` asks for more
    than ``max_wait`` seconds: ``backoff`` waits that long, and a loop asleep for hours (or, on a
    server's mistake, for years) is worse than rescheduling the pin.
    """
    if attempt < 1:
        raise ValueError(f"attempt must be 1 or more (the attempt that just ended), not {attempt}")
    if max_attempts < 1:
        raise ValueError(f"max_attempts must be 1 or more, not {max_attempts}")
    if not max_wait >= 0:  # NaN too
        raise ValueError(f"max_wait must be 0 or more seconds, not {max_wait}")
    if attempt >= max_attempts:
        return False
    if isinstance(outcome, httpx.HTTPStatusError):  # raise_for_status(): judged by its answer
        outcome = outcome.response
    elif isinstance(outcome, BaseException):
        # A certificate the machine does not trust fails the same way on every try.
        return isinstance(outcome, _RETRYABLE_EXCEPTIONS) and not certificate_refused(outcome)
    if isinstance(outcome, httpx.Response):
        if outcome.status_code < 400 or outcome.status_code > 599:
            return False
        outcome = classify_response(outcome)
    if outcome.retry_after is not None and outcome.retry_after > max_wait:
        return False
    return outcome.retryable and outcome.code not in _RESCHEDULE_ONLY
