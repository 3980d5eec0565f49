"""Pinterest's API v5 as the account checks ask it: one GET at a time, with the token.

``ApiClient.get`` sends a ``GET {api_base}/{path}`` with the token in its ``Authorization``
header and gives the final answer (``Reply``: its status and JSON body), or why there is none
(``Problem``: a finding waiting for its field). It retries what is temporary (429 after its
``Retry-After``, 408, 5xx, a 200 that is not JSON, transport failures), holds every question
back while Pinterest throttles the account, reads at most 5 MB of an answer as sent (a
compressed one is inflated within that), and scrubs the token from every text of every answer
as it arrives. What the answers mean for a pin is ``pinterest.account``'s to say.

The client is its own small ``httpx.AsyncClient``, not the media fetcher's: the media client
follows redirects itself, guards addresses and caps bytes for URLs found in payloads, while this
one talks to one configured, trusted API base (``Settings.api_base``, not subject to
``allow_private_hosts``), follows no redirect (a token must not be sent on), and carries the
token. Every call has the connect and read timeouts and the ``deadline`` of the settings.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from pydantic import SecretStr

from validator.codes.base import Code
from validator.codes.platform import PLATFORM_SERVER_ERROR, PLATFORM_TIMEOUT, PLATFORM_UNKNOWN
from validator.codes.rate_limit import RATE_LIMIT_EXCEEDED
from validator.compression import inflate
from validator.findings import Finding
from validator.httpclient import async_client, certificate_refused, speaks_no_tls, user_agent
from validator.messages import plural, quote, seconds, without_url_tokens
from validator.pinterest.errors import REQUEST_ID_HEADER, shown_request_id
from validator.settings import Settings
from validator.waiting import Silence, backoff, parse_retry_after

__all__ = ["NOT_MADE", "ApiClient", "Problem", "Reply"]

# The largest answer read: a page of 250 boards is some 100 KB; a body larger than this is not
# an answer to these questions, and is not held in memory.
_MAX_BODY = 5 * 1024 * 1024

# How a question that got no usable answer ends its message; the token check's replaces it with
# what it means for the run (``AccountChecker._ask_user``).
NOT_MADE = ": the check could not be made"


@dataclass(frozen=True, slots=True)
class Problem:
    """Why an answer is missing or negative, ready to become a finding on any field."""

    code: Code
    message: str
    hint: str | None = None
    stops: bool = False
    """Nothing else is worth asking (the token check showed the API is not there)."""
    unanswered: bool = False
    """No HTTP answer came on any try (timeouts, connections refused or dropped)."""

    def finding(self, field: str | None) -> Finding:
        return self.code.finding(field, self.message, self.hint)


@dataclass(frozen=True, slots=True)
class Reply:
    """A final HTTP answer: its status and JSON body (``None`` when the body is not JSON)."""

    status: int
    body: Any
    request_id: str | None = None
    """Pinterest's ``x-pinterest-rid``, scrubbed of the token: what its support asks for."""

    @property
    def code(self) -> int | None:
        code = self.body.get("code") if isinstance(self.body, dict) else None
        return code if isinstance(code, int) and not isinstance(code, bool) else None


