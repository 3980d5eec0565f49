"""Offline rules: pure functions from a parsed pin (and the settings) to findings.

Rules do no I/O and read no globals. Each returns the findings it has (usually none, as an empty
tuple: no generator to build and drain for the common clean pin). ``PIN_RULES`` run on every pin;
``SOURCE_RULES`` add the rules of the pin's kind of media, so an image pin never pays for the
video cover checks. ``rules_for`` gives the whole tuple, in the order findings are reported:
board first, then media, then text and the minor fields.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType

from pydantic import BaseModel

from validator.findings import Finding
from validator.model import (
    ImageBase64Source,
    ImagesBase64Source,
    ImagesURLSource,
    ImageURLSource,
    PinCreate,
    PinURLSource,
    VideoSource,
)
from validator.rules.board import check_board
from validator.rules.carousel import check_carousel
from validator.rules.media_source import (
    check_image_base64,
    check_image_url,
    check_media_missing,
    check_pin_url,
    check_video_media_id,
)
from validator.rules.pin import check_dominant_color, check_unknown_fields
from validator.rules.text import check_text
from validator.rules.video import check_video_cover
from validator.settings import Settings

__all__ = ["PIN_RULES", "SOURCE_RULES", "Rule", "rules_for"]

Rule = Callable[[PinCreate, Settings], Sequence[Finding]]

PIN_RULES: tuple[Rule, ...] = (check_text, check_dominant_color, check_unknown_fields)

SOURCE_RULES: Mapping[type[BaseModel] | None, tuple[Rule, ...]] = MappingProxyType({
    None: (check_media_missing,),
    ImageURLSource: (check_image_url,),
    ImageBase64Source: (check_image_base64,),
    ImagesURLSource: (check_carousel,),
    ImagesBase64Source: (check_carousel,),
    VideoSource: (check_video_media_id, check_video_cover),
    PinURLSource: (check_pin_url,),
})  # fmt: skip

_BY_SOURCE: Mapping[type[BaseModel] | None, tuple[Rule, ...]] = {
    source: (check_board, *rules, *PIN_RULES) for source, rules in SOURCE_RULES.items()
}


def rules_for(pin: PinCreate) -> tuple[Rule, ...]:
    """Every rule that applies to ``pin``, in reporting order."""
    source = pin.media_source
    return _BY_SOURCE[None if source is None else type(source)]
