"""What pydantic's complaints about a pin mean, as findings with the catalogue's codes.

``translate`` turns one of ``PinCreate``'s validation errors into a finding on the path the user
wrote (``media_source.items[2].url``: pydantic's discriminator tag is taken out of the path),
with a message that quotes the value and a hint that says what to send instead; and gives the
path that ``parse`` removes before it validates the rest again.
"""

from __future__ import annotations

import binascii
import dataclasses
import difflib
import math
import re
from collections.abc import Mapping
from typing import Any

from pydantic_core import ErrorDetails

from validator.codes import board, carousel, media, pin, text, video
from validator.codes.base import Code
from validator.findings import Finding
from validator.messages import as_json, json_type, quote, shown
from validator.model import SOURCE_TYPES
from validator.probes.sniff import CONTENT_TYPES, sniff
from validator.urls import IMAGE_TYPE_BY_EXTENSION, extension

__all__ = [
    "BROKEN_CHARACTER",
    "Path",
    "base64_problem",
    "field_path",
    "raw_path",
    "translate",
]

Path = tuple[str | int, ...]


def field_path(path: Path) -> str:
    """``("media_source", "items", 2, "url")`` → ``"media_source.items[2].url"``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out = f"{out}.{part}" if out else part
    return out


def raw_path(loc: tuple[str | int, ...]) -> Path:
    """Pydantic's location without the discriminator tag it inserts after ``media_source``."""
    if len(loc) > 1 and loc[0] == "media_source" and loc[1] in SOURCE_TYPES:
        return (loc[0], *loc[2:])
    return loc


_ID_CODES: dict[str, Code] = {
    "board_id": board.BOARD_INVALID_ID,
    "board_section_id": board.BOARD_SECTION_INVALID_ID,
    "parent_pin_id": pin.PIN_PARENT_PIN_ID_INVALID,
    "sponsor_id": pin.PIN_SPONSOR_ID_INVALID,
    "media_id": media.MEDIA_MEDIA_ID_INVALID,
}
_TOO_LONG_CODES: dict[str, Code] = {
    "title": text.TEXT_TITLE_TOO_LONG,
    "description": text.TEXT_DESCRIPTION_TOO_LONG,
    "alt_text": text.TEXT_ALT_TEXT_TOO_LONG,
    "link": text.TEXT_LINK_TOO_LONG,
}
_EXPECTED = {
    "string_type": "a string",
    "bool_type": "true or false",
    "int_type": "an integer",
    "list_type": "a list",
    "dict_type": "an object",
    "model_type": "an object",
    "model_attributes_type": "an object",
}


def translate(
    error: ErrorDetails, payload: Mapping[str, Any] | None = None
) -> tuple[Finding, Path]:
    """One pydantic error as a finding, and the payload path to remove before validating again.

    ``payload`` is the pin the error is about: what a content type should be is read from the
    image beside it (its data, or its URL's extension), so that the hint names the type to set.
    """
    path = raw_path(error["loc"])
    field = field_path(path)
    kind = error["type"]
    value = error.get("input")
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    leaf = path[-1] if path and isinstance(path[-1], str) else None

    if kind == "string_unicode":  # a lone surrogate in a string value (keys are handled apart)
        message = f"{field} is not valid Unicode text: {quote(value)} holds a lone surrogate"
        return pin.PIN_FIELD_TYPE_INVALID.finding(field or None, message, BROKEN_CHARACTER), path
    if path == ("media_source",) and kind in ("union_tag_invalid", "union_tag_not_found"):
        return _source_type(kind, ctx, value), path
    if path and path[0] == "ai_disclosures":
        return _ai_disclosures(kind, value), ("ai_disclosures",)
    if leaf in _ID_CODES:
        return _id_finding(_ID_CODES[leaf], leaf, field, value), path
    if leaf in _TOO_LONG_CODES and kind == "string_too_long":
        limit = int(ctx.get("max_length", 0))
        written = value if isinstance(value, str) else ""
        return text.too_long(_TOO_LONG_CODES[leaf], field, written, limit, name=leaf), path
    if leaf in ("url", "cover_image_url"):
        message = f"{field} is {json_type(value)}, not a URL string"
        hint = (
            _SEVERAL_URLS if path == ("media_source", "url") and isinstance(value, list) else None
        )
        return media.MEDIA_URL_INVALID.finding(field, message, hint), path
    if leaf in ("data", "cover_image_data"):
        return _base64(field, value), path
    if leaf == "content_type":
        code = media.MEDIA_CONTENT_TYPE_INVALID
        return _content_type(code, field, value, _image_beside(path, payload)), path
    if leaf == "cover_image_content_type":
        code = video.VIDEO_COVER_IMAGE_CONTENT_TYPE_INVALID
        return _content_type(code, field, value, _image_beside(path, payload)), path
    if leaf == "cover_image_key_frame_time":
        code = video.VIDEO_COVER_KEY_FRAME_TIME_INVALID
        return _whole_number(code, field, kind, value, "whole seconds"), path
    if path == ("media_source", "index"):
        code = carousel.CAROUSEL_INDEX_INVALID
        return _whole_number(code, field, kind, value, "a whole number"), path
    wrong = _wrong_type(field, kind, value, error["msg"])
    if len(path) == 3 and path[:2] == ("media_source", "items") and isinstance(value, str):
        return dataclasses.replace(wrong, hint=_item_as_object(payload, value)), path
    return wrong, path


