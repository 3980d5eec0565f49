"""A real HTTP media server on 127.0.0.1 that misbehaves on request: the demo's, and the tests'.

pytest-httpserver is fine for one canned answer; the probes need a server that honours byte
ranges like nginx does, and that can also ignore them, redirect in circles, throttle, stall, reset
the connection or stream forever. Each behaviour is a path prefix, so a test reads as the URL it
fetches:

``/media/NAME``                 the fixture file, with Range support (206, Content-Range)
``/norange/NAME``               the whole file with 200, whatever Range says
``/nosize/NAME``                ranges honoured, the size never stated (``bytes 0-N/*``)
``/wrongrange/NAME``            every range answered with bytes from the start of the file
``/laterfail/STATUS/NAME``      the first block, then STATUS for every later ranged read
                                (``?once=KEY``: for the first of them only, with Retry-After: 1;
                                ``stall``: no answer for 3 s)
``/suffixwhole/NAME``           a suffix range (``bytes=-N``) answered with the whole file
``/overrun/NAME``               ranges honoured, each answer followed by 4 bytes more than its
                                Content-Length, in the same write (they stay in the client's buffer)
``/shifted/NAME``               every range answered 100 bytes further on, and labelled so
``/gzipped/NAME``               the whole file gzip-compressed (Content-Encoding: gzip), always
``/type/TYPE/SUBTYPE/NAME``     the file served with that Content-Type
``/status/CODE``                an empty answer with that status
``/loop/a``, ``/loop/b``        redirect to each other
``/chain/N/NAME``               N redirects, then the file
``/redirect?to=URL``            one 302 to URL (``&to=OTHER``: a Location header each)
``/flaky/KEY/STATUS/NAME``      STATUS (with ``Retry-After: 1`` for 429/503) the first time KEY
                                is asked for, the file afterwards
``/slow/NAME``                  headers at once, then one byte a second
``/hang/NAME``                  no answer at all for 3 s, then the connection is closed
``/reset/NAME``                 the connection is reset before any answer
``/nothttp/NAME``               a first line that is no HTTP status line, then the connection is
                                closed
``/endless``                    200 and an endless body, Range ignored
``/signed/NAME``                the file, whatever the query string says (signed-URL stand-in)
``/laterzip/NAME``              the first block as is, every later range gzip-compressed
                                (Content-Encoding: gzip) under its right Content-Range
``/laterpage/NAME``             the first block as is, every later read a 200 HTML page
``/changing/NAME?then=OTHER``   the first block of NAME, every later range from OTHER (a file
                                replaced while it is read); ``&blind=1``: If-Range ignored;
                                ``&untagged=1``: OTHER sent without its ETag
``/promise/N/NAME``             the first block's Content-Range as asked, but only N bytes sent
``/claim/TOTAL/NAME``           the first block's Content-Range says the file is TOTAL bytes
``/unplaced/NAME``              each range answered 206, without a Content-Range header
``/partwhole/NAME``             each range sent with its Content-Range, but as 200 (a proxy that
                                rewrote the 206's status)
``/mirror/NAME``                the first block, then a 302 to ``/media/NAME`` (or ``?to=URL``,
                                a Location header for each ``to``) for every other range (a CDN
                                sending later reads to an origin)
``/cookiewall/NAME``            the file to a request with the cookie ``wall=passed``; to any
                                other, a 302 to ``/cookiewall/NAME?checked`` that sets it

Every file answer carries a strong ``ETag`` and honours ``If-Range`` as nginx does: a range asked
with a validator that no longer matches gets the whole file (200).

Files come from the folders the server is given (the demo's generated media, the tests'
``fixtures/media``). Every request is logged with its path, Range header and bytes sent.
``latency`` adds a fixed delay before each answer (the online benchmark's WAN stand-in).
"""

from __future__ import annotations

import gzip
import mimetypes
import re
import socket
import struct
import sys
import threading
import time
import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from socketserver import BaseServer
from typing import Any, TypeVar
from urllib.parse import parse_qs, unquote, urlsplit

