"""The catalogue is the contract: every code documented, every documented code really emitted."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from support import CODE_FIXTURES, VALID_PAYLOADS, code_cases, load_json

from validator import Report, validate
from validator.codes import CATALOGUE, Code, Stage, lookup, matching
from validator.findings import Action, Severity

OFFLINE = [code for code in CATALOGUE.values() if code.stage is Stage.OFFLINE]
# Emitted by sources for rows they cannot read, tested with files in tests/sources and test_cli;
# decided across the pins of a file (tests/test_engine.py); and decided by the clock, tested
# with URLs signed at test time in tests/rules/test_expiry.py.
FILE_ONLY = {"calendar.row_malformed", "calendar.duplicate_pin", "media.url_expires_soon"}
# Rows of Pinterest's bulk-upload CSV and wrappers of JSON calendar entries: no API payload can
# show them, so each is emitted from a file of fixtures/calendars/ in tests/sources/
# (test_bulk_csv.py, test_wrapped_json.py).
FILE_ONLY |= {
    "calendar.thumbnail_missing", "calendar.thumbnail_invalid", "calendar.description_too_long",
    "calendar.publish_date_invalid", "calendar.publish_date_past", "calendar.publish_date_too_far",
    "calendar.duplicate_link", "calendar.too_many_rows", "calendar.entry_unknown_key",
    "calendar.title_missing", "calendar.description_multiline", "calendar.formula_cell",
    "calendar.error_cell", "calendar.id_rounded", "calendar.board_multiline",
}  # fmt: skip
# The codes issue 2 promises by name, with their severity: users rely on these exact ids.
PROMISED = {
    "board.missing": "error", "board.invalid_id": "error", "board.section_invalid_id": "error",
    "media.missing": "error", "media.source_type_invalid": "error", "media.url_invalid": "error",
    "media.unsupported_format": "error", "media.base64_invalid": "error",
    "media.content_type_invalid": "error", "media.media_id_invalid": "error",
    "video.cover_image_url_missing": "error", "video.cover_image_content_type_missing": "error",
    "video.cover_image_content_type_invalid": "error", "text.title_too_long": "error",
    "text.description_too_long": "error", "text.alt_text_too_long": "error",
    "text.link_too_long": "error", "text.description_long": "warning",
    "text.link_invalid": "error", "carousel.item_count": "error",
    "pin.unknown_field": "warning", "pin.dominant_color_invalid": "warning",
}  # fmt: skip


def check(pin: object, **options: Any) -> Report:
    """``validate`` without the network: these tests are about the payload alone."""
    return validate(pin, offline=True, **options)


@pytest.mark.parametrize(("code_id", "severity"), PROMISED.items())
def test_promised_codes_exist_with_their_severity(code_id: str, severity: str) -> None:
    assert CATALOGUE[code_id].severity == severity


@pytest.mark.parametrize("code", CATALOGUE.values(), ids=lambda code: code.id)
def test_every_entry_is_documented(code: Code) -> None:
    entry = lookup(code.id)
    assert re.fullmatch(r"[a-z_]+\.[a-z0-9_]+", entry.id)
    assert entry.category == entry.id.partition(".")[0]
    assert isinstance(entry.severity, Severity)
    assert isinstance(entry.action, Action)
    for text in (entry.summary, entry.why, entry.fix):
        assert text.strip()
        assert "\n" not in text.strip()
    assert entry.summary.endswith(".")
    assert entry.reference


WITH_EXAMPLES = [code for code in OFFLINE if code.id not in {"pin.malformed", *FILE_ONLY}]


@pytest.mark.parametrize("code", WITH_EXAMPLES, ids=lambda code: code.id)
def test_catalogue_examples_behave_as_documented(code: Code) -> None:
    assert code.example_bad is not None
    assert code.example_good is not None
    assert code.id in check(dict(code.example_bad)).codes
    assert code.id not in check(dict(code.example_good)).codes


def test_every_offline_code_has_a_fixture_file_and_no_file_is_orphaned() -> None:
    files = {path.stem for path in CODE_FIXTURES}
    assert files == {code.id for code in OFFLINE} - FILE_ONLY


@pytest.mark.parametrize(("code_id", "pin"), code_cases())
def test_fixture_payload_emits_its_code_as_catalogued(code_id: str, pin: object) -> None:
    report = check(pin)
    emitted = [finding for finding in report.findings if finding.code == code_id]
    assert emitted, f"expected {code_id}, got {sorted(report.codes)}"
    entry = CATALOGUE[code_id]
    for finding in emitted:
        assert (finding.severity, finding.action) == (entry.severity, entry.action)
        assert finding.message
        assert finding.hint
    if entry.severity is Severity.ERROR:
        assert not report.ok


@pytest.mark.parametrize("path", VALID_PAYLOADS, ids=lambda path: path.stem)
def test_valid_payload_has_no_finding(path: Path) -> None:
    report = check(load_json(path))
    assert report.ok
    assert report.findings == ()


def test_everything_the_rules_emit_is_in_the_catalogue() -> None:
    emitted: set[str] = set()
    for param in code_cases():
        emitted |= check(param.values[1]).codes
    for code in CATALOGUE.values():
        if code.example_bad is not None:
            emitted |= check(dict(code.example_bad)).codes
    assert emitted <= set(CATALOGUE)
    assert {code.id for code in OFFLINE} - FILE_ONLY <= emitted


@pytest.mark.parametrize("given", [None, 3])
def test_lookup_of_what_is_no_code_name_is_a_type_error(given: object) -> None:
    # None was "AttributeError: 'NoneType' object has no attribute 'lower'", from the suggestion.
    with pytest.raises(TypeError, match="takes a code's name"):
        lookup(given)  # type: ignore[arg-type]


def test_lookup_suggests_close_codes() -> None:
    with pytest.raises(KeyError, match=r"did you mean board\.missing"):
        lookup("board.mising")


@pytest.mark.parametrize(
    ("selector", "expected"),
    [("board.missing", {"board.missing"}), ("text.title_too_long", {"text.title_too_long"})],
)
def test_matching_an_exact_code(selector: str, expected: set[str]) -> None:
    assert {code.id for code in matching(selector)} == expected


def test_matching_a_category_selects_all_of_it_and_nothing_else() -> None:
    selected = {code.id for code in matching("board")}
    assert selected == {code.id for code in CATALOGUE.values() if code.category == "board"}
    assert {"board.missing", "board.invalid_id", "board.not_found"} <= selected
    assert {code.id for code in matching("board.")} == selected
    assert matching("nothing") == []
