"""validator.report: the verdict on one pin and the counts over a run."""

from __future__ import annotations

from validator.findings import Action, Finding, Location, Severity
from validator.report import Report, Summary, Tally

HERE = Location("calendar.jsonl", 1, 2)


def finding(
    code: str,
    severity: Severity = Severity.ERROR,
    action: Action = Action.USER_ERROR,
) -> Finding:
    return Finding(code, severity, action, None, f"{code} happened", f"fix {code}")


BAD_BOARD = finding("board.invalid_id")
BAD_URL = finding("media.url_invalid")
LONG_DESCRIPTION = finding("text.description_long", Severity.WARNING)
UNKNOWN_FIELD = finding("pin.unknown_field", Severity.WARNING)
EXPIRED_TOKEN = finding("auth.token_expired", action=Action.REFRESH_TOKEN)
SERVER_DOWN = finding("media.fetch_failed", action=Action.RETRY)


# --- Report --------------------------------------------------------------------------------------


def test_report_without_findings_is_ok() -> None:
    report = Report(HERE)

    assert report.ok
    assert report.errors == ()
    assert report.warnings == ()
    assert report.codes == frozenset()
    assert report.action is None
    assert report.by_action() == {}


def test_warnings_alone_leave_the_pin_ok() -> None:
    report = Report(HERE, (LONG_DESCRIPTION, UNKNOWN_FIELD))

    assert report.ok
    assert report.warnings == (LONG_DESCRIPTION, UNKNOWN_FIELD)
    assert report.errors == ()
    assert report.action is None


def test_one_error_fails_the_pin() -> None:
    report = Report(HERE, (LONG_DESCRIPTION, BAD_URL))

    assert not report.ok
    assert report.errors == (BAD_URL,)
    assert report.warnings == (LONG_DESCRIPTION,)


def test_errors_and_warnings_keep_the_findings_order() -> None:
    report = Report(HERE, (BAD_URL, LONG_DESCRIPTION, BAD_BOARD, UNKNOWN_FIELD))

    assert report.errors == (BAD_URL, BAD_BOARD)
    assert report.warnings == (LONG_DESCRIPTION, UNKNOWN_FIELD)


def test_codes_are_the_distinct_codes_found() -> None:
    report = Report(HERE, (BAD_URL, BAD_URL, LONG_DESCRIPTION))

    assert report.codes == {"media.url_invalid", "text.description_long"}


def test_by_action_groups_only_errors_by_remedy() -> None:
    report = Report(HERE, (SERVER_DOWN, BAD_URL, LONG_DESCRIPTION, BAD_BOARD, EXPIRED_TOKEN))

    assert report.by_action() == {
        Action.RETRY: (SERVER_DOWN,),
        Action.USER_ERROR: (BAD_URL, BAD_BOARD),
        Action.REFRESH_TOKEN: (EXPIRED_TOKEN,),
    }


def test_input_fixes_come_before_reconnecting_and_retrying() -> None:
    report = Report(HERE, (SERVER_DOWN, EXPIRED_TOKEN, BAD_URL))

    assert report.action is Action.USER_ERROR


def test_reconnecting_comes_before_retrying() -> None:
    report = Report(HERE, (SERVER_DOWN, EXPIRED_TOKEN))

    assert report.action is Action.REFRESH_TOKEN


def test_retry_is_the_action_when_it_is_the_only_remedy() -> None:
    report = Report(HERE, (SERVER_DOWN, LONG_DESCRIPTION))

    assert report.action is Action.RETRY


def test_a_warning_does_not_decide_the_action() -> None:
    retry_warning = finding("media.slow", Severity.WARNING, Action.RETRY)

    assert Report(HERE, (retry_warning,)).action is None


def test_to_dict_holds_source_location_verdict_and_findings() -> None:
    report = Report(HERE, (BAD_URL, LONG_DESCRIPTION), title="Spring")

    assert report.to_dict() == {
        "source": "calendar.jsonl",
        "location": "calendar.jsonl:2",
        "ok": False,
        "findings": [BAD_URL.to_dict(), LONG_DESCRIPTION.to_dict()],
    }


def test_to_dict_of_an_api_pin_uses_its_position() -> None:
    report = Report(Location("<input>", 3))

    assert report.to_dict() == {
        "source": "<input>",
        "location": "<input>[3]",
        "ok": True,
        "findings": [],
    }


# --- Summary -------------------------------------------------------------------------------------


def test_summary_of_nothing_is_all_zeros() -> None:
    summary = Summary.of([])

    assert summary == Summary()
    assert summary.to_dict() == {"pins": 0, "ok": 0, "failed": 0, "errors": 0, "warnings": 0}


def test_summary_counts_pins_findings_actions_and_codes() -> None:
    reports = [
        Report(Location("f", 0, 1)),
        Report(Location("f", 1, 2), (LONG_DESCRIPTION,)),
        Report(Location("f", 2, 3), (BAD_URL, BAD_BOARD, LONG_DESCRIPTION)),
        Report(Location("f", 3, 4), (SERVER_DOWN, BAD_URL)),
    ]

    summary = Summary.of(reports)

    assert (summary.pins, summary.ok, summary.failed) == (4, 2, 2)
    assert (summary.errors, summary.warnings) == (4, 2)
    assert summary.by_action == {Action.USER_ERROR: 3, Action.RETRY: 1}
    assert summary.by_code == {
        "text.description_long": 2,
        "media.url_invalid": 2,
        "board.invalid_id": 1,
        "media.fetch_failed": 1,
    }
    assert summary.to_dict() == {"pins": 4, "ok": 2, "failed": 2, "errors": 4, "warnings": 2}


def test_a_summary_hashes_as_the_frozen_value_it_is() -> None:
    # Frozen, like Report and Finding, but "unhashable type: 'dict'" for its counts.
    reports = [Report(Location("f", 0, 1), (BAD_URL, LONG_DESCRIPTION))]
    assert hash(Summary.of(reports)) == hash(Summary.of(list(reports)))
    assert len({Summary.of(reports), Summary.of(reports), Summary()}) == 2


def test_summary_reads_a_one_shot_iterable() -> None:
    reports = (Report(Location("f", n, n + 1), (BAD_URL,) * n) for n in range(3))

    summary = Summary.of(reports)

    assert (summary.pins, summary.ok, summary.errors) == (3, 1, 3)


def test_summary_agrees_with_each_reports_verdict() -> None:
    reports = [
        Report(HERE, (LONG_DESCRIPTION,)),
        Report(HERE, (EXPIRED_TOKEN,)),
        Report(HERE, ()),
    ]

    summary = Summary.of(reports)

    assert summary.ok == sum(report.ok for report in reports)
    assert summary.errors == sum(len(report.errors) for report in reports)
    assert summary.warnings == sum(len(report.warnings) for report in reports)


def test_a_tally_counts_as_reports_go_by_and_gives_the_summary_so_far() -> None:
    reports = [
        Report(HERE, (BAD_URL, LONG_DESCRIPTION)),
        Report(HERE, ()),
        Report(HERE, (SERVER_DOWN,)),
    ]
    tally = Tally()
    assert tally.summary() == Summary()

    tally.add(reports[0])
    assert (tally.summary().pins, tally.summary().failed) == (1, 1)

    for report in reports[1:]:
        tally.add(report)
    assert tally.summary() == Summary.of(reports)
