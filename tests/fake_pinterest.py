"""A small fake of Pinterest's API v5 on 127.0.0.1, for the account checks (GET endpoints only).

Driven by fixture data (``FakeAccount``): the tokens it knows and how each behaves, the boards
(owner, privacy, sections, whether ``GET /v5/boards`` lists them), uploaded videos and their
status, and throttled paths (429 a number of times, then the normal answer). Error bodies are
Pinterest's own (pinterest-api.md §5.1, §5.3, §3), except ``EXPIRED``: no public source shows the
body of an expired token, so that one is an assumption (the account module's rule reads "expired"
in a 401 message).

Lists are paginated with an opaque ``bookmark``, ``page`` items a page whatever ``page_size``
asks, so that a few boards already span several pages. Every request is logged with its path,
query and ``Authorization`` header.

    /v5/user_account                       the token's user, or the token's refusal
    /v5/boards?bookmark=                   the boards listed for the account (owned, collaborated)
    /v5/boards/ID                          a board, 404 code 40, or 403 code 29 (``hidden``)
    /v5/boards/ID/sections?bookmark=       the board's sections
    /v5/media/ID                           {media_id, media_type, status}, or 404
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from validator.demo.server import running

__all__ = ["ACCOUNT", "FakeAccount", "FakeBoard", "FakePinterest", "Request", "serve"]

# pinterest-api.md §5.1 / §5.3 (observed and spec bodies).
AUTH_FAILED = {"code": 2, "message": "Authentication failed.", "status": "failure"}
EXPIRED = {
    "code": 2,
    "message": "Authentication failed: access token expired.",
    "status": "failure",
}
MISSING_SCOPE = {
    "code": 3,
    "message": "Your token does not have sufficient permissions to perform this operation. "
    "Please ensure your token is authorized with the correct set of scopes.",
}
NOT_PERMITTED = {"code": 29, "message": "You are not permitted to access that resource."}
# pinterest-api.md §5.3: code 3 with this message, for an app whose access is still pending
# (a third party's reading, UNCERTAIN); explain calls it platform.trial_access.
PENDING = {"code": 3, "message": "application consumer type is not supported"}
TRIAL = {
    "code": 29,
    "message": "Apps with Trial access may not create Pins in production. Please use API Sandbox "
    "https://api-sandbox.pinterest.com for testing.",
}
BOARD_NOT_FOUND = {"code": 40, "message": "Board not found."}
MEDIA_NOT_FOUND = {"code": 404, "message": "Media upload not found"}
RATE_LIMITED = {
    "code": 8,
    "message": "This request exceeded a rate limit. This can happen if the client exceeds one of "
    "the published rate limits or if multiple write operations are applied to an object within a "
    "short time window.",
}
SERVER_ERROR = {"code": 12, "message": "Something went wrong on our end. Sorry about that."}

#: What a token does: ``ok``; ``unauthorized`` (401 code 2); ``expired`` (401, ``EXPIRED``);
#: ``echo`` (401 whose message repeats the Authorization header: a server must never make the
#: token show up in a report); ``no_scope`` (403 code 3 on boards and media, the user is
#: readable); ``no_user_scope`` (403 code 3 on user_account only); ``trial`` (403 code 29 with
#: Trial access's message on boards and media, the user is readable); ``pending`` (403 code 3,
#: ``PENDING``, the same); ``trial_401`` and ``pending_401`` (the same answers with status 401).
BEHAVIOURS = (
    "ok",
    "unauthorized",
    "expired",
    "echo",
    "no_scope",
    "no_user_scope",
    "trial",
    "pending",
    "trial_401",
    "pending_401",
)


@dataclass(frozen=True)
class FakeBoard:
    """A board as ``GET /v5/boards/{id}`` shows it."""

    id: str
    name: str
    owner: str = "pinpilot"
    privacy: str = "PUBLIC"
    sections: tuple[tuple[str, str], ...] = ()
    """(id, name) of its sections, in order."""
    listed: bool | None = None
    """In ``GET /v5/boards``: owned or collaborated on. ``None``: when the account owns it."""
    hidden: bool = False
    """``GET /v5/boards/{id}`` answers 403 code 29 (someone else's secret board)."""


@dataclass
class FakeAccount:
    """The fixture data the fake serves."""

    username: str = "pinpilot"
    tokens: dict[str, str] = field(default_factory=dict)
    boards: tuple[FakeBoard, ...] = ()
    media: dict[str, str] = field(default_factory=dict)
    """media_id → status (registered, processing, succeeded, failed)."""
    throttle: dict[str, int] = field(default_factory=dict)
    """path → how many times it answers 429 before the normal answer (-1: always)."""
    retry_after: str | None = "0"
    """The 429's ``Retry-After`` header (``None``: none)."""
    broken: dict[str, int] = field(default_factory=dict)
    """path → how many times it answers ``broken_status`` before the normal answer (-1: always)."""
    broken_status: int = 500
    """The status of a broken answer (its body is Pinterest's code 12)."""
    broken_retry_after: str | None = None
    """The broken answer's ``Retry-After`` header (``None``: none)."""
    slow: dict[str, float] = field(default_factory=dict)
    """path → seconds to wait before answering."""
    page: int = 2
    """Items per page of the lists."""
    bookmark_loop: bool = False
    """The last page of a list gives the first page's bookmark again, instead of none."""

    def board(self, board_id: str) -> FakeBoard | None:
        return next((board for board in self.boards if board.id == board_id), None)

    def listed(self) -> list[FakeBoard]:
        return [
            board
            for board in self.boards
            if (board.listed if board.listed is not None else board.owner == self.username)
        ]


#: The account most tests use. Tokens: see ``BEHAVIOURS``.
ACCOUNT = FakeAccount(
    username="pinpilot",
    tokens={
        "pina_good": "ok",
        "pina_dead": "unauthorized",
        "pina_expired": "expired",
        "pina_echo": "echo",
        "pina_noscope": "no_scope",
        "pina_nouser": "no_user_scope",
        "pina_trial": "trial",
        "pina_pending": "pending",
        "pina_trial401": "trial_401",
        "pina_pending401": "pending_401",
    },
    boards=(
        FakeBoard(
            "1001",
            "Spring recipes",
            sections=(("5001", "Desserts"), ("5002", "Soups"), ("5003", "Salads")),
        ),
        FakeBoard("1002", "Summer travel"),
        FakeBoard("1003", "Weeknight dinners"),
        FakeBoard("1004", "Garden ideas", privacy="SECRET"),
        FakeBoard("2001", "Team board", owner="friend", listed=True),
        FakeBoard("3001", "Someone else's board", owner="stranger"),
        FakeBoard("3002", "A secret of someone else", owner="stranger", hidden=True),
        FakeBoard("4001", "Throttled board"),
    ),
    media={"7001": "succeeded", "7002": "registered", "7003": "processing", "7004": "failed"},
)


@dataclass(frozen=True)
class Request:
    """One request as the fake saw it."""

    path: str
    query: dict[str, list[str]]
    authorization: str | None
    at: float = field(default_factory=time.monotonic)
    """When it came (``time.monotonic()``)."""


class FakePinterest(ThreadingHTTPServer):
    """The server; ``serve()`` runs one for the length of a ``with`` block."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, account: FakeAccount) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.account = account
        self.log: list[Request] = []
        self._counts: dict[tuple[str, str], int] = {}
        self._lock = threading.Lock()

    @property
    def base(self) -> str:
        """The API base, ``http://127.0.0.1:PORT/v5``."""
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}/v5"

    def record(self, request: Request) -> None:
        with self._lock:
            self.log.append(request)

    def count(self, kind: str, path: str) -> int:
        """How many times ``path`` was answered by ``kind`` (429s, broken ones) before, plus one."""
        with self._lock:
            key = (kind, path)
            self._counts[key] = self._counts.get(key, 0) + 1
            return self._counts[key]

    def paths(self) -> list[str]:
        """The paths asked for, in order (without the query)."""
        with self._lock:
            return [request.path for request in self.log]

    def asked(self, path: str) -> int:
        """How many requests asked for exactly ``path``."""
        return self.paths().count(path)