class ApiClient:
    """GETs from Pinterest's API with one token, for one run; ``aclose`` when done.

    Create it inside the run's event loop. ``requests`` counts the HTTP requests sent.
    """

    def __init__(self, settings: Settings, token: SecretStr) -> None:
        self.settings = settings
        self._token = token
        self.base = settings.api_base.rstrip("/")
        """The API base the paths are asked of, without a trailing slash."""
        self.requests = 0
        self._client = async_client(
            timeout=httpx.Timeout(
                settings.read_timeout,
                connect=settings.connect_timeout,
                pool=settings.deadline,
            ),
            limits=httpx.Limits(max_connections=settings.per_host),
            follow_redirects=False,
            # Plain answers only: a compressed one is inflated before any size cap could count
            # it (a few KB of nested gzip is gigabytes).
            headers={
                "Accept": "application/json",
                "Accept-Encoding": "identity",
                "User-Agent": user_agent(settings.user_agent),
            },
            # A proxy from the environment would see the token in the clear over http (allowed
            # for a loopback test server); over https it sees only a tunnel.
            trust_env=settings.trust_env and self.base.lower().startswith("https://"),
        )
        self._slots = asyncio.Semaphore(settings.per_host)
        """Requests at once; a question waits here, before its deadline starts: hundreds of
        boards asked at once queue for long, and that is not Pinterest being slow."""
        self._not_before = 0.0
        """``time.monotonic()`` before which no request goes out: a 429's Retry-After holds
        back every question, not only the one it answered (the limit is the account's)."""
        self._paused = 0.0
        """Seconds the run has held every question back, in all: at most ``retry_after_cap``,
        then a 429 is reported, not waited out (each would push the pause on again)."""
        self._silence = Silence(settings.per_host, settings.deadline)
        """Requests in a row that got no answer; an answer to any request sets it back."""
        self._gone: Problem | None = None
        """The failure after which Pinterest counts as gone for the run (``SILENT_LIMIT``)."""

    async def aclose(self) -> None:
        """Close the connections."""
        await self._client.aclose()

    def said(self, reply: Reply) -> str:
        """``401, code 2: "Authentication failed."``, scrubbed of the token."""
        parts = [str(reply.status)]
        if reply.code is not None:
            parts.append(f"code {reply.code}")
        text = reply.body.get("message") if isinstance(reply.body, dict) else None
        if isinstance(text, str) and text:
            parts.append(quote(self.scrub(text), 120))
        return ", ".join(parts[:2]) + (f": {parts[2]}" if len(parts) > 2 else "")

    @staticmethod
    def request_id(reply: Reply) -> str:
        """``; request id …`` for a message about an answer nobody expected, or nothing.

        Only such messages carry it: their fix is to ask Pinterest's support, which wants it.
        """
        return _request_id(reply.request_id)

    @property
    def base_shown(self) -> str:
        """The API base as messages quote it: a token pasted into its path is masked."""
        return without_url_tokens(self.scrub(self.base))

    def scrub(self, text: str) -> str:
        """``text`` without the token, should a server ever echo it."""
        secret = self._token.get_secret_value()
        return text.replace(secret, "[token]") if secret else text

    async def get(
        self, path: str, params: Mapping[str, str | int] | None = None
    ) -> Reply | Problem:
        """``GET {api_base}/{path}``: the final answer, or why there is none after the retries.

        429, 408, 5xx, a 200 whose body is not JSON, and transport failures are retried
        ``retries`` times within the question's ``deadline``, after ``Retry-After`` when
        Pinterest gives one (and it is within ``retry_after_cap``), else a jittered backoff.
        Once Pinterest has stopped answering (``SILENT_LIMIT``), nothing more is sent, nor
        tried again: each question left is a ``Problem`` at once.
        """
        settings = self.settings
        url = f"{self.base}/{path}"
        attempt = 0
        answered = False  # an HTTP answer came on some try: Pinterest is there
        # ``deadline`` is the question's, retries included, as it is a media URL's: each try
        # had its own, and a Pinterest that hung held a run three deadlines a question. Only
        # the time requests take counts: not waiting in line for a slot, nor between tries.
        remaining = settings.deadline
        said: Problem | None = None  # Pinterest's last answer of a failure (a 503, a 429)
        while True:
            attempt += 1
            wait: float | None = None
            try:
                async with self._slots:
                    if self._gone is not None:  # checked here: questions queue for the slots
                        return self._unsent(path, self._gone, attempt - 1, answered)
                    pause = self._not_before - time.monotonic()
                    if pause > 0:  # Pinterest throttled this account: every question waits
                        await asyncio.sleep(pause)
                    self.requests += 1
                    sent_at = time.monotonic()
                    try:
                        async with asyncio.timeout(remaining):
                            # The header is built in the call, never kept in a local variable:
                            # tracebacks that show locals (pytest --showlocals, error trackers)
                            # would show the token.
                            response, body = await self._send(url, params)
                    finally:
                        remaining -= time.monotonic() - sent_at
            except _TooLarge as exc:
                message = (
                    f"GET /v5/{path} answered with more than {_MAX_BODY:,} bytes"
                    f"{_request_id(self.scrub(exc.request_id))}"
                )
                return Problem(PLATFORM_UNKNOWN, message + NOT_MADE)
            except (ValueError, OverflowError, httpx.InvalidURL) as exc:
                # A URL httpx cannot build (a bookmark it cannot encode, a host name it refuses)
                reason = self.scrub(f"{type(exc).__name__}: {exc}")
                message = f"GET /v5/{path} could not be sent ({reason})"
                return Problem(PLATFORM_UNKNOWN, message + NOT_MADE)
            except (TimeoutError, httpx.TimeoutException):
                failure = Problem(
                    PLATFORM_TIMEOUT,
                    f"GET /v5/{path} timed out ({plural(attempt, 'attempt')}){NOT_MADE}",
                    unanswered=not answered,
                )
                self._heard_nothing(failure)
                if remaining <= 0 and said is not None:
                    # What Pinterest answered, not the deadline's end in a retry of it.
                    retried = said.message.removesuffix(NOT_MADE)
                    message = f"{retried}, then a retry ran out of time{NOT_MADE}"
                    return dataclasses.replace(said, message=message)
            except httpx.HTTPError as exc:
                reason = self.scrub(f"{type(exc).__name__}: {exc}")
                if isinstance(exc, httpx.ConnectError) and certificate_refused(exc):
                    message = (  # the same on every try: not retried
                        f"GET {self.base_shown}/{path}: the server's TLS certificate is not "
                        f"trusted ({reason}){NOT_MADE}"
                    )
                    hint = (
                        "A proxy or firewall that inspects TLS needs its certificate trusted: "
                        "set SSL_CERT_FILE to a bundle that holds it."
                    )
                    return Problem(PLATFORM_SERVER_ERROR, message, hint, stops=True)
                if isinstance(exc, httpx.ConnectError) and speaks_no_tls(exc):
                    # No TLS there (an http server on the port of an https:// api-base): the
                    # same on every try, and no outage of Pinterest's to retry or wait for.
                    message = (
                        f"GET {self.base_shown}/{path}: the TLS handshake failed ({reason})"
                        f"{NOT_MADE}"
                    )
                    hint = (
                        "Check that the API base speaks https on that port (or whether it should "
                        "be http://, or name another port); the default needs no api-base."
                    )
                    return Problem(PLATFORM_UNKNOWN, message, hint, stops=True)
                failure = Problem(
                    PLATFORM_SERVER_ERROR,
                    f"GET /v5/{path} failed ({reason}; {plural(attempt, 'attempt')}){NOT_MADE}",
                    unanswered=not answered,
                )
                self._heard_nothing(failure)
            else:
                answered = True
                self._silence.answered()
                request_id = response.headers.get(REQUEST_ID_HEADER, "").strip()
                reply = Reply(response.status_code, body, self.scrub(request_id) or None)
                if reply.status == 200 and body is None:
                    failure = Problem(
                        PLATFORM_SERVER_ERROR,
                        f"GET /v5/{path} answered 200 with a body that is not JSON "
                        f"({plural(attempt, 'attempt')}{self.request_id(reply)}){NOT_MADE}",
                    )
                elif reply.status == 429:
                    wait = parse_retry_after(response.headers.get("retry-after"))
                    after = f", Retry-After {seconds(wait)}" if wait is not None else ""
                    failure = Problem(
                        RATE_LIMIT_EXCEEDED,
                        f"Pinterest throttled GET /v5/{path} ({self.said(reply)}{after}; "
                        f"{plural(attempt, 'attempt')})",
                    )
                    if wait is not None and not self._hold_back(wait):
                        return failure  # the run's pauses are spent: reported, not awaited
                elif reply.status == 408 or reply.status >= 500:  # a fault of the moment
                    wait = parse_retry_after(response.headers.get("retry-after"))
                    timed_out = reply.status in (408, 504)
                    failure = Problem(
                        PLATFORM_TIMEOUT if timed_out else PLATFORM_SERVER_ERROR,
                        f"GET /v5/{path} {'timed out' if timed_out else 'failed'} at Pinterest "
                        f"({self.said(reply)}; {plural(attempt, 'attempt')}"
                        f"{self.request_id(reply)}){NOT_MADE}",
                    )
                else:
                    return reply
                said = failure
            if attempt > settings.retries or self._gone is not None or remaining <= 0:
                return failure
            if wait is not None and wait > settings.retry_after_cap:
                return failure  # not worth waiting for within a run: reported, not awaited
            await asyncio.sleep(wait if wait is not None else backoff(attempt, base=0.5, cap=8.0))

    def _heard_nothing(self, failure: Problem) -> None:
        """Count a request that got no answer (``failure``) towards ``SILENT_LIMIT``."""
        if self._silence.unanswered() and self._gone is None:
            self._gone = failure

    def _unsent(self, path: str, gone: Problem, tried: int, answered: bool) -> Problem:
        """Why ``path`` was not asked (again): Pinterest stopped answering (``SILENT_LIMIT``)."""
        stopped = (
            "Pinterest stopped answering during the run "
            f"({self._silence.count} requests in a row got no answer){NOT_MADE}"
        )
        if tried:
            message = f"GET /v5/{path} was not tried again after {plural(tried, 'attempt')}: "
        else:
            message = f"GET /v5/{path} was not sent: "
        return Problem(gone.code, message + stopped, unanswered=not answered)

    def _hold_back(self, wait: float) -> bool:
        """Hold every question back ``wait`` seconds from now, if the run's pauses allow it.

        Only the time the pause grows by counts (429s that arrive together share one pause),
        and the run's total stays within ``retry_after_cap``: without it, each batch of
        throttled questions would push the pause on, and a calendar of many boards would wait
        in proportion to their number.
        """
        if wait > self.settings.retry_after_cap:
            return False
        now = time.monotonic()
        longer = now + wait - max(self._not_before, now)
        if longer <= 0:
            return True
        if self._paused + longer > self.settings.retry_after_cap:
            return False
        self._paused += longer
        self._not_before = now + wait
        return True

    async def _send(
        self, url: str, params: Mapping[str, str | int] | None
    ) -> tuple[httpx.Response, Any]:
        """One GET: the response (status, headers) and its JSON body, read up to ``_MAX_BODY``."""
        async with self._client.stream(
            "GET",
            url,
            params=params,
            headers={"Authorization": f"Bearer {self._token.get_secret_value()}"},
        ) as response:
            content = bytearray()
            try:
                async for chunk in response.aiter_raw():  # as sent: counted before inflating
                    content += chunk
                    if len(content) > _MAX_BODY:
                        raise _TooLarge
                body = _inflated(bytes(content), response.headers.get("content-encoding", ""))
            except _TooLarge as exc:
                exc.request_id = response.headers.get(REQUEST_ID_HEADER, "").strip()
                raise
        return response, _without_secret(_json(body), self._token.get_secret_value())