def _item_as_object(payload: Mapping[str, Any] | None, item: str) -> str:
    """How a carousel item given as text is written: an object of its kind of carousel's fields.

    The text says which kind it is: a URL, with a scheme or not (a dot: base64 has none), is
    fetched (multiple_image_urls); other text is taken for an image's base64
    (multiple_image_base64), whichever source_type was given.
    """
    source = payload.get("media_source") if payload is not None else None
    tag = source.get("source_type") if isinstance(source, Mapping) else None
    by_url = "." in item or "://" in item
    if by_url and tag != "multiple_image_base64":
        return 'Write each item as an object: {"url": "https://…"}, not the URL alone.'
    if by_url:
        return (
            "Images fetched from URLs are a multiple_image_urls carousel: set source_type to it, "
            'and write each item as {"url": "https://…"}.'
        )
    inline = '{"content_type": "image/jpeg", "data": "…"}'
    if tag == "multiple_image_base64":
        return f"Write each item as an object: {inline}."
    return (
        "Images sent as base64 are a multiple_image_base64 carousel: set source_type to it, and "
        f"write each item as {inline}."
    )


# Several images where a pin's one URL goes: a carousel, written as an image_url pin.
_SEVERAL_URLS = (
    "For a carousel, set source_type to multiple_image_urls and list the images as items: "
    '[{"url": "https://…"}, …]; for one image, give its URL as text.'
)

#: The hint of a text that holds a lone surrogate (a JSON escape such as \ud800).
BROKEN_CHARACTER = (
    "Replace the broken character: text cut in the middle of an emoji, or decoded with the "
    "wrong encoding, leaves one behind."
)


def _source_type(kind: str, ctx: Mapping[str, Any], source: object) -> Finding:
    field = "media_source.source_type"
    code = media.MEDIA_SOURCE_TYPE_INVALID
    hint: str | None = None
    if kind == "union_tag_not_found":
        if isinstance(source, Mapping):  # "sourceType", "source-type", "SourceType"
            spelled = next((k for k in source if _folded_key(k) == "sourcetype"), None)
            if spelled is not None:
                hint = f'Its key is written {quote(spelled)}: the API\'s name is "source_type".'
        return code.finding(field, "media_source has no source_type", hint)
    # The tag as written: pydantic-core's copy went through Rust, where a lone surrogate became
    # replacement characters ("\ud800x" was shown as "���x").
    written = source.get("source_type") if isinstance(source, Mapping) else None
    known = ", ".join(SOURCE_TYPES)
    if isinstance(source, Mapping) and "source_type" in source and not isinstance(written, str):
        message = f"source_type is {json_type(written)}, not one of the names Pinterest knows"
        inner = _wrapped_name(written)  # ["image_url"], {"type": "image_url"}
        if inner in SOURCE_TYPES:
            hint = f'Write the name alone, as text: "source_type": "{inner}".'
        else:
            hint = _tag_hint(inner) if inner is not None else None
        return code.finding(field, f"{message} ({known})", hint)
    tag = written if isinstance(written, str) else ctx.get("tag", "")
    message = f"source_type {quote(tag)} is not one Pinterest knows ({known})"
    return code.finding(field, message, _tag_hint(str(tag)))


def _folded_key(key: object) -> str:
    """A key without case, dashes and underscores: how ``source_type`` may be misspelt."""
    return key.lower().replace("_", "").replace("-", "") if isinstance(key, str) else ""


