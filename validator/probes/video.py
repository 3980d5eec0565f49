"""Facts about an MP4 or MOV video from its index: codec, size, rotation, duration, truncation.

libmediainfo (through pymediainfo) reads them from the ``moov`` box alone when asked for the
container only (``parse_speed=-1``, media-probing.md): the default 0.5 reads about a thousand
frames per stream, tens of MB of a large video. The first block shows where ``moov`` lies, so
``next_index_read`` names the one span to fetch whole, wherever the box sits, and a video of any
size costs two requests and some tens of KB (a third when reserved space before ``moov`` hides
where it starts). A fragmented MP4 (``mvex`` in ``moov``) states only
its first fragment in ``moov``; it is parsed again at speed 0, within a separate byte budget.

Only MP4 and MOV go to MediaInfo: given Matroska or WebM with a negative speed it reads the whole
file. Its options are process-global, so parses at different speeds take turns (``_OptionGate``),
and a turn is never spent waiting on the network: the speed-0 parse finds its fragments fetched.
Bad bytes never raise: the answer is a ``VideoProblem``; a failing fetch raises after MediaInfo is
done with the file.
"""

from __future__ import annotations

import enum
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import NamedTuple

from pymediainfo import MediaInfo

from validator.probes.rangefile import DEFAULT_BLOCK_SIZE, RangeFile
from validator.probes.sniff import Box, Container, box_at, sniff, walk_boxes

__all__ = [
    "FRAGMENT_BUDGET",
    "INDEX_READS",
    "SUPPORTED_CODECS",
    "TAIL_LIMIT",
    "ParseGivenUp",
    "ParseTicket",
    "VideoFacts",
    "VideoProblem",
    "VideoProblemKind",
    "abandon_parse",
    "begin_parse",
    "fetch_index",
    "index_reads",
    "next_index_read",
    "read_video_facts",
]

# pinterest-api.md §4.2: H.264 or H.265, as MediaInfo names them.
SUPPORTED_CODECS = frozenset({"AVC", "HEVC"})
# A moov-last file's tail (moov, maybe udta or free) is fetched whole up to this size, in one
# request; a longer one is walked box by box from its first block: it may hold reserved space
# (free) or padding of megabytes around a moov of a few KB, or another mdat. A moov this long
# (a clip of some minutes) costs one request more, its bytes no more.
TAIL_LIMIT = 256 * 1024
# Extra bytes the speed-0 re-parse of a fragmented MP4 may fetch: every fragment is a seek, and a
# file of hundreds of fragments would otherwise cost hundreds of requests.
FRAGMENT_BUDGET = 2 * 1024 * 1024

# Requests after the first block to find and fetch the index: a box of reserved space before
# ``moov``, then the rest of ``moov``, then (rarely) one more.
INDEX_READS = 3

# How far MediaInfo reads on instead of seeking (measured with 4-256 KiB buffers: it read through
# 22-38 KB of mdat, and sought past 83-100 KB).
_READ_THROUGH = 64 * 1024
# A box header's longest form (a 64-bit size): what MediaInfo reads of the box after another.
_NEXT_HEADER = 16
_MIN_BUFFER = 4096
# A fragmented file's rest up to this many blocks is fetched in one request: a few blocks more
# than reading each fragment's header would cost at most, for one round trip instead of several.
_ONE_REQUEST_BLOCKS = 4


class ParseGivenUp(Exception):
    """Raised in a parse given up (``abandon_parse``) when it comes to MediaInfo's options."""


