"""Probe one media URL: reach it, then learn what the file really is from as few bytes as it takes.

The first ranged GET (``fetch.Fetcher.open``) decides reachability, the size and the container
(magic bytes, ``sniff``). What follows depends on the container (media-probing.md):

- JPEG / PNG: Pillow reads the header from the bytes at hand, plus one more range when the
  headers run past the first block (a few, each as long as all read before it, for half a
  megabyte of metadata); a 12-byte suffix range then checks the end marker, which a truncated
  upload lacks. ``deep`` downloads the image (within the caps) and decodes every pixel.
- MP4 / MOV: pymediainfo parses a ``RangeFile`` whose reads become ranged GETs; the index
  (``moov``) is fetched in one request wherever it lies, so a 2 GB video costs what a 2 MB one
  of the same length does (the index grows with the duration, not the size). pymediainfo is
  synchronous, so it runs in a worker thread once the index is fetched; what else it reads is
  sent back to the event loop, where the run's clients live.
- anything else (WebP, GIF, HTML, ...) is decided by the magic bytes alone: not another byte.

``Prober.probe`` runs each unique URL once per run, however many pins share it.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import dataclasses
import functools
import inspect
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from validator.compression import inflate
from validator.messages import plural, quote, seconds
from validator.probes.fetch import COMPRESSED_FIX, Fetcher
from validator.probes.image import (
    RESIZE_FIX,
    ImageFacts,
    ImageProblem,
    ImageProblemKind,
    decode_or_read,
    plan_image_reads,
    read_image_facts,
)
from validator.probes.local import LocalFiles
from validator.probes.outcome import Budget, Failure, ReadFailed, ResourceChanged, Response
from validator.probes.rangefile import RangeFile
from validator.probes.sniff import (
    Container,
    appended_declared,
    appended_length,
    end_marker_in,
    end_marker_ok,
    header_end,
    image_cut,
    sniff,
)
from validator.probes.threads import DaemonPool
from validator.probes.video import (
    ParseTicket,
    VideoFacts,
    VideoProblem,
    VideoProblemKind,
    abandon_parse,
    begin_parse,
    index_reads,
    read_video_facts,
)
from validator.settings import Settings
from validator.slots import Slot
from validator.urls import same_resource

__all__ = ["MediaProbe", "Probe", "Prober", "Reader"]

# Of a compressed answer, this much is inflated to see what the file is.
_SNIFFED_INFLATED = 65536
_END_MARKER_BYTES = 12  # the PNG IEND chunk; a JPEG's FF D9 is its last two
# How far back from the end a missing end marker is looked for (one more request, only then):
# data appended to a whole image is found, a cut-off file still has none.
_APPENDED_SEARCH = 64 * 1024
# A server that sends less than asked is asked for the rest, until it sends crumbs (this many
# answers under this many bytes, short of the end).
_CRUMB = 4096
_CRUMBS = 3

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class MediaProbe:
    """What a reachable URL serves. Rules read this; it holds facts, not verdicts.

    ``broken`` is set when the bytes do not hold up (truncated, corrupt), with the reason as a
    phrase completing "the file ...". ``note`` says what could not be read and why (a server that
    ignores Range and a file larger than the byte cap), so that silence is never mistaken for ok.
    """

    url: str
    response: Response
    container: Container
    image: ImageFacts | None = None
    video: VideoFacts | None = None
    broken: str | None = None
    note: str | None = None
    note_fix: str | None = None
    """What to do about ``note``, when the catalogue's fix for an incomplete check is not it."""
    requests: int = 1
    bytes_read: int = 0

    @property
    def size(self) -> int | None:
        """The file's size in bytes, when the server said."""
        return self.response.total_size


Probe = MediaProbe | Failure


class Reader(Protocol):
    """Where a probe's bytes come from: ``fetch.Fetcher`` (HTTP) or ``local.LocalFiles``."""

    async def open(self, url: str, budget: Budget) -> Response | Failure: ...

    async def read_range(self, url: str, start: int, end: int, budget: Budget) -> bytes: ...

    async def read_suffix(self, url: str, length: int, budget: Budget) -> bytes: ...


