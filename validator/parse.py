"""Turn whatever the caller gave into a ``PinCreate``, and pydantic's complaints into findings.

``parse`` never raises for bad input. The valid case costs one pydantic validation (in Rust, a few
microseconds). When validation fails, each pydantic error becomes a finding with a catalogue code
and the path the user wrote (``error_findings.translate``). The offending values are then removed
from a copy of the payload, which is validated again, so that the rules still see everything
that *was* valid: a pin with a too-long title still gets its video cover checked.
``Parsed.covers`` tells the engine which fields are already reported, so a removed field is not
reported a second time as missing.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple, cast

from pydantic import ValidationError
from pydantic_core import ErrorDetails, PydanticSerializationError, SchemaValidator, from_json

from validator.clean import EITHER, CleanPin, pin_create_errors
from validator.codes import pin
from validator.codes.base import Code
from validator.envelopes import (
    API_KEYS,
    described,
    is_calendar_entry,
    jq_command,
    pins_inside,
)
from validator.error_findings import Path, field_path, raw_path, translate
from validator.findings import Finding
from validator.messages import json_error, json_type, quote, with_article
from validator.model import PinCreate

__all__ = [
    "NON_JSON_CONSTANT",
    "Parsed",
    "non_json_constant",
    "parse",
    "unsendable",
]

_PIN_CREATE = cast("SchemaValidator", PinCreate.__pydantic_validator__)  # as clean.EITHER
_MAX_PASSES = 3


class Parsed(NamedTuple):
    """The outcome of parsing one payload: the model (if any part was usable) and the findings.

    A named tuple, as one is made for every pin.
    """

    pin: PinCreate | None
    findings: tuple[Finding, ...] = ()
    reported: tuple[str, ...] = ()
    title: str | None = None
    """The pin's title as given, even when it was too long to keep in ``pin``: for display."""
    clean: bool = False
    """``pin`` is a ``CleanPin``: the offline rules would find nothing (``validator.clean``)."""

    def covers(self, field: str | None) -> bool:
        """Whether ``field`` (or a field containing it) was already reported while parsing."""
        return field is not None and _within(field, self.reported)


