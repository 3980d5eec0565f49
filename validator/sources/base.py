"""The unit every source yields: one pin's payload and where it came from."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from validator.findings import Finding, Location
from validator.slots import Slot

__all__ = ["PinInput"]


class PinInput(NamedTuple):
    """One pin as read from its source, before parsing.

    ``payload`` is whatever the source holds (a dict, a JSON text, a ``PinCreate``); parsing
    decides what it is worth. ``row`` says it came from a file, so that a payload which is no pin
    at all is reported as a broken row of that file. ``problem`` is set instead of a payload when
    the source could not even cut the pin out (a CSV row with the wrong number of columns).
    A named tuple, as one is made for every pin read.

    Calendars add what an API payload cannot say: ``publish_at``; ``extra``, findings the source
    decided itself (a publish date in the past, a link used twice in the file); ``slots``, media
    to check beside the payload's (a video file before its upload). A ``prechecked`` row is not
    an API payload at all (a row of Pinterest's bulk-upload CSV): the source checked its columns,
    and ``extra`` and ``slots`` are its whole offline verdict.
    """

    location: Location
    payload: object
    row: bool = False
    problem: Finding | None = None
    publish_at: datetime | None = None
    """When the pin is scheduled to go out (calendars say): signed URLs must outlive it."""
    extra: tuple[Finding, ...] = ()
    slots: tuple[Slot, ...] = ()
    prechecked: bool = False
    title: str | None = None
    """The row's title for display, when ``prechecked`` (parsing finds it otherwise)."""
    board_name: str | None = None
    """The board a ``prechecked`` row names (the bulk CSV names boards, the API takes ids):
    kept for the account checks, which look it up among the account's boards."""