def _wrapped_name(value: object) -> str | None:
    """The one text a list or an object given as ``source_type`` holds, if it holds one."""
    inside = list(value.values()) if isinstance(value, dict) else value
    if isinstance(inside, list) and len(inside) == 1 and isinstance(inside[0], str):
        return inside[0]
    return None


def _tag_hint(tag: str) -> str | None:
    """What an unknown ``source_type`` was likely meant to be."""
    lowered = tag.strip().lower()
    if lowered in SOURCE_TYPES:  # " image_url", "IMAGE_URL"
        return f'Write it as "{lowered}": the names are lower case, without spaces.'
    close = difflib.get_close_matches(lowered, SOURCE_TYPES, n=1, cutoff=0.8)
    if close:  # "multiple_image_url", "image_base_64": a letter off
        return f'Did you mean "{close[0]}"?'
    if "video" in lowered:
        return "A video must be uploaded first (POST /v5/media); then use source_type 'video_id'."
    if "base64" in lowered or "base_64" in lowered:
        return (
            "An image sent inline is source_type 'image_base64' (several: 'multiple_image_base64')."
        )
    if "url" in lowered or lowered in ("image", "img", "photo", "picture"):
        return "A single image fetched from a URL is source_type 'image_url'."
    return None


def _ai_disclosures(kind: str, value: object) -> Finding:
    code = pin.PIN_AI_DISCLOSURES_INVALID
    field = "ai_disclosures"
    if kind in ("model_type", "model_attributes_type"):
        return code.finding(field, f"ai_disclosures is {json_type(value)}, not an object")
    if kind == "missing":
        return code.finding(field, "ai_disclosures has no 'values' list")
    if kind == "too_short":
        return code.finding(field, "ai_disclosures.values is empty")
    if kind == "literal_error":
        held = quote(value) if isinstance(value, str) else _typed(value)  # null is no "null"
        message = f"ai_disclosures.values holds {held}, not AI_MODIFIED or SYNTHETIC_PERFORMER"
        return code.finding(field, message)
    return code.finding(field, f"ai_disclosures.values is {json_type(value)}, not a list")


def _id_finding(code: Code, name: str, field: str, value: object) -> Finding:
    if isinstance(value, str):
        if not value.strip() and name == "board_id":
            return board.BOARD_MISSING.finding(field, "board_id is blank")
        if not value.strip():
            return code.finding(field, f"{name} is blank", None)
        message = f"{name} {quote(value)} is not a numeric id"
        stripped = value.strip()
        if stripped.isascii() and stripped.isdigit():  # " 123", "123\n": pasted with them
            return code.finding(field, message, "Remove the spaces or line breaks around the id.")
        if stripped[:1] == "'" and stripped[1:].isascii() and stripped[1:].isdigit():
            # A spreadsheet's mark for "text", typed before the id and kept by some exports.
            return code.finding(field, message, f'Remove the apostrophe: send "{stripped[1:]}".')
        fix = _spreadsheet_fix(stripped)
        if fix is not None:
            return code.finding(field, message, fix)
        hint: str | None = None
        if "://" in value or "pinterest." in value:
            hint = f"{quote(value, 40)} is a URL; send the numeric id it stands for instead."
        elif any(ch.isalpha() for ch in value):
            hint = f"{quote(value, 40)} looks like a name; send the numeric id instead."
        if hint is not None:
            hint = f"{hint} {code.fix}"
        return code.finding(field, message, hint)
    message = f"{name} is {json_type(value)} ({shown(value, 30)}); it must be a string of digits"
    return code.finding(field, message, _number_id_fix(value))


def _number_id_fix(value: object) -> str | None:
    """What to send for an id given as a JSON number, when the number shows the digits."""
    if type(value) is int and value >= 0:
        shown = as_json(value)  # an integer too long to print is shown by its length
        if not shown.isdigit() or len(shown) > _QUOTED_DIGITS:
            return "Send the id as a string of digits, in quotes."
        return f'Quote the id: "{shown}".'
    if type(value) is float and value.is_integer() and 0 <= value < _EXACT_FLOAT:
        # pandas reads a column of ids with gaps as floats, and writes them so (549755885175.0)
        return (
            f'Send "{int(value)}", in quotes, if that is the id: as a float, check its digits '
            "(a float keeps 15 to 17). Read the column as text (dtype=str) to keep ids as they are."
        )
    if type(value) is float and value.is_integer() and value >= _EXACT_FLOAT:  # digits gone
        return "Send the id as a string of digits, in quotes: as a float, its last digits are lost."
    return None  # a negative or a fraction: no id in it


