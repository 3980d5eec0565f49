"""Account checks: what only Pinterest knows, asked with the user's token before publishing.

A payload can be perfect and still fail because of the account it is published with: a dead
token, a token without the scopes pin creation needs, a board that was deleted or belongs to
someone else, a section that is not on the board, a board name (bulk CSV) that matches none of the
account's boards, a video upload that is not processed yet. ``AccountChecker`` asks Pinterest's API
v5 about each, with ``GET`` requests only (nothing is created or changed), and turns the answers
into the catalogue's ``stage: account`` codes.

Each question is asked once per run, however many pins depend on it (many pins share a board):
the answer is an ``asyncio.Task`` kept by its key, so concurrent pins await the same request.

Decisions (pinterest-api.md §1, §3, §5):

* The token: ``GET /v5/user_account`` once. A 401 is ``auth.unauthorized``; it is
  ``auth.invalid_token`` when the token is malformed before any request (empty, starting with
  ``Bearer``, or holding spaces, line breaks or non-ASCII characters, which cannot even be sent
  in a header) or when Pinterest's 401 message says the token is expired, invalid or malformed.
  Pinterest's observed 401 body is the same ``{"code": 2, "message": "Authentication failed."}``
  for every refused token (§5.1), so an expired token that Pinterest does not describe is
  reported as ``auth.unauthorized``; the remedy (reconnect or refresh) is the same. A dead token
  blocks every pin: each pin gets the finding (field ``None``), no other request is made.
* Scopes: Pinterest has no call that lists a token's scopes; a 403 with code 3 on a board,
  section or media call is ``auth.missing_scope`` on the pins that needed it. The same 403 on
  ``/user_account`` only means ``user_accounts:read`` is missing, which publishing does not need:
  it is not reported, and board ownership is then decided from the board list alone.
* A board (``GET /v5/boards/{board_id}``): 404 (or code 40) is ``board.not_found``; a 403 (code 29
  "not permitted") is ``board.no_access``. A board the API returns is writable when its
  ``owner.username`` is the token's user, or when it is among ``GET /v5/boards``, which lists the
  boards the account owns and the group boards it collaborates on; otherwise ``board.no_access``
  (a board can be read without being writable: someone else's public board).
* A section: ``board_section_id`` must be among ``GET /v5/boards/{board_id}/sections`` (all
  pages, ``bookmark`` by ``bookmark``), else ``board.section_not_found``.
* A board name (bulk CSV rows): it must equal, exactly, the name of one of ``GET /v5/boards``
  (Pinterest's bulk tool matches the name exactly), else ``board.name_not_found`` with the
  closest names (``difflib``) as the hint.
* A video (``GET /v5/media/{media_id}``): ``registered``/``processing`` is
  ``media.not_processed``, ``failed`` ``media.processing_failed``, 404
  ``media.media_id_not_found``.
* A 429 is retried after ``Retry-After`` (seconds or an HTTP date; up to ``retry_after_cap``) or
  a jittered backoff, ``retries`` times; if it persists it is ``rate_limit.exceeded`` on the pins
  that needed that answer, and the others are checked as usual. A 5xx, a 408 or a transport
  failure is retried the same way (after its ``Retry-After`` too) and then reported as
  ``platform.server_error``, or ``platform.timeout`` for 408, 504 and timeouts: the check could
  not be made, and a pin must not pass a check nobody made. Any other unexpected answer is
  ``platform.unknown``.

The requests, their retries and limits are ``pinterest.client``'s (``ApiClient``).

The token is a ``pydantic.SecretStr`` from the moment it enters (its repr is masked), is put
only in the ``Authorization`` header of each request, and every answer Pinterest sends back is
scrubbed of it as it arrives (messages, board and section names, statuses alike), before any of
its text can reach a finding.
"""

from __future__ import annotations

import asyncio
import difflib
import unicodedata
from collections.abc import Callable, Coroutine
from dataclasses import replace
from typing import Any, Final, NamedTuple, TypeVar

from pydantic import SecretStr

