"""``media.*``: the media source of a pin, its URLs and (with the network) what they serve."""

from __future__ import annotations

from typing import Final

from validator.codes.base import Code, Stage
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

MEDIA_PIN_URL_WITHOUT_LINK: Final = Code(
    id="media.pin_url_without_link",
    severity=Severity.WARNING,
    action=Action.USER_ERROR,
    summary="A pin_url pin has no link, the page its media would come from.",
    why=(
        "The pin_url source names no image or URL of its own: Pinterest builds a product pin "
        "from a page, and the pin's link is the only page the payload names. The API spec does "
        "not say so outright, and pin_url is open to beta users only: a warning."
    ),
    fix=(
        "Set link to the product page, or send the image itself (source_type image_url) if "
        "the app is not in the pin_url beta."
    ),
    reference="pinterest-api.md §2 (pin_url: beta, no URL field [UNCERTAIN])",
    example_bad=image_pin(media_source={"source_type": "pin_url"}),
    example_good=image_pin(
        link="https://shop.example.com/products/linen-napkins",
        media_source={"source_type": "pin_url"},
    ),
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
    summary=(
        "A media, cover or carousel URL is missing, empty, malformed, relative or not http(s), "
        "or a share page."
    ),
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
    summary="The media is not JPEG/PNG (images) or MP4/MOV/M4V (video).",
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
    summary=(
        "Base64 image data is missing, not decodable, not an image, or has a data: prefix or "
        "whitespace."
    ),
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
    summary=(
        "Base64 image content_type is missing, not image/jpeg or image/png, or not what the "
        "data is."
    ),
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
        "GET /v5/media/{media_id} says 'succeeded', and send the id in media_id."
    ),
    reference="pinterest-api.md §2 (video_id.media_id pattern), §3 (upload flow)",
    example_bad=media_pin(video_source(media_id="https://cdn.example.com/spring.mp4")),
    example_good=media_pin(video_source()),
)


# --- Decided by fetching the URL (issue 3): what Pinterest's crawler would meet. -----------------
# pinterest-api.md §5.3: a media URL Pinterest cannot fetch fails the create call with code 2786
# "Unable to reach the URL", a broken image with 235, a too-small one with 233.


def _network(
    id: str, summary: str, why: str, fix: str, *, severity: Severity = Severity.ERROR,
    action: Action = Action.USER_ERROR, reference: str = "pinterest-api.md §5.3 (code 2786)",
    stage: Stage = Stage.NETWORK,
) -> Code:  # fmt: skip
    return Code(
        id=id,
        severity=severity,
        action=action,
        summary=summary,
        why=why,
        fix=fix,
        reference=reference,
        stage=stage,
    )


