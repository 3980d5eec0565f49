"""Rows of a spreadsheet of your own, read as API payloads through ``Settings.csv_columns``.

Teams plan pins in their own sheets (a "Board ID" column, a "Caption", an "Image" URL, a
"Go live" time) rather than in Pinterest's bulk-upload template. With the columns named in the
configuration, each row becomes the calendar entry it stands for, ``{"pin": {...},
"publish_at": ..., "video_url": ...}``, and goes through exactly what a JSON calendar entry
does: the payload is parsed and checked by the API's rules (not the bulk tool's), ``publish_at``
is ISO 8601, and a ``video_url`` may be a local file. A blank cell leaves its field out; the
media is an uploaded video when ``media_id`` is filled, else the image URL; a row that fills
both kinds (or a cover without a video) says so.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from typing import NamedTuple

from validator.codes.calendar import (
    CALENDAR_FORMULA_CELL,
    CALENDAR_ID_ROUNDED,
    CALENDAR_ROW_MALFORMED,
)
from validator.codes.media import MEDIA_MISSING
from validator.codes.video import VIDEO_COVER_IMAGE_URL_MISSING
from validator.envelopes import PIN_KEY
from validator.findings import Finding, Location
from validator.messages import folded, quote
from validator.sources.base import PinInput, error_cell
from validator.sources.json_ import unwrap_entry
from validator.urls import is_formula

__all__ = [
    "Sheet",
    "column_positions",
    "mapped_cells",
    "mapped_row",
    "said_of_columns",
    "sheet_of",
]

_ENTRY_FIELDS = ("publish_at", "video_url")
_VIDEO_FIELDS = ("media_id", "cover_image_url", "cover_image_content_type")
_MEDIA_FIELDS = ("image_url", *_VIDEO_FIELDS)
# The cells that say which kind of pin a row is: a video's id, or an image's URL.
_KINDS = frozenset({"media_id", "image_url"})
# Where a media column's value goes in the payload (the others keep their names).
_PATHS = {"image_url": "media_source.url", **{f: f"media_source.{f}" for f in _VIDEO_FIELDS}}


def column_positions(
    header: Sequence[str], columns: Sequence[tuple[str, str]]
) -> tuple[dict[str, int], list[str], list[str]]:
    """Where each field's column is in ``header``, and which configured columns it lacks or repeats.

    Field → position; then the columns missing, and those the header has more than once (which
    one holds the value cannot be told). Names match as the bulk header's do: case and runs of
    spaces do not count.
    """
    where: dict[str, list[int]] = {}
    for index, cell in enumerate(header):
        where.setdefault(folded(cell), []).append(index)
    positions: dict[str, int] = {}
    missing: list[str] = []
    repeated: list[str] = []
    for field, column in columns:
        found = where.get(folded(column), [])
        if not found:
            missing.append(column)
        elif len(found) > 1:
            repeated.append(column)
        else:
            positions[field] = found[0]
    return positions, missing, repeated


def mapped_cells(cells: Sequence[str], positions: dict[str, int]) -> list[str]:
    """The cells of a row that the mapping reads: the others (notes, helpers) never count."""
    return [cells[index] for index in positions.values()]


class Sheet(NamedTuple):
    """How a file's header names the fields it maps: made once per file, used by every row."""

    columns: tuple[tuple[str, str], ...]
    """Each field's path in the payload and its column as the header writes it
    (``PinInput.columns``: the row's findings are said of these)."""
    order: tuple[tuple[str, str, str], ...]
    """Field, path and column, left to right as the file has them: cells are told so."""


def sheet_of(positions: dict[str, int], header: Sequence[str]) -> Sheet:
    """The ``Sheet`` of a header whose mapped fields are at ``positions``."""
    ordered = sorted(positions.items(), key=lambda pair: pair[1])
    order = tuple((field, _PATHS.get(field, field), header[at].strip()) for field, at in ordered)
    return Sheet(tuple((path, column) for _, path, column in order), order)


