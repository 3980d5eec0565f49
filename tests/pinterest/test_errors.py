"""The classifier: every code and message of reference §5.3, the fallbacks, and the retry rule."""

from __future__ import annotations

import asyncio
import email.utils
import json
import time
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import FIXTURES

from validator.codes import CATALOGUE, Stage
from validator.findings import Action
from validator.pinterest.account import AccountChecker
from validator.pinterest.client import Reply
from validator.pinterest.errors import (
    Classification,
    classify,
    classify_response,
    parse_retry_after,
    possible_codes,
)
from validator.settings import Settings
from validator.waiting import FOREVER

RESPONSES = FIXTURES / "responses"

# fixtures/responses/<case>.json → (code, retryable, Pinterest's code). ``retryable`` is spelt out
# rather than read from the catalogue: it is the rule under test.
CASES: dict[str, tuple[str, bool, int | None]] = {
    "code-1-invalid-url": ("platform.invalid_url", False, 1),
    "code-1-invalid-parameters": ("platform.invalid_parameters", False, 1),
    "code-1-board-id-pattern": ("board.invalid_id", False, 1),
    "code-1-board-section-id-pattern": ("board.section_invalid_id", False, 1),
    "code-1-media-id-pattern": ("media.media_id_invalid", False, 1),
    "code-1-parent-pin-id-pattern": ("pin.parent_pin_id_invalid", False, 1),
    "code-1-sponsor-id-pattern": ("pin.sponsor_id_invalid", False, 1),
    "code-1-pattern-no-field": ("platform.invalid_parameters", False, 1),
    "code-1-feed-id-pattern": ("platform.invalid_parameters", False, 1),
    "code-1-max-items": ("carousel.item_count", False, 1),
    "code-1-cover-image": ("video.cover_image_url_missing", False, 1),
    "could-not-fetch-image": ("platform.media_fetch_failed", False, 1),
    "code-2-authentication-failed": ("auth.unauthorized", False, 2),
    "code-2-token-expired": ("auth.invalid_token", False, 2),  # as the account checks say
    "code-3-missing-scope": ("auth.missing_scope", False, 3),
    "code-3-consumer-type": ("platform.trial_access", False, 3),
    "code-8-rate-limit": ("rate_limit.exceeded", True, 8),
    "code-8-retry-after-seconds": ("rate_limit.exceeded", True, 8),
    "code-8-retry-after-date": ("rate_limit.exceeded", True, 8),
    "spam-block": ("platform.spam_block", True, 8),
    "spam-message-detail": ("platform.spam_block", True, 8),
    "spam-word-not-429": ("platform.invalid_parameters", False, 1),
    "code-12-server-error": ("platform.server_error", True, 12),
    "code-2787-server-error": ("platform.server_error", True, 2787),
    "something-went-wrong-no-code": ("platform.server_error", True, None),
    "code-29-not-permitted": ("platform.permission_denied", False, 29),
    "code-29-trial-access": ("platform.trial_access", False, 29),
    "code-40-board-not-found": ("board.not_found", False, 40),
    "code-50-pin-not-found": ("platform.pin_not_found", False, 50),
    "code-233-image-too-small": ("platform.image_too_small", False, 233),
    "code-235-image-broken": ("platform.image_broken", False, 235),
    "code-2031-section-not-found": ("board.section_not_found", False, 2031),
    "code-2786-url-unreachable": ("platform.url_unreachable", False, 2786),
    "unable-to-reach-url-no-code": ("platform.url_unreachable", False, None),
    "code-404-media-upload-not-found": ("media.media_id_not_found", False, 404),
    "unknown-code-400": ("platform.invalid_parameters", False, 99999),
    "unknown-code-401": ("auth.unauthorized", False, 99999),
    "unknown-code-403": ("platform.permission_denied", False, 99999),
    "unknown-code-404": ("platform.not_found", False, 99999),
    "unknown-code-408": ("platform.timeout", True, 99999),
    "unknown-code-409": ("platform.unknown", False, 99999),
    "unknown-code-429": ("rate_limit.exceeded", True, 99999),
    "unknown-code-500": ("platform.server_error", True, 99999),
    "unknown-code-502": ("platform.server_error", True, 99999),
    "unknown-code-504": ("platform.timeout", True, 99999),
    "html-502": ("platform.server_error", True, None),
    "empty-400": ("platform.invalid_parameters", False, None),
    "no-body-503": ("platform.server_error", True, None),
    "truncated-429": ("rate_limit.exceeded", True, None),
    "json-list-403": ("platform.permission_denied", False, None),
}


