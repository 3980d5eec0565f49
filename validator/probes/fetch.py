"""HTTP for the probes: ranged GETs with our own redirects, limits, retries and address checks.

Everything the network stage sends goes through ``Fetcher``. It follows redirects itself, not
through httpx, so that the whole chain is recorded, a loop is caught the moment a URL comes back,
and every hop's host is checked for a public address before anything is sent to it (Pinterest's
crawler could never reach a private one). It asks for byte ranges, streams the body and closes it
as soon as it has what was asked for, so a server that ignores ``Range`` costs a bounded read,
not a download. Temporary failures (429, 502, 503, 504, timeouts, resets) are retried a few times
with jittered exponential backoff; a 429 pauses that host only.

Nothing here raises for a bad URL: the first request's outcome is a ``Response`` or a
``Failure`` value; a later ranged read that fails raises ``ReadFailed``, carrying its ``Failure``,
and one that came from another file than the first (replaced meanwhile) ``ResourceChanged``.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import re
import ssl
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urljoin, urlsplit

import httpx

from validator import netguard
from validator.httpclient import (
    async_client,
    caused_by,
    certificate_refused,
    tls_context,
    user_agent,
)
from validator.messages import plural, quote, quote_url, seconds
from validator.probes import answers
from validator.probes.outcome import (
    Budget,
    Failure,
    FailureKind,
    Hop,
    ReadFailed,
    ResourceChanged,
    Response,
    Shortfall,
    chain_text,
)
from validator.probes.polling import Origin, poll_sockets_directly
from validator.settings import Settings
from validator.waiting import Silence, backoff, parse_retry_after

__all__ = ["COMPRESSED_FIX", "Fetcher", "Guard"]

#: Decides whether a host may be fetched (``netguard.check_public``); injectable for tests that
#: must reach 127.0.0.1 and still see a redirect to another private address refused.
_Verdict = netguard.NotPublic | netguard.ResolveError | None
Guard = Callable[[str, int], Awaitable[_Verdict]]

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_TEMPORARY_STATUSES = frozenset({429, 502, 503, 504})
_BACKOFF_BASE = 0.25  # seconds before the first retry; doubled each time, with full jitter
# h11's words when a server's headers pass its buffer limit (a 431 in the other direction).
_HEADERS_TOO_LARGE = "Receive buffer too long"
# ... and when the first line is no HTTP status line (an SSH or SMTP banner, say).
_NOT_HTTP = "illegal status line"
# How httpcore and h11 say that the connection ended early; their other protocol errors are
# answers that break HTTP.
_DROPPED = ("Server disconnected", "peer closed connection", "peer unexpectedly closed")
_T = TypeVar("_T")
# How a non-public address completes "the URL X ...", before netguard's reason.
_NOT_PUBLIC = "is not on the public internet: "
# httpcore looks at every connection of a pool (and polls each idle socket) whenever a request
# starts or a response closes: with one pool of 16 connections that cost 2-3 ms of CPU per
# request, more than anything else a run did (benchmarks/online.py). The run's connections are
# spread over clients of at most this many, so each look is short.
_POOL_SIZE = 4


@dataclass(slots=True)
class _Host:
    """Per-host politeness: a slot limit, a pause (429), and an end (it stopped connecting).

    Nothing is sent before ``not_before``, and nothing at all once ``gone`` (``Silence``).
    """

    slots: asyncio.Semaphore
    silence: Silence
    not_before: float = 0.0
    gone: bool = False


@dataclass(slots=True)
class _Trail:
    """Where a URL's redirects have led so far.

    Kept by the caller of the walk (``Fetcher.open``): a deadline that ends it still names the
    hops answered and the URL asked then.
    """

    current: str
    chain: list[Hop] = dataclasses.field(default_factory=list)

    def which(self, url: str) -> str:
        """The start of a failure's detail that names the URL asked last (``_which``)."""
        return _which(url, self.current)

    @property
    def hops(self) -> tuple[Hop, ...]:
        """The chain so far, as a ``Failure`` holds it."""
        return tuple(self.chain)


@dataclass(frozen=True, slots=True)
class _Asked:
    """A later read's request: its headers, and the part of the file they ask for."""

    headers: dict[str, str]
    spec: str  # the Range header's value, as messages quote it
    start: int | None  # None for a suffix (bytes=-N)
    length: int


class _HostPaused(Exception):
    """``host`` is paused (a 429): the request was not sent; start it again after the pause."""

    def __init__(self, host: _Host) -> None:
        super().__init__("host paused")
        self.host = host


class _HostGone(Exception):
    """``url``'s host stopped taking connections during the run: the request was not sent.

    Raised past the retries (``Fetcher.open``, ``Fetcher._ranged`` catch it): a host that is down
    would cost every URL on it its whole deadline, ``per_host`` at a time.
    """

    def __init__(self, url: str, silent: int) -> None:
        super().__init__("host gone")
        self.url = url
        self.silent = silent

    def failure(self, url: str, budget: Budget) -> Failure:
        """The outcome of ``url`` (which asked ``self.url``, maybe through redirects)."""
        gone = (
            f"its host stopped taking connections during the run ({self.silent} requests in a "
            "row could not connect)"
        )
        if budget.requests and self.url == url:  # its own requests (a target may have had none)
            said = f"was not tried again after {plural(budget.requests, 'request')}: {gone}"
        else:
            said = f"was not requested: {gone}"
        return Failure(FailureKind.TIMEOUT, url, f"{_which(url, self.url)}{said}")


class _PeerNotPublic(Exception):
    """The connection reached a non-public address (``Fetcher._peer_refused``)."""

    def __init__(self, verdict: netguard.NotPublic) -> None:
        super().__init__(verdict.message)
        self.verdict = verdict


