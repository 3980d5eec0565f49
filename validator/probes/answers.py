"""What an HTTP answer says about the bytes it carries, read from its headers and its body.

The probes ask for byte ranges and must tell what came back: the part asked for, another part,
the whole file, a compressed body, or a refusal that states the file's size. These readers are
pure (no request is sent here) and never raise on what a server wrote: an unreadable header is
``None``, and the caller words what that means for its read (``validator.probes.fetch``).
"""

from __future__ import annotations

import re

import httpx

__all__ = [
    "compression",
    "content_range",
    "declared_length",
    "empty_resource",
    "locations",
    "read_at_most",
    "shown_range",
    "span_holding",
    "span_matches",
    "strong_etag",
    "unsatisfiable_size",
]

# At most 19 digits (any size up to 2^63): a longer number is no size a server could hold, and
# int() refuses to read one past 4,300 digits at all.
_CONTENT_RANGE = re.compile(
    r"bytes\s+(\d{1,19})-(\d{1,19})/(\d{1,19}|\*)\s*", re.IGNORECASE | re.ASCII
)
_UNSATISFIABLE = re.compile(r"bytes\s+\*/(\d{1,19})\s*", re.IGNORECASE | re.ASCII)
_LENGTH = re.compile(r"\d{1,19}", re.ASCII)  # a Content-Length, read as Content-Range's numbers


def declared_length(answer: httpx.Response) -> int | None:
    """The body's ``Content-Length``, if the answer states a readable one."""
    declared = answer.headers.get("content-length")
    return int(declared) if declared and _LENGTH.fullmatch(declared) else None


def unsatisfiable_size(answer: httpx.Response) -> int | None:
    """The size a 416 states (``Content-Range: bytes */SIZE``), if it states one."""
    found = _UNSATISFIABLE.fullmatch(answer.headers.get("content-range", ""))
    return int(found[1]) if found else None


def compression(answer: httpx.Response) -> str | None:
    """The answer's ``Content-Encoding`` (lower case) unless it is none or ``identity``."""
    encoding = answer.headers.get("content-encoding", "").strip().lower()
    return None if encoding in ("", "identity") else encoding


def content_range(answer: httpx.Response) -> tuple[int, int, int | None] | None:
    """A 206's first and last byte and the file's size (``None`` for ``*``); ``None`` if unreadable.

    Unreadable: no ``Content-Range``, another unit, a last byte before the first, or a number
    longer than any file's size.
    """
    span = _CONTENT_RANGE.fullmatch(answer.headers.get("content-range", ""))
    if span is None:
        return None
    first, last = int(span[1]), int(span[2])
    if last < first:
        return None
    return first, last, None if span[3] == "*" else int(span[3])


def span_matches(answer: httpx.Response, start: int | None, length: int) -> bool:
    """Whether a 206 holds the bytes asked for: from ``start``, or the last ``length``."""
    span = content_range(answer)
    if span is None:
        return False
    first, last, total = span
    if start is not None:
        return first == start
    # A suffix is the file's last bytes: it ends at the end, and starts `length` before it (or
    # at 0, in a file shorter than that). Without a stated size, only its length tells.
    if total is None:
        return last - first + 1 == length or (first == 0 and last + 1 < length)
    return last == total - 1 and first == max(0, total - length)


def span_holding(answer: httpx.Response, start: int | None, length: int) -> int | None:
    """Where the bytes asked for begin in a 206 that sent more than them; ``None`` if it did not.

    Some servers answer a suffix range with the whole file (``bytes 0-N/N+1``): the file's end is
    in it all the same. Only a stated size tells where a suffix starts.
    """
    span = content_range(answer)
    if span is None:
        return None
    first, last, total = span
    if start is None:
        if total is None or last != total - 1:
            return None
        start = max(0, total - length)
    end = start + length - 1 if total is None else min(start + length, total) - 1
    return start - first if first <= start and last >= end else None


async def read_at_most(answer: httpx.Response, limit: int) -> bytes:
    """At most ``limit`` bytes of the body; the rest is never read (the caller hangs up).

    The loop runs on until the body ends or passes ``limit``: a 206 of exactly the bytes asked
    for is then read to its end, and its connection goes back to the pool for the next request
    instead of being closed (a new connection costs a round trip or three).
    """
    if limit <= 0:
        return b""
    chunks: list[bytes] = []
    size = 0
    async for chunk in answer.aiter_raw():
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            break
    return b"".join(chunks)[:limit]


def strong_etag(answer: httpx.Response) -> str | None:
    """The answer's ``ETag`` when strong: only a strong one may be sent as ``If-Range``.

    One with bytes past ASCII (HTTP allows them) is not sent: how the server wrote them is lost
    once decoded, and another spelling of it would make the server send the whole file.
    """
    etag = answer.headers.get("etag", "").strip()
    return etag if etag.startswith('"') and etag.isascii() else None


def empty_resource(answer: httpx.Response) -> bool:
    """A 416 that says the resource has no bytes at all (``Content-Range: bytes */0``)."""
    span = str(answer.headers.get("content-range", ""))
    return span.replace(" ", "").lower() == "bytes*/0"


def locations(answer: httpx.Response) -> list[str]:
    """A redirect's Location headers, each once: ``headers.get`` joins two with ", "."""
    return list(dict.fromkeys(answer.headers.get_list("location")))


def shown_range(answer: httpx.Response) -> str:
    """``Content-Range: …`` as the answer has it, for a message; or that it has none."""
    value = answer.headers.get("content-range")
    return "no Content-Range header" if value is None else f"Content-Range: {value}"