from validator.codes.auth import AUTH_INVALID_TOKEN, AUTH_MISSING_SCOPE, AUTH_UNAUTHORIZED
from validator.codes.board import (
    BOARD_NAME_AMBIGUOUS,
    BOARD_NAME_NOT_FOUND,
    BOARD_NO_ACCESS,
    BOARD_NOT_FOUND,
    BOARD_SECTION_NOT_FOUND,
)
from validator.codes.media import (
    MEDIA_MEDIA_ID_NOT_FOUND,
    MEDIA_NOT_PROCESSED,
    MEDIA_PROCESSING_FAILED,
)
from validator.codes.platform import (
    PLATFORM_TRIAL_ACCESS,
    PLATFORM_UNKNOWN,
)
from validator.findings import Finding
from validator.messages import folded, quote
from validator.pinterest.client import NOT_MADE, ApiClient, Problem, Reply
from validator.pinterest.errors import classify
from validator.settings import DEFAULT_API_BASE, SANDBOX_API_BASE, TOKEN_ENV, Settings

__all__ = [
    "DEFAULT_API_BASE",
    "PIN_SCOPES",
    "SANDBOX_API_BASE",
    "SECRET_SCOPES",
    "TOKEN_ENV",
    "AccountChecker",
    "AccountTarget",
    "as_secret",
]

#: The scopes ``POST /v5/pins`` lists (pinterest-api.md §1.1, §5.5).
PIN_SCOPES: Final = ("boards:read", "boards:write", "pins:read", "pins:write")
#: What secret boards need on top (§5.5, inferred from the scopes' descriptions).
SECRET_SCOPES: Final = ("boards:read_secret", "pins:write_secret")

MEDIA_ID_FIELD: Final = "media_source.media_id"

_PAGE_SIZE = 250  # the largest page_size the list endpoints take
_MAX_PAGES = 400  # a listing whose bookmarks never end is cut off here (100,000 boards)
_PROCESSING = ("registered", "processing")
_MEDIA_STATUSES = frozenset({*_PROCESSING, "succeeded", "failed"})
_SHOWN_NAMES = 3


def optional_secret(token: str | SecretStr | None) -> SecretStr | None:
    """``as_secret``, or ``None`` for no token: what the API and the engine hold."""
    return None if token is None else as_secret(token)


def as_secret(token: str | SecretStr) -> SecretStr:
    """``token`` wrapped so that no repr, log line or traceback local can show it.

    Raises ``TypeError`` for anything but text (the message names the type, never the value).
    """
    secret = token.get_secret_value() if isinstance(token, SecretStr) else token
    if not isinstance(secret, str):
        raise TypeError(f"token= takes a str or a SecretStr of one, not {type(secret).__name__}")
    return token if isinstance(token, SecretStr) else SecretStr(token)


class AccountTarget(NamedTuple):
    """What one pin asks of the account: ids from an API payload, or a calendar row's board name.

    Only ids the offline stage found well-formed (digits) are kept: they go into URL paths.
    ``board_field`` is where a board finding is reported (``board_id``, or the CSV's column).
    """

    board_id: str | None = None
    board_section_id: str | None = None
    media_id: str | None = None
    board_name: str | None = None
    board_field: str = "board_id"


_T = TypeVar("_T")
_Listing = list[tuple[str, str]]  # (id, name) of boards or sections, in the API's order


