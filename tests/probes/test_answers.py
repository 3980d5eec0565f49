"""What the probes read off an answer's headers: pure functions over built responses.

The network behaviour around them (a server that sends other bytes, the whole file, a gzip body)
is tested against real servers in ``test_fetch.py``; here, the edge cases of the headers alone.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from validator.probes import answers


def _answer(status: int = 206, **headers: str) -> httpx.Response:
    """An answer with ``headers`` as a server sends them: bytes, UTF-8 past ASCII."""
    sent = [(name.replace("_", "-").encode(), value.encode()) for name, value in headers.items()]
    return httpx.Response(status, headers=sent)


class _Chunks(httpx.AsyncByteStream):
    """A body sent in chunks, counting how many were taken: a cut read leaves the rest unread."""

    def __init__(self, *chunks: bytes) -> None:
        self.chunks = chunks
        self.taken = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            self.taken += 1
            yield chunk


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes 0-65535/1000000", (0, 65535, 1000000)),
        ("BYTES 10-19/*", (10, 19, None)),  # a size the server does not know
        ("bytes 20-10/100", None),  # the last byte before the first
        ("items 0-9/10", None),  # another unit
        ("bytes 0-9/" + "9" * 20, None),  # longer than any file's size
        ("bytes ０-9/10", None),  # a full-width digit is no digit of HTTP's
    ],
)
def test_content_range_reads_only_what_http_allows(
    header: str, expected: tuple[int, int, int | None] | None
) -> None:
    assert answers.content_range(_answer(content_range=header)) == expected


def test_content_range_of_an_answer_without_one_is_none() -> None:
    assert answers.content_range(_answer()) is None


@pytest.mark.parametrize(
    ("header", "start", "length", "matches"),
    [
        ("bytes 100-199/1000", 100, 100, True),
        ("bytes 0-999/1000", 100, 100, False),  # the whole file, not the part from 100
        ("bytes 984-999/1000", None, 16, True),  # a suffix: the file's last 16 bytes
        ("bytes 0-9/10", None, 16, True),  # a file shorter than the suffix asked for
        ("bytes 980-995/1000", None, 16, False),  # 16 bytes, but not the last ones
        ("bytes 5-20/*", None, 16, True),  # no size: only the length tells
        ("bytes 0-9/*", None, 16, True),  # no size, and shorter: the whole file
    ],
)
def test_span_matches_a_range_or_a_suffix(
    header: str, start: int | None, length: int, matches: bool
) -> None:
    assert answers.span_matches(_answer(content_range=header), start, length) is matches


@pytest.mark.parametrize(
    ("header", "start", "length", "offset"),
    [
        ("bytes 0-999/1000", None, 16, 984),  # a suffix answered with the whole file
        ("bytes 0-999/1000", 100, 50, 100),  # a range inside a larger part
        ("bytes 0-999/*", None, 16, None),  # where a suffix starts needs the size
        ("bytes 0-499/1000", None, 16, None),  # the file's end is not in it
        ("bytes 200-999/1000", 100, 50, None),  # starts after the part asked for
    ],
)
def test_span_holding_finds_the_part_asked_for_in_a_larger_one(
    header: str, start: int | None, length: int, offset: int | None
) -> None:
    assert answers.span_holding(_answer(content_range=header), start, length) == offset


def test_a_416_states_the_size_or_that_the_file_is_empty() -> None:
    assert answers.unsatisfiable_size(_answer(416, content_range="bytes */4096")) == 4096
    assert answers.unsatisfiable_size(_answer(416)) is None
    assert answers.empty_resource(_answer(416, content_range="Bytes */0"))
    assert not answers.empty_resource(_answer(416, content_range="bytes */10"))


def test_declared_length_reads_digits_only() -> None:
    assert answers.declared_length(_answer(200, content_length="1234")) == 1234
    assert answers.declared_length(_answer(200, content_length="12a")) is None
    assert answers.declared_length(_answer(200, content_length="9" * 20)) is None


def test_compression_ignores_identity() -> None:
    assert answers.compression(_answer(200, content_encoding=" GZIP ")) == "gzip"
    assert answers.compression(_answer(200, content_encoding="identity")) is None
    assert answers.compression(_answer(200)) is None


def test_only_a_strong_ascii_etag_is_sent_back() -> None:
    assert answers.strong_etag(_answer(200, etag='"abc"')) == '"abc"'
    assert answers.strong_etag(_answer(200, etag='W/"abc"')) is None  # weak: If-Range refuses it
    assert answers.strong_etag(_answer(200)) is None


def test_locations_are_each_listed_once() -> None:
    answer = httpx.Response(
        302, headers=[("Location", "/a"), ("Location", "/b"), ("Location", "/a")]
    )
    assert answers.locations(answer) == ["/a", "/b"]


def test_a_missing_content_range_is_said_so_not_shown_as_none() -> None:
    # "(Content-Range: None)" quoted Python's None to the user.
    assert answers.shown_range(httpx.Response(206)) == "no Content-Range header"
    stated = httpx.Response(206, headers={"Content-Range": "bytes 0-9/*"})
    assert answers.shown_range(stated) == "Content-Range: bytes 0-9/*"


@pytest.mark.parametrize(
    ("limit", "expected", "taken"),
    [
        (0, b"", 0),  # nothing wanted: the body is not touched
        (5, b"01234", 2),  # past the limit: the third chunk is never asked for
        (8, b"01234567", 3),  # at the limit: read on, so a body of just that is read to its end
        (100, b"0123456789", 3),
    ],
)
def test_read_at_most_stops_at_the_limit(limit: int, expected: bytes, taken: int) -> None:
    body = _Chunks(b"0123", b"4567", b"89")

    async def read() -> bytes:
        return await answers.read_at_most(httpx.Response(200, stream=body), limit)

    assert asyncio.run(read()) == expected
    assert body.taken == taken
