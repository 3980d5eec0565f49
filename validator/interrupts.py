"""Ctrl-C, SIGTERM and SIGHUP for the command line: raised where the command is, told in a line.

The command line (``validator.cli``) runs its whole command inside ``signals_handled`` and its
asyncio run through ``run_interruptibly``, and turns ``KeyboardInterrupt`` (exit 130) and
``Terminated`` (143 for SIGTERM, 129 for SIGHUP) into one line on standard error.
"""

from __future__ import annotations

import asyncio
import signal
import sys
import threading
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn, TypeVar

__all__ = ["Terminated", "dropped_interrupt", "run_interruptibly", "signals_handled"]

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
    signum: int | None = None
    """The signal last raised as an interrupt: raised again if Python dropped it."""
    again: _Again | None = None
    """A dropped interrupt's signal, about to be raised again."""


class _Again:
    """A dropped interrupt's signal, sent to the main thread a moment later unless cancelled.

    Sent or cancelled, never both: ``cancel`` says which it was, under a lock the sending holds.
    """

    def __init__(self, signum: int) -> None:
        self.signum = signum
        self._lock = threading.Lock()
        self._pending = True
        self._timer = threading.Timer(_AGAIN_AFTER, self._send)
        self._timer.daemon = True
        self._timer.start()

    def _send(self) -> None:
        with self._lock:
            if not self._pending:
                return
            self._pending = False
            _to_main_thread(self.signum)

    def cancel(self) -> bool:
        """Cancel the sending; whether it was still to come (else the signal was sent)."""
        with self._lock:
            pending, self._pending = self._pending, False
        self._timer.cancel()
        return pending


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
    _Stop.signalled, _Stop.signum, _Stop.again = False, None, None
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
    unraisable = sys.unraisablehook
    if taken:
        sys.unraisablehook = _dropped_interrupts_raised_again(unraisable)
    try:
        yield
    finally:
        dropped_interrupt()  # no signal is raised again once the handlers are gone
        sys.unraisablehook = unraisable
        for number, previous in taken.items():
            signal.signal(number, previous)


def dropped_interrupt() -> KeyboardInterrupt | None:
    """The interrupt Python dropped that the command ended before it was raised again, if any.

    Its signal is then not raised: the caller raises (or reports) the interrupt itself.
    """
    again, _Stop.again = _Stop.again, None
    if again is None or not again.cancel():  # none, or sent: its handler raises it
        return None
    if again.signum == signal.SIGINT:
        return KeyboardInterrupt()
    return Terminated(again.signum)


def _raising(raised: type[KeyboardInterrupt]) -> Callable[[int, object], NoReturn]:
    def handler(signum: int, frame: object) -> NoReturn:
        _Stop.signalled, _Stop.signum = True, signum
        if _Stop.again is not None:  # this one stands for it, whether it lands or is dropped
            _Stop.again.cancel()
            _Stop.again = None
        raise raised(signum) if raised is Terminated else raised

    return handler


def _dropped_interrupts_raised_again(
    hook: Callable[[Any], object],
) -> Callable[[Any], object]:
    """An ``unraisablehook`` that raises a dropped interrupt's signal again, and prints nothing.

    Raised while Python code runs inside a C callback (a pydantic-core validator, a weakref's
    callback), an exception cannot unwind through C: Python prints "Exception ignored" and drops
    it, and the run went on to its end as if Ctrl-C had never been pressed (then exited 1). Each
    dropped interrupt is raised again, once, as its signal, a moment later from another thread:
    raised at once, its handler would run inside this hook (or the callback) and be dropped too.
    Its handler runs in the main thread wherever the command has got to, almost always outside
    such a callback, and stops the command in one line (dropped again, it is raised again).
    """

    def raised_again(unraisable: Any) -> object:
        if isinstance(unraisable.exc_value, KeyboardInterrupt) and _Stop.signum is not None:
            if _Stop.again is not None:  # one signal to come stands for every one dropped
                _Stop.again.cancel()
            _Stop.again = _Again(_Stop.signum)
            return None
        return hook(unraisable)

    return raised_again


def _to_main_thread(signum: int) -> None:
    """Send ``signum`` to the main thread: it wakes there from a sleep or a wait, as Ctrl-C does.

    Raised in another thread, a signal is seen by the main thread only at its next line of
    Python: after a sleep or a select that it does not interrupt.
    """
    main = threading.main_thread().ident
    if hasattr(signal, "pthread_kill") and main is not None:
        signal.pthread_kill(main, signum)
    else:  # Windows: no threads to aim at
        signal.raise_signal(signum)


# Seconds before a dropped interrupt's signal is raised again: long enough for the hook and the
# callback that dropped it to have returned, too short for a person to notice.
_AGAIN_AFTER = 0.05


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
