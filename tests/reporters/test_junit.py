"""JUnit XML: parsed back with ElementTree, its counts and attributes checked against the pins.

``assert_common_junit_shape`` encodes what the common JUnit schema (Jenkins' ``junit-10.xsd``,
which pytest's ``xunit2`` also follows) allows, since no XSD validator is a test dependency: the
elements and attributes it knows, the required ones, and counts that agree with the test cases.
"""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET
from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import FIXTURES

from validator import sources, validate_many
from validator.codes.examples import BOARD_ID, IMAGE_URL
from validator.engine import Engine
from validator.findings import Location
from validator.messages import quote
from validator.report import Report, Summary
from validator.reporters import Unreadable, junit
from validator.reporters.junit import SUITES_NAME, UNREADABLE_CASE, pieces, render
from validator.settings import Settings

MIXED = str(FIXTURES / "payloads" / "mixed.json")
CALENDAR = str(FIXTURES / "payloads" / "calendar.jsonl")
GOOD = {"board_id": BOARD_ID, "media_source": {"source_type": "image_url", "url": IMAGE_URL}}

_ATTRIBUTES = {
    "testsuites": ({"name", "time", "tests", "failures", "disabled", "errors"}, set()),
    "testsuite": (
        {
            "name",
            "tests",
            "failures",
            "errors",
            "group",
            "time",
            "disabled",
            "skipped",
            "timestamp",
            "hostname",
            "id",
            "package",
            "file",
            "log",
            "url",
            "version",
        },
        {"name", "tests"},
    ),
    "testcase": ({"name", "assertions", "time", "classname", "status"}, {"name"}),
    "failure": ({"message", "type"}, set()),
    "error": ({"message", "type"}, set()),
}
_CHILDREN = {
    "testsuites": {"testsuite"},
    "testsuite": {"properties", "testcase", "system-out", "system-err"},
    "testcase": {"skipped", "error", "failure", "system-out", "system-err"},
    "failure": set(),
    "error": set(),
    "system-out": set(),
}


def checked(*paths: str) -> list[Report]:
    engine = Engine(Settings(offline=True))
    return [report for path in paths for report in engine.check_all(sources.load(path))]


def parse(reports: Sequence[Report], unreadable: Sequence[Unreadable] = ()) -> ET.Element:
    document = render(reports, Summary.of(reports), unreadable)
    assert document.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return ET.fromstring(document.encode("utf-8"))  # noqa: S314 - our own output


def assert_common_junit_shape(root: ET.Element) -> None:
    assert root.tag == "testsuites"
    for element in root.iter():
        allowed, required = _ATTRIBUTES.get(element.tag, (set(), set()))
        assert set(element.attrib) <= allowed, (element.tag, element.attrib)
        assert required <= set(element.attrib), (element.tag, element.attrib)
        assert {child.tag for child in element} <= _CHILDREN[element.tag], element.tag
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for suite in root.findall("testsuite"):
        cases = suite.findall("testcase")
        counted = {
            "tests": len(cases),
            "failures": sum(1 for case in cases if case.find("failure") is not None),
            "errors": sum(1 for case in cases if case.find("error") is not None),
            "skipped": sum(1 for case in cases if case.find("skipped") is not None),
        }
        assert {key: int(suite.attrib[key]) for key in counted} == counted, suite.attrib["name"]
        for key in totals:
            totals[key] += counted[key]
    assert {key: int(root.attrib[key]) for key in totals} == totals


def test_one_suite_per_file_one_case_per_pin_with_consistent_counts() -> None:
    reports = checked(MIXED, CALENDAR)
    root = parse(reports)
    assert_common_junit_shape(root)
    assert root.attrib["name"] == SUITES_NAME
    suites = root.findall("testsuite")
    assert [suite.attrib["name"] for suite in suites] == [MIXED, CALENDAR]
    summary = Summary.of(reports)
    assert int(root.attrib["tests"]) == summary.pins == 13
    assert int(root.attrib["failures"]) == summary.failed == 8
    assert root.attrib["errors"] == "0"
    cases = root.findall("testsuite/testcase")
    assert [case.attrib["classname"] for case in cases] == [r.location.source for r in reports]


def test_case_name_is_location_and_title() -> None:
    root = parse(checked(MIXED))
    names = [case.attrib["name"] for case in root.iter("testcase")]
    assert f'{MIXED}:20 "Peach galette"' in names
    assert names[0].startswith(f"{MIXED}:2 ")


def test_failure_carries_the_first_error_and_every_finding_with_hints() -> None:
    reports = checked(MIXED)
    galette = next(r for r in reports if r.title == "Peach galette")
    case = parse([galette]).find("testsuite/testcase")
    assert case is not None
    failure = case.find("failure")
    assert failure is not None
    first = galette.errors[0]
    assert failure.attrib["message"] == f"{first.code}: {first.message}"
    assert failure.attrib["type"] == first.code
    assert failure.text is not None
    for finding in galette.findings:
        assert f"{finding.code} ({finding.field}): {finding.message}" in failure.text
        assert f"{finding.action.label}: {finding.hint}" in failure.text
    assert case.find("system-out") is None  # no warnings


