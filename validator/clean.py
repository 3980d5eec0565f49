"""The clean-pin model: one pydantic-core validation that proves the offline rules find nothing.

Most pins of a calendar are fine, and for them the Python rules are pure cost. ``CleanPin`` is
``PinCreate`` with the rules written as pydantic constraints (required board and media, plain
ASCII http(s) URLs whose names end in JPEG or PNG extensions, a description within the warning
length, no unknown fields, a cover whose content type agrees with its name), so that
pydantic-core alone can say that a pin is clean. Only one constraint calls back into Python: a
media URL may not be a Dropbox share link (``urls.may_be_share_page``), which names its image
but opens a page. ``validator.parse`` validates against ``EITHER`` (``CleanPin``, else
``PinCreate``) in one pass: a pin that comes out clean needs no rules at all, and every other pin
takes the full path (``validator.rules``), which alone words findings. The limits are the
model's and the rules' (pinterest-api.md §1-2, §4).

The contract, held by ``tests/test_clean.py`` (a property test over generated payloads and a
comparison of both paths over every fixture): **whatever ``CleanPin`` accepts, the full path
reports nothing for**. The constraints are narrower than the rules wherever that is simpler: a
fragment or a non-ASCII character in a URL, or a cover given as a key-frame time, simply takes
the full path. So does a ``pin_url`` pin (its rule reads the pin's link), a carousel ``index``
past 0, and every image sent as base64: the rules read its bytes (size, dimensions, a cut-off
end), which no pattern can. A media URL's query string is allowed: it is no rule's business, but
it may be a signature, so the engine's clean stage checks its deadline as the full path does. So
a rule that changes must change here too, or the property test fails.

The classes subclass the ``validator.model`` ones, so a clean pin *is* a ``PinCreate`` and the
network stage reads its media URLs as from any other.
"""

from __future__ import annotations

from typing import Annotated, Literal, cast

from pydantic import (
    AfterValidator,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
)
from pydantic_core import ErrorDetails, SchemaValidator

from validator.model import (
    CAROUSEL_MAX_ITEMS,
    CAROUSEL_MIN_ITEMS,
    LINK_MAX_LENGTH,
    AiDisclosures,
    CarouselURLItem,
    ImagesURLSource,
    ImageURLSource,
    PinCreate,
    VideoSource,
)
from validator.settings import Settings
from validator.urls import ASCII_HOST, MAX_URL_LENGTH, may_be_share_page

__all__ = [
    "CLEAN_DESCRIPTION_LENGTH",
    "EITHER",
    "CleanPin",
    "applies",
    "pin_create_errors",
]

#: ``text.description_long`` fires above ``Settings.description_warn_length``: a clean
#: description is at most its default long, so the fast path holds for any setting at or above.
CLEAN_DESCRIPTION_LENGTH: int = Settings.model_fields["description_warn_length"].default

# The patterns run in pydantic-core's Rust regex engine, where \d, \s and (?i) are Unicode-aware:
# every class below is spelled out in ASCII instead. [!-~] is printable ASCII without the space.
_SCHEME_HOST = rf"[Hh][Tt][Tt][Pp][Ss]?://{ASCII_HOST}(?::[1-9][0-9]{{0,3}})?"
# validator.urls.is_plain_image_url, narrowed: no fragment. A query string (a CDN's cache buster,
# or a signature) may follow the name: the engine's clean stage checks its deadline, if any.
_IMAGE_PATH = rf"^{_SCHEME_HOST}/[!-~&&[^?#]]*[!-~&&[^/?#.]]\."
_QUERY = r"(?:\?[!-~&&[^#]]*)?"
_JPEG_EXTENSION = (
    "(?:[Jj][Pp][Ee]?[Gg]|[Jj][Pp][Ee]|[Jj][Ff][Ii][Ff])"  # urls.py: jpg jpeg jpe jfif
)
_PNG_EXTENSION = "[Pp][Nn][Gg]"
# validator.urls.url_problem's shortcut, narrowed to printable ASCII.
_LINK = rf"^{_SCHEME_HOST}(?:[/?#][!-~]*)?$"


def _no_share_page(url: str) -> str:
    """A Dropbox share link names its file but opens a page: the rules say so (``share_page``)."""
    if may_be_share_page(url):
        raise ValueError("may be a share page")
    return url


_NOT_A_PAGE = AfterValidator(_no_share_page)
JPEGURL = Annotated[
    str,
    StringConstraints(
        pattern=f"{_IMAGE_PATH}{_JPEG_EXTENSION}{_QUERY}$", max_length=MAX_URL_LENGTH
    ),
    _NOT_A_PAGE,
]
PNGURL = Annotated[
    str,
    StringConstraints(pattern=f"{_IMAGE_PATH}{_PNG_EXTENSION}{_QUERY}$", max_length=MAX_URL_LENGTH),
    _NOT_A_PAGE,
]
ImageURL = Annotated[
    str,
    StringConstraints(
        pattern=f"{_IMAGE_PATH}(?:{_JPEG_EXTENSION}|{_PNG_EXTENSION}){_QUERY}$",
        max_length=MAX_URL_LENGTH,
    ),
    _NOT_A_PAGE,
]
Link = Annotated[str, StringConstraints(pattern=_LINK, max_length=LINK_MAX_LENGTH)]
Digits = Annotated[str, StringConstraints(pattern=r"^[0-9]+$")]
Color = Annotated[str, StringConstraints(pattern=r"^#[0-9A-Fa-f]{6}$")]

