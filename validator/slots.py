"""The media URLs of a pin that Pinterest fetches: what is probed, and where findings go."""

from __future__ import annotations

from typing import NamedTuple

from validator.model import (
    CAROUSEL_CHECKED_ITEMS,
    ImagesURLSource,
    ImageURLSource,
    PinCreate,
    VideoSource,
)
from validator.signed_urls import may_have_deadline
from validator.urls import MediaKind

__all__ = ["Slot", "may_be_signed", "media_slots"]


class Slot(NamedTuple):
    """One URL of a pin that Pinterest will fetch, and what it must hold.

    A named tuple: every pin of every calendar gets its slots listed (for signed-URL deadlines).
    """

    field: str
    url: str
    kind: MediaKind
    declared_type: str | None = None
    """The content type the payload declares for it (``cover_image_content_type``)."""
    cover: bool = False
    """A video's cover: held to the image shape rule, not the width one (a frame of the video)."""
    local: bool = False
    """``url`` is a file on this machine (media not hosted yet): probed even offline."""
    shown: str | None = None
    """How messages name a local file whose ``url`` is the absolute path it is read from: from
    the calendar's name as given (the pytest plugin reads calendars by their absolute paths)."""


def media_slots(pin: PinCreate) -> list[Slot]:
    """The URLs of ``pin`` that Pinterest fetches: the image, the carousel items, the cover."""
    source = pin.media_source
    if isinstance(source, ImageURLSource) and source.url is not None:
        return [Slot("media_source.url", source.url, MediaKind.IMAGE)]
    if isinstance(source, ImagesURLSource) and source.items:
        return [
            Slot(f"media_source.items[{index}].url", item.url, MediaKind.IMAGE)
            for index, item in enumerate(source.items[:CAROUSEL_CHECKED_ITEMS])
            if item.url is not None
        ]
    if isinstance(source, VideoSource) and source.cover_image_url is not None:
        field = "media_source.cover_image_url"
        declared = source.cover_image_content_type
        return [Slot(field, source.cover_image_url, MediaKind.IMAGE, declared, cover=True)]
    return []


def may_be_signed(pin: PinCreate) -> bool:
    """Whether a media URL of ``pin`` may carry a signature's deadline (``may_have_deadline``).

    Read from the model directly, without listing the slots: the clean stage asks it of every pin.
    """
    source = pin.media_source
    if isinstance(source, ImageURLSource):
        return source.url is not None and may_have_deadline(source.url)
    if isinstance(source, VideoSource):
        return source.cover_image_url is not None and may_have_deadline(source.cover_image_url)
    if isinstance(source, ImagesURLSource) and source.items:
        return any(
            item.url is not None and may_have_deadline(item.url)
            for item in source.items[:CAROUSEL_CHECKED_ITEMS]
        )
    return False
