"""``pin.*``: the payload as a whole: its shape, unknown fields and the minor fields."""

from __future__ import annotations

from typing import Final

from validator.codes.base import Code
from validator.codes.examples import image_pin
from validator.findings import Action, Severity

PIN_MALFORMED: Final = Code(
    id="pin.malformed",
    severity=Severity.ERROR,
    action=Action.USER_ERROR,
    summary=(
        "The pin is not a JSON object (unparseable JSON text, a list, a number, ...) or not a "
        "pin (a list page holding pins, a calendar entry holding one), or holds a value JSON "
        "cannot carry (NaN, Infinity, a dict inside itself)."
    ),
    why=(
        "The body of POST /v5/pins is one JSON object; nothing else can be sent or checked. "
        "httpx and requests refuse to send NaN or a dict that holds itself."
    ),
    fix="Pass one JSON object per pin, such as the examples in the README.",
    reference="pinterest-api.md §1.1 (request body is a PinCreate object)",
)

PIN_FIELD_TYPE_INVALID: Final = Code(
    id="pin.field_type_invalid",
    severity=Severity.ERROR,
    action=Action.USER_ERROR,
    summary="A field has the wrong JSON type (a number where a string belongs, ...).",
    why="Pinterest validates the body against its schema and refuses values of the wrong type.",
    fix="Send the field with the type the API expects (the message names it).",
    reference="pinterest-api.md §1.2 and §2 (field types)",
    example_bad=image_pin(title=2024),
    example_good=image_pin(title="2024"),
)

PIN_UNKNOWN_FIELD: Final = Code(
    id="pin.unknown_field",
    severity=Severity.WARNING,
    action=Action.USER_ERROR,
    summary="A field Pinterest does not take on create: unknown, misspelt, read-only or retired.",
    why=(
        "Pinterest ignores fields it does not know, so a misspelt 'titel' silently publishes a "
        "pin without a title; read-only fields (id, media, created_at, ...) and retired ones "
        "(note, product_tags) are never stored."
    ),
    fix="Remove the field, or correct its name (the message suggests the closest known field).",
    reference="pinterest-api.md §1.2 (PinCreate fields, read-only and retired fields)",
    example_bad=image_pin(titel="Spring sale"),
    example_good=image_pin(),
)

PIN_DOMINANT_COLOR_INVALID: Final = Code(
    id="pin.dominant_color_invalid",
    severity=Severity.WARNING,
    action=Action.USER_ERROR,
    summary="dominant_color is not a hex colour of the form #RRGGBB.",
    why="The API describes dominant_color as a hex colour such as #6E7874; others are ignored.",
    fix="Write the colour as # followed by six hex digits, e.g. #6E7874, or leave it out.",
    reference="pinterest-api.md §1.2 (dominant_color), §8",
    example_bad=image_pin(dominant_color="teal"),
    example_good=image_pin(dominant_color="#6E7874"),
)

PIN_PARENT_PIN_ID_INVALID: Final = Code(
    id="pin.parent_pin_id_invalid",
    severity=Severity.ERROR,
    action=Action.USER_ERROR,
    summary="parent_pin_id is present but is not a numeric pin id.",
    why="The API accepts only numeric pin ids there (pattern ^\\d+$).",
    fix="Send the source pin's numeric id, or leave parent_pin_id out.",
    reference="pinterest-api.md §1.2 (parent_pin_id pattern ^\\d+$)",
    example_bad=image_pin(parent_pin_id="https://www.pinterest.com/pin/123/"),
    example_good=image_pin(parent_pin_id="1234567890"),
)

PIN_SPONSOR_ID_INVALID: Final = Code(
    id="pin.sponsor_id_invalid",
    severity=Severity.ERROR,
    action=Action.USER_ERROR,
    summary="sponsor_id is present but is not a numeric id.",
    why="The API accepts only numeric sponsor ids (pattern ^\\d+$, paid partnership beta).",
    fix="Send the sponsor's numeric id, or leave sponsor_id out.",
    reference="pinterest-api.md §1.2 (sponsor_id pattern ^\\d+$)",
    example_bad=image_pin(sponsor_id="@spring-brand"),
    example_good=image_pin(sponsor_id="987654321"),
)

PIN_AI_DISCLOSURES_INVALID: Final = Code(
    id="pin.ai_disclosures_invalid",
    severity=Severity.ERROR,
    action=Action.USER_ERROR,
    summary='ai_disclosures is not {"values": [...]} with AI_MODIFIED and/or SYNTHETIC_PERFORMER.',
    why=(
        "The API takes ai_disclosures as an object whose required 'values' list holds only "
        "AI_MODIFIED or SYNTHETIC_PERFORMER; an empty list is reported to be refused."
    ),
    fix='Send e.g. {"values": ["AI_MODIFIED"]}, or leave ai_disclosures out.',
    reference="pinterest-api.md §1.2 (ai_disclosures, added after 5.23), §8",
    example_bad=image_pin(ai_disclosures={"values": ["GENERATED"]}),
    example_good=image_pin(ai_disclosures={"values": ["AI_MODIFIED"]}),
)