def parse(payload: object, *, malformed: Code = pin.PIN_MALFORMED, clean: bool = False) -> Parsed:
    """Parse a dict, a JSON text (str or bytes) or a ``PinCreate``; never raises.

    ``malformed`` is the code for a payload that is not a JSON object at all: ``pin.malformed``
    for API callers, ``calendar.row_malformed`` for rows of a file. With ``clean``, the first
    validation also tells whether the pin is clean (``Parsed.clean``), at no extra pass.
    """
    if isinstance(payload, PinCreate):  # validated again: model_construct() validates nothing
        payload = _as_serialized(payload)
    elif isinstance(payload, memoryview):
        payload = payload.tobytes()
    validator = EITHER if clean else _PIN_CREATE
    errors: list[ErrorDetails] | None = None
    if isinstance(payload, str | bytes | bytearray):
        if non_json_constant(payload):
            return Parsed(None, (malformed.finding(None, NON_JSON_CONSTANT),))
        try:
            model = validator.validate_json(payload)
            if model.model_extra and API_KEYS.isdisjoint(model.model_fields_set):  # no pin field
                return _envelope(model.model_extra, malformed) or Parsed(model, title=model.title)
            return Parsed(model, title=model.title, clean=type(model) is CleanPin)
        except ValidationError as exc:  # the first pass of the slow path, for free
            errors = _errors(exc, validator)
        try:
            raw: object = from_json(payload)  # valid JSON that is not a valid pin: the usual case
        except TypeError:  # text that no encoder would send: it holds a lone surrogate
            return Parsed(None, (malformed.finding(None, _not_unicode(payload)),))
        except ValueError:
            try:  # the standard library's message says where the text breaks, in its words
                raw = json.loads(payload)
            except json.JSONDecodeError as exc:
                where = f"{json_error(exc)} (line {exc.lineno}, column {exc.colno})"
                if malformed is not pin.PIN_MALFORMED and exc.lineno == 1:  # a row: its line
                    where = f"{json_error(exc)} (column {exc.colno})"  # is the location's
                message = f"the pin is not valid JSON: {where}"
                return Parsed(None, (malformed.finding(None, message),))
            except UnicodeDecodeError as exc:  # bytes in another encoding (Latin-1, say)
                if exc.encoding.lower().startswith("utf-8"):
                    problem = f"byte 0x{exc.object[exc.start]:02X} at offset {exc.start}"
                else:  # json's guess from a byte order mark or zero bytes: broken as that too
                    problem = (
                        f"its first bytes make it {exc.encoding.upper()}, which it is not "
                        "either (cut off or broken); send it as UTF-8"
                    )
                message = f"the pin is not UTF-8 text: {problem}"
                return Parsed(None, (malformed.finding(None, message),))
            except (ValueError, RecursionError):  # valid JSON that Python will not hold
                message = "the pin holds a number too long or values nested too deeply to read"
                return Parsed(None, (malformed.finding(None, message),))
            if isinstance(payload, bytes | bytearray):
                encoding = json.detect_encoding(payload)
                if encoding != "utf-8":  # json read it (UTF-16, a BOM): no server need
                    if encoding == "utf-8-sig":
                        problem = "starts with a byte order mark, which JSON sent between systems"
                        problem += " must not (RFC 8259 §8.1)"
                    else:
                        problem = f"is {encoding.upper()} text, not the UTF-8 that JSON sent "
                        problem += "between systems must be (RFC 8259 §8.1)"
                    message = f"the pin {problem}"
                    return Parsed(None, (malformed.finding(None, message, _AS_UTF8),))
            errors = None  # what pydantic could not read was not the pin's fault
    else:
        raw = payload
    if not isinstance(raw, Mapping):
        message = f"the pin is {json_type(raw)}, not a JSON object"
        hint = _LIST_ROW if isinstance(raw, list) and malformed is not pin.PIN_MALFORMED else None
        return Parsed(None, (malformed.finding(None, message, hint),))
    if (envelope := _envelope(raw, malformed)) is not None:
        return envelope
    if raw is payload and not isinstance(raw, dict):  # json.dumps writes dicts, no other mapping
        message = (
            f"the pin is {with_article(type(raw).__name__)}, which json.dumps cannot write, so it "
            "cannot be sent; send a dict (dict(pin))"
        )
        return Parsed(None, (malformed.finding(None, message),))
    mapping: Mapping[Any, Any] = raw
    if raw is payload and not _json_shaped(raw):  # a Python caller's: as json.dumps sends it
        try:
            mapping = _as_sent(dict(raw), {}, set())
        except _NotJSON as exc:
            return Parsed(None, (malformed.finding(None, str(exc)),))
        except RecursionError:  # past Python's depth: validation judges what it can read
            pass
    return _parse_mapping(_printable_tag(dict(mapping)), errors, validator)


_AS_UTF8 = 'Send the text encoded as UTF-8, without a byte order mark (text.encode("utf-8")).'


# A source_type of each JSON type but text, as pydantic can write it into its error (``str``).
_TAG_STAND_INS: dict[type, object] = {int: 0, float: 0.0, list: [], dict: {}}


def _printable_tag(raw: dict[str, Any]) -> dict[str, Any]:
    """``raw``, with a ``source_type`` that ``str`` cannot write replaced by a small stand-in.

    pydantic writes an unknown tag into its error with ``str``: an int of 5,000 digits (past
    Python's limit), or a list holding one, made it print "Exception ignored" twice; a list
    nested a thousand deep raised ``RecursionError`` and lost the whole batch. The
    finding names the tag's type (``error_findings``), which the stand-in keeps; a tag that can
    be written is kept, for the name it may wrap (``["image_url"]``).
    """
    source = raw.get("media_source")
    if type(source) is dict:
        tag = source.get("source_type")
        stand_in = _TAG_STAND_INS.get(type(tag))
        if stand_in is not None:
            try:
                str(tag)  # as pydantic will
            except (ValueError, RecursionError):  # a list nested past Python's depth, too
                raw["media_source"] = {**source, "source_type": stand_in}
    return raw


def _as_serialized(pin: PinCreate) -> dict[str, Any]:
    """A model as ``model_dump_json(exclude_unset=True)`` sends it: only the fields set.

    A ``datetime`` in an extra field is text, as in that JSON. What pydantic cannot write either
    (a caller's own object, in ``model_construct``) is kept as it is, for the dict's checks to
    name.
    """
    try:
        return pin.model_dump(exclude_unset=True, warnings=False, mode="json")
    except (PydanticSerializationError, ValueError):  # bytes not UTF-8, a dict inside itself
        return pin.model_dump(exclude_unset=True, warnings=False)


