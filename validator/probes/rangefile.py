"""A read-only, seekable file over a remote resource, fetched in ranges on demand.

pymediainfo and Pillow both take a file object, seek around in it and read what they need. Over
HTTP every read that misses is a round trip, so this file keeps what it fetched (an interval
cache), fetches whole aligned blocks rather than the few bytes asked for, lets the caller fetch a
known span (the ``moov`` box) in one request before the parser asks for it piecemeal, and stops
at a byte budget. Reaching the budget, an empty answer or a failing fetch all look like the end
of the file to the reader: an exception raised inside ``read()`` would unwind through
libmediainfo and leak its native handle (media-probing.md, Traps). The caller asks afterwards:
``exhausted``, ``cut_short``, ``stopped``, ``fetch_error`` (re-raised by ``reraise()``),
``requests`` and ``bytes_fetched``.

The fetch callback is synchronous and network-agnostic: ``fetch(start, end_inclusive)`` returns
those bytes, like an HTTP ``Range: bytes=start-end`` request. Not thread-safe: one file per probe.
"""

from __future__ import annotations

import bisect
import io
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

__all__ = ["DEFAULT_BLOCK_SIZE", "DEFAULT_BUDGET", "Fetch", "RangeFile"]

Fetch = Callable[[int, int], bytes]
"""``fetch(start, end_inclusive) -> bytes``: the bytes of that range, as a Range request gives."""

DEFAULT_BLOCK_SIZE = 64 * 1024
# Generous for a header (a 20-minute clip has a 1 MB moov) and still far from a whole video.
DEFAULT_BUDGET = 8 * 1024 * 1024


