"""``video.*``: video pins and their cover image."""

from __future__ import annotations

from typing import Final

from validator.codes.base import Code, Stage
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
    summary=(
        "cover_image_content_type is not image/jpeg or image/png, or contradicts the cover URL's "
        "extension or the cover data."
    ),
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


# --- Decided by reading the video or cover file (issue 3). pinterest-api.md §4.2. ----------------


def _from_file(id: str, summary: str, why: str, fix: str) -> Code:
    return Code(
        id=id,
        severity=Severity.ERROR,
        action=Action.USER_ERROR,
        summary=summary,
        why=why,
        fix=fix,
        reference="pinterest-api.md §4.2 (video specs)",
        stage=Stage.MEDIA,
    )


VIDEO_CODEC_UNSUPPORTED: Final = _from_file(
    "video.codec_unsupported",
    "The video is not encoded with H.264 or H.265.",
    "Pinterest transcodes H.264 and H.265 video; other codecs (MPEG-4 Part 2, ProRes, VP9, AV1) "
    "fail processing after the upload.",
    "Re-encode to H.264 (e.g. ffmpeg -c:v libx264 -c:a aac -movflags +faststart).",
)
VIDEO_DURATION_OUT_OF_RANGE: Final = _from_file(
    "video.duration_out_of_range",
    "The video is shorter than 4 seconds or longer than 15 minutes.",
    "Pinterest takes video pins of 4 s to 15 min.",
    "Trim or extend the video into that range.",
)
VIDEO_ASPECT_RATIO_OUT_OF_RANGE: Final = _from_file(
    "video.aspect_ratio_out_of_range",
    "The video is narrower than 1:2 or wider than 1.91:1.",
    "Pinterest refuses video outside 1:2 (tall) to 1.91:1 (wide); 9:16, 2:3, 4:5 and 1:1 suit it.",
    "Crop or pad the video to a ratio between 1:2 and 1.91:1.",
)
VIDEO_COVER_IMAGE_CONTENT_TYPE_MISMATCH: Final = _from_file(
    "video.cover_image_content_type_mismatch",
    "cover_image_content_type says one format, the cover file is another.",
    "Pinterest reads the cover by its declared type; a PNG declared image/jpeg fails to process.",
    "Declare the cover's real type, or convert the cover to the declared one.",
)
