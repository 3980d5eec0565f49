"""Whole-pin rules: fields Pinterest would ignore, and the dominant colour's format."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping, Sequence

from pydantic import BaseModel

from validator.codes.pin import PIN_DOMINANT_COLOR_INVALID, PIN_UNKNOWN_FIELD
from validator.findings import Finding
from validator.messages import quote, shortened, without_pinterest_tokens
from validator.model import (
    ImageBase64Source,
    ImagesBase64Source,
    ImagesURLSource,
    ImageURLSource,
    PinCreate,
    VideoSource,
)
from validator.parse import unsendable
from validator.settings import Settings

__all__ = [
    "ITEMS_WITHOUT_CAROUSEL",
    "URL_WITHOUT_IMAGE",
    "check_dominant_color",
    "check_unknown_fields",
]

_HEX_COLOR = re.compile(r"#[0-9A-Fa-f]{6}")
_SHORT_HEX_COLOR = re.compile(r"#?[0-9A-Fa-f]{3}|[0-9A-Fa-f]{6}")

#: The hint for a carousel's ``items`` in an ``image_url`` source (its ``url`` missing).
ITEMS_WITHOUT_CAROUSEL = (
    "For a carousel, set source_type to multiple_image_urls; for one image, give its URL as url."
)
#: The hint for a ``url`` in a ``multiple_image_urls`` source (its ``items`` missing).
URL_WITHOUT_IMAGE = (
    "For one image, set source_type to image_url; for a carousel, list 2 to 5 images as items: "
    '[{"url": "https://…"}, …].'
)
_MEDIA_SOURCE_HINT = 'Put it in media_source: {"source_type": "image_url", "url": "https://…"}.'
_UPLOAD_HINT = "Upload the video with POST /v5/media and send its media_id in media_source."
_NAME_HINT = "Put keywords in the title and description; the API has no such field."
_READ_ONLY = ("is read-only: Pinterest sets it and ignores it on create", "Remove it.")

# A calendar entry with a pin field beside its "pin" is read as a pin: its keys are said so.
_ENTRY_READ_AS_PIN = (
    "holds a pin, beside pin fields: the object was read as a pin, not as a calendar entry",
    'Move the pin fields beside "pin" into it: an entry holds only "pin", "publish_at" and '
    '"video_url".',
)
_ENTRY_KEYS_READ_AS_PIN = (
    'is a calendar entry\'s, and this object was read as a pin (see its "pin")',
    _ENTRY_READ_AS_PIN[1],
)

# Top-level names with a specific explanation: what is wrong (completing "FIELD ...") and the fix.
# pinterest-api.md §1.2: read-only fields of the Pin model, and fields PinCreate no longer takes.
_TOP_LEVEL: Mapping[str, tuple[str, str]] = {
    **dict.fromkeys(
        ("id", "created_at", "board_owner", "media", "creative_type", "is_owner",
         "is_standard", "has_been_promoted", "pin_metrics"),
        _READ_ONLY,
    ),
    "note": ("was removed from PinCreate in API 5.20 and is ignored", "Remove it."),
    "product_tags": ("existed only in API 5.16-5.17 and is ignored", "Remove it."),
    "is_removable": ("existed only in API 5.16-5.17 and is ignored", "Remove it."),
    "board": ("is not an API field", "Send the board's numeric id as board_id."),
    "board_name": ("is not an API field", "Send the board's numeric id as board_id."),
    "image_url": ("is not a pin field", _MEDIA_SOURCE_HINT),
    "url": ("is not a pin field", _MEDIA_SOURCE_HINT),
    "media_url": ("is not a pin field", _MEDIA_SOURCE_HINT),
    "video_url": ("is not a pin field", _UPLOAD_HINT),
    # A calendar entry's own keys, found among the pin's fields: "Remove it" dropped the
    # schedule (a signed URL's deadline was then judged against no publish time), or the pin.
    "publish_at": (
        "is not a pin field: a calendar entry gives it beside its pin",
        "Remove it from the pin; in a calendar, give it beside the pin: "
        '{"pin": {...}, "publish_at": "2026-06-01T10:00:00Z"}.',
    ),
    "pin": _ENTRY_READ_AS_PIN,
    "tags": ("is not an API field", _NAME_HINT),
    "keywords": ("is not an API field", _NAME_HINT),
}  # fmt: skip
_VIDEO_SOURCE: Mapping[str, tuple[str, str]] = {
    "url": ("is not taken by a video_id pin", _UPLOAD_HINT),
    "video_url": ("is not taken by a video_id pin", _UPLOAD_HINT),
}
# A video pin with its media_id: the video was uploaded, and the URL beside it is left over.
_UPLOADED = (
    "Remove it: the pin's video is the upload its media_id names (a calendar entry's video_url "
    "checks the file before it is uploaded)."
)
_UPLOADED_VIDEO_SOURCE: Mapping[str, tuple[str, str]] = dict.fromkeys(
    _VIDEO_SOURCE, ("is not taken by a video_id pin", _UPLOADED)
)
# Where an image's URL goes in ``url``: the names other APIs and schedulers give it.
_URL_NAMES = ("image_url", "media_url", "imageUrl", "mediaUrl")
# The fields of the other way to send an image: a source_type that does not match them.
_INLINE = (
    "is a field of an image sent inline",
    "If the image is sent as base64, set source_type to image_base64 (multiple_image_base64 for "
    "a carousel); else remove it and give the image's url.",
)
_FETCHED = (
    "is a field of an image fetched from a URL",
    "If the image is fetched from a URL, set source_type to image_url (multiple_image_urls for "
    "a carousel); else remove it and give the image's data and content_type.",
)
_IMAGE_URL: Mapping[str, tuple[str, str]] = {
    **dict.fromkeys(_URL_NAMES, ("is not a field Pinterest takes here", "Rename it to url.")),
    **dict.fromkeys(("data", "content_type"), _INLINE),
}
_IMAGE_BASE64: Mapping[str, tuple[str, str]] = {"url": _FETCHED}
# A carousel's items in a single image's source, and the other way round: "Remove it" would
# have deleted the carousel (or the image).
_IMAGE_URL_SOURCE: Mapping[str, tuple[str, str]] = {
    **_IMAGE_URL,
    "items": ("is a carousel's field: an image_url pin has one url", ITEMS_WITHOUT_CAROUSEL),
}
_IMAGES_URL_SOURCE: Mapping[str, tuple[str, str]] = {
    "url": ("is a single image's field: a carousel lists its images in items", URL_WITHOUT_IMAGE),
}


# A key longer than this is shown cut (a field name is a few words; a typo is no longer).
_NAME_WIDTH = 60


def check_unknown_fields(pin: PinCreate, settings: Settings) -> Sequence[Finding]:
    """``pin.unknown_field`` for extra keys of the pin and of each object in it."""
    found: list[Finding] = []
    if pin.model_extra:
        top = _TOP_LEVEL
        if "pin" in pin.model_extra:  # a calendar entry, read as a pin for a field beside it
            top = {
                **_TOP_LEVEL,
                **dict.fromkeys(("publish_at", "video_url"), _ENTRY_KEYS_READ_AS_PIN),
            }
        found.extend(_unknown(pin, "", top))
    if pin.ai_disclosures is not None and pin.ai_disclosures.model_extra:
        found.extend(_unknown(pin.ai_disclosures, "ai_disclosures.", {}))
    source = pin.media_source
    if source is None:
        return found
    if source.model_extra:
        special: Mapping[str, tuple[str, str]] = {}
        if isinstance(source, VideoSource):
            special = _UPLOADED_VIDEO_SOURCE if source.media_id else _VIDEO_SOURCE
        elif isinstance(source, ImageURLSource):
            # Items where the url is missing: a carousel meant. Beside a url, a leftover.
            special = _IMAGE_URL_SOURCE if source.url is None else _IMAGE_URL
        elif isinstance(source, ImagesURLSource) and source.items is None:
            special = _IMAGES_URL_SOURCE  # a url where the items are missing: one image meant
        elif isinstance(source, ImageBase64Source):
            special = _IMAGE_BASE64
        found.extend(_unknown(source, "media_source.", special))
    if isinstance(source, ImagesURLSource | ImagesBase64Source) and source.items:
        item_special = _IMAGE_URL if isinstance(source, ImagesURLSource) else _IMAGE_BASE64
        for index, item in enumerate(source.items):
            if item.model_extra:
                found.extend(_unknown(item, f"media_source.items[{index}].", item_special))
    return found


def _unknown(
    model: BaseModel, prefix: str, special: Mapping[str, tuple[str, str]]
) -> Iterator[Finding]:
    known = [name for name in type(model).model_fields if name != "source_type"]
    extra = model.model_extra or {}
    for name, value in extra.items():
        # Cut, the field too: a report line per finding, whatever a payload's keys (a path cut
        # with "…" reads as what it is). An empty key is shown as "".
        cut = shortened(without_pinterest_tokens(name), _NAME_WIDTH)  # a token pasted as a key
        shown = f"{prefix}{cut}" if name else f'{prefix}""'
        # An empty key names no path: the finding is on the object that holds it (the pin's).
        field = f"{prefix}{cut}" if name else prefix.removesuffix(".") or None
        # Validation keeps an unknown field's value as given: a Python caller's set or datetime
        # makes json.dumps (httpx's json=) raise, though another encoder may write it.
        problem = unsendable(value)
        unsent = f"; and it holds {problem}, which json.dumps cannot write" if problem else ""
        if name in special:
            what, hint = special[name]
            yield PIN_UNKNOWN_FIELD.finding(field, f"{shown} {what}{unsent}", hint)
            continue
        message = f"{shown} is not a field Pinterest takes here; it would be ignored{unsent}"
        close = difflib.get_close_matches(cut, known, n=1, cutoff=0.7)
        if close:
            hint = f"Did you mean {close[0]}? Rename it."
        else:
            hint = f"Remove it; the fields here are: {', '.join(known)}."
        yield PIN_UNKNOWN_FIELD.finding(field, message, hint)


def check_dominant_color(pin: PinCreate, settings: Settings) -> Sequence[Finding]:
    """``pin.dominant_color_invalid`` unless the colour is ``#RRGGBB``."""
    color = pin.dominant_color
    if color is None or _HEX_COLOR.fullmatch(color):
        return ()
    message = f"dominant_color {quote(color)} is not of the form #RRGGBB"
    hint = None
    if _SHORT_HEX_COLOR.fullmatch(color):
        digits = color.lstrip("#")
        full = digits if len(digits) == 6 else "".join(ch * 2 for ch in digits)
        hint = f"Write it as #{full.upper()}."
    return (PIN_DOMINANT_COLOR_INVALID.finding("dominant_color", message, hint),)
