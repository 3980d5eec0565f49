"""The account checks against a Pinterest that misbehaves: never a traceback, never a false verdict.

A small server of our own answers what the fake Pinterest of ``tests/fake_pinterest.py`` never
would: slow answers, bodies nested 100,000 deep or of several MB, and a board list whose
bookmarks never end.
"""

from __future__ import annotations

import asyncio
import functools
import gzip
import json
import socket
import time
import tracemalloc
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from support import tcp_server

from validator.codes.platform import PLATFORM_SERVER_ERROR, PLATFORM_UNKNOWN
from validator.demo.server import running
from validator.findings import Finding
from validator.pinterest import account, client
from validator.pinterest.account import AccountChecker
from validator.settings import Settings
from validator.waiting import SILENT_LIMIT


@functools.cache
def _bomb() -> bytes:
    inner = gzip.compress(b"{" + b" " * (50 * 1024 * 1024) + b"}", compresslevel=9)
    return gzip.compress(inner, compresslevel=9)


class _Odd(BaseHTTPRequestHandler):
    busy_answered = False
    blip_from: float | None = None

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        route = parts.path.removeprefix("/v5/")
        if route.startswith("failing-slowly/"):  # Pinterest failing, slowly
            time.sleep(0.25)
            self.send_error(503)
        elif route.startswith("slow"):
            time.sleep(0.2)
            self._answer(json.dumps({"id": "1", "name": "Board"}).encode())
        elif route == "deep":
            self._answer(b"[" * 100_000 + b"]" * 100_000)
        elif route == "huge":
            self._answer(json.dumps({"name": "x" * (6 * 1024 * 1024)}).encode())
        elif route == "bomb":  # 50 MB of JSON whitespace in a few KB, compressed twice
            self._answer(_bomb(), encoding="gzip, gzip")
        elif route == "zipped":  # compressed though asked not to: still read, within the cap
            body = json.dumps({"id": "1", "name": "Board"}).encode()
            self._answer(gzip.compress(body), encoding="gzip")
        elif route == "busy-then-silent":  # a 503, then no answer within any deadline
            if _Odd.busy_answered:
                time.sleep(1)
                return
            _Odd.busy_answered = True
            self.send_error(503)
        elif route == "gone/user_account":  # the token check is answered, then nothing is
            self._answer(json.dumps({"username": "someone"}).encode())
        elif route.startswith("gone/"):
            time.sleep(1)
        elif route.startswith("blip/boards/"):  # silent for its first 0.3 s, then answering
            if _Odd.blip_from is None:
                _Odd.blip_from = time.monotonic()
            if time.monotonic() - _Odd.blip_from < 0.3:
                time.sleep(1)
                return
            board = {"id": route.rsplit("/", 1)[1], "owner": {"username": "someone"}}
            self._answer(json.dumps(board).encode())
        elif route == "blip/user_account":
            self._answer(json.dumps({"username": "someone"}).encode())
        elif route.startswith("firewall/"):  # a proxy's page, not Pinterest's JSON
            self._answer(b"<html><h1>Access denied</h1></html>", status=403)
        elif route.startswith("gateway/"):  # a gateway's page for a path it does not route
            self._answer(b"<html><h1>404 Not Found</h1></html>", status=404)
        elif route.startswith("teapot/"):  # an answer nobody expects, and an odd request id
            self._answer(b'{"code": 418}', status=418, request_id="pina_token 7f\u00e9")
        elif route.startswith("rid/"):  # answers nobody expects, each with its request id
            bodies = {
                "rid/huge": {"name": "x" * (6 * 1024 * 1024)},
                "rid/media/5": {"media_id": "5", "status": "weird"},
                "rid/media/6": {"media_id": "6", "status": ["failed"]},  # unhashable
                "rid/boards": {"boards": []},
                "rid/looping": {"items": [], "bookmark": "same"},
            }
            self._answer(json.dumps(bodies[route]).encode(), request_id="rid-7")
        elif route == "endless":
            page = int(parse_qs(parts.query).get("bookmark", ["0"])[0])
            self._answer(json.dumps({"items": [], "bookmark": str(page + 1)}).encode())
        else:
            self.send_error(404)

    def _answer(
        self,
        body: bytes,
        encoding: str | None = None,
        *,
        status: int = 200,
        request_id: str | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        if request_id is not None:
            self.send_header("x-pinterest-rid", request_id)
        if encoding is not None:
            self.send_header("Content-Encoding", encoding)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Odd)
    with running(server):
        yield f"http://127.0.0.1:{server.server_address[1]}/v5"


def ask(base: str, path: str, **settings: object) -> object:
    async def run() -> object:
        checker = AccountChecker(Settings(api_base=base, retries=1, **settings), "pina_token")
        try:
            if path == "endless":
                return await checker._ask_listing(path, "the board list")
            return await checker._api.get(path)
        finally:
            await checker.aclose()

    return asyncio.run(run())


