"""Rows of a spreadsheet of your own, read as API payloads through ``Settings.csv_columns``.

Teams plan pins in their own sheets (a "Board ID" column, a "Caption", an "Image" URL, a
"Go live" time) rather than in Pinterest's bulk-upload template. With the columns named in the
configuration, each row becomes the calendar entry it stands for, ``{"pin": {...},
"publish_at": ..., "video_url": ...}``, and goes through exactly what a JSON calendar entry
does: the payload is parsed and checked by the API's rules (not the bulk tool's), ``publish_at``
is ISO 8601, and a ``video_url`` may be a local file. A blank cell leaves its field out; the
media is an uploaded video when ``media_id`` is filled, else the image URL.
"""

from __future__ import annotations

from collections.abc import Sequence

from validator.findings import Location
from validator.sources.base import PinInput
from validator.sources.json_ import PIN_KEY, unwrap_entry

__all__ = ["column_positions", "mapped_row"]

_ENTRY_FIELDS = ("publish_at", "video_url")
_VIDEO_FIELDS = ("media_id", "cover_image_url", "cover_image_content_type")
_MEDIA_FIELDS = ("image_url", *_VIDEO_FIELDS)


def column_positions(
    header: Sequence[str], columns: Sequence[tuple[str, str]]
) -> tuple[dict[str, int], list[str]]:
    """Field → position of its column in ``header``; and the configured columns it lacks.

    Column names match as the bulk header's do: case and runs of spaces do not count.
    """
    where = {" ".join(cell.split()).casefold(): index for index, cell in enumerate(header)}
    positions: dict[str, int] = {}
    missing: list[str] = []
    for field, column in columns:
        index = where.get(" ".join(column.split()).casefold())
        if index is None:
            missing.append(column)
        else:
            positions[field] = index
    return positions, missing


def mapped_row(
    cells: Sequence[str], positions: dict[str, int], location: Location, origin: str | None
) -> PinInput:
    """The pin a row stands for, as a calendar entry would give it."""
    values = {field: cells[index].strip() for field, index in positions.items()}
    values = {field: value for field, value in values.items() if value}
    pin: dict[str, object] = {
        field: value
        for field, value in values.items()
        if field not in _MEDIA_FIELDS and field not in _ENTRY_FIELDS
    }
    if "media_id" in values:
        source = {"source_type": "video_id"}
        source.update({field: values[field] for field in _VIDEO_FIELDS if field in values})
        pin["media_source"] = source
    elif "image_url" in values:
        pin["media_source"] = {"source_type": "image_url", "url": values["image_url"]}
    entry: dict[str, object] = {PIN_KEY: pin}
    entry.update({field: values[field] for field in _ENTRY_FIELDS if field in values})
    return unwrap_entry(entry, location, origin)