def mapped_row(
    cells: Sequence[str],
    positions: dict[str, int],
    sheet: Sheet,
    location: Location,
    origin: str | None,
) -> PinInput:
    """The pin a row stands for, as a calendar entry would give it.

    What the row's cells hold as cells (a formula, an error value) is said of the column the
    file names (``sheet``), with the field it fills. A cell holding an error value is that
    alone: its schedule or video file is not read, and what its payload field gets otherwise
    is not reported (the engine leaves it out).
    """
    values = {field: cells[index].strip() for field, index in positions.items()}
    values = {field: value for field, value in values.items() if value}
    extra: list[Finding] = []
    erred: list[str] = []
    for field, path, column in sheet.order:
        value = values.get(field)
        if value is None:
            continue
        error = error_cell(value, path, column)
        if error is not None:
            extra.append(error)
            erred.append(field)
        elif field in _TEXT_FIELDS and is_formula(value):
            extra.append(_formula(field, quote(column), value))
        elif field in _ID_FIELDS and _rounded(value):
            message = (
                f"the {quote(column)} cell holds {value}, zeros past its 15th digit: as a "
                "spreadsheet saves an id it kept as a number, its last digits lost"
            )
            hint = f"Format the column as text, then enter the id again: {_ID_SOURCES[field]}."
            extra.append(CALENDAR_ID_ROUNDED.finding(path, message, hint))
    pin: dict[str, object] = {
        field: value
        for field, value in values.items()
        if field not in _MEDIA_FIELDS and field not in _ENTRY_FIELDS
    }
    # Which pin the row is, told by its cells that hold a value: an error value (a lookup that
    # failed) says nothing of it, unless nothing else does. The others are left out: said.
    filled = values.keys() - erred
    kind = (filled & _KINDS) or (values.keys() & _KINDS)
    left_out: list[str] = []
    if "media_id" in kind:
        source = {"source_type": "video_id"}
        source.update({field: values[field] for field in _VIDEO_FIELDS if field in values})
        pin["media_source"] = source
        left_out = [field for field in ("image_url",) if field in filled]
    elif "image_url" in kind:
        pin["media_source"] = {"source_type": "image_url", "url": values["image_url"]}
        left_out = [field for field in _VIDEO_FIELDS if field in filled]
    entry: dict[str, object] = {PIN_KEY: pin}
    entry.update(
        {field: values[field] for field in _ENTRY_FIELDS if field in values and field not in erred}
    )
    found = unwrap_entry(entry, location, origin)
    if left_out:
        extra.append(_both_media(left_out, "media_id" in values, dict(sheet.columns)))
    return found._replace(extra=(*found.extra, *extra), columns=sheet.columns)


def _rounded(value: str) -> bool:
    """Whether an id has only zeros past a spreadsheet's 15 significant digits, 3 at least.

    Fewer would flag too many real ids: one in ten ends in a zero.
    """
    return len(value) >= _ROUNDED_LENGTH and value.isdigit() and not value[15:].strip("0")


# Where each id comes from, for the hint.
_ID_SOURCES = {
    "board_id": "GET /v5/boards lists your boards' ids",
    "board_section_id": "GET /v5/boards/{board_id}/sections lists a board's sections",
    "media_id": "the media_id POST /v5/media answered for the upload",
}
_ID_FIELDS = frozenset(_ID_SOURCES)
_ROUNDED_LENGTH = 18  # 15 digits kept, then 3 zeros: a real id ends so once in a thousand

# Free text, which no other rule reads for a formula: a URL's, an id's and a date's findings
# already say when their cell holds one.
_TEXT_FIELDS = ("title", "description", "alt_text")


def _formula(field: str, column: str, value: str) -> Finding:
    """``calendar.formula_cell`` for a text cell exported as its formula, as in a bulk CSV."""
    message = f"the {column} cell ({field}) holds a spreadsheet formula: {quote(value)}"
    return CALENDAR_FORMULA_CELL.finding(field, message)


def _both_media(left_out: list[str], video: bool, columns: dict[str, str]) -> Finding:
    """The row fills media cells of two kinds of pin: which one it is cannot be told.

    ``columns``: each field's path and its column, which the message names (with the field).
    """

    def cell(field: str) -> str:
        return f"{quote(columns[_PATHS[field]])} ({field.replace('_', '-')})"

    names = " and ".join(map(cell, left_out))
    media_id = cell("media_id") if _PATHS["media_id"] in columns else "media-id"
    if video:
        message = f"the row fills both {media_id} and {names}: a pin has one media"
        hint = f"Empty the {names} cell of a video pin, or the {media_id} cell of an image pin."
        taken = "the video was checked, not the image"
    else:
        message = f"the row fills {names} without {media_id}: a cover belongs to a video pin"
        hint = f"Fill {media_id} with the uploaded video's id, or empty an image pin's cover cells."
        taken = "the image was checked, not the cover"
    return CALENDAR_ROW_MALFORMED.finding(None, f"{message}; {taken}", hint)