def test_a_body_nested_too_deep_is_a_server_fault_not_a_crash(base: str) -> None:
    problem = ask(base, "deep")
    assert isinstance(problem, client.Problem)
    assert problem.code is PLATFORM_SERVER_ERROR
    assert "not JSON" in problem.message


def test_a_body_of_megabytes_is_not_read_whole(base: str) -> None:
    problem = ask(base, "huge")
    assert isinstance(problem, client.Problem)
    assert problem.code is PLATFORM_UNKNOWN
    assert "more than" in problem.message


def test_a_compressed_answer_is_counted_as_it_inflates(base: str) -> None:
    _bomb()  # made before measuring: the server runs in this process
    tracemalloc.start()
    try:
        problem = ask(base, "bomb")  # 50 MB inflated whole (and more, nested deeper)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 25 * 1024 * 1024  # the 5 MB cap, and some
    assert isinstance(problem, client.Problem)
    assert problem.code is PLATFORM_UNKNOWN
    assert "more than" in problem.message
    zipped = ask(base, "zipped")
    assert isinstance(zipped, client.Reply)
    assert zipped.body == {"id": "1", "name": "Board"}


def test_the_token_goes_to_no_proxy_over_plain_http(base: str) -> None:
    async def trusts(api_base: str) -> bool:
        checker = AccountChecker(Settings(api_base=api_base), "pina_token")
        try:
            return checker._api._client.trust_env
        finally:
            await checker.aclose()

    assert asyncio.run(trusts(base)) is False  # http (a loopback test server): no proxy
    assert asyncio.run(trusts("https://api.pinterest.com/v5")) is True  # https: a tunnel