class Prober:
    """Probes URLs through one ``Fetcher``, each unique URL once."""

    def __init__(self, settings: Settings, fetcher: Fetcher | None = None) -> None:
        self.fetcher = fetcher
        self.settings = settings
        self._local = LocalFiles(settings.block_size)
        self._tasks: dict[str, asyncio.Task[Probe]] = {}
        self._reads: set[concurrent.futures.Future[bytes]] = set()
        """Reads the video threads asked of the loop, still running: cancelled on close."""
        self._closed = False
        # pymediainfo's parses wait on ranged reads: give them as many threads as there can be
        # requests in flight, not the default pool's few (cpu + 4).
        # Daemon threads: a parse given up as never ending does not keep the process alive.
        self._threads = DaemonPool(self.settings.concurrency, "pin-preflight-video")
        # --deep decodes one image at a time per run: a 360 KB PNG of 88 million pixels takes
        # 350 MB decoded, and a pool of decodes at once ran the machine out of memory.
        self._decoding = asyncio.Semaphore(1)

    async def aclose(self) -> None:
        """Stop what is still running (a caller that stopped reading early), then the threads.

        The clients close right after: a probe left running would fail on a closed client.
        """
        self._closed = True  # a video thread's next read gets end-of-file at once
        for read in list(self._reads):
            read.cancel()
        pending = [task for task in self._tasks.values() if not task.done()]
        for task in pending:
            task.cancel()
        try:
            if pending:
                # wait, not gather: cancelled in turn (a cancel scope cancels every await), it
                # raises the caller's own CancelledError, which the scope knows as its own; a
                # gather would raise one of the probes' instead.
                await asyncio.wait(pending)
        finally:
            self._threads.shutdown(wait=False, cancel_futures=True)

    @property
    def unique_urls(self) -> int:
        """URLs probed (or being probed) so far."""
        return len(self._tasks)

    def finished(self) -> dict[str, Probe]:
        """Every probe that has finished, by URL (as sent: no fragment, the host in lower case).

        What each URL cost and what it showed.
        """
        return {
            url: task.result()
            for url, task in self._tasks.items()
            if _came_back(task)  # not cancelled with a caller that stopped early, nor cut short
        }

    def reachable(self, slots: list[Slot]) -> list[Slot]:
        """The slots this prober reaches: local files always, URLs only online."""
        if self.fetcher is not None:
            return slots
        return [slot for slot in slots if slot.local]  # offline; most calendars have none

    def probe(self, slot: Slot) -> asyncio.Task[Probe]:
        """The probe of the slot's URL (or local file): started on first request, then shared.

        Shared by URLs that make the same request (``same_resource``): a fragment or a host's
        case does not cost another fetch.
        """
        key = slot.url if slot.local else same_resource(slot.url)
        task = self._tasks.get(key)
        if task is None or (not self._closed and task.done() and not _came_back(task)):
            # Cancelled with the caller that started it (a source stopped early), or cut short
            # (pytest-timeout's pytest.fail raised from a signal while it ran): a later pin of
            # the same session gets a probe of its own, not the CancelledError or the timeout.
            reader: Reader | None = self._local if slot.local else self.fetcher
            if reader is None:
                raise RuntimeError(f"{slot.url} is a URL, and this prober is offline")
            task = self._tasks[key] = asyncio.ensure_future(self._probe(slot.url, reader))
        return task

    async def _probe(self, url: str, reader: Reader) -> Probe:
        budget = Budget(self.settings.max_bytes_per_url)
        opened = await reader.open(url, budget)
        if isinstance(opened, Failure):
            return opened
        if opened.encoding is not None:
            return _counted(_compressed(opened), budget)
        container = sniff(opened.data)
        if container is Container.UNKNOWN and _too_few_to_sniff(opened):
            note = (
                f"the server sent {plural(len(opened.data), 'byte')} of its start where more "
                "were asked for: too few to tell what the file is"
            )
            return _counted(MediaProbe(opened.url, opened, container, note=note), budget)
        try:
            if container.is_image_ok:
                probe = await self._image(reader, opened, container, budget)
            elif container.is_video_ok:
                probe = await self._video(reader, opened, container, budget)
            else:
                probe = MediaProbe(opened.url, opened, container)
        except ReadFailed as failed:  # a 503 or a timeout halfway says nothing about the file
            return _told_of(url, opened, failed.failure)
        except ResourceChanged as changed:  # two files' bytes judged as one would mislead
            note = f"the file {changed.detail}"
            fix = (
                "Check again once the file stays put (a deploy or an upload was under way); "
                "if this comes back, its servers disagree on its ETag: serve it from one."
            )
            probe = MediaProbe(opened.url, opened, container, note=note, note_fix=fix)
        return _counted(probe, budget)

    # --- images ----------------------------------------------------------------------------------

    async def _image(
        self, reader: Reader, opened: Response, container: Container, budget: Budget
    ) -> MediaProbe:
        data = opened.data
        url = opened.url
        total = opened.total_size
        deep, note = self.settings.deep, None
        note_fix: str | None = None
        if deep and not opened.complete and (total is None or total > budget.remaining + len(data)):
            # A part decoded as if it were the whole would look cut short: read the header only.
            deep = False
            if total is None:
                note = "the server does not state its size, so it was not decoded (--deep)"
                note_fix = _NO_SIZE_FIX  # no byte cap helps: a file of no size is never whole
            elif total <= self.settings.image_max_bytes:  # larger: media.too_large says it
                cap = self.settings.max_bytes_per_url
                note = f"it is {total:,} bytes, over the {cap:,}-byte cap: not decoded (--deep)"
        short = False  # the server sent less than asked for, inside the file: not the file's fault
        ended = False
        if deep and not opened.complete and opened.ranges and total is not None:
            data += await _read_span(reader, url, len(data), total - 1, budget)
            if len(data) < total:  # the server stopped short (a 200 or 416 to the range)
                stopped = _shortfall(budget, "the server did not send the whole file")
                deep, note, note_fix = False, f"{stopped}: not decoded (--deep)", _fix(budget)
        elif not opened.complete and opened.ranges:
            # Without a stated size (Content-Range: .../*), a header read may run past the end:
            # the server then sends what there is.
            while True:
                cap = len(data) + budget.remaining  # no read runs past the byte cap
                spans = plan_image_reads(data, cap if total is None else min(total, cap))
                if not spans:
                    break
                first, last = spans[0]
                got = await _read_span(reader, url, first, last, budget)
                data += got
                if len(got) < last - first + 1:
                    short = total is not None and budget.remaining > 0
                    # A server that states no size and sends less than asked has no more: the
                    # file ends there, and headers cut there are the file's fault.
                    ended = total is None and budget.remaining > 0
                    break
        whole = opened.complete or ended or (total is not None and len(data) >= total)
        if deep:
            async with self._decoding:
                facts, undecoded = await asyncio.to_thread(decode_or_read, data)
            if undecoded is not None:  # its header and end are still judged
                note = f"the image {undecoded} (--deep)"
        else:
            read = functools.partial(read_image_facts, data, prefix=not whole)
            facts = await _judged(len(data), read)
        if isinstance(facts, ImageProblem):
            if short and facts.kind is not ImageProblemKind.UNSUPPORTED:
                sent = f"the server sent {len(data):,} bytes of its start where more were asked for"
                note = f"{_shortfall(budget, sent)}, so the image could not be read"
                return MediaProbe(opened.url, opened, container, note=note, note_fix=_fix(budget))
            return self._image_problem(opened, container, facts)
        broken = None
        if total is not None and len(data) >= total:  # every byte at hand: judged as inline
            # image data is, whole (decoded or not: a decoder stops at an APNG's first frame,
            # and LOAD_TRUNCATED_IMAGES, set by many web apps, pads a cut file)
            broken = await _judged(total, functools.partial(image_cut, container, data[:total]))
        elif not opened.ranges:
            note = (
                f"the server ignores Range and the file is larger than the "
                f"{self.settings.max_bytes_per_url:,}-byte cap, so its end was not checked"
            )
            return MediaProbe(opened.url, opened, container, image=facts, note=note)
        elif not (tail := await reader.read_suffix(url, _END_MARKER_BYTES, budget)):
            capped = (
                "the server answered with the whole file, past the byte cap"
                if budget.past_cap
                else "the byte cap"
                if budget.remaining < _END_MARKER_BYTES
                else None
            )
            if note is None and capped is None and budget.shortfall is not None:
                note, note_fix = (
                    f"{budget.shortfall.reason}, so its end was not checked",
                    _fix(budget),
                )
            elif note is None:
                why = capped or "the server gave no usable answer for them"
                note = f"its last bytes were not read ({why}), so its end was not checked"
        elif not end_marker_ok(container, tail):
            broken, missing = await _appended_or_cut(
                reader, url, container, data, tail, total, budget
            )
            note = note or missing
        if total is None and not whole and broken is None and note is None:  # too large?
            note = (
                "the server does not state the file's size (Content-Range: .../*), so it was "
                f"not held to the {self.settings.image_max_bytes:,}-byte limit"
            )
        return MediaProbe(
            opened.url, opened, container, image=facts, broken=broken, note=note, note_fix=note_fix
        )

    @staticmethod
    def _image_problem(opened: Response, container: Container, problem: ImageProblem) -> MediaProbe:
        if problem.kind is ImageProblemKind.INCOMPLETE:
            note = f"the image could not be read within the byte cap ({problem.reason})"
            return MediaProbe(opened.url, opened, container, note=note)
        if problem.kind is ImageProblemKind.TOO_LARGE:  # not opened, for safety: not broken
            note = f"the image {problem.reason}, so it was not read further"
            return MediaProbe(opened.url, opened, container, note=note, note_fix=RESIZE_FIX)
        if problem.kind is ImageProblemKind.UNSUPPORTED:
            return MediaProbe(opened.url, opened, problem.container)
        return MediaProbe(opened.url, opened, container, broken=problem.reason)

    # --- video -----------------------------------------------------------------------------------

    async def _video(
        self, reader: Reader, opened: Response, container: Container, budget: Budget
    ) -> MediaProbe:
        total = opened.total_size
        if total is None or not (opened.ranges or opened.complete):
            note = (
                "the server does not state the video's size (Content-Range: .../*), so it was "
                "not parsed"
                if opened.ranges
                else "the server ignores Range and the video is larger than the "
                f"{self.settings.max_bytes_per_url:,}-byte cap, so it was not parsed"
            )
            return MediaProbe(opened.url, opened, container, note=note)
        loop = asyncio.get_running_loop()
        url = opened.url

        # The index is fetched here, on the loop: the parse's thread then computes, instead of
        # being held for a round trip while other videos wait for a thread.
        block = self.settings.block_size
        known = RangeFile(total, _never, head=opened.data, block_size=block)  # for planning
        index = []
        for first, last in [] if opened.complete else index_reads(known):
            data = await reader.read_range(url, first, last, budget)
            if not data:
                break
            known.seed(first, data)
            index.append((first, data))
        known.close()

        fetch = _ThreadReads(self, reader, opened, budget, loop)
        queued = loop.time()

        def parse() -> VideoFacts | VideoProblem:
            # Queueing for a thread is not the server's time (read from this thread: the loop's
            # side does not touch the budget until this parse asks for a read).
            budget.waited(loop.time() - queued)
            fetch.begin()
            # The file stops at the URL's byte cap itself, so that running out of it reads as
            # "incomplete", not as a file that ends early.
            file = RangeFile(
                total, fetch, head=opened.data, block_size=block, budget=budget.remaining
            )
            for first, data in index:
                file.seed(first, data)
            return read_video_facts(file)

        facts = await self._within_parse_limit(loop.run_in_executor(self._threads, parse), fetch)
        if facts is None:
            limit = self.settings.deadline
            note = (
                f"MediaInfo did not finish reading the video within {seconds(limit)} (the time "
                "its reads waited for the server not counted), so it was not checked"
            )
            return MediaProbe(opened.url, opened, container, note=note, note_fix=_LOOPING_FIX)
        if isinstance(facts, VideoProblem):
            return self._video_problem(opened, container, facts, budget)
        if facts.truncated and facts.partial:  # missing from what was read, not from the file
            why = _shortfall(budget, "the byte cap, or the server")
            note = f"the video was not read whole ({why}): a cut is not ruled out"
            fix = _fix(budget)
            return MediaProbe(opened.url, opened, container, video=facts, note=note, note_fix=fix)
        if facts.duration_is_lower_bound:
            why = _shortfall(budget, "")
            note = (
                f"the video is fragmented and only its first {budget.received:,} bytes were "
                f"read{f' ({why})' if why else ''}, so its whole duration is not known"
            )
            fix = _fix(budget)
            return MediaProbe(opened.url, opened, container, video=facts, note=note, note_fix=fix)
        if facts.partial and not facts.truncated:  # judged on the part of its index read
            why = _shortfall(budget, "the byte cap, or the server")
            note = (
                f"the video's index was not read whole ({budget.received:,} bytes read: {why}), "
                "so it was judged on part of it"
            )
            fix = _fix(budget)
            return MediaProbe(opened.url, opened, container, video=facts, note=note, note_fix=fix)
        if facts.duration_s is None and not facts.truncated:
            # An initialization segment without its fragments, an index of no frames: MediaInfo
            # states no duration, and the length check had nothing to judge (it passed).
            note = (
                "the video states no duration (an index without frames, or an initialization "
                "segment whose media is in other files), so its length was not checked"
            )
            return MediaProbe(opened.url, opened, container, video=facts, note=note)
        broken = "is cut off: the container says data is missing" if facts.truncated else None
        return MediaProbe(opened.url, opened, container, video=facts, broken=broken)

    async def _within_parse_limit(
        self, work: asyncio.Future[VideoFacts | VideoProblem], reads: _ThreadReads
    ) -> VideoFacts | VideoProblem | None:
        """``work``'s result, or ``None`` once it has parsed for ``deadline`` seconds.

        MediaInfo looped forever on a fuzzed colour table (``ctab``, refused before the parse
        since); another such loop would have held the run for ever. Its thread cannot be
        stopped: it is left, its result unused, its turn at MediaInfo's options let go (a daemon
        thread, ``DaemonPool``: it does not keep the process alive; another takes its place).
        Counted from when a thread takes the parse, not from when it was queued (a calendar of
        500 videos queues for the threads); time the parse spends waiting for its reads (the
        server's, held to the URL's own deadline) or for its turn at the options (another
        parse's) is not counted either. A parse cancelled with its run lets go of the options
        too: a caller that gave up the run (Ctrl-C, ``asyncio.wait_for``) would otherwise leave
        one that never ends holding them for the life of the process.
        """
        limit = self.settings.deadline
        left = limit
        while True:
            try:
                async with asyncio.timeout(left):
                    return await asyncio.shield(work)
            except TimeoutError:
                if work.done():  # it finished as the time ran out: its result is good
                    return work.result()
                left = limit - reads.seconds_working(time.monotonic())
                if left <= 0:
                    self._give_up(work, reads)
                    if reads.worker is not None:  # its thread is not coming back soon
                        self._threads.replace_worker(reads.worker)
                    return None
            except asyncio.CancelledError:
                self._give_up(work, reads)  # a result no longer wanted: as an await of it would
                raise

    @staticmethod
    def _give_up(work: asyncio.Future[VideoFacts | VideoProblem], reads: _ThreadReads) -> None:
        work.cancel()
        if reads.ticket is not None:  # the others may take their turns at the options now
            abandon_parse(reads.ticket)

    def _video_problem(
        self, opened: Response, container: Container, problem: VideoProblem, budget: Budget
    ) -> MediaProbe:
        if problem.kind is VideoProblemKind.INCOMPLETE:
            cap = self.settings.max_bytes_per_url
            note = f"the video {problem.reason}, so it was not parsed (max_bytes_per_url {cap:,})"
            return MediaProbe(opened.url, opened, container, note=note)
        if problem.kind is VideoProblemKind.NOT_SERVED and budget.shortfall is not None:
            note = f"the video could not be read: {budget.shortfall.reason}"
            return MediaProbe(opened.url, opened, container, note=note, note_fix=_fix(budget))
        if problem.kind is VideoProblemKind.NOT_SERVED:  # crumbs, or an empty answer
            return MediaProbe(opened.url, opened, container, note=f"the video {problem.reason}")
        if problem.kind is VideoProblemKind.UNSUPPORTED:
            return MediaProbe(opened.url, opened, problem.container)
        return MediaProbe(opened.url, opened, container, broken=problem.reason)


