"""``--output FILE``: checked before the run, replaced whole after it.

The report is written to a temporary file beside the target, then renamed onto it: a run that is
interrupted (Ctrl-C), crashes or fails to write leaves the target as it was, never empty or cut
off halfway (a CI step that uploads the report "always" would otherwise parse an empty JUnit
file). The temporary file is made before the run, so that a folder that cannot be written fails
in a second, not after an hour of network checks.

What cannot be renamed onto is written as named: a pipe or a device, any name under ``/dev`` or
``/proc`` (``/dev/stdout`` goes through ``sys.stdout`` itself, in turn with the text printed
there), and a report file that is writable in a folder that is not.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import re
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from validator.errors import ConfigError

__all__ = ["ReportFile", "silence_stdout", "write_stdout"]

# Why a temporary file cannot be made beside the report: the folder takes no new file.
_FOLDER_READ_ONLY = frozenset({errno.EACCES, errno.EPERM, errno.EROFS})
_NAME_KEPT = 40  # characters of the report's name in its temporary file's
# Names of descriptors the shell opened: written as named, never replaced.
_STANDARD_NAMES = frozenset({"/dev/stdout", "/dev/stderr"})
_PROC_FD = re.compile(r"/proc/[^/]+/fd/")
_MAX_LINKS = 40  # as the system follows (Linux's limit)


class ReportFile:
    """Where a report document goes: ``write`` it once, then ``close`` (always)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._temporary: Path | None = None
        self._shared = False  # standard output or error: not ours to close
        self._in_place = False  # a report file in a folder that cannot take another file
        try:
            if path.is_dir():
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
            target = self._target = _target(path)
            standard = _standard(path)
            if standard is not None:
                # Our own standard output (or error) by another name: written through it, in
                # turn with the rest; a second descriptor on a file the shell sent it to would
                # write over it (or be written over) from its own offset.
                self._stream: IO[str] = standard
                self._shared = True
                return
            if _written_as_named(path, target):
                self._stream = path.open("a", encoding="utf-8", newline="\n")
                return
            if target.exists() and not os.access(target, os.W_OK):  # as open("w") would refuse
                refusal = errno.EROFS if _read_only_mount(target) else errno.EACCES
                raise PermissionError(refusal, os.strerror(refusal))
            try:
                # The name's start only: a name near the system's limit (255 bytes) leaves no
                # room for a longer one beside it.
                descriptor, name = tempfile.mkstemp(
                    dir=target.parent, prefix=f".{target.name[:_NAME_KEPT]}.", suffix=".tmp"
                )
            except OSError as exc:
                if exc.errno not in _FOLDER_READ_ONLY or not target.is_file():
                    raise
                # A report file made writable in a folder that is not (a CI mount): written
                # in place, since nothing can be put beside it; opened without emptying it.
                self._stream = target.open("r+", encoding="utf-8", newline="\n")
                self._in_place = True
                return
        except OSError as exc:
            raise ConfigError(f"--output {path}: cannot write it: {exc.strerror}") from None
        self._temporary = Path(name)
        self._stream = os.fdopen(descriptor, "w", encoding="utf-8", newline="\n")

    @property
    def shares_stdout(self) -> bool:
        """Whether the report goes through standard output (``-o /dev/stdout``)."""
        return self._stream is sys.stdout

    def write(self, document: str | Iterable[str]) -> None:
        """Write the document and put it in place; a failure is a ``ConfigError``.

        A document given in pieces (a machine report, made a result at a time) is written as it
        comes, in batches of about 64 KiB.
        """
        try:
            if self._shared:
                # Written by the descriptor: a full disk must be an error, and Python's stdout
                # can drop the end of a large write to one without saying so.
                self._stream.flush()
                for batch in _batches(document):
                    _write_all(self._stream.fileno(), batch.encode("utf-8"))
                return
            if self._in_place:  # emptied only once the whole document is made
                document = "".join(document)
                self._stream.seek(0)
                self._stream.truncate()
            for batch in _batches(document):
                self._stream.write(batch)
            self._stream.flush()
            temporary = self._temporary
            if temporary is not None:
                os.fsync(self._stream.fileno())  # on disk before the rename makes it the report
                os.chmod(temporary, _mode(self._target))
                self._stream.close()
                os.replace(temporary, self._target)
                self._temporary = None
        except OSError as exc:
            if self._shared and self._stream is sys.stdout:
                silence_stdout()  # what is still buffered would fail again at exit: status 120
            raise ConfigError(f"--output {self.path}: cannot write it: {exc.strerror}") from None

    def close(self) -> None:
        """Let go of the file; a report never written leaves the target as it was."""
        if self._shared:
            return
        with contextlib.suppress(OSError):  # a failed write is reported already
            self._stream.close()
        if self._temporary is not None:
            with contextlib.suppress(OSError):
                self._temporary.unlink()
            self._temporary = None


