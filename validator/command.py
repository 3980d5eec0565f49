"""The ``pin-preflight`` command (and ``python -m validator``): the command line, loaded.

Loading the command line takes a good half second (pydantic, httpx, rich). Ctrl-C in that time
ends the command as it would a moment later, with one line and 130, not a traceback of the
imports. The command itself is ``validator.cli.main``.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time

__all__ = ["main"]

_EXIT_INTERRUPTED = 130  # as validator.cli's, which cannot be imported for it here


def main() -> int:
    """Load the command line and run it with the process's arguments."""
    _unicode_streams()
    try:
        from validator.cli import main as run
    except KeyboardInterrupt:
        sys.stderr.write("pin-preflight: error: interrupted\n")
        return _EXIT_INTERRUPTED
    before = set(threading.enumerate())
    status = run(own_process=True)
    _not_held_by_stuck_threads(status, before)
    return status


def _not_held_by_stuck_threads(status: int, before: set[threading.Thread]) -> None:
    """End the process now if a worker thread is still running after the command is done.

    Python joins its threads at exit, and a media parser stuck in a loop of its own C code (one
    was, on a corrupt colour table) never returns: the command had printed its report, and then
    stayed, through Ctrl-C and all. The run's threads end within moments of the run otherwise.
    """
    deadline = time.monotonic() + _GRACE_SECONDS
    try:
        for thread in threading.enumerate():
            if thread in before or thread.daemon:  # the run's own threads only
                continue
            thread.join(max(0.0, deadline - time.monotonic()))
            if thread.is_alive():
                sys.stderr.write(
                    f"pin-preflight: warning: a worker ({thread.name}) did not finish; exiting "
                    "without it\n"
                )
                break
        else:
            return
    except KeyboardInterrupt:
        status = _EXIT_INTERRUPTED
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing more to say
            stream.flush()
    os._exit(status)


_GRACE_SECONDS = 2.0


def _unicode_streams() -> None:
    """Standard output and error that can write any text the reports hold.

    Python writes what the locale says: on a Windows CI runner a pipe is cp1252, and a "✗" or a
    Japanese board name ended the run in a UnicodeEncodeError. A pipe or a file gets UTF-8 (what
    CI logs are read as, and what the machine formats are written in); a terminal keeps its own
    encoding, with "?" for what it cannot show.
    """
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("_", "-")
        reconfigure = getattr(stream, "reconfigure", None)
        if encoding in ("utf-8", "utf8") or reconfigure is None:
            continue
        try:
            if stream.isatty():
                reconfigure(errors="replace")
            else:
                reconfigure(encoding="utf-8", errors="surrogateescape")
        except (OSError, ValueError):  # closed (>&-), or not a stream that can change
            continue
