"""validator.findings: the Finding value, its JSON form, remedies and locations."""

from __future__ import annotations

import dataclasses

import pytest

from validator.findings import Action, Finding, Location, Severity


def finding(
    code: str = "media.url_invalid",
    *,
    severity: Severity = Severity.ERROR,
    action: Action = Action.USER_ERROR,
    field: str | None = "media_source.url",
) -> Finding:
    return Finding(
        code=code,
        severity=severity,
        action=action,
        field=field,
        message="media_source.url is an integer, not a URL string",
        hint="Give the full https:// address.",
    )


def test_to_dict_has_exactly_the_contract_keys_in_order() -> None:
    assert list(finding().to_dict()) == [
        "code",
        "severity",
        "category",
        "action",
        "retryable",
        "field",
        "message",
        "hint",
    ]


def test_to_dict_holds_plain_json_values() -> None:
    assert finding().to_dict() == {
        "code": "media.url_invalid",
        "severity": "error",
        "category": "media",
        "action": "user-error",
        "retryable": False,
        "field": "media_source.url",
        "message": "media_source.url is an integer, not a URL string",
        "hint": "Give the full https:// address.",
    }
    assert type(finding().to_dict()["severity"]) is str
    assert type(finding().to_dict()["action"]) is str


def test_whole_pin_finding_has_null_field() -> None:
    assert finding("pin.malformed", field=None).to_dict()["field"] is None


@pytest.mark.parametrize(
    ("code", "category"),
    [
        ("board.missing", "board"),
        ("media.url_invalid", "media"),
        ("calendar.row_malformed", "calendar"),
    ],
)
def test_category_is_the_part_before_the_dot(code: str, category: str) -> None:
    assert finding(code).category == category


@pytest.mark.parametrize(
    ("action", "retryable"),
    [
        (Action.USER_ERROR, False),
        (Action.REFRESH_TOKEN, False),
        (Action.RETRY, True),
    ],
    ids=["user-error", "refresh-token", "retry"],
)
def test_only_retry_findings_are_retryable(action: Action, retryable: bool) -> None:
    assert finding(action=action).retryable is retryable
    assert finding(action=action).to_dict()["retryable"] is retryable


@pytest.mark.parametrize(
    ("severity", "is_error"),
    [(Severity.ERROR, True), (Severity.WARNING, False)],
    ids=["error", "warning"],
)
def test_is_error_follows_severity(severity: Severity, is_error: bool) -> None:
    assert finding(severity=severity).is_error is is_error


def test_findings_are_frozen_and_compare_by_value() -> None:
    one = finding()

    assert one == finding()
    assert hash(one) == hash(finding())
    with pytest.raises(dataclasses.FrozenInstanceError):
        one.code = "board.missing"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("action", "label"),
    [
        (Action.USER_ERROR, "Fix input"),
        (Action.REFRESH_TOKEN, "Reconnect"),
        (Action.RETRY, "Retry later"),
    ],
    ids=["user-error", "refresh-token", "retry"],
)
def test_action_label_is_the_short_imperative(action: Action, label: str) -> None:
    assert action.label == label


@pytest.mark.parametrize(
    ("action", "value"),
    [
        (Action.USER_ERROR, "user-error"),
        (Action.REFRESH_TOKEN, "refresh-token"),
        (Action.RETRY, "retry"),
    ],
)
def test_action_values_are_the_switchable_strings(action: Action, value: str) -> None:
    assert action == value
    assert Action(value) is action


@pytest.mark.parametrize(
    ("location", "text"),
    [
        pytest.param(Location("calendar.jsonl", 2, 3), "calendar.jsonl:3", id="file-line"),
        pytest.param(Location("<input>", 2), "<input>[2]", id="api-position"),
        pytest.param(Location("<stdin>", 0, 1), "<stdin>:1", id="stdin-line"),
        pytest.param(Location("pins.json", 0, None), "pins.json[0]", id="no-line"),
    ],
)
def test_location_prints_line_when_known_else_position(location: Location, text: str) -> None:
    assert str(location) == text


def test_location_line_defaults_to_none() -> None:
    assert Location("<input>", 4).line is None