class Fetcher:
    """One per run: the shared connections, the global and per-host limits, the retry policy."""

    def __init__(self, settings: Settings, *, guard: Guard = netguard.check_public) -> None:
        self.settings = settings
        self._guard = guard
        # The connected address is judged by the same rule as the name: by netguard's, unless a
        # caller brought its own (tests that treat loopback as public).
        self._peer_guard = netguard.address_problem if guard is netguard.check_public else None
        pools = -(-settings.concurrency // _POOL_SIZE)
        size = -(-settings.concurrency // pools)
        tls = tls_context(trust_env=settings.trust_env)  # the CA bundle once: ~40 ms
        self._answered: set[Origin] = set()
        self._unresolved: dict[str, str] = {}
        """Hosts (``_host_key``) this machine could not resolve, left to the proxy: why not."""
        """Origins that sent an HTTP answer this run: what they send that is not HTTP after
        that came on a connection an earlier answer left bytes in (``_reused_not_http``)."""
        self._no_reuse: set[Origin] = set()
        """Origins whose idle connections are never reused (``polling``): they send bytes past
        the end of an answer."""
        self._clients = [_new_client(settings, size, tls, self._no_reuse) for _ in range(pools)]
        self._in_flight = [0] * pools
        """Requests open on each client: the next goes to the least busy, which has room, as
        the global limit (``_slots``) is the clients' total size."""
        self._slots = asyncio.Semaphore(settings.concurrency)
        self._hosts: dict[str, _Host] = {}
        self._verdicts: dict[tuple[str, int], asyncio.Future[_Verdict]] = {}
        self.requests = 0
        self.bytes_read = 0

    async def aclose(self) -> None:
        """Close the clients, each even if closing another is interrupted (``Session``)."""
        for lookup in self._verdicts.values():  # a run cancelled while a name was looked up
            lookup.cancel()
        closing = contextlib.AsyncExitStack()
        for client in self._clients:
            closing.push_async_callback(client.aclose)
        await closing.__aexit__(*sys.exc_info())  # what is being handled stays the context

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    # --- the first request of a URL ------------------------------------------------------------

    async def open(self, url: str, budget: Budget) -> Response | Failure:
        """GET the first block (``block_size`` bytes) of ``url``.

        Redirects are followed and what is temporary is retried.
        """
        want = self.settings.block_size

        async def attempt() -> Response | Failure:
            trail = _Trail(url)
            if budget.deadline is None:  # the URL's one window, for every request and retry
                budget.deadline = asyncio.get_running_loop().time() + self.settings.deadline
            try:
                async with asyncio.timeout_at(budget.deadline) as clock:
                    return await self._follow(url, want, budget, clock, trail)
            except TimeoutError:
                late = f"gave no complete answer within {self.settings.deadline:g} s"
                detail = f"{trail.which(url)}{late}"
                return Failure(FailureKind.TIMEOUT, url, detail, tuple(trail.chain))

        try:
            return await self._retrying(lambda: self._outside_pauses(url, budget, attempt), budget)
        except _HostGone as gone:
            return gone.failure(url, budget)

    async def _retrying(
        self, attempt: Callable[[], Awaitable[_T | Failure]], budget: Budget
    ) -> _T | Failure:
        """``attempt`` again while it fails for a temporary reason, a few times, with backoff.

        A 429 pauses the host that answered it (``_Host.not_before``): the other requests to
        that host wait it out too, those to other hosts do not. Time spent waiting between
        attempts moves ``budget.deadline`` on: it is not the server's answering time. The window
        is the URL's, not each attempt's: a failure with it spent is not tried again, and a retry
        that only ran out of it does not hide what the server said before (a 503 that came
        slowly is the verdict, not the timeout of the retry that had a second left), nor a
        connection that could not be set up, when the retry's request did not go out either
        ("gave no complete answer" blamed a slow host when ``deadline`` was less than twice
        ``connect_timeout`` and the proxy was down).
        """
        tries = 0
        earlier: Failure | None = None
        while True:
            tries += 1
            outcome = await attempt()
            if not isinstance(outcome, Failure) or not _is_temporary(outcome):
                return _with_attempts(outcome, tries)
            if _window_spent(budget):
                # The server's own answer, not the window's end; and an earlier timeout of its
                # own (a connection never set up) only when this try's request did not go out
                # either: once it had, the host (or proxy) was there, and slow.
                if (
                    outcome.kind is FailureKind.TIMEOUT
                    and earlier is not None
                    and (earlier.kind is not FailureKind.TIMEOUT or not budget.sent)
                ):
                    outcome = earlier
                return _with_attempts(outcome, tries)
            if tries > self.settings.retries:
                return _with_attempts(outcome, tries)
            # Kept for the window's end: what the server said, else a timeout of its own within
            # the window (a connection never set up, its hint the proxy's or the host's).
            if outcome.kind is not FailureKind.TIMEOUT or earlier is None:
                earlier = outcome
            wait = backoff(tries, base=_BACKOFF_BASE, cap=8.0)
            if outcome.retry_after is not None:
                # The server's pauses add up, over all the URL's requests (``_outside_pauses``);
                # our own backoff is not one of them.
                if budget.paused + outcome.retry_after > self.settings.retry_after_cap:
                    return _with_attempts(outcome, tries)
                budget.paused += outcome.retry_after
                wait = max(wait, outcome.retry_after)
                answered = outcome.chain[-1].url if outcome.chain else outcome.url
                host = self._host(_host_key(answered))
                host.not_before = max(host.not_before, time.monotonic() + wait)
            await asyncio.sleep(wait)
            budget.waited(wait)

    async def _outside_pauses(
        self, url: str, budget: Budget, run: Callable[[], Awaitable[_T | Failure]]
    ) -> _T | Failure:
        """``run`` while no host it needs is paused: a 429 pause is the host's time, not this URL's.

        The pause of ``url``'s host is waited out first, holding no slot. A pause met on the way
        (set while the request queued, or on a host a redirect leads to) is waited out, then
        ``run`` starts again, the URL's deadline moved on by the time in line and the pause
        (``Budget.waited``). A host that keeps pausing is waited for at
        most ``retry_after_cap`` seconds in all, then the URL is ``RATE_LIMITED``.
        """
        host = self._hosts.get(_host_key(url))
        while True:
            while host is not None and (pause := host.not_before - time.monotonic()) > 0:
                if budget.paused + pause > self.settings.retry_after_cap:
                    detail = (
                        "is on a host that asked to wait (429) for more than "
                        f"{self.settings.retry_after_cap:g} s in all"
                    )
                    return Failure(FailureKind.RATE_LIMITED, url, detail)
                await asyncio.sleep(pause)
                budget.paused += pause
                budget.waited(pause)
            try:
                return await run()
            except _HostPaused as paused:
                host = paused.host

    async def _follow(
        self, url: str, want: int, budget: Budget, clock: asyncio.Timeout, trail: _Trail
    ) -> Response | Failure:
        chain = trail.chain
        seen: set[str] = set()
        current = url
        while True:
            trail.current = current
            refused = await self._refuse(current, tuple(chain))
            if refused is not None:
                return refused
            seen.add(current)
            headers = {"Range": f"bytes=0-{want - 1}"}
            # Its origin's connections are not reused (``_reused_not_http``): a new one.
            fresh = _origin(current) in self._no_reuse
            try:
                async with self._request(current, headers, budget, clock) as answer:
                    chain.append(Hop(current, answer.status_code))
                    if answer.status_code in _REDIRECTS:
                        target = self._redirect_target(url, current, answer, tuple(chain), seen)
                        if isinstance(target, Failure):
                            return target
                        current = target
                        continue
                    if answer.status_code == 416 and answers.empty_resource(answer):
                        # nginx and others refuse any range of a 0-byte file
                        return Response(current, tuple(chain), 416, None, 0, b"", True, True)
                    if answer.status_code >= 400:
                        failure = _status_failure(url, answer, tuple(chain))
                        if answer.status_code in _GATEWAY and self._proxied(current):
                            said = f"{answer.status_code} {answer.reason_phrase}".strip()
                            unresolved = self._unresolved_failure(url, current, tuple(chain), said)
                            if unresolved is not None:
                                return unresolved
                            return dataclasses.replace(failure, hint=_PROXY_GATEWAY_HINT)
                        return failure
                    if answer.status_code not in (200, 203, 206):  # 204, 304, 300: no file
                        described = f"{answer.status_code} {answer.reason_phrase}".strip()
                        detail = f"answered {described}, which carries no file"
                        return Failure(
                            FailureKind.HTTP_ERROR, url, detail, tuple(chain), answer.status_code
                        )
                    return await self._first_block(current, answer, want, budget, tuple(chain))
            except (_PeerNotPublic, httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
                return self._transport_failure(exc, url, current, tuple(chain), fresh=fresh)

    def _redirect_target(
        self,
        url: str,
        current: str,
        answer: httpx.Response,
        chain: tuple[Hop, ...],
        seen: set[str],
    ) -> str | Failure:
        """Where a redirect of ``current`` leads, or why the chain ends there."""
        status = answer.status_code
        locations = answers.locations(answer)
        if len(locations) > 1:  # httpx joins them with ", ": a URL nobody sent
            shown = " and ".join(quote_url(location) for location in locations[:2])
            detail = f"answered {status} with two Location headers ({shown}), which browsers refuse"
            return Failure(FailureKind.HTTP_ERROR, current, detail, chain, status)
        location = locations[0] if locations else None
        if not location:
            detail = f"answered {status} without a Location header"
            return Failure(FailureKind.HTTP_ERROR, current, detail, chain, status)
        target = _joined(current, location)
        if target is None:
            detail = f"redirects to {quote_url(location)}, which is not a valid URL"
            return Failure(FailureKind.HTTP_ERROR, url, detail, chain, status)
        if target in seen:
            detail = f"redirects back to {quote(target)}"
            return Failure(FailureKind.REDIRECT_LOOP, url, detail, chain, status)
        if len(chain) > self.settings.max_redirects:
            limit = self.settings.max_redirects
            detail = (
                f"redirects more than {limit} times"
                if limit
                else f"redirects to {quote(target)}, and max_redirects is 0"
            )
            return Failure(FailureKind.TOO_MANY_REDIRECTS, url, detail, chain, status)
        return target

    def _transport_failure(
        self, exc: Exception, url: str, current: str, chain: tuple[Hop, ...], *, fresh: bool
    ) -> Failure:
        """What a request of ``current`` (``url`` or a redirect of it) that raised ``exc`` gives.

        A redirect's target is named ("redirects to X, which cannot be connected to"): the URL
        the pin holds answered, and the failure is not its own. ``fresh``: the request went on a
        new connection, where what is not HTTP was the answer itself.
        """
        where = _which(url, current)
        if isinstance(exc, _PeerNotPublic):  # the name answered otherwise when connecting
            detail = f"{where}{_NOT_PUBLIC}{exc.verdict.message} (the address it connected to)"
            return Failure(FailureKind.NOT_PUBLIC, url, detail, chain)
        if isinstance(exc, httpx.TimeoutException):
            detail = f"{where}{_timeout_detail(exc, self.settings)}"
            # Through a proxy, the connection that could not be set up was the proxy's; or, for
            # https through its tunnel, maybe the server's TLS handshake, which shares its timeout.
            hint = None
            if isinstance(exc, httpx.ConnectTimeout) and self._proxied(current):
                tunnel = current[:6].lower() == "https:"
                hint = _PROXY_OR_SERVER_HINT if tunnel else _PROXY_HINT
            return Failure(FailureKind.TIMEOUT, url, detail, chain, hint=hint)
        if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError):
            if str(exc).startswith(_HEADERS_TOO_LARGE):  # the same on every try: no retry
                detail = f"{where}answered with headers too large to read"
                return Failure(FailureKind.HTTP_ERROR, url, detail, chain)
            if str(exc).startswith(_NOT_HTTP) and not fresh and self._reused_not_http(current):
                detail = (
                    f"{where}sent something that is not HTTP on a connection it had answered on "
                    "before (bytes past the end of its earlier answer)"
                )
                return Failure(FailureKind.DROPPED, url, detail, chain, temporary=True)
            if str(exc).startswith(_NOT_HTTP):  # another protocol on that port: no retry
                detail = f"{where}answered with something that is not HTTP"
                return Failure(FailureKind.HTTP_ERROR, url, detail, chain)
            if isinstance(exc, httpx.RemoteProtocolError) and not str(exc).startswith(_DROPPED):
                # A header line without a colon, two Content-Lengths, a Transfer-Encoding HTTP/1.1
                # has not: the server answers so every time, so it is not asked again.
                detail = f"{where}answered with a response that breaks HTTP ({_reason(exc)})"
                return Failure(FailureKind.HTTP_ERROR, url, detail, chain)
            detail = f"{where}dropped the connection ({_reason(exc)})"
            return Failure(FailureKind.DROPPED, url, detail, chain, temporary=True)
        connecting = isinstance(exc, httpx.ConnectError | httpx.ProxyError)
        if connecting and not caused_by(exc, ssl.SSLError) and self._proxied(current):
            # The proxy was connected to, not the server: a proxy that is down fails every URL.
            # (A TLS failure came through the proxy's tunnel from the server: the server's.)
            unresolved = self._unresolved_failure(url, current, chain, _reason(exc))
            if unresolved is not None:  # a name that exists nowhere, most likely: a typo
                return unresolved
            proxy = f"cannot be connected to through the environment's proxy ({_reason(exc)})"
            detail = f"{where}{proxy}"
            return Failure(FailureKind.UNREACHABLE, url, detail, chain, hint=_PROXY_HINT)
        if isinstance(exc, httpx.ConnectError):
            detail = f"{where}cannot be connected to ({_reason(exc)})"
            handshake = caused_by(exc, ssl.SSLError) and not certificate_refused(exc)
            hint = _HANDSHAKE_HINT if handshake else None
            return Failure(FailureKind.UNREACHABLE, url, detail, chain, hint=hint)
        if isinstance(exc, httpx.HTTPError):
            detail = f"{where}failed ({_reason(exc)})" if where else _reason(exc)
            return Failure(FailureKind.UNREACHABLE, url, detail, chain)
        # httpx.InvalidURL or ValueError: an IDNA error in the host, say. A redirect's target
        # passed _valid_url, so this is the first URL; should httpx refuse a target all the
        # same, it is the redirect that is invalid.
        if current == url and not _valid_url(url):
            detail = f"is not a valid URL ({_reason(exc)})"
            return Failure(FailureKind.INVALID_URL, url, detail, chain)
        detail = f"redirects to an invalid URL ({_reason(exc)})"
        return Failure(FailureKind.HTTP_ERROR, url, detail, chain)

    def _reused_not_http(self, url: str) -> bool:
        """Whether something not HTTP from ``url``'s origin may have come on a used connection.

        Such a server sent bytes past the end of an answer (more than its Content-Length), and
        the next answer on that connection began with them: the URL asked then was not at fault.
        From now on the origin's connections are not reused, so asking again gets a new one.
        Whatever else of it is in flight on an older connection meets the same bytes: the same
        answer, for as long as the origin has answered HTTP this run (the tries are capped). A
        server that never has is not HTTP.
        """
        origin = _origin(url)
        if origin is None or origin not in self._answered:
            return False
        self._no_reuse.add(origin)
        return True

    def _unresolved_failure(
        self, url: str, current: str, chain: tuple[Hop, ...], proxy_said: str
    ) -> Failure | None:
        """``media.unreachable`` for a name that resolved neither here nor through the proxy.

        ``None`` if ``current``'s name resolved here: then the proxy's failure is the proxy's.
        """
        reason = self._unresolved.get(_host_key(current))
        if reason is None:
            return None
        detail = (
            f"{_which(url, current)}has a host name that does not resolve here ({reason}), and "
            f"the environment's proxy could not reach it either ({proxy_said})"
        )
        return Failure(FailureKind.UNREACHABLE, url, detail, chain, hint=_UNRESOLVED_HINT)

    def _proxied(self, url: str) -> bool:
        """Whether a request for ``url`` goes through a proxy (one the environment names)."""
        client = self._clients[0]  # every client of the run has the same proxies
        try:
            return client._transport_for_url(httpx.URL(url)) is not client._transport
        except (httpx.InvalidURL, ValueError):
            return False

    async def _first_block(
        self,
        url: str,
        answer: httpx.Response,
        want: int,
        budget: Budget,
        chain: tuple[Hop, ...],
    ) -> Response | Failure:
        content_type = answer.headers.get("content-type")
        encoding = answers.compression(answer)
        if encoding is not None:  # compressed although asked not to: the prober
            data = await answers.read_at_most(answer, min(want, budget.remaining))  # inflates it
            budget.take(len(data))
            self.bytes_read += len(data)
            status = answer.status_code
            return Response(
                url, chain, status, content_type, None, data, False, False, encoding=encoding
            )
        if answer.status_code == 206:
            span = answers.content_range(answer)
            shown = answers.shown_range(answer)
            if span is None or span[0] != 0 or (span[2] is not None and span[1] >= span[2]):
                # A part that cannot be placed in the file says nothing about the file; and a
                # 206's Content-Length is the part's, so it cannot stand for the file's size.
                what = (
                    "a Content-Range that cannot be read"
                    if span is None
                    else "other bytes"
                    if span[0] != 0
                    else "a Content-Range past the end of the file it states"
                )
                detail = f"answered bytes=0- with {what} ({shown})"
                return Failure(FailureKind.HTTP_ERROR, url, detail, chain, 206)
            total = span[2]
            asked = min(want, budget.remaining)
            data = await answers.read_at_most(answer, asked)
            budget.take(len(data))
            self.bytes_read += len(data)
            if len(data) < min(asked, span[1] + 1):
                # Judged as the file's start, the few bytes sent would make it "of unknown
                # type", "empty" or "cut off": the server's answer does not hold together.
                stated = answer.headers.get("content-range")  # readable: span is not None
                detail = (
                    f"answered bytes=0- with {len(data):,} bytes where its Content-Range "
                    f"({stated}) promised {span[1] + 1:,}"
                )
                return Failure(FailureKind.HTTP_ERROR, url, detail, chain, 206)
            budget.size, budget.validator = total, answers.strong_etag(answer)
            complete = total is not None and len(data) >= total
            return Response(url, chain, 206, content_type, total, data, complete, ranges=True)
        part = answers.content_range(answer) if "content-range" in answer.headers else None
        if part is not None and (part[0] != 0 or (part[2] is not None and part[1] + 1 < part[2])):
            # A 206 whose status a proxy or an edge function rewrote: judged as the whole file,
            # its first block was "cut off".
            shown = answer.headers.get("content-range")
            detail = (
                f"answered {answer.status_code} with the Content-Range of a part of the file "
                f"({shown}): whole and a part at once"
            )
            return Failure(
                FailureKind.HTTP_ERROR, url, detail, chain, answer.status_code, hint=_PART_HINT
            )
        return await self._read_whole(url, answer, want, budget, chain, content_type)

    async def _read_whole(
        self,
        url: str,
        answer: httpx.Response,
        want: int,
        budget: Budget,
        chain: tuple[Hop, ...],
        content_type: str | None,
    ) -> Response:
        """A 200 that ignored Range: read up to the cap, then hang up.

        When its Content-Length is over the cap already, the file will not be read whole
        (its end unchecked, a video not parsed): its first block, what says what it is and an
        image's size, is all that is read.
        """
        total = answers.declared_length(answer)
        limit = budget.remaining
        if total is not None and total > limit:
            limit = min(limit, want)
        data = await answers.read_at_most(answer, limit + 1)
        cut = len(data) > limit or (total is not None and total > limit)
        data = data[:limit]
        budget.take(len(data))
        self.bytes_read += len(data)
        complete = not cut and (total is None or len(data) >= total)
        if complete:
            total = len(data)
        return Response(
            url,
            chain,
            answer.status_code,
            content_type,
            total,
            data,
            complete,
            ranges=False,
            truncated_at_cap=cut,
        )

    # --- later reads of the same resource ------------------------------------------------------

    async def read_range(self, url: str, start: int, end: int, budget: Budget) -> bytes:
        """Bytes ``start..end`` (inclusive) of the final URL of an ``open``.

        ``b""`` when the budget is spent or the server no longer honours Range (a 200, a 416):
        the caller reports what it could read. Raises ``ReadFailed`` when the read fails (5xx,
        timeout, reset, the wrong bytes), after the retries: the file was not shown to be
        broken, the server was; ``ResourceChanged`` when the bytes come from another file.
        """
        end = min(end, start + budget.remaining - 1)
        if end < start:
            return b""
        return await self._ranged(url, f"bytes={start}-{end}", end - start + 1, budget, start)

    async def read_suffix(self, url: str, length: int, budget: Budget) -> bytes:
        """The last ``length`` bytes: where JPEG and PNG keep their end markers.

        ``b""`` when the budget cannot take all of them: the first few of a suffix are not its
        end, and would be judged as if they were.
        """
        if budget.remaining < length:
            return b""
        return await self._ranged(url, f"bytes=-{length}", length, budget, None)

    async def _ranged(
        self, url: str, spec: str, length: int, budget: Budget, start: int | None
    ) -> bytes:
        if budget.remaining <= 0:
            return b""
        if budget.deadline is None:  # a file opened elsewhere: its window starts here
            budget.deadline = asyncio.get_running_loop().time() + self.settings.deadline

        headers = {"Range": spec}
        if budget.validator is not None:  # a file replaced since is sent whole (200), not mixed
            headers["If-Range"] = budget.validator

        async def attempt() -> bytes | Failure:
            trail = _Trail(url)
            try:
                async with asyncio.timeout_at(budget.deadline) as clock:
                    asked = _Asked(headers, spec, start, length)
                    return await self._follow_later(url, asked, budget, clock, trail)
            except TimeoutError:
                late = "stopped answering the ranged reads within the deadline"
                return Failure(FailureKind.TIMEOUT, url, f"{trail.which(url)}{late}", trail.hops)

        try:
            outcome = await self._retrying(
                lambda: self._outside_pauses(url, budget, attempt), budget
            )
        except _HostGone as gone:
            outcome = gone.failure(url, budget)
        if isinstance(outcome, Failure):  # said so: the URL that fails had answered the first read
            raise ReadFailed(dataclasses.replace(outcome, detail=f"{_LATER}{outcome.detail}"))
        budget.take(len(outcome))
        self.bytes_read += len(outcome)
        if outcome:  # the reads went on: an earlier one's shortfall is not why they stop
            budget.shortfall = None
        return outcome

    async def _follow_later(
        self, url: str, asked: _Asked, budget: Budget, clock: asyncio.Timeout, trail: _Trail
    ) -> bytes | Failure:
        """One later ranged read of ``url``, its redirects followed as the first read's were.

        A CDN may send the reads after the first to its origin. Redirects that lead nowhere (a
        loop, too many, no Location or two, a scheme that is not http(s), an invalid target)
        give no bytes, and say why (``Budget.shortfall``): the URL answered its first read, so
        it does not fail (the crawler may never ask for a range), but nothing more can be read
        of it. What fails where a redirect led is told as the first read's failures are
        ("redirects to X, which ...").
        """
        chain = trail.chain
        seen: set[str] = set()
        current = url
        while True:
            trail.current = current
            if current != url:
                if not current.lower().startswith(("http://", "https://")):
                    scheme = f"redirects to {quote_url(current)}, which is not an http(s) URL"
                    failure = Failure(FailureKind.HTTP_ERROR, chain[-1].url, scheme, trail.hops)
                    return _dead_end(budget, failure, url)
                refused = await self._refuse(current, trail.hops)
                if refused is not None:  # a redirect to where Pinterest cannot go
                    return refused
            seen.add(current)
            fresh = _origin(current) in self._no_reuse
            try:
                async with self._request(current, asked.headers, budget, clock) as answer:
                    chain.append(Hop(current, answer.status_code))
                    if answer.status_code not in _REDIRECTS:
                        return await self._later_part(answer, asked, budget, url, trail)
                    target = self._redirect_target(url, current, answer, trail.hops, seen)
                    if isinstance(target, Failure):
                        return _dead_end(budget, target, url)
                    current = target
            except _PeerNotPublic as exc:
                if current != url:
                    return self._transport_failure(exc, url, current, trail.hops, fresh=fresh)
                where = f"reached an address that {_NOT_PUBLIC}{exc.verdict.message}"
                return Failure(FailureKind.NOT_PUBLIC, url, where)
            except httpx.HTTPError as exc:
                if current != url:
                    return self._transport_failure(exc, url, current, trail.hops, fresh=fresh)
                if isinstance(exc, httpx.TimeoutException):  # read_timeout, not the deadline
                    late = _timeout_detail(exc, self.settings)
                    return Failure(FailureKind.TIMEOUT, url, late)
                if str(exc).startswith(_NOT_HTTP):  # asked again on a new connection
                    self._reused_not_http(url)
                detail = f"dropped the connection ({_reason(exc)})"
                return Failure(FailureKind.DROPPED, url, detail, temporary=True)
            except (httpx.InvalidURL, ValueError) as exc:  # httpx refused a target _joined passed
                invalid = f"redirects to an invalid URL ({_reason(exc)})"
                failure = Failure(FailureKind.HTTP_ERROR, url, invalid, trail.hops)
                return _dead_end(budget, failure, url)

    async def _later_part(
        self, answer: httpx.Response, asked: _Asked, budget: Budget, url: str, trail: _Trail
    ) -> bytes | Failure:
        """The bytes of a later read's answer; ``b""`` when it holds none of the file's.

        A failure is told of ``url``, the URL read, through the redirects in ``trail``.
        """
        spec, start, length = asked.spec, asked.start, asked.length
        status = answer.status_code
        if status in (200, 206) and budget.validator is not None:
            # A 200 to If-Range is the new file whole; a 206 under another ETag, a server
            # that ignored If-Range. Either may also be a farm of servers whose ETags for one
            # file differ (its date on each): the parts cannot be told to be of one file.
            etag = answers.strong_etag(answer)
            if etag is not None and etag != budget.validator:
                raise ResourceChanged(
                    f"was replaced while it was read, or the servers behind it give it "
                    f"different ETags ({budget.validator}, then {etag})"
                )
        if status == 416:  # nothing there: the file may be shorter than the first answer said
            _check_size(budget, answers.unsatisfiable_size(answer))
            refused = f"the server refused {_LATER_READ} as out of range (416)"
            # A suffix (bytes=-12, the file's last bytes) is never past a file's end: a server
            # that refuses it does not take suffix ranges, and the file is not the shorter.
            fix = _SUFFIX_FIX if start is None else _SIZE_FIX
            budget.shortfall = Shortfall(refused, fix)
            return b""
        if status == 200:  # Range not honoured after all: its body is not read (the whole file)
            kind = (answer.headers.get("content-type") or "").partition(";")[0].strip().lower()
            if kind in _PAGE_TYPES:  # a bot check or a login page, not the file at all
                paged = (
                    f"the server answered {_LATER_READ} with a page (200, Content-Type: {kind}), "
                    "not the file"
                )
                budget.shortfall = Shortfall(paged, _PAGE_FIX)
                return b""
            ignored = f"the server ignored Range on {_LATER_READ} (it answered 200, the whole file)"
            budget.shortfall = Shortfall(ignored, _RANGE_FIX)
            return b""
        if status != 206:
            failure = _status_failure(url, answer, ())  # "(after 1 redirect)": named instead
            said = f"{trail.which(url)}{failure.detail}"
            return dataclasses.replace(failure, detail=said, chain=trail.hops)
        encoding = answers.compression(answer)
        if encoding is not None:  # compressed bytes are not the file's bytes
            compressed = (
                f"the server compressed {_LATER_READ} (Content-Encoding: {encoding}), although "
                "asked for the file as it is (identity)"
            )
            budget.shortfall = Shortfall(compressed, COMPRESSED_FIX)
            return b""
        skip = 0
        if not answers.span_matches(answer, start, length):
            within = answers.span_holding(answer, start, length)
            if within is None:
                other = f"answered {spec} with other bytes ({answers.shown_range(answer)})"
                return Failure(
                    FailureKind.HTTP_ERROR, url, f"{trail.which(url)}{other}", trail.hops
                )
            # More than asked, the bytes asked for among them (the whole file, to a suffix):
            # read through to them, within the byte cap, or not at all.
            skip = within
            if skip + length > budget.remaining:
                budget.past_cap = True
                return b""
        total = answers.content_range(answer)
        _check_size(budget, total[2] if total is not None else None)
        if skip:  # one read: the bytes asked for may begin inside a chunk
            data = await answers.read_at_most(answer, skip + length)
            passed = min(len(data), skip)  # counted here; the caller counts the rest
            budget.take(passed)
            self.bytes_read += passed
            return data[skip:]
        return await answers.read_at_most(answer, min(length, budget.remaining))

    # --- plumbing ------------------------------------------------------------------------------

    @asynccontextmanager
    async def _request(
        self, url: str, headers: dict[str, str], budget: Budget, clock: asyncio.Timeout
    ) -> AsyncIterator[httpx.Response]:
        """One GET, under the per-host and global limits, unless the host is paused (a 429).

        ``clock`` (the caller's deadline) and the later reads' deadline are moved on by the time
        spent queueing for the slots: a calendar of 10,000 pins on one CDN queues for long, and
        that is not the server being slow. A request that cannot connect in time counts towards
        the host's ``Silence``; once the host has stopped taking connections, nothing more is
        sent to it (``_HostGone``).
        """
        host = self._host(_host_key(url))
        loop = asyncio.get_running_loop()
        queued, when = loop.time(), clock.when()
        clock.reschedule(None)  # stopped while in line, started again with what was left
        # The host's slot first: a request queued for a busy host holds none of the global ones.
        async with host.slots:
            if host.not_before > time.monotonic():
                budget.waited(loop.time() - queued)  # in line: not the server's time either
                raise _HostPaused(host)  # paused (429) while this one queued: waited out above
            # While this one queued, maybe: its turn would be a deadline more. Not through a proxy
            # (http:// and https:// of one host may go apart): the verdict is the direct ones'.
            if host.gone and not self._proxied(url):
                raise _HostGone(url, host.silence.count)
            async with self._slots:
                waited = loop.time() - queued
                if when is not None:
                    clock.reschedule(when + waited)
                budget.waited(waited)
                self.requests += 1
                budget.requests += 1
                in_flight = self._in_flight
                pool = in_flight.index(min(in_flight))
                in_flight[pool] += 1
                budget.sent = False
                trace = _telling_sent(budget)
                try:
                    async with _get(self._clients[pool], url, headers, trace) as (answer, proxied):
                        if not proxied:  # a proxy's answer says nothing of the host
                            host.silence.answered()
                        if not proxied:
                            self._answered.add(_answer_origin(answer.request.url))
                        refused = None if proxied else self._peer_refused(answer)
                        if refused is not None:
                            raise _PeerNotPublic(refused)
                        yield answer
                except httpx.ConnectTimeout:
                    # The host, not the file: no connection to it can be set up. A request that
                    # connected and got no headers may be its file's fault (one route of a proxy
                    # whose backend hangs, while the host's other files answer at once): not so.
                    # Through a proxy, neither tells anything of the host: it is never written off.
                    if not self._proxied(url):
                        host.gone = host.gone or host.silence.unanswered()
                    raise
                except (httpx.ReadTimeout, httpx.WriteTimeout):  # connected: the host is there
                    if not self._proxied(url):
                        host.silence.answered()
                    raise
                finally:
                    in_flight[pool] -= 1

    def _peer_refused(self, answer: httpx.Response) -> netguard.NotPublic | None:
        """The address the connection reached, if it is not public (netguard: DNS rebinding).

        The name was checked before the request, but the client resolves it again to connect,
        and a name with a short TTL can answer otherwise then. This is judged once the answer's
        head has come: the request was sent by then (README, "Addresses"). Through a proxy
        the peer is the proxy, which resolves the name itself: not judged. Whether a proxy
        takes the URL is httpx's own decision (its NO_PROXY rules differ from urllib's).
        """
        if self._peer_guard is None or self.settings.allow_private_hosts:
            return None
        stream = answer.extensions.get("network_stream")
        peer = stream.get_extra_info("server_addr") if stream is not None else None
        sent = answer.request.url  # parsed already: the name httpx connected to is its raw_host
        if not peer:
            return None
        try:
            return self._peer_guard(sent.raw_host.decode("ascii"), str(peer[0]))
        except ValueError:  # not an IP address (a Unix socket): nothing to judge
            return None

    async def _refuse(self, url: str, chain: tuple[Hop, ...]) -> Failure | None:
        """A URL Pinterest could never fetch: not http(s), or on a non-public address."""
        try:
            parts = urlsplit(url)
        except ValueError:  # a caller of Fetcher itself (the rules refuse it): "[abc]" as a host
            return Failure(FailureKind.INVALID_URL, url, "cannot be read as a URL", chain)
        given = chain[0].url if chain else url  # what the pin holds, which the finding names
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            where = "redirects to" if chain else "is"
            detail = f"{where} {quote_url(url)}, which is not an http(s) URL"
            # Not the catalogue's "host it publicly (for local tests: --allow-private-hosts)":
            # no address makes an ftp: or file: URL one that Pinterest fetches.
            return Failure(FailureKind.NOT_PUBLIC, given, detail, chain, hint=_NOT_HTTP_FIX)
        if self.settings.allow_private_hosts:
            return None
        try:
            port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
        except ValueError:  # out of range: a caller of Fetcher itself (the rules refuse it)
            return Failure(FailureKind.INVALID_URL, url, "has a port out of range", chain)
        verdict = await self._verdict(_connected_name(url) or parts.hostname, port)
        where = _which(given, url)
        if isinstance(verdict, netguard.NotPublic):
            detail = f"{where}{_NOT_PUBLIC}{verdict.message}"
            return Failure(FailureKind.NOT_PUBLIC, given, detail, chain)
        if isinstance(verdict, netguard.ResolveError):
            if self._proxied(url):  # behind a proxy that alone may resolve public names
                self._unresolved[_host_key(url)] = verdict.reason  # named if the proxy fails
                return None  # the proxy looks the name up; what it answers is the verdict
            if verdict.temporary:  # the resolver's "try again later": the name may be right
                detail = f"{where}has a host name that could not be looked up ({verdict.reason})"
            else:
                detail = f"{where}has a host name that does not resolve ({verdict.reason})"
            kind = FailureKind.UNREACHABLE
            return Failure(kind, given, detail, chain, temporary=verdict.temporary)
        return None

    async def _verdict(self, host: str, port: int) -> _Verdict:
        """The guard's verdict on ``host``, asked once per run for each host and port.

        Asked for every URL, before a request slot is taken, a calendar of 10,000 pins on one CDN
        had the resolver look its name up 10,000 times, every lookup at once. The address each
        connection reaches is judged again (``_peer_refused``): a name that moves to a private
        address during the run is still refused. A failure that may pass (``temporary``) is not
        kept, so a retry asks again; nor is a lookup that raised or was cancelled.
        """
        key = (host, port)
        lookup = self._verdicts.get(key)
        if lookup is None:
            lookup = self._verdicts[key] = asyncio.ensure_future(self._guard(host, port))
            lookup.add_done_callback(lambda done: self._forget_passing(key, done))
        return await asyncio.shield(lookup)  # one caller's deadline does not end the others'

    def _forget_passing(self, key: tuple[str, int], lookup: asyncio.Future[_Verdict]) -> None:
        """Drop ``lookup`` from the run's verdicts unless it is one to keep (``_verdict``)."""
        if not lookup.cancelled() and lookup.exception() is None:  # retrieved: no log of it
            verdict = lookup.result()
            if not (isinstance(verdict, netguard.ResolveError) and verdict.temporary):
                return
        if self._verdicts.get(key) is lookup:
            del self._verdicts[key]

    def _host(self, key: str) -> _Host:
        host = self._hosts.get(key)
        if host is None:
            settings = self.settings
            silence = Silence(settings.per_host, settings.deadline)
            host = self._hosts[key] = _Host(asyncio.Semaphore(settings.per_host), silence)
        return host


_NOT_HTTP_FIX = (
    "Pinterest fetches media over http(s) only: point the URL (or the server's redirect) at the "
    "file's https:// address."
)


def _new_client(
    settings: Settings, size: int, tls: ssl.SSLContext, no_reuse: set[Origin]
) -> httpx.AsyncClient:
    """A client of the run: pooled, no redirects of its own, identity encoding, our timeouts."""
    timeout = httpx.Timeout(
        connect=settings.connect_timeout,
        read=settings.read_timeout,
        write=settings.read_timeout,
        pool=settings.deadline,
    )
    headers = {
        "User-Agent": user_agent(settings.user_agent),
        "Accept-Encoding": "identity",  # byte ranges of the file itself, not of a gzip
    }
    client = async_client(
        verify=tls,
        timeout=timeout,
        limits=httpx.Limits(max_connections=size, max_keepalive_connections=size),
        headers=headers,
        follow_redirects=False,
        trust_env=settings.trust_env,
    )
    poll_sockets_directly(client, no_reuse)  # idle connections checked without anyio's table
    return client


def _window_spent(budget: Budget) -> bool:
    """Whether the URL's deadline has passed: another attempt would time out at once."""
    deadline = budget.deadline
    return deadline is not None and asyncio.get_running_loop().time() >= deadline


def _telling_sent(budget: Budget) -> Callable[[str, dict[str, Any]], Awaitable[None]]:
    """The trace callback (httpcore's) of a request: ``budget.sent`` once its headers went out."""

    async def trace(event: str, info: dict[str, Any]) -> None:
        if event == "http11.send_request_headers.complete":
            budget.sent = True

    return trace


@asynccontextmanager
async def _get(
    client: httpx.AsyncClient,
    url: str,
    headers: dict[str, str],
    trace: Callable[[str, dict[str, Any]], Awaitable[None]] | None = None,
) -> AsyncIterator[tuple[httpx.Response, bool]]:
    """GET ``url`` with ``client``'s headers and timeouts; the answer, and whether it was proxied.

    The request goes straight to the transport httpx picks for the URL (a proxy's, by httpx's own
    NO_PROXY rules, or the pool's), past the client's ``send``: its cookie jar, its auth and
    redirect layers (redirects are followed in ``Fetcher._follow``), and the next request it
    builds from every 3xx. They cost the event loop about 130 µs per request (15 % of its CPU
    in benchmarks/online.py), for nothing this run wants. Without the jar, no verdict depends on
    which URLs the run fetched before: no cookie that one URL's server set goes to another.
    ``_transport_for_url`` is private, and present in every httpx from 0.18 on (pyproject.toml
    asks for >=0.27,<1). What the client did that a check needs is done here: a user name and
    password in the URL are sent as Basic credentials, and a closed client sends nothing.
    """
    if client.is_closed:  # a video thread's late read, after the run closed: no new connection
        raise RuntimeError("the run's HTTP client is closed")
    merged = client.headers.copy()
    merged.update(headers)
    extensions: dict[str, Any] = {"timeout": client.timeout.as_dict()}
    if trace is not None:  # httpcore's: told as the request goes out (``Budget.sent``)
        extensions["trace"] = trace
    request = httpx.Request("GET", url, headers=merged, extensions=extensions)
    if request.url.username or request.url.password:  # as the client did: "://:@" is none
        basic = httpx.BasicAuth(request.url.username, request.url.password)
        request = next(basic.sync_auth_flow(request))  # sets Authorization, as the client did
    transport = client._transport_for_url(request.url)
    answer = await transport.handle_async_request(request)
    answer.request = request
    try:
        yield answer, transport is not client._transport
    finally:
        await answer.aclose()


_HANDSHAKE_HINT = (
    "The TLS handshake failed: check that the server speaks https on that port (or whether the "
    "URL should be http://, or name another port), and its TLS setup."
)
_PART_HINT = (
    "Fix the server, CDN or edge function between: it answers a range request with the part "
    "asked for, but as a whole file (status 200). Pinterest asks without a range, so it may get "
    "the file whole: the file itself could not be judged here."
)
_PROXY_OR_SERVER_HINT = (
    "This went through the environment's proxy (HTTPS_PROXY or ALL_PROXY): the proxy, or the "
    "server's TLS handshake through its tunnel, took too long. Check that the proxy is up, or run "
    "without it (trust-env = false in [tool.pin-preflight]); if it is fine, retry later, or serve "
    "the file from a faster host or CDN."
)
_PROXY_HINT = (
    "Check the proxy that HTTPS_PROXY, HTTP_PROXY or ALL_PROXY names (is it up, is its name "
    "right?), or run without it (trust-env = false in [tool.pin-preflight]); if the proxy is "
    "fine, check the URL's host as for any URL."
)


def _connected_name(url: str) -> str | None:
    """The host name as httpx looks it up and connects to it; ``None`` if httpx cannot read it.

    httpx encodes IDNA 2008 (``straße`` is ``xn--strae-oqa``), where Python's resolver would
    encode IDNA 2003 (``strasse``): another name, which a DNS zone may point elsewhere.
    """
    try:
        return httpx.URL(url).raw_host.decode("ascii")
    except (httpx.InvalidURL, ValueError):
        return None


_DEFAULT_PORTS = {"http": 80, "https": 443}


def _answer_origin(url: httpx.URL) -> Origin:
    """The origin httpcore connected to for ``url``: its host as sent, and its port."""
    return url.raw_host.decode("ascii"), url.port or _DEFAULT_PORTS.get(url.scheme, 0)


def _origin(url: str) -> Origin | None:
    """``_answer_origin`` of a URL as text; ``None`` if httpx cannot read it."""
    try:
        return _answer_origin(httpx.URL(url))
    except (httpx.InvalidURL, UnicodeDecodeError, ValueError):
        return None


def _host_key(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:  # a broken [IPv6] host: refused by _refuse before any request
        return url
    try:
        port = parts.port
    except ValueError:  # out of range: refused by _refuse before any request
        port = None
    return f"{parts.hostname}:{port}"


def _joined(base: str, location: str) -> str | None:
    """The redirect target, or ``None`` when it cannot be a URL (a bad port, a broken host)."""
    try:
        target = urljoin(base, location)
    except ValueError:
        return None
    return target if _valid_url(target) else None


def _valid_url(url: str) -> bool:
    """Whether httpx can send to ``url``: a port in range, a host name IDNA takes."""
    try:
        urlsplit(url).port  # noqa: B018 - raises for a port out of range
        httpx.URL(url).host  # noqa: B018 - raises for a host name IDNA refuses ("xn--")
    except (ValueError, httpx.InvalidURL):
        return False
    return True


def _check_size(budget: Budget, size: int | None) -> None:
    """Raise ``ResourceChanged`` if a later answer states another size than the first one."""
    if budget.size is not None and size is not None and size != budget.size:
        raise ResourceChanged(
            f"was replaced while it was read, or its server misstates its size (its size went "
            f"from {budget.size:,} to {size:,} bytes)"
        )


_UNRESOLVED_HINT = (
    "Check the URL's host name (a typo, or a name only your own network knows, which Pinterest "
    "cannot fetch); if it is right, check the proxy, or retry later."
)

# What a proxy answers itself when it cannot resolve or reach the host: through one, these may
# mean the URL's host name is wrong, which a retry will not mend (Squid's ERR_DNS_FAIL is a 503).
_GATEWAY = frozenset({502, 503, 504})
_PROXY_GATEWAY_HINT = (
    "This came through the environment's proxy, which answers so itself when it cannot resolve "
    "or reach the host: check the URL's host name; if it is right, retry later."
)


def _status_failure(url: str, answer: httpx.Response, chain: tuple[Hop, ...]) -> Failure:
    status = answer.status_code
    described = f"{status} {answer.reason_phrase}".strip()
    via = (
        f" (after {len(chain) - 1} redirect{'s' if len(chain) > 2 else ''})"
        if len(chain) > 1
        else ""
    )
    detail = f"answered {described}{via}"
    if status in (401, 403):
        kind = FailureKind.FORBIDDEN
    elif status in (404, 410):
        kind = FailureKind.NOT_FOUND
    elif status == 408:  # the server tired of waiting for the request: a timeout, retried
        kind = FailureKind.TIMEOUT
    elif status == 429:
        kind = FailureKind.RATE_LIMITED
    elif 500 <= status < 600:  # 600 and up are no HTTP status: not worth a retry
        kind = FailureKind.SERVER_ERROR
    else:
        kind = FailureKind.HTTP_ERROR
    retry_after = (
        parse_retry_after(answer.headers.get("retry-after")) if status in (429, 503) else None
    )
    if retry_after is not None:
        detail += f", Retry-After {seconds(retry_after)}"
    return Failure(kind, url, detail, chain, status, retry_after)


#: What to do about a server that compresses what was asked for as it is: no byte cap or Range
#: support mends it.
COMPRESSED_FIX = (
    "Have the server (or the CDN in front of it) send media files as they are: no gzip or "
    "brotli for images and videos (they are compressed already), and Accept-Encoding: identity "
    "honoured."
)
# What the shortfalls of later reads are about (``Budget.shortfall``).
_LATER_READ = "a read past its first block"
# How a later read's failure begins: the URL answered the first read, so what failed is not a
# URL that cannot be fetched at all (the user who opens it sees the file).
_LATER = "sent its first block, then "
_REDIRECTED_FIX = (
    "Have the server (or the CDN in front of it) answer a ranged request for this file as it "
    "answers the first one, or fix where it redirects such requests to."
)
_LIMIT_FIX = (
    "Raise max_redirects if the chain is right, or have the server answer a ranged request for "
    "this file where it answers the first one."
)
_RANGE_FIX = (
    "Have the server (or the CDN in front of it) honour Range on every request for this file, as "
    "it did on the first: a whole file sent for a part is not read, whatever the byte cap."
)
# What a server sends instead of a file: a page (HTML, or an error in XML or JSON).
_PAGE_TYPES = frozenset(
    {"text/html", "application/xhtml+xml", "text/xml", "application/xml", "application/json"}
)
_PAGE_FIX = (
    "The server (or a bot check or firewall in front of it) answered a repeated request for the "
    "file with a page: Pinterest's crawler may get that page too. Check the file's URL from "
    "another network, and the CDN's bot protection or rate limits."
)
_SUFFIX_FIX = (
    "The server does not take a range counted from the file's end (Range: bytes=-N), so the "
    "file's last bytes were not read; have it honour such ranges (RFC 9110 §14.1.2) to check "
    "that the file is whole."
)
_SIZE_FIX = (
    "Check again: the file may have been replaced by a shorter one while it was read. If this "
    "comes back, the server states a size (Content-Range) larger than the file it serves."
)


def _dead_end(budget: Budget, failure: Failure, url: str) -> bytes:
    """No bytes from a later read of ``url`` whose redirects lead nowhere, and why."""
    said = (
        f"it {failure.detail}" if failure.url == url else f"{quote(failure.url)} {failure.detail}"
    )
    if failure.kind is FailureKind.TOO_MANY_REDIRECTS:  # the limit set here stopped them
        reason = f"the server redirects {_LATER_READ}, past max_redirects: {said}"
        fix = _LIMIT_FIX
    else:
        reason = f"the server redirects {_LATER_READ}, and the redirects lead nowhere: {said}"
        fix = _REDIRECTED_FIX
    budget.shortfall = Shortfall(f"{reason} (chain: {chain_text(failure.chain)})", fix)
    return b""


def _is_temporary(failure: Failure) -> bool:
    if failure.kind is FailureKind.TIMEOUT:
        return True
    if failure.status in _TEMPORARY_STATUSES:
        return True
    return failure.temporary


def _with_attempts(outcome: _T | Failure, attempts: int) -> _T | Failure:
    if isinstance(outcome, Failure) and attempts > 1:
        return dataclasses.replace(outcome, attempts=attempts)
    return outcome


def _which(url: str, current: str) -> str:
    """The start of a failure's detail when a redirect of ``url`` led to ``current``.

    "redirects to CURRENT, which " (then "cannot be connected to"...); nothing when ``url``
    itself was asked.
    """
    return f"redirects to {quote(current)}, which " if current != url else ""


def _timeout_detail(exc: httpx.TimeoutException, settings: Settings) -> str:
    if isinstance(exc, httpx.ConnectTimeout):
        # TCP's handshake, or TLS's after it: both within the connect timeout.
        return f"did not set up a connection within {settings.connect_timeout:g} s"
    return f"stopped sending for more than {settings.read_timeout:g} s"


def _reason(exc: Exception) -> str:
    """The exception's words, without the raw bytes h11 quotes (what another service said).

    httpx's and anyio's errors are often wordless (a TLS handshake the server hung up on: a
    ConnectError from an EndOfStream): the first words along the chain of causes are given.
    """
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        text = _RAW_BYTES.sub("…", str(cause).strip())
        if text:
            return text
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return type(exc).__name__


_RAW_BYTES = re.compile(r"bytearray\(b(['\"]).*?\1\)|\bb(['\"]).*?\2", re.DOTALL)
