"""The ``pin-preflight`` command (and ``python -m validator``): the command line, loaded.

Loading the command line takes a good half second (pydantic, httpx, rich). Ctrl-C in that time
ends the command as it would a moment later, with one line and 130, not a traceback of the
imports. The command itself is ``validator.cli.main``.
"""

from __future__ import annotations

import sys

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
    return run(own_process=True)


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