@contextmanager
def serve(account: FakeAccount = ACCOUNT) -> Iterator[FakePinterest]:
    """Run a ``FakePinterest`` in a thread for the length of the block."""
    with running(FakePinterest(account)) as server:
        yield server


class _Handler(BaseHTTPRequestHandler):
    server: FakePinterest
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the tests read ``server.log``."""

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        path, query = parts.path, parse_qs(parts.query)
        authorization = self.headers.get("Authorization")
        self.server.record(Request(path, query, authorization))
        account = self.server.account
        if path in account.slow:
            time.sleep(account.slow[path])
        for kind, table in (("429", account.throttle), ("broken", account.broken)):
            times = table.get(path)
            if times is not None and (times < 0 or self.server.count(kind, path) <= times):
                if kind == "429":
                    return self._send(429, RATE_LIMITED, _retry_after(account.retry_after))
                headers = _retry_after(account.broken_retry_after)
                return self._send(account.broken_status, SERVER_ERROR, headers)
        token = (authorization or "").removeprefix("Bearer ")
        behaviour = account.tokens.get(token, "unauthorized")
        if behaviour == "unauthorized":
            return self._send(401, AUTH_FAILED)
        if behaviour == "expired":
            return self._send(401, EXPIRED)
        if behaviour == "echo":
            return self._send(401, {"code": 2, "message": f"Authentication failed for {token}."})
        if not path.startswith("/v5/"):
            return self._send(404, {"code": 404, "message": "Not found."})
        route = path.removeprefix("/v5/").split("/")
        if route == ["user_account"]:
            if behaviour == "no_user_scope":
                return self._send(403, MISSING_SCOPE)
            return self._send(200, {"username": account.username, "account_type": "BUSINESS"})
        if behaviour == "no_scope":
            return self._send(403, MISSING_SCOPE)
        if behaviour in ("trial", "trial_401"):
            return self._send(401 if behaviour.endswith("401") else 403, TRIAL)
        if behaviour in ("pending", "pending_401"):
            return self._send(401 if behaviour.endswith("401") else 403, PENDING)
        if route == ["boards"]:
            return self._page([_board(board) for board in account.listed()], query)
        if route[0] == "boards" and len(route) in (2, 3):
            board = account.board(route[1])
            if board is None:
                return self._send(404, BOARD_NOT_FOUND)
            if board.hidden:
                return self._send(403, NOT_PERMITTED)
            if len(route) == 2:
                return self._send(200, _board(board))
            if route[2] == "sections":
                items = [{"id": sid, "name": name} for sid, name in board.sections]
                return self._page(items, query)
        if route[0] == "media" and len(route) == 2:
            status = account.media.get(route[1])
            if status is None:
                return self._send(404, MEDIA_NOT_FOUND)
            return self._send(200, {"media_id": route[1], "media_type": "video", "status": status})
        return self._send(404, {"code": 404, "message": "Not found."})

    def _page(self, items: list[dict[str, Any]], query: dict[str, list[str]]) -> None:
        start = int(query.get("bookmark", ["b0"])[0].removeprefix("b"))
        size = self.server.account.page
        following = f"b{start + size}" if start + size < len(items) else None
        if following is None and self.server.account.bookmark_loop:
            following = "b0"
        self._send(200, {"items": items[start : start + size], "bookmark": following})

    def _send(self, status: int, body: object, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("x-pinterest-rid", f"{len(self.server.log):016x}")  # as Pinterest's
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client timed out first (``slow``)
            self.close_connection = True


def _retry_after(value: str | None) -> dict[str, str]:
    return {} if value is None else {"Retry-After": value}


def _board(board: FakeBoard) -> dict[str, Any]:
    return {
        "id": board.id,
        "name": board.name,
        "owner": {"username": board.owner},
        "privacy": board.privacy,
        "description": "",
        "collaborator_count": 1 if board.listed and board.owner != "pinpilot" else 0,
    }
