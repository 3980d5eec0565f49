"""The HTTP layer against a real server on 127.0.0.1: ranges, redirects, limits, retries."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import httpx
import pytest
from media_server import MEDIA, MediaServer, serve
from support import black_hole

from validator import netguard, validate_many, validate_media
from validator.demo.server import running
from validator.probes.fetch import Fetcher, _HostGone
from validator.probes.outcome import Budget, Failure, FailureKind, ReadFailed, Response
from validator.settings import Settings

JPEG = "photo-baseline.jpg"


@pytest.fixture(scope="module")
def server() -> Iterator[MediaServer]:
    with serve() as running:
        yield running


async def loopback_only(host: str, port: int) -> netguard.NotPublic | netguard.ResolveError | None:
    """The real address check, except for the test server's own loopback address."""
    if host == "127.0.0.1":
        return None
    return await netguard.check_public(host, port)


def fetch(url: str, **settings: object) -> Response | Failure:
    options = {"allow_private_hosts": True, "block_size": 16384, **settings}
    config = Settings.model_validate(options)

    async def run() -> Response | Failure:
        async with Fetcher(config) as fetcher:
            return await fetcher.open(url, Budget(config.max_bytes_per_url))

    return asyncio.run(run())


def test_a_ranged_get_reads_one_block_and_the_total_size(server: MediaServer) -> None:
    outcome = fetch(server.url(f"/media/{JPEG}"))
    assert isinstance(outcome, Response)
    assert outcome.status == 206
    assert outcome.ranges
    assert len(outcome.data) == 16384
    assert outcome.total_size == (MEDIA / JPEG).stat().st_size
    assert outcome.content_type == "image/jpeg"


def test_a_server_ignoring_range_is_cut_off_at_the_byte_cap(server: MediaServer) -> None:
    outcome = fetch(server.url("/endless"), max_bytes_per_url=100_000)
    assert isinstance(outcome, Response)
    assert not outcome.ranges
    assert outcome.truncated_at_cap
    assert len(outcome.data) == 100_000


def test_a_small_file_without_range_support_is_read_whole(server: MediaServer) -> None:
    outcome = fetch(server.url(f"/norange/{JPEG}"))
    assert isinstance(outcome, Response)
    assert outcome.status == 200
    assert outcome.complete
    assert outcome.data == (MEDIA / JPEG).read_bytes()


@pytest.mark.parametrize(
    ("status", "kind"),
    [(401, FailureKind.FORBIDDEN), (403, FailureKind.FORBIDDEN), (404, FailureKind.NOT_FOUND),
     (410, FailureKind.NOT_FOUND), (500, FailureKind.SERVER_ERROR), (405, FailureKind.HTTP_ERROR)],
)  # fmt: skip
def test_error_statuses_become_failures(
    server: MediaServer, status: int, kind: FailureKind
) -> None:
    outcome = fetch(server.url(f"/status/{status}"))
    assert isinstance(outcome, Failure)
    assert outcome.kind is kind
    assert outcome.status == status
    assert f"answered {status}" in outcome.detail


def test_head_refusals_do_not_matter_a_get_is_what_counts(server: MediaServer) -> None:
    assert isinstance(fetch(server.url(f"/media/{JPEG}")), Response)  # HEAD there answers 403


def test_a_redirect_loop_is_caught_with_its_chain(server: MediaServer) -> None:
    outcome = fetch(server.url("/loop/a"))
    assert isinstance(outcome, Failure)
    assert outcome.kind is FailureKind.REDIRECT_LOOP
    assert [hop.url.rsplit("/", 1)[1] for hop in outcome.chain] == ["a", "b"]


def test_a_chain_longer_than_the_limit_stops(server: MediaServer) -> None:
    outcome = fetch(server.url(f"/chain/12/{JPEG}"))
    assert isinstance(outcome, Failure)
    assert outcome.kind is FailureKind.TOO_MANY_REDIRECTS
    assert len(outcome.chain) == 11
    assert isinstance(fetch(server.url(f"/chain/12/{JPEG}"), max_redirects=12), Response)


def test_a_short_chain_is_followed_and_recorded(server: MediaServer) -> None:
    outcome = fetch(server.url(f"/chain/3/{JPEG}"))
    assert isinstance(outcome, Response)
    assert [hop.status for hop in outcome.chain] == [302, 302, 302, 206]
    assert outcome.url.endswith(f"/chain/0/{JPEG}")


def test_a_redirect_to_a_private_address_is_refused_before_it_is_sent(server: MediaServer) -> None:
    config = Settings()

    async def run() -> Response | Failure:
        async with Fetcher(config, guard=loopback_only) as fetcher:
            url = server.url("/redirect?to=http://10.20.30.40/spring.jpg")
            return await fetcher.open(url, Budget(config.max_bytes_per_url))

    outcome = asyncio.run(run())
    assert isinstance(outcome, Failure)
    assert outcome.kind is FailureKind.NOT_PUBLIC
    assert "10.20.30.40" in outcome.detail
    assert "private" in outcome.detail