_NO_SIZE_FIX = (
    "Serve the file with its size (Content-Length, or Content-Range: bytes 0-65535/SIZE), as any "
    "CDN or object store does; --deep then decodes it."
)


def _came_back(task: asyncio.Task[Probe]) -> bool:
    """Whether a probe finished with what it found, or a bug of ours (an ``Exception``).

    A probe answers every failure of a URL with a ``Failure``: what else ends it is a cancel, or
    what interrupted the run (``BaseException``: a ``KeyboardInterrupt``, pytest's ``Failed``),
    which says nothing of the URL.
    """
    if not task.done() or task.cancelled():
        return False
    error = task.exception()
    return error is None or isinstance(error, Exception)


async def _judged(size: int, judge: Callable[[], _T]) -> _T:
    """``judge()`` of ``size`` bytes of an image: on the event loop, or in a thread if large.

    Pillow and the JPEG walk step through junk (zeros after a JPEG's start, a run of standalone
    markers) in Python: 4 MiB of it held every other probe of the run, and an async caller's
    loop, for about 250 ms. A real image's header is read in well under a millisecond, whole or
    not, and a thread costs more than that.
    """
    return await asyncio.to_thread(judge) if size > _ON_LOOP_BYTES else judge()


_ON_LOOP_BYTES = 128 * 1024


