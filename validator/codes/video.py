"""``video.*``: video pins and their cover image."""

from __future__ import annotations

from typing import Final

from validator.codes.base import Code
from validator.codes.examples import media_pin, video_source
from validator.findings import Action, Severity

VIDEO_COVER_IMAGE_URL_MISSING: Final = Code(
    id="video.cover_image_url_missing",
    severity=Severity.ERROR,
    action=Action.USER_ERROR,
    summary="A video pin has no cover image (neither cover_image_url nor cover_image_data).",
    why=(
        "Pinterest refuses video pins without a cover with an error about "
        '"cover_image_url or cover_image_content_type". A cover_image_key_frame_time alone is '
        "documented but its acceptance is unverified, so it does not count by default."
    ),
    fix=(
        "Add cover_image_url (a public JPEG or PNG, ideally with the video's aspect ratio) and "
        "cover_image_content_type. To trust key frames, set accept_key_frame_cover = true."
    ),
    reference="pinterest-api.md §2 (video cover rule, CONFLICT resolved by the user)",
    example_bad=media_pin(video_source(cover_image_url=None, cover_image_content_type=None)),
    example_good=media_pin(video_source()),
)

VIDEO_COVER_IMAGE_CONTENT_TYPE_MISSING: Final = Code(
    id="video.cover_image_content_type_missing",
    severity=Severity.ERROR,
    action=Action.USER_ERROR,
    summary="A video pin has a cover image but no cover_image_content_type.",
    why=(
        'Schedulers see Pinterest refuse such pins with "cover_image_url or '
        'cover_image_content_type"; the content type must travel with the cover.'
    ),
    fix="Add cover_image_content_type: image/jpeg or image/png, matching the cover file.",
    reference="pinterest-api.md §2 (video cover rule), §5.3",
    example_bad=media_pin(video_source(cover_image_content_type=None)),
    example_good=media_pin(video_source()),
)

VIDEO_COVER_IMAGE_CONTENT_TYPE_INVALID: Final = Code(
    id="video.cover_image_content_type_invalid",
    severity=Severity.ERROR,
    action=Action.USER_ERROR,
    summary="cover_image_content_type is not image/jpeg or image/png, or contradicts the URL.",
    why=(
        "The API's ContentType enum has two values; a PNG cover declared as image/jpeg (by its "
        "file extension) makes Pinterest decode it wrongly or refuse it."
    ),
    fix="Declare the cover's real type: image/jpeg for .jpg/.jpeg, image/png for .png.",
    reference="pinterest-api.md §2 (ContentType enum, cover fields)",
    example_bad=media_pin(video_source(cover_image_content_type="image/png")),
    example_good=media_pin(video_source()),
)

VIDEO_COVER_KEY_FRAME_TIME_INVALID: Final = Code(
    id="video.cover_key_frame_time_invalid",
    severity=Severity.ERROR,
    action=Action.USER_ERROR,
    summary="cover_image_key_frame_time is not a whole number of seconds, 0 or more.",
    why="The API declares it as an integer with minimum 0; anything else is refused.",
    fix="Give the key frame's time in whole seconds from the start, e.g. 3.",
    reference="pinterest-api.md §2 (cover_image_key_frame_time integer >= 0)",
    example_bad=media_pin(video_source(cover_image_key_frame_time=-2)),
    example_good=media_pin(video_source(cover_image_key_frame_time=2)),
)