def test_warnings_go_to_system_out_and_do_not_fail_the_case() -> None:
    reports = validate_many([{**GOOD, "dominant_color": "sand"}], offline=True)
    root = parse(reports)
    assert_common_junit_shape(root)
    case = root.find("testsuite/testcase")
    assert case is not None
    assert case.find("failure") is None
    out = case.find("system-out")
    assert out is not None
    assert out.text is not None
    assert out.text.startswith("warning pin.dominant_color_invalid (dominant_color): ")
    assert root.attrib["failures"] == "0"


def test_passing_pin_is_an_empty_case() -> None:
    case = parse(validate_many([GOOD], offline=True)).find("testsuite/testcase")
    assert case is not None
    assert list(case) == []


def test_unreadable_files_are_errors_in_their_own_suite() -> None:
    reports = checked(CALENDAR)
    problems = [Unreadable("missing.json", "missing.json: no such file")]
    root = parse(reports, problems)
    assert_common_junit_shape(root)
    assert root.attrib["errors"] == "1"
    assert int(root.attrib["tests"]) == len(reports) + 1
    suite = root.findall("testsuite")[-1]
    assert suite.attrib["name"] == "missing.json"
    case = suite.find("testcase")
    assert case is not None
    assert case.attrib["name"] == UNREADABLE_CASE
    error = case.find("error")
    assert error is not None
    assert error.attrib["message"] == "missing.json: no such file"


def test_a_file_broken_halfway_keeps_its_pins_in_the_same_suite() -> None:
    reports = validate_many([GOOD, GOOD], offline=True)
    root = parse(reports, [Unreadable("<input>", "<input>:9:1: expected ',' or ']' after a pin")])
    assert_common_junit_shape(root)
    (suite,) = root.findall("testsuite")
    assert (suite.attrib["tests"], suite.attrib["errors"]) == ("3", "1")


def test_the_document_is_the_whole_tree_indented_as_elementtree_indents_it() -> None:
    # Each test case is made and written on its own (the whole tree of 100,000 pins held
    # 170 MB); the text is still what ElementTree writes for the whole tree.
    reports = checked(MIXED, CALENDAR)
    unreadable = [Unreadable(CALENDAR, f'{CALENDAR}:9: a <broken> & "quoted" line')]
    for document in (
        render(reports, Summary.of(reports), unreadable, [MIXED, "empty.json", CALENDAR]),
        render([], Summary.of([])),
    ):
        root = ET.fromstring(document.encode("utf-8"))  # noqa: S314 - our own output
        ET.indent(root)
        declaration = '<?xml version="1.0" encoding="UTF-8"?>\n'
        assert document == declaration + ET.tostring(root, "unicode") + "\n"


def test_each_case_is_made_as_it_is_written(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[Report] = []
    make = junit._case

    def case(report: Report) -> ET.Element:
        made.append(report)
        return make(report)

    monkeypatch.setattr(junit, "_case", case)
    reports = checked(MIXED)
    written = pieces(reports, Summary.of(reports), (), [MIXED])
    assert "<testcase" in "".join(next(written) for _ in range(4))
    assert len(made) == 1
    assert "".join(written).count("<testcase") == len(reports) - 1


def test_no_pins_is_an_empty_but_valid_document() -> None:
    root = parse([])
    assert_common_junit_shape(root)
    assert root.attrib["tests"] == "0"
    assert root.findall("testsuite") == []


@given(
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=["Cc", "Cs", "Cn"])
        | st.sampled_from("<>&\"'\t\n"),
        max_size=40,
    )
)
def test_markup_in_a_title_is_escaped_and_read_back_unchanged(title: str) -> None:
    reports = validate_many([{**GOOD, "title": title, "board_id": "Beach"}], offline=True)
    case = parse(reports).find("testsuite/testcase")
    assert case is not None
    expected = str(reports[0].location)
    if reports[0].title:
        expected += f" {quote(reports[0].title, 50)}"
    assert case.attrib["name"] == expected


@given(st.text(max_size=40))
def test_any_title_gives_a_parseable_document(title: str) -> None:
    """What XML cannot hold at all (control characters, lone surrogates) becomes U+FFFD."""
    reports = validate_many([{**GOOD, "title": title, "board_id": "Beach"}], offline=True)
    case = parse(reports).find("testsuite/testcase")  # parse() raises on unparseable output
    assert case is not None
    failure = case.find("failure")
    assert failure is not None
    assert failure.attrib["type"] == "board.invalid_id"


def test_titles_are_escaped_and_what_xml_cannot_hold_is_replaced() -> None:
    reports = validate_many([{"title": "bell\x07 and \ud800", "board_id": "B"}], offline=True)
    case = parse(reports).find("testsuite/testcase")
    assert case is not None
    assert case.attrib["name"] == '<input>[0] "bell\\x07 and \\ud800"'  # quote() escapes them
    odd = [dataclasses.replace(reports[0], location=Location("cal\x07endar.json", 0, 1))]
    case = parse(odd).find("testsuite/testcase")
    assert case is not None
    assert case.attrib["name"].startswith("cal\ufffdendar.json:1 ")
