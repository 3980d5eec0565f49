"""``media.*``: the media source of a pin, its URLs and (with the network) what they serve."""

from __future__ import annotations

from typing import Final

from validator.codes.base import Code
from validator.codes.examples import PNG_BASE64, image_pin, media_pin, video_source
from validator.findings import Action, Severity

MEDIA_MISSING: Final = Code(
    id="media.missing",
    severity=Severity.ERROR,
    action=Action.USER_ERROR,
    summary="The pin has no media_source.",
    why="A pin is an image or a video; Pinterest refuses a create call without media_source.",
    fix=(
        'Add a media_source, e.g. {"source_type": "image_url", "url": "https://…/pin.jpg"}, '
        'or {"source_type": "video_id", "media_id": …} for an uploaded video.'
    ),
    reference="pinterest-api.md §1.3 (media_source required in practice), §2",
    example_bad=image_pin(media_source=None),
    example_good=image_pin(),
)

MEDIA_SOURCE_TYPE_INVALID: Final = Code(
    id="media.source_type_invalid",
    severity=Severity.ERROR,
    action=Action.USER_ERROR,
    summary="media_source has no source_type, or one Pinterest does not know.",
    why=(
        "Pinterest reads media_source by its source_type; anything but image_url, "
        "image_base64, multiple_image_urls, multiple_image_base64, video_id or pin_url is refused."
    ),
    fix="Set source_type to one of the six values; a single picture by URL is 'image_url'.",
    reference="pinterest-api.md §2 (PinMediaSource discriminator)",
    example_bad=media_pin({"source_type": "image", "url": "https://cdn.example.com/a.jpg"}),
    example_good=image_pin(),
)

MEDIA_URL_INVALID: Final = Code(
    id="media.url_invalid",
    severity=Severity.ERROR,
    action=Action.USER_ERROR,
    summary="A media, cover or carousel URL is missing, empty, malformed, relative or not http(s).",
    why=(
        "Pinterest's crawler fetches the media itself, over the public web: it needs an absolute "
        'http(s) URL, and fails with "Unable to reach the URL" (code 2786) otherwise.'
    ),
    fix=(
        "Give the full public address of the file, starting with https://, not a local path, a "
        "data: URI or a share page."
    ),
    reference="pinterest-api.md §2 (url fields), §5.3 (codes 1, 2786)",
    example_bad=media_pin({"source_type": "image_url", "url": "/uploads/spring.jpg"}),
    example_good=image_pin(),
)

MEDIA_UNSUPPORTED_FORMAT: Final = Code(
    id="media.unsupported_format",
    severity=Severity.ERROR,
    action=Action.USER_ERROR,
    summary="The media is not JPEG/PNG (images) or MP4/MOV (video).",
    why=(
        "Pinterest takes images as JPEG or PNG and video as MP4, MOV or M4V; WebP, GIF, HEIC, "
        "AVIF, WebM, MKV and the like are refused or fail to process."
    ),
    fix="Convert images to JPEG or PNG and videos to MP4 (H.264 or H.265), then use the new URL.",
    reference="pinterest-api.md §4.1 and §4.2 (media specs)",
    example_bad=media_pin({"source_type": "image_url", "url": "https://cdn.example.com/a.webp"}),
    example_good=image_pin(),
)

MEDIA_BASE64_INVALID: Final = Code(
    id="media.base64_invalid",
    severity=Severity.ERROR,
    action=Action.USER_ERROR,
    summary="Base64 image data is missing, not decodable, or has a data: prefix or whitespace.",
    why=(
        "The API takes raw base64 only (pattern ^[a-zA-Z0-9+/=]+$): a 'data:image/png;base64,' "
        "prefix, line breaks or a cut-off string are refused."
    ),
    fix=(
        "Send only the base64 text after the comma of a data: URI, on one line, with its '=' "
        "padding; encode the file with base64.b64encode(file_bytes).decode()."
    ),
    reference="pinterest-api.md §2 (image_base64.data pattern)",
    example_bad=media_pin(
        {"source_type": "image_base64", "content_type": "image/png", "data": "data:image/png;"}
    ),
    example_good=media_pin(
        {"source_type": "image_base64", "content_type": "image/png", "data": PNG_BASE64}
    ),
)

MEDIA_CONTENT_TYPE_INVALID: Final = Code(
    id="media.content_type_invalid",
    severity=Severity.ERROR,
    action=Action.USER_ERROR,
    summary="Base64 image content_type is missing or not image/jpeg or image/png.",
    why="The API's ContentType enum has exactly two values, image/jpeg and image/png.",
    fix="Set content_type to image/jpeg or image/png, matching the encoded bytes.",
    reference="pinterest-api.md §2 (ContentType enum)",
    example_bad=media_pin(
        {"source_type": "image_base64", "content_type": "image/webp", "data": PNG_BASE64}
    ),
    example_good=media_pin(
        {"source_type": "image_base64", "content_type": "image/png", "data": PNG_BASE64}
    ),
)

MEDIA_MEDIA_ID_INVALID: Final = Code(
    id="media.media_id_invalid",
    severity=Severity.ERROR,
    action=Action.USER_ERROR,
    summary="A video pin's media_id is missing or not a numeric id.",
    why=(
        "A video pin points at a video already uploaded through POST /v5/media by its numeric "
        "media_id (pattern ^\\d+$); a file name or URL there is refused."
    ),
    fix=(
        "Register and upload the video (POST /v5/media, then the upload_url), wait until "
        "GET /v5/media/{media_id} says 'succeeded', and send that media_id."
    ),
    reference="pinterest-api.md §2 (video_id.media_id pattern), §3 (upload flow)",
    example_bad=media_pin(video_source(media_id="https://cdn.example.com/spring.mp4")),
    example_good=media_pin(video_source()),
)
