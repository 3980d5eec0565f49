"""Generated pin payloads for the benchmarks: realistic shapes, a fixed mix, a fixed seed.

About seven in ten pins are valid (single images, carousels, base64 images, videos with covers);
the rest carry the mistakes calendars really contain (a board name for an id, a WebP, a missing
cover content type, a long title, an unknown field, ...), so the slow paths are measured too.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from typing import Any

PNG_BASE64 = (
    "iVBORw0KGgoAAAANSUhEUgAAAlgAAAOEAQAAAABVlnKRAAAAWUlEQVR42u3BgQAAAADDoPlT3+AEVQEA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAPAMCz8AAaFYBVwAAAAASUVORK5CYII="
)
WORDS = [
    "spring",
    "summer",
    "table",
    "linen",
    "tulip",
    "recipe",
    "lemon",
    "picnic",
    "garden",
    "denim",
    "chair",
    "lamp",
    "cozy",
    "bright",
    "weekend",
    "kitchen",
    "easy",
    "quick",
    "guide",
    "ideas",
    "look",
    "style",
    "home",
    "party",
]

Maker = Callable[[random.Random, int], dict[str, Any]]


def _words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(count)).capitalize()


def _image(rng: random.Random, n: int) -> dict[str, Any]:
    return {
        "board_id": str(549755885175 + n % 40),
        "title": _words(rng, 5),
        "description": _words(rng, 30),
        "link": f"https://shop.example.com/p/{n}?utm_source=pinterest",
        "alt_text": _words(rng, 8),
        "media_source": {"source_type": "image_url", "url": f"https://cdn.example.com/{n}.jpg"},
    }


def _carousel(rng: random.Random, n: int) -> dict[str, Any]:
    pin = _image(rng, n)
    items = [
        {"url": f"https://cdn.example.com/{n}-{i}.png", "title": _words(rng, 2)}
        for i in range(rng.randint(2, 5))
    ]
    pin["media_source"] = {"source_type": "multiple_image_urls", "items": items}
    return pin


def _base64(rng: random.Random, n: int) -> dict[str, Any]:
    pin = _image(rng, n)
    pin["media_source"] = {
        "source_type": "image_base64",
        "content_type": "image/png",
        "data": PNG_BASE64,
    }
    return pin


def _video(rng: random.Random, n: int) -> dict[str, Any]:
    pin = _image(rng, n)
    pin["media_source"] = {
        "source_type": "video_id",
        "media_id": str(4876543210987654321 + n),
        "cover_image_url": f"https://cdn.example.com/covers/{n % 100}.jpg",
        "cover_image_content_type": "image/jpeg",
    }
    return pin


def _board_name(rng: random.Random, n: int) -> dict[str, Any]:
    return {**_image(rng, n), "board_id": "Spring recipes"}


def _no_board(rng: random.Random, n: int) -> dict[str, Any]:
    pin = _image(rng, n)
    del pin["board_id"]
    return pin


def _webp(rng: random.Random, n: int) -> dict[str, Any]:
    pin = _image(rng, n)
    pin["media_source"]["url"] = f"https://cdn.example.com/{n}.webp"
    return pin


def _cover_type_missing(rng: random.Random, n: int) -> dict[str, Any]:
    pin = _video(rng, n)
    del pin["media_source"]["cover_image_content_type"]
    return pin


def _long_title(rng: random.Random, n: int) -> dict[str, Any]:
    return {**_image(rng, n), "title": _words(rng, 30)}


def _unknown_field(rng: random.Random, n: int) -> dict[str, Any]:
    return {**_image(rng, n), "note": "check with legal"}


# (maker, weight): 70 % valid, 30 % with a mistake.
MIX: tuple[tuple[Maker, int], ...] = (
    (_image, 40),
    (_carousel, 10),
    (_base64, 5),
    (_video, 15),
    (_board_name, 6),
    (_no_board, 5),
    (_webp, 5),
    (_cover_type_missing, 5),
    (_long_title, 5),
    (_unknown_field, 4),
)


def generate(
    count: int, seed: int = 20261128, *, cache_busters: bool = False
) -> Iterator[dict[str, Any]]:
    """``count`` payloads drawn from ``MIX``.

    ``cache_busters``: every media URL ends in ``?v=N``, as many CDNs and shops (Shopify's
    ``?v=1699...``) write them. A query string could be a signature, so such pins cost the
    deadline check that plain URLs skip; the same pins otherwise.
    """
    rng = random.Random(seed)
    makers = [maker for maker, _ in MIX]
    weights = [weight for _, weight in MIX]
    for n in range(count):
        pin = rng.choices(makers, weights)[0](rng, n)
        if cache_busters:
            _bust(pin.get("media_source"), n)
        yield pin


def _bust(source: Any, n: int) -> None:
    """Append ``?v=N`` to each media URL of ``source`` (image, carousel items, video cover)."""
    if not isinstance(source, dict):
        return
    for key in ("url", "cover_image_url"):
        if isinstance(source.get(key), str):
            source[key] += f"?v={n}"
    for item in source.get("items") or ():
        if isinstance(item, dict) and isinstance(item.get("url"), str):
            item["url"] += f"?v={n}"
