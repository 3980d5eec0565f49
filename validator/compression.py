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
        return inflated, bool(inflater.unconsumed_tail)
    return None
