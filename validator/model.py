"""pydantic models of the body of ``POST /v5/pins`` (``PinCreate``) and its media sources.

The shapes, limits and patterns are those of Pinterest's OpenAPI description 5.23 plus the 5.28
changelog (``shared/reference/pinterest-api.md`` §1.2 and §2). Two deliberate departures, both so
that one validation pass reports everything:

* Fields the spec marks required inside a media source (``url``, ``media_id``, ``items``, ...) are
  optional here. Their absence is reported by the rules with a specific code
  (``media.url_invalid``, ``media.media_id_invalid``, ...) instead of a generic "field required",
  and a payload with one missing field still gets its other fields checked.
* Unknown fields are kept (``extra="allow"``): Pinterest ignores them, which is exactly why
  ``pin.unknown_field`` must see them.

Validation is strict (no "5" for 5, no 1 for true): the API validates JSON types, so lax coercion
here would pass payloads that Pinterest refuses. Users may build these models directly; the
validator itself goes through ``validator.parse``, which never raises.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

__all__ = [
    "IMAGE_CONTENT_TYPES",
    "SOURCE_TYPES",
    "AiDisclosures",
    "CarouselBase64Item",
    "CarouselURLItem",
    "ImageBase64Source",
    "ImageURLSource",
    "ImagesBase64Source",
    "ImagesURLSource",
    "MediaSource",
    "PinCreate",
    "PinURLSource",
    "VideoSource",
]

# §1.2 / §2: ids are strings of digits (anchored since 5.3.0). ASCII digits: in pydantic-core's
# Rust regex \d is any Unicode digit ("١٢٣"), which is no id Pinterest has.
Digits = Annotated[str, StringConstraints(pattern=r"^[0-9]+$")]
# §2: image_base64.data pattern ^[a-zA-Z0-9+/=]+$: raw base64, no data: prefix, no whitespace.
Base64Text = Annotated[str, StringConstraints(pattern=r"^[a-zA-Z0-9+/=]+$")]
# §2: the ContentType enum has exactly these two values.
ImageContentType = Literal["image/jpeg", "image/png"]
IMAGE_CONTENT_TYPES: tuple[str, ...] = ("image/jpeg", "image/png")
# §1.2: text limits, in characters (JSON Schema's maxLength counts code points): title 100,
# description 800, alt_text 500, a destination link 2048.
TITLE_MAX_LENGTH = 100
DESCRIPTION_MAX_LENGTH = 800
ALT_TEXT_MAX_LENGTH = 500
LINK_MAX_LENGTH = 2048
# §2: the carousel variants take 2 to 5 items; index is the initially shown item, >= 0.
CAROUSEL_MIN_ITEMS = 2
CAROUSEL_MAX_ITEMS = 5
#: The items of a carousel that are checked and fetched, whatever its count: enough to say which
#: of six or seven slides to drop, not a whole image library put in one pin by mistake.
CAROUSEL_CHECKED_ITEMS = 2 * CAROUSEL_MAX_ITEMS


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True, strict=True)


class ImageURLSource(_Model):
    """``source_type: image_url``: Pinterest fetches the image from ``url``."""

    source_type: Literal["image_url"]
    url: str | None = None
    is_standard: bool | None = None


class ImageBase64Source(_Model):
    """``source_type: image_base64``: the image travels in the request, base64-encoded."""

    source_type: Literal["image_base64"]
    content_type: ImageContentType | None = None
    data: Base64Text | None = None
    is_standard: bool | None = None


class CarouselURLItem(_Model):
    """One slide of a ``multiple_image_urls`` carousel."""

    url: str | None = None
    title: str | None = None
    description: str | None = None
    link: str | None = None


class CarouselBase64Item(_Model):
    """One slide of a ``multiple_image_base64`` carousel."""

    content_type: ImageContentType | None = None
    data: Base64Text | None = None
    title: str | None = None
    description: str | None = None
    link: str | None = None


class ImagesURLSource(_Model):
    """``source_type: multiple_image_urls``: a carousel of 2 to 5 images fetched by URL."""

    source_type: Literal["multiple_image_urls"]
    # Any count: the rule says when it is not 2 to 5 (carousel.item_count), and every item is
    # still checked, so that one run tells which of six slides to drop.
    items: list[CarouselURLItem] | None = None
    index: Annotated[int, Field(ge=0)] | None = None


class ImagesBase64Source(_Model):
    """``source_type: multiple_image_base64``: a carousel of 2 to 5 base64 images."""

    source_type: Literal["multiple_image_base64"]
    # Any count: the rule says when it is not 2 to 5 (carousel.item_count), and every item is
    # still checked, so that one run tells which of six slides to drop.
    items: list[CarouselBase64Item] | None = None
    index: Annotated[int, Field(ge=0)] | None = None


class VideoSource(_Model):
    """``source_type: video_id``: a video uploaded beforehand through ``POST /v5/media``."""

    source_type: Literal["video_id"]
    media_id: Digits | None = None
    cover_image_url: str | None = None
    cover_image_content_type: ImageContentType | None = None
    cover_image_data: Base64Text | None = None
    # §2: seconds into the video, a whole number from 0.
    cover_image_key_frame_time: Annotated[int, Field(ge=0)] | None = None
    is_standard: bool | None = None


class PinURLSource(_Model):
    """``source_type: pin_url``: product pins from the pin's link (beta users only)."""

    source_type: Literal["pin_url"]
    is_affiliate_link: bool | None = None


MediaSource = Annotated[
    ImageURLSource
    | ImageBase64Source
    | ImagesURLSource
    | ImagesBase64Source
    | VideoSource
    | PinURLSource,
    Field(discriminator="source_type"),
]
SOURCE_TYPES: tuple[str, ...] = (
    "image_url",
    "image_base64",
    "multiple_image_urls",
    "multiple_image_base64",
    "video_id",
    "pin_url",
)


class AiDisclosures(_Model):
    """``ai_disclosures`` (API 5.28): which AI involvement the pin declares."""

    # §1.2: at least one value, of these two (the spec's enum).
    values: Annotated[list[Literal["AI_MODIFIED", "SYNTHETIC_PERFORMER"]], Field(min_length=1)]


class PinCreate(_Model):
    """The body of ``POST /v5/pins``.

    ``board_id`` and ``media_source`` are optional in the spec's schema but required by the
    server in practice (§1.3); the rules report their absence (``board.missing``,
    ``media.missing``).
    """

    board_id: Digits | None = None
    board_section_id: Digits | None = None
    title: Annotated[str, Field(max_length=TITLE_MAX_LENGTH)] | None = None
    description: Annotated[str, Field(max_length=DESCRIPTION_MAX_LENGTH)] | None = None
    link: Annotated[str, Field(max_length=LINK_MAX_LENGTH)] | None = None
    alt_text: Annotated[str, Field(max_length=ALT_TEXT_MAX_LENGTH)] | None = None
    dominant_color: str | None = None
    parent_pin_id: Digits | None = None
    sponsor_id: Digits | None = None
    media_source: MediaSource | None = None
    ai_disclosures: AiDisclosures | None = None
