"""Ctrl-C and SIGTERM: raised where the command is, whatever the run is doing."""

from __future__ import annotations

import asyncio
import os
import signal
import threading

import pytest
from support import sigterm_is_ours_to_take

from validator.interrupts import Terminated, run_interruptibly, signals_handled


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