def _too_few_to_sniff(opened: Response) -> bool:
    """Whether a first answer is a few bytes of a larger file: fewer than its type shows in.

    The longest signature read (an ISO-BMFF brand, WebP's RIFF) ends at byte 12; what the server
    did not send is not held against the file ("a file of unknown type"). A server that states
    no size, and sends less than asked, has sent the whole file.
    """
    total = opened.total_size
    return total is not None and len(opened.data) < min(total, _SNIFF_MIN)


_SNIFF_MIN = 16

_READ_TURN = 0.25  # seconds a video thread waits on a read before it looks whether to stop


class _ThreadReads:
    """The reads pymediainfo's thread asks for, made on the loop, on the run's client.

    The loop side keeps the deadline (``Fetcher._ranged``), which time in line does not count
    against; the thread waits for as long as that takes, or until the prober closes. After
    ``_CRUMBS`` answers of less than ``_CRUMB`` bytes, nothing more is asked (the reads then end,
    as for a server that stopped sending), as in ``_read_span``.
    """

    def __init__(
        self,
        prober: Prober,
        reader: Reader,
        opened: Response,
        budget: Budget,
        loop: asyncio.AbstractEventLoop,
    ) -> None:
        self._prober = prober
        self._reader = reader
        self._opened = opened
        self._budget = budget
        self._loop = loop
        self._crumbs = 0
        # Clocked with time.monotonic (as the gate's waits are), set in the parse's thread and
        # read from the loop's: floats, each set whole.
        self._begun: float | None = None
        self.ticket: ParseTicket | None = None
        """The parse's ticket at MediaInfo's options, once begun (``video.begin_parse``)."""
        self.worker: threading.Thread | None = None
        self._waited = 0.0
        self._waiting_since: float | None = None

    def begin(self) -> None:
        """The parse starts, in its thread: what it does from now on is its own time."""
        self.ticket = begin_parse()
        self.worker = threading.current_thread()
        self._begun = time.monotonic()

    def seconds_working(self, now: float) -> float:
        """Seconds the parse has worked by ``now``, its waits (for reads, for its turn) left out."""
        begun, ticket = self._begun, self.ticket
        if begun is None or ticket is None:
            return 0.0
        return now - begun - self.seconds_waiting(now) - ticket.seconds_waiting(now)

    def seconds_waiting(self, now: float) -> float:
        """Seconds the parse has spent waiting for reads, up to ``now``."""
        since = self._waiting_since
        return self._waited + (now - since if since is not None else 0.0)

    def __call__(self, first: int, last: int) -> bytes:
        """Bytes ``first..last`` of the video, or ``b""`` once nothing more is to be read."""
        prober, loop = self._prober, self._loop
        if self._opened.complete or prober._closed or self._crumbs >= _CRUMBS:
            return b""
        read = self._reader.read_range(self._opened.url, first, last, self._budget)
        try:
            pending = asyncio.run_coroutine_threadsafe(read, loop)
        except RuntimeError:  # the loop closed since (Ctrl-C): the read is never started
            read.close()  # ... nor reported at exit as "never awaited"
            return b""
        prober._reads.add(pending)
        self._waiting_since = time.monotonic()
        try:
            # Waited for in turns: a read the closing prober never saw (added after it swept
            # ``reads``), or one the loop never ran (closed first), would hold this thread, and
            # the interpreter joins such threads at exit: the process never ended.
            while True:
                if prober._closed or loop.is_closed():
                    if not loop.is_closed():  # a closed loop's cancel callback raises (logged)
                        pending.cancel()
                    if inspect.getcoroutinestate(read) == inspect.CORO_CREATED:
                        # Scheduled, but the loop stopped before it started; if the loop starts
                        # it meanwhile, close() refuses (ValueError) and it runs on.
                        with contextlib.suppress(ValueError, RuntimeError):
                            read.close()
                    return b""
                try:
                    got = pending.result(timeout=_READ_TURN)
                except concurrent.futures.TimeoutError:
                    continue
                self._crumbs += len(got) < min(_CRUMB, last - first + 1)
                return got
        except concurrent.futures.CancelledError:
            return b""  # closed: the probe is cancelled, this parse's answer is not used
        finally:
            prober._reads.discard(pending)
            self._waited += time.monotonic() - self._waiting_since
            self._waiting_since = None


