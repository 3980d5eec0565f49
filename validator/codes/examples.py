"""Small payload builders for the catalogue's examples.

Each catalogue example is a whole payload, so that ``pin-preflight codes CODE`` shows something a
user can paste, and so that the catalogue tests can run it. Building them from one valid pin keeps
every example minimal: it differs from a passing pin only in what the code is about.
"""

from __future__ import annotations

from typing import Any

BOARD_ID = "549755885175"
IMAGE_URL = "https://cdn.example.com/pins/spring-sale.jpg"
COVER_URL = "https://cdn.example.com/pins/spring-sale-cover.jpg"
# A real PNG as small as Pinterest takes one: 600x900 px (2:3), black and white, 146 bytes.
PNG_BASE64 = (
    "iVBORw0KGgoAAAANSUhEUgAAAlgAAAOEAQAAAABVlnKRAAAAWUlEQVR42u3BgQAAAADDoPlT3+AEVQEA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAPAMCz8AAaFYBVwAAAAASUVORK5CYII="
)


def image_pin(**changes: Any) -> dict[str, Any]:
    """A valid image pin, with top-level keys replaced (``None`` removes a key)."""
    pin: dict[str, Any] = {
        "board_id": BOARD_ID,
        "title": "Spring sale",
        "media_source": {"source_type": "image_url", "url": IMAGE_URL},
    }
    return _apply(pin, changes)


def media_pin(media_source: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A valid pin around the given ``media_source``."""
    return image_pin(media_source=media_source, **changes)


def video_source(**changes: Any) -> dict[str, Any]:
    """A valid ``video_id`` media source, with keys replaced (``None`` removes a key)."""
    source: dict[str, Any] = {
        "source_type": "video_id",
        "media_id": "4876543210987654321",
        "cover_image_url": COVER_URL,
        "cover_image_content_type": "image/jpeg",
    }
    return _apply(source, changes)


def carousel_source(count: int) -> dict[str, Any]:
    """A carousel media source with ``count`` image items."""
    return {
        "source_type": "multiple_image_urls",
        "items": [{"url": f"https://cdn.example.com/pins/slide-{i}.jpg"} for i in range(count)],
    }


def _apply(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    for key, value in changes.items():
        if value is None:
            base.pop(key, None)
        else:
            base[key] = value
    return base