class AccountChecker:
    """Asks Pinterest about the account for a run's pins; use ``findings`` once per pin.

    Create it inside the run's event loop; ``aclose`` when done.
    """

    def __init__(self, settings: Settings, token: str | SecretStr) -> None:
        self.settings = settings
        self._token = as_secret(token)
        self._malformed = _malformed(self._token.get_secret_value())
        self._api = ApiClient(settings, self._token)
        self._user: asyncio.Task[dict[str, Any] | Problem] | None = None
        self._boards: asyncio.Task[_Listing | Problem] | None = None
        self._board: dict[str, asyncio.Task[dict[str, Any] | Problem]] = {}
        self._sections: dict[str, asyncio.Task[_Listing | Problem]] = {}
        self._media: dict[str, asyncio.Task[dict[str, Any] | Problem]] = {}
        self._named: dict[str, Problem | None] = {}
        """Each board name's problem, or ``None`` when the account has one board of that name."""

    @property
    def requests(self) -> int:
        """The HTTP requests sent so far (one per board, however many pins name it)."""
        return self._api.requests

    def __repr__(self) -> str:
        return f"AccountChecker(api_base={self._api.base_shown!r}, requests={self.requests})"

    async def aclose(self) -> None:
        """Cancel what is still asked and close the connections."""
        tasks = [self._user, self._boards, *self._board.values(), *self._sections.values()]
        for task in [*tasks, *self._media.values()]:
            if task is not None and not task.done():
                task.cancel()
        await self._api.aclose()

    async def findings(self, target: AccountTarget) -> list[Finding]:
        """The account's findings for one pin (none when everything it names is usable)."""
        if self._malformed is not None:
            return [self._malformed.finding(None)]
        if self._user is None or self._user.cancelled():  # shared and shielded: see ``_cached``
            self._user = asyncio.ensure_future(self._ask_user())
        user = await asyncio.shield(self._user)
        if isinstance(user, Problem):
            if user.stops or user.code in (AUTH_UNAUTHORIZED, AUTH_INVALID_TOKEN):
                return [user.finding(None)]  # nothing else can be asked with this token
            username = None  # undecided (throttled, no user_accounts:read): the boards decide
        else:
            name = user.get("username")
            username = name if isinstance(name, str) and name else None
        jobs: list[Coroutine[Any, Any, list[Finding]]] = []
        if target.board_id is not None:
            jobs.append(self._board_findings(target.board_id, target, username))
        if target.board_name is not None:
            jobs.append(self._name_findings(target.board_name, target))
        if target.media_id is not None:
            jobs.append(self._media_findings(target.media_id))
        found = await asyncio.gather(*jobs)
        return [finding for part in found for finding in part]

    # --- per pin ---------------------------------------------------------------------------------

    async def _board_findings(
        self, board_id: str, target: AccountTarget, username: str | None
    ) -> list[Finding]:
        field = target.board_field
        board = await _cached(self._board, board_id, lambda: self._ask_board(board_id))
        if isinstance(board, Problem):
            return [board.finding(field)]
        denied = await self._access(board_id, board, username)
        if denied is not None:
            return [denied.finding(field)]
        section = target.board_section_id
        if section is None:
            return []
        sections = await _cached(self._sections, board_id, lambda: self._ask_sections(board_id))
        if isinstance(sections, Problem):
            return [sections.finding("board_section_id")]
        if any(section_id == section for section_id, _ in sections):
            return []
        message = f"board {board_id} has no section {section}"
        if sections:
            shown = ", ".join(f"{quote(name)} ({section_id})" for section_id, name in sections[:5])
            more = f" and {len(sections) - 5} more" if len(sections) > 5 else ""
            hint = f"The board's sections are {shown}{more}; use one of their ids, or leave it out."
        else:
            hint = "The board has no sections: leave board_section_id out."
        return [BOARD_SECTION_NOT_FOUND.finding("board_section_id", message, hint)]

    async def _access(
        self, board_id: str, board: dict[str, Any], username: str | None
    ) -> Problem | None:
        """``None`` when the account may save pins to ``board``; why not otherwise."""
        owner_info = board.get("owner")
        owner = owner_info.get("username") if isinstance(owner_info, dict) else None
        if username is not None and owner == username:
            return None
        boards = await self._all_boards()
        if isinstance(boards, Problem):
            return boards
        if any(listed == board_id for listed, _ in boards):
            return None  # a group board the account collaborates on
        name = board.get("name")
        named = f" ({quote(name)})" if isinstance(name, str) else ""
        whose = f"belongs to {quote(owner)}" if isinstance(owner, str) else "has another owner"
        account = f" ({quote(username)})" if username is not None else ""
        message = (
            f"board {board_id}{named} {whose}, and this account{account} neither owns it nor "
            "collaborates on it (it is not among GET /v5/boards)"
        )
        return Problem(BOARD_NO_ACCESS, message)

    async def _name_findings(self, name: str, target: AccountTarget) -> list[Finding]:
        boards = await self._all_boards()
        if isinstance(boards, Problem):
            return [boards.finding(target.board_field)]
        if name not in self._named:  # a calendar names few boards, on many rows: once each
            self._named[name] = _name_problem(name, boards)
        problem = self._named[name]
        return [] if problem is None else [problem.finding(target.board_field)]

    async def _media_findings(self, media_id: str) -> list[Finding]:
        media = await _cached(self._media, media_id, lambda: self._ask_media(media_id))
        if isinstance(media, Problem):
            return [media.finding(MEDIA_ID_FIELD)]
        status = media.get("status")
        if status == "succeeded":
            return []
        if status in _PROCESSING:
            message = f"the uploaded video {media_id} is still {status} at Pinterest"
            return [MEDIA_NOT_PROCESSED.finding(MEDIA_ID_FIELD, message)]
        message = f"Pinterest failed to process the uploaded video {media_id} (status failed)"
        return [MEDIA_PROCESSING_FAILED.finding(MEDIA_ID_FIELD, message)]  # _ask_media: known

    # --- the questions, each asked once ----------------------------------------------------------

    async def _all_boards(self) -> _Listing | Problem:
        if self._boards is None or self._boards.cancelled():  # shared and shielded: ``_cached``
            self._boards = asyncio.ensure_future(self._ask_listing("boards", "the board list"))
        return await asyncio.shield(self._boards)

    async def _ask_user(self) -> dict[str, Any] | Problem:
        reply = await self._api.get("user_account")
        if isinstance(reply, Problem) and reply.unanswered:
            # Pinterest is not reachable from here: each board asked would wait as long again,
            # and a calendar of a hundred boards would look like a hung job.
            unasked = ": nothing else was asked of Pinterest"
            message = reply.message.removesuffix(NOT_MADE) + unasked
            return replace(reply, message=message, stops=True)
        if isinstance(reply, Problem):
            return reply
        if reply.status == 200 and isinstance(reply.body, dict):
            return reply.body
        if reply.status == 404 or (300 <= reply.status < 400):
            # No such endpoint: every board and video would be "not found" for the wrong reason.
            base = self._api.base_shown
            message = (
                f"GET {base}/user_account answered {reply.status}: api-base {base} is not "
                "Pinterest's API v5, so nothing was asked about this pin"
            )
            hint = f"Set api-base to {DEFAULT_API_BASE} (or {SANDBOX_API_BASE}), with /v5."
            return Problem(PLATFORM_UNKNOWN, message, hint, stops=True)
        return self._refusal(reply, "user_account", "the token check")

    async def _ask_board(self, board_id: str) -> dict[str, Any] | Problem:
        path = f"boards/{board_id}"
        reply = await self._api.get(path)
        if isinstance(reply, Problem):
            return reply
        if reply.status == 200 and isinstance(reply.body, dict):
            return reply.body
        # A 404 page that is not JSON is a proxy's or a gateway's, no verdict of Pinterest's.
        if (reply.status == 404 and reply.body is not None) or reply.code == 40:
            message = (
                f"Pinterest has no board {board_id} for this account ({self._api.said(reply)})"
            )
            return Problem(BOARD_NOT_FOUND, message)
        if (
            reply.status == 403
            and isinstance(reply.body, dict)  # an HTML page is no verdict of Pinterest's
            and reply.code != 3
            and not self._trial(reply)
        ):
            message = f"Pinterest refuses this account access to board {board_id} "
            return Problem(BOARD_NO_ACCESS, message + f"({self._api.said(reply)})")
        return self._refusal(reply, path, f"board {board_id}")

    async def _ask_sections(self, board_id: str) -> _Listing | Problem:
        return await self._ask_listing(
            f"boards/{board_id}/sections", f"board {board_id}'s sections"
        )

    async def _ask_media(self, media_id: str) -> dict[str, Any] | Problem:
        path = f"media/{media_id}"
        reply = await self._api.get(path)
        if isinstance(reply, Problem):
            return reply
        if reply.status == 200 and isinstance(reply.body, dict):
            status = reply.body.get("status")
            if not isinstance(status, str) or status not in _MEDIA_STATUSES:  # a list: unhashable
                # Judged here, where its request id is known.
                message = (
                    f"GET /v5/media/{media_id} answered an unknown status {quote(status)}"
                    f"{self._api.request_id(reply)}"
                )
                return Problem(PLATFORM_UNKNOWN, message)
            return reply.body
        if reply.status == 404 and reply.body is not None:  # not JSON: see ``_ask_board``
            message = f"Pinterest has no uploaded media {media_id} ({self._api.said(reply)})"
            return Problem(MEDIA_MEDIA_ID_NOT_FOUND, message)
        return self._refusal(reply, path, f"the uploaded video {media_id}")

    async def _ask_listing(self, path: str, what: str) -> _Listing | Problem:
        """Every item (id, name) of a paginated list, following ``bookmark`` to the end."""
        items: _Listing = []
        bookmark: str | None = None
        seen: set[str] = set()
        for _ in range(_MAX_PAGES):  # a listing that never ends is not read as complete
            params: dict[str, str | int] = {"page_size": _PAGE_SIZE}
            if bookmark is not None:
                params["bookmark"] = bookmark
            reply = await self._api.get(path, params)
            if isinstance(reply, Problem):
                return reply
            body = reply.body
            if reply.status != 200 or not isinstance(body, dict):
                return self._refusal(reply, path, what)
            page = body.get("items")
            request_id = self._api.request_id(reply)
            if not isinstance(page, list):
                message = f"GET /v5/{path} answered without items{request_id}"
                return Problem(PLATFORM_UNKNOWN, message)
            for item in page:
                if isinstance(item, dict) and isinstance(item.get("id"), str):
                    name = item.get("name")
                    items.append((item["id"], name if isinstance(name, str) else ""))
            following = body.get("bookmark")
            if not isinstance(following, str) or not following:
                return items
            if following in seen:  # the pages go round: where the list ends is unknown
                return _unfinished(path, what, "gave a bookmark it had given before", request_id)
            seen.add(following)
            bookmark = following
        return _unfinished(path, what, f"went on for more than {_MAX_PAGES} pages", request_id)

    # --- HTTP ------------------------------------------------------------------------------------

    def _refusal(self, reply: Reply, path: str, what: str) -> Problem:
        """What a non-200 answer that no endpoint explains means for ``what``."""
        said = self._api.said(reply)
        if self._trial(reply):  # first: "consumer type is not supported" comes with code 3
            return Problem(PLATFORM_TRIAL_ACCESS, f"Pinterest refuses {what} to this app ({said})")
        if reply.status == 401:
            # Pinterest's whole message (message_detail too), judged as explain judges it.
            if classify(401, reply.body if isinstance(reply.body, dict) else None).code == (
                AUTH_INVALID_TOKEN.id
            ):
                return Problem(AUTH_INVALID_TOKEN, f"Pinterest refuses the access token ({said})")
            return Problem(AUTH_UNAUTHORIZED, f"Pinterest refuses the access token ({said})")
        if reply.status == 403 and reply.code == 3:
            scopes = ", ".join(PIN_SCOPES)
            message = f"the token may not read {what}: it lacks a scope ({said})"
            hint = (
                f"Reconnect the account asking for {scopes} (and {', '.join(SECRET_SCOPES)} for "
                "secret boards), then use the new token."
            )
            return Problem(AUTH_MISSING_SCOPE, message, hint)
        request_id = self._api.request_id(reply)
        if reply.body is None:
            message = (
                f"GET /v5/{path} answered {reply.status} with a body that is not JSON{request_id}"
            )
            hint = (
                "Pinterest answers in JSON: a proxy, firewall or captive portal between here and "
                "the API may have answered instead. Check that this machine reaches the API."
            )
            return Problem(PLATFORM_UNKNOWN, message, hint)
        return Problem(
            PLATFORM_UNKNOWN, f"GET /v5/{path} answered unexpectedly ({said}{request_id})"
        )

    @staticmethod
    def _trial(reply: Reply) -> bool:
        """Whether a 401 or 403 is the app's Trial access, as explain reads it.

        Code 29 ("use API Sandbox"), or code 3 for an app whose consumer type is not supported
        (its access still pending). Which status comes with them is not documented
        (pinterest-api.md §5.3): reconnecting, what a 401 asks for, cannot help with either.
        """
        if reply.status not in (401, 403):
            return False
        body = reply.body if isinstance(reply.body, dict) else None
        return classify(reply.status, body).code == PLATFORM_TRIAL_ACCESS.id


