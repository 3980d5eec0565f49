"""``pin-preflight demo``: the classic publishing failures, caught on a machine without internet.

``prepared()`` makes the sample media with Pillow (nothing binary ships in the package), serves
them from a ``server.MediaServer`` on 127.0.0.1, and writes a sample calendar whose pins mix good
ones with what goes wrong in real calendars: no board, a 403, a redirect loop, a WebP named
``.jpg``, a video pin without its cover content type, a signed URL that expires before the pin's
publish date. The CLI then checks that calendar exactly as ``pin-preflight check`` would, with
``allow_private_hosts`` (the server is on loopback, which Pinterest could never reach).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

from validator.demo.server import MediaServer, serve
from validator.settings import Settings

__all__ = ["Demo", "prepared"]

BOARD_ID = "549755885175"
CALENDAR_NAME = "demo-calendar.json"


@dataclass(frozen=True)
class Demo:
    """A running demo: the calendar to check, the settings to check it with, the server."""

    calendar: Path
    settings: Settings
    server: MediaServer
    pins: int


@contextmanager
def prepared(folder: Path | None = None) -> Iterator[Demo]:
    """Media, server and calendar, for the length of the block (in ``folder`` or a temp dir)."""
    with tempfile.TemporaryDirectory(prefix="pin-preflight-demo-") as temporary:
        root = folder if folder is not None else Path(temporary)
        media = root / "media"
        media.mkdir(parents=True, exist_ok=True)
        make_media(media)
        with serve((media,)) as server:
            entries = calendar_entries(server.base, datetime.now(UTC))
            calendar = root / CALENDAR_NAME
            calendar.write_text(json.dumps(entries, indent=2) + "\n", encoding="utf-8")
            # The server is on this machine: a proxy from the environment could not reach it.
            settings = Settings(allow_private_hosts=True, retries=0, deadline=5.0, trust_env=False)
            yield Demo(calendar, settings, server, len(entries))


def make_media(folder: Path) -> None:
    """The demo's files: a 2:3 photo, a 9:16 cover, and a WebP that calls itself a JPEG."""
    photo = _picture(1000, 1500)
    photo.save(folder / "spring-table.jpg", "JPEG", quality=85)
    _picture(720, 1280).save(folder / "picnic-cover.jpg", "JPEG", quality=85)
    photo.save(folder / "summer-hats.jpg", "WEBP", quality=80)  # the classic: WebP, named .jpg


def _picture(width: int, height: int) -> Image.Image:
    """A sky-and-hills picture: real JPEG/WebP data of realistic size, made in milliseconds."""
    sky = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    image = Image.merge("RGB", (sky.getchannel(0).point(lambda v: 90 + v // 3),
                                sky.getchannel(0).point(lambda v: 140 + v // 4),
                                Image.new("L", (width, height), 230)))  # fmt: skip
    draw = ImageDraw.Draw(image)
    for step in range(6):
        top = height * (55 + step * 7) // 100
        draw.ellipse((-width // 2 + step * width // 5, top, width + step * width // 7, height * 2),
                     fill=(60 + step * 15, 120 + step * 10, 70 + step * 5))  # fmt: skip
    return image


def calendar_entries(base: str, now: datetime) -> list[dict[str, Any]]:
    """The sample calendar: calendar entries (``publish_at`` + ``pin``) in API v5 form."""

    def image(url: str, title: str, **fields: Any) -> dict[str, Any]:
        pin = {"board_id": BOARD_ID, "title": title, "link": "https://shop.example.com/spring",
               "media_source": {"source_type": "image_url", "url": url}}  # fmt: skip
        pin.update(fields)
        return pin

    def video(title: str, media_id: str, **cover: str) -> dict[str, Any]:
        source = {"source_type": "video_id", "media_id": media_id, **cover}
        return {"board_id": BOARD_ID, "title": title, "media_source": source}

    photo = f"{base}/media/spring-table.jpg"
    cover = f"{base}/media/picnic-cover.jpg"
    signed_at = now.strftime("%Y%m%dT%H%M%SZ")
    signed = (
        f"{base}/signed/spring-table.jpg?X-Amz-Algorithm=AWS4-HMAC-SHA256"
        f"&X-Amz-Date={signed_at}&X-Amz-Expires=3600&X-Amz-Signature=d3m0"
    )
    pins = [
        image(photo, "Spring table, set in ten minutes"),
        video(
            "Picnic in 20 seconds",
            "4876543210987654321",
            cover_image_url=cover,
            cover_image_content_type="image/jpeg",
        ),
        {k: v for k, v in image(photo, "Lemon tart").items() if k != "board_id"},
        image(f"{base}/status/403", "Garden chairs (private bucket)"),
        image(f"{base}/loop/a", "Linen napkins (redirect loop)"),
        image(f"{base}/media/summer-hats.jpg", "Summer hats (a WebP named .jpg)"),
        video("Tulip time-lapse", "4876543210987654322", cover_image_url=cover),
        image(signed, "Weekend brunch (signed URL)"),
    ]
    publish = [now + timedelta(days=2, hours=i) for i in range(len(pins))]
    return [
        {"publish_at": when.strftime("%Y-%m-%dT%H:%M:%SZ"), "pin": pin}
        for when, pin in zip(publish, pins, strict=True)
    ]
