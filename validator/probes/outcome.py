"""What a fetch gives: the values the probes and the media rules read.

The first request of a URL ends in a ``Response`` (the first block and what the headers say) or
a ``Failure`` (no usable answer, and why); later reads raise ``ReadFailed`` or
``ResourceChanged``. A ``Budget`` is what one URL may still cost. Local files
(``probes.local``) answer in the same values, so the rules need not know where bytes came from.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field

from validator.messages import quote

__all__ = [
    "Budget",
    "Failure",
    "FailureKind",
    "Hop",
    "ReadFailed",
    "ResourceChanged",
    "Response",
    "Shortfall",
    "chain_text",
]


class FailureKind(enum.StrEnum):
    """Why a URL gave no usable answer; each maps to one finding code (``rules.media_facts``)."""

    FORBIDDEN = "forbidden"
    NOT_FOUND = "not found"
    HTTP_ERROR = "HTTP error"
    INVALID_URL = "invalid URL"  # the URL given, not a redirect target: no request could be sent
    DROPPED = "dropped connection"  # reset, or the answer cut short: temporary, retried
    REDIRECT_LOOP = "redirect loop"
    TOO_MANY_REDIRECTS = "too many redirects"
    UNREACHABLE = "unreachable"
    NOT_PUBLIC = "not public"
    SERVER_ERROR = "server error"
    TIMEOUT = "timeout"
    RATE_LIMITED = "rate limited"


@dataclass(frozen=True, slots=True)
class Hop:
    """One request of a redirect chain: the URL asked and the status it answered."""

    url: str
    status: int


@dataclass(frozen=True, slots=True)
class Failure:
    """No usable answer. ``detail`` completes a sentence ("answered 403 Forbidden")."""

    kind: FailureKind
    url: str
    detail: str
    chain: tuple[Hop, ...] = ()
    status: int | None = None
    retry_after: float | None = None
    attempts: int = 1
    temporary: bool = False
    """Worth another attempt although the kind alone does not say so (a reset, a DNS hiccup)."""
    hint: str | None = None
    """What to do, when the kind's code says it wrongly here (a proxy that is down is no host
    name to check)."""


@dataclass(frozen=True, slots=True)
class Response:
    """The first block of a resource, and what the headers say about the rest.

    ``total_size`` comes from ``Content-Range`` (or ``Content-Length`` of a full answer);
    ``complete`` says ``data`` is the whole resource (small file, or a server that ignored Range
    and sent all of it under the cap); ``ranges`` says later ranged reads can be asked for;
    ``truncated_at_cap`` says a server that ignored Range was cut off at the byte cap.
    """

    url: str
    """The final URL, after redirects: later ranged reads go there directly."""
    chain: tuple[Hop, ...]
    status: int
    content_type: str | None
    total_size: int | None
    data: bytes
    complete: bool
    ranges: bool
    truncated_at_cap: bool = False
    encoding: str | None = None
    """A ``Content-Encoding`` other than identity (asked for, not always given): ``data`` is
    then the first compressed bytes, which say what the file is only once inflated."""


@dataclass(slots=True)
class Budget:
    """What one URL may still cost, over all its requests.

    ``remaining`` bytes (``max_bytes_per_url``); ``deadline``, the moment (``loop.time()``) by
    which all of the URL's requests must be done, retries included (issue 3: "a total deadline
    per URL"): set when the first starts, moved on by time that is not the server's (``waited``).
    ``paused``, the seconds spent waiting out 429 pauses, over all the URL's requests.
    """

    remaining: int
    requests: int = 0
    received: int = field(default=0)
    deadline: float | None = None
    paused: float = 0.0
    size: int | None = None
    """The file's size as the first answer stated it: a later part of another size is not of
    the file read so far (it was replaced in between)."""
    validator: str | None = None
    """The first answer's strong ``ETag``, sent as ``If-Range`` with every later read."""
    past_cap: bool = False
    """A later read was answered with more than the byte cap lets read (the whole file, to a
    suffix), and left unread."""
    shortfall: Shortfall | None = None
    """Why the server's answer to a later read held none of the file's bytes (the last such)."""
    sent: bool = False
    """The last request went out: a connection (to the host, or to a proxy) was set up for it.
    A window that ends after that is a slow answer, not a host that cannot be reached."""

    def waited(self, seconds: float) -> None:
        """Move the deadline on by ``seconds`` that were not the server's.

        Spent in line (for a slot, a thread) or waiting out a pause or a backoff: a calendar of
        10,000 pins on one CDN queues for long, and that is not the server being slow.
        """
        if self.deadline is not None:
            self.deadline += seconds

    def take(self, count: int) -> None:
        """Count ``count`` bytes read."""
        self.remaining -= count
        self.received += count


@dataclass(frozen=True, slots=True)
class Shortfall:
    """Why a later read brought none of the file's bytes, when the server's answer is why.

    Not a failure: the URL answered, and the file may be fine; the check stops short and says
    so (``media.check_incomplete``). ``reason`` is a clause ("the server ignored Range ...");
    ``fix`` what to do, where the catalogue's fix for an incomplete check is not it.
    """

    reason: str
    fix: str | None = None


class ReadFailed(Exception):
    """A later ranged read failed: the probe's verdict is this ``failure``, not the file's."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.detail)
        self.failure = failure


class ResourceChanged(Exception):
    """A later read came from another file than the first (replaced while it was read).

    The bytes of two files judged as one would make a whole file look cut short, or hide a
    cut: the probe says the check could not be completed instead. ``detail`` completes "the
    file ...".
    """

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def chain_text(hops: Iterable[Hop]) -> str:
    """A redirect chain as messages show it: ``"A" (302) → "B" (404)``."""
    return " → ".join(f"{quote(hop.url, 50)} ({hop.status})" for hop in hops)
