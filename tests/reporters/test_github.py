"""GitHub Actions workflow commands: one per finding, escaped as GitHub's toolkit escapes them.

``parse`` reads a command back the way the runner does (split the properties at ``,`` and ``=``,
the message after the second ``::``, then decode the ``%`` escapes), so the tests check what
GitHub would show, not the exact bytes.
"""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st
from support import FIXTURES

from validator import sources, validate_many
from validator.codes.examples import BOARD_ID, IMAGE_URL
from validator.engine import Engine
from validator.findings import Location
from validator.report import Report, Summary
from validator.reporters import Unreadable
from validator.reporters.github import (
    UNREADABLE_TITLE,
    command,
    escape_data,
    escape_property,
    render,
)
from validator.settings import Settings

MIXED = str(FIXTURES / "payloads" / "mixed.json")
GOOD = {"board_id": BOARD_ID, "media_source": {"source_type": "image_url", "url": IMAGE_URL}}
_COMMAND = re.compile(r"::(?P<name>[a-z]+)(?: (?P<props>[^:]*))?::(?P<message>.*)")


def unescape(text: str) -> str:
    for escaped, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(escaped, char)
    return text


def parse(line: str) -> tuple[str, dict[str, str], str]:
    found = _COMMAND.fullmatch(line)
    assert found is not None, line
    props = {}
    if found["props"]:
        for prop in found["props"].split(","):
            key, _, value = prop.partition("=")
            props[key] = unescape(value)
    return found["name"], props, unescape(found["message"])


def commands(document: str) -> list[tuple[str, dict[str, str], str]]:
    return [parse(line) for line in document.splitlines() if line.startswith("::")]


def test_every_finding_is_one_annotation_on_its_pins_line() -> None:
    reports = list(Engine(Settings(offline=True)).check_all(sources.load(MIXED)))
    document = render(reports, Summary.of(reports))
    found = commands(document)
    expected = [(r, f) for r in reports for f in r.findings]
    assert len(found) == len(expected) == 10
    for (name, props, message), (report, finding) in zip(found, expected, strict=True):
        assert name == finding.severity.value
        assert props == {"file": MIXED, "line": str(report.location.line), "title": finding.code}
        first, second = message.split("\n")
        field = f" ({finding.field})" if finding.field else ""
        assert first == f"{report.location}{field}: {finding.message}"
        assert second == f"{finding.action.label}: {finding.hint}"
    assert {name for name, _, _ in found} == {"error", "warning"}


def test_the_summary_follows_as_plain_lines() -> None:
    reports = validate_many([GOOD, {**GOOD, "board_id": "x"}], offline=True)
    lines = render(reports, Summary.of(reports)).splitlines()
    plain = [line for line in lines if not line.startswith("::")]
    assert plain[0] == "2 pins checked: 1 ok, 1 failed · 1 error, 0 warnings"
    assert lines[: len(lines) - len(plain)] == [line for line in lines if line.startswith("::")]


def test_more_annotations_than_github_shows_are_said_to_be_in_the_log() -> None:
    bad = validate_many([{**GOOD, "board_id": "x"}] * 11, offline=True)
    assert "annotations a step" not in render(bad[:10], Summary.of(bad[:10]))
    last = render(bad, Summary.of(bad)).splitlines()[-1]
    assert last == (
        "GitHub shows 10 error and 10 warning annotations a step: all 11 errors and 0 warnings "
        "are above."  # in the log, or in the file --output names
    )
    # An unreadable file is an error annotation too.
    unreadable = [Unreadable("gone.json", "gone.json: no such file")]
    last = render(bad[:10], Summary.of(bad[:10]), unreadable).splitlines()[-1]
    assert last.startswith("GitHub shows 10 error and 10 warning annotations a step: all 11 errors")


def test_one_physical_line_per_finding_even_with_newlines_in_values() -> None:
    report = Report(Location("a,b:c.json", 0, 3), validate_many([{}], offline=True)[0].findings)
    lines = render([report], Summary.of([report])).splitlines()
    annotations = [line for line in lines if line.startswith("::")]
    assert len(annotations) == len(report.findings)
    assert annotations[0].startswith("::error file=a%2Cb%3Ac.json,line=3,title=")


def test_stdin_and_api_inputs_have_no_file_and_no_line() -> None:
    report = Report(Location("<stdin>", 0, 4), validate_many([{}], offline=True)[0].findings)
    name, props, _ = commands(render([report], Summary.of([report])))[0]
    assert name == "error"
    assert set(props) == {"title"}


def test_a_pin_without_a_line_is_annotated_on_its_file() -> None:
    report = Report(Location("pins.json", 2), validate_many([{}], offline=True)[0].findings)
    _, props, message = commands(render([report], Summary.of([report])))[0]
    assert set(props) == {"file", "title"}
    assert message.startswith("pins.json[2] ")


def test_unreadable_file_is_an_error_on_the_line_its_message_names() -> None:
    problems = [
        Unreadable("broken.json", "broken.json:2:8: Expecting value"),
        Unreadable("gone.json", "gone.json: no such file"),
    ]
    found = commands(render([], Summary(), problems))
    assert found == [
        ("error", {"file": "broken.json", "line": "2", "title": UNREADABLE_TITLE},
         "broken.json:2:8: Expecting value"),
        ("error", {"file": "gone.json", "title": UNREADABLE_TITLE}, "gone.json: no such file"),
    ]  # fmt: skip


def test_a_file_name_with_an_escape_sequence_is_shown_escaped() -> None:
    # The pins' annotations were escaped, an unreadable file's message and property were not.
    name = "gone\x1b[31mred.json"
    document = render([], Summary(), [Unreadable(name, f"{name}: no such file")])
    assert "\x1b" not in document
    assert "gone\\x1b[31mred.json: no such file" in document


def test_a_file_name_holding_a_log_command_s_start_is_annotated_on_that_file() -> None:
    # The line is a command (it starts with "::"): "##[" in it is text, and the file property
    # must name the file; the text report escapes it (test_cli).
    report = Report(
        Location("g##[x/pins.json", 0, 2), validate_many([{}], offline=True)[0].findings
    )
    _, props, _ = commands(render([report], Summary.of([report])))[0]
    assert props["file"] == "g##[x/pins.json"


def test_escaping_follows_the_toolkit() -> None:
    assert escape_data("100% done\r\nnext: a, b") == "100%25 done%0D%0Anext: a, b"
    assert escape_property("100% done\r\nnext: a, b") == "100%25 done%0D%0Anext%3A a%2C b"
    assert command("warning", "m", file=None, line=None, title=None) == "::warning::m"
    assert command("error", "m", file=None, line=7, title="t") == "::error title=t::m"


@given(st.text(), st.text(), st.text())
def test_any_text_round_trips_through_a_command(message: str, file: str, title: str) -> None:
    line = command("error", message, file=file, line=12, title=title)
    assert "\n" not in line
    assert "\r" not in line
    assert parse(line) == ("error", {"file": file, "line": "12", "title": title}, message)