def _request_id(request_id: str | None) -> str:
    return f"; request id {shown_request_id(request_id)}" if request_id else ""


class _TooLarge(Exception):
    """A response body over ``_MAX_BODY``: not read further."""

    request_id = ""
    """Its ``x-pinterest-rid``, as sent (``_send`` sets it): the message gives it."""


def _inflated(body: bytes, encoding: str) -> bytes:
    """``body`` as JSON text: a compressed answer sent anyway is inflated to ``_MAX_BODY`` at most.

    Raises ``_TooLarge`` past that, and gives the bytes back as they are for an encoding this
    does not know (the JSON parse then says what is wrong).
    """
    codings = [part.strip().lower() for part in encoding.split(",") if part.strip()]
    for coding in reversed(codings):  # the last applied is undone first
        if coding == "identity":
            continue
        inflated = inflate(body, coding, _MAX_BODY + 1)
        if inflated is None:
            return body  # not what it says it is, or unknown: the JSON parse reports it
        body, more = inflated
        if len(body) > _MAX_BODY or more:
            raise _TooLarge
    return body


def _json(content: bytes) -> Any:
    """The body as JSON, or ``None`` when it is not JSON this tool can read (also: too deep)."""
    try:
        return json.loads(content)
    except (ValueError, RecursionError):
        return None


def _without_secret(body: Any, secret: str) -> Any:
    """``body`` with the token replaced in every text, wherever Pinterest (or a proxy) echoed it.

    Every text of an answer may reach a finding (board names, section names, statuses,
    messages), so the answer itself is cleaned once, as it arrives, rather than at each use. Only
    strings are touched (keys and values): numbers and the JSON around them stay as they are.
    Walked without recursion, as an answer may nest as deep as the JSON reader allows.
    """
    if not secret:
        return body
    root = [body]
    stack: list[tuple[Any, Any]] = [(root, 0)]
    while stack:
        holder, key = stack.pop()
        value = holder[key]
        if isinstance(value, str):
            holder[key] = value.replace(secret, "[token]")
        elif isinstance(value, dict):
            cleaned = {
                (name.replace(secret, "[token]") if isinstance(name, str) else name): item
                for name, item in value.items()
            }
            holder[key] = cleaned
            stack.extend((cleaned, name) for name in cleaned)
        elif isinstance(value, list):
            stack.extend((value, index) for index in range(len(value)))
    return root[0]
