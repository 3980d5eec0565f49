"""The retry helpers publishing code uses: whether to send again, and how long to wait."""

from __future__ import annotations

import random

import httpx
import pytest

from validator.pinterest.errors import classify
from validator.pinterest.retry import backoff, should_retry

REQUEST = httpx.Request("POST", "https://api.pinterest.com/v5/pins")
RATE_LIMIT: dict[str, object] = {"code": 8, "message": "This request exceeded a rate limit."}
SPAM: dict[str, object] = {
    "code": 8,
    "message": "Sorry! You've hit a block (Pins) we have in place to combat spam.",
}


def response(status: int, body: dict[str, object] | str | None) -> httpx.Response:
    if isinstance(body, dict):
        return httpx.Response(status, json=body, request=REQUEST)
    return httpx.Response(status, text=body or "", request=REQUEST)


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (429, RATE_LIMIT),
        (500, {"code": 12, "message": "Something went wrong on our end. Sorry about that."}),
        (502, "<html>Bad Gateway</html>"),
        (503, None),
        (504, None),
        (408, None),
    ],
)
def test_temporary_failures_are_retried(status: int, body: dict[str, object] | str | None) -> None:
    assert should_retry(response(status, body), 1)
    assert should_retry(classify(status, body), 1)


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (401, {"code": 2, "message": "Authentication failed."}),
        (403, {"code": 3, "message": "Your token does not have sufficient permissions."}),
        (403, {"code": 29, "message": "You are not permitted to access that resource."}),
        (403, {"code": 233, "message": "Your image is too small."}),
        (400, {"code": 1, "message": "Invalid parameters."}),
        (404, {"code": 40, "message": "Board not found."}),
        (409, {"code": 99999, "message": "Duplicate."}),
    ],
)
def test_what_fails_the_same_way_again_is_not_retried(status: int, body: dict[str, object]) -> None:
    assert not should_retry(response(status, body), 1)
    assert not should_retry(classify(status, body), 1)


def test_the_spam_block_is_retry_later_but_not_in_the_loop() -> None:
    outcome = classify(429, SPAM)
    assert outcome.retryable
    assert not should_retry(outcome, 1)
    assert should_retry(classify(429, RATE_LIMIT), 1)


@pytest.mark.parametrize(("wait", "retried"), [("300", True), ("301", False), ("999999", False)])
def test_a_retry_after_longer_than_max_wait_is_rescheduled_not_slept(
    wait: str, retried: bool
) -> None:
    # backoff() never waits less than Retry-After: a server's "999999" put the loop to sleep
    # for 11 days, an HTTP date in 2100 for 73 years.
    outcome = classify(429, RATE_LIMIT, {"Retry-After": wait})
    assert outcome.retry_after == float(wait)
    assert should_retry(outcome, 1) is retried
    assert should_retry(outcome, 1, max_wait=10**6)
    assert not should_retry(classify(503, None, {"Retry-After": wait}), 1, max_wait=0)
    with pytest.raises(ValueError, match="max_wait"):
        should_retry(outcome, 1, max_wait=float("nan"))


def test_successes_and_redirects_are_never_retried() -> None:
    for status in (200, 201, 301):
        assert not should_retry(httpx.Response(status, request=REQUEST), 1)


def test_attempts_are_bounded() -> None:
    outcome = classify(503, None)
    assert [should_retry(outcome, n) for n in (1, 2, 3, 4, 5)] == [True, True, True, False, False]
    assert should_retry(outcome, 1, max_attempts=2)
    assert not should_retry(outcome, 2, max_attempts=2)
    assert not should_retry(outcome, 1, max_attempts=1)
    with pytest.raises(ValueError, match="attempt"):
        should_retry(outcome, 0)
    with pytest.raises(ValueError, match="max_attempts"):
        should_retry(outcome, 1, max_attempts=0)


@pytest.mark.parametrize(
    "exc",
    [
        httpx.ConnectTimeout("connect", request=REQUEST),
        httpx.ReadTimeout("read", request=REQUEST),
        httpx.WriteTimeout("write", request=REQUEST),
        httpx.PoolTimeout("pool", request=REQUEST),
        httpx.ConnectError("refused", request=REQUEST),
        httpx.ReadError("reset", request=REQUEST),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
    ],
    ids=type,
)
def test_timeouts_and_connection_errors_are_retried(exc: BaseException) -> None:
    assert should_retry(exc, 1)
    assert not should_retry(exc, 4)


@pytest.mark.parametrize(
    "exc",
    [
        httpx.UnsupportedProtocol("ftp://"),
        httpx.DecodingError("bad gzip"),
        httpx.TooManyRedirects("loop"),
        ValueError("a bug"),
        KeyboardInterrupt(),
    ],
    ids=type,
)
def test_other_exceptions_are_not_retried(exc: BaseException) -> None:
    assert not should_retry(exc, 1)


def test_backoff_is_full_jitter_under_an_exponential_ceiling() -> None:
    random.seed(5)
    for attempt, ceiling in ((1, 1.0), (2, 2.0), (3, 4.0), (7, 60.0), (10_000, 60.0)):
        delays = [backoff(attempt) for _ in range(300)]
        assert all(0.0 <= delay <= ceiling for delay in delays)
        assert max(delays) > ceiling * 0.8  # the whole range is used, not just its bottom
        assert min(delays) < ceiling * 0.2
    assert all(backoff(3, base=0.5, cap=1.5) <= 1.5 for _ in range(100))
    assert backoff(5, base=0.0) == 0.0


def test_backoff_never_comes_before_retry_after() -> None:
    random.seed(6)
    assert all(backoff(1, 30.0) == 30.0 for _ in range(50))
    assert backoff(1, 3600.0) == 3600.0  # the server's time is not capped
    delays = [backoff(7, 0.5) for _ in range(200)]
    assert all(0.5 <= delay <= 60.0 for delay in delays)
    assert max(delays) > 30.0  # a short Retry-After does not shrink the jitter


def test_backoff_follows_the_classification() -> None:
    outcome = classify(429, RATE_LIMIT, {"Retry-After": "15"})
    assert backoff(1, outcome.retry_after) == 15.0


def test_backoff_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="attempt"):
        backoff(0)
    with pytest.raises(ValueError, match="negative"):
        backoff(1, cap=-1.0)


@pytest.mark.parametrize(("status", "retried"), [(503, True), (429, True), (400, False)])
def test_the_error_raise_for_status_raises_is_judged_by_its_answer(
    status: int, retried: bool
) -> None:
    # Judged as an exception, it was never retried, and its Retry-After was lost.
    answer = response(status, RATE_LIMIT if status == 429 else None)
    with pytest.raises(httpx.HTTPStatusError) as raised:
        answer.raise_for_status()
    assert should_retry(raised.value, 1) is retried


@pytest.mark.parametrize(
    ("retry_after", "retried"),
    [("120, 120", False), ("30, 600", False), ("30, 60", True), ("9" * 400, False)],
)
def test_a_retry_after_sent_twice_or_beyond_a_float_is_waited_for(
    retry_after: str, retried: bool
) -> None:
    # Both were read as no Retry-After at all: the loop tried again within a second.
    answer = httpx.Response(
        429, json=RATE_LIMIT, headers={"Retry-After": retry_after}, request=REQUEST
    )
    assert should_retry(answer, 1, max_wait=100) is retried
