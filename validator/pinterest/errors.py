r"""What a Pinterest API v5 error response means, and whether sending the request again can help.

Pinterest answers a refused call with an HTTP status and usually a body ``{"code": N, "message":
"..."}`` (reference §5.1); publishing code has to turn that into one of three remedies: fix the
input, reconnect the account, or retry later. ``classify`` does it with the catalogue's codes, so
that a refused publish reads like a preflight finding (``board.not_found``, ``auth.unauthorized``),
and the ``retryable`` flag follows a single rule: only what is temporary at Pinterest's end
(5xx, timeouts, rate limits, processing delays) is retried; an expired token, a missing scope, a
bad field, unsupported media, a duplicate or a policy block fails the same way every time, and a
blind retry of a create call can publish the pin twice (Pinterest has no idempotency key).

The evidence is read from the most specific to the least, because Pinterest reuses its codes:

1. the message (and ``message_detail``), case-insensitive substrings: a specific text beats the
   generic code it comes with (code 29 with the Trial-access text is ``platform.trial_access``,
   code 8 with the spam text is ``platform.spam_block``, code 1 with a board_id pattern error is
   ``board.invalid_id``);
2. the numeric code (reference §5.3);
3. the HTTP status, which is all there is when the body is not JSON (an HTML page from a gateway,
   an empty or truncated body) or its code is one pin-preflight does not know.

The pattern error ``does not match '^\d+$'`` is mapped to a field's code only when the message
names exactly one id field (``board_id``, ``board_section_id``, ``media_id``, ``parent_pin_id``,
``sponsor_id``): schedulers assume it is about board_id, but the same pattern guards every id, and
a wrong field in the answer would send the user to fix the wrong thing. Unnamed, it stays the
generic ``platform.invalid_parameters``, whose remedy (fix input) is the same.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import httpx

from validator.codes import Code, lookup
from validator.codes.auth import AUTH_INVALID_TOKEN, AUTH_MISSING_SCOPE, AUTH_UNAUTHORIZED
from validator.codes.board import (
    BOARD_INVALID_ID,
    BOARD_NOT_FOUND,
    BOARD_SECTION_INVALID_ID,
    BOARD_SECTION_NOT_FOUND,
)
from validator.codes.carousel import CAROUSEL_ITEM_COUNT
from validator.codes.media import MEDIA_MEDIA_ID_INVALID, MEDIA_MEDIA_ID_NOT_FOUND
from validator.codes.pin import PIN_PARENT_PIN_ID_INVALID, PIN_SPONSOR_ID_INVALID
from validator.codes.platform import (
    PLATFORM_IMAGE_BROKEN,
    PLATFORM_IMAGE_TOO_SMALL,
    PLATFORM_INVALID_PARAMETERS,
    PLATFORM_INVALID_URL,
    PLATFORM_MEDIA_FETCH_FAILED,
    PLATFORM_NOT_FOUND,
    PLATFORM_PERMISSION_DENIED,
    PLATFORM_PIN_NOT_FOUND,
    PLATFORM_SERVER_ERROR,
    PLATFORM_SPAM_BLOCK,
    PLATFORM_TIMEOUT,
    PLATFORM_TRIAL_ACCESS,
    PLATFORM_UNKNOWN,
    PLATFORM_URL_UNREACHABLE,
)
from validator.codes.rate_limit import RATE_LIMIT_EXCEEDED
from validator.codes.video import VIDEO_COVER_IMAGE_URL_MISSING
from validator.findings import Action
from validator.messages import quote, seconds, unsecret
from validator.waiting import parse_retry_after

__all__ = [
    "REQUEST_ID_HEADER",
    "Classification",
    "classify",
    "classify_response",
    "header_text",
    "parse_retry_after",
    "possible_codes",
]

#: The request id Pinterest sends with every answer; support asks for it.
REQUEST_ID_HEADER: Final = "x-pinterest-rid"

_REQUEST_ID_WIDTH = 100
# Pinterest's words in a log line, at most (a 5 MB message made a 5 MB line).
_SUMMARY_WIDTH = 300


def shown_request_id(value: str) -> str:
    """A request id as it is (letters and digits, as Pinterest's are), anything stranger quoted.

    A header is whatever the server (or a proxy before it) sent: quoted, a space or a control
    character in it cannot pass for the end of the id or of the line.
    """
    if (
        value.isascii()
        and value.isprintable()
        and len(value) <= _REQUEST_ID_WIDTH
        and " " not in value
    ):
        return value
    return quote(value, _REQUEST_ID_WIDTH)


@dataclass(frozen=True, slots=True)
class Classification:
    """One error response, read: the catalogue code and what publishing code should do.

    ``code``, ``category``, ``action`` and ``retryable`` mean what they mean on a ``Finding``
    (``retryable`` is ``action is Action.RETRY``: whether the same request can succeed later;
    ``validator.pinterest.retry.should_retry`` decides whether to send it again *now*).
    ``retry_after`` is the ``Retry-After`` header in seconds (from seconds or an HTTP date),
    ``None`` without one. ``platform_code`` and ``platform_message`` are Pinterest's own, as sent
    (the message joined with ``message_detail`` when both are there); ``request_id`` is the
    ``x-pinterest-rid`` header. ``matched_by`` says which evidence decided, for people reading
    a log: a message, a code, or only the status.
    """

    code: str
    category: str
    action: Action
    retryable: bool
    retry_after: float | None
    platform_code: int | None
    platform_message: str | None
    request_id: str | None
    status: int
    matched_by: str

    @property
    def entry(self) -> Code:
        """The catalogue entry of ``code`` (its summary, why and fix)."""
        return lookup(self.code)

    def summary(self) -> str:
        """One line for a log: status, code, remedy, Pinterest's words and the request id.

        Pinterest's words and the id are what the server (or a proxy before it) sent: quoted,
        shortened, and with a token in them masked, no line break of theirs can forge a line.
        """
        remedy = self.action.label
        if self.retry_after is not None and self.retryable:
            remedy += f" (after {seconds(self.retry_after)})"
        parts = [f"HTTP {self.status} {self.code}: {remedy}"]
        if self.platform_code is not None or self.platform_message:
            said = "Pinterest"
            if self.platform_code is not None:
                said += f" code {self.platform_code}"
            if self.platform_message:
                said += f" {quote(unsecret(self.platform_message), _SUMMARY_WIDTH)}"
            parts.append(said)
        if self.request_id:
            parts.append(f"request id {shown_request_id(unsecret(self.request_id))}")
        return "; ".join(parts)

    def to_dict(self) -> dict[str, object]:
        """The classification as JSON-ready values (``explain --format json`` prints it)."""
        return {
            "code": self.code,
            "category": self.category,
            "action": self.action.value,
            "retryable": self.retryable,
            "retry_after": self.retry_after,
            "status": self.status,
            "platform_code": self.platform_code,
            "platform_message": self.platform_message,
            "request_id": self.request_id,
            "matched_by": self.matched_by,
        }


# --- The tables: what each piece of evidence means. ----------------------------------------------


@dataclass(frozen=True, slots=True)
class _MessageRule:
    """Any of ``needles`` (lowercase) in the message means ``code``, under ``statuses`` if set."""

    needles: tuple[str, ...]
    code: Code
    statuses: frozenset[int] | None = None


# In order: the first that matches wins. Texts are from reference §5.3 (its table and the
# substrings schedulers match); the rules that name a status are the ones whose text is too
# common to trust alone.
_MESSAGE_RULES: Final = (
    # Code 29 (and the uncertain code 3 variant): the app's access tier, not the user's input.
    _MessageRule(
        ("trial access", "api-sandbox", "consumer type is not supported"), PLATFORM_TRIAL_ACCESS
    ),
    _MessageRule(("block (pins)", "combat spam"), PLATFORM_SPAM_BLOCK),
    # The quickstart treats any 429 that mentions spam as the spam block; elsewhere "spam" can
    # be a link Pinterest blocked for good, which must not be retried.
    _MessageRule(("spam",), PLATFORM_SPAM_BLOCK, frozenset({429})),
    _MessageRule(("something went wrong on our end",), PLATFORM_SERVER_ERROR),
    _MessageRule(("constraint: maxitems=5",), CAROUSEL_ITEM_COUNT),
    _MessageRule(("cover_image_url or cover_image_content_type",), VIDEO_COVER_IMAGE_URL_MISSING),
    _MessageRule(("could not fetch the image",), PLATFORM_MEDIA_FETCH_FAILED),
    _MessageRule(("unable to reach the url",), PLATFORM_URL_UNREACHABLE),
    _MessageRule(("image is too small",), PLATFORM_IMAGE_TOO_SMALL),
    _MessageRule(("image is broken",), PLATFORM_IMAGE_BROKEN),
    _MessageRule(("couldn't find this board section",), BOARD_SECTION_NOT_FOUND),
    _MessageRule(("board not found",), BOARD_NOT_FOUND),
    _MessageRule(("media upload not found",), MEDIA_MEDIA_ID_NOT_FOUND),
    _MessageRule(("pin not found",), PLATFORM_PIN_NOT_FOUND),
    _MessageRule(("does not have sufficient permissions",), AUTH_MISSING_SCOPE),
    _MessageRule(("authentication failed",), AUTH_UNAUTHORIZED),
    _MessageRule(("exceeded a rate limit",), RATE_LIMIT_EXCEEDED),
    _MessageRule(("entered an invalid url",), PLATFORM_INVALID_URL),
    _MessageRule(("not permitted to access",), PLATFORM_PERMISSION_DENIED),
)

# A 401 that says what is wrong with the token itself, not just that it was refused: the word
# and "token" in one sentence ("Access token expired.", "The token is invalid"). An app's bad
# client_id is not the token's fault, so "invalid" alone is not enough.
_TOKEN_WORDS: Final = "expired, invalid, malformed or revoked"  # noqa: S105 - words, no secret
_TOKEN_REFUSED: Final = re.compile(
    r"token[^.;]*\b(?:expired|invalid|malformed|revoked)\b"
    r"|\b(?:expired|invalid|malformed|revoked)\b[^.;]*token"
)

# Pinterest's id pattern error, in the two phrasings seen (§5.3): "does not match '^\d+$'" and
# "must match the pattern: ^\d+$"; the backslash may come doubled from a twice-escaped message.
_ID_PATTERN: Final = re.compile(r"(?:does not match|must match the pattern:?)\s*'?\^\\{1,2}d\+\$")
# The id fields of PinCreate that carry that pattern, and the code of each.
_ID_FIELDS: Final[Mapping[str, Code]] = {
    "board_id": BOARD_INVALID_ID,
    "board_section_id": BOARD_SECTION_INVALID_ID,
    "media_id": MEDIA_MEDIA_ID_INVALID,
    "parent_pin_id": PIN_PARENT_PIN_ID_INVALID,
    "sponsor_id": PIN_SPONSOR_ID_INVALID,
}
# \b treats "_" as a word character: board_id is not found inside board_section_id or my_board_id.
_ID_FIELD_NAMES: Final = re.compile(r"\b(" + "|".join(_ID_FIELDS) + r")\b")

# Reference §5.3's numeric codes. 58 (board name taken) belongs to board creation, not pins.
_CODE_RULES: Final[Mapping[int, Code]] = {
    1: PLATFORM_INVALID_PARAMETERS,
    2: AUTH_UNAUTHORIZED,
    3: AUTH_MISSING_SCOPE,
    8: RATE_LIMIT_EXCEEDED,
    12: PLATFORM_SERVER_ERROR,
    29: PLATFORM_PERMISSION_DENIED,
    40: BOARD_NOT_FOUND,
    50: PLATFORM_PIN_NOT_FOUND,
    233: PLATFORM_IMAGE_TOO_SMALL,
    235: PLATFORM_IMAGE_BROKEN,
    2031: BOARD_SECTION_NOT_FOUND,
    2786: PLATFORM_URL_UNREACHABLE,
    2787: PLATFORM_SERVER_ERROR,
}

# By status alone (reference §5.2); any other 5xx is a server error, any other 4xx unknown.
_STATUS_RULES: Final[Mapping[int, Code]] = {
    400: PLATFORM_INVALID_PARAMETERS,
    401: AUTH_UNAUTHORIZED,
    403: PLATFORM_PERMISSION_DENIED,
    404: PLATFORM_NOT_FOUND,
    408: PLATFORM_TIMEOUT,
    429: RATE_LIMIT_EXCEEDED,
    504: PLATFORM_TIMEOUT,
}


def possible_codes() -> frozenset[str]:
    """Every code ``classify`` can return, read from its tables (the tests check each one)."""
    codes = {rule.code for rule in _MESSAGE_RULES} | {AUTH_INVALID_TOKEN}
    codes |= set(_ID_FIELDS.values()) | set(_CODE_RULES.values()) | set(_STATUS_RULES.values())
    codes |= {PLATFORM_INVALID_PARAMETERS, PLATFORM_SERVER_ERROR, PLATFORM_UNKNOWN}
    return frozenset(code.id for code in codes)


# --- Classifying. --------------------------------------------------------------------------------


def classify(
    status: int,
    body: bytes | str | Mapping[str, object] | None,
    headers: Mapping[str, object] | None = None,
) -> Classification:
    """What the error response ``status`` / ``body`` / ``headers`` means.

    ``body`` is the raw body (bytes or text, parsed as JSON when it is JSON) or an already parsed
    object; anything that is not a JSON object (an HTML page, nothing, a truncated document) just
    leaves the status to decide. ``headers`` may be any mapping (an ``httpx.Headers`` too); names
    are matched case-insensitively. Only 4xx and 5xx statuses are errors: anything else is a
    ``ValueError``, since there is nothing to classify.
    """
    if isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 599:
        raise ValueError(f"status {status!r} is not an HTTP error status (400-599)")
    fields = _body_object(body)
    platform_code = _platform_code(fields)
    platform_message = _platform_message(fields)
    header_values = {
        str(name).lower(): text
        for name, value in (headers or {}).items()
        if (text := header_text(value)) is not None
    }
    code, matched_by = _decide(status, platform_code, platform_message)
    request_id = header_values.get(REQUEST_ID_HEADER, "").strip() or None
    return Classification(
        code=code.id,
        category=code.category,
        action=code.action,
        retryable=code.action is Action.RETRY,
        retry_after=parse_retry_after(header_values.get("retry-after")),
        platform_code=platform_code,
        platform_message=platform_message,
        request_id=request_id,
        status=status,
        matched_by=matched_by,
    )


def header_text(value: object) -> str | None:
    """A header's value as text, or ``None`` for none.

    A list (Go's ``http.Header`` in JSON) is its values joined with commas, as HTTP joins a
    header sent twice; a number is its digits. A list inside a list is no header value: left out.
    """
    if value is None:
        return None
    if isinstance(value, list | tuple):
        parts = [
            item if isinstance(item, str) else str(item)
            for item in value
            if item is not None and not isinstance(item, list | tuple | dict)
        ]
        return ", ".join(parts) if parts else None
    return value if isinstance(value, str) else str(value)


def classify_response(response: httpx.Response) -> Classification:
    """``classify`` for an ``httpx.Response``; a streamed body not read yet counts as no body."""
    try:
        body: bytes | None = response.content
    except httpx.ResponseNotRead:
        body = None
    return classify(response.status_code, body, response.headers)


def _decide(status: int, platform_code: int | None, message: str | None) -> tuple[Code, str]:
    """The code and the evidence that decided it: message, then numeric code, then status."""
    if message:
        text = message.lower().replace("\u2019", "'")  # a typographic apostrophe too
        if status == 401 and _TOKEN_REFUSED.search(text):  # the account checks ask this too
            return AUTH_INVALID_TOKEN, f"message: the token is {_TOKEN_WORDS}"
        if _ID_PATTERN.search(text):
            named = set(_ID_FIELD_NAMES.findall(text))
            if len(named) == 1:
                (field,) = named
                return _ID_FIELDS[field], f"message: id pattern error naming {field}"
        for rule in _MESSAGE_RULES:
            if rule.statuses is not None and status not in rule.statuses:
                continue
            for needle in rule.needles:
                if needle in text:
                    return rule.code, f'message: "{needle}"'
    if platform_code is not None and platform_code in _CODE_RULES:
        return _CODE_RULES[platform_code], f"Pinterest code {platform_code}"
    if status in _STATUS_RULES:
        code = _STATUS_RULES[status]
    elif status >= 500:
        code = PLATFORM_SERVER_ERROR
    else:
        code = PLATFORM_UNKNOWN
    return code, f"HTTP status {status}"


def _body_object(body: bytes | str | Mapping[str, object] | None) -> Mapping[str, object]:
    """The body as a JSON object; empty for anything else (not JSON, not an object, nothing)."""
    if body is None:
        return {}
    if isinstance(body, Mapping):
        return body
    if isinstance(body, bytes | bytearray):  # a byte order mark too, as httpx's .json() reads
        text = bytes(body).decode("utf-8-sig", errors="replace")
    elif isinstance(body, str):
        text = body.removeprefix("\ufeff")
    else:  # already parsed, but not an object: response.json() of a list, say
        return {}
    if not text.strip():
        return {}
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):  # not JSON, truncated, or absurdly nested
        return {}
    return value if isinstance(value, dict) else {}


def _platform_code(fields: Mapping[str, object]) -> int | None:
    """``code`` as an int; a string of digits is accepted, a bool (a JSON true) is not."""
    value = fields.get("code")
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdecimal() and len(value.strip()) <= 18:
        return int(value.strip())  # (a code of thousands of digits is no code: int() refuses it)
    return None


def _platform_message(fields: Mapping[str, object]) -> str | None:
    """``message``, and ``message_detail`` after it when Pinterest sent both (429 spam blocks)."""
    parts = [
        value.strip()
        for value in (fields.get("message"), fields.get("message_detail"))
        if isinstance(value, str) and value.strip()
    ]
    return " — ".join(dict.fromkeys(parts)) or None