MEDIA_FORBIDDEN: Final = _network(
    "media.forbidden",
    "The media URL answers 401 or 403 to a GET: the file is not public.",
    "Pinterest's crawler fetches the file anonymously and gets the same refusal; the pin fails "
    'with "Unable to reach the URL".',
    "Make the file public (bucket or CDN policy, hotlink protection, login walls), or use a "
    "signed URL that is valid until the pin is published.",
)
MEDIA_NOT_FOUND: Final = _network(
    "media.not_found",
    "The media URL answers 404 or 410: there is no file there.",
    "Pinterest cannot fetch a file that does not exist; the create call fails.",
    "Check the URL for typos and that the file was uploaded (and not deleted or renamed).",
)
MEDIA_REDIRECT_LOOP: Final = _network(
    "media.redirect_loop",
    "The media URL redirects in a circle: the chain returns to a URL it already visited.",
    "A crawler following the redirects never reaches a file; Pinterest gives up.",
    "Point the pin at the file's final address, and fix the redirect rules on the server.",
)
MEDIA_TOO_MANY_REDIRECTS: Final = _network(
    "media.too_many_redirects",
    "The media URL redirects more times than the limit (10 by default).",
    "Crawlers stop after a handful of redirects; a long chain is also slow and fragile.",
    "Use the final URL of the chain directly.",
)
MEDIA_UNREACHABLE: Final = _network(
    "media.unreachable",
    "The media host cannot be reached (unknown host name, connection refused, TLS failure), or "
    "answers without the file (a status such as 400 or 204, a reply that is not HTTP or does "
    "not hold together).",
    "If the host cannot be reached from here it most likely cannot be reached by Pinterest either.",
    "Check the host name, that the server is up and that its TLS certificate is valid.",
)
MEDIA_LOOKUP_FAILED: Final = _network(
    "media.lookup_failed",
    "The media host's name could not be looked up for now: the resolver said to try again "
    "later (EAI_AGAIN, or its DNS server did not answer), also after retries.",
    "A lookup that failed for now says nothing of the URL: the same pin checked again, or "
    "fetched by Pinterest, may well work. A name that does not exist is media.unreachable.",
    "Try again later; if it persists, check this machine's DNS (its resolver, a VPN or firewall).",
    action=Action.RETRY,
)
MEDIA_URL_NOT_PUBLIC: Final = _network(
    "media.url_not_public",
    "The media URL (or a redirect) points at a private, loopback, link-local or reserved address, "
    "or is not http(s).",
    "Pinterest fetches media over the public internet; an intranet or localhost address can never "
    "be reached by it.",
    "Host the file on a public server or CDN. (For local tests: --allow-private-hosts, "
    "allow-private-hosts = true in [tool.pin-preflight], --pin-preflight-allow-private-hosts "
    "in pytest, allow_private_hosts=True in Settings.)",
)
MEDIA_SERVER_ERROR: Final = _network(
    "media.server_error",
    "The media server answered 5xx (502, 503 and 504 also after retries).",
    "A server error now is likely a server error when Pinterest fetches the file.",
    "Try again later; if it persists, fix the server or move the file.",
    action=Action.RETRY,
)
MEDIA_CONNECTION_LOST: Final = _network(
    "media.connection_lost",
    "The media server dropped the connection before its answer was complete, also after retries.",
    "A reset or an answer cut short is the server's or the network's doing, not the file's; "
    "Pinterest's crawler may meet it too.",
    "Try again later; if it persists, check the server (its logs, limits on connections) or "
    "serve the file from a CDN.",
    action=Action.RETRY,
)
MEDIA_TIMEOUT: Final = _network(
    "media.timeout",
    "The media server did not answer within the deadline (or answered 408), also after retries.",
    "Pinterest's crawler gives up on slow hosts too.",
    "Try again later; if it persists, serve the file from a faster host or CDN.",
    action=Action.RETRY,
)
MEDIA_RATE_LIMITED: Final = _network(
    "media.rate_limited",
    "The media server answered 429 Too Many Requests, also after waiting as it asked.",
    "The host throttles fetches; Pinterest may be throttled the same way.",
    "Try again later (the message gives the Retry-After seen), or lower the concurrency.",
    action=Action.RETRY,
)
MEDIA_URL_EXPIRES: Final = Code(
    id="media.url_expires",
    severity=Severity.ERROR,
    action=Action.USER_ERROR,
    summary="A signed media URL has expired, or expires before the pin is published.",
    why=(
        "Pinterest fetches the file when the pin is created (for a scheduled pin, at publish "
        "time); a presigned S3, CloudFront, GCS or Azure SAS URL that has expired answers 403."
    ),
    fix=(
        "Sign the URL again with a lifetime that reaches past the publish time (S3 SigV4 and "
        "Cloud Storage V4 URLs live 7 days at most: sign them within the week before "
        "publishing), or use a public URL."
    ),
    reference="pinterest-api.md §5.3 (code 2786); provider docs for the expiry parameters",
    example_bad=image_pin(
        media_source={
            "source_type": "image_url",
            "url": "https://bucket.s3.amazonaws.com/pin.jpg?X-Amz-Date=20200101T000000Z"
            "&X-Amz-Expires=3600&X-Amz-Signature=abc",
        }
    ),
    example_good=image_pin(),
)
MEDIA_INVALID: Final = _network(
    "media.invalid",
    "The file does not decode as what it claims to be: truncated or corrupt.",
    'Pinterest refuses broken images ("Sorry, this image is broken", code 235) and cannot '
    "transcode broken video.",
    "Export or upload the file again, completely, and check that it opens.",
    reference="pinterest-api.md §4.1 (code 235), §5.3",
    stage=Stage.MEDIA,
)
MEDIA_CHECK_INCOMPLETE: Final = _network(
    "media.check_incomplete",
    "The file could be reached but not checked completely (the message says what was left out).",
    "A server that ignores Range requests on a file larger than the byte cap, does not say the "
    "file's size, or an image too large to decode within the cap: what was not read could still "
    "be broken, and silence must not pass for a clean bill.",
    "Serve the file from a host that supports Range requests and states sizes (any CDN or object "
    "store does), or raise max_bytes_per_url.",
    severity=Severity.WARNING,
    reference="media-probing.md (Traps: Range answers)",
    stage=Stage.MEDIA,
)
MEDIA_TYPE_MISMATCH: Final = _network(
    "media.type_mismatch",
    "The Content-Type header or a .jpg/.png name disagrees with what the bytes are.",
    "Some fetchers trust the header or the extension; a PNG served as image/jpeg or named .jpg "
    "works by luck and breaks on stricter paths (covers, previews).",
    "Serve the file with the Content-Type of its real format, and name it accordingly.",
    severity=Severity.WARNING,
    reference="pinterest-api.md §4.1, §4.2",
    stage=Stage.MEDIA,
)
MEDIA_TOO_LARGE: Final = _network(
    "media.too_large",
    "The file is larger than Pinterest takes: 20 MB for images, 2 GB for video (configurable).",
    "Pinterest refuses files over its size limits (sources disagree on images: 10, 20 or 32 MB; "
    "20 MB is the common ground).",
    "Compress or resize the image (a 1000x1500 JPEG is a few hundred KB), or shorten the video.",
    reference="pinterest-api.md §4.1, §4.2 (size limits, CONFLICT)",
    stage=Stage.MEDIA,
)
MEDIA_IMAGE_TOO_SMALL: Final = _network(
    "media.image_too_small",
    "The image is narrower than the minimum width (600 px by default).",
    'Pinterest refuses very small images ("Your image is too small", code 233) and shows small '
    "ones blurred.",
    "Use an image at least 600 px wide; 1000x1500 (2:3) is what Pinterest recommends.",
    severity=Severity.WARNING,
    reference="pinterest-api.md §4.1 (code 233, min size UNCERTAIN)",
    stage=Stage.MEDIA,
)
MEDIA_ASPECT_RATIO: Final = _network(
    "media.aspect_ratio",
    "The image is taller than 1:2.1 (it gets cut off), or carousel images differ in size.",
    "Pinterest crops pins taller than 2:3 in feeds, and tall ones beyond 1:2.1 heavily; carousel "
    "slides of different sizes jump as people swipe.",
    "Crop to 2:3 (1000x1500) or 1:1; give all carousel images the same dimensions.",
    severity=Severity.WARNING,
    reference="pinterest-api.md §4.1 (ratio), §4.3 (carousel same dimensions)",
    stage=Stage.MEDIA,
)
MEDIA_URL_EXPIRES_SOON: Final = Code(
    id="media.url_expires_soon",
    severity=Severity.WARNING,
    action=Action.USER_ERROR,
    summary="A signed media URL expires within the safety margin (24 hours by default).",
    why=(
        "Pinterest may fetch the file later than planned (a retry, a queue, a delayed publish); "
        "a signed URL that expires just after the planned moment can still be dead by then."
    ),
    fix="Sign the URL again with a longer lifetime, or use a public URL.",
    reference="provider docs for the expiry parameters; expiry_margin_hours",
)