def _name_problem(name: str, boards: _Listing) -> Problem | None:
    """What is wrong with a board ``name`` among the account's ``boards``; ``None``: one has it.

    Matching against thousands of names with ``difflib`` takes a good fraction of a second: it
    is done once per name and run (``AccountChecker._named``).
    """
    ids = list(dict.fromkeys(board_id for board_id, board_name in boards if board_name == name))
    if len(ids) > 1:
        more = len(ids) - _SHOWN_NAMES
        shown = ", ".join(ids[:_SHOWN_NAMES]) + (f" and {more} more" if more > 0 else "")
        message = f"{len(ids)} of the account's boards are named {quote(name)} (ids {shown})"
        return Problem(BOARD_NAME_AMBIGUOUS, message)
    if ids:
        return None
    names = list(dict.fromkeys(board_name for _, board_name in boards))
    message = f"the account has no board named {quote(name)}"
    composed = unicodedata.normalize("NFC", name)
    key = folded(composed)
    same = [other for other in names if folded(unicodedata.normalize("NFC", other)) == key]
    same.sort(key=lambda other: unicodedata.normalize("NFC", other) != composed)  # its twin first
    close = same or difflib.get_close_matches(name, names, n=_SHOWN_NAMES, cutoff=0.6)
    if same and unicodedata.normalize("NFC", same[0]) == composed:
        # They look the same: an accent written as a letter and a combining mark (some Mac
        # apps write names so) is not the accented letter Pinterest has.
        hint = (
            f"It differs from {quote(same[0])} only in how its accented letters are encoded "
            "(a letter and a combining accent): retype the name, or save the file with "
            "composed (NFC) characters."
        )
    elif same:
        hint = f"Write it exactly as on Pinterest: {quote(same[0])} (case and spaces count)."
    elif close:
        hint = f"The closest of the account's boards: {', '.join(map(quote, close))}."
    elif names:
        shown = ", ".join(map(quote, names[:_SHOWN_NAMES]))
        hint = f"None is close; the account's boards include {shown}."
    else:
        hint = "The account has no boards: create the board on Pinterest first."
    return Problem(BOARD_NAME_NOT_FOUND, message, hint)


