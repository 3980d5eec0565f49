from __future__ import annotations

import json
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pymediainfo import MediaInfo

from validator import validate_media
from validator.probes import video
from validator.probes.rangefile import RangeFile
from validator.probes.sniff import Container, iso_boxes, walk_boxes
from validator.probes.video import (
    FRAGMENT_BUDGET,
    TAIL_LIMIT,
    VideoFacts,
    VideoProblem,
    VideoProblemKind,
    next_index_read,
    read_video_facts,
)

MEDIA = Path(__file__).resolve().parents[2] / "fixtures" / "media"
MANIFEST: dict[str, dict[str, Any]] = json.loads((MEDIA / "manifest.json").read_text())
# The 3GP fixture (brand 3gp6, isom compatible) is read as the MP4 it also is.
ISO = sorted(n for n, f in MANIFEST.items() if f["format"] in ("MP4", "MOV", "3GP"))
READABLE = [n for n in ISO if not MANIFEST[n]["truncated"]]
OTHER_VIDEO = sorted(n for n, f in MANIFEST.items() if f["kind"] == "video" and n not in ISO)
KiB = 1024
# media-probing.md: any MP4/MOV, whatever its size, in at most ~4 requests and 256 KiB.
MAX_REQUESTS = 4
FRAGMENTED = {"fragmented.mp4", "many-fragments.mp4"}
MAX_BYTES = 256 * KiB
Remote = Callable[..., tuple[RangeFile, Any]]


def read(name: str) -> bytes:
    return (MEDIA / name).read_bytes()


def check_against_manifest(facts: VideoFacts | VideoProblem, name: str) -> None:
    expected = MANIFEST[name]
    assert isinstance(facts, VideoFacts), facts
    assert facts.container == Container[expected["format"].replace("3GP", "MP4")]
    assert facts.codec == expected["codec"]
    assert (facts.width, facts.height) == (expected["width"], expected["height"])
    assert facts.duration_s == pytest.approx(expected["duration_s"], abs=0.05)
    assert facts.faststart == expected["faststart"]
    assert facts.truncated == expected["truncated"]
    assert facts.fragmented == (name in FRAGMENTED)
    assert facts.rotation == 0
    assert not facts.partial
    assert facts.codec_ok == (expected["codec"] in ("AVC", "HEVC"))


@pytest.mark.parametrize("name", READABLE)
@pytest.mark.parametrize("head", [16 * KiB, 64 * KiB])
def test_facts_match_manifest_within_request_limits(name: str, head: int, remote: Remote) -> None:
    file, fetch = remote(read(name), head=head)
    check_against_manifest(read_video_facts(file), name)
    if name in FRAGMENTED:  # re-parsed at speed 0: it reads every fragment, within its budget
        assert fetch.bytes_served <= MAX_BYTES + FRAGMENT_BUDGET
        assert fetch.requests <= MAX_REQUESTS + 1 + (head < 64 * KiB)
    else:
        assert fetch.bytes_served <= MAX_BYTES
        assert fetch.requests <= 2


def test_anamorphic_video_is_sized_as_players_show_it(remote: Remote) -> None:
    file, _ = remote(read("anamorphic.mp4"))
    facts = read_video_facts(file)
    assert isinstance(facts, VideoFacts)
    assert (facts.width, facts.height) == (640, 360)  # as stored
    assert facts.pixel_aspect == pytest.approx(4 / 3, abs=0.001)
    assert facts.display_size == (853, 360)


def test_codec_ids(remote: Remote) -> None:
    ids = {}
    for name in ("h264-faststart.mp4", "h265.mp4", "mpeg4-part2.mp4", "clip.mov"):
        facts = read_video_facts(remote(read(name))[0])
        assert isinstance(facts, VideoFacts)
        ids[name] = facts.codec_id
    assert ids == {
        "h264-faststart.mp4": "avc1",
        "h265.mp4": "hvc1",
        "mpeg4-part2.mp4": "mp4v-20",
        "clip.mov": "avc1",
    }


def test_a_track_header_of_no_duration_takes_the_container_s(remote: Remote) -> None:
    # Fragmenting muxers write 0 in the track header (tkhd): read as known, the video "lasted
    # 0.0 s" (video.duration_out_of_range) while its movie header said 5 s.
    data = bytearray(read("h264-faststart.mp4"))
    tkhd = data.find(b"tkhd")  # the first track: the video; a version 0 header
    duration = tkhd + 4 + 4 + 8 + 4 + 4  # past the flags, both times, track id and reserved
    data[duration : duration + 4] = bytes(4)
    facts = read_video_facts(remote(bytes(data))[0])
    assert isinstance(facts, VideoFacts)
    assert facts.duration_s == pytest.approx(MANIFEST["h264-faststart.mp4"]["duration_s"], abs=0.05)


