"""Carousel rules: the count of items, and the items themselves (whatever their count)."""

from __future__ import annotations

from collections.abc import Sequence

from validator.codes.carousel import CAROUSEL_INDEX_OUT_OF_RANGE, CAROUSEL_ITEM_COUNT
from validator.findings import Finding
from validator.messages import number, plural
from validator.model import (
    CAROUSEL_CHECKED_ITEMS,
    CAROUSEL_MAX_ITEMS,
    CAROUSEL_MIN_ITEMS,
    ImagesBase64Source,
    ImagesURLSource,
    PinCreate,
)
from validator.rules.common import (
    check_content_type,
    check_inline_image,
    check_link,
    check_media_url,
)
from validator.rules.media_facts import sizes_differ
from validator.rules.pin import URL_WITHOUT_IMAGE
from validator.settings import Settings
from validator.urls import MediaKind

__all__ = ["check_carousel"]


def check_carousel(pin: PinCreate, settings: Settings) -> Sequence[Finding]:
    """Each slide is a usable image with a usable link; a carousel without items fails."""
    source = pin.media_source
    if not isinstance(source, ImagesURLSource | ImagesBase64Source):
        return ()
    if source.items is None:
        field = "media_source.items"
        message = "the carousel has no items; it takes 2 to 5"
        one_image = isinstance(source, ImagesURLSource) and "url" in (source.model_extra or {})
        hint = URL_WITHOUT_IMAGE if one_image else None  # a single image's url, sent as one
        return (CAROUSEL_ITEM_COUNT.finding(field, message, hint),)
    count = len(source.items)
    # An index is judged against a carousel that could be sent: of one item, only the count is.
    found_index = _index_problem(source.index, count) if count >= CAROUSEL_MIN_ITEMS else None
    found: list[Finding | None] = [_count_problem(count)]
    links: list[str | None] = []
    if isinstance(source, ImagesURLSource):
        for index, url_item in enumerate(source.items[:CAROUSEL_CHECKED_ITEMS]):
            field = f"media_source.items[{index}].url"
            found.append(check_media_url(url_item.url, field, MediaKind.IMAGE))
            links.append(url_item.link)
    else:
        sizes: list[tuple[str, tuple[int, int]]] = []
        for index, data_item in enumerate(source.items[:CAROUSEL_CHECKED_ITEMS]):
            prefix = f"media_source.items[{index}]"
            type_field = f"{prefix}.content_type"
            found.append(check_content_type(data_item.content_type, type_field))
            inline = check_inline_image(
                data_item.data, f"{prefix}.data", data_item.content_type, type_field, settings
            )
            found.extend(inline.findings)
            if inline.size is not None:
                sizes.append((f"{prefix}.data", inline.size))
            links.append(data_item.link)
        found.extend(sizes_differ(sizes))  # as the network stage does for a URL carousel
    for index, link in enumerate(links):
        if link is not None:
            found.append(check_link(link, f"media_source.items[{index}].link"))
    return [finding for finding in [found_index, *found] if finding is not None]


def _count_problem(count: int) -> Finding | None:
    """``carousel.item_count`` unless the carousel has 2 to 5 items (pinterest-api.md §2)."""
    if CAROUSEL_MIN_ITEMS <= count <= CAROUSEL_MAX_ITEMS:
        return None
    message = (
        f"the carousel has {plural(count, 'item')}; "
        f"it takes {CAROUSEL_MIN_ITEMS} to {CAROUSEL_MAX_ITEMS}"
    )
    if count > CAROUSEL_CHECKED_ITEMS:
        message += f" (the first {CAROUSEL_CHECKED_ITEMS} were checked)"
    if count > CAROUSEL_MAX_ITEMS:
        hint = f"Remove {count - CAROUSEL_MAX_ITEMS}, or split the images into several pins."
    else:
        hint = "Add images up to at least 2, or publish a single image as source_type 'image_url'."
    return CAROUSEL_ITEM_COUNT.finding("media_source.items", message, hint)


def _index_problem(index: int | None, count: int) -> Finding | None:
    if index is None or index < count:
        return None
    shown = number(index)
    message = f"index is {shown}, but the carousel's {count} items are numbered 0 to {count - 1}"
    return CAROUSEL_INDEX_OUT_OF_RANGE.finding("media_source.index", message)
