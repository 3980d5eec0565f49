"""Inflating compressed answers within a limit."""

from __future__ import annotations

import gzip
import zlib

from validator.compression import inflate

TEXT = b'{"id": "1"}' * 100


def test_gzip_zlib_and_raw_deflate_are_read() -> None:
    raw = zlib.compressobj(wbits=-15)
    raw_deflate = raw.compress(TEXT) + raw.flush()
    assert inflate(gzip.compress(TEXT), "gzip", 10_000) == (TEXT, False)
    assert inflate(zlib.compress(TEXT), "Deflate", 10_000) == (TEXT, False)
    assert inflate(raw_deflate, "deflate", 10_000) == (TEXT, False)


def test_the_limit_holds_and_says_more_was_left() -> None:
    inflated = inflate(gzip.compress(b" " * 1_000_000), "gzip", 1000)
    assert inflated is not None
    assert len(inflated[0]) == 1000
    assert inflated[1] is True


def test_a_coding_not_read_or_bytes_not_compressed_are_none() -> None:
    assert inflate(gzip.compress(TEXT), "br", 10_000) is None
    assert inflate(b"not compressed at all", "gzip", 10_000) is None


def test_gzip_in_several_members_is_read_whole_within_the_limit() -> None:
    # RFC 1952 §2.2: members one after another; only the first was read, and no more was said.
    members = gzip.compress(TEXT) + gzip.compress(b"[2]")
    assert inflate(members, "gzip", 10_000) == (TEXT + b"[2]", False)
    assert inflate(members, "gzip", len(TEXT) + 1) == (TEXT + b"[", True)
    assert inflate(members, "gzip", len(TEXT)) == (TEXT, True)