class RangeFile(io.RawIOBase):
    """A seekable read-only file of ``size`` bytes whose content comes from ``fetch``.

    ``head`` seeds the cache with bytes already fetched from offset 0 (the first block, which
    decided the file type) so that they are not fetched twice; they do not count in ``requests``,
    ``bytes_fetched`` or the budget. ``budget`` caps ``bytes_fetched`` (``None``: no cap; it may be
    changed between reads). Reads past the budget return what is cached and then ``b""``, and set
    ``exhausted``.
    """

    def __init__(
        self,
        size: int,
        fetch: Fetch,
        *,
        head: bytes = b"",
        block_size: int = DEFAULT_BLOCK_SIZE,
        budget: int | None = DEFAULT_BUDGET,
    ) -> None:
        super().__init__()
        # Before any raise: the finalizer calls close() on a half-built file too (3.13 reports
        # what close() raises there).
        self._starts: list[int] = []
        self._chunks: list[bytes] = []
        if size < 0:
            raise ValueError(f"size must be >= 0, not {size}")
        if block_size <= 0:
            raise ValueError(f"block_size must be > 0, not {block_size}")
        self._size = size
        self._fetch = fetch
        self.block_size = block_size
        self.budget = budget
        self.exhausted = False
        self.cut_short = False
        """A fetch inside the file came back short (a server that stopped honouring Range, or
        one that caps each answer: then the next read fetches on from there)."""
        self.stopped = False
        """A fetch inside the file came back empty: the server stopped sending, and what the
        reader met next (an end) may not be the file's."""
        self.requests = 0
        self.bytes_fetched = 0
        self.bytes_seeded = 0
        self.fetch_error: Exception | None = None
        self._pos = 0
        # Disjoint cached extents, sorted by start: _starts[i] is where _chunks[i] begins.
        if head:
            self.seed(0, head)

    # -- io.RawIOBase ----------------------------------------------------------------------------

    @property
    def size(self) -> int:
        """The total size of the resource (from ``Content-Range: bytes 0-N/TOTAL``)."""
        return self._size

    def readable(self) -> bool:
        """Always readable (the io protocol asks)."""
        return True

    def seekable(self) -> bool:
        """Always seekable: that is the point of a ranged file."""
        return True

    def writable(self) -> bool:
        """Never writable."""
        return False

    def tell(self) -> int:
        """The current position."""
        self._check_open()
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET, /) -> int:
        """Move the position; past the end is allowed (reads there return ``b""``), as for files."""
        self._check_open()
        if whence == io.SEEK_SET:
            target = offset
        elif whence == io.SEEK_CUR:
            target = self._pos + offset
        elif whence == io.SEEK_END:
            target = self._size + offset
        else:
            raise ValueError(f"invalid whence {whence}")
        if target < 0:
            raise ValueError(f"negative seek position {target}")
        self._pos = target
        return target

    def read(self, size: int | None = -1, /) -> bytes:
        """Up to ``size`` bytes from the position (all the rest if negative); ``b""`` at the end.

        Fetches the missing blocks of the range; the answer is short only at the end of the file,
        at the budget, or when a fetch failed or came back short. It is empty only at the end, at
        the budget, or when a fetch failed or came back empty (``stopped``).
        """
        self._check_open()
        start = self._pos
        end = self._size if size is None or size < 0 else min(start + size, self._size)
        if start >= end:
            return b""
        while True:
            gap = self._first_gap(start, end)
            if gap is None or not self._fill(*gap):
                break
        data = self._contiguous(start, end)
        self._pos += len(data)
        return data

    def readall(self) -> bytes:
        """The rest of the file (within the budget)."""
        return self.read(-1)

    def readinto(self, buffer: WriteableBuffer, /) -> int:
        """Read into a writable buffer; the count of bytes placed."""
        with memoryview(buffer) as view, view.cast("B") as target:
            data = self.read(len(target))
            target[: len(data)] = data
            return len(data)

    def close(self) -> None:
        """Close the file and drop the cache."""
        self._starts.clear()
        self._chunks.clear()
        super().close()

    # -- beyond io ---------------------------------------------------------------------------------

    def pread(self, offset: int, length: int) -> bytes:
        """Read ``length`` bytes at ``offset`` without moving the position."""
        saved = self._pos
        try:
            self._pos = offset
            return self.read(length)
        finally:
            self._pos = saved

    def peek_cached(self, offset: int, length: int) -> bytes:
        """The bytes at ``offset`` already cached, up to ``length``: never fetches (maybe short)."""
        return self._contiguous(offset, min(offset + length, self._size))

    def cached_prefix(self) -> bytes:
        """The cached bytes from offset 0 onwards: the seeded head and what followed it."""
        if not self._starts or self._starts[0] != 0:
            return b""
        return self._contiguous(0, self._size)

    def prefetch(self, start: int, end_inclusive: int) -> int:
        """Fetch the uncached part of ``[start, end_inclusive]`` in ONE request; bytes fetched.

        Meant for a span known to be needed whole (a ``moov`` box, the tail after ``mdat``): one
        round trip instead of one per block as the parser reads on. The request runs from the
        first to the last uncached byte of the span (re-fetching any cached island in between)
        and is cut to the remaining budget. Never raises for a failing fetch (see ``fetch_error``).
        """
        self._check_open()
        start = max(start, 0)
        stop = min(end_inclusive + 1, self._size)
        first = self._first_gap(start, stop)
        if first is None:
            return 0
        last = first
        while (following := self._first_gap(last[1], stop)) is not None:
            last = following
        left, right = first[0], last[1]
        right = min(right, left + self._remaining())
        if right <= left:
            return 0
        return len(self._request(left, right))

    def seed(self, start: int, data: bytes) -> None:
        """Cache ``data``, the bytes at ``start`` that the caller fetched itself.

        Like ``head``: an asynchronous caller fetches the spans it knows are needed on its own
        event loop, and the parser's thread then finds them here. Not counted in ``requests``,
        ``bytes_fetched`` or the budget.
        """
        self._check_open()
        if start < 0:
            raise ValueError(f"start must be >= 0, not {start}")
        if data and start < self._size:
            kept = bytes(data[: self._size - start])
            self.bytes_seeded += len(kept)
            self._store(start, kept)

    def reraise(self) -> None:
        """Raise the exception a fetch raised, if any (kept out of the parser, raised here)."""
        if self.fetch_error is not None:
            raise self.fetch_error

    # -- internals ---------------------------------------------------------------------------------

    def _check_open(self) -> None:
        if self.closed:
            raise ValueError("I/O operation on closed file")

    def _remaining(self) -> int:
        if self.budget is None:
            return self._size
        return max(self.budget - self.bytes_fetched, 0)

    def _first_gap(self, start: int, end: int) -> tuple[int, int] | None:
        """The first uncached stretch ``[gap_start, gap_end)`` within ``[start, end)``."""
        pos = start
        i = bisect.bisect_right(self._starts, pos) - 1
        if i < 0:
            i = 0
        while pos < end and i < len(self._starts):
            chunk_start = self._starts[i]
            chunk_end = chunk_start + len(self._chunks[i])
            if chunk_start > pos:
                return pos, min(chunk_start, end)
            pos = max(pos, chunk_end)
            i += 1
        return (pos, end) if pos < end else None

    def _contiguous(self, start: int, end: int) -> bytes:
        """The cached bytes from ``start`` up to ``end`` or the first gap, whichever is first."""
        parts: list[bytes] = []
        pos = start
        i = bisect.bisect_right(self._starts, pos) - 1
        while pos < end and 0 <= i < len(self._starts):
            chunk_start = self._starts[i]
            chunk = self._chunks[i]
            if not chunk_start <= pos < chunk_start + len(chunk):
                break
            piece = chunk[pos - chunk_start : end - chunk_start]
            parts.append(piece)
            pos += len(piece)
            i += 1
        return b"".join(parts)

    def _fill(self, gap_start: int, gap_end: int) -> bool:
        """Fetch the gap, widened to uncached whole blocks; whether the read can go on after it."""
        if self.fetch_error is not None:
            return False
        block = self.block_size
        i = bisect.bisect_right(self._starts, gap_start) - 1
        cached_before = self._starts[i] + len(self._chunks[i]) if i >= 0 else 0
        j = bisect.bisect_left(self._starts, gap_end)
        cached_after = self._starts[j] if j < len(self._starts) else self._size
        left = max(gap_start // block * block, cached_before)
        right = min(-(-gap_end // block) * block, cached_after, self._size)
        remaining = self._remaining()
        if right - left > remaining:
            left = gap_start  # drop the alignment first, then cut the end
            right = min(right, left + remaining)
        if right <= gap_start:
            self.exhausted = True
            return False
        got = len(self._request(left, right))
        if got > 0 and left + got <= gap_start and self.fetch_error is None:
            # A server that caps each answer (16 KiB) ended the widened request before the
            # position read: asked once more from there, so that the reader gets a byte of it.
            # Given nothing, a parser takes the end of the file for there (MediaInfo then found
            # no video track in a valid file).
            left = gap_start
            got = len(self._request(left, right))
        if left + got < right:
            self.cut_short = self.fetch_error is None
            self.stopped = self.stopped or (got == 0 and self.cut_short)
            return False  # a failed or short answer: what came back is served, no retry loop
        if right < gap_end:
            self.exhausted = True  # served what the budget allowed; the rest of the gap is not
            return False
        return True

    def _request(self, left: int, right: int) -> bytes:
        """One fetch of ``[left, right)``; stores and returns what came back (never raises)."""
        try:
            data = self._fetch(left, right - 1)
        except Exception as exc:  # kept for reraise(): it must not unwind through a parser
            self.fetch_error = exc
            return b""
        self.requests += 1
        data = bytes(data[: right - left])
        self.bytes_fetched += len(data)
        if data:
            self._store(left, data)
        return data

    def _store(self, start: int, data: bytes) -> None:
        """Cache ``data`` at ``start``, only the parts not cached yet: extents stay disjoint."""
        end = start + len(data)
        pos = start
        while (gap := self._first_gap(pos, end)) is not None:
            gap_start, gap_end = gap
            k = bisect.bisect_left(self._starts, gap_start)
            self._starts.insert(k, gap_start)
            self._chunks.insert(k, data[gap_start - start : gap_end - start])
            pos = gap_end
