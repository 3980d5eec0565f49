"""``carousel.*``: pins of several images (``multiple_image_urls``, ``multiple_image_base64``)."""

from __future__ import annotations

from typing import Final

from validator.codes.base import Code
from validator.codes.examples import carousel_source, media_pin
from validator.findings import Action, Severity

CAROUSEL_ITEM_COUNT: Final = Code(
    id="carousel.item_count",
    severity=Severity.ERROR,
    action=Action.USER_ERROR,
    summary="A carousel has fewer than 2 or more than 5 items.",
    why=(
        "The API takes 2 to 5 images per carousel (minItems 2, maxItems 5) and refuses the pin "
        'otherwise ("constraint: maxItems=5").'
    ),
    fix="Send 2 to 5 items; a single image is an image_url pin, more than 5 need several pins.",
    reference="pinterest-api.md §2 and §4.3 (items minItems 2, maxItems 5)",
    example_bad=media_pin(carousel_source(6)),
    example_good=media_pin(carousel_source(3)),
)

CAROUSEL_INDEX_INVALID: Final = Code(
    id="carousel.index_invalid",
    severity=Severity.ERROR,
    action=Action.USER_ERROR,
    summary="A carousel's index is not a whole number, 0 or more.",
    why=(
        "The API declares index an integer with minimum 0 and validates the body against its "
        "schema: a negative index, a fraction or a quoted number fails the create call."
    ),
    fix="Set index to the position of the item to show first, counted from 0, or leave it out.",
    reference="pinterest-api.md §2 (index: integer, minimum 0)",
    example_bad=media_pin({**carousel_source(2), "index": -1}),
    example_good=media_pin({**carousel_source(2), "index": 0}),
)
CAROUSEL_INDEX_OUT_OF_RANGE: Final = Code(
    id="carousel.index_out_of_range",
    severity=Severity.WARNING,
    action=Action.USER_ERROR,
    summary="A carousel's index names no item (it is the number of items or more).",
    why=(
        "index picks, presumably, the slide shown first, counted from 0; one past the last item "
        "shows nothing there. The spec gives only its minimum (0), so this is a warning."
    ),
    fix="Set index from 0 to the number of items less one, or leave it out to start at the first.",
    reference="pinterest-api.md §2 (index: integer, minimum 0, undocumented semantics)",
    example_bad=media_pin({**carousel_source(2), "index": 2}),
    example_good=media_pin({**carousel_source(2), "index": 1}),
)