def test_a_later_read_redirected_to_a_private_address_is_refused(server: MediaServer) -> None:
    config = Settings()

    async def run() -> None:
        async with Fetcher(config, guard=loopback_only) as fetcher:
            budget = Budget(config.max_bytes_per_url)
            url = server.url(f"/mirror/{JPEG}?to=http://10.20.30.40/spring.jpg")
            opened = await fetcher.open(url, budget)
            assert isinstance(opened, Response)
            with pytest.raises(ReadFailed) as failed:
                await fetcher.read_range(opened.url, 70_000, 80_000, budget)
            assert failed.value.failure.kind is FailureKind.NOT_PUBLIC
            assert "10.20.30.40" in failed.value.failure.detail

    asyncio.run(run())


def test_loopback_is_refused_unless_allowed(server: MediaServer) -> None:
    outcome = fetch(server.url(f"/media/{JPEG}"), allow_private_hosts=False)
    assert isinstance(outcome, Failure)
    assert outcome.kind is FailureKind.NOT_PUBLIC
    assert server.settled_requests_to("/nothing-sent") == []


@pytest.mark.parametrize("status", [429, 503])
def test_temporary_statuses_are_retried_after_retry_after(server: MediaServer, status: int) -> None:
    outcome = fetch(server.url(f"/flaky/retry-{status}/{status}/{JPEG}"))
    assert isinstance(outcome, Response)
    # The server logs a request once its answer is sent: the client may have it a moment before.
    settle = time.monotonic() + 2
    while len(server.requests_to(f"/flaky/retry-{status}/")) < 2 and time.monotonic() < settle:
        time.sleep(0.01)
    assert len(server.settled_requests_to(f"/flaky/retry-{status}/")) == 2


def test_rate_limit_that_persists_is_reported_with_retry_after(server: MediaServer) -> None:
    outcome = fetch(server.url("/status/429"), retries=1)
    assert isinstance(outcome, Failure)
    assert outcome.kind is FailureKind.RATE_LIMITED
    assert outcome.attempts == 2


def test_a_slow_body_hits_the_deadline(server: MediaServer) -> None:
    outcome = fetch(server.url(f"/slow/{JPEG}"), deadline=0.5, read_timeout=5, retries=0)
    assert isinstance(outcome, Failure)
    assert outcome.kind is FailureKind.TIMEOUT


def test_a_connection_reset_is_retried_then_reported(server: MediaServer) -> None:
    outcome = fetch(server.url(f"/reset/{JPEG}"), retries=1)
    assert isinstance(outcome, Failure)
    assert outcome.kind is FailureKind.DROPPED  # the server's doing: "retry later"
    assert outcome.attempts == 2


def test_a_closed_port_is_unreachable() -> None:
    with serve() as running:
        url = running.url(f"/media/{JPEG}")
    outcome = fetch(url, retries=0)
    assert isinstance(outcome, Failure)
    assert outcome.kind is FailureKind.UNREACHABLE


class _Gathering(BaseHTTPRequestHandler):
    """Holds each request until ``expected`` are open at once (or 5 s pass); counts the peak."""

    expected = 0
    open_now = peak = 0
    lock = threading.Lock()
    all_in = threading.Event()

    def do_GET(self) -> None:
        cls = type(self)
        with cls.lock:
            cls.open_now += 1
            cls.peak = max(cls.peak, cls.open_now)
            if cls.open_now == cls.expected:
                cls.all_in.set()
        cls.all_in.wait(timeout=5)
        with cls.lock:  # before answering: once answered, the client may send the next request
            cls.open_now -= 1
        self.send_response(206)
        self.send_header("Content-Range", "bytes 0-3/4")
        self.send_header("Content-Length", "4")
        self.end_headers()
        self.wfile.write(b"\xff\xd8\xff\xd9")

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64  # the default backlog of 5 drops the rest of a burst of connects


@pytest.mark.parametrize("concurrency", [1, 5, 9, 16])
def test_the_concurrency_limit_is_what_the_server_sees_at_once(concurrency: int) -> None:
    # The connections are spread over several small pools: none may hold a request back.
    _Gathering.expected, _Gathering.open_now, _Gathering.peak = concurrency, 0, 0
    _Gathering.all_in.clear()
    config = Settings(allow_private_hosts=True, concurrency=concurrency, per_host=concurrency)

    async def run(base: str) -> list[Response | Failure]:
        async with Fetcher(config) as fetcher:
            opens = [fetcher.open(f"{base}/{n}.jpg", Budget(1000)) for n in range(concurrency * 2)]
            return list(await asyncio.gather(*opens))

    with running(_Server(("127.0.0.1", 0), _Gathering)) as httpd:
        outcomes = asyncio.run(run(f"http://127.0.0.1:{httpd.server_address[1]}"))
    assert all(isinstance(outcome, Response) for outcome in outcomes)
    assert _Gathering.peak == concurrency