async def _cached(
    tasks: dict[str, asyncio.Task[_T]], key: str, ask: Callable[[], Coroutine[Any, Any, _T]]
) -> _T:
    """The answer for ``key``, asking (``ask()``) only the first time it is wanted.

    Shared by every pin that wants it, so a pin cancelled while it waits (a source stopped
    early, a timeout) does not cancel it: the session goes on, and the next source's pins get
    the answer. Before, the question was cancelled with that pin, and a pin of the next source
    that came while it was still being cancelled got the CancelledError. Only ``aclose``
    cancels it; asked after that, it is asked again.
    """
    task = tasks.get(key)
    if task is None or task.cancelled():
        task = tasks[key] = asyncio.ensure_future(ask())
    return await asyncio.shield(task)


def _malformed(token: str) -> Problem | None:
    """Why ``token`` cannot be a Pinterest access token, judged without sending it anywhere."""
    if not token.strip():
        return Problem(AUTH_INVALID_TOKEN, "the access token is empty")
    if token[:7].casefold() == "bearer ":
        message = "the access token starts with 'Bearer '"
        hint = "Set the token alone: pin-preflight adds 'Bearer ' itself."
        return Problem(AUTH_INVALID_TOKEN, message, hint)
    if any(ch.isspace() or not ch.isprintable() or not ch.isascii() for ch in token):
        message = "the access token contains spaces, line breaks or non-ASCII characters"
        hint = (
            "Copy the token again without surrounding spaces or a trailing line break "
            "(a file saved on Windows may end it with \\r)."
        )
        return Problem(AUTH_INVALID_TOKEN, message, hint)
    return None


def _unfinished(path: str, what: str, why: str, request_id: str) -> Problem:
    """A list read part of the way: never taken for complete (a board would look missing).

    ``request_id``: the last page's (``ApiClient.request_id``), for Pinterest's support.
    """
    message = (
        f"GET /v5/{path} {why}{request_id}: {what} was not read to its end, so it could not be "
        "checked"
    )
    return Problem(PLATFORM_UNKNOWN, message)