_Server = TypeVar("_Server", bound=BaseServer)
_RANGE = re.compile(r"bytes=(\d*)-(\d*)$")
_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".mp4": "video/mp4",
          ".mov": "video/quicktime", ".webp": "image/webp", ".gif": "image/gif",
          ".webm": "video/webm", ".mkv": "video/x-matroska", ".html": "text/html"}  # fmt: skip


@dataclass(frozen=True)
class Logged:
    """One request as the server saw it."""

    path: str
    range: str | None
    status: int
    sent: int
    if_range: str | None = None


class MediaServer(ThreadingHTTPServer):
    """The server; use ``serve()`` to run one for the length of a ``with`` block."""

    daemon_threads = True
    allow_reuse_address = True
    # socketserver listens with a backlog of 5: a burst of concurrent connects beyond it has its
    # SYNs dropped and retried a second later, which a CDN would never do to a checker.
    request_queue_size = 128

    def __init__(self, roots: tuple[Path, ...], latency: float = 0.0) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.roots = roots
        self.latency = latency
        self.log: list[Logged] = []
        self.asked: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._answering: Counter[str] = Counter()  # paths being answered, by handler threads
        self._idle = threading.Condition(self._lock)

    @property
    def base(self) -> str:
        """``http://127.0.0.1:PORT``."""
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, path: str) -> str:
        """The absolute URL of ``path`` on this server."""
        return self.base + path

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Quiet about a client that hung up (probes do, on purpose); loud about anything else."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)

    def record(self, entry: Logged) -> None:
        """Log one request (handlers run in threads)."""
        with self._lock:
            self.log.append(entry)

    def first_time(self, key: str) -> bool:
        """Whether ``key`` is asked for the first time (for ``/flaky``)."""
        with self._lock:
            self.asked[key] += 1
            return self.asked[key] == 1

    def file(self, name: str) -> Path | None:
        """The served file called ``name``, if one of the roots has it."""
        for root in self.roots:
            candidate = (root / name).resolve()
            if candidate.is_file() and root.resolve() in candidate.parents:
                return candidate
        return None

    def requests_to(self, fragment: str) -> list[Logged]:
        """The logged requests whose path contains ``fragment``."""
        with self._lock:
            return [entry for entry in self.log if fragment in entry.path]

    def settled_requests_to(self, fragment: str, timeout: float = 2.0) -> list[Logged]:
        """``requests_to``, once no request whose path contains ``fragment`` is being answered.

        A request is logged once its answer is written: the client may have read it all and
        gone on before the handler's thread logs it. A test that counts requests after a check
        asks this. A ``TimeoutError`` if one is still being answered after ``timeout`` seconds.
        """
        with self._idle:
            if not self._idle.wait_for(lambda: not self._answering_any(fragment), timeout):
                raise TimeoutError(f"requests to {fragment!r} still being answered")
        return self.requests_to(fragment)

    def _answering_any(self, fragment: str) -> bool:
        return any(fragment in path for path, count in self._answering.items() if count)

    @contextmanager
    def answering(self, path: str) -> Iterator[None]:
        """Count ``path`` as being answered for as long as the block runs."""
        with self._lock:
            self._answering[path] += 1
        try:
            yield
        finally:
            with self._idle:
                self._answering[path] -= 1
                self._idle.notify_all()


@contextmanager
def serve(roots: tuple[Path, ...], latency: float = 0.0) -> Iterator[MediaServer]:
    """Run a ``MediaServer`` in a thread for the length of the block."""
    with running(MediaServer(roots, latency)) as server:
        yield server


