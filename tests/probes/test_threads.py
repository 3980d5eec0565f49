"""The video parses' pool: its threads run the work, a few at a time, and never hold an exit."""

from __future__ import annotations

import threading
import time

import pytest

from validator.probes.threads import DaemonPool


def test_work_runs_on_at_most_size_daemon_threads() -> None:
    pool = DaemonPool(2, "test-pool")
    seen: set[str] = set()
    daemons: set[bool] = set()
    lock = threading.Lock()

    def work(n: int) -> int:
        time.sleep(0.01)
        with lock:
            seen.add(threading.current_thread().name)
            daemons.add(threading.current_thread().daemon)
        return n * n

    futures = [pool.submit(work, n) for n in range(10)]
    assert [future.result(timeout=10) for future in futures] == [n * n for n in range(10)]
    pool.shutdown()
    assert seen <= {"test-pool_0", "test-pool_1"}
    assert daemons == {True}


def test_an_error_is_the_future_s_and_the_worker_goes_on() -> None:
    pool = DaemonPool(1, "test-pool")

    def fail() -> None:
        raise ValueError("bad bytes")

    failed = pool.submit(fail)
    with pytest.raises(ValueError, match="bad bytes"):
        failed.result(timeout=10)
    assert pool.submit(lambda: "next").result(timeout=10) == "next"
    pool.shutdown()


def test_shutdown_cancels_what_is_queued_and_refuses_more() -> None:
    pool = DaemonPool(1, "test-pool")
    started, release = threading.Event(), threading.Event()

    def hold() -> str:
        started.set()
        release.wait(10)
        return "held"

    running = pool.submit(hold)
    started.wait(10)
    queued = pool.submit(lambda: "never")
    pool.shutdown(wait=False, cancel_futures=True)
    assert queued.cancelled()
    with pytest.raises(RuntimeError, match="after shutdown"):
        pool.submit(lambda: "late")
    release.set()
    assert running.result(timeout=10) == "held"


def test_a_size_of_zero_is_refused() -> None:
    with pytest.raises(ValueError, match="size must be > 0"):
        DaemonPool(0, "test-pool")


def test_a_worker_stuck_on_work_given_up_is_replaced_and_retires_when_it_returns() -> None:
    # A run of one thread whose parse never ended waited for ever with the others queued; and a
    # replacement for each given-up parse grew the pool for good once they returned.
    pool = DaemonPool(1, "test-pool")
    started, release = threading.Event(), threading.Event()
    workers: list[threading.Thread] = []

    def stuck() -> None:
        workers.append(threading.current_thread())
        started.set()
        release.wait(10)

    given_up = pool.submit(stuck)
    started.wait(10)
    queued = pool.submit(lambda: threading.current_thread().name)
    pool.replace_worker(workers[0])
    assert queued.result(timeout=10) == "test-pool_1"  # the replacement took it
    release.set()
    given_up.result(timeout=10)
    workers[0].join(10)
    assert not workers[0].is_alive()  # it ended, back to one worker
    names = {pool.submit(lambda: threading.current_thread().name).result(10) for _ in range(5)}
    assert names == {"test-pool_1"}
    pool.shutdown()
