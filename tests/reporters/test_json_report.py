"""The versioned JSON report is a contract: its shape is checked against the published schema."""

from __future__ import annotations

import json
from collections.abc import Iterator

import jsonschema
import pytest
from support import ROOT

from validator import validate_many
from validator.report import Report, Summary
from validator.reporters import Unreadable
from validator.reporters.json_ import SCHEMA_VERSION, pieces, render

SCHEMA = json.loads((ROOT / "docs" / "report-v1.schema.json").read_text(encoding="utf-8"))


def test_report_matches_the_schema_and_keeps_every_pin() -> None:
    reports = validate_many([{}, "nope", {"board_id": "1", "link": "x"}], offline=True)
    document = json.loads(render(reports, Summary.of(reports)))
    jsonschema.validate(document, SCHEMA)
    assert document["version"] == SCHEMA_VERSION == 1
    assert len(document["results"]) == 3
    assert document["summary"]["failed"] == 3
    finding = document["results"][0]["findings"][0]
    assert finding["retryable"] is False
    assert finding["category"] == finding["code"].split(".")[0]


def test_non_ascii_is_written_as_is() -> None:
    reports = validate_many([{"board_id": "Été"}], offline=True)
    text = render(reports, Summary.of(reports))
    assert "Été" in text
    assert "\\u00c9" not in text


def _document(reports: list[Report], unreadable: list[Unreadable]) -> dict[str, object]:
    document: dict[str, object] = {
        "version": SCHEMA_VERSION,
        "summary": Summary.of(reports).to_dict(),
        "results": [report.to_dict() for report in reports],
    }
    if unreadable:
        document["unreadable"] = [{"source": u.source, "message": u.message} for u in unreadable]
    return document


@pytest.mark.parametrize(
    ("payloads", "unreadable"),
    [
        ([], []),
        ([{}, "nope", {"board_id": "Été\u2028\x01", "link": "x"}], []),
        ([{"board_id": "1"}], [Unreadable("é.csv", 'é.csv:3: a "quoted" <cell>\n')]),
        ([], [Unreadable("a.json", "a.json: gone"), Unreadable("-", "stdin: closed")]),
    ],
)
def test_the_document_is_what_json_dumps_writes(
    payloads: list[object], unreadable: list[Unreadable]
) -> None:
    # Made a result at a time, the text is still the standard library's indented document.
    reports = validate_many(payloads, offline=True)
    expected = json.dumps(_document(reports, unreadable), indent=2, ensure_ascii=False) + "\n"
    assert render(reports, Summary.of(reports), unreadable) == expected


def test_each_result_is_written_as_it_comes() -> None:
    # The whole document as one dict, dumped at the end, took 210 MB for 100,000 pins.
    reports = validate_many([{}, {"board_id": "1"}, {}], offline=True)
    taken: list[Report] = []

    def one_by_one() -> Iterator[Report]:
        for report in reports:
            taken.append(report)
            yield report

    written = pieces(one_by_one(), Summary.of(reports))
    assert '"results": [' in next(written) + next(written)
    assert '"location"' in next(written)
    assert len(taken) == 1
