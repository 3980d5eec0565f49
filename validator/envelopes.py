"""Objects that are no pin but hold a list of pins: what Pinterest's list endpoints answer.

``{"items": [...], "bookmark": ...}`` (``GET /v5/pins``), or an export's envelope, maybe inside
another (``{"data": {"items": [...]}}``). Read as one pin, it was one result of findings about
its keys ("remove items"), and the pins inside were never checked. A document that is one such
object stops its file (``validator.sources.json_``); one among other pins (a JSON Lines row, a
value of several, an API caller's payload) is one malformed pin, told by ``validator.parse``.
"""

from __future__ import annotations

import json
import re
from typing import TypeGuard

from validator.messages import plural, quote
from validator.model import PinCreate

__all__ = [
    "API_KEYS",
    "PIN_KEY",
    "described",
    "is_calendar_entry",
    "jq_command",
    "jq_path",
    "pins_inside",
]

#: The fields of a pin payload: an object with any of them is a pin, however broken.
API_KEYS = frozenset(PinCreate.model_fields)
#: A calendar entry's key for its pin (beside ``publish_at`` and ``video_url``).
PIN_KEY = "pin"

# How many objects deep a list of pins is looked for, inside objects that are no pins.
_DEPTH = 3
_JQ_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def is_calendar_entry(value: object) -> TypeGuard[dict[str, object]]:
    """Whether ``value`` is a calendar's wrapped entry: a ``"pin"`` key and no pin field.

    A calendar's readers unwrap it (``sources.json_``); the Python API, which takes pins, names
    it (``parse``).
    """
    return isinstance(value, dict) and PIN_KEY in value and API_KEYS.isdisjoint(value)


def pins_inside(value: object) -> tuple[tuple[str, ...], int] | None:
    """The keys down to a list of pins inside ``value`` and its length, if ``value`` is no pin."""
    return _inside(value, (), _DEPTH)


def _inside(value: object, keys: tuple[str, ...], depth: int) -> tuple[tuple[str, ...], int] | None:
    if not isinstance(value, dict) or API_KEYS & value.keys() or PIN_KEY in value:
        return None
    for key, inside in value.items():
        if isinstance(inside, list) and any(
            isinstance(item, dict) and (API_KEYS & item.keys() or PIN_KEY in item)
            for item in inside
        ):
            return (*keys, key), len(inside)
        if depth > 1 and isinstance(inside, dict):
            found = _inside(inside, (*keys, key), depth - 1)
            if found is not None:
                return found
    return None


def described(keys: tuple[str, ...], count: int) -> str:
    """What the object is, in a message: "an object that holds 2 pins under "items", not a pin"."""
    return f"an object that holds {plural(count, 'pin')} under {quote('.'.join(keys))}, not a pin"


def jq_path(keys: tuple[str, ...]) -> str:
    """The jq filter that reads out the value under ``keys`` (``.data["my items"]``).

    jq takes ``.name`` for ASCII names alone; any other key is a quoted index, written without
    the leading dot after a name (jq 1.6 refuses ``.data.["my items"]``).
    """
    path = ""
    for key in keys:
        if _JQ_NAME.fullmatch(key):
            path += f".{key}"
        else:
            path += f"{'' if path else '.'}[{json.dumps(key)}]"
    return path


def jq_command(keys: tuple[str, ...], *, each: bool = False, in_array: bool = False) -> str:
    """The shell command that reads out the list under ``keys``: ``jq '.items'``.

    ``each``: its pins one a line instead (``jq -c '.items[]'``), for JSON Lines. ``in_array``:
    of each element of an array holding such objects (``jq -c '.[].items[]'``).
    """
    program = jq_path(keys) + ("[]" if each else "")
    if in_array:
        program = ".[]" + program.removeprefix(".") if program.startswith(".[") else f".[]{program}"
    quoted = program.replace("'", "'\\''")  # inside the shell's single quotes
    return f"jq -c '{quoted}'" if each else f"jq '{quoted}'"
