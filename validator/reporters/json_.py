"""The versioned JSON report: a contract for scripts and dashboards.

Version 1 is ``{"version": 1, "summary": {...}, "results": [{"source", "location", "ok",
"findings": [...]}], "unreadable": [{"source", "message"}]}`` (``unreadable`` only when a file
could not be read), documented in the README. Adding a field is a minor change; renaming or
removing one needs a new version number.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence

from validator.report import Report, Summary
from validator.reporters import Unreadable

__all__ = ["SCHEMA_VERSION", "pieces", "render"]

SCHEMA_VERSION = 1

# What json.dumps writes for one value that holds no container, by the C encoder.
_scalar = json.JSONEncoder(ensure_ascii=False).encode


def render(
    reports: Iterable[Report], summary: Summary, unreadable: Sequence[Unreadable] = ()
) -> str:
    """The whole report as one JSON document (UTF-8 text, one trailing newline)."""
    return "".join(pieces(reports, summary, unreadable))


def pieces(
    reports: Iterable[Report], summary: Summary, unreadable: Sequence[Unreadable] = ()
) -> Iterator[str]:
    """The document ``render`` gives, one result at a time, for the output to write as it goes.

    The text is what ``json.dumps(document, indent=2, ensure_ascii=False)`` writes, built a
    result at a time: the whole document as one dict, dumped by the standard library's Python
    encoder (it has no C one for indented output), took 210 MB and 1.3 s more for a 100,000-pin
    run.

    Files that could not be read are listed under ``unreadable`` (only when there are some): a
    script reading ``results`` alone would otherwise take a missing file for a clean one.
    """
    yield f'{{\n  "version": {SCHEMA_VERSION},\n  "summary": {_indented(summary.to_dict(), "  ")}'
    yield ',\n  "results": ['
    separator = "\n    "
    empty = True
    for report in reports:
        yield separator + _indented(report.to_dict(), "    ")
        separator, empty = ",\n    ", False
    yield "]" if empty else "\n  ]"
    if unreadable:
        listed = [{"source": u.source, "message": u.message} for u in unreadable]
        yield ',\n  "unreadable": ' + _indented(listed, "  ")
    yield "\n}\n"


def _indented(value: object, margin: str) -> str:
    """``value`` as ``json.dumps(value, indent=2)`` writes it, nested ``margin`` deep."""
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = margin + "  "
        members = f",\n{inner}".join(
            f"{_scalar(key)}: {_indented(item, inner)}" for key, item in value.items()
        )
        return f"{{\n{inner}{members}\n{margin}}}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        inner = margin + "  "
        items = f",\n{inner}".join(_indented(item, inner) for item in value)
        return f"[\n{inner}{items}\n{margin}]"
    return _scalar(value)
