r"""JUnit XML: the test-report format every CI system can show, one test case per pin.

The document follows the common (Jenkins ``junit-10.xsd`` / pytest ``xunit2``) shape, so GitLab,
Jenkins, Azure DevOps and the JUnit viewers of GitHub Actions all read it:

- ``<testsuites name="pin-preflight">`` with the run's ``tests``, ``failures`` and ``errors``
  (the schema has no ``skipped`` there), then one ``<testsuite name=FILE>`` per input file, in
  the order given (a file of no pins too, with ``tests="0"``), with ``tests``, ``failures``,
  ``errors`` and ``skipped`` (always 0: every pin is checked);
- one ``<testcase name="LOCATION "TITLE"" classname=FILE>`` per pin;
- a failed pin has one ``<failure>``: its ``message`` is the first error (code and message, what
  a CI list view shows), its ``type`` that error's code, its text every finding with its remedy;
- warnings go to the test case's ``<system-out>``, one finding per block, for passing pins as well
  as failing ones. Not properties: test-case properties are not in the common schema and most
  viewers drop them, while every viewer shows ``system-out`` next to the test case.
- a file that could not be read (wholly or from some line on) is a test case with an ``<error>``,
  so that the CI shows it even though the run's exit status (2) already fails the job.

No ``file``/``line`` attributes (they are not in the xunit2 schema) and no ``time`` (pins are
checked concurrently, a time per pin would be made up); the location is in the test case's name.
The tree is built with ``xml.etree.ElementTree``, which escapes markup; characters that XML 1.0
cannot hold at all (control characters, lone surrogates from a JSON ``\ud800`` escape) are replaced
with U+FFFD, since no escape can carry them.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain

from validator.findings import Finding
from validator.messages import quote
from validator.report import Report, Summary
from validator.reporters import Unreadable

__all__ = ["SUITES_NAME", "UNREADABLE_CASE", "finding_text", "pieces", "render"]

#: The ``name`` of the root ``<testsuites>`` element.
SUITES_NAME = "pin-preflight"
#: The name of the test case that stands for a file that could not be read.
UNREADABLE_CASE = "(file could not be read)"

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render(
    reports: Iterable[Report],
    summary: Summary,
    unreadable: Sequence[Unreadable] = (),
    files: Sequence[str] = (),
) -> str:
    """The whole run as one JUnit XML document (UTF-8 text with its declaration, newline-ended)."""
    return "".join(pieces(reports, summary, unreadable, files))


def pieces(
    reports: Iterable[Report],
    summary: Summary,
    unreadable: Sequence[Unreadable] = (),
    files: Sequence[str] = (),
) -> Iterator[str]:
    """The document ``render`` gives, one test case at a time, for the output to write as it goes.

    The text is what ``ElementTree`` writes for the whole tree, indented, but each test case is
    built when it is written: the whole tree of a 100,000-pin run held 170 MB. ``files``: the
    sources given, as reports name them, in order: each gets its suite even when it holds no
    pin (a calendar emptied by mistake shows as a suite of 0 tests, not as nothing).
    """
    by_source: dict[str, list[Report]] = {source: [] for source in files}
    # source -> [tests, failures, errors]
    counts: dict[str, list[int]] = {source: [0, 0, 0] for source in files}
    for report in reports:
        source = report.location.source
        by_source.setdefault(source, []).append(report)
        tally = counts.setdefault(source, [0, 0, 0])
        tally[0] += 1
        tally[1] += not report.ok
    problems: dict[str, list[Unreadable]] = {}
    for problem in unreadable:
        by_source.setdefault(problem.source, [])
        problems.setdefault(problem.source, []).append(problem)
        tally = counts.setdefault(problem.source, [0, 0, 0])
        tally[0] += 1
        tally[2] += 1
    root = ET.Element(
        "testsuites",
        name=SUITES_NAME,
        tests=str(summary.pins + len(unreadable)),
        failures=str(summary.failed),
        errors=str(len(unreadable)),
    )
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    if not by_source:
        yield ET.tostring(root, "unicode") + "\n"
        return
    yield _start_tag(root)
    for source, cases in by_source.items():
        tests, failures, errors = counts[source]
        suite = ET.Element(
            "testsuite",
            name=_clean(source),
            tests=str(tests),
            failures=str(failures),
            errors=str(errors),
            skipped="0",
        )
        if not tests:
            yield "\n  " + ET.tostring(suite, "unicode")
            continue
        yield "\n  " + _start_tag(suite)
        for case in chain(map(_case, cases), map(_unreadable_case, problems.get(source, ()))):
            ET.indent(case, level=2)
            yield "\n    " + ET.tostring(case, "unicode")
        yield "\n  </testsuite>"
    yield "\n</testsuites>\n"


def _start_tag(element: ET.Element) -> str:
    """``element``'s start tag, its attributes escaped as ``ElementTree`` escapes them."""
    return ET.tostring(element, "unicode").removesuffix(" />") + ">"


def finding_text(finding: Finding) -> str:
    """One finding as two plain lines: what is wrong, and what to do about it."""
    field = f" ({finding.field})" if finding.field else ""
    return (
        f"{finding.severity.value} {finding.code}{field}: {finding.message}\n"
        f"  {finding.action.label}: {finding.hint}"
    )


def _case(report: Report) -> ET.Element:
    name = str(report.location)
    if report.title:
        name += f" {quote(report.title, 50)}"
    case = ET.Element("testcase", name=_clean(name), classname=_clean(report.location.source))
    errors = report.errors
    if errors:
        first = errors[0]
        failure = ET.SubElement(
            case, "failure", message=_clean(f"{first.code}: {first.message}"), type=first.code
        )
        failure.text = _clean("\n".join(finding_text(f) for f in (*errors, *report.warnings)))
    if report.warnings:
        out = ET.SubElement(case, "system-out")
        out.text = _clean("\n".join(finding_text(f) for f in report.warnings))
    return case


def _unreadable_case(problem: Unreadable) -> ET.Element:
    case = ET.Element("testcase", name=UNREADABLE_CASE, classname=_clean(problem.source))
    message = _clean(problem.message)
    ET.SubElement(case, "error", message=message, type="unreadable").text = message
    return case


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)
