"""Media not hosted yet: the same probes over a file on this machine instead of HTTP.

A calendar can name a video by its local path before it is uploaded (``video_url`` of an entry).
``LocalFiles`` answers the calls the probes make of ``fetch.Fetcher`` (``open``, ``read_range``,
``read_suffix``) from the file, so the sniffers, Pillow, pymediainfo and the media rules judge it
exactly as they would judge it on a CDN, and ``--offline`` still checks it: no network is
involved. Reads are small (a block, an index, a suffix), so they are done inline.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote_to_bytes, urlsplit

from validator.probes.outcome import Budget, Failure, FailureKind, Response
from validator.urls import DeclaredFormat, declared_format

__all__ = ["LocalFiles", "local_path"]


def local_path(reference: str, calendar: str) -> Path | None:
    """The file a media reference names, if it is a local path rather than a URL.

    ``file:///abs/clip.mp4``, ``/abs/clip.mp4`` and ``./clips/clip.mp4`` are local. A bare
    relative reference (relative to the calendar file's folder) is local if that file exists, or
    if no URL could be meant: ``clips/clip.mp4`` (a folder's name has no dot), ``clip one.mp4``
    (a media file's name alone). Such a file missing is then "not found" with the folder it was
    looked for in, not a URL without a scheme. ``cdn.example.com/clip.mp4`` is far more often a
    URL missing its ``https://``, and is left to the URL checks to say so.
    """
    if reference[:5].lower() == "file:":  # a file URL: percent-encoded, maybe "localhost"
        try:
            parts = urlsplit(reference)
        except ValueError:  # a broken [IPv6] host: no file here, and the URL checks say why
            return None
        if parts.netloc.lower() not in ("", "localhost") or not parts.path.startswith("/"):
            return None  # another machine's file: the URL checks say it cannot be fetched
        # file:/x and file:///x alike (RFC 8089); escapes are bytes of the name, as the system's.
        return Path(os.fsdecode(unquote_to_bytes(parts.path)))
    if "://" in reference or reference.startswith("//") or not reference.strip():
        return None
    path = Path(reference)
    if path.is_absolute():
        return path
    beside = Path(calendar).parent / path
    if reference.startswith(("./", "../")) or _is_file(beside) or _is_folder(beside):
        return beside  # a folder: the probe says it is no file
    if _only_a_file(reference) and _missing(beside):
        return beside
    return None


def _only_a_file(reference: str) -> bool:
    """Whether a relative ``reference`` can only name a file: nothing a URL has.

    No host (``cdn.example.com/a.mp4``), nor what a mistyped URL keeps of its scheme
    (``https//cdn...``, ``https:...``): those are URLs, and the URL checks say what is wrong with
    them. A folder such as ``www/`` or ``httpdocs/`` (a web root) is a folder.
    """
    if ":" in reference:
        return False
    head, slash, _ = reference.partition("/")
    if slash:  # clips/a.mp4, not cdn.example.com/a.mp4 nor https//cdn.example.com/a.mp4
        return "." not in head and head.lower() not in ("http", "https")
    return declared_format(reference)[1] is not DeclaredFormat.UNKNOWN  # a.mp4, not example.com


def _is_folder(path: Path) -> bool:
    try:
        return path.is_dir()
    except (OSError, ValueError):  # a name the system refuses
        return False


def _missing(path: Path) -> bool:
    """Whether the system says there is no such file, rather than refusing the name.

    A name too long, or holding a NUL, is no file: the URL checks say what is wrong with it.
    """
    try:
        path.stat()
    except FileNotFoundError:
        return True
    except (OSError, ValueError):
        return False
    return False


def _is_file(path: Path) -> bool:
    """``Path.is_file``, false for a name the system refuses (too long, or holding a NUL).

    True for a file in a folder this user may not enter: it is there, and the probe says it
    cannot be read (rather than "a URL without a scheme").
    """
    try:
        return path.is_file()
    except PermissionError:
        return True
    except (OSError, ValueError):
        return False


class LocalFiles:
    """Reads local media for the probes, with the same byte budget as over HTTP."""

    def __init__(self, block_size: int) -> None:
        self.block_size = block_size

    async def open(self, url: str, budget: Budget) -> Response | Failure:
        """The first block of the file, or why it cannot be read."""
        try:
            with _regular(url) as (descriptor, size):
                data = _pread(descriptor, min(self.block_size, budget.remaining), 0)
        except FileNotFoundError:
            return Failure(FailureKind.NOT_FOUND, url, "does not exist on this machine")
        except _NotAFile as exc:
            return Failure(FailureKind.NOT_FOUND, url, f"is {exc.kind}, not a file")
        except OSError as exc:
            if exc.errno in _NO_FILE:
                return Failure(FailureKind.NOT_FOUND, url, _NO_FILE[exc.errno])
            return Failure(FailureKind.UNREACHABLE, url, f"cannot be read ({exc.strerror})")
        except ValueError as exc:  # a NUL, or a lone surrogate, in the name: no file is so called
            held = "a lone surrogate" if isinstance(exc, UnicodeEncodeError) else "a NUL character"
            return Failure(FailureKind.NOT_FOUND, url, f"is no file name (it holds {held})")
        budget.requests += 1
        budget.take(len(data))
        return Response(url, (), 200, None, size, data, len(data) >= size, ranges=True)

    async def read_range(self, url: str, start: int, end: int, budget: Budget) -> bytes:
        """Bytes ``start..end`` (inclusive), within the budget."""
        return self._read(url, start, end - start + 1, budget)

    async def read_suffix(self, url: str, length: int, budget: Budget) -> bytes:
        """The last ``length`` bytes."""
        return self._read(url, None, length, budget)

    @staticmethod
    def _read(url: str, start: int | None, length: int, budget: Budget) -> bytes:
        """``length`` bytes from ``start`` (``None``: the file's last ones), within the budget."""
        try:
            with _regular(url) as (descriptor, size):
                if start is None:
                    start = max(0, size - length)
                count = min(length, size - start, budget.remaining)
                if count <= 0:
                    return b""
                data = _pread(descriptor, count, start)
        except (OSError, ValueError):
            return b""
        budget.requests += 1
        budget.take(len(data))
        return data


class _NotAFile(OSError):
    """The path names a folder, a device, a pipe or a socket."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


# What the system says when a name holds no file to read: shown as media.not_found.
_NO_FILE = {
    errno.ENXIO: "is a device or socket, not a file",
    errno.ELOOP: "is a loop of symbolic links, not a file",
    errno.ENAMETOOLONG: "is no file name (too long for this system)",
    errno.ENOTDIR: "does not exist on this machine (a part of its path is not a folder)",
}


@contextmanager
def _regular(path: str) -> Iterator[tuple[int, int]]:
    """The file at ``path`` open (a descriptor) and its size; ``_NotAFile`` if not a regular file.

    Opened, and left, without blocking, and judged by what was opened (``fstat``): a FIFO or a
    terminal, or a file swapped for one after a check, would hold the event loop forever; and so
    would a "regular" file whose reads wait (``/proc/kmsg``), which fails at once instead
    (EAGAIN). Files on disk ignore the flag.
    """
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            kind = "a folder" if stat.S_ISDIR(status.st_mode) else "a device, pipe or socket"
            raise _NotAFile(kind)
        yield descriptor, status.st_size
    finally:
        os.close(descriptor)


def _pread(descriptor: int, count: int, offset: int) -> bytes:
    """``count`` bytes at ``offset`` (fewer at the end of the file)."""
    parts = []
    while count > 0:
        part = os.pread(descriptor, count, offset)
        if not part:
            break
        parts.append(part)
        count -= len(part)
        offset += len(part)
    return b"".join(parts)
