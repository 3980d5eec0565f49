"""``--output FILE``: checked before the run, replaced whole after it.

The report is written to a temporary file beside the target, then renamed onto it: a run that is
interrupted (Ctrl-C), crashes or fails to write leaves the target as it was, never empty or cut
off halfway (a CI step that uploads the report "always" would otherwise parse an empty JUnit
file). The temporary file is made before the run, so that a folder that cannot be written fails
in a second, not after an hour of network checks.

A target that is not a regular file (``/dev/stdout``, a named pipe) cannot be renamed onto: it is
written directly, as it always was.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path
from typing import IO

from validator.errors import ConfigError

__all__ = ["ReportFile"]


class ReportFile:
    """Where a report document goes: ``write`` it once, then ``close`` (always)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._temporary: Path | None = None
        try:
            if path.is_dir():
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
            if path.exists() and not path.is_file():  # /dev/stdout, a pipe: opened as named
                self._stream: IO[str] = path.open("w", encoding="utf-8", newline="\n")
                self._target = path
                return
            target = self._target = _target(path)
            if target.exists() and not os.access(target, os.W_OK):  # as open("w") would refuse
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
            descriptor, name = tempfile.mkstemp(
                dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
            )
        except OSError as exc:
            raise ConfigError(f"--output {path}: cannot write it: {exc.strerror}") from None
        self._temporary = Path(name)
        self._stream = os.fdopen(descriptor, "w", encoding="utf-8", newline="\n")

    def write(self, document: str) -> None:
        """Write the whole document and put it in place; a failure is a ``ConfigError``."""
        try:
            self._stream.write(document)
            self._stream.flush()
            temporary = self._temporary
            if temporary is not None:
                os.fsync(self._stream.fileno())  # on disk before the rename makes it the report
                os.chmod(temporary, _mode(self._target))
                self._stream.close()
                os.replace(temporary, self._target)
                self._temporary = None
        except OSError as exc:
            raise ConfigError(f"--output {self.path}: cannot write it: {exc.strerror}") from None

    def close(self) -> None:
        """Let go of the file; a report never written leaves the target as it was."""
        with contextlib.suppress(OSError):  # a failed write is reported already
            self._stream.close()
        if self._temporary is not None:
            with contextlib.suppress(OSError):
                self._temporary.unlink()
            self._temporary = None


def _target(path: Path) -> Path:
    """The regular file the report replaces: through a symlink, the file it points at."""
    try:
        return path.resolve() if path.is_symlink() else path
    except OSError:  # a loop of links: reported when the temporary file is made or renamed
        return path


def _mode(target: Path) -> int:
    """The report's permissions: the replaced file's, or what ``open`` would give a new one."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