def _never(first: int, last: int) -> bytes:
    """The fetch of a ``RangeFile`` that only holds what was fetched elsewhere (it is not read)."""
    raise AssertionError(f"bytes {first}-{last} were read from a planning cache")


def _compressed(opened: Response) -> MediaProbe:
    """An answer compressed against our asking: what its first bytes are once inflated.

    A media file is then reported as not checked completely (its ranges are of the compressed
    stream); anything else (a gzipped login page) as what it is. An encoding this cannot
    inflate (brotli) leaves the format unknown, and says so.
    """
    inflated = inflate(opened.data, opened.encoding or "", _SNIFFED_INFLATED)
    head = inflated[0] if inflated is not None else b""
    container = sniff(head) if head else Container.UNKNOWN
    if container.is_image_ok or container.is_video_ok or not head:
        note = (
            f"the server compressed it (Content-Encoding: {opened.encoding}) although asked for "
            "the file as it is (identity), so it was not read further"
        )
        return MediaProbe(opened.url, opened, container, note=note, note_fix=COMPRESSED_FIX)
    return MediaProbe(opened.url, opened, container)


#: What to do about a video MediaInfo never finished reading: what loops it is a broken index.
_LOOPING_FIX = (
    "Export the video again, or rewrite its index (ffmpeg -i in.mp4 -c copy -movflags +faststart "
    "out.mp4), then check it again; if it still does not finish, upload it to Pinterest to see "
    "whether Pinterest takes it."
)


