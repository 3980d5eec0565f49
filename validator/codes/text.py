"""``text.*``: title, description, alt text and destination link."""

from __future__ import annotations

import unicodedata
from typing import Final

from validator.codes.base import Code
from validator.codes.examples import image_pin
from validator.findings import Action, Finding, Severity
from validator.messages import plural, quote

TEXT_TITLE_TOO_LONG: Final = Code(
    id="text.title_too_long",
    severity=Severity.ERROR,
    action=Action.USER_ERROR,
    summary="The title is longer than 100 characters.",
    why="The API refuses a title over 100 characters (maxLength 100) instead of cutting it.",
    fix="Shorten the title to 100 characters or fewer; move detail into the description.",
    reference="pinterest-api.md §1.2 (title maxLength 100)",
    example_bad=image_pin(title="Spring sale " * 10),
    example_good=image_pin(),
)

TEXT_DESCRIPTION_TOO_LONG: Final = Code(
    id="text.description_too_long",
    severity=Severity.ERROR,
    action=Action.USER_ERROR,
    summary="The description is longer than 800 characters.",
    why="The API refuses a description over 800 characters (maxLength 800 since API 5.12).",
    fix="Shorten the description to 800 characters or fewer (500 or fewer to be safe everywhere).",
    reference="pinterest-api.md §1.2 and §4.4 (description maxLength 800)",
    example_bad=image_pin(description="Fresh ideas for spring. " * 40),
    example_good=image_pin(description="Fresh ideas for spring."),
)

TEXT_DESCRIPTION_LONG: Final = Code(
    id="text.description_long",
    severity=Severity.WARNING,
    action=Action.USER_ERROR,
    summary="The description is longer than 500 characters (the help center's limit).",
    why=(
        "The API takes up to 800 characters, but Pinterest's help center, its SDK and its bulk "
        "upload tool all say 500; the rest may be cut, and a bulk upload refuses it."
    ),
    fix="Keep the description to 500 characters, with the important words in the first 50.",
    reference="pinterest-api.md §4.4 (help center 500 vs spec 800)",
    example_bad=image_pin(description="Fresh ideas for spring. " * 25),
    example_good=image_pin(description="Fresh ideas for spring."),
)

TEXT_ALT_TEXT_TOO_LONG: Final = Code(
    id="text.alt_text_too_long",
    severity=Severity.ERROR,
    action=Action.USER_ERROR,
    summary="The alt text is longer than 500 characters.",
    why="The API refuses alt_text over 500 characters (maxLength 500).",
    fix="Describe the image in 500 characters or fewer.",
    reference="pinterest-api.md §1.2 (alt_text maxLength 500)",
    example_bad=image_pin(alt_text="A basket of tulips on a wooden table. " * 15),
    example_good=image_pin(alt_text="A basket of tulips on a wooden table."),
)

TEXT_LINK_TOO_LONG: Final = Code(
    id="text.link_too_long",
    severity=Severity.ERROR,
    action=Action.USER_ERROR,
    summary="The destination link is longer than 2048 characters.",
    why="The API refuses a link over 2048 characters (maxLength 2048).",
    fix="Use a shorter URL: drop tracking parameters or use your own short link.",
    reference="pinterest-api.md §1.2 (link maxLength 2048)",
    example_bad=image_pin(link="https://shop.example.com/spring?utm=" + "x" * 2048),
    example_good=image_pin(link="https://shop.example.com/spring"),
)

TEXT_LINK_INVALID: Final = Code(
    id="text.link_invalid",
    severity=Severity.ERROR,
    action=Action.USER_ERROR,
    summary="The destination link is not an absolute http(s) URL.",
    why=(
        'Pinterest answers "Whoops! It looks like you entered an invalid URL" (code 1) for a '
        "link it cannot follow: a relative path, a missing scheme, or another scheme."
    ),
    fix="Give the full address, starting with https:// (or http://), or leave link out.",
    reference="pinterest-api.md §5.3 (code 1, invalid URL)",
    example_bad=image_pin(link="shop.example.com/spring"),
    example_good=image_pin(link="https://shop.example.com/spring"),
)


def too_long(code: Code, field: str, value: str, limit: int, *, name: str | None = None) -> Finding:
    """The finding of a text over its limit, worded alike for API payloads and CSV cells.

    ``name``: the field as the message names it, when not ``field`` (``title`` for
    ``media_source.items[1].title``).
    """
    shown = f"{len(value)} characters ({quote(value, 40)})"
    message = f"{name or field} is {shown}; the limit is {limit}"
    # Not a link's: composed, a URL's path is other bytes, which a server may not match.
    composed = composed_within(value, limit) if code is not TEXT_LINK_TOO_LONG else None
    hint = composed or f"Remove at least {plural(len(value) - limit, 'character')}. {code.fix}"
    return code.finding(field, message, hint)


def composed_within(value: str, limit: int) -> str | None:
    """The hint for a text over ``limit`` only while some letters are written in pieces.

    "é" may be written as "e" and a combining accent, and a Hangul syllable as its jamo (NFD,
    as macOS file names and some editors write them): two or three characters to Pinterest's
    count. Composed (NFC), nothing is lost.
    """
    if value.isascii():
        return None
    composed = len(unicodedata.normalize("NFC", value))
    if composed >= len(value) or composed > limit:
        return None
    return (
        f"Some of its letters are written as several characters (an accent apart from its "
        f"letter, say): composed (Unicode NFC) it is {composed} characters, within {limit}. "
        'Normalize it rather than cut it (unicodedata.normalize("NFC", text) in Python).'
    )
