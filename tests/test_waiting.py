"""When to stop asking a server: ``Silence``, shared by the media probes and the account checks.

``Retry-After`` and the backoff are tested where they are used (``pinterest/test_errors.py``,
the retries in ``test_network.py``); the servers that stop answering, in ``test_network.py`` and
``pinterest/test_account_faults.py``. Here, the rule alone, on a clock the test moves.
"""

from __future__ import annotations

import pytest

from validator import waiting
from validator.waiting import SILENT_LIMIT, Silence


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    ticking = Clock()
    monkeypatch.setattr(waiting.time, "monotonic", ticking)
    return ticking


def test_a_server_is_gone_after_enough_requests_over_the_deadline(clock: Clock) -> None:
    silence = Silence(per_host=2, deadline=30.0)
    verdicts = [silence.unanswered() for _ in range(SILENT_LIMIT)]
    assert verdicts == [False] * SILENT_LIMIT  # enough requests, but within a second: a blip
    clock.now += 30.0
    assert silence.unanswered()
    assert silence.count == SILENT_LIMIT + 1


def test_twice_per_host_requests_are_needed_as_that_many_time_out_together(clock: Clock) -> None:
    silence = Silence(per_host=8, deadline=1.0)
    clock.now += 5.0
    assert not any(silence.unanswered() for _ in range(15))
    assert silence.unanswered()  # the 16th


def test_an_answer_starts_the_count_again(clock: Clock) -> None:
    silence = Silence(per_host=1, deadline=1.0)
    for _ in range(SILENT_LIMIT - 1):
        silence.unanswered()
    clock.now += 10.0
    silence.answered()
    assert silence.count == 0
    assert not silence.unanswered()  # one more after the answer is no outage
    clock.now += 0.5
    assert not any(silence.unanswered() for _ in range(SILENT_LIMIT))  # within the deadline
