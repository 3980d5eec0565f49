"""The versioned JSON report: a contract for scripts and dashboards.

Version 1 is ``{"version": 1, "summary": {...}, "results": [{"source", "location", "ok",
"findings": [...]}]}``, documented in the README. Adding a field is a minor change; renaming or
removing one needs a new version number.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from validator.report import Report, Summary

__all__ = ["SCHEMA_VERSION", "render"]

SCHEMA_VERSION = 1


def render(reports: Iterable[Report], summary: Summary) -> str:
    """The whole report as a JSON document (UTF-8 text, one trailing newline)."""
    document = {
        "version": SCHEMA_VERSION,
        "summary": summary.to_dict(),
        "results": [report.to_dict() for report in reports],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
