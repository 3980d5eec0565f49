"""Media source rules for single-media pins: the pin has media, and it is usable as given.

Carousels and video covers have their own rule modules.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from validator.codes.media import (
    MEDIA_MEDIA_ID_INVALID,
    MEDIA_MISSING,
    MEDIA_PIN_URL_WITHOUT_LINK,
)
from validator.findings import Finding
from validator.model import (
    ImageBase64Source,
    ImageURLSource,
    PinCreate,
    PinURLSource,
    VideoSource,
)
from validator.rules.common import check_content_type, check_inline_image, check_media_url
from validator.rules.pin import ITEMS_WITHOUT_CAROUSEL
from validator.settings import Settings
from validator.urls import MediaKind

__all__ = [
    "check_image_base64",
    "check_image_url",
    "check_media_missing",
    "check_pin_url",
    "check_video_media_id",
]


def check_media_missing(pin: PinCreate, settings: Settings) -> Sequence[Finding]:
    """``media.missing``: every pin needs a media_source."""
    return (MEDIA_MISSING.finding("media_source", "the pin has no media_source"),)


def check_image_url(pin: PinCreate, settings: Settings) -> Sequence[Finding]:
    """An ``image_url`` pin's URL: present, fetchable, and JPEG or PNG by its name."""
    source = pin.media_source
    if not isinstance(source, ImageURLSource):
        return ()
    finding = check_media_url(source.url, "media_source.url", MediaKind.IMAGE)
    if finding is not None and source.url is None and "items" in (source.model_extra or {}):
        finding = dataclasses.replace(finding, hint=ITEMS_WITHOUT_CAROUSEL)  # a carousel's
    return () if finding is None else (finding,)


def check_image_base64(pin: PinCreate, settings: Settings) -> Sequence[Finding]:
    """An ``image_base64`` pin's content type and data."""
    source = pin.media_source
    if not isinstance(source, ImageBase64Source):
        return ()
    missing = check_content_type(source.content_type, "media_source.content_type")
    found = check_inline_image(
        source.data, "media_source.data", source.content_type, "media_source.content_type", settings
    ).findings
    return [missing, *found] if missing is not None else found


def check_video_media_id(pin: PinCreate, settings: Settings) -> Sequence[Finding]:
    """A ``video_id`` pin names the uploaded video (its format is checked while parsing)."""
    source = pin.media_source
    if not isinstance(source, VideoSource):
        return ()
    if source.media_id is None:
        field = "media_source.media_id"
        return (MEDIA_MEDIA_ID_INVALID.finding(field, "the video pin has no media_id"),)
    return ()


def check_pin_url(pin: PinCreate, settings: Settings) -> Sequence[Finding]:
    """A ``pin_url`` pin's media comes from a page: its link (§2, uncertain: a warning)."""
    if not isinstance(pin.media_source, PinURLSource) or pin.link is not None:
        return ()
    message = "the pin_url pin has no link: no page names its media"
    return (MEDIA_PIN_URL_WITHOUT_LINK.finding("link", message),)