# The longest id quoted back in a hint: a 64-bit id has 19 digits at most.
_QUOTED_DIGITS = 19
# Every integer below 2**53 is a float exactly: a float above it may hold another id's digits.
_EXACT_FLOAT = 2.0**53


def _spreadsheet_fix(text: str) -> str | None:
    """The fix for an id a spreadsheet turned into a number, or ``None`` if ``text`` is not one."""
    if _SCIENTIFIC.fullmatch(text):  # 5.49756E+11; 5,49756E+11 where "," is the decimal mark
        return _DIGITS_LOST_FIX
    # 549,755,885,175 or 549.755.885.175 (a decimal part may follow, by the other mark), or
    # 549755885175.0: the id is the digits before the decimal part.
    number = _GROUPED.fullmatch(text) or _DECIMAL.fullmatch(text)
    if number is None or (number["mark"] is not None and number["mark"] == number["group"]):
        return None  # 549,755,885,0000: no number any spreadsheet writes
    digits = re.sub(r"[^0-9]", "", number["whole"])
    if len(digits) > _SPREADSHEET_DIGITS and not digits[_SPREADSHEET_DIGITS:].strip("0"):
        return _DIGITS_LOST_FIX  # zeros where its last digits were
    return (
        "A spreadsheet formatted the id as a number (digits grouped, or a decimal part): send "
        f'"{digits}", and format the column as text so it stays so.'
    )


# How a spreadsheet shows a long id typed into a number cell: in scientific notation (its
# decimal mark a point or, in many European locales, a comma), which keeps only the first
# digits; or as a number formatted with a decimal part or grouped digits (by a comma, a point, an
# apostrophe or a space, after the locale), which keeps them all.
_SCIENTIFIC = re.compile(r"[0-9]+(?:[.,][0-9]+)?[Ee]\+?[0-9]+")
_SPREADSHEET_DIGITS = 15  # the significant digits a spreadsheet's number keeps (Excel, Sheets)
_DIGITS_LOST_FIX = (
    "A spreadsheet turned the id into a number, which keeps its first 15 digits at most (fewer "
    "in scientific notation): format the column as text, then enter the id again."
)
_GROUPED = re.compile(
    r"(?P<whole>[0-9]{1,3}(?P<group>[,.' \u00a0\u202f])[0-9]{3}(?:(?P=group)[0-9]{3})*)"
    r"(?:(?P<mark>[.,])0+)?"
)
_DECIMAL = re.compile(r"(?P<whole>[0-9]+)(?P<mark>[.,])0+(?P<group>)")


def base64_problem(value: str) -> tuple[str, str] | None:
    """What is wrong with a base64 text by the API's pattern, and its fix; ``None`` if nothing.

    Shared with the rules, which check what the pattern cannot: padding and decodability.
    """
    if _BASE64_TEXT.fullmatch(value) is not None:
        return None
    if value == "":
        return "is empty", "Put the base64 of the image file here."
    if value.startswith("data:"):
        return (
            "starts with a data: URI prefix",
            "Send only what follows the comma of the data: URI (the raw base64).",
        )
    found = _NOT_BASE64.search(value)  # a regular expression: a 40 MB text is searched in C
    if found is None:
        return None
    position, char = found.start(), found.group()
    if char.isspace():
        return (
            f"contains whitespace (at character {position})",
            "Remove the line breaks and spaces: base64.b64encode() output is one line.",
        )
    if char in "-_":
        return (
            "uses the URL-safe alphabet ('-' and '_')",
            "Encode with base64.b64encode, not base64.urlsafe_b64encode.",
        )
    return f"contains {quote(char)}, which is not a base64 character", _BASE64_FIX


_BASE64_TEXT = re.compile(r"[a-zA-Z0-9+/=]+")  # the API's pattern (pinterest-api.md §2)
_NOT_BASE64 = re.compile(r"[^a-zA-Z0-9+/=]")
_BASE64_FIX = "Encode the image file with base64.b64encode(file_bytes).decode()."