class _OptionGate:
    """Lets parses with the same options run at once, and takes turns between options.

    libmediainfo's options are process-global (media-probing.md): two parses at different
    ``parse_speed`` interfere, two at the same speed do not. A plain lock would also serialise
    the ranged reads a parse makes, which wait on the network; this gate keeps them concurrent.
    Turns go by batch: once a parse at another speed waits, no new parse joins the running ones,
    and when they are done every parse waiting at the next speed goes in together. So the rare
    speed-0 parse waits for one batch, not for as long as speed -1 parses keep overlapping.
    """

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._speed: float | None = None
        self._users = 0
        self._holders: set[object] = set()
        """The parses inside (``current_ticket``), less those given up."""
        self._given_up: set[object] = set()
        """The parses given up (``abandon``): none of them comes in again."""
        self._waiting: Counter[float] = Counter()
        self._turn: float | None = None
        """The speed whose batch goes in next (``None``: any, or the running speed may join)."""

    @contextmanager
    def using(self, speed: float) -> Iterator[None]:
        """Hold the options at ``speed`` while parsing; ``ParseGivenUp`` if the parse was."""
        holder = current_ticket()
        with self._changed:
            self._waiting[speed] += 1
            if self._users and self._speed != speed and self._turn is None:
                self._turn = speed
            holder.waiting_since = time.monotonic()
            self._changed.wait_for(lambda: holder in self._given_up or self._may_enter(speed))
            holder.waited += time.monotonic() - holder.waiting_since
            holder.waiting_since = None
            self._waiting[speed] -= 1
            if holder in self._given_up:  # given up before, or while, it waited: not let in
                self._pass_turn(speed)
                raise ParseGivenUp
            self._speed = speed
            self._users += 1
            self._holders.add(holder)
            self._pass_turn(speed)
        try:
            yield
        finally:
            self._release(holder)  # nothing left if its parse was given up

    def abandon(self, parse: object) -> None:
        """Let go of the hold of ``parse``, and keep it out from now on: it was given up.

        A parse that never ends held the options for ever, and every parse at another speed
        waited for it: one looping file cost the checks of all the videos after it, in that
        process. Its result is not used, so the options may change under it; and one given up
        before it came in (stuck in a read, say) does not come in later to hold them.
        """
        with self._changed:
            self._given_up.add(parse)
            self._changed.notify_all()  # it may be among the waiting
        self._release(parse)

    def _release(self, parse: object) -> None:
        with self._changed:
            if parse not in self._holders:
                return
            self._holders.discard(parse)
            self._users -= 1
            if self._users == 0:
                self._changed.notify_all()

    def _pass_turn(self, speed: float) -> None:
        """Once no parse at ``speed`` waits, the turn goes to a speed that does (lock held)."""
        if self._turn == speed and not self._waiting[speed]:  # the whole batch is in
            waiting = (other for other, count in self._waiting.items() if count)
            self._turn = next(waiting, None)
            self._changed.notify_all()

    def _may_enter(self, speed: float) -> bool:
        if self._turn is not None and self._turn != speed:
            return False
        return self._users == 0 or self._speed == speed


_OPTIONS = _OptionGate()


_PARSE = threading.local()


class ParseTicket:
    """One parse as the options' gate knows it: what ``abandon_parse`` names, and its waits.

    A ticket, not the thread: a pool's thread goes on to other parses, and giving up one must
    not let go of the next one's hold. The time it waited for its turn (``time.monotonic``) is
    another parse's, not its own: a parse's time limit leaves it out.
    """

    __slots__ = ("waited", "waiting_since")

    def __init__(self) -> None:
        self.waited = 0.0
        self.waiting_since: float | None = None

    def seconds_waiting(self, now: float) -> float:
        """Seconds spent waiting for a turn at the gate, by ``now``."""
        since = self.waiting_since
        return self.waited + (now - since if since is not None else 0.0)


def begin_parse() -> ParseTicket:
    """The ticket of the parse this thread starts now."""
    ticket = _PARSE.ticket = ParseTicket()
    return ticket


def current_ticket() -> ParseTicket:
    """The ticket of the parse this thread runs (``begin_parse``), or one of its own."""
    ticket: ParseTicket | None = getattr(_PARSE, "ticket", None)
    return ticket if ticket is not None else ParseTicket()


def abandon_parse(parse: object) -> None:
    """Stop ``parse`` (``begin_parse``), given up as never ending, from holding the others back."""
    _OPTIONS.abandon(parse)


_VIDEO_CONTAINERS = frozenset({Container.MP4, Container.MOV})


class VideoProblemKind(enum.StrEnum):
    """Why no facts came back; the network stage maps each to a finding."""

    UNSUPPORTED = "unsupported"  # not MP4 or MOV: never given to MediaInfo
    TRUNCATED = "truncated"  # cut short (or never finished) so that its index is missing
    NO_VIDEO = "no-video"  # a readable container without a video track (audio only)
    UNREADABLE = "unreadable"  # MediaInfo cannot make sense of it
    INCOMPLETE = "incomplete"  # the byte budget ran out before the index was read
    NOT_SERVED = "not served"  # the server stopped sending the byte ranges asked for


@dataclass(frozen=True, slots=True)
class VideoProblem:
    """What is wrong with the bytes. ``reason`` completes "The video …" ("is cut short: …")."""

    kind: VideoProblemKind
    reason: str
    container: Container