def said_of_columns(
    findings: Sequence[Finding], columns: tuple[tuple[str, str], ...]
) -> list[Finding]:
    """A row's findings in the words of the sheet the user edits (``Sheet.columns``).

    "board_id" is "Board ID" there. A finding on a field read from a column names it after its
    message (not twice: a cell's own finding, a formula or an error value, names it already),
    and a hint's API field names become their columns: "point cover_image_url at the file" is
    "point the "Cover" column at the file". A row without media is told which cells to fill.
    """
    by_name = {path.rpartition(".")[2]: column for path, column in columns}
    said = []
    for finding in findings:
        field = finding.field
        column = next((name for path, name in columns if field == path), None) if field else None
        message = finding.message
        if column is not None and (shown := quote(column)) not in message:
            message = f"{message} (column {shown})"
        if finding.code == MEDIA_MISSING.id and (fill := _media_to_fill(by_name)):
            hint = fill
        elif finding.code == VIDEO_COVER_IMAGE_URL_MISSING.id:
            hint = _cover_to_fill(by_name)  # a sheet has no key frame to give instead
        else:
            hint = _API_NAME.sub(lambda match: _column_words(match, by_name), finding.hint)
        if message != finding.message or hint != finding.hint:
            finding = dataclasses.replace(finding, message=message, hint=hint)
        said.append(finding)
    return said


# A payload field's API name in a hint: written with an underscore, which no word of prose has
# ("title" and "link" are words), and not in a JSON example ({"media_id": ...}) or an endpoint's
# path (GET /v5/media/{media_id}), which stay the API's. A field to add is a cell to fill, and
# one to leave out a cell to leave empty.
_API_NAME = re.compile(
    r'(?P<add>\b[Aa]dd )?(?<![\w"{])(?P<name>[a-z]+(?:_[a-z]+)+)(?![\w"}])(?P<out> out\b)?'
)

_DETERMINERS = ("the ", "its ", "a ", "an ", "that ", "this ", "your ", "their ")


def _column_words(match: re.Match[str], by_name: dict[str, str]) -> str:
    column = by_name.get(match["name"])
    before = match.string[: match.start()]
    # A field the sheet has no column for keeps the API's name, and so does one a hint speaks
    # of as the API's thing ("send its media_id", "use the media_id it returns").
    if column is None or before.endswith(_DETERMINERS):
        return match[0]
    sentence_start = not before or before.endswith(". ")
    words = f"the {quote(column)} column"
    if match["add"]:
        words = f"{'Fill' if match['add'][0] == 'A' else 'fill'} in {words}"
    elif sentence_start:
        words = f"T{words[1:]}"
    return f"{words} empty" if match["out"] else words


def _media_to_fill(by_name: dict[str, str]) -> str | None:
    """Which cells make a row's pin: the image URL's, or the uploaded video's id."""
    image, video = by_name.get("url"), by_name.get("media_id")
    if image and video:
        return (
            f"Fill in the {quote(image)} column for an image pin, or {quote(video)} for an "
            "uploaded video."
        )
    if image or video:
        return f"Fill in the {quote(image or video)} column."
    return None


def _cover_to_fill(by_name: dict[str, str]) -> str:
    """Which cells give a video row its cover: a sheet has no key-frame time to give instead."""
    cover, kind = by_name.get("cover_image_url"), by_name.get("cover_image_content_type")
    image = "a public JPEG or PNG, ideally with the video's aspect ratio"
    if cover and kind:
        return (
            f"Fill in the {quote(cover)} column ({image}) and the {quote(kind)} column "
            "(image/jpeg or image/png)."
        )
    if cover:
        return (
            f"Fill in the {quote(cover)} column ({image}), and name the column of its content "
            "type (cover-image-content-type) in [tool.pin-preflight.csv-columns]."
        )
    if kind:
        return (
            "Name the column of a video's cover image URL (cover-image-url) in "
            f"[tool.pin-preflight.csv-columns], and fill it in with the {quote(kind)} column: a "
            "video pin needs a cover."
        )
    return (
        "Name the columns of a video's cover (cover-image-url and cover-image-content-type) in "
        "[tool.pin-preflight.csv-columns], and fill them in: a video pin needs a cover."
    )