def _base64(field: str, value: object) -> Finding:
    code = media.MEDIA_BASE64_INVALID
    if not isinstance(value, str):
        return code.finding(field, f"{field} is {json_type(value)}, not a base64 string")
    problem = base64_problem(value) or ("is not valid base64", _BASE64_FIX)
    return code.finding(field, f"{field} {problem[0]}", problem[1])


def _content_type(
    code: Code, field: str, value: object, image: tuple[str, str] | None = None
) -> Finding:
    """A content type pydantic refused; ``image``: the type the image is, and what shows it."""
    if not isinstance(value, str):
        message = f"{field} is {json_type(value)}; it must be a string"
    else:
        message = f"{field} is {quote(value)}; Pinterest takes image/jpeg or image/png"
    if image is not None:
        real, shown_by = image
        return code.finding(field, message, f'Write "{real}": {shown_by}.')
    if not isinstance(value, str):
        return code.finding(field, message)
    lowered = value.strip().lower()
    hint = None
    if lowered in ("image/jpg", "jpg", "jpeg", "image/pjpeg"):
        hint = 'Write "image/jpeg".'
    elif lowered in ("png", "image/x-png"):
        hint = 'Write "image/png".'
    elif lowered in ("image/jpeg", "image/png"):
        hint = f'Write exactly "{lowered}", without spaces or capitals.'
    elif lowered.startswith("image/"):
        hint = f"Pinterest does not take {lowered}: convert the image to JPEG or PNG and say which."
    return code.finding(field, message, hint)


def _image_beside(path: Path, payload: Mapping[str, Any] | None) -> tuple[str, str] | None:
    """The type of the image a content type at ``path`` declares, and what shows it, if known.

    Base64 data beside it shows its type in its first bytes; a cover URL, by its extension (as
    the cover rules read it), unless cover data says otherwise.
    """
    if payload is None:
        return None
    parent: Any = payload
    for part in path[:-1]:
        try:
            parent = parent[part]
        except (KeyError, IndexError, TypeError):
            return None
    if not isinstance(parent, Mapping):
        return None
    field = field_path(path[:-1])
    data_key = "data" if path[-1] == "content_type" else "cover_image_data"
    data = parent.get(data_key)
    if isinstance(data, str):
        real = _inline_type(data)
        what = "a JPEG" if real == "image/jpeg" else "a PNG"
        return None if real is None else (real, f"{field}.{data_key} holds {what} image")
    url = parent.get("cover_image_url") if path[-1] == "cover_image_content_type" else None
    if isinstance(url, str):
        ext = extension(url)
        real = IMAGE_TYPE_BY_EXTENSION.get(ext or "")
        return None if real is None else (real, f"the cover URL ends in .{ext}")
    return None


def _inline_type(data: str) -> str | None:
    """JPEG or PNG, from the magic bytes base64 data starts with; ``None`` for anything else."""
    try:
        head = binascii.a2b_base64(data[:12])
    except (binascii.Error, ValueError):  # ValueError: a str with a non-ASCII character
        return None
    return CONTENT_TYPES.get(sniff(head))


def _whole_number(code: Code, field: str, kind: str, value: object, unit: str) -> Finding:
    """An integer field with minimum 0 (a key frame's time, a carousel's index), given otherwise.

    The hint names the number meant where the value shows it: a fraction rounded (half up, as
    people round: 2.5 is 3), digits without their quotes.
    """
    if kind == "greater_than_equal":
        return code.finding(field, f"{field} is {as_json(value)}; it must be 0 or more")
    message = f"{field} is {json_type(value)} ({shown(value, 20)}); it must be {unit}"
    hint = None
    if isinstance(value, float) and math.isfinite(value) and value >= 0:  # 1e400 is infinity
        hint = f"Use {math.floor(value + 0.5)}."
    elif isinstance(value, str) and value.isascii() and value.isdigit():
        hint = f"Write {int(value)}, without quotes: it is a JSON number."
    return code.finding(field, message, hint)


def _typed(value: object) -> str:
    """``an integer (3)``, ``a string ("3")``: a value's JSON type, and the value unless null."""
    return json_type(value) + ("" if value is None else f" ({shown(value, 20)})")


def _wrong_type(field: str, kind: str, value: object, fallback: str) -> Finding:
    code = pin.PIN_FIELD_TYPE_INVALID
    expected = _EXPECTED.get(kind)
    if expected is not None:
        message = f"{field} is {_typed(value)}; it must be {expected}"
    else:
        message = f"{field}: {fallback}"
    return code.finding(field or None, message)