@pytest.mark.parametrize("head", [16 * KiB, 64 * KiB])
def test_truncated_mp4_is_detected(head: int, remote: Remote) -> None:
    file, fetch = remote(read("truncated.mp4"), head=head)
    problem = read_video_facts(file)
    assert isinstance(problem, VideoProblem)
    assert problem.kind is VideoProblemKind.TRUNCATED
    assert "cut short" in problem.reason
    assert fetch.requests <= 2


@pytest.mark.parametrize(("name", "cut"), [("h264-faststart.mp4", 80_000), ("clip.mov", 104_000)])
def test_cut_files_that_keep_their_index_are_flagged(name: str, cut: int, remote: Remote) -> None:
    facts = read_video_facts(remote(read(name)[:cut])[0])
    assert isinstance(facts, VideoFacts)
    assert facts.truncated
    assert facts.width == 360


def test_file_without_index_is_truncated(remote: Remote) -> None:
    data = read("h264-moov-end.mp4")
    mdat = next(b for b in iso_boxes(data, len(data)) if b.type == "mdat")
    problem = read_video_facts(remote(data[: mdat.end])[0])  # stopped before moov was written
    assert isinstance(problem, VideoProblem)
    assert problem.kind is VideoProblemKind.TRUNCATED
    assert "moov" in problem.reason


