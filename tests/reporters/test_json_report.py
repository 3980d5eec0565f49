"""The versioned JSON report is a contract: its shape is checked against the published schema."""

from __future__ import annotations

import json

import jsonschema
from support import ROOT

from validator import validate_many
from validator.report import Summary
from validator.reporters.json_ import SCHEMA_VERSION, render

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
