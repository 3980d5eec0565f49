"""Ctrl-C, SIGTERM and SIGHUP for the command line: raised where the command is, told in a line.

The command line (``validator.cli``) runs its whole command inside ``signals_handled`` and its
asyncio run through ``run_interruptibly``, and turns ``KeyboardInterrupt`` (exit 130) and
``Terminated`` (143 for SIGTERM, 129 for SIGHUP) into one line on standard error.
"""

from __future__ import annotations

import asyncio
import signal
import threading
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn, TypeVar

__all__ = ["Terminated", "run_interruptibly", "signals_handled"]

_T = TypeVar("_T")


class Terminated(KeyboardInterrupt):
    """The run got SIGTERM (a cancelled CI job), or SIGHUP (its terminal closed, ssh dropped).

    A KeyboardInterrupt, so that asyncio passes it on from any callback or task, as it does
    Ctrl-C (anything else raised there is logged and the loop goes on: the run did not stop).
    """

    def __init__(self, signum: int = signal.SIGTERM) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def status(self) -> int:
        """The exit status a shell reports for a process the signal ended: 128 + its number."""
        return 128 + self.signum

    @property
    def said(self) -> str:
        """What the one line on standard error says."""
        return "hung up" if self.signum == _SIGHUP else "terminated"


# Absent on Windows, which has no such signal.
_SIGHUP: signal.Signals | None = getattr(signal, "SIGHUP", None)


class _Stop:
    """Whether a signal stopped the command: what the run's tasks raise after it is not news."""

    signalled = False


@contextmanager
def signals_handled() -> Iterator[None]:
    """Ctrl-C, SIGTERM and SIGHUP raise where the command is, for the whole command, not its run.

    asyncio's own handler only cancels the run, which takes effect when the loop next gets
    control: a blocking read of standard input would wait for its data first. Raised where it
    lands, the interrupt unwinds at once; asyncio still cancels what was left and the session
    closes its connections on the way out, and ``--output`` is left as it was (set up before
    the run, written after it: both inside). SIGTERM is a cancelled CI job; SIGHUP a closed
    terminal, which left ``--output``'s temporary file behind. Each is taken only when nobody
    else set a handler for it (an embedding host, ``nohup``): their choice stands.
    """
    _Stop.signalled = False
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    taken: dict[signal.Signals, Any] = {}
    for number, raised, default in (
        (signal.SIGINT, KeyboardInterrupt, signal.default_int_handler),
        (signal.SIGTERM, Terminated, signal.SIG_DFL),
        (_SIGHUP, Terminated, signal.SIG_DFL),
    ):
        if number is not None and signal.getsignal(number) == default:
            taken[number] = signal.signal(number, _raising(raised))
    try:
        yield
    finally:
        for number, previous in taken.items():
            signal.signal(number, previous)


def _raising(raised: type[KeyboardInterrupt]) -> Callable[[int, object], NoReturn]:
    def handler(signum: int, frame: object) -> NoReturn:
        _Stop.signalled = True
        raise raised(signum) if raised is Terminated else raised

    return handler


def run_interruptibly(run: Coroutine[Any, Any, _T]) -> _T:
    """``asyncio.run(run)``; once a signal stopped the command, the loop reports nothing more.

    Raised in whatever task was running, the interrupt leaves the others to be cancelled on the
    way out; what they raise then (a task's KeyboardInterrupt never retrieved, an HTTP stream
    closed while in use) is no news to the user: one line says the run was stopped.
    """

    async def quietly() -> _T:
        def report(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
            if not _Stop.signalled:
                loop.default_exception_handler(context)

        asyncio.get_running_loop().set_exception_handler(report)
        return await run

    return asyncio.run(quietly())