# Merged with validator.model's config (strict, frozen): only the unknown-field policy changes.
_NO_EXTRA = ConfigDict(extra="forbid")


class CleanImageURLSource(ImageURLSource):
    """An ``image_url`` source whose URL is plainly a JPEG or PNG."""

    model_config = _NO_EXTRA
    url: ImageURL


class CleanCarouselURLItem(CarouselURLItem):
    """A carousel slide with a plain image URL and, if any, a plain link."""

    model_config = _NO_EXTRA
    url: ImageURL
    link: Link | None = None


class CleanImagesURLSource(ImagesURLSource):
    """A ``multiple_image_urls`` carousel of clean slides; an ``index`` past 0 is its rule's."""

    model_config = _NO_EXTRA
    # Narrower than the model's: 0 is always an item. An int, strictly: Literal[0] took 0.0,
    # -0.0 and false, which the full path reports (carousel.index_invalid).
    index: Annotated[int, Field(strict=True, ge=0, le=0)] | None = None
    items: Annotated[  # type: ignore[assignment]  # list is invariant; these items are a subtype
        list[CleanCarouselURLItem],
        Field(min_length=CAROUSEL_MIN_ITEMS, max_length=CAROUSEL_MAX_ITEMS),
    ]


class _CleanVideoSource(VideoSource):
    model_config = _NO_EXTRA
    media_id: Digits
    cover_image_data: None = None  # a cover's data is sniffed by the rules: the full path


class CleanVideoJPEGCover(_CleanVideoSource):
    """A ``video_id`` source with its media id and a JPEG cover, named and typed as one."""

    cover_image_url: JPEGURL
    cover_image_content_type: Literal["image/jpeg"]


class CleanVideoPNGCover(_CleanVideoSource):
    """A ``video_id`` source with its media id and a PNG cover, named and typed as one."""

    cover_image_url: PNGURL
    cover_image_content_type: Literal["image/png"]


# The cover's content type must agree with its URL's name (rules/video.py): two fields, so two
# models, told apart by the type they declare. A cover given as data takes the full path.
CleanVideoSource = Annotated[
    CleanVideoJPEGCover | CleanVideoPNGCover, Field(discriminator="cover_image_content_type")
]


class CleanAiDisclosures(AiDisclosures):
    """No key but ``values``: another is the rules' ``pin.unknown_field``."""

    model_config = _NO_EXTRA


class CleanPin(PinCreate):
    """A pin the offline rules have nothing to say about (see the module docstring)."""

    model_config = _NO_EXTRA
    ai_disclosures: CleanAiDisclosures | None = None
    board_id: Digits
    board_section_id: Digits | None = None
    description: Annotated[str, Field(max_length=CLEAN_DESCRIPTION_LENGTH)] | None = None
    link: Link | None = None
    dominant_color: Color | None = None
    media_source: Annotated[  # required here, optional in PinCreate
        CleanImageURLSource | CleanImagesURLSource | CleanVideoSource,
        Field(discriminator="source_type"),
    ]


def applies(settings: Settings) -> bool:
    """Whether "clean" under ``CleanPin`` means clean under ``settings``' rules too.

    Only the description's warning length is a setting the constraints depend on; the others
    (``accept_key_frame_cover``, ``strict``, ``select``...) can only add findings to pins that are
    not clean, or drop findings.
    """
    return settings.description_warn_length >= CLEAN_DESCRIPTION_LENGTH


# One validation for both answers: a CleanPin when clean, else a PinCreate, else the errors. The
# JSON is read once, and a pin that is not clean does not pay for a second call and exception.
EITHER = cast(  # a plugin's wrapper, if any is installed, has the same methods
    "SchemaValidator",
    TypeAdapter(Annotated[CleanPin | PinCreate, Field(union_mode="left_to_right")]).validator,
)
"""Validates JSON text or a dict into a ``CleanPin`` or else a ``PinCreate``, or raises."""

# pydantic-core puts a union member's name first in the location of its errors.
_PIN_CREATE_TAG = PinCreate.__name__


def pin_create_errors(exc: ValidationError) -> list[ErrorDetails]:
    """The errors of ``EITHER``'s ``PinCreate`` side, as ``PinCreate`` alone reports them.

    Empty when the input was no JSON at all (that error belongs to neither side).
    """
    errors: list[ErrorDetails] = []
    for error in exc.errors(include_url=False):  # fresh dicts: ours to change
        loc = error["loc"]
        if loc[:1] == (_PIN_CREATE_TAG,):
            error["loc"] = loc[1:]
            errors.append(error)
    return errors
