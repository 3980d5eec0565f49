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
    try:
        from validator.cli import main as run
    except KeyboardInterrupt:
        sys.stderr.write("pin-preflight: error: interrupted\n")
        return _EXIT_INTERRUPTED
    return run()