def test_a_board_list_that_never_ends_is_not_taken_for_the_whole_list(
    base: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(account, "_MAX_PAGES", 5)
    problem = ask(base, "endless")
    assert isinstance(problem, client.Problem)
    assert problem.code is PLATFORM_UNKNOWN
    assert "more than 5 pages" in problem.message


def test_questions_waiting_in_line_do_not_time_out(base: str) -> None:
    # One connection, 0.2 s an answer, 12 questions at once: the last waits 2.2 s in line, four
    # times the deadline, and is answered all the same.
    async def run() -> list[object]:
        settings = Settings(api_base=base, retries=0, per_host=1, deadline=0.5)
        checker = AccountChecker(settings, "pina_token")
        try:
            return list(await asyncio.gather(*(checker._api.get(f"slow/{n}") for n in range(12))))
        finally:
            await checker.aclose()

    replies = asyncio.run(run())
    assert all(isinstance(reply, client.Reply) and reply.status == 200 for reply in replies)


def test_a_pinterest_that_never_answers_is_asked_nothing_after_the_token_check() -> None:
    # Every board was asked again with every retry after the token check had timed out: 3
    # boards took 63 s, 16 boards 162 s, a hundred would look like a hung CI job.
    silent = socket.socket()  # accepts connections (the backlog), never answers
    silent.bind(("127.0.0.1", 0))
    silent.listen(100)

    async def run() -> tuple[list[list[object]], int]:
        settings = Settings(
            api_base=f"http://127.0.0.1:{silent.getsockname()[1]}/v5",
            retries=1,
            read_timeout=0.2,
            deadline=0.3,
        )
        checker = AccountChecker(settings, "pina_token")
        try:
            targets = [account.AccountTarget(board_id=str(1000 + n)) for n in range(8)]
            found = await asyncio.gather(*(checker.findings(target) for target in targets))
            return [list(each) for each in found], checker.requests
        finally:
            await checker.aclose()

    try:
        started = time.monotonic()
        found, requests = asyncio.run(run())
    finally:
        silent.close()
    assert requests == 2  # the token check and its one retry
    assert time.monotonic() - started < 3
    for (finding,) in found:
        assert finding.code == "platform.timeout"
        assert finding.message.endswith("nothing else was asked of Pinterest")


def test_a_pinterest_that_stops_answering_mid_run_is_asked_nothing_more(base: str) -> None:
    # Each board waited through all its tries after the network went: a hundred boards, four
    # at a time, took a quarter of an hour. After six requests in a row unanswered, none is sent.
    async def run(retries: int) -> tuple[list[Finding], int]:
        settings = Settings(
            api_base=f"{base}/gone", retries=retries, read_timeout=0.2, deadline=0.3, per_host=1
        )
        checker = AccountChecker(settings, "pina_token")
        try:
            targets = [account.AccountTarget(board_id=str(1000 + n)) for n in range(12)]
            found = await asyncio.gather(*(checker.findings(target) for target in targets))
            return [finding for (finding,) in found], checker.requests
        finally:
            await checker.aclose()

    found, requests = asyncio.run(run(retries=0))
    assert requests == 1 + SILENT_LIMIT  # the token check, then six boards
    assert {finding.code for finding in found} == {"platform.timeout"}
    messages = [finding.message for finding in found]
    assert sum("timed out (1 attempt)" in message for message in messages) == SILENT_LIMIT
    unsent = [message for message in messages if "was not sent" in message]
    assert len(unsent) == 12 - SILENT_LIMIT
    assert unsent[0].startswith("GET /v5/boards/10")
    assert "Pinterest stopped answering during the run" in unsent[0]
    # Requests are counted, not questions: a board's retry waits its backoff while the next
    # board sends its first try, and the tries left are not sent either.
    found, requests = asyncio.run(run(retries=1))
    assert requests == 1 + SILENT_LIMIT
    # A question whose first try went unanswered says so, rather than "was not sent".
    assert any("was not tried again after 1 attempt: " in f.message for f in found)


@pytest.mark.parametrize("per_host", [4, 8])
def test_a_blip_of_silence_is_no_outage(base: str, per_host: int) -> None:
    # Six silent requests in a row stopped every check: with four or more questions at once, a
    # blip of 0.3 s did, and 29 of 30 boards were "not sent".
    _Odd.blip_from = None

    async def run() -> list[list[object]]:
        settings = Settings(
            # The rule's window (deadline) is well past the blip: on a busy machine the blip's
            # last timeouts came late, and 0.5 s of silence was reached (a flaky failure).
            api_base=f"{base}/blip",
            retries=2,
            read_timeout=0.2,
            deadline=1.5,
            per_host=per_host,
        )
        checker = AccountChecker(settings, "pina_token")
        try:
            targets = [account.AccountTarget(board_id=str(1000 + n)) for n in range(30)]
            found = await asyncio.gather(*(checker.findings(target) for target in targets))
            return [list(each) for each in found]
        finally:
            await checker.aclose()

    assert asyncio.run(run()) == [[]] * 30


def test_an_answer_between_silences_keeps_pinterest_asked(base: str) -> None:
    async def run() -> list[object]:
        settings = Settings(api_base=base, retries=0, read_timeout=0.1, deadline=0.2, per_host=1)
        checker = AccountChecker(settings, "pina_token")
        silence = [f"gone/{n}" for n in range(SILENT_LIMIT - 1)]
        try:
            paths = [*silence, "none/1", *silence, "none/2"]
            return [await checker._api.get(path) for path in paths]
        finally:
            await checker.aclose()

    *_, last = asyncio.run(run())
    assert isinstance(last, client.Reply)
    assert last.status == 404  # an answer, if not a good one


def board_one(api_base: str) -> object:
    """What the account checks make of ``GET {api_base}/boards/1``."""

    async def run() -> object:
        checker = AccountChecker(Settings(api_base=api_base), "pina_token")
        try:
            return await checker._ask_board("1")
        finally:
            await checker.aclose()

    return asyncio.run(run())


def test_an_unexpected_answer_gives_its_request_id_scrubbed_and_quoted(base: str) -> None:
    problem = board_one(f"{base}/teapot")
    assert isinstance(problem, client.Problem)
    assert problem.code is PLATFORM_UNKNOWN
    assert problem.message == (
        'GET /v5/boards/1 answered unexpectedly (418, code 418; request id "[token] 7f\u00e9")'
    )


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("huge", "answered with more than 5,242,880 bytes"),
        ("media", 'answered an unknown status "weird"'),
        ("media-list", 'answered an unknown status "[\\"failed\\"]"'),
        ("boards", "answered without items"),
        ("looping", "gave a bookmark it had given before"),
    ],
)
def test_every_answer_nobody_expected_gives_its_request_id(
    base: str, question: str, said: str
) -> None:
    # platform.unknown's fix is "ask Pinterest's support with the request id": these had none.
    async def run() -> object:
        checker = AccountChecker(Settings(api_base=f"{base}/rid", retries=0), "pina_token")
        try:
            if question.startswith("media"):
                return await checker._ask_media("6" if question == "media-list" else "5")
            if question == "huge":
                return await checker._api.get("huge")
            return await checker._ask_listing(question, "the board list")
        finally:
            await checker.aclose()

    problem = asyncio.run(run())
    assert isinstance(problem, client.Problem)
    assert problem.code is PLATFORM_UNKNOWN
    assert said in problem.message
    assert "; request id rid-7" in problem.message


def test_a_403_page_that_is_not_json_is_no_verdict_on_the_board(base: str) -> None:
    # A firewall's HTML page made every board board.no_access: users checked their boards.
    problem = board_one(f"{base}/firewall")
    assert isinstance(problem, client.Problem)
    assert problem.code is PLATFORM_UNKNOWN
    assert problem.message == "GET /v5/boards/1 answered 403 with a body that is not JSON"
    assert problem.hint is not None
    assert "proxy, firewall" in problem.hint


