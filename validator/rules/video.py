"""Video rules: a video pin needs a cover image, and its content type (pinterest-api.md §2).

The spec makes every cover field optional, but Pinterest refuses video pins without a cover
("cover_image_url or cover_image_content_type"); the user we build for asks that every video pin
carries a cover and its content type, so a key-frame time alone fails unless
``accept_key_frame_cover`` is set.
"""

from __future__ import annotations

from collections.abc import Sequence

from validator.codes.video import (
    VIDEO_COVER_IMAGE_CONTENT_TYPE_INVALID,
    VIDEO_COVER_IMAGE_CONTENT_TYPE_MISSING,
    VIDEO_COVER_IMAGE_URL_MISSING,
)
from validator.findings import Finding
from validator.messages import number, quote
from validator.model import PinCreate, VideoSource
from validator.probes.media import MediaProbe, Probe
from validator.probes.sniff import CONTENT_TYPES
from validator.rules.common import check_inline_image, check_media_url, inline_image_type
from validator.settings import Settings
from validator.slots import Slot
from validator.urls import IMAGE_TYPE_BY_EXTENSION, MediaKind, extension

__all__ = ["check_video_cover", "cover_named_otherwise", "cover_type_missing", "overruled_by_bytes"]


def cover_type_missing(pin: PinCreate) -> list[Finding]:
    """``video.cover_image_content_type_missing`` for a video pin with a cover but no type.

    The engine asks it too for a cover given as data that parsing took out (line breaks in the
    base64): still a cover the user gave, so its type is reported missing rather than the cover,
    and one run tells everything to fix.
    """
    source = pin.media_source
    if not isinstance(source, VideoSource) or source.cover_image_content_type is not None:
        return []
    message = "the video pin has a cover image but no cover_image_content_type"
    field = "media_source.cover_image_content_type"
    return [VIDEO_COVER_IMAGE_CONTENT_TYPE_MISSING.finding(field, message)]


def cover_named_otherwise(url: str, content_type: str | None) -> Finding | None:
    """``video.cover_image_content_type_invalid`` when the cover's name says another type.

    Offline the name is all there is to go by. Online, the cover's bytes settle it: a CDN's
    ``cover.jpg?fm=png`` is a PNG, and its declared image/png right (``overruled_by_bytes``).
    """
    ext = extension(url)
    implied = IMAGE_TYPE_BY_EXTENSION.get(ext or "")
    if implied is None or content_type is None or implied == content_type:
        return None
    message = (
        f"cover_image_content_type is {content_type} but the cover URL {quote(url)} ends in .{ext}"
    )
    hint = (
        f"Declare {implied}, or point cover_image_url at a file of type {content_type}. A name "
        "that is not its file's format (a CDN's ?fm=png) is settled by the bytes online."
    )
    field = "media_source.cover_image_content_type"
    return VIDEO_COVER_IMAGE_CONTENT_TYPE_INVALID.finding(field, message, hint)


# The catalogue's fix, for a run that trusts key frames already (it says to set the setting).
_KEY_FRAME_TRUSTED = (
    "Add cover_image_url (a public JPEG or PNG, ideally with the video's aspect ratio) and "
    "cover_image_content_type, or cover_image_key_frame_time: the second of the frame to show "
    "(accept_key_frame_cover is set)."
)


def check_video_cover(pin: PinCreate, settings: Settings) -> Sequence[Finding]:
    """The cover of a ``video_id`` pin: present, typed, and typed as its name and data say.

    A cover URL and cover data of two formats are two covers: no content type can fit both.
    """
    source = pin.media_source
    if not isinstance(source, VideoSource):
        return ()
    url, data = source.cover_image_url, source.cover_image_data
    content_type = source.cover_image_content_type
    if url is None and data is None:
        key_frame = source.cover_image_key_frame_time
        if key_frame is None or not settings.accept_key_frame_cover:
            message = "the video pin has no cover_image_url (nor cover_image_data)"
            if key_frame is not None:
                message += f"; only cover_image_key_frame_time ({number(key_frame)} s) is given"
            hint = _KEY_FRAME_TRUSTED if settings.accept_key_frame_cover else None
            field = "media_source.cover_image_url"
            return (VIDEO_COVER_IMAGE_URL_MISSING.finding(field, message, hint),)
        return ()
    found: list[Finding | None] = list(cover_type_missing(pin))
    field = "media_source.cover_image_content_type"
    ext = extension(url) if url is not None else None
    implied = IMAGE_TYPE_BY_EXTENSION.get(ext or "")
    # Decoded here only when both covers are given: check_inline_image decodes the data anyway.
    held = inline_image_type(data) if url is not None and implied is not None else None
    if held is not None and implied != held:
        # Two covers, not one mistyped: no content type can be right for both.
        message = (
            f"the cover URL {quote(url)} ends in .{ext} but cover_image_data holds "
            f"{'a JPEG' if held == 'image/jpeg' else 'a PNG'} image: two different covers"
        )
        hint = "Give one cover, cover_image_url or cover_image_data, and declare its type."
        found.append(VIDEO_COVER_IMAGE_CONTENT_TYPE_INVALID.finding(field, message, hint))
        found.append(check_media_url(url, "media_source.cover_image_url", MediaKind.IMAGE))
        return [finding for finding in found if finding is not None]
    if url is not None:
        found.append(check_media_url(url, "media_source.cover_image_url", MediaKind.IMAGE))
        found.append(cover_named_otherwise(url, content_type))
    if data is not None:
        found.extend(
            check_inline_image(
                data,
                "media_source.cover_image_data",
                content_type,
                field,
                settings,
                VIDEO_COVER_IMAGE_CONTENT_TYPE_INVALID,
                cover=True,
            ).findings
        )
    return [finding for finding in found if finding is not None]


def overruled_by_bytes(slot: Slot, probe: Probe) -> Finding | None:
    """The offline finding that a cover's bytes prove wrong, if any.

    A cover named ``.jpg`` but declared image/png is ``video.cover_image_content_type_invalid``
    offline, where the name is all there is. When its bytes are a PNG, the declared type is
    right and only the name is not (``media.type_mismatch`` says so): otherwise declaring
    image/jpeg, as the offline hint says, became ``video.cover_image_content_type_mismatch``.
    """
    if not (slot.cover and isinstance(probe, MediaProbe) and slot.declared_type is not None):
        return None
    if CONTENT_TYPES.get(probe.container) != slot.declared_type:
        return None
    return cover_named_otherwise(slot.url, slot.declared_type)