def _json_shaped(value: Any) -> bool:
    """Whether ``value`` holds only what JSON text gives: dicts, lists, str, int, finite floats.

    A Python caller's payload nearly always does (a few µs a pin); one that holds a tuple, a
    dict subclass, a NaN or a cycle is converted by ``_as_sent`` first, so that it gets the
    verdict its own ``json.dumps`` text gets.
    """
    try:
        return _shaped(value, set(), set())
    except RecursionError:  # past Python's depth (about 1,000 levels): as deep as json.dumps goes
        return True


def _shaped(value: Any, done: set[int], path: set[int]) -> bool:
    """``_json_shaped``, walking each container once (``done``), a cycle being one (``path``)."""
    kind = type(value)
    if kind is dict:
        items = value.values()
    elif kind is list:
        items = value
    elif kind is float:
        return math.isfinite(value)
    else:
        return kind is str or kind is int or kind is bool or value is None
    key = id(value)
    if key in done:
        return True
    if key in path:
        return False
    path.add(key)
    for item in items:
        leaf = type(item)
        if leaf is str or leaf is int or leaf is bool or item is None:  # most values: no call
            continue
        if not _shaped(item, done, path):
            return False
    path.discard(key)
    done.add(key)
    return True


def _as_sent(value: Any, made: dict[int, Any], path: set[int]) -> Any:
    """``value`` as ``json.dumps`` (httpx's ``json=``, requests') sends it.

    A tuple becomes an array, a dict subclass an object; what it cannot write raises
    ``_NotJSON``: a NaN or an infinity (httpx and requests refuse to send it), a cycle. Other
    mappings and types are left for validation to name: ``json.dumps`` cannot write them
    either. ``made`` holds what each container became: one shared by many places is converted
    once.
    """
    if not isinstance(value, dict | list | tuple):
        if isinstance(value, float) and not math.isfinite(value):
            raise _NotJSON(NOT_JSON_NUMBER)
        return value
    key = id(value)
    if key in made:
        return made[key]
    if key in path:
        raise _NotJSON(_CYCLE)
    path.add(key)
    sent: Any
    if isinstance(value, dict):  # loops, not comprehensions: one frame a level, not two
        sent = {}
        for name, item in value.items():
            sent[name] = _as_sent(item, made, path)
    else:
        sent = []
        for item in value:
            sent.append(_as_sent(item, made, path))
    path.discard(key)
    made[key] = sent
    return sent


def unsendable(value: Any) -> str | None:
    """What in ``value`` ``json.dumps`` cannot write (``"a value of type set"``), or ``None``.

    For a field Pinterest does not know: validation names a wrong type in a known field, but
    keeps an unknown one's value as it is, and a Python caller's ``set``, ``datetime`` or bytes
    there makes httpx's ``json=`` raise when the pin is sent. Walked as ``_shaped`` walks, each
    container once: ``json.dumps`` itself would take forever on a list shared at every level.
    """
    try:
        return _unsendable(value, set())
    except RecursionError:
        return "values nested too deeply"


def _unsendable(value: Any, done: set[int]) -> str | None:
    if value is None or isinstance(value, str | int | float):  # finite: NaN is malformed already
        return None
    keys: Iterable[Any] = ()
    items: Iterable[Any]
    if isinstance(value, dict):
        keys, items = value.keys(), value.values()
    elif isinstance(value, list | tuple):
        items = value
    else:
        return f"a value of type {type(value).__name__}"
    if id(value) in done:
        return None
    done.add(id(value))
    for name in keys:
        if name is not None and not isinstance(name, str | int | float):  # json.dumps' own rule
            return f"a key of type {type(name).__name__}"
    for item in items:
        found = _unsendable(item, done)
        if found is not None:
            return found
    return None


class _NotJSON(Exception):
    """A value ``json.dumps`` writes no JSON for, in a Python caller's payload: why, in words."""


#: What a Python caller's pin holding NaN or Infinity gets, as its ``malformed`` finding.
NOT_JSON_NUMBER = (
    "the pin holds NaN or Infinity (or a number too large for a float, such as 1e999, which "
    "Python reads as Infinity), which JSON has no value for: json.dumps writes no JSON for it, "
    "and httpx and requests refuse to send it; send None, or leave the field out"
)
_CYCLE = (
    "the pin holds itself (a dict or list inside itself): json.dumps cannot write it, so it "
    "cannot be sent"
)


