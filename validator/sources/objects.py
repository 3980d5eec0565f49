"""Pins handed over by Python callers: dicts, JSON texts or models."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from validator.findings import Location
from validator.sources.base import PinInput

__all__ = ["API_SOURCE", "from_objects"]

#: The ``source`` of pins given to the Python API.
API_SOURCE = "<input>"


def from_objects(pins: Iterable[object], source: str = API_SOURCE) -> Iterator[PinInput]:
    """One ``PinInput`` per object, located by its position."""
    for index, payload in enumerate(pins):
        yield PinInput(Location(source, index), payload)