MEDIA_NOT_PROCESSED: Final = Code(
    id="media.not_processed",
    severity=Severity.ERROR,
    action=Action.RETRY,
    summary="The uploaded video is still registered or processing (GET /v5/media/{media_id}).",
    why="A video pin can be created only once Pinterest has processed the upload (succeeded).",
    fix="Wait and check again; publish when the media status is succeeded.",
    reference="pinterest-api.md §3 (media status)",
    stage=Stage.ACCOUNT,
)
MEDIA_PROCESSING_FAILED: Final = Code(
    id="media.processing_failed",
    severity=Severity.ERROR,
    action=Action.USER_ERROR,
    summary="Pinterest failed to process the uploaded video (media status failed).",
    why="A failed upload never becomes usable; publishing with its media_id fails every time.",
    fix="Check the file (H.264/H.265 MP4 or MOV, 4 s to 15 min) and upload it again.",
    reference="pinterest-api.md §3, §4.2",
    stage=Stage.ACCOUNT,
)
MEDIA_MEDIA_ID_NOT_FOUND: Final = Code(
    id="media.media_id_not_found",
    severity=Severity.ERROR,
    action=Action.USER_ERROR,
    summary="Pinterest has no uploaded media with this media_id (404).",
    why="The media_id is not one this account uploaded (a typo, another account, or expired).",
    fix="Upload the video with POST /v5/media and use the media_id it returns.",
    reference="pinterest-api.md §3",
    stage=Stage.ACCOUNT,
)