def non_json_constant(text: str | bytes | bytearray) -> bool:
    """Whether ``text`` is JSON but for ``NaN`` or ``Infinity`` standing as values.

    Python's ``json`` and pydantic read them, so the pin would pass here, while the body that
    Pinterest receives is no JSON at all and is refused whole. Python's ``json.dumps`` writes
    them for a float that is missing (a spreadsheet's empty cell read as NaN) or endless. Two
    substring tests for every pin; the strict parse only when one of the words is there.
    """
    if isinstance(text, str):
        found = "NaN" in text or "Infinity" in text
    else:
        found = b"NaN" in text or b"Infinity" in text
    if not found:
        return False
    try:
        from_json(text, allow_inf_nan=False)
    except ValueError:
        try:
            from_json(text)  # read with them: if this fails too, the text has another problem
        except ValueError:
            return False  # which the usual path words
        return True
    return False


# The hint of a calendar row that holds a list (of pins, most likely) where one pin goes.
_LIST_ROW = (
    "A row holds one pin: give each pin of the list a row of its own (jq -c '.[]' writes them "
    "one a line from JSON Lines, jq -c '.[][]' from a .json array of such lists), or save the "
    "list alone as a .json file."
)


def _envelope(raw: object, malformed: Code) -> Parsed | None:
    """``malformed`` for an object that is no pin but holds one or more; else ``None``.

    ``{"items": [...]}``, what Pinterest's list endpoints answer (``validator.envelopes``): read
    as a pin, it was findings about its keys ("remove items"), and its pins went unchecked. A
    calendar entry (``{"pin": {...}, "publish_at": ...}``) given to the Python API, which takes
    pins: it was told its board and media were missing, though both were under "pin". (A
    calendar's reader unwraps entries: they never reach here as rows.)
    """
    if malformed is pin.PIN_MALFORMED and is_calendar_entry(raw):
        message = (
            'the payload is a calendar entry (its pin under "pin", beside the calendar\'s own '
            "keys), not a pin"
        )
        hint = (
            'Check its pin: validate(entry["pin"]). Its publish_at and video_url are read from '
            "calendar files: pin-preflight check calendar.jsonl checks them too."
        )
        return Parsed(None, (malformed.finding(None, message, hint),))
    inside = pins_inside(raw)
    if inside is None:
        return None
    keys = inside[0]
    if malformed is pin.PIN_MALFORMED:  # a Python caller's
        held = "".join(f"[{key!r}]" for key in keys)
        message = f"the payload is {described(*inside)}"
        hint = f"Check the pins themselves: validate_many(payload{held})."
    else:
        message = f"the row is {described(*inside)}"
        hint = (
            "A row holds one pin: give each pin of the list a row of its own "
            f"({jq_command(keys, each=True)} writes them one a line from JSON Lines, "
            f"{jq_command(keys, each=True, in_array=True)} from a .json array of such lists)."
        )
    return Parsed(None, (malformed.finding(None, message, hint),))


#: What a pin that ``non_json_constant`` finds gets, as its ``malformed`` finding.
NON_JSON_CONSTANT = (
    "the pin is not valid JSON: it holds NaN or Infinity, which JSON has no value for (a missing "
    "or endless number, as Python writes it); send null, or leave the field out"
)


def _not_unicode(text: str | bytes | bytearray) -> str:
    """Why ``from_json`` refused a text as no text: where its lone surrogate is."""
    found = _SURROGATE.search(text) if isinstance(text, str) else None
    where = f" ({quote(found.group())} at character {found.start()})" if found else ""
    return f"the pin is not valid Unicode text: it holds a lone surrogate{where}"


_SURROGATE = re.compile("[\ud800-\udfff]")