def load_case(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((RESPONSES / f"{name}.json").read_text("utf-8"))
    return document


def as_response(case: dict[str, Any]) -> httpx.Response:
    """The fixture as the httpx.Response a client would get, body bytes exactly as sent."""
    body = case.get("body")
    content = b"" if body is None else body if isinstance(body, str) else json.dumps(body)
    return httpx.Response(case["status"], headers=case.get("headers", {}), content=content)


def classify_case(name: str) -> Classification:
    case = load_case(name)
    return classify(case["status"], case.get("body"), case.get("headers"))


@pytest.mark.parametrize(("name", "expected"), CASES.items(), ids=list(CASES))
def test_each_real_shaped_response_classifies_as_documented(
    name: str, expected: tuple[str, bool, int | None]
) -> None:
    result = classify_case(name)
    assert (result.code, result.retryable, result.platform_code) == expected
    entry = CATALOGUE[expected[0]]
    assert result.action is entry.action
    assert result.category == entry.category
    assert result.retryable == (result.action is Action.RETRY)
    assert result.status == load_case(name)["status"]


@pytest.mark.parametrize("name", CASES, ids=list(CASES))
def test_an_httpx_response_classifies_like_its_parts(name: str) -> None:
    expected = classify_case(name)
    result = classify_response(as_response(load_case(name)))
    assert result.code == expected.code
    assert result.platform_code == expected.platform_code
    assert result.platform_message == expected.platform_message
    assert result.request_id == expected.request_id
    if expected.retry_after is None:
        assert result.retry_after is None
    else:
        assert result.retry_after == pytest.approx(expected.retry_after, abs=5)


def test_every_fixture_is_in_the_table_and_every_table_entry_has_a_fixture() -> None:
    assert {path.stem for path in RESPONSES.glob("*.json")} == set(CASES)


def test_every_code_classify_can_return_is_catalogued_and_exercised() -> None:
    codes = possible_codes()
    for code_id in codes:
        assert code_id in CATALOGUE, code_id
    exercised = {code for code, _, _ in CASES.values()}
    assert exercised == codes  # no unreachable table entry, and the table returns nothing else


def test_the_platform_codes_are_response_stage_errors_and_all_reachable() -> None:
    platform = {code.id for code in CATALOGUE.values() if code.category == "platform"}
    assert platform <= possible_codes()
    for code_id in platform:
        assert CATALOGUE[code_id].stage is Stage.RESPONSE
        assert CATALOGUE[code_id].severity == "error"


def test_the_never_retry_list_of_the_retry_rule() -> None:
    never = {
        "code-2-authentication-failed": "expired token",
        "code-3-missing-scope": "missing permission",
        "code-29-not-permitted": "account restriction",
        "code-29-trial-access": "policy: app tier",
        "code-233-image-too-small": "unsupported media",
        "code-235-image-broken": "unsupported media",
        "code-1-invalid-parameters": "invalid caption",
        "spam-word-not-429": "blocked link",
        "unknown-code-409": "conflict, maybe a duplicate",
    }
    for name in never:
        assert not classify_case(name).retryable, never[name]


def test_platform_message_request_id_and_summary() -> None:
    result = classify_case("code-8-rate-limit")
    assert result.platform_message is not None
    assert result.platform_message.startswith("This request exceeded a rate limit.")
    assert result.request_id == "9f8e7d6c5b4a"
    line = result.summary()
    assert line.startswith("HTTP 429 rate_limit.exceeded: Retry later")
    assert "code 8" in line
    assert "request id 9f8e7d6c5b4a" in line
    assert result.matched_by == 'message: "exceeded a rate limit"'


def test_the_summary_is_one_line_whatever_pinterest_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MY_API_TOKEN", "LiveSecretValue-1234567")
    body = {"code": 8, "message": "exceeded a rate limit\nHTTP 200 ok: fake line pina_" + "x" * 30
            + " and LiveSecretValue-1234567"}  # fmt: skip
    result = classify(429, body, {"x-pinterest-rid": "abc\r\nforged"})
    line = result.summary()
    assert "\n" not in line
    assert "\r" not in line
    assert "pina_xxx" not in line  # a token in the message is masked, as explain masks it
    assert "LiveSecretValue" not in line
    assert len(classify(500, {"message": "m" * 5_000_000}).summary()) < 500


def test_a_body_that_starts_with_a_byte_order_mark_is_read() -> None:
    # Read as no JSON at all: a spam block was a 429 to retry, an expired token a plain 401.
    spam = "\ufeff" + json.dumps(
        {"code": 8, "message": "Sorry! You've hit a block (Pins) we have in place to combat spam."}
    )
    assert classify(429, spam.encode("utf-8")).code == "platform.spam_block"
    assert classify(429, spam).code == "platform.spam_block"


def test_message_detail_is_kept_after_the_message() -> None:
    result = classify_case("spam-message-detail")
    assert result.platform_message == (
        "This request exceeded a rate limit. — Spam detected for this user: try again later."
    )


def test_to_dict_is_json_ready_and_complete() -> None:
    result = classify_case("code-8-retry-after-seconds")
    document = json.loads(json.dumps(result.to_dict()))
    assert document == {
        "code": "rate_limit.exceeded",
        "category": "rate_limit",
        "action": "retry",
        "retryable": True,
        "retry_after": 30.0,
        "status": 429,
        "platform_code": 8,
        "platform_message": document["platform_message"],
        "request_id": None,
        "matched_by": 'message: "exceeded a rate limit"',
    }
    assert result.summary().startswith("HTTP 429 rate_limit.exceeded: Retry later (after 30 s)")


def test_non_json_bodies_have_no_platform_fields() -> None:
    for name in ("html-502", "empty-400", "no-body-503", "truncated-429", "json-list-403"):
        result = classify_case(name)
        assert (result.platform_code, result.platform_message) == (None, None), name
        assert result.matched_by.startswith("HTTP status"), name
        assert "Pinterest" not in result.summary(), name


def test_the_message_wins_over_the_code_it_comes_with() -> None:
    generic = classify(403, {"code": 29, "message": "You are not permitted to access that."})
    trial = classify_case("code-29-trial-access")
    assert (generic.code, trial.code) == ("platform.permission_denied", "platform.trial_access")
    assert trial.matched_by == 'message: "trial access"'


def test_messages_match_case_insensitively_and_with_a_typographic_apostrophe() -> None:
    assert classify(404, {"message": "BOARD NOT FOUND."}).code == "board.not_found"
    section = classify(404, {"message": "Sorry! We couldn\u2019t find this board section."})
    assert section.code == "board.section_not_found"


@pytest.mark.parametrize(
    ("message", "code"),
    [
        (r"'x' does not match '^\d+$' - 'board_id'", "board.invalid_id"),
        (r"'x' does not match '^\\d+$' - 'board_id'", "board.invalid_id"),  # twice escaped
        (r"'board_section_id' value 'x' must match the pattern: ^\d+$", "board.section_invalid_id"),
        (r"'x' does not match '^\d+$' - 'sponsor_id'", "pin.sponsor_id_invalid"),
        (r"'x' does not match '^\d+$' - 'my_board_id'", "platform.invalid_parameters"),
        (r"'x' does not match '^\d+$' - 'board_id', 'media_id'", "platform.invalid_parameters"),
        ("board_id is required", "platform.invalid_parameters"),  # no pattern error at all
    ],
)
def test_an_id_pattern_error_names_a_field_only_when_the_message_names_one(
    message: str, code: str
) -> None:
    assert classify(400, {"code": 1, "message": message}).code == code


def test_spam_alone_means_the_spam_block_only_on_429() -> None:
    assert classify(429, {"message": "spam"}).code == "platform.spam_block"
    assert classify(400, {"message": "spam"}).code == "platform.invalid_parameters"
    assert classify(400, {"message": "a block (Pins) to combat spam"}).code == "platform.spam_block"


def test_a_code_as_a_string_of_digits_counts_and_a_boolean_does_not() -> None:
    assert classify(404, {"code": "40", "message": ""}).code == "board.not_found"
    assert classify(404, {"code": True}).platform_code is None
    assert classify(404, {"code": True}).code == "platform.not_found"


def test_bodies_as_bytes_text_and_mapping_agree() -> None:
    body = {"code": 40, "message": "Board not found."}
    text = json.dumps(body)
    results = {classify(404, form).code for form in (body, text, text.encode(), None)}
    assert results == {"board.not_found", "platform.not_found"}
    assert classify(404, b"\xff\xfe not utf-8").code == "platform.not_found"


def test_header_names_are_case_insensitive() -> None:
    result = classify(429, None, {"X-Pinterest-RID": " abc ", "RETRY-AFTER": "7"})
    assert (result.request_id, result.retry_after) == ("abc", 7.0)
    assert classify(429, None, {"x-pinterest-rid": "  "}).request_id is None


def test_retry_after_is_read_from_an_httpx_response() -> None:
    response = httpx.Response(503, headers={"Retry-After": "12"})
    assert classify_response(response).retry_after == 12.0


def test_a_streamed_response_not_read_yet_classifies_by_status() -> None:
    response = httpx.Response(404, stream=httpx.ByteStream(b'{"code": 40}'))
    assert classify_response(response).code == "platform.not_found"


@pytest.mark.parametrize("status", [200, 302, 399, 600, -1])
def test_statuses_that_are_not_errors_are_refused(status: int) -> None:
    with pytest.raises(ValueError, match="not an HTTP error status"):
        classify(status, None)


def test_retry_after_seconds_and_dates() -> None:
    now = 1_800_000_000.0
    in_two_minutes = email.utils.formatdate(now + 120, usegmt=True)
    assert parse_retry_after("30") == 30.0
    assert parse_retry_after(" 1.5 ") == 1.5
    assert parse_retry_after(in_two_minutes, now=now) == pytest.approx(120.0)
    assert parse_retry_after(email.utils.formatdate(now - 60, usegmt=True), now=now) == 0.0
    assert parse_retry_after("Fri, 01 Jan 2100 00:00:00 -0000", now=now) == pytest.approx(
        4102444800.0 - now
    )
    for unreadable in (None, "", "soon", "-5", "1e3", "Fri, 99 Foo 2100", "30, soon"):
        assert parse_retry_after(unreadable, now=now) is None, unreadable
    # Sent twice (httpx joins them with a comma): the longest wait, a date's own comma kept.
    assert parse_retry_after("30, 120") == 120.0
    assert parse_retry_after(f"{in_two_minutes}, 30", now=now) == pytest.approx(120.0)
    assert parse_retry_after(f"30, {in_two_minutes}, 10", now=now) == pytest.approx(120.0)
    assert parse_retry_after("9" * 400) == FOREVER  # past a float: "forever", not absent


def test_retry_after_date_from_a_fixture_uses_the_clock() -> None:
    result = classify_case("code-8-retry-after-date")
    assert result.retry_after is not None
    assert result.retry_after == pytest.approx(4102444800.0 - time.time(), abs=5)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@given(
    status=st.integers(400, 599),
    body=st.binary(max_size=200)
    | st.text(max_size=200)
    | st.dictionaries(st.sampled_from(["code", "message", "message_detail"]), JSON),
    headers=st.dictionaries(st.sampled_from(["retry-after", "x-pinterest-rid"]), st.text()),
)
def test_any_error_response_classifies_to_a_catalogued_code(
    status: int, body: bytes | str | dict[str, Any], headers: dict[str, str]
) -> None:
    result = classify(status, body, headers)
    assert result.code in possible_codes()
    assert result.retryable == (CATALOGUE[result.code].action is Action.RETRY)
    assert result.retry_after is None or result.retry_after >= 0
    json.dumps(result.to_dict())


@given(status=st.integers(400, 499).filter(lambda s: s not in (408, 429)), body=st.binary())
def test_a_4xx_without_a_known_code_or_message_is_never_retryable(status: int, body: bytes) -> None:
    assert not classify(status, body).retryable


@pytest.mark.parametrize(
    "value",
    [
        "Mon, 01 Jan 99999999999999999999 00:00:00 GMT",
        "Mon, 01 Jan 2026 00:00:00 +99999999999999999999",
        "٥",
    ],
    ids=["huge year", "huge offset", "arabic-indic digit"],
)
def test_a_retry_after_no_clock_can_hold_is_unreadable(value: str) -> None:
    assert parse_retry_after(value) is None


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"code": 2, "message": "Authentication failed."}, "auth.unauthorized"),
        ({"code": 2, "message": "Access token expired"}, "auth.invalid_token"),
        # The detail says it: the whole text counts, not the message alone.
        ({"code": 2, "message": "Authentication failed.",
          "message_detail": "The access token has expired."}, "auth.invalid_token"),
        ({"code": 2, "message": "Authentication failed. " + "x" * 130 + " Token expired."},
         "auth.invalid_token"),
        # An app's credentials are not the token: refreshing it would not help.
        ({"code": 2, "message": "Authentication failed: invalid client_id or client secret"},
         "auth.unauthorized"),
    ],
)  # fmt: skip
def test_a_401_reads_the_same_in_explain_and_in_the_account_checks(
    body: dict[str, Any], code: str
) -> None:
    assert classify(401, body).code == code
    checker = AccountChecker(Settings(), "pina_token")
    try:
        refused = checker._refusal(Reply(401, body), "user_account", "the token check")
        assert refused.code.id == code
    finally:
        asyncio.run(checker.aclose())
