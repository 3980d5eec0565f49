"""A pool of worker threads that never holds the process at exit: where video parses run.

``ThreadPoolExecutor``'s workers are joined when the interpreter exits. A MediaInfo parse that
never ends (given up by ``Prober``, its result unused) then kept a script that had printed its
results, or a pytest session, from ever exiting. These workers are daemon threads: the process
ends without them; and a worker stuck on work given up is replaced (``replace_worker``).
"""

from __future__ import annotations

import functools
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any, ParamSpec, TypeVar

__all__ = ["DaemonPool"]

_P = ParamSpec("_P")
_T = TypeVar("_T")
_Work = tuple[Future[Any], Callable[[], Any]] | None  # None: a worker's signal to stop


class DaemonPool(Executor):
    """At most ``size`` daemon threads, started as work comes, running it in order."""

    def __init__(self, size: int, name: str) -> None:
        if size <= 0:
            raise ValueError(f"size must be > 0, not {size}")
        self._size = size
        self._name = name
        self._work: queue.SimpleQueue[_Work] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._idle = threading.Semaphore(0)  # one count per worker waiting for work
        self._lock = threading.Lock()
        self._closed = False
        self._started = 0  # workers ever started: their names' numbers
        self._retiring: set[threading.Thread] = set()

    def submit(self, fn: Callable[_P, _T], /, *args: _P.args, **kwargs: _P.kwargs) -> Future[_T]:
        """Run ``fn(*args, **kwargs)`` on a worker; its outcome comes in the future returned."""
        with self._lock:
            if self._closed:
                raise RuntimeError("cannot schedule new work after shutdown")
            future: Future[_T] = Future()
            self._work.put((future, functools.partial(fn, *args, **kwargs)))
            if not self._idle.acquire(blocking=False) and len(self._threads) < self._size:
                self._start()
            return future

    def _start(self) -> None:
        """A new worker (the lock held)."""
        worker = threading.Thread(
            target=self._serve, name=f"{self._name}_{self._started}", daemon=True
        )
        self._started += 1
        worker.start()
        self._threads.append(worker)

    def replace_worker(self, worker: threading.Thread) -> None:
        """``worker`` is stuck on work given up: another takes its place.

        Without it, a run of ``concurrency`` 1 whose one parse never ended waited for ever with
        the other videos' parses in the queue. Should the stuck work ever return, its worker
        ends there: the pool is back to its size, not one thread larger for each given up.
        """
        with self._lock:
            if self._closed or worker not in self._threads or worker in self._retiring:
                return
            self._retiring.add(worker)
            self._size += 1
            if not self._work.empty() and len(self._threads) < self._size:
                self._start()  # queued work waits for a worker: one now

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """No more work; what is queued is cancelled if ``cancel_futures``, else done first."""
        with self._lock:
            self._closed = True
            threads = list(self._threads)
        if cancel_futures:
            while True:
                try:
                    work = self._work.get_nowait()
                except queue.Empty:
                    break
                if work is not None:
                    work[0].cancel()
        for _ in threads:
            self._work.put(None)
        if wait:
            for worker in threads:
                worker.join()

    def _serve(self) -> None:
        while True:
            work = self._work.get()
            if work is None:
                return
            future, call = work
            del work
            if future.set_running_or_notify_cancel():
                try:
                    result = call()
                except BaseException as exc:  # the caller's to see, as the future's outcome
                    future.set_exception(exc)
                else:
                    future.set_result(result)
            del future, call  # no reference held while waiting for the next
            with self._lock:
                me = threading.current_thread()
                if me in self._retiring:  # replaced while its work was given up: it ends
                    self._retiring.discard(me)
                    self._threads.remove(me)
                    self._size -= 1
                    return
            self._idle.release()