@pytest.mark.parametrize("name", [*OTHER_VIDEO, "image.heic", "image.avif", "error-page.jpg"])
def test_other_containers_never_reach_mediainfo(
    name: str, remote: Remote, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("MediaInfo must not see this file")

    monkeypatch.setattr(MediaInfo, "parse", refuse)
    file, fetch = remote(read(name))
    problem = read_video_facts(file)
    assert isinstance(problem, VideoProblem)
    assert problem.kind is VideoProblemKind.UNSUPPORTED
    assert problem.container.label in problem.reason
    assert fetch.requests == 1


def test_fragmented_duration_needs_the_reparse(remote: Remote) -> None:
    file, _ = remote(read("fragmented.mp4"))
    facts = read_video_facts(file)
    assert isinstance(facts, VideoFacts)
    assert facts.fragmented
    assert facts.duration_s == pytest.approx(10.0, abs=0.05)  # 2.0 s from the first fragment
    cheap, _ = remote(read("fragmented.mp4"))
    capped = read_video_facts(cheap, fragment_budget=30_000)
    assert isinstance(capped, VideoFacts)
    assert capped.partial
    assert capped.duration_s is not None
    assert capped.duration_s < 10.0
    assert cheap.bytes_fetched <= 30_000
    assert cheap.budget == file.budget  # restored after the re-parse


@pytest.mark.parametrize(
    ("block", "budget", "partial"),
    [
        (64 * KiB, FRAGMENT_BUDGET, False),  # the rest in one request
        (4 * KiB, FRAGMENT_BUDGET, False),  # walked box by box: one moof after another
        (4 * KiB, 30_000, True),  # walked until the budget ran out
    ],
)
def test_the_speed_0_reparse_finds_its_fragments_fetched(
    block: int, budget: int, partial: bool, remote: Remote, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The re-parse holds the options gate: a round trip inside it would hold up every parse."""
    file, fetch = remote(read("fragmented.mp4"), head=block, block_size=block)
    fetched_during: dict[float, int] = {}
    parse = video._parse

    def counting(file: RangeFile, buffer_size: int, *, parse_speed: float) -> Any:
        before = fetch.requests
        info = parse(file, buffer_size, parse_speed=parse_speed)
        fetched_during[parse_speed] = fetch.requests - before
        return info

    monkeypatch.setattr(video, "_parse", counting)
    facts = read_video_facts(file, fragment_budget=budget)
    assert isinstance(facts, VideoFacts)
    assert fetched_during[0] == 0
    assert facts.partial == partial
    if not partial:
        assert facts.duration_s == pytest.approx(10.0, abs=0.05)
    if block == 64 * KiB:
        assert fetch.requests == 2  # the head, then everything after the moov


def test_budget_exhausted_before_the_index(remote: Remote) -> None:
    file, _ = remote(read("h264-moov-end.mp4"), head=16 * KiB, budget=100)
    result = read_video_facts(file)
    assert file.exhausted
    assert file.bytes_fetched <= 100
    assert isinstance(result, VideoProblem)
    assert result.kind is VideoProblemKind.INCOMPLETE
    assert result.reason.startswith("has an index larger than the byte budget (")  # its header


def test_no_index_within_the_budget_is_not_called_a_large_index(remote: Remote) -> None:
    # ftyp, then 8-byte boxes of reserved space past the budget: no index was ever seen.
    ftyp = struct.pack(">I4s4sI4s", 20, b"ftyp", b"isom", 512, b"isom")
    file, _ = remote(ftyp + box(b"free", 8) * 100_000, head=16 * KiB, budget=64 * KiB)
    result = read_video_facts(file)
    assert file.exhausted
    assert isinstance(result, VideoProblem)
    assert result.kind is VideoProblemKind.INCOMPLETE
    assert result.reason.startswith("has no index (moov box) within the byte budget (")


def test_budget_cut_inside_the_index_is_partial(remote: Remote) -> None:
    file, _ = remote(read("h264-moov-end.mp4"), head=16 * KiB, budget=1000)
    result = read_video_facts(file)
    assert file.exhausted
    if isinstance(result, VideoFacts):
        assert result.partial
    else:
        assert result.kind is VideoProblemKind.INCOMPLETE


def test_a_failing_fetch_is_raised_after_the_parse(remote: Remote) -> None:
    class Down(Exception):
        pass

    data = read("mpeg4-part2.mp4")
    calls = []

    def fetch(start: int, end_inclusive: int) -> bytes:
        calls.append(start)
        raise Down

    with pytest.raises(Down):
        read_video_facts(RangeFile(len(data), fetch, head=data[: 64 * KiB]))
    assert calls == [171_813]  # the moov prefetch
    with pytest.raises(Down):
        read_video_facts(RangeFile(len(data), fetch))
    # The lock was released and the library is fine.
    assert isinstance(read_video_facts(remote(data)[0]), VideoFacts)


def test_parses_from_many_threads(remote: Remote) -> None:
    files = [remote(read(name))[0] for name in READABLE * 3]
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(read_video_facts, files))
    for name, facts in zip(READABLE * 3, results, strict=True):
        check_against_manifest(facts, name)


@settings(max_examples=40, deadline=None)
@given(st.binary(min_size=0, max_size=3000))
def test_garbage_after_ftyp_never_raises(rest: bytes) -> None:
    data = struct.pack(">I4s4sI", 16, b"ftyp", b"isom", 0) + rest
    file = RangeFile(len(data), lambda a, b: data[a : b + 1], budget=64 * KiB)
    result = read_video_facts(file)
    assert isinstance(result, VideoFacts | VideoProblem)


# -- next_index_read -----------------------------------------------------------------------------


def box(kind: bytes, size: int) -> bytes:
    return struct.pack(">I4s", size, kind)


def layout(*boxes: tuple[bytes, int]) -> tuple[bytes, int]:
    """Headers of consecutive boxes padded to their sizes (the head of a synthetic file)."""
    data = b"".join(box(kind, size) + b"\x00" * (size - 8) for kind, size in boxes)
    return data, len(data)


def plan(head: bytes, total: int, block: int = 64 * KiB) -> tuple[int, int] | None:
    """The next span to fetch when ``head`` (the file's first bytes) is all that is known."""
    return next_index_read(lambda offset, length: head[offset : offset + length], total, block)


def test_plan_moov_first_within_head_reads_nothing() -> None:
    data, total = layout((b"ftyp", 32), (b"moov", 5000), (b"mdat", 1_000_000))
    assert plan(data[: 64 * KiB], total) is None


def test_plan_moov_first_beyond_head_reads_the_rest_of_moov() -> None:
    data, total = layout((b"ftyp", 32), (b"moov", 900_000), (b"mdat", 1_000_000))
    # to the end of the block MediaInfo's last buffer of moov reads (the next header at least)
    assert plan(data[: 64 * KiB], total) == (64 * KiB, 14 * 64 * KiB - 1)


def test_plan_moov_last_reads_the_tail() -> None:
    data, total = layout((b"ftyp", 32), (b"free", 8), (b"mdat", 50_000_000), (b"moov", 30_000))
    assert plan(data[: 16 * KiB], total) == (50_000_040, total - 1)


def test_plan_reads_through_a_short_rest_of_mdat() -> None:
    data, total = layout((b"ftyp", 32), (b"mdat", 100_000), (b"moov", 5000))
    assert plan(data[: 64 * KiB], total) == (64 * KiB, total - 1)


def test_plan_long_tail_reads_one_block() -> None:
    data, total = layout((b"ftyp", 32), (b"mdat", 1000 * KiB), (b"mdat", TAIL_LIMIT + 1))
    assert plan(data[: 64 * KiB], total) == (1000 * KiB + 32, 1000 * KiB + 32 + 64 * KiB - 1)


def test_plan_header_cut_by_the_head_reads_one_block() -> None:
    data, total = layout((b"ftyp", 32), (b"free", 16_348), (b"moov", 300_000))
    assert plan(data[: 16 * KiB], total) == (16_380, 16_380 + 64 * KiB - 1)


def test_plan_truncated_or_garbage_reads_nothing() -> None:
    data, _ = layout((b"ftyp", 32), (b"mdat", 1_000_000))
    assert plan(data[: 64 * KiB], 500_000) is None  # mdat runs past the end
    assert plan(data[:32] + b"\x00" * 64, 500_000) is None
    assert plan(b"", 0) is None


def test_plan_reads_through_short_reserved_space_with_the_next_block() -> None:
    # A 70 KB free box before moov: one block from its end, then MediaInfo read the stretch
    # skipped in a round trip of its own (three such boxes: 7 requests for a 300 KB file).
    data, total = layout((b"ftyp", 32), (b"free", 70_000), (b"moov", 6_000), (b"mdat", 500_000))
    first = data[: 64 * KiB]
    step = next_index_read(lambda at, n: first[at : at + n], total, 64 * KiB)
    assert step == (64 * KiB, 70_032 + 64 * KiB - 1)  # from the known end, through the box


def test_plan_steps_over_reserved_space_before_moov_to_fetch_moov_alone() -> None:
    # A 1 MB free box before moov read as a moov-last file: the "tail" fetched was moov and the
    # whole mdat after it, up to the byte cap (4 MB for a 6 KB index).
    data, total = layout(
        (b"ftyp", 32), (b"free", 1_000_000), (b"moov", 600_000), (b"mdat", 7_000_000)
    )
    known = {0: data[: 64 * KiB]}

    def read(offset: int, length: int) -> bytes:
        for start, chunk in known.items():
            if start <= offset < start + len(chunk):
                return chunk[offset - start : offset - start + length]
        return b""

    step = next_index_read(read, total, 64 * KiB)
    assert step == (1_000_032, 1_000_032 + 64 * KiB - 1)  # the next box's header: one block
    known[step[0]] = data[step[0] : step[1] + 1]
    step = next_index_read(read, total, 64 * KiB)
    # the rest of moov at once, to the end of the buffer holding its end (counted from moov:
    # MediaInfo sought there)
    assert step == (1_000_032 + 64 * KiB, 1_000_032 + 10 * 64 * KiB - 1)
    known[1_000_032] = data[1_000_032 : step[1] + 1]
    assert next_index_read(read, total, 64 * KiB) is None


# -- large files: the cost does not grow with the size ----------------------------------------


def grow_mdat(source: str, path: Path, mdat_size: int, *, largesize: bool = False) -> int:
    """Write ``source`` with its mdat grown to ``mdat_size`` by a sparse hole; the file size.

    The samples stay where they were (the hole comes after them), so the index stays true. With
    ``largesize`` the ``free`` box before mdat becomes a 64-bit mdat header, as muxers do.
    """
    data = read(source)
    boxes = iso_boxes(data, len(data))
    mdat = next(b for b in boxes if b.type == "mdat")
    with path.open("wb") as out:
        if largesize:
            free = next(b for b in boxes if b.type == "free" and b.end == mdat.start)
            out.write(data[: free.start])
            out.write(struct.pack(">I4sQ", 1, b"mdat", mdat_size))
            mdat_start = free.start
        else:
            out.write(data[: mdat.start])
            out.write(struct.pack(">I4s", mdat_size, b"mdat"))
            mdat_start = mdat.start
        out.write(data[mdat.start + 8 : mdat.end])
        rest = data[mdat.end :]
        out.seek(mdat_start + mdat_size)
        out.write(rest)
        out.truncate(mdat_start + mdat_size + len(rest))  # extends a moov-first file, sparse
    return mdat_start + mdat_size + len(rest)


def file_fetch(path: Path, calls: list[tuple[int, int]]) -> Callable[[int, int], bytes]:
    """A fetch over a file too large to hold (a sparse one), recording each call in ``calls``."""

    def fetch(start: int, end_inclusive: int) -> bytes:
        calls.append((start, end_inclusive))
        with path.open("rb") as handle:
            handle.seek(start)
            return handle.read(end_inclusive - start + 1)

    return fetch


@pytest.mark.parametrize(
    ("source", "largesize"),
    [("h264-moov-end.mp4", False), ("h264-moov-end.mp4", True), ("h264-faststart.mp4", False)],
)
@pytest.mark.parametrize("head", [16 * KiB, 64 * KiB])
def test_200_mb_video_costs_what_a_small_one_does(
    tmp_path: Path, source: str, largesize: bool, head: int
) -> None:
    path = tmp_path / "big.mp4"
    size = grow_mdat(source, path, 200 * 1024 * KiB, largesize=largesize)
    assert path.stat().st_size == size > 200 * 1024 * KiB
    calls: list[tuple[int, int]] = []
    fetch = file_fetch(path, calls)

    file = RangeFile(size, fetch, head=fetch(0, head - 1))
    facts = read_video_facts(file)
    assert isinstance(facts, VideoFacts), facts
    assert (facts.codec, facts.width, facts.height) == ("AVC", 360, 640)
    assert facts.duration_s == pytest.approx(5.0)
    assert not facts.truncated
    assert facts.faststart == (source == "h264-faststart.mp4")
    assert len(calls) <= 2
    assert sum(b - a + 1 for a, b in calls) < MAX_BYTES


def test_a_large_index_costs_one_request_more_and_no_byte_more(tmp_path: Path) -> None:
    # A moov-last file whose moov carries 600 KB more (a long clip's sample tables): a tail over
    # TAIL_LIMIT is walked from its first block (it might be padding), then the rest of moov
    # comes in one request; no byte is fetched twice.
    data = read("h264-moov-end.mp4")
    moov = next(b for b in iso_boxes(data, len(data)) if b.type == "moov")
    padding = 600 * KiB
    grown = (
        data[: moov.start]
        + struct.pack(">I4s", moov.size + padding, b"moov")
        + data[moov.start + 8 : moov.end]
        + struct.pack(">I4s", padding, b"free")
        + b"\x00" * (padding - 8)
    )
    calls: list[tuple[int, int]] = []

    def fetch(start: int, end_inclusive: int) -> bytes:
        calls.append((start, end_inclusive))
        return grown[start : end_inclusive + 1]

    file = RangeFile(len(grown), fetch, head=fetch(0, 16 * KiB - 1))
    facts = read_video_facts(file)
    assert isinstance(facts, VideoFacts)
    assert facts.duration_s == pytest.approx(5.0)
    block_end = moov.start + 64 * KiB
    assert calls == [(0, 16 * KiB - 1), (moov.start, block_end - 1), (block_end, len(grown) - 1)]


def shifted_chunk_offsets(moov: bytes, delta: int) -> bytes:
    """``moov`` with every chunk offset (``stco``, ``co64``) moved by ``delta``: its media moved."""
    data = bytearray(moov)

    def walk(start: int, end: int) -> None:
        for child in walk_boxes(lambda o, n: bytes(data[o : o + n]), start, end):
            body = child.start + child.header
            if child.type in ("moov", "trak", "mdia", "minf", "stbl"):
                walk(body, child.end)
            elif child.type in ("stco", "co64"):
                width, form = (4, ">I") if child.type == "stco" else (8, ">Q")
                (count,) = struct.unpack_from(">I", data, body + 4)
                for entry in range(body + 8, body + 8 + count * width, width):
                    (offset,) = struct.unpack_from(form, data, entry)
                    struct.pack_into(form, data, entry, offset + delta)

    walk(0, len(data))
    return bytes(data)


def test_reserved_space_before_the_index_costs_a_request_not_the_byte_cap(tmp_path: Path) -> None:
    # ftyp, free (1 MB), moov, mdat (20 MB): read as a moov-last file, the whole "tail" after the
    # free box (moov and mdat) was fetched, up to the byte cap, for an index of a few KB.
    data = read("h264-faststart.mp4")
    boxes = {b.type: b for b in iso_boxes(data, len(data))}
    ftyp, moov, mdat = boxes["ftyp"], boxes["moov"], boxes["mdat"]
    reserved, more = 1024 * KiB, 20 * 1024 * KiB  # more: a longer video's media data, sparse
    path = tmp_path / "reserved.mp4"
    with path.open("wb") as out:
        out.write(data[: ftyp.end])
        out.write(struct.pack(">I4s", reserved, b"free"))
        out.seek(ftyp.end + reserved)
        moved = ftyp.end + reserved - moov.start  # where the media data went
        out.write(shifted_chunk_offsets(data[moov.start : moov.end], moved))
        out.write(data[moov.end : mdat.start])  # ffmpeg's 8-byte free box
        out.write(struct.pack(">I4s", mdat.size + more, b"mdat"))
        out.write(data[mdat.start + 8 : mdat.end])
        out.truncate(out.tell() + more)
    size = path.stat().st_size
    calls: list[tuple[int, int]] = []
    fetch = file_fetch(path, calls)

    file = RangeFile(size, fetch, head=fetch(0, 64 * KiB - 1))
    facts = read_video_facts(file)
    assert isinstance(facts, VideoFacts), facts
    assert (facts.codec, facts.width, facts.height) == ("AVC", 360, 640)
    assert facts.duration_s == pytest.approx(5.0)
    assert len(calls) <= 3
    assert sum(b - a + 1 for a, b in calls) < 256 * KiB


def test_a_thousand_small_fragments_cost_a_few_requests(remote: Remote) -> None:
    # Each fragment's boxes were fetched on their own: 1,460 requests of a few hundred bytes for
    # a 350 KB file, which a server 20 ms away turned into a timeout.
    file, fetch = remote(read("many-fragments.mp4"))
    facts = read_video_facts(file)
    assert isinstance(facts, VideoFacts), facts
    assert facts.fragmented
    assert facts.duration_s == pytest.approx(180.0)
    assert not facts.duration_is_lower_bound
    assert fetch.requests <= 8


def test_a_mediainfo_failure_is_unreadable(remote: Remote, monkeypatch: pytest.MonkeyPatch) -> None:
    def choke(*args: object, **kwargs: object) -> None:
        raise SyntaxError("not well-formed (invalid token)")  # what ElementTree raises

    monkeypatch.setattr(MediaInfo, "parse", choke)
    problem = read_video_facts(remote(read("h264-faststart.mp4"))[0])
    assert isinstance(problem, VideoProblem)
    assert problem.kind is VideoProblemKind.UNREADABLE


def test_a_missing_library_is_not_blamed_on_the_file(
    remote: Remote, monkeypatch: pytest.MonkeyPatch
) -> None:
    def missing(*args: object, **kwargs: object) -> None:
        raise OSError("libmediainfo.so.0: cannot open shared object file")

    monkeypatch.setattr(MediaInfo, "parse", missing)
    with pytest.raises(OSError, match="libmediainfo"):
        read_video_facts(remote(read("h264-faststart.mp4"))[0])


def test_the_options_gate_takes_turns_by_batch() -> None:
    """Parses at one speed overlap; one at another speed gets in after one batch, not never."""
    gate = video._OptionGate()
    inside: list[float] = []
    most_at_once = 0
    lock = threading.Lock()
    stop = time.monotonic() + 1.0

    def parse(speed: float, hold: float) -> None:
        nonlocal most_at_once
        with gate.using(speed):
            with lock:
                assert all(other == speed for other in inside)  # never two speeds at once
                inside.append(speed)
                most_at_once = max(most_at_once, len(inside))
            time.sleep(hold)
            with lock:
                inside.remove(speed)

    def busy() -> None:
        while time.monotonic() < stop:
            parse(-1, 0.05)

    workers = [threading.Thread(target=busy) for _ in range(8)]
    for worker in workers:
        worker.start()
    time.sleep(0.2)
    asked = time.monotonic()
    parse(0, 0.01)
    waited = time.monotonic() - asked
    for worker in workers:
        worker.join()

    assert waited < 0.5  # one batch of 50 ms parses, with room for a slow machine
    assert most_at_once >= 4  # speed -1 parses still overlap


@pytest.mark.parametrize("where", ["before moov", "after moov"])
def test_padding_in_a_moov_last_file_s_tail_is_not_fetched(where: str, remote: Remote) -> None:
    # A tail under 8 MiB was fetched whole: 5 MB of padding cost the whole 4 MiB byte cap (and
    # "an index larger than the byte budget" when it came before moov), for a 5 KB index.
    data = read("h264-moov-end.mp4")
    moov = next(box for box in iso_boxes(data, len(data)) if box.type == "moov")
    padding = struct.pack(">I4s", 5_000_000, b"free") + bytes(5_000_000 - 8)
    index = data[moov.start : moov.end]
    tail = padding + index if where == "before moov" else index + padding
    file, fetch = remote(data[: moov.start] + tail, budget=4 * 1024 * KiB)
    facts = read_video_facts(file)
    assert isinstance(facts, VideoFacts)
    assert not facts.partial
    assert fetch.bytes_served <= MAX_BYTES
    assert fetch.requests <= MAX_REQUESTS


def test_a_corrupt_fragment_past_the_first_block_is_found_before_its_parse(
    remote: Remote,
) -> None:
    # The fragments are fetched after the first check: they are checked again once fetched.
    data = bytearray(read("fragmented.mp4"))
    trun = data.index(b"trun", 64 * 1024)  # a fragment the first block does not hold
    struct.pack_into(">I", data, trun + 4 + 4, 0x4000_0000)  # its sample count
    problem = read_video_facts(remote(bytes(data))[0])
    assert isinstance(problem, VideoProblem)
    assert problem.kind is VideoProblemKind.UNREADABLE
    assert "its trun table lists 1,073,741,824 entries" in problem.reason


def test_a_box_whose_type_is_damaged_does_not_hide_the_tables_after_it(tmp_path: Path) -> None:
    # Found by fuzzing: dinf's type made no four-character code stopped the walk of minf, so
    # its sample tables went unchecked, and MediaInfo (which walks by sizes) spent 18 s on a
    # count of a billion.
    data = bytearray(read("h264-faststart.mp4"))
    dinf, stts = data.index(b"dinf"), data.index(b"stts")  # of the first track, in that order
    assert dinf < stts < data.index(b"trak", dinf)
    data[dinf : dinf + 4] = b"\xca\x18\x9e\x96"
    struct.pack_into(">I", data, stts + 4 + 4, 0x4000_0000)  # the count, after version and flags
    (tmp_path / "damaged.mp4").write_bytes(data)
    (report,) = validate_media([tmp_path / "damaged.mp4"], "video")
    assert report.codes == {"media.invalid"}
    assert "its stts table lists 1,073,741,824 entries" in report.findings[0].message


def test_a_channel_layout_inside_a_sound_entry_is_checked_too(tmp_path: Path) -> None:
    # Found by fuzzing: a QuickTime sound entry's channel layout counting a billion descriptions
    # held MediaInfo for minutes (the sample entry's own fields hide it from a walk of boxes).
    data = bytearray(read("clip.mov"))
    chan = data.index(b"chan") + 4  # the box's body
    struct.pack_into(">I", data, chan + 12, 0x3B66_8598)  # mNumberChannelDescriptions
    (tmp_path / "chan.mov").write_bytes(data)
    (report,) = validate_media([tmp_path / "chan.mov"], "video")
    assert report.codes == {"media.invalid"}
    assert "its chan table lists 996,574,616 entries" in report.findings[0].message


@pytest.mark.parametrize(
    ("table", "body", "entries"),
    [
        # version and flags, then each layout's fields (ISO/IEC 14496-12)
        ("elst", b"\x01\0\0\0" + struct.pack(">I", 3), (3, 8 + 3 * 20)),
        ("sgpd", b"\0\0\0\0roll" + struct.pack(">I", 5), (5, 12 + 5)),
        ("sgpd", b"\x01\0\0\0roll" + struct.pack(">II", 2, 5), (5, 16 + 5 * 2)),
        ("sgpd", b"\x01\0\0\0seig" + struct.pack(">II", 0, 5), (5, 16 + 5 * 4)),
        ("sgpd", b"\x02\0\0\0roll" + struct.pack(">III", 2, 1, 5), None),  # editions differ
        ("saiz", b"\0\0\0\0\0" + struct.pack(">I", 7), (7, 9 + 7)),
        ("saiz", b"\0\0\0\x01cenc\0\0\0\0\x08" + struct.pack(">I", 7), (7, 17)),
        ("saio", b"\x01\0\0\0" + struct.pack(">I", 2), (2, 8 + 2 * 8)),
        ("trun", b"\0\0\x03\x05" + struct.pack(">III", 4, 0, 0), (4, 16 + 4 * 8)),
        ("trun", b"\0\0\0\0" + struct.pack(">I", 1 << 21), (1 << 21, 8 + (1 << 21))),
        ("trun", b"\0\0\0\0" + struct.pack(">I", 1000), (1000, 8)),
        ("tfra", b"\x01\0\0\0\0\0\0\x01\0\0\0\x3f" + struct.pack(">I", 2), (2, 16 + 2 * 28)),
    ],
    ids=["elst-v1", "sgpd-v0", "sgpd-v1", "sgpd-v1-lengths", "sgpd-v2", "saiz", "saiz-default",
         "saio-v1", "trun", "trun-defaults-past-any-fragment", "trun-defaults", "tfra-v1"],
)  # fmt: skip
def test_each_table_layout_is_read_as_the_standard_lays_it_out(
    table: str, body: bytes, entries: tuple[int, int] | None
) -> None:
    assert video._TABLES[table](body) == entries


@pytest.mark.parametrize("full", [False, True], ids=["16-byte-box", "box-that-holds-them"])
def test_a_colour_table_of_0xffff_colours_is_a_corrupt_index_not_an_endless_parse(
    tmp_path: Path, full: bool
) -> None:
    # A ctab in moov held MediaInfo in a loop forever (its 16-bit counter never passes 0xFFFF),
    # whatever the box holds: the run hung, Ctrl-C and all. Checked in a child process, so that
    # a regression fails this test instead of hanging the suite.
    data = read("h264-moov-end.mp4")
    at = data.rfind(b"moov") - 4
    (size,) = struct.unpack_from(">I", data, at)
    colours = bytes(0x10000 * 8) if full else b""
    ctab = struct.pack(">I4sIHH", 16 + len(colours), b"ctab", 0, 0, 0xFFFF) + colours
    path = tmp_path / "ctab.mp4"
    moov = struct.pack(">I", size + len(ctab)) + data[at + 4 : at + size] + ctab
    path.write_bytes(data[:at] + moov + data[at + size :])
    code = (
        "import sys; from pathlib import Path; from validator import validate_media; "
        "(r,) = validate_media([Path(sys.argv[1])], 'video'); "
        "print(*sorted(r.codes), *(f.message for f in r.findings), sep='\\n')"
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=60
    )
    assert done.stdout.splitlines()[0] == "media.invalid", done.stderr
    assert "its ctab table states 65,536 colours (0xFFFF)" in done.stdout


def table_body(data: bytes, kind: str) -> int:
    """Where the body (version and flags first) of the first ``kind`` table of the index starts."""

    def peek(offset: int, length: int) -> bytes:
        return data[offset : offset + length]

    parents = [box for box in walk_boxes(peek, 0, len(data)) if box.type in ("moov", "moof")]
    while parents:
        parent = parents.pop(0)
        for child in walk_boxes(peek, parent.start + parent.header, parent.end):
            if child.type == kind:
                return child.start + child.header
            if child.type in ("trak", "edts", "mdia", "minf", "stbl", "traf"):
                parents.append(child)
    raise AssertionError(f"no {kind} in the fixture")


@pytest.mark.parametrize(
    ("name", "table", "count_at"),
    [
        ("h264-faststart.mp4", "elst", 4),
        ("h264-faststart.mp4", "stts", 4),
        ("h264-faststart.mp4", "stsc", 4),
        ("h264-moov-end.mp4", "stco", 4),
        ("h265.mp4", "stsz", 8),
        ("clip.mov", "stss", 4),
        # Found by fuzzing: a sample group's count cost 4 GB, a fragment's 17 GB or the run.
        ("h264-faststart.mp4", "sgpd", 12),
        ("fragmented.mp4", "trun", 4),
    ],
)
def test_a_table_listing_more_entries_than_its_box_holds_is_a_corrupt_index(
    name: str, table: str, count_at: int, remote: Remote, tmp_path: Path
) -> None:
    # One byte made an edit list of 1 entry one of 536 million: MediaInfo, which sizes its
    # arrays by the count, took a minute and 12 GB of memory, then passed the file.
    data = bytearray(read(name))
    struct.pack_into(">I", data, table_body(data, table) + count_at, 0x2000_0001)
    problem = read_video_facts(remote(bytes(data))[0])
    assert isinstance(problem, VideoProblem)
    assert problem.kind is VideoProblemKind.UNREADABLE
    assert f"corrupt index: its {table} table lists 536,870,913 entries" in problem.reason
    (tmp_path / name).write_bytes(data)
    (report,) = validate_media([tmp_path / name], "video")
    assert report.codes == {"media.invalid"}


@pytest.mark.parametrize("name", ISO)
@pytest.mark.parametrize("speed", [-1, 0])
def test_the_one_line_report_states_what_mediainfo_s_xml_states(name: str, speed: float) -> None:
    # The parse asks for a line per track instead of the XML, which cost as much as the parse:
    # the same fields, as MediaInfo words them, for every fixture at both speeds.
    xml = MediaInfo.parse(str(MEDIA / name), parse_speed=speed, full=True)
    file = RangeFile(len(read(name)), lambda first, last: read(name)[first : last + 1])
    reading = video._parse(file, 64 * KiB, parse_speed=speed)
    assert reading is not None
    (general,) = xml.general_tracks
    assert reading.truncated == (general.istruncated == "Yes")
    assert reading.duration == str(general.duration or "")
    if not xml.video_tracks:
        assert reading.video is None
        return
    track = xml.video_tracks[0]
    assert reading.video is not None
    assert reading.video._asdict() == {
        field: str(getattr(track, field) or "") for field in reading.video._fields
    }


@pytest.mark.parametrize(
    ("report", "expected"),
    [
        ("G||5000\nV|360|640|5000|0.000|1.000|AVC|avc1\n", ("360", "AVC", "avc1", False)),
        ("G|Yes|\nV|1|2|||||\nV|3|4|5|6|7|HEVC|hvc1\n", ("1", "", "", True)),  # the first
        ("G||5000\nV|360|640|5000|0.000|1.000|AVC|a|b\n", ("360", "AVC", "a|b", False)),
        ("G||5000\nV|360|640\n", None),  # a track line cut short: no usable track
        ("G||5000\n", None),  # audio only
    ],
)
def test_the_one_line_report_is_read_field_by_field(
    report: str, expected: tuple[str, str, str, bool] | None
) -> None:
    reading = video._reading(report)
    assert reading is not None
    if expected is None:
        assert reading.video is None
        return
    assert reading.video is not None
    width, codec, codec_id, truncated = expected
    assert (reading.video.width, reading.video.format, reading.video.codec_id) == (
        width,
        codec,
        codec_id,
    )
    assert reading.truncated is truncated


@pytest.mark.parametrize("report", ["", "<?xml version='1.0'?>", "G|x\n", "General\n"])
def test_a_report_in_another_form_is_no_reading(report: str) -> None:
    # Another caller in the process may have changed MediaInfo's global "Inform" option.
    assert video._reading(report) is None