def _parse_mapping(
    raw: dict[str, Any], errors: list[ErrorDetails] | None, validator: SchemaValidator
) -> Parsed:
    """Report every error, drop the offending values, validate again: until the rest is valid.

    With ``EITHER`` as ``validator``, what is left may turn out clean: the rules, which would see
    only what is left, have nothing to add then.
    """
    findings: list[Finding] = []
    reported: list[str] = []
    title = raw.get("title") if isinstance(raw.get("title"), str) else None
    for _ in range(_MAX_PASSES):
        earlier = tuple(reported)  # what a value was taken out (or stood in for) at
        if errors is None:
            try:
                model = validator.validate_python(raw)
            except ValidationError as exc:
                errors = _errors(exc, validator)
            except RecursionError:
                message = "the pin is nested too deeply to read"
                findings.append(pin.PIN_MALFORMED.finding(None, message))
                return Parsed(None, tuple(findings), tuple(reported), title)
            else:
                clean = type(model) is CleanPin
                return Parsed(model, tuple(findings), tuple(reported), title, clean)
        with_bad_keys: list[Path] = []  # objects with a key that is no text: no path leads in
        for error in errors:
            container = _bad_key_container(error, raw)
            if container is not None:
                with_bad_keys.append(container)
                continue
            finding, path = translate(error, raw)
            if not _within(field_path(raw_path(error["loc"])), earlier):
                findings.append(finding)
                reported.append(field_path(path))
            # else the value is the stand-in of a list item reported before ({}), not the pin's
            # (a string of ai_disclosures.values): its error is no news, only taken out
            raw = _without(raw, path)
        for container in with_bad_keys:
            raw = _without_bad_keys(raw, container, findings)
        errors = None
    return Parsed(None, tuple(findings), tuple(reported), title)  # pragma: no cover - defensive


def _within(field: str, paths: tuple[str, ...]) -> bool:
    """Whether ``field`` is one of ``paths`` or inside one of them."""
    return any(field == done or field.startswith((done + ".", done + "[")) for done in paths)


def _bad_key_container(error: ErrorDetails, raw: dict[str, Any]) -> Path | None:
    """The object holding the key ``error`` is about, or ``None`` for an error about a value.

    A key is wrong when it is no text: a Python caller's ``{1: ...}``, or a lone surrogate.
    """
    loc = error["loc"]
    if error["type"] == "invalid_key":
        return raw_path(loc[:-1])
    if error["type"] == "string_unicode" and isinstance(_at(raw, raw_path(loc)), Mapping):
        return raw_path(loc)
    return None


def _at(value: Any, path: Path) -> Any:
    """What ``path`` leads to in ``value``, or ``None``."""
    for part in path:
        in_list = isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value)
        if not in_list and not (isinstance(value, Mapping) and part in value):
            return None
        value = value[part]
    return value


def _without_bad_keys(raw: dict[str, Any], container: Path, findings: list[Finding]) -> Any:
    """``raw`` without the keys of the object at ``container`` that are no text, each reported.

    A pin that still fails the same way after this is left to ``_MAX_PASSES``.
    """
    target = _at(raw, container)
    if not isinstance(target, Mapping):
        return raw
    where = field_path(container) or "the pin"
    kept: dict[Any, Any] = {}
    for key, value in target.items():
        if not isinstance(key, str):
            problem = f"{where} has a key that is {json_type(key)}, not a string: {quote(key)}"
        elif _SURROGATE.search(key):
            problem = f"{where} has a key that is not valid Unicode text: {quote(key)}"
        else:
            kept[key] = value
            continue
        field = field_path(container) or None
        findings.append(pin.PIN_FIELD_TYPE_INVALID.finding(field, problem, _KEY_FIX))
    return _with(raw, container, kept) if container else kept


_KEY_FIX = "Use field names as keys: JSON object keys are strings of valid text."


def _with(value: Any, path: Path, new: Any) -> Any:
    """A copy of ``value`` with ``new`` at ``path``, which leads to a value (``_at``)."""
    head, rest = path[0], path[1:]
    child = new if not rest else _with(value[head], rest, new)
    if isinstance(value, list):
        items = list(value)
        items[head] = child  # type: ignore[index]  # a list's path part is its index
        return items
    return {**value, head: child}


def _errors(exc: ValidationError, validator: SchemaValidator) -> list[ErrorDetails]:
    """``PinCreate``'s errors, from either validator."""
    if validator is _PIN_CREATE:
        return exc.errors(include_url=False)
    return pin_create_errors(exc)


_REMOVED: Any = object()


def _without(value: Any, path: Path) -> Any:
    """A copy of ``value`` without what ``path`` points at.

    List items become ``{}``, keeping the positions of the other items (and so the indices of
    their findings).
    """
    if not path:
        return _REMOVED
    head, rest = path[0], path[1:]
    if isinstance(value, dict) and head in value:
        child = _without(value[head], rest)
        copy = dict(value)
        if child is _REMOVED:
            del copy[head]
        else:
            copy[head] = child
        return copy
    if isinstance(value, list) and isinstance(head, int) and 0 <= head < len(value):
        child = _without(value[head], rest)
        items = list(value)
        items[head] = {} if child is _REMOVED else child
        return items
    return value