def open_paused(
    server: MediaServer, url: str, config: Settings, *, pause: float
) -> tuple[Response | Failure, float]:
    """``Fetcher.open(url)`` with the server's 127.0.0.1 host paused (as by a 429) for ``pause``
    seconds; the outcome and how long it took."""
    port = server.base.rsplit(":", 1)[1]

    async def run() -> tuple[Response | Failure, float]:
        async with Fetcher(config) as fetcher:
            fetcher._host(f"127.0.0.1:{port}").not_before = time.monotonic() + pause
            started = time.monotonic()
            outcome = await fetcher.open(url, Budget(config.max_bytes_per_url))
            return outcome, time.monotonic() - started

    return asyncio.run(run())


def test_a_redirect_to_a_paused_host_waits_for_it_once(server: MediaServer) -> None:
    # The target host got a 429 pause from another URL. The redirecting URL (on another host
    # name for the same server) waits the pause out and goes on: one request to the origin, not
    # a loop of them.
    port = server.base.rsplit(":", 1)[1]
    target = f"http://127.0.0.1:{port}/media/square.jpg"
    origin = f"http://localhost:{port}/redirect?to={target}"
    config = Settings(allow_private_hosts=True, block_size=16384)

    before = len(server.requests_to("/redirect"))
    outcome, took = open_paused(server, origin, config, pause=0.5)

    assert isinstance(outcome, Response)
    assert took >= 0.45
    assert len(server.settled_requests_to("/redirect")) - before <= 2


def test_an_invalid_location_is_not_retried_as_a_dropped_connection(server: MediaServer) -> None:
    outcome = fetch(server.url("/redirect?to=http://[::1/x.jpg"), retries=2)

    assert isinstance(outcome, Failure)
    assert outcome.kind is FailureKind.HTTP_ERROR
    assert outcome.detail == 'redirects to "http://[::1/x.jpg", which is not a valid URL'
    assert outcome.attempts == 1


def test_a_host_that_stays_paused_is_waited_for_only_so_long(server: MediaServer) -> None:
    config = Settings(allow_private_hosts=True, retry_after_cap=0.3)
    url = server.url("/media/square.jpg")

    before = len(server.requests_to("/media/square.jpg"))
    outcome, took = open_paused(server, url, config, pause=60)

    assert isinstance(outcome, Failure)
    assert outcome.kind is FailureKind.RATE_LIMITED
    assert took < 1
    assert len(server.settled_requests_to("/media/square.jpg")) == before  # nothing sent