@contextmanager
def running(server: _Server) -> Iterator[_Server]:
    """Serve ``server`` from a thread for the length of the block, then close it.

    Shared by the test suite's other loopback servers (the fake Pinterest API, ...).
    """
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class _Handler(BaseHTTPRequestHandler):
    server: MediaServer
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # Without this a small answer waits ~40 ms for a delayed ACK (media-probing.md).
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the tests read ``server.log`` instead."""

    def do_HEAD(self) -> None:
        self.send_response(405 if "/media/" not in self.path else 403)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        with self.server.answering(self.path):
            if self.server.latency:
                time.sleep(self.server.latency)
            parts = urlsplit(self.path)
            path = unquote(parts.path)
            route, _, rest = path.lstrip("/").partition("/")
            handler = getattr(self, f"_route_{route}", None)
            if handler is None:
                self._status(404)
                return
            handler(rest, parse_qs(parts.query))

    # --- routes -----------------------------------------------------------------------------------

    def _route_media(self, rest: str, query: dict[str, list[str]]) -> None:
        self._file(rest, ranges=True)

    def _route_signed(self, rest: str, query: dict[str, list[str]]) -> None:
        self._file(rest, ranges=True)

    def _route_norange(self, rest: str, query: dict[str, list[str]]) -> None:
        self._file(rest, ranges=False)

    def _route_laterfail(self, rest: str, query: dict[str, list[str]]) -> None:
        # The first block is served; every later ranged read fails with the status given (with
        # ?once=KEY only the first of them, with Retry-After: 1).
        status, _, name = rest.partition("/")
        once = query.get("once")
        if self._first_block() or (once is not None and not self.server.first_time(once[0])):
            self._file(name, ranges=True)
        elif status == "stall":  # no answer at all for 3 s, then the connection closes
            self._route_hang(name, query)
        else:
            self._status(int(status), {"Retry-After": "1"} if once is not None else None)

    def _route_hang(self, rest: str, query: dict[str, list[str]]) -> None:
        time.sleep(3)  # a file its server never answers for, among others it does answer
        self.close_connection = True

    def _route_suffixwhole(self, rest: str, query: dict[str, list[str]]) -> None:
        # A suffix range (bytes=-N) answered with a 206 of the whole file.
        if (self.headers.get("Range") or "").startswith("bytes=-"):
            self._file(rest, ranges=True, whole_range=True)
        else:
            self._file(rest, ranges=True)

    def _route_overrun(self, rest: str, query: dict[str, list[str]]) -> None:
        # Bytes past the end of every answer: the next answer on the connection starts with them.
        self._file(rest, ranges=True, overrun=b"JUNK")

    def _route_shifted(self, rest: str, query: dict[str, list[str]]) -> None:
        # Every range answered 100 bytes further on than asked, and labelled so.
        self._file(rest, ranges=True, shift=100)

    def _route_wrongrange(self, rest: str, query: dict[str, list[str]]) -> None:
        # A broken cache: every range is answered from the start of the file, and says so.
        self._file(rest, ranges=True, from_start=True)

    def _route_capped(self, rest: str, query: dict[str, list[str]]) -> None:
        # Ranges honoured, but no answer longer than N bytes (its Content-Range says so).
        cap, _, name = rest.partition("/")
        self._file(name, ranges=True, cap=int(cap))

    def _route_bigheaders(self, rest: str, query: dict[str, list[str]]) -> None:
        # 300 KB of cookies before the file: more than any client buffers for headers. Logged
        # first: the client hangs up halfway, and a test may look before this thread goes on.
        self.server.record(Logged(self.path, self.headers.get("Range"), 200, 0))
        self.send_response(200)
        for number in range(300):
            self.send_header("Set-Cookie", f"c{number}={'x' * 1000}")
        self.send_header("Content-Length", "0")
        try:
            self.end_headers()
        except OSError:
            self.close_connection = True  # the client gave up on them, as it should

    def _route_nosize(self, rest: str, query: dict[str, list[str]]) -> None:
        # Ranges honoured, the total size never stated (Content-Range: bytes 0-65535/*).
        self._file(rest, ranges=True, state_size=False)

    def _route_gzipped(self, rest: str, query: dict[str, list[str]]) -> None:
        # The whole file gzip-compressed, whatever Accept-Encoding and Range say.
        path = self.server.file(rest)
        if path is None:
            self._status(404)
            return
        body = gzip.compress(path.read_bytes())
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self._body(body, self.headers.get("Range"), 200)

    def _route_laterzip(self, rest: str, query: dict[str, list[str]]) -> None:
        if self._first_block():
            self._file(rest, ranges=True)
        else:
            self._file(rest, ranges=True, gzipped=True)

    def _route_laterpage(self, rest: str, query: dict[str, list[str]]) -> None:
        # The first block as is; every later read answered with a page (a bot check's, say).
        if self._first_block():
            self._file(rest, ranges=True)
            return
        body = b"<!doctype html><title>Just a moment...</title>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self._body(body, None, 200)

    def _route_changing(self, rest: str, query: dict[str, list[str]]) -> None:
        if self._first_block():
            self._file(rest, ranges=True)
        else:
            blind, untagged = "blind" in query, "untagged" in query
            self._file(query["then"][0], ranges=True, if_range=not blind, etag=not untagged)

    def _route_promise(self, rest: str, query: dict[str, list[str]]) -> None:
        count, _, name = rest.partition("/")
        self._file(name, ranges=True, send_only=int(count))

    def _route_unplaced(self, rest: str, query: dict[str, list[str]]) -> None:
        self._file(rest, ranges=True, range_header=False)

    def _route_partwhole(self, rest: str, query: dict[str, list[str]]) -> None:
        self._file(rest, ranges=True, as_whole=True)

    def _route_claim(self, rest: str, query: dict[str, list[str]]) -> None:
        total, _, name = rest.partition("/")
        self._file(name, ranges=True, claimed_size=int(total))

    def _route_mirror(self, rest: str, query: dict[str, list[str]]) -> None:
        if self._first_block():
            self._file(rest, ranges=True)
        else:
            self._redirect(*query.get("to", [f"/media/{rest}"]))

    def _route_cookiewall(self, rest: str, query: dict[str, list[str]]) -> None:
        if "wall=passed" in (self.headers.get("Cookie") or ""):
            self._file(rest, ranges=True)
        else:
            location = f"/cookiewall/{rest}?checked"  # a bot wall
            self._status(302, {"Location": location, "Set-Cookie": "wall=passed; Path=/"})

    def _first_block(self) -> bool:
        return (self.headers.get("Range") or "bytes=0-").startswith("bytes=0-")

    def _route_type(self, rest: str, query: dict[str, list[str]]) -> None:
        major, minor, name = rest.split("/", 2)
        self._file(name, ranges=True, content_type=f"{major}/{minor}")

    def _route_status(self, rest: str, query: dict[str, list[str]]) -> None:
        self._status(int(rest))

    def _route_loop(self, rest: str, query: dict[str, list[str]]) -> None:
        self._redirect("/loop/b" if rest == "a" else "/loop/a")

    def _route_chain(self, rest: str, query: dict[str, list[str]]) -> None:
        count, _, name = rest.partition("/")
        if int(count) == 0:
            self._file(name, ranges=True)
        else:
            self._redirect(f"/chain/{int(count) - 1}/{name}")

    def _route_redirect(self, rest: str, query: dict[str, list[str]]) -> None:
        self._redirect(*query["to"])

    def _route_flaky(self, rest: str, query: dict[str, list[str]]) -> None:
        key, status, name = rest.split("/", 2)
        if self.server.first_time(key):
            extra = {"Retry-After": "1"} if status in ("429", "503") else {}
            self._status(int(status), extra)
        else:
            self._file(name, ranges=True)

    def _route_slow(self, rest: str, query: dict[str, list[str]]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        self.send_header("Content-Length", "100000")
        self.end_headers()
        try:
            for _ in range(60):
                self.wfile.write(b"\xff")
                self.wfile.flush()
                time.sleep(1)
        except OSError:
            pass  # the client hung up, as it should
        self.close_connection = True

    def _route_reset(self, rest: str, query: dict[str, list[str]]) -> None:
        # SO_LINGER with a zero timeout turns close() into a TCP RST.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.server.record(Logged(self.path, self.headers.get("Range"), 0, 0))

    def _route_nothttp(self, rest: str, query: dict[str, list[str]]) -> None:
        self.wfile.write(b"220 mail.example.com ESMTP\r\n\r\n")  # another service's banner
        self.close_connection = True
        self.server.record(Logged(self.path, self.headers.get("Range"), 0, 0))

    def _route_endless(self, rest: str, query: dict[str, list[str]]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        chunk = b"\xff\xd8\xff" + b"\0" * 65533
        sent = 0
        try:
            while sent < 1 << 30:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                sent += len(chunk)
        except OSError:
            pass  # the client hung up at its byte cap
        self.close_connection = True
        self.server.record(Logged(self.path, self.headers.get("Range"), 200, sent))

    # --- answers ----------------------------------------------------------------------------------

    def _file(
        self,
        name: str,
        *,
        ranges: bool,
        content_type: str | None = None,
        from_start: bool = False,
        state_size: bool = True,
        whole_range: bool = False,
        shift: int = 0,
        cap: int | None = None,
        gzipped: bool = False,
        if_range: bool = True,
        etag: bool = True,
        send_only: int | None = None,
        claimed_size: int | None = None,
        overrun: bytes = b"",
        as_whole: bool = False,
        range_header: bool = True,
    ) -> None:
        path = self.server.file(name)
        if path is None:
            self._status(404)
            return
        status_of_file = path.stat()
        size = status_of_file.st_size
        # Its name too: two files of one size written in one checkout share size and date.
        tag = f'"{size:x}-{status_of_file.st_mtime_ns:x}-{zlib.crc32(path.name.encode()):x}"'
        start, end, status = 0, size - 1, 200
        asked = self.headers.get("Range")
        validator = self.headers.get("If-Range")
        logged = asked
        if if_range and validator is not None and validator != tag:
            asked = None  # the file the client read before is gone: this one whole (RFC 9110)
        if ranges and asked:
            span = _span(asked, size)
            if span is None:
                self._status(416, {"Content-Range": f"bytes */{size}"})
                return
            start, end, status = span[0], span[1], 206
            if from_start:
                start, end = 0, end - start
            if whole_range:
                start, end = 0, size - 1
            if shift:
                start, end = min(start + shift, size - 1), min(end + shift, size - 1)
            if cap is not None:
                end = min(end, start + cap - 1)
        self.send_response(200 if as_whole else status)
        kind = content_type or _TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0]
        self.send_header("Content-Type", kind or "application/octet-stream")
        self.send_header("Accept-Ranges", "bytes" if ranges else "none")
        if etag:
            self.send_header("ETag", tag)
        length = max(0, end - start + 1)
        body = None
        if gzipped:
            with path.open("rb") as handle:
                handle.seek(start)
                body = gzip.compress(handle.read(length))
            self.send_header("Content-Encoding", "gzip")
        elif send_only is not None:
            length = min(length, send_only)
        self.send_header("Content-Length", str(len(body) if body is not None else length))
        if status == 206 and range_header:
            stated = claimed_size if claimed_size is not None else size if state_size else "*"
            self.send_header("Content-Range", f"bytes {start}-{end}/{stated}")
        self.end_headers()
        if body is not None:
            self._body(body, logged, status)
            return
        sent = 0
        try:
            with path.open("rb") as handle:
                handle.seek(start)
                remaining = length
                while remaining > 0:
                    block = handle.read(min(remaining, 256 * 1024))
                    if not block:
                        break
                    self.wfile.write(block + overrun if len(block) >= remaining else block)
                    sent += len(block)
                    remaining -= len(block)
        except OSError:
            self.close_connection = True  # the client hung up early: that is the point
        self.server.record(Logged(self.path, logged, status, sent, validator))

    def _body(self, body: bytes, asked: str | None, status: int) -> None:
        try:
            self.wfile.write(body)
        except OSError:
            self.close_connection = True
        self.server.record(Logged(self.path, asked, status, len(body)))

    def _status(self, status: int, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", "0")
        self.end_headers()
        self.server.record(Logged(self.path, self.headers.get("Range"), status, 0))

    def _redirect(self, *locations: str) -> None:
        """A 302 with one Location header per location (two: a broken server's)."""
        self.send_response(302)
        for location in locations:
            self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()
        self.server.record(Logged(self.path, self.headers.get("Range"), 302, 0))


def _span(header: str, size: int) -> tuple[int, int] | None:
    """The inclusive byte span a ``Range`` header asks for, or ``None`` if it cannot be served."""
    match = _RANGE.match(header.strip())
    if match is None or size == 0:
        return None
    first, last = match.groups()
    if first == "":
        if not last:
            return None
        length = int(last)
        return max(0, size - length), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        return None
    return start, end
