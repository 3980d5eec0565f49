"""The baseline's schema: ``PinCreate`` from Pinterest's OpenAPI description, as JSON Schema.

Written out by hand from ``pinterest/api-description`` ``v5/openapi.yaml`` 5.23
(``components/schemas/PinCreate`` and the ``PinMediaSource`` variants), as summarised in
``shared/reference/pinterest-api.md`` §1.2 and §2, plus ``ai_disclosures`` from the 5.28 changelog.
OpenAPI's ``nullable: true`` becomes a ``"null"`` type; the discriminator becomes a ``oneOf`` whose
variants pin ``source_type`` with ``const``. Data for the benchmark, not used by the validator.
"""

from __future__ import annotations

from typing import Any

_DIGITS = {"type": "string", "pattern": r"^\d+$"}
_NULLABLE_DIGITS = {"type": ["string", "null"], "pattern": r"^\d+$"}
_BASE64 = {"type": "string", "pattern": r"^[a-zA-Z0-9+/=]+$"}
_CONTENT_TYPE = {"type": "string", "enum": ["image/jpeg", "image/png"]}


def _text(max_length: int | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": ["string", "null"]}
    if max_length is not None:
        schema["maxLength"] = max_length
    return schema


def _variant(source_type: str, required: list[str], **properties: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["source_type", *required],
        "properties": {"source_type": {"type": "string", "const": source_type}, **properties},
    }


_CAROUSEL_URL_ITEM = {
    "type": "object",
    "required": ["url"],
    "properties": {
        "url": {"type": "string"},
        "title": {"type": "string"},
        "description": {"type": "string"},
        "link": {"type": "string"},
    },
}
_CAROUSEL_BASE64_ITEM = {
    "type": "object",
    "required": ["content_type", "data"],
    "properties": {
        "content_type": _CONTENT_TYPE,
        "data": _BASE64,
        "title": {"type": "string"},
        "description": {"type": "string"},
        "link": {"type": "string"},
    },
}

PIN_CREATE_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "board_id": _DIGITS,
        "board_section_id": _NULLABLE_DIGITS,
        "title": _text(100),
        "description": _text(800),
        "link": _text(2048),
        "alt_text": _text(500),
        "dominant_color": _text(),
        "parent_pin_id": _NULLABLE_DIGITS,
        "sponsor_id": _NULLABLE_DIGITS,
        "ai_disclosures": {
            "type": "object",
            "required": ["values"],
            "properties": {
                "values": {
                    "type": "array",
                    "items": {"enum": ["AI_MODIFIED", "SYNTHETIC_PERFORMER"]},
                }
            },
        },
        "media_source": {
            "oneOf": [
                _variant(
                    "image_url", ["url"], url={"type": "string"}, is_standard={"type": "boolean"}
                ),
                _variant(
                    "image_base64",
                    ["content_type", "data"],
                    content_type=_CONTENT_TYPE,
                    data=_BASE64,
                    is_standard={"type": "boolean"},
                ),
                _variant(
                    "multiple_image_urls",
                    ["items"],
                    items={
                        "type": "array",
                        "minItems": 2,
                        "maxItems": 5,
                        "items": _CAROUSEL_URL_ITEM,
                    },
                    index={"type": "integer", "minimum": 0},
                ),
                _variant(
                    "multiple_image_base64",
                    ["items"],
                    items={
                        "type": "array",
                        "minItems": 2,
                        "maxItems": 5,
                        "items": _CAROUSEL_BASE64_ITEM,
                    },
                    index={"type": "integer", "minimum": 0},
                ),
                _variant(
                    "video_id",
                    ["media_id"],
                    media_id=_DIGITS,
                    cover_image_url={"type": "string"},
                    cover_image_content_type=_CONTENT_TYPE,
                    cover_image_data={"type": "string"},
                    cover_image_key_frame_time={"type": "integer", "minimum": 0},
                    is_standard={"type": "boolean"},
                ),
                _variant("pin_url", [], is_affiliate_link={"type": "boolean"}),
            ]
        },
    },
}
