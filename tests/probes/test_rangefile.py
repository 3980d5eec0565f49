from __future__ import annotations

import io
import itertools
import random
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from validator.probes.rangefile import DEFAULT_BLOCK_SIZE, RangeFile

DATA = random.Random(20240601).randbytes(300_000)  # noqa: S311 - test data, not a secret


class Fetch:
    def __init__(self, data: bytes = DATA) -> None:
        self.data = data
        self.calls: list[tuple[int, int]] = []

    def __call__(self, start: int, end_inclusive: int) -> bytes:
        self.calls.append((start, end_inclusive))
        return self.data[start : end_inclusive + 1]


def test_reads_and_seeks_like_a_file() -> None:
    fetch = Fetch()
    file = RangeFile(len(DATA), fetch)
    assert file.readable()
    assert file.seekable()
    assert not file.writable()
    assert file.seek(0, io.SEEK_END) == len(DATA)  # pymediainfo's first call
    assert file.tell() == len(DATA)
    assert file.seek(0) == 0
    assert file.read(10) == DATA[:10]
    assert file.seek(5, io.SEEK_CUR) == 15
    assert file.read(5) == DATA[15:20]
    assert file.seek(-7, io.SEEK_END) == len(DATA) - 7
    assert file.read(100) == DATA[-7:]
    assert file.read(100) == b""
    file.seek(len(DATA) + 1000)
    assert file.read(10) == b""
    file.seek(123)
    assert file.read() == DATA[123:]
    with pytest.raises(ValueError, match="negative"):
        file.seek(-1)


def test_fetches_whole_aligned_blocks_once() -> None:
    fetch = Fetch()
    file = RangeFile(len(DATA), fetch, block_size=4096)
    file.seek(5000)
    assert file.read(10) == DATA[5000:5010]
    assert fetch.calls == [(4096, 8191)]
    file.seek(4096)
    assert file.read(4096) == DATA[4096:8192]
    assert fetch.calls == [(4096, 8191)]
    assert file.read(1) == DATA[8192:8193]
    assert fetch.calls[-1] == (8192, 12287)
    assert file.requests == 2
    assert file.bytes_fetched == 8192


def test_seeded_head_is_not_fetched_again() -> None:
    fetch = Fetch()
    file = RangeFile(len(DATA), fetch, head=DATA[:16384])
    assert file.read(16384) == DATA[:16384]
    assert fetch.calls == []
    assert file.requests == 0
    assert file.cached_prefix() == DATA[:16384]
    # The next read fills up to the block boundary, not from zero again.
    assert file.read(100) == DATA[16384:16484]
    assert fetch.calls == [(16384, DEFAULT_BLOCK_SIZE - 1)]
    assert file.cached_prefix() == DATA[:DEFAULT_BLOCK_SIZE]


def test_seeded_spans_serve_reads_without_counting() -> None:
    fetch = Fetch()
    file = RangeFile(len(DATA), fetch, head=DATA[:4096], block_size=4096, budget=10_000)
    file.seed(200_000, DATA[200_000:210_000])  # fetched by the caller, e.g. on its event loop
    file.seed(len(DATA) - 10, DATA[-10:] + b"past the end")  # cut to the file's size
    file.seed(len(DATA) + 5, b"nowhere")  # past the end: ignored
    assert file.pread(200_000, 10_000) == DATA[200_000:210_000]
    assert file.pread(len(DATA) - 10, 100) == DATA[-10:]
    assert fetch.calls == []
    assert (file.requests, file.bytes_fetched) == (0, 0)  # the budget is all still there
    assert file.pread(8192, 10) == DATA[8192:8202]
    assert fetch.calls == [(8192, 12287)]
    with pytest.raises(ValueError, match="start"):
        file.seed(-1, b"x")


def test_prefetch_is_one_request_and_serves_later_reads() -> None:
    fetch = Fetch()
    file = RangeFile(len(DATA), fetch, head=DATA[:1000], block_size=4096)
    assert file.prefetch(200_000, 299_999) == 100_000
    assert fetch.calls == [(200_000, 299_999)]
    file.seek(200_000)
    assert file.read(100_000) == DATA[200_000:]
    assert file.prefetch(250_000, 260_000) == 0  # cached: no request
    assert file.prefetch(0, 999) == 0
    # A span with a cached island in the middle is still one request.
    file.seek(150_000)
    file.read(10)
    assert file.prefetch(100_000, 199_999) == 100_000
    assert fetch.calls[-1] == (100_000, 199_999)
    file.seek(100_000)
    assert file.read(100_000) == DATA[100_000:200_000]
    # Past the end is clamped.
    assert file.prefetch(299_990, 10**9) == 0
    assert file.requests == 3


def test_budget_ends_reads_without_raising() -> None:
    fetch = Fetch()
    file = RangeFile(len(DATA), fetch, head=DATA[:1000], budget=10_000, block_size=4096)
    got = file.read()
    assert got == DATA[: len(got)]
    assert len(got) == 1000 + 10_000
    assert file.exhausted
    assert file.bytes_fetched == 10_000
    assert file.read(10) == b""
    file.seek(200_000)
    assert file.read(10) == b""
    assert file.bytes_fetched == 10_000
    assert file.prefetch(250_000, 260_000) == 0
    # Cached bytes are still served after the budget is spent.
    file.seek(500)
    assert file.read(100) == DATA[500:600]
    # Raising the budget lets reads go on.
    file.budget = None
    file.seek(200_000)
    assert file.read(10) == DATA[200_000:200_010]


def test_budget_cuts_a_prefetch() -> None:
    fetch = Fetch()
    file = RangeFile(len(DATA), fetch, budget=5000)
    assert file.prefetch(0, 99_999) == 5000
    assert fetch.calls == [(0, 4999)]
    assert file.read(6000) == DATA[:5000]
    assert file.exhausted