@dataclass(frozen=True, slots=True)
class VideoFacts:
    """What Pinterest's video checks need (pinterest-api.md §4.2), as the file's index states it.

    ``codec`` is MediaInfo's format name ("AVC", "HEVC", "MPEG-4 Visual"), ``codec_id`` the
    sample entry ("avc1", "hvc1", "mp4v-20"). ``rotation`` is the display rotation in degrees
    (0-359); ``display_size`` applies it. ``duration_s`` is ``None`` when no duration is stated.
    ``truncated``: the file is shorter than its boxes say (MediaInfo's ``IsTruncated``), though its
    index was read. ``fragmented``: ``moov`` has an ``mvex`` box. ``faststart``: ``moov`` comes
    before ``mdat`` (``None`` when one of them was not seen). ``partial``: the byte budget ran out
    while reading, so the duration of a fragmented file may be short (``duration_is_lower_bound``).
    """

    container: Container
    codec: str
    codec_id: str
    width: int
    height: int
    rotation: int
    duration_s: float | None
    truncated: bool
    fragmented: bool
    faststart: bool | None = None
    partial: bool = False
    pixel_aspect: float = 1.0
    """Width over height of one pixel as players show it: 1 but for anamorphic video (a 640x360
    frame of 4:3 pixels is seen at 853x360)."""

    @property
    def codec_ok(self) -> bool:
        """Whether Pinterest takes the codec (H.264 or H.265)."""
        return self.codec in SUPPORTED_CODECS

    @property
    def duration_is_lower_bound(self) -> bool:
        """Fragments were left unread: the video lasts at least ``duration_s``, maybe longer.

        A fragmented MP4 states its duration fragment by fragment; a plain one in its index.
        """
        return self.fragmented and self.partial

    @property
    def display_size(self) -> tuple[int, int]:
        """(width, height) as players show it: pixels stretched to their aspect, then rotated."""
        width = round(self.width * self.pixel_aspect) if self.pixel_aspect != 1.0 else self.width
        if self.rotation in (90, 270):
            return self.height, width
        return width, self.height