def _shortfall(budget: Budget, otherwise: str) -> str:
    """Why the reads stopped short: what the server's answer was (``Budget.shortfall``)."""
    return budget.shortfall.reason if budget.shortfall is not None else otherwise


def _fix(budget: Budget) -> str | None:
    """What to do about the shortfall, where the catalogue's fix is not it."""
    return budget.shortfall.fix if budget.shortfall is not None else None


def _told_of(url: str, opened: Response, failure: Failure) -> Failure:
    """A later read's failure told of ``url``, the URL the pin holds, which it redirected from.

    Later reads go to where the first one's redirects led (``opened.url``): without this, the
    failure of that URL would read as the pin's own.
    """
    if opened.url == url:
        return failure
    detail = f"redirects to {quote(opened.url)}, which {failure.detail}"
    return dataclasses.replace(
        failure, url=url, detail=detail, chain=opened.chain[:-1] + failure.chain
    )


async def _appended_or_cut(
    reader: Reader,
    url: str,
    container: Container,
    data: bytes,
    tail: bytes,
    total: int | None,
    budget: Budget,
) -> tuple[str | None, str | None]:
    """``(broken, note)`` for an image whose last bytes are not its end marker.

    Phones and editors append data after a whole image (a motion photo's video); a file cut off
    has no end marker anywhere near its end. A motion photo that states its video's length says
    where the image ends; otherwise (or when that place holds no end marker: XMP outlives
    edits) the first block already read and the last 64 KiB (one more request) are searched,
    from the image data on: an EXIF thumbnail in the header ends with ``FF D9`` too, and a PNG's
    text chunk may quote an IEND. A motion photo found in neither place is not called cut (its
    video may be longer than 64 KiB), unless the two together are the whole file.
    """
    cut = f"is cut off: it does not end with the {container.label} end marker"
    video = appended_length(container, data)
    if video is not None and total is not None and total - video >= 2:  # where the XMP says
        end = total - video
        marker = data[end - 2 : end] if end <= len(data) else b""
        marker = marker or await _read_span(reader, url, end - 2, end - 1, budget)
        if marker == b"\xff\xd9":
            return None, None
        # An editor may keep the XMP of a photo it rewrote: search as for any other file.
    scan = header_end(container, data)  # the marker may be in the header too (a thumbnail's)
    # A small image with much appended: its end marker is in the first block already read.
    read = data[scan:] if scan is not None else b""
    if read and end_marker_in(container, read):
        return None, None
    if total is None:  # no stated size: the last bytes, from a suffix
        length = min(_APPENDED_SEARCH, budget.remaining)
        window = await reader.read_suffix(url, length, budget)
        if scan is not None and len(window) < length:  # the whole file: its header too
            window = window[scan:]
    else:  # larger than what was read (a file held whole is judged by ``image_cut``)
        start = max(0, total - _APPENDED_SEARCH)
        window = await _read_span(reader, url, start, total - 1, budget)
        if len(window) < total - start:
            window = b""  # not the whole window: its end is not there to search
        if window and scan is not None and start < scan:
            window = window[scan - start :]
    if not window:
        return None, (
            f"it does not end with the {container.label} end marker, and the bytes before its "
            "end were not read to tell data appended to it from a cut"
        )
    if end_marker_in(container, window):
        return None, None
    # Every byte after the header searched (the first block and the window meet): no longer
    # video could hide the end marker.
    searched = total is not None and max(0, total - _APPENDED_SEARCH) <= len(data)
    motion = appended_declared(container, data, tail) or video is not None
    if motion and not searched:
        return None, (
            "it says a video is appended to it, and its own end marker is neither where its XMP "
            f"says nor in its last {_APPENDED_SEARCH // 1024} KiB, so a cut was not ruled out"
        )
    return cut, None


async def _read_span(reader: Reader, url: str, first: int, last: int, budget: Budget) -> bytes:
    """Bytes ``first..last``, over several answers if the server sends less than asked for.

    Stops at an empty answer (a 200 or 416 to the range, the budget spent) or at the
    ``_CRUMBS``-th answer of fewer than ``_CRUMB`` bytes that still leaves bytes to read: the
    caller sees a short result. A CDN that caps each answer at 16 KiB is read on to the end; one
    that sends ten bytes at a time is not asked thousands of times.
    """
    parts: list[bytes] = []
    crumbs = 0
    while first <= last:
        got = await reader.read_range(url, first, last, budget)
        if not got:
            break
        parts.append(got)
        first += len(got)
        if len(got) < _CRUMB and first <= last:
            crumbs += 1
            if crumbs == _CRUMBS:
                break
    return b"".join(parts)


def _counted(probe: MediaProbe, budget: Budget) -> MediaProbe:
    return dataclasses.replace(probe, requests=budget.requests, bytes_read=budget.received)