@pytest.fixture
def names(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """A DNS an attacker controls: each name answers the addresses listed, one per lookup."""
    answers: dict[str, list[str]] = {}
    real = socket.getaddrinfo

    def lookup(host: object, port: object, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name in answers:
            queue = answers[name]
            address = queue.pop(0) if len(queue) > 1 else queue[0]
            return real(address, port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", lookup)
    return answers


def test_a_name_that_answers_otherwise_when_connecting_is_refused(
    server: MediaServer, names: dict[str, list[str]]
) -> None:
    # DNS rebinding: public for the check, loopback for the connection.
    names["rebind.example"] = ["93.184.216.34", "127.0.0.1"]
    port = server.base.rsplit(":", 1)[1]
    outcome = fetch(f"http://rebind.example:{port}/media/{JPEG}", allow_private_hosts=False)
    assert isinstance(outcome, Failure)
    assert outcome.kind is FailureKind.NOT_PUBLIC
    assert "the address it connected to" in outcome.detail


def test_the_name_checked_is_the_name_connected_to(
    server: MediaServer, names: dict[str, list[str]]
) -> None:
    # Python's resolver encodes IDNA 2003 (ß as ss), httpx IDNA 2008 (ß kept, as xn--strae-oqa).
    names["strasse.example"] = ["93.184.216.34"]
    names["xn--strae-oqa.example"] = ["127.0.0.1"]
    port = server.base.rsplit(":", 1)[1]
    outcome = fetch(f"http://straße.example:{port}/media/{JPEG}", allow_private_hosts=False)
    assert isinstance(outcome, Failure)
    assert outcome.kind is FailureKind.NOT_PUBLIC
    assert "xn--strae-oqa.example resolves to 127.0.0.1" in outcome.detail


@contextlib.contextmanager
def answering(raw: bytes, *, greets: bool = False) -> Iterator[str]:
    """A URL on 127.0.0.1 whose server sends ``raw`` bytes to every connection, then closes it.

    ``greets``: sent as soon as the connection opens (an SSH or SMTP banner), before the request
    is read. The server stops when the block ends.
    """
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    server.settimeout(5)

    def answer() -> None:
        with contextlib.suppress(OSError):  # closed once the test has its verdict
            while True:
                connection, _ = server.accept()
                with connection:
                    if not greets:
                        connection.recv(65536)
                    connection.sendall(raw)
                    time.sleep(0.1)

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}/a.jpg"
    finally:
        server.close()
        thread.join(timeout=5)


def test_another_protocol_on_the_port_is_no_http_and_its_banner_is_not_repeated() -> None:
    # What an internal service says must not reach a report (a rebinding attacker reads them).
    with answering(b"SSH-2.0-OpenSSH_9.2p1 internal-secret\r\n\r\n", greets=True) as url:
        outcome = fetch(url, retries=2)
    assert isinstance(outcome, Failure)
    assert outcome.detail == "answered with something that is not HTTP"
    assert outcome.attempts == 1  # the same on every try


@pytest.mark.parametrize(
    ("head", "said"),
    [
        (b"HTTP/1.1 200 OK\r\nContent-Type image/jpeg\r\n\r\n", "illegal header line"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello", "Length"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", "Transfer-Encoding"),
    ],
)
def test_an_answer_that_breaks_http_is_the_servers_every_time_not_a_drop(
    head: bytes, said: str
) -> None:
    # It was "dropped the connection", retried, and reported as one to try again later.
    with answering(head) as url:
        outcome = fetch(url, retries=2)
    assert isinstance(outcome, Failure)
    assert outcome.kind is FailureKind.HTTP_ERROR
    assert outcome.detail.startswith("answered with a response that breaks HTTP (")
    assert said in outcome.detail
    assert outcome.attempts == 1


def test_a_port_out_of_range_given_to_the_fetcher_is_an_invalid_url() -> None:
    outcome = fetch("http://example.com:99999/a.jpg", allow_private_hosts=False)
    assert isinstance(outcome, Failure)
    assert outcome.kind is FailureKind.INVALID_URL


@pytest.mark.parametrize(
    "url", ["https://u:[p@cdn.example.com/a.jpg", "https://cdn.example.com\uff03/a.jpg"]
)
def test_a_url_urlsplit_refuses_given_to_the_fetcher_is_an_invalid_url(url: str) -> None:
    outcome = fetch(url, allow_private_hosts=False)  # was a ValueError out of the whole run
    assert isinstance(outcome, Failure)
    assert outcome.kind is FailureKind.INVALID_URL


def test_an_environment_proxy_that_httpx_bypasses_does_not_skip_the_peer_check(
    server: MediaServer, names: dict[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # urllib and httpx read NO_PROXY differently: whether the proxy is used is httpx's decision.
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")  # nothing listens: must not be used
    port = server.base.rsplit(":", 1)[1]
    monkeypatch.setenv("no_proxy", f"rebind.example:{port}")
    names["rebind.example"] = ["93.184.216.34", "127.0.0.1"]
    outcome = fetch(f"http://rebind.example:{port}/media/{JPEG}", allow_private_hosts=False)
    assert isinstance(outcome, Failure)
    assert outcome.kind is FailureKind.NOT_PUBLIC


class _Scripted(BaseHTTPRequestHandler):
    """Serves ``JPEG`` honestly, except for the answers ``script`` lists for a path, in turn.

    A scripted answer is ``(status, headers)``; a ``Content-Range`` in its headers is sent as
    given, with as many bytes of the file as the request's range asked for.
    """

    script: ClassVar[dict[str, list[tuple[int, dict[str, str]]]]] = {}
    asked: ClassVar[list[str]] = []
    if_ranges: ClassVar[list[str | None]] = []
    authorizations: ClassVar[list[str | None]] = []
    data = (MEDIA / JPEG).read_bytes()

    def do_GET(self) -> None:
        cls = type(self)
        cls.asked.append(self.path)
        cls.if_ranges.append(self.headers.get("If-Range"))
        cls.authorizations.append(self.headers.get("Authorization"))
        first, last = self._span(self.headers.get("Range", ""))
        body = cls.data[first : last + 1]
        pending = cls.script.get(self.path)
        status, headers = pending.pop(0) if pending else (206, {})
        headers = {"Content-Range": f"bytes {first}-{last}/{len(cls.data)}", **headers}
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        sent = body if status == 206 else b""
        self.send_header("Content-Length", str(len(sent)))
        self.end_headers()
        self.wfile.write(sent)

    def _span(self, spec: str) -> tuple[int, int]:
        size = len(type(self).data)
        first, _, last = spec.removeprefix("bytes=").partition("-")
        if not first:  # a suffix: the last N bytes
            return max(0, size - int(last)), size - 1
        return int(first), min(int(last) if last else size - 1, size - 1)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def scripted() -> Iterator[str]:
    _Scripted.script, _Scripted.asked = {}, []
    _Scripted.if_ranges, _Scripted.authorizations = [], []
    with running(_Server(("127.0.0.1", 0), _Scripted)) as httpd:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"


@pytest.mark.parametrize(
    "content_range",
    ["0-65535/130246", "bytes=0-65535/130246", "bytes 0-65535/-1", "", "bytes 9-3/130246"],
)
def test_a_first_206_that_does_not_place_its_bytes_is_the_servers_fault(
    scripted: str, content_range: str
) -> None:
    # Its Content-Length is the part's: read as the file's size, a whole file looked cut off.
    _Scripted.script["/a.jpg"] = [(206, {"Content-Range": content_range})]
    outcome = fetch(f"{scripted}/a.jpg", retries=0)
    assert isinstance(outcome, Failure)
    assert outcome.kind is FailureKind.HTTP_ERROR
    assert "Content-Range that cannot be read" in outcome.detail


def test_a_content_range_number_too_long_for_any_file_ends_one_url_not_the_run(
    scripted: str,
) -> None:
    # Python will not read an integer of more than 4,300 digits: that raised, and the whole run
    # stopped with a traceback, the pins after it unreported.
    huge = "9" * 5000
    _Scripted.script["/later.jpg"] = [(206, {}), (206, {"Content-Range": f"bytes 0-11/{huge}"})]
    _Scripted.script["/first.jpg"] = [(206, {"Content-Range": f"bytes 0-16383/{huge}"})]
    pins = [
        {"board_id": "1", "media_source": {"source_type": "image_url", "url": f"{scripted}/{name}"}}
        for name in ("ok.jpg", "later.jpg", "first.jpg", "ok-too.jpg")
    ]
    config = Settings(allow_private_hosts=True, retries=0)
    reports = validate_many(pins, settings=config)
    assert [report.codes for report in reports] == [
        frozenset(),
        {"media.unreachable"},
        {"media.unreachable"},
        frozenset(),
    ]
    assert "other bytes" in reports[1].findings[0].message
    assert "cannot be read" in reports[2].findings[0].message


def test_retry_after_waits_of_one_url_add_up_to_the_cap(scripted: str) -> None:
    # Each wait was held to the cap on its own: four 1 s waits where the cap said 1.5 s in all.
    busy = (429, {"Retry-After": "1"})
    _Scripted.script["/busy.jpg"] = [busy, busy, busy]
    started = time.monotonic()
    outcome = fetch(f"{scripted}/busy.jpg", retries=3, retry_after_cap=1.5)
    assert isinstance(outcome, Failure)
    assert outcome.kind is FailureKind.RATE_LIMITED
    assert _Scripted.asked == ["/busy.jpg", "/busy.jpg"]  # one wait of 1 s, then no more
    assert time.monotonic() - started < 1.5


def test_a_suffix_labelled_as_other_bytes_without_a_size_is_not_the_files_end(
    scripted: str,
) -> None:
    # "bytes 0-99/*" for the last 12 bytes: the file's start, which would read as a cut file.
    _Scripted.script["/tail.jpg"] = [(206, {}), (206, {"Content-Range": "bytes 0-99/*"})]
    url = f"{scripted}/tail.jpg"
    pin = {"board_id": "1", "media_source": {"source_type": "image_url", "url": url}}
    (report,) = validate_many([pin], settings=Settings(allow_private_hosts=True, retries=0))
    assert report.codes == {"media.unreachable"}
    assert "other bytes" in report.findings[0].message


def test_a_retry_after_of_zero_is_retried_whatever_the_cap(scripted: str) -> None:
    # Our own backoff was counted as the server's pause: with retry_after_cap = 0, a 503 that
    # said "Retry-After: 0" was given up on at once.
    _Scripted.script["/zero.jpg"] = [(503, {"Retry-After": "0"})]
    outcome = fetch(f"{scripted}/zero.jpg", retries=2, retry_after_cap=0)
    assert isinstance(outcome, Response)
    assert _Scripted.asked == ["/zero.jpg", "/zero.jpg"]


def test_a_huge_retry_after_is_written_as_people_read_it(scripted: str) -> None:
    # "Retry-After 1e+12 s": the one wording of a wait (messages.seconds) missed this message.
    _Scripted.script["/later.jpg"] = [(429, {"Retry-After": "1000000000000"})]
    outcome = fetch(f"{scripted}/later.jpg", retries=0)
    assert isinstance(outcome, Failure)
    assert outcome.detail.endswith(", Retry-After 1,000,000,000,000 s")


def test_an_untrusted_environment_s_proxy_is_not_used(
    monkeypatch: pytest.MonkeyPatch, server: MediaServer
) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("NO_PROXY", "")
    url = server.url("/media/photo-baseline.jpg")
    trusting = Settings(allow_private_hosts=True, retries=0)
    (through,) = validate_media([url], settings=trusting)
    assert through.codes == {"media.unreachable"}  # the proxy was asked, and is not there
    # It is the proxy that is down, not the URL's host: "check the host name" sent users off to
    # fix good URLs.
    (finding,) = through.findings
    assert "cannot be connected to through the environment's proxy" in finding.message
    assert finding.hint.startswith("Check the proxy that HTTPS_PROXY, HTTP_PROXY or ALL_PROXY")
    (direct,) = validate_media([url], settings=trusting.model_copy(update={"trust_env": False}))
    assert direct.findings == ()


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_a_proxy_that_takes_no_connection_is_named_and_writes_off_no_host(
    monkeypatch: pytest.MonkeyPatch, server: MediaServer, scheme: str
) -> None:
    # Connecting timed out at the proxy: the hint was the host's ("a faster host or CDN"), and
    # the host was written off as one that "stopped taking connections", though never reached.
    # Through an https tunnel the server's TLS handshake shares that timeout: both are named.
    settings = Settings(
        allow_private_hosts=True, deadline=1.0, connect_timeout=0.3, retries=2, per_host=1
    )
    with black_hole() as port:
        monkeypatch.setenv(f"{scheme.upper()}_PROXY", f"http://127.0.0.1:{port}")
        monkeypatch.setenv("NO_PROXY", "")
        base = server.url("/media/photo-baseline.jpg").replace("http:", f"{scheme}:")
        reports = validate_media([f"{base}?through={n}" for n in range(3)], settings=settings)
    hint = {
        "http": "Check the proxy that HTTPS_PROXY, HTTP_PROXY or ALL_PROXY",
        "https": "This went through the environment's proxy (HTTPS_PROXY or ALL_PROXY)",
    }[scheme]
    for report in reports:
        (finding,) = report.findings
        assert finding.code == "media.timeout"
        assert "stopped taking connections" not in finding.message
        assert finding.hint.startswith(hint)


def test_a_connection_never_set_up_is_said_so_when_the_window_ends_in_the_retry() -> None:
    # deadline 10 s, connect_timeout 5 s: the first attempt's "did not set up a connection"
    # gave way to the retry's "gave no complete answer within 10 s", and its "serve the file
    # from a faster host" hint, for a host (or proxy) that was down.
    settings = Settings(allow_private_hosts=True, deadline=0.5, connect_timeout=0.3, retries=2)
    with black_hole() as port:
        (report,) = validate_media([f"http://127.0.0.1:{port}/a.jpg"], settings=settings)
    (finding,) = report.findings
    assert finding.code == "media.timeout"
    assert "did not set up a connection within 0.3 s" in finding.message
    assert "gave no complete answer" not in finding.message


@pytest.mark.parametrize(
    ("deadline", "connect"),
    [(1.5, 0.3), (1.0, 0.6)],  # the retry longer, and shorter, than a connection may take
)
def test_a_host_that_connects_on_a_retry_and_then_stalls_is_said_slow_not_unreachable(
    deadline: float, connect: float
) -> None:
    # The first try could not connect (the host's queue was full), a later one did, and the
    # server then sent a status line and nothing more: that is a slow host, not one that "did
    # not set up a connection" (nor, with a proxy set, a proxy to check).
    held: list[socket.socket] = []
    stop = threading.Event()
    with socket.create_server(("127.0.0.1", 0), backlog=0) as listener:
        filler = socket.create_connection(listener.getsockname())  # the queue of one, full

        def take_connections_late() -> None:
            time.sleep(0.5)
            listener.settimeout(0.05)
            while not stop.is_set():
                try:
                    connection, _ = listener.accept()
                except TimeoutError:
                    continue
                held.append(connection)
                if len(held) > 1:  # the filler's first; then the probe's, told a little
                    connection.sendall(b"HTTP/1.1 200 OK\r\n")

        server = threading.Thread(target=take_connections_late, daemon=True)
        server.start()
        settings = Settings(
            allow_private_hosts=True, deadline=deadline, connect_timeout=connect, retries=5
        )
        try:
            url = f"http://127.0.0.1:{listener.getsockname()[1]}/a.jpg"
            (report,) = validate_media([url], settings=settings)
        finally:
            stop.set()
            server.join()
            for connection in (filler, *held):
                connection.close()
    (finding,) = report.findings
    assert finding.code == "media.timeout"
    assert f"gave no complete answer within {deadline:g} s" in finding.message
    assert len(held) >= 2  # it did connect


def test_urls_that_queued_for_a_host_that_takes_no_connection_say_so() -> None:
    # Their time in line counted as the retry's: a retry "long enough to connect" was taken for
    # one that had connected, and a dead host (or proxy) became "gave no complete answer".
    settings = Settings(
        allow_private_hosts=True, deadline=1.0, connect_timeout=0.6, retries=1, per_host=1
    )
    with black_hole() as port:
        urls = [f"http://127.0.0.1:{port}/{name}.jpg" for name in "abc"]
        reports = validate_media(urls, settings=settings)
    for report in reports:
        (finding,) = report.findings
        assert "did not set up a connection within 0.6 s" in finding.message, finding.message


def test_a_redirect_target_on_a_host_written_off_was_not_requested() -> None:
    # Its request was the first hop's (through the proxy): "not tried again after 1 request"
    # said of a target that got none.
    gone = _HostGone("https://media.example.com/a.jpg", 6)
    budget = Budget(1000)
    budget.requests = 1
    said = gone.failure("http://media.example.com/a.jpg", budget).detail
    target = '"https://media.example.com/a.jpg"'
    assert said.startswith(f"redirects to {target}, which was not requested: its host stopped")
    alone = gone.failure("https://media.example.com/a.jpg", budget).detail
    assert alone.startswith("was not tried again after 1 request: its host stopped taking")


def test_a_host_written_off_directly_is_still_asked_through_the_proxy(
    monkeypatch: pytest.MonkeyPatch, server: MediaServer
) -> None:
    # http:// and https:// of one host share its verdict, but only http:// goes through the
    # proxy here: the direct https:// connections that time out wrote off the proxied URLs too.
    settings = Settings(
        allow_private_hosts=True, deadline=1.0, connect_timeout=0.3, retries=2, per_host=1
    )
    with black_hole() as port:
        monkeypatch.setenv("HTTP_PROXY", server.url(""))  # the media server, as a plain proxy
        monkeypatch.setenv("NO_PROXY", "")
        monkeypatch.delenv("HTTPS_PROXY", raising=False)
        monkeypatch.delenv("ALL_PROXY", raising=False)
        urls = []
        for n in range(5):
            urls.append(f"https://127.0.0.1:{port}/media/photo-baseline.jpg?direct={n}")
            urls.append(f"http://127.0.0.1:{port}/media/photo-baseline.jpg?proxied={n}")
        reports = validate_media(urls, settings=settings)
    direct, proxied = reports[0::2], reports[1::2]
    assert all(report.codes == {"media.timeout"} for report in direct)
    assert any("stopped taking connections" in r.findings[0].message for r in direct)
    assert [report.codes for report in proxied] == [frozenset()] * 5


def test_a_name_only_the_environment_s_proxy_resolves_is_fetched_through_it(
    monkeypatch: pytest.MonkeyPatch, scripted: str
) -> None:
    # Behind a proxy that alone reaches DNS (a corporate network, a CI runner), the local
    # lookup of the address check failed, and every URL was "a host name that does not resolve".
    monkeypatch.setenv("HTTP_PROXY", scripted)  # the scripted server answers as the proxy
    monkeypatch.setenv("NO_PROXY", "")
    url = "http://media.example.test/photo.jpg"  # .test never resolves (RFC 6761)
    pin = {"board_id": "1", "media_source": {"source_type": "image_url", "url": url}}
    (report,) = validate_many([pin], settings=Settings(retries=0))
    assert report.codes == frozenset()
    assert _Scripted.asked == [url, url]  # the proxy was asked for the URL: the header, the end


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_a_name_that_resolves_neither_here_nor_through_the_proxy_is_named_as_such(
    monkeypatch: pytest.MonkeyPatch, scripted: str, scheme: str
) -> None:
    # A proxy answers 503 itself for a name it cannot resolve (to a CONNECT too, for https):
    # "retry later", or "check the proxy", sent users to wait on a typo.
    monkeypatch.setenv("HTTP_PROXY", scripted)
    monkeypatch.setenv("HTTPS_PROXY", scripted)  # it answers CONNECT with 501: no tunnel
    monkeypatch.setenv("NO_PROXY", "")
    url = f"{scheme}://media.example.test/photo.jpg"
    _Scripted.script[url] = [(503, {})]
    pin = {"board_id": "1", "media_source": {"source_type": "image_url", "url": url}}
    (report,) = validate_many([pin], settings=Settings(retries=0))
    (finding,) = report.findings
    assert finding.code == "media.unreachable"
    assert "does not resolve here (" in finding.message
    assert "and the environment's proxy could not reach it either (50" in finding.message
    assert finding.hint.startswith("Check the URL's host name")


def test_a_gateway_error_through_the_proxy_for_a_name_that_resolves_says_so(
    monkeypatch: pytest.MonkeyPatch, scripted: str
) -> None:
    monkeypatch.setenv("HTTP_PROXY", scripted)
    monkeypatch.setenv("NO_PROXY", "")
    url = "http://localhost/photo.jpg"  # resolves here (the address check is off for it)
    _Scripted.script[url] = [(503, {})]
    pin = {"board_id": "1", "media_source": {"source_type": "image_url", "url": url}}
    (report,) = validate_many([pin], settings=Settings(retries=0, allow_private_hosts=True))
    (finding,) = report.findings
    assert finding.code == "media.server_error"
    assert finding.hint.startswith("This came through the environment's proxy")
    _Scripted.script["/a.jpg"] = [(503, {})]  # the same answer from the server itself
    direct = {"source_type": "image_url", "url": f"{scripted}/a.jpg"}
    (report,) = validate_many(
        [{**pin, "media_source": direct}],
        settings=Settings(retries=0, allow_private_hosts=True, trust_env=False),
    )
    (finding,) = report.findings
    assert finding.code == "media.server_error"
    assert "proxy" not in finding.hint


def test_a_server_s_tls_failure_through_a_proxy_is_not_the_proxy_s(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Through a working proxy's tunnel, the server's certificate failed the handshake: that
    # ConnectError was blamed on the proxy. (A unit test: the wording of a failure httpx raised.)
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("NO_PROXY", "")
    refused = httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")
    refused.__cause__ = ssl.SSLCertVerificationError(1, "certificate verify failed")
    down = httpx.ConnectError("All connection attempts failed")
    url = "https://cdn.example.com/a.jpg"

    async def run() -> tuple[Failure, Failure]:
        async with Fetcher(Settings()) as fetcher:
            return (
                fetcher._transport_failure(refused, url, url, (), fresh=False),
                fetcher._transport_failure(down, url, url, (), fresh=False),
            )

    tls, proxy = asyncio.run(run())
    assert (
        tls.detail
        == "cannot be connected to ([SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed)"
    )
    assert tls.hint is None
    assert proxy.detail.startswith("cannot be connected to through the environment's proxy")
    assert proxy.hint is not None


def test_an_etag_past_ascii_is_not_sent_back_as_if_range(scripted: str) -> None:
    # HTTP lets an ETag hold bytes past ASCII; sent back as If-Range, it could not be encoded.
    _Scripted.script["/tag.jpg"] = [(206, {"ETag": '"caf\u00e9"'})]
    url = f"{scripted}/tag.jpg"
    pin = {"board_id": "1", "media_source": {"source_type": "image_url", "url": url}}
    (report,) = validate_many([pin], settings=Settings(allow_private_hosts=True, retries=0))
    assert report.codes == frozenset()
    assert _Scripted.asked == ["/tag.jpg", "/tag.jpg"]  # the header, then the end marker
    assert _Scripted.if_ranges == [None, None]


def test_credentials_in_the_url_are_sent_as_basic_auth_on_every_read(scripted: str) -> None:
    # httpx's client did this; requests sent past it to the transport forgot, and a URL that
    # works was media.forbidden.
    url = scripted.replace("http://", "http://us%40er:p%3Ass@") + "/auth.jpg"
    pin = {"board_id": "1", "media_source": {"source_type": "image_url", "url": url}}
    (report,) = validate_many([pin], settings=Settings(allow_private_hosts=True, retries=0))
    assert report.codes == frozenset()
    expected = "Basic " + base64.b64encode(b"us@er:p:ss").decode()
    assert _Scripted.authorizations == [expected, expected]  # the header, and the end marker


def test_a_closed_fetcher_opens_no_connection(server: MediaServer) -> None:
    # A video thread's late read after the run closed: sent past the client, it opened a
    # connection in the closed pool that nothing closed (ResourceWarning at exit).
    async def run() -> None:
        fetcher = Fetcher(Settings(allow_private_hosts=True, retries=0))
        await fetcher.aclose()
        with pytest.raises(RuntimeError, match="closed"):
            await fetcher.open(server.url(f"/media/{JPEG}"), Budget(1 << 20))

    before = len(server.log)
    asyncio.run(run())
    assert len(server.log) == before


def test_each_host_is_looked_up_once_per_run(server: MediaServer) -> None:
    # Every URL had its host looked up, all at once: 10,000 lookups of one CDN's name.
    asked: list[tuple[str, int]] = []

    async def counting(host: str, port: int) -> netguard.NotPublic | netguard.ResolveError | None:
        asked.append((host, port))
        await asyncio.sleep(0.05)  # the lookup takes time: the other URLs wait for its answer
        return None

    config = Settings()
    urls = [server.url(f"/media/{JPEG}?n={n}") for n in range(20)]

    async def run() -> list[Response | Failure]:
        async with Fetcher(config, guard=counting) as fetcher:
            budgets = [Budget(config.max_bytes_per_url) for _ in urls]
            return await asyncio.gather(*map(fetcher.open, urls, budgets))

    assert all(isinstance(outcome, Response) for outcome in asyncio.run(run()))
    assert asked == [("127.0.0.1", server.server_address[1])]


def test_a_lookup_that_may_pass_later_is_asked_again(server: MediaServer) -> None:
    answers: list[netguard.ResolveError | netguard.NotPublic] = [
        netguard.ResolveError("127.0.0.1", "Temporary failure in name resolution", temporary=True),
        netguard.NotPublic("127.0.0.1", "127.0.0.1", "a loopback address (127.0.0.0/8)"),
    ]
    asked = 0

    async def flaky(host: str, port: int) -> netguard.ResolveError | netguard.NotPublic | None:
        nonlocal asked
        asked += 1
        return answers[min(asked, len(answers)) - 1]

    config = Settings(retries=0)
    url = server.url(f"/media/{JPEG}")

    async def run() -> list[Response | Failure]:
        async with Fetcher(config, guard=flaky) as fetcher:
            return [await fetcher.open(url, Budget(config.max_bytes_per_url)) for _ in range(3)]

    first, second, third = asyncio.run(run())
    assert isinstance(first, Failure)
    assert first.kind is FailureKind.UNREACHABLE
    assert isinstance(second, Failure)
    assert second.kind is FailureKind.NOT_PUBLIC
    assert third == second
    assert asked == 2  # the refusal is kept; the temporary failure was not