def next_index_read(
    known: Callable[[int, int], bytes],
    total_size: int,
    block: int = DEFAULT_BLOCK_SIZE,
    *,
    tail_limit: int = TAIL_LIMIT,
) -> tuple[int, int] | None:
    """The next span to fetch so that MediaInfo finds the whole index cached; ``None``: done.

    ``known(offset, length)`` gives the bytes already at hand there (fewer, or none, where the
    rest is not): the first block, and the spans fetched on earlier calls. The span is
    ``(first, last)``, inclusive like an HTTP Range. The top-level boxes are walked as far as
    their headers are known:

    - ``moov`` seen: the rest of it in one request, to the end of the block MediaInfo's last
      buffer of it reads (the next box's header at least);
    - the walk stops in an ``mdat`` that runs past the known bytes: a moov-last file, whose index
      follows the media data: everything from the mdat's end to the end of the file (only one
      block if that tail is over ``tail_limit``), starting at the known bytes' end if the mdat
      ends within 64 KiB of it (MediaInfo reads through such a stretch);
    - another box runs past the known bytes (a ``free`` or ``uuid`` box of reserved space before
      ``moov``), or a header is cut by them: one block from the next header (from the known
      bytes' end if the box ends within 64 KiB of it, as for an mdat), and the walk goes on
      there on the next call;
    - nothing when the walk reached the end of the file (cut short, or without ``moov``) or
      stopped on bytes that are not a box.
    """
    boxes = walk_boxes(known, 0, total_size)
    moov = _first(boxes, "moov")
    if moov is not None:
        # MediaInfo reads in buffers of at most a block, from 0 if nothing made it seek (moov
        # first), else from moov: the buffer that holds moov's end is fetched with it, not in a
        # round trip of its own for the few KB past it (the next box's header).
        origin = 0 if len(known(0, moov.start)) == moov.start else moov.start
        stop = origin + -(-(moov.end + _NEXT_HEADER - origin) // block) * block
        stop = min(stop, total_size)
        first = moov.start + len(known(moov.start, stop - moov.start))
        return (first, stop - 1) if first < stop else None
    if not boxes:
        return None
    last = boxes[-1]
    after = last.end
    if after >= total_size:
        return None
    known_to = last.start + len(known(last.start, last.size))
    if known_to < after:
        # MediaInfo reads through a stretch this short rather than seek past it: fetched with
        # the next block, not in a round trip of its own (three 70 KB free boxes: 7 requests).
        first = known_to if after - known_to <= _READ_THROUGH else after
        if last.type == "mdat" and total_size - after <= tail_limit:  # moov-last: its tail
            return (first, total_size - 1)
        return (first, min(total_size, after + block) - 1)
    if len(known(after, _NEXT_HEADER)) < min(_NEXT_HEADER, total_size - after):
        return (after, min(total_size, after + block) - 1)
    return None  # the walk stopped on bytes that are not a box: nothing to aim at


def index_reads(file: RangeFile) -> Iterator[tuple[int, int]]:
    """The spans that fetch the index into ``file``, one after another, at most ``INDEX_READS``.

    Each is planned from what ``file`` holds when it is asked for: the caller fetches a span
    into it (``prefetch``, or ``seed`` when the fetch happens elsewhere) before asking for the
    next, and stops when a fetch brings nothing.
    """
    for _ in range(INDEX_READS):
        span = next_index_read(file.peek_cached, file.size, file.block_size)
        if span is None:
            return
        yield span


def fetch_index(file: RangeFile) -> None:
    """Fetch the index into ``file``'s cache (``index_reads``): one request per step."""
    for first, last in index_reads(file):
        if not file.prefetch(first, last):
            return


def read_video_facts(
    file: RangeFile, *, fragment_budget: int = FRAGMENT_BUDGET
) -> VideoFacts | VideoProblem:
    """Facts from the video's index, or the problem that prevents them.

    ``file`` is best seeded with the first block (``RangeFile(size, fetch, head=...)``). Costs the
    spans of ``next_index_read`` (one request, at most ``INDEX_READS``) plus whatever MediaInfo
    reads beyond them (nothing, for the files seen so far), and for
    a fragmented MP4 up to ``fragment_budget`` more bytes. Leaves the position wherever the parse
    left it. Raises only what the fetch callback raised (``RangeFile.reraise``).
    """
    head = file.cached_prefix() or file.pread(0, file.block_size)
    file.reraise()
    container = sniff(head)
    if container not in _VIDEO_CONTAINERS:
        return VideoProblem(
            VideoProblemKind.UNSUPPORTED, f"is {container.a_label}, not an MP4 or MOV", container
        )
    fetch_index(file)
    corrupt = _overfull_table(file)
    if corrupt is not None:
        return VideoProblem(VideoProblemKind.UNREADABLE, corrupt, container)
    # MediaInfo's first read is one buffer from offset 0: the size of the head, so it is cached.
    buffer_size = max(_MIN_BUFFER, min(len(head), file.block_size))
    info = _parse(file, buffer_size, parse_speed=-1)
    file.reraise()
    boxes = walk_boxes(file.peek_cached, 0, file.size)
    moov = _first(boxes, "moov")
    fragmented = moov is not None and _has_child(file, moov, "mvex")
    if fragmented and info is not None and moov is not None:
        # Speed -1 stops at the first moof and states the first fragment's duration only.
        with _extra_budget(file, fragment_budget):
            _prefetch_fragments(file, moov)
            file.reraise()
            corrupt = _overfull_table(file, after=moov.end)  # the fragments fetched just now
            if corrupt is not None:
                return VideoProblem(VideoProblemKind.UNREADABLE, corrupt, container)
            again = _parse(file, buffer_size, parse_speed=0)
        file.reraise()
        if again is not None and again.video is not None:
            info = again
    facts = _facts(file, container, info, boxes, moov, fragmented=fragmented)
    return _unless_not_served(file, container, facts)


def _overfull_table(file: RangeFile, after: int = 0) -> str | None:
    """Why a table of the cached index cannot be (more entries than its box holds).

    MediaInfo sizes its arrays by the counts the tables state: one byte turned an edit list's 1
    entry into 536 million, and a 105 KB file cost a minute and 12 GB of memory, then passed; a
    fragment's ``trun`` or a ``sgpd`` so changed cost 17 GB, or the whole run to the kernel's
    out-of-memory killer. A count its box cannot hold is a corrupt index, told before MediaInfo
    reads it. The ``moov`` and every ``moof`` (and ``mfra``) cached from ``after`` on (where a
    top-level box starts) are read: call this again, past those checked, once more fragments are
    fetched.
    """
    for index in walk_boxes(file.peek_cached, after, file.size):  # after: a box's start
        if index.type in _INDEXES:
            # Each index read once, walked in memory: a thousand fragments' boxes one by one
            # from the cache doubled the parse's own time.
            problem = _overfull_in(file.peek_cached(index.start, index.size), index.header)
            if problem is not None:
                return problem
    return None


_Found = tuple[str, int, int, int]  # a box in an index's bytes: type, start, size, header size


def _overfull_in(data: bytes, first: int) -> str | None:
    """The first table with more entries than its box holds, in ``data``'s boxes from ``first``.

    ``data`` is an index box's bytes as cached (maybe fewer than it states); ``first``, where its
    children start.
    """
    stack = [(first, len(data))]
    while stack:
        for box in _children(data, *stack.pop()):
            kind, start, size, header = box
            if kind in _TABLE_PARENTS:
                stack.append((start + header, min(start + size, len(data))))
                continue
            tables = [box, *_in_sample_entries(data, box)] if kind == "stsd" else [box]
            for table, at, length, head in tables:
                body = data[at + head : at + head + 24]
                entries = _TABLES[table](body) if table in _TABLES and len(body) >= 8 else None
                room = length - head
                if table == "ctab" and entries is not None and entries[0] == _ENDLESS_COLOURS:
                    return (
                        "has a corrupt index: its ctab table states 65,536 colours (0xFFFF), "
                        "more than a colour table holds, and a count MediaInfo never stops "
                        "reading"
                    )
                if entries is not None and entries[1] > room:
                    count, needed = entries
                    return (
                        f"has a corrupt index: its {table} table lists {count:,} entries "
                        f"({needed:,} bytes) in a box of {room:,} bytes"
                    )
    return None


def _children(data: bytes, position: int, stop: int) -> Iterator[_Found]:
    """The boxes of ``data[position:stop]``, one after another by their sizes, whatever their types.

    As MediaInfo walks them: a box whose type a damaged byte made no four-character code
    (``walk_boxes`` stops there) does not hide the tables after it, which MediaInfo reads.
    """
    while position + 8 <= stop:
        (size,), header = struct.unpack_from(">I", data, position), 8
        if size == 1 and position + 16 <= stop:
            (size,), header = struct.unpack_from(">Q", data, position + 8), 16
        elif size == 0:  # to the end of its parent
            size = stop - position
        if size < header:
            return
        yield data[position + 4 : position + 8].decode("latin-1"), position, size, header
        position += size


def _in_sample_entries(data: bytes, stsd: _Found) -> Iterator[_Found]:
    """The ``_NESTED`` tables inside ``stsd``'s sample entries, found by their type codes.

    A sample entry's fields before its boxes differ by kind and version (a QuickTime sound
    entry's three versions, a video entry's 78 bytes): each type code is looked for instead, and
    taken for a box only where the size before it fits inside ``stsd``.
    """
    _, start, size, header = stsd
    stop = min(start + size, len(data))
    for name in _NESTED:
        code = name.encode("ascii")
        at = data.find(code, start + header + 4, stop)
        while at != -1:
            (length,) = struct.unpack_from(">I", data, at - 4)
            if 8 <= length <= stop - (at - 4):
                yield name, at - 4, length, 8
            at = data.find(code, at + 4, stop)


# A table's entry count and the bytes its fields and entries take, read from its body (which
# starts with the version and flags; at least 8 of its first 24 bytes): ``None`` when the body
# is too short to tell. ISO/IEC 14496-12 for every layout.
_Entries = tuple[int, int] | None


def _counted(body: bytes, count_at: int, fixed: int, entry: int) -> _Entries:
    """``count`` entries of ``entry`` bytes after ``fixed`` bytes; the count at ``count_at``."""
    if len(body) < count_at + 4:
        return None
    (count,) = struct.unpack_from(">I", body, count_at)
    return count, fixed + count * entry


def _flags(body: bytes) -> int:
    return int.from_bytes(body[1:4], "big")


def _simple(count_at: int, fixed: int, entry: int) -> Callable[[bytes], _Entries]:
    return lambda body: _counted(body, count_at, fixed, entry)


def _elst(body: bytes) -> _Entries:
    return _counted(body, 4, 8, 20 if body[0] == 1 else 12)  # version 1: 64-bit times


def _stsz(body: bytes) -> _Entries:
    uniform = struct.unpack_from(">I", body, 4)[0] != 0  # one size for every sample: no table
    return _counted(body, 8, 12, 0 if uniform else 4)


def _stz2(body: bytes) -> _Entries:
    found = _counted(body, 8, 12, 0)
    return None if found is None else (found[0], 12 + (found[0] * body[7] + 7) // 8)


def _sbgp(body: bytes) -> _Entries:
    return _counted(body, 12, 16, 8) if body[0] == 1 else _counted(body, 8, 12, 8)


def _sgpd(body: bytes) -> _Entries:
    if body[0] == 0:  # entries as long as their grouping type's: one byte at least
        return _counted(body, 8, 12, 1)
    if body[0] == 1 and len(body) >= 12:  # a default length, or a length before each entry
        default = struct.unpack_from(">I", body, 8)[0]
        return _counted(body, 12, 16, default or 4)
    # Version 2 and on: the editions of the standard disagree on where the count is (after the
    # default index alone, or after a default length too). Not judged: never a false alarm.
    return None


def _saiz(body: bytes) -> _Entries:
    at = 12 if _flags(body) & 1 else 4  # an aux_info_type and its parameter first
    if len(body) < at + 1:
        return None
    return _counted(body, at + 1, at + 5, 0 if body[at] else 1)  # a default size: no table


def _saio(body: bytes) -> _Entries:
    at = 12 if _flags(body) & 1 else 4
    return _counted(body, at, at + 4, 8 if body[0] == 1 else 4)


def _trun(body: bytes) -> _Entries:
    flags = _flags(body)
    fixed = 8 + (4 if flags & 0x1 else 0) + (4 if flags & 0x4 else 0)
    entry = 4 * bin(flags & 0xF00).count("1")  # duration, size, flags, composition offset
    found = _counted(body, 4, fixed, entry)
    if found is not None and not entry and found[0] > _MOST_SAMPLES:
        return found[0], fixed + found[0]  # samples of defaults only, past any sane fragment
    return found


def _ctab(body: bytes) -> _Entries:
    """A QuickTime colour table: no version; its colours less one, 16 bits, at byte 6.

    MediaInfo walks them with a 16-bit counter up to and including that number: 0xFFFF never
    ends, whatever the box holds (a 16-byte one held the run forever, Ctrl-C and all), and is
    refused as such (``_ENDLESS_COLOURS``).
    """
    (last,) = struct.unpack_from(">H", body, 6)
    return last + 1, 8 + (last + 1) * 8


def _tfra(body: bytes) -> _Entries:
    if len(body) < 12:
        return None
    lengths = body[11]  # traf, trun and sample numbers' byte lengths, less one
    entry = (16 if body[0] == 1 else 8) + sum((lengths >> shift & 3) + 1 for shift in (4, 2, 0))
    return _counted(body, 12, 16, entry)


# A QuickTime sound entry's channel layout: its descriptions, 20 bytes each, which MediaInfo
# walks one by one (a count of a billion: minutes); a video entry's colour table. Searched for
# in sample entries only.
_NESTED = ("chan", "ctab")

# A fragment whose samples all take their defaults states no bytes per sample; beyond this
# count (4.8 hours at 60 frames a second in one fragment) it is no fragment a player makes.
_MOST_SAMPLES = 1 << 20

# A colour table's count that MediaInfo's 16-bit loop never reaches the end of (0xFFFF + 1).
_ENDLESS_COLOURS = 0x10000

# Boxes that hold the tables, from moov, moof and mfra down (a colour table, ctab, is moov's own
# child in QuickTime files).
_INDEXES = frozenset({"moov", "moof", "mfra"})
_TABLE_PARENTS = frozenset({"trak", "edts", "mdia", "minf", "stbl", "dinf", "traf"})
# stsd and dref hold boxes of 8 bytes or more; subs entries are 6 bytes at least.
_TABLES: dict[str, Callable[[bytes], _Entries]] = {
    "elst": _elst,
    "stts": _simple(4, 8, 8),
    "ctts": _simple(4, 8, 8),
    "stsc": _simple(4, 8, 12),
    "stsz": _stsz,
    "stz2": _stz2,
    "stco": _simple(4, 8, 4),
    "co64": _simple(4, 8, 8),
    "stss": _simple(4, 8, 4),
    "stps": _simple(4, 8, 4),
    "sbgp": _sbgp,
    "sgpd": _sgpd,
    "saiz": _saiz,
    "saio": _saio,
    "subs": _simple(4, 8, 6),
    "stsd": _simple(4, 8, 8),
    "dref": _simple(4, 8, 8),
    "trun": _trun,
    "tfra": _tfra,
    "chan": _simple(12, 16, 20),
    "ctab": _ctab,
}


def _first(boxes: list[Box], box_type: str) -> Box | None:
    return next((box for box in boxes if box.type == box_type), None)


def _has_child(file: RangeFile, parent: Box, box_type: str) -> bool:
    stop = min(parent.end, file.size)
    children = walk_boxes(file.peek_cached, parent.start + parent.header, stop)
    return _first(children, box_type) is not None


# What ``_facts`` reads of MediaInfo's report, asked for as a line per track rather than as its
# XML: the XML of every field, read into pymediainfo's Track objects, cost as much CPU as the
# parse itself (1.2 of 2.9 ms a video), mostly Python holding the GIL while the event loop
# waited for it. The template's fields are MediaInfo's own, as the XML gave them. The codec id
# comes last: the file names it, and it may hold any character.
_INFORM = (
    "General;G|%IsTruncated%|%Duration%\\n\n"
    "Video;V|%Width%|%Height%|%Duration%|%Rotation%|%PixelAspectRatio%|%Format%|%CodecID%\\n"
)


class _Track(NamedTuple):
    """A video track as MediaInfo states it: text, empty where it states nothing."""

    width: str
    height: str
    duration: str
    rotation: str
    pixel_aspect_ratio: str
    format: str
    codec_id: str


class _Reading(NamedTuple):
    """What MediaInfo read of a file: its General track's two fields, and its first video."""

    truncated: bool
    duration: str
    video: _Track | None


def _reading(report: str) -> _Reading | None:
    """``_INFORM``'s lines as a ``_Reading``; ``None`` if they are not there."""
    general, _, tracks = report.partition("\n")
    fields = general.split("|")
    if len(fields) != 3 or fields[0] != "G":
        return None
    video = None
    for line in tracks.split("\n"):
        if line.startswith("V|"):
            values = line.split("|", 7)[1:]
            video = _Track(*values) if len(values) == len(_Track._fields) else None
            break
    return _Reading(fields[1] == "Yes", fields[2], video)


def _parse(file: RangeFile, buffer_size: int, *, parse_speed: float) -> _Reading | None:
    """MediaInfo's reading of the file from its start, or ``None`` if it failed."""
    with _OPTIONS.using(parse_speed):
        try:
            file.seek(0)
            report = MediaInfo.parse(
                file, parse_speed=parse_speed, buffer_size=buffer_size, output=_INFORM
            )
        except OSError:
            raise  # libmediainfo missing or unloadable: the environment, not the file
        except Exception:  # the library choking on bytes, or text it cannot give: unreadable
            return None
    return _reading(report)


@contextmanager
def _extra_budget(file: RangeFile, extra: int) -> Iterator[None]:
    """At most ``extra`` more bytes fetched than so far (blocks seen are reused), then as before."""
    saved = file.budget
    cap = file.bytes_fetched + extra
    file.budget = cap if saved is None else min(saved, cap)
    try:
        yield
    finally:
        file.budget = saved


def _prefetch_fragments(file: RangeFile, moov: Box) -> None:
    """Fetch what a speed-0 parse of a fragmented MP4 seeks to, before it takes ``_OPTIONS``.

    The parse would fetch each fragment's header itself, one round trip per seek, while every
    parse at speed -1 waits at the gate (in a batch, hundreds of milliseconds behind the other
    requests). Fetched here, the gated parse only computes. A short rest of the file comes in
    one request; a longer one is walked box by box as the parse reads it (each ``moof``, and an
    ``mdat`` only if it is short enough to be read through) until the budget is spent. Each
    request reads further ahead than the last (up to ``_ONE_REQUEST_BLOCKS`` blocks) while the
    fragments are small, and only the next header's block after a large ``mdat``: a thousand
    small fragments cost a few requests; large ones a request and a block each (the header's
    block holds media data too), until the budget is spent. Reading the headers alone would
    spend it on ever more requests, one round trip each, in turn.
    """
    start = min(moov.end, file.size)
    if file.size - start <= _ONE_REQUEST_BLOCKS * file.block_size:
        file.prefetch(start, file.size - 1)
        return
    position = start
    ahead = 0  # bytes read past a box as well: grows while the fragments keep coming small
    most = _ONE_REQUEST_BLOCKS * file.block_size
    while position + 8 <= file.size:
        box = box_at(file.pread, position, file.size)
        if box is None:
            break
        if box.type != "mdat" or box.size <= _READ_THROUGH:
            # Read whole by the parse (an mdat only if short): fetched with the next header, and
            # with what follows when fragments are small (a thousand 700-byte fragments were a
            # thousand requests: a slow server timed the URL out).
            needed = min(box.end + _NEXT_HEADER, file.size) - box.start
            if len(file.peek_cached(box.start, needed)) < needed:
                stop = min(box.start + max(needed, ahead), file.size)
                if file.prefetch(box.start, stop - 1):
                    ahead = min(max(2 * ahead, file.block_size), most)
        else:
            ahead = 0  # large media data between fragments: only their headers are read
        position = box.end


def _unless_not_served(
    file: RangeFile, container: Container, facts: VideoFacts | VideoProblem
) -> VideoFacts | VideoProblem:
    """``facts``, unless it is a problem the server may have caused by sending no more.

    What looks missing or broken was not sent: the file is not shown to be so. (A server that
    caps each answer sent it all the same, the reads fetching on after each one.)
    """
    if isinstance(facts, VideoProblem) and file.stopped:
        return VideoProblem(
            VideoProblemKind.NOT_SERVED,
            "could not be read: the server stopped sending the byte ranges asked for (it "
            "answered a range with nothing, or with the whole file or a 416, or sent only a few "
            "bytes at a time)",
            container,
        )
    return facts


def _facts(
    file: RangeFile,
    container: Container,
    info: _Reading | None,
    boxes: list[Box],
    moov: Box | None,
    *,
    fragmented: bool,
) -> VideoFacts | VideoProblem:
    if info is None:
        return VideoProblem(
            VideoProblemKind.UNREADABLE, "could not be parsed (MediaInfo failed on it)", container
        )
    video = info.video
    if _trailing_data(boxes, file.size):  # bytes a tool appended: the movie itself is whole
        cut, truncated = False, False
    else:
        cut = any(box.end > file.size for box in boxes)
        truncated = cut or info.truncated
    if video is None:
        return _no_video(file, container, truncated=truncated, has_moov=moov is not None)
    width, height = _integer(video.width), _integer(video.height)
    if width is None or height is None or width <= 0 or height <= 0:
        return VideoProblem(
            VideoProblemKind.UNREADABLE, "has a video track without a frame size", container
        )
    duration_ms = _number(video.duration)
    if not duration_ms:  # 0: a fragmenting muxer's track header
        duration_ms = _number(info.duration)
    mdat = _first(boxes, "mdat")
    whole = bool(boxes) and boxes[-1].end == file.size  # every top-level box seen, to the end
    if mdat is None and not fragmented and not cut and whole and moov is not None:
        # An index whose frames are nowhere: the file cut right after it (a faststart upload
        # stopped there), or a reference to media in other files. It passed, 5 KB of 105.
        return VideoProblem(
            VideoProblemKind.TRUNCATED,
            "has its index but no media data (no mdat box): it was cut right after its index",
            container,
        )
    return VideoFacts(
        container=container,
        codec=str(video.format or "unknown"),
        codec_id=str(video.codec_id or "").strip(),
        width=width,
        height=height,
        rotation=round(_number(video.rotation) or 0.0) % 360,
        duration_s=None if duration_ms is None else duration_ms / 1000,
        truncated=truncated,
        fragmented=fragmented,
        faststart=None if moov is None or mdat is None else moov.start < mdat.start,
        partial=file.exhausted or file.stopped,  # a short answer was read on from
        pixel_aspect=_pixel_aspect(video.pixel_aspect_ratio),
    )


def _trailing_data(boxes: list[Box], size: int) -> bool:
    """Whether the only box past the file's end is bytes appended after a whole movie.

    A tool's signature or stray bytes after the last box read as a box whose size runs past the
    end, and MediaInfo calls the file truncated: a complete moov-last MP4 was "cut off", the same
    bytes after a moov-first one passed. Appended, they follow a whole ``moov`` and ``mdat``, and
    name no box type any muxer writes; a cut leaves a box of a known type short.
    """
    past = [box for box in boxes if box.end > size]
    if len(past) != 1 or past[0] is not boxes[-1] or past[0].type in _TOP_LEVEL_TYPES:
        return False
    whole = [box.type for box in boxes[:-1]]
    return "moov" in whole and "mdat" in whole


# The top-level box types of MP4 and QuickTime files (ISO/IEC 14496-12, QuickTime File Format).
_TOP_LEVEL_TYPES = frozenset({
    "ftyp", "moov", "mdat", "free", "skip", "wide", "uuid", "moof", "mfra", "meta", "pdin",
    "styp", "sidx", "ssix", "prft", "emsg", "udta", "pnot", "junk", "PICT", "prfl", "imdat",
})  # fmt: skip


def _pixel_aspect(value: object) -> float:
    """MediaInfo's PixelAspectRatio ("1.333"), or 1 when absent or absurd (a broken header)."""
    aspect = _number(value)
    if aspect is None or not 0.1 <= aspect <= 10:
        return 1.0
    return aspect


def _no_video(
    file: RangeFile, container: Container, *, truncated: bool, has_moov: bool
) -> VideoProblem:
    if file.exhausted:
        fetched = file.bytes_fetched + file.bytes_seeded
        what = (
            "has an index larger than the byte budget"
            if has_moov  # no index found in what the budget read: not shown to have none
            else "has no index (moov box) within the byte budget"
        )
        return VideoProblem(
            VideoProblemKind.INCOMPLETE, f"{what} ({fetched:,} bytes fetched)", container
        )
    if truncated:
        return VideoProblem(
            VideoProblemKind.TRUNCATED,
            f"is cut short ({file.size:,} bytes): its index (moov box) is missing, so it "
            "cannot be played",
            container,
        )
    if not has_moov:
        return VideoProblem(
            VideoProblemKind.TRUNCATED,
            "has no index (moov box): the recording or export was never finished",
            container,
        )
    return VideoProblem(
        VideoProblemKind.NO_VIDEO, "has no video track (audio only, or empty)", container
    )


def _number(value: object) -> float | None:
    """MediaInfo's numbers come as int, float or str ("0.000", "5000.000000")."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.split("/")[0])
        except ValueError:
            return None
    return None


def _integer(value: object) -> int | None:
    number = _number(value)
    return None if number is None else round(number)