def test_a_404_page_that_is_not_json_is_no_verdict_on_a_board_or_a_video(base: str) -> None:
    # A gateway's HTML 404 was a firm board.not_found (and media.media_id_not_found).
    async def run() -> list[object]:
        checker = AccountChecker(Settings(api_base=f"{base}/gateway"), "pina_token")
        try:
            return [await checker._ask_board("1"), await checker._ask_media("2")]
        finally:
            await checker.aclose()

    board, media = asyncio.run(run())
    for problem, path in ((board, "boards/1"), (media, "media/2")):
        assert isinstance(problem, client.Problem)
        assert problem.code is PLATFORM_UNKNOWN
        assert problem.message == f"GET /v5/{path} answered 404 with a body that is not JSON"
        assert "proxy, firewall" in (problem.hint or "")


def test_a_pinterest_that_answered_once_is_not_taken_for_unreachable(base: str) -> None:
    # Only the last try counted: a 503 and then a timeout stopped every other question.
    _Odd.busy_answered = False
    problem = ask(base, "busy-then-silent", read_timeout=0.2, deadline=0.3)
    assert isinstance(problem, client.Problem)
    assert problem.code.id == "platform.timeout"
    assert not problem.unanswered


def test_an_https_api_base_on_a_plain_http_port_is_a_setting_to_fix_not_an_outage(
    base: str,
) -> None:
    # "[SSL: WRONG_VERSION_NUMBER]" was platform.server_error: retried, "check Pinterest's
    # status page", for an api-base that names https:// where the server speaks http.
    async def run() -> tuple[object, int]:
        settings = Settings(api_base=base.replace("http://", "https://"), retries=2)
        checker = AccountChecker(settings, "pina_token")
        try:
            return await checker._api.get("user_account"), checker._api.requests
        finally:
            await checker.aclose()

    problem, requests = asyncio.run(run())
    assert isinstance(problem, client.Problem)
    assert (problem.code, problem.stops, requests) == (PLATFORM_UNKNOWN, True, 1)
    assert "the TLS handshake failed" in problem.message
    assert problem.hint is not None
    assert problem.hint.startswith("Check that the API base speaks https on that port")


def test_the_deadline_is_the_question_s_retries_included(base: str) -> None:
    # Each try had a deadline of its own: a Pinterest that hung held a question three deadlines
    # (--timeout 3 took 11.5 s), though --help says "for all of a URL's requests".
    async def run() -> tuple[object, int, float]:
        settings = Settings(api_base=base, retries=2, deadline=0.3)
        checker = AccountChecker(settings, "pina_token")
        started = time.monotonic()
        try:
            return await checker._api.get("gone/boards/1"), checker._api.requests, started
        finally:
            await checker.aclose()

    problem, requests, started = asyncio.run(run())
    assert isinstance(problem, client.Problem)
    assert "timed out (1 attempt)" in problem.message
    assert requests == 1
    assert time.monotonic() - started < 1.0


def test_a_retry_cut_short_by_the_deadline_does_not_hide_what_pinterest_answered(
    base: str,
) -> None:
    # A 503 after 0.25 s, then a retry with 0.15 s left: "timed out (2 attempts)" was reported,
    # platform.timeout, where Pinterest had said 503 (platform.server_error).
    async def run() -> object:
        checker = AccountChecker(Settings(api_base=base, retries=2, deadline=0.4), "pina_token")
        try:
            return await checker._api.get("failing-slowly/boards")
        finally:
            await checker.aclose()

    problem = asyncio.run(run())
    assert isinstance(problem, client.Problem)
    assert problem.code is PLATFORM_SERVER_ERROR
    assert "failed at Pinterest (503" in problem.message
    assert problem.message.endswith(
        "1 attempt), then a retry ran out of time: the check could not be made"
    )


def test_a_handshake_cut_short_is_retried_not_taken_for_a_port_without_tls() -> None:
    # A connection closed during the TLS handshake (a flaky network or proxy) is SSLEOFError, an
    # SSLError too: it stopped every account check as "check the API base".
    async def run(port: int) -> tuple[object, int]:
        api_base = f"https://127.0.0.1:{port}/v5"
        checker = AccountChecker(Settings(api_base=api_base, retries=1), "pina_token")
        try:
            return await checker._api.get("user_account"), checker._api.requests
        finally:
            await checker.aclose()

    with tcp_server(lambda connection: None) as port:  # each connection closed at once
        problem, requests = asyncio.run(run(port))
    assert isinstance(problem, client.Problem)
    assert (problem.code, problem.stops, requests) == (PLATFORM_SERVER_ERROR, False, 2)