def test_a_failing_fetch_looks_like_end_of_file_then_reraises() -> None:
    class Boom(Exception):
        pass

    def fetch(start: int, end_inclusive: int) -> bytes:
        raise Boom(f"{start}-{end_inclusive}")

    file = RangeFile(len(DATA), fetch, head=DATA[:100])
    assert file.read(50) == DATA[:50]
    assert file.read(100) == DATA[50:100]  # what is cached, then nothing
    assert file.read(100) == b""
    assert isinstance(file.fetch_error, Boom)
    assert file.requests == 0
    with pytest.raises(Boom, match="100-"):
        file.reraise()


def test_short_answers_do_not_loop() -> None:
    calls: list[tuple[int, int]] = []

    def stingy(start: int, end_inclusive: int) -> bytes:
        calls.append((start, end_inclusive))
        return DATA[start : start + 10]

    file = RangeFile(len(DATA), stingy, block_size=4096)
    assert file.read(1000) == DATA[:10]
    assert len(calls) == 1
    empty = RangeFile(len(DATA), lambda start, end: b"")
    assert empty.read(10) == b""
    longer = RangeFile(100, lambda start, end: DATA[start : end + 50])
    assert longer.read() == DATA[:100]


def test_a_capped_answer_short_of_the_position_read_is_asked_on_from_there() -> None:
    # The widened request (from the block's start) was answered 16 bytes, far short of the
    # position read: the read gave b"", which a parser takes for the end of the file.
    calls: list[tuple[int, int]] = []

    def capped(start: int, end_inclusive: int) -> bytes:
        calls.append((start, end_inclusive))
        return DATA[start : min(end_inclusive + 1, start + 16)]

    file = RangeFile(len(DATA), capped, block_size=4096)
    file.seek(4000)
    assert file.read(10) == DATA[4000:4010]
    assert calls == [(0, 4095), (4000, 4095)]  # once more, from the position: no loop
    assert file.cut_short
    assert not file.stopped


def test_readinto_and_buffered_reader() -> None:
    file = RangeFile(len(DATA), Fetch())
    buffer = bytearray(1000)
    file.seek(777)
    assert file.readinto(buffer) == 1000
    assert bytes(buffer) == DATA[777:1777]
    file.seek(0)
    reader = io.BufferedReader(file, buffer_size=1024)
    assert reader.read(3000) == DATA[:3000]


def test_pread_and_peek_do_not_move() -> None:
    fetch = Fetch()
    file = RangeFile(len(DATA), fetch, block_size=1024)
    file.seek(10)
    assert file.pread(5000, 20) == DATA[5000:5020]
    assert file.tell() == 10
    assert file.peek_cached(5000, 20) == DATA[5000:5020]
    assert file.peek_cached(0, 20) == b""
    assert file.peek_cached(5100, 100) == DATA[5100:5120]  # up to the end of the cached block
    assert file.peek_cached(5120, 100) == b""
    assert file.requests == 1


def test_closed_file_refuses_io_and_empty_resource_reads_nothing() -> None:
    file = RangeFile(len(DATA), Fetch())
    file.close()
    with pytest.raises(ValueError, match="closed"):
        file.read(1)
    fetch = Fetch(b"")
    empty = RangeFile(0, fetch)
    assert empty.read() == b""
    assert fetch.calls == []
    with pytest.raises(ValueError, match="size"):
        RangeFile(-1, fetch)
    with pytest.raises(ValueError, match="block_size"):
        RangeFile(10, fetch, block_size=0)


Operation = tuple[str, int, int]
operations = st.lists(
    st.tuples(
        st.sampled_from(["read", "seek", "pread", "prefetch"]),
        st.integers(min_value=0, max_value=len(DATA) + 100),
        st.integers(min_value=-1, max_value=40_000),
    ),
    max_size=25,
)


@settings(max_examples=150, deadline=None)
@given(
    operations,
    st.sampled_from([512, 4096, 65536]),
    st.integers(min_value=0, max_value=70_000),
    st.one_of(st.none(), st.integers(min_value=0, max_value=200_000)),
)
def test_behaves_like_bytesio_within_budget(
    ops: list[Operation], block: int, head: int, budget: int | None
) -> None:
    fetch = Fetch()
    file = RangeFile(len(DATA), fetch, head=DATA[:head], block_size=block, budget=budget)
    model = io.BytesIO(DATA)
    run: dict[str, Callable[[int, int], None]] = {}

    def read(position: int, size: int) -> None:
        got = file.read(size)
        expected = model.read(size)
        assert expected.startswith(got)
        if got != expected:
            assert file.exhausted
        model.seek(file.tell())

    def seek(position: int, size: int) -> None:
        assert file.seek(position) == model.seek(position)

    def pread(position: int, size: int) -> None:
        got = file.pread(position, max(size, 0))
        assert DATA[position : position + max(size, 0)].startswith(got)
        assert file.tell() == model.tell()

    def prefetch(position: int, size: int) -> None:
        file.prefetch(position, position + size)

    run.update(read=read, seek=seek, pread=pread, prefetch=prefetch)
    for name, position, size in ops:
        run[name](position, size)
    if budget is not None:
        assert file.bytes_fetched <= budget
    assert file.requests == len(fetch.calls)
    assert file.bytes_fetched == sum(len(DATA[a : b + 1]) for a, b in fetch.calls)
    # The seeded head is never fetched; reads never fetch a byte twice (a prefetch may, by
    # design: one request for its span, cached islands included).
    assert all(start >= head for start, _ in fetch.calls)
    if all(name != "prefetch" for name, _, _ in ops):
        for (_, end), (start, _) in itertools.pairwise(sorted(fetch.calls)):
            assert start > end