def _written_as_named(path: Path, target: Path) -> bool:
    """Whether the report goes into ``path`` as it is, not replacing a file.

    A device, a pipe; and a descriptor the shell opened, named ``/dev/stdout``, ``/dev/fd/N``
    or ``/proc/PID/fd/N`` (or a link to one), whatever it leads to: ``/dev/stderr`` of a run
    whose errors the shell sent to a file leads to that file, and replacing it would cut the
    shell's output off from it. A regular file that merely lies under ``/dev`` (``/dev/shm``)
    is replaced as any other.
    """
    if target.exists() and not target.is_file():
        return True
    step = path
    for _ in range(_MAX_LINKS):
        name = os.path.normpath(step.absolute())
        if name in _STANDARD_NAMES or name.startswith("/dev/fd/") or _PROC_FD.match(name):
            return True  # a descriptor the shell opened (2>&1, 3>file): not ours to replace
        if not step.is_symlink():
            return False
        step = step.parent / os.readlink(step)
    return True  # a chain of links that never ends: whatever it is, it is not a file to replace


def _write_all(descriptor: int, data: bytes) -> None:
    """Every byte of ``data``, or the ``OSError`` that stopped it."""
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view) :]


def _batches(pieces: str | Iterable[str], size: int = 1 << 16) -> Iterator[str]:
    """``pieces`` joined into strings of about ``size`` characters: a write each, not one a pin."""
    if isinstance(pieces, str):  # a whole document
        yield pieces
        return
    batch: list[str] = []
    length = 0
    for piece in pieces:
        batch.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(batch)
            batch, length = [], 0
    if batch:
        yield "".join(batch)


def _standard(path: Path) -> IO[str] | None:
    """``sys.stdout`` or ``sys.stderr`` if ``path`` names the very file it writes to."""
    try:
        named = os.stat(path)
    except (OSError, ValueError):
        return None
    for stream in (sys.stdout, sys.stderr):
        try:
            status = os.fstat(stream.fileno())
        except (AttributeError, OSError, ValueError):  # closed, or replaced (a test's capture)
            continue
        if (status.st_dev, status.st_ino) == (named.st_dev, named.st_ino):
            return stream
    return None


def _target(path: Path) -> Path:
    """The regular file the report replaces: through a symlink, the file it points at."""
    try:
        return path.resolve() if path.is_symlink() else path
    except (OSError, RuntimeError):  # a loop of links (RuntimeError before Python 3.13)
        return path


def _mode(target: Path) -> int:
    """The report's permissions: the replaced file's, or what ``open`` would give a new one."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_stdout(text: str | Iterable[str]) -> None:
    """``text`` (or its pieces) on standard output now, in UTF-8 whatever encoding it has.

    The whole output of a command that only prints (``codes``, ``explain``), a machine format's
    document as it is made, GitHub's annotations pin by pin. A full disk or a closed stream is
    one ``ConfigError`` (exit 2), not a traceback when the interpreter flushes at exit; a reader
    that went away (``| head``) stays a ``BrokenPipeError``, which the command line answers
    quietly.
    """
    stream = sys.stdout
    if stream is None:  # started with standard output closed (>&-)
        raise ConfigError("cannot write to standard output: it is closed")
    batches = _batches(text)
    try:
        stream.flush()
        try:
            descriptor = stream.fileno()
        except (AttributeError, OSError, ValueError):  # replaced (a test's capture, a host's)
            for batch in batches:
                stream.write(batch)
            stream.flush()
        else:
            # By the descriptor, as ReportFile writes a shared stream: Python's buffered stdout
            # let a reader that went away after 100 bytes of a 29 MB report pass unsaid.
            for batch in batches:
                _write_all(descriptor, batch.encode("utf-8", "surrogateescape"))
    except BrokenPipeError:
        raise
    except (OSError, ValueError) as exc:  # ValueError: a stream closed under us
        silence_stdout()
        reason = (exc.strerror if isinstance(exc, OSError) else None) or str(exc)
        raise ConfigError(f"cannot write to standard output: {reason}") from None


def silence_stdout() -> None:
    """Point standard output at /dev/null, so that the interpreter's last flush cannot fail."""
    try:
        target = sys.stdout.fileno()
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):  # not a real file
        return
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
    except OSError:
        return
    try:
        os.dup2(devnull, target)
    except OSError:
        pass
    finally:
        os.close(devnull)  # the copy on standard output's descriptor is the one kept


def _read_only_mount(path: Path) -> bool:
    """Whether ``path`` is on a file system mounted read-only (``os.access`` says only "no")."""
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # no statvfs on Windows
        return False
