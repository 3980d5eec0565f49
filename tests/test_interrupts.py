"""Ctrl-C and SIGTERM: raised where the command is, whatever the run is doing."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
import weakref

import pytest
from support import sigterm_is_ours_to_take

from validator.interrupts import (
    Terminated,
    dropped_interrupt,
    run_interruptibly,
    signals_handled,
)


@pytest.mark.skipif(not sigterm_is_ours_to_take(), reason="SIGTERM handled by the host")
def test_sigterm_while_a_loop_callback_runs_stops_the_run() -> None:
    # A BaseException of our own raised inside a loop callback was logged (silently, once
    # stopped) and the loop went on: the run finished as if no signal had come.
    async def run() -> str:
        asyncio.get_running_loop().call_soon(os.kill, os.getpid(), signal.SIGTERM)
        await asyncio.sleep(3)
        return "finished"

    with signals_handled(), pytest.raises(Terminated):
        run_interruptibly(run())


@pytest.mark.skipif(not sigterm_is_ours_to_take(), reason="SIGTERM handled by the host")
def test_a_signal_python_drops_inside_a_callback_is_raised_again(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Raised inside a C callback (here a weakref's; in a run, a pydantic-core validator's), the
    # interrupt was dropped with "Exception ignored" and the run went on to its end.
    class Thing:
        pass

    def callback(_: object) -> None:
        signal.raise_signal(signal.SIGTERM)
        assert True  # a line to run: the handler raises here, inside the callback

    def run() -> None:
        with signals_handled():
            thing = Thing()
            ref = weakref.ref(thing, callback)
            del thing
            assert ref() is None
            time.sleep(5)  # where the signal, raised again, lands

    with pytest.raises(Terminated):
        run()
    assert "Exception ignored" not in capsys.readouterr().err


@pytest.mark.skipif(not sigterm_is_ours_to_take(), reason="SIGTERM handled by the host")
def test_a_command_that_ends_before_a_dropped_signal_is_raised_again_is_told_of_it() -> None:
    def callback(_: object) -> None:
        signal.raise_signal(signal.SIGTERM)
        assert True  # the handler raises here, and Python drops it

    class Thing:
        pass

    with signals_handled():
        thing = Thing()
        ref = weakref.ref(thing, callback)
        del thing
        stopped = dropped_interrupt()  # the command is done: it reports the signal itself
    time.sleep(0.1)  # and the signal is not raised again, now that no handler would take it
    assert ref() is None
    assert isinstance(stopped, Terminated)
    assert stopped.status == 143
    assert dropped_interrupt() is None


@pytest.mark.skipif(not sigterm_is_ours_to_take(), reason="SIGTERM handled by the host")
@pytest.mark.parametrize("then", ["a signal that lands", "a second dropped signal"])
def test_no_signal_is_raised_again_after_the_command(then: str) -> None:
    # A dropped signal's timer was forgotten, not cancelled, when another signal came within
    # its 50 ms: it fired after the command, into the host program (a SIGTERM killed it).
    def callback(_: object) -> None:
        signal.raise_signal(signal.SIGTERM)
        assert True  # the handler raises here, and Python drops it

    class Thing:
        pass

    def drop() -> None:
        thing = Thing()
        ref = weakref.ref(thing, callback)
        del thing
        assert ref() is None

    stopped: KeyboardInterrupt | None = None
    try:
        with signals_handled():
            drop()
            if then == "a signal that lands":
                signal.raise_signal(signal.SIGTERM)
            drop()
            stopped = dropped_interrupt()
    except Terminated as landed:
        stopped = landed
    assert isinstance(stopped, Terminated)
    previous = signal.signal(signal.SIGTERM, lambda *_: pytest.fail("raised after the command"))
    try:
        time.sleep(0.2)  # four times the wait before a dropped signal is raised again
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_sigterm_is_taken_even_when_sigint_is_ignored() -> None:
    # A background job (`pin-preflight check ... &` in a script) starts with SIGINT ignored:
    # SIGTERM was then left to kill the process mid-write.
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signal handlers are set in the main thread only")
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    terminate = signal.getsignal(signal.SIGTERM)
    try:
        with signals_handled():
            assert signal.getsignal(signal.SIGINT) == signal.SIG_IGN  # the host's choice
            taken = signal.getsignal(signal.SIGTERM) != terminate
        assert signal.getsignal(signal.SIGTERM) == terminate
    finally:
        signal.signal(signal.SIGINT, previous)
    assert taken == (terminate == signal.SIG_DFL)
