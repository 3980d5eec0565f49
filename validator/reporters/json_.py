"""The versioned JSON report: a contract for scripts and dashboards.

Version 1 is ``{"version": 1, "summary": {...}, "results": [{"source", "location", "ok",
"findings": [...]}], "unreadable": [{"source", "message"}]}`` (``unreadable`` only when a file
could not be read), documented in the README. Adding a field is a minor change; renaming or
removing one needs a new version number.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from validator.report import Report, Summary
from validator.reporters import Unreadable

__all__ = ["SCHEMA_VERSION", "render"]

SCHEMA_VERSION = 1


def render(
    reports: Iterable[Report], summary: Summary, unreadable: Sequence[Unreadable] = ()
) -> str:
    """The whole report as a JSON document (UTF-8 text, one trailing newline).

    Files that could not be read are listed under ``unreadable`` (only when there are some): a
    script reading ``results`` alone would otherwise take a missing file for a clean one.
    """
    document: dict[str, object] = {
        "version": SCHEMA_VERSION,
        "summary": summary.to_dict(),
        "results": [report.to_dict() for report in reports],
    }
    if unreadable:
        document["unreadable"] = [{"source": u.source, "message": u.message} for u in unreadable]
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
