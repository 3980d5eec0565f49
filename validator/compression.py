"""Inflating what a server compressed, never past a limit: a few KB of gzip can be gigabytes."""

from __future__ import annotations

import zlib

__all__ = ["inflate"]

_CODINGS = frozenset({"gzip", "x-gzip", "deflate"})
# zlib's window bits: 47 reads a gzip or a zlib header, whichever comes; -15 reads raw deflate,
# which some servers send as "deflate".
_WINDOWS = (47, -15)


def inflate(data: bytes, coding: str, limit: int) -> tuple[bytes, bool] | None:
    """``data`` sent with the ``Content-Encoding`` ``coding``, inflated up to ``limit`` bytes.

    Also whether more was left beyond ``limit``. ``None`` for a coding this does not read, or
    bytes that are not what the coding says. ``data`` may be the first part of a stream only.
    """
    if coding.strip().lower() not in _CODINGS:
        return None
    for window in _WINDOWS:
        inflater = zlib.decompressobj(window)
        try:
            inflated = inflater.decompress(data, limit)
        except zlib.error:
            continue
        more = bool(inflater.unconsumed_tail)
        # gzip may come in members, one after another (RFC 1952 §2.2): each is read in turn, as
        # Python's gzip, curl and browsers read them; a broken later member ends the text there.
        while inflater.eof and inflater.unused_data.startswith(_GZIP_MAGIC):
            if len(inflated) >= limit:  # (a max_length of 0 would read the member whole)
                more = True
                break
            rest, inflater = inflater.unused_data, zlib.decompressobj(window)
            try:
                inflated += inflater.decompress(rest, limit - len(inflated))
            except zlib.error:
                break
            more = bool(inflater.unconsumed_tail)
        return inflated, more
    return None


_GZIP_MAGIC = b"\x1f\x8b"
