"""Media rules: from what a probe learned about a URL to findings on the field that holds it.

This is the one place where network outcomes become codes: a ``Failure`` by its kind, a
``MediaProbe`` by comparing the real file with what the slot needs (pinterest-api.md §4). Every
message names the URL, and the redirect chain when there was one, so that the user can see where
the answer came from.
"""

from __future__ import annotations

from collections.abc import Sequence

from validator.codes import media as codes
from validator.codes import video as video_codes
from validator.codes.base import Code
from validator.findings import Finding
from validator.messages import quote
from validator.probes.image import ImageFacts
from validator.probes.media import MediaProbe, Probe
from validator.probes.outcome import Failure, FailureKind, chain_text
from validator.probes.sniff import CONTENT_TYPES, Container
from validator.probes.video import VideoFacts
from validator.settings import Settings
from validator.slots import Slot
from validator.urls import MediaKind, extension, same_resource

__all__ = [
    "CONTENT_TYPES",
    "UPLOAD_VIDEO",
    "carousel_findings",
    "image_findings",
    "probe_findings",
    "size_findings",
    "sizes_differ",
    "video_where_image_goes",
]

# pinterest-api.md §4.1: pins taller than 2:3 may be cut off; beyond 1:2.1 they are (third-party).
TALLEST_IMAGE = 2.1
# §4.2: video from 1:2 (tall) to 1.91:1 (wide), 4 s to 15 min (the codecs: VideoFacts.codec_ok).
VIDEO_RATIO = (0.5, 1.91)
# 1.91:1 is itself a rounded figure, the name of 1200x628 (1.9108) and the sizes made like it
# (1920x1005): a ratio that rounds to 1.91 is taken. 1:2 is exact.
_WIDEST_VIDEO = 1.915
VIDEO_SECONDS = (4.0, 15 * 60.0)

_BY_FAILURE: dict[FailureKind, Code] = {
    FailureKind.FORBIDDEN: codes.MEDIA_FORBIDDEN,
    FailureKind.NOT_FOUND: codes.MEDIA_NOT_FOUND,
    FailureKind.HTTP_ERROR: codes.MEDIA_UNREACHABLE,
    FailureKind.INVALID_URL: codes.MEDIA_URL_INVALID,
    FailureKind.DROPPED: codes.MEDIA_CONNECTION_LOST,
    FailureKind.REDIRECT_LOOP: codes.MEDIA_REDIRECT_LOOP,
    FailureKind.TOO_MANY_REDIRECTS: codes.MEDIA_TOO_MANY_REDIRECTS,
    FailureKind.UNREACHABLE: codes.MEDIA_UNREACHABLE,
    FailureKind.NOT_PUBLIC: codes.MEDIA_URL_NOT_PUBLIC,
    FailureKind.SERVER_ERROR: codes.MEDIA_SERVER_ERROR,
    FailureKind.TIMEOUT: codes.MEDIA_TIMEOUT,
    FailureKind.RATE_LIMITED: codes.MEDIA_RATE_LIMITED,
}


def probe_findings(slot: Slot, probe: Probe, settings: Settings) -> list[Finding]:
    """What is wrong with the file behind ``slot``, as findings on ``slot.field``."""
    if isinstance(probe, Failure):
        return [_failure(slot, probe)]
    where = _where(slot, probe)
    container = probe.container
    fits = container.is_image_ok if slot.kind is MediaKind.IMAGE else container.is_video_ok
    if container is Container.EMPTY:
        return [codes.MEDIA_INVALID.finding(slot.field, f"{where} is an empty file")]
    if container is Container.UNKNOWN and probe.note is not None:  # not read, so not judged
        message = f"{where} was not checked completely: {probe.note}"
        return [codes.MEDIA_CHECK_INCOMPLETE.finding(slot.field, message, probe.note_fix)]
    if not fits:
        return [_unsupported(slot, probe, where)]
    found: list[Finding] = []
    if probe.broken is not None:
        found.append(codes.MEDIA_INVALID.finding(slot.field, f"{where} {probe.broken}"))
    if probe.note is not None:
        message = f"{where} was not checked completely: {probe.note}"
        found.append(codes.MEDIA_CHECK_INCOMPLETE.finding(slot.field, message, probe.note_fix))
    found.extend(_mismatches(slot, probe, where))
    found.extend(_size(slot, probe, where, settings))
    if probe.image is not None:
        found.extend(image_findings(slot.field, probe.image, where, settings, cover=slot.cover))
    if probe.video is not None:
        found.extend(_video_shape(slot, probe.video, where))
    return found


def carousel_findings(slots: Sequence[Slot], probes: Sequence[Probe]) -> list[Finding]:
    """``media.aspect_ratio`` when the images of a carousel differ in size (§4.3).

    Only the carousel's items are compared: a video pin's cover and its file (``video_url``)
    are two slots of no carousel, and an image where the video belongs is reported as such.
    """
    return sizes_differ(
        [
            (slot.field, probe.image.display_size)
            for slot, probe in zip(slots, probes, strict=True)
            if slot.field.startswith(_CAROUSEL_ITEM)
            and isinstance(probe, MediaProbe)
            and probe.image is not None
        ]
    )


_CAROUSEL_ITEM = "media_source.items["


def sizes_differ(sizes: Sequence[tuple[str, tuple[int, int]]]) -> list[Finding]:
    """``media.aspect_ratio`` when the (field, size) of a carousel's images read differ (§4.3)."""
    if len(sizes) < 2 or len({size for _, size in sizes}) == 1:
        return []
    model, first = sizes[0]  # the first image read: an earlier one may have failed
    odd = [field for field, size in sizes if size != first]
    listed = ", ".join(f"{w}x{h}" for w, h in dict.fromkeys(size for _, size in sizes))
    message = f"the carousel's images differ in size ({listed})"
    verb = "differs" if len(odd) == 1 else "differ"
    hint = f"Give every image the size of {model}, {first[0]}x{first[1]}: {', '.join(odd)} {verb}."
    return [codes.MEDIA_ASPECT_RATIO.finding("media_source.items", message, hint)]


# --- pieces -------------------------------------------------------------------------------------


def _failure(slot: Slot, failure: Failure) -> Finding:
    code = _BY_FAILURE[failure.kind]
    if failure.kind is FailureKind.UNREACHABLE and failure.temporary:  # the resolver's "later"
        code = codes.MEDIA_LOOKUP_FAILED
    what = "the file" if slot.local else "the URL"
    message = f"{what} {quote(slot.shown or slot.url)} {failure.detail}"
    if len(failure.chain) > 1 and failure.kind is not FailureKind.REDIRECT_LOOP:
        message += f"; redirects: {chain_text(failure.chain)}"
    elif failure.kind is FailureKind.REDIRECT_LOOP:
        message += f"; chain: {chain_text(failure.chain)}"
    if failure.attempts > 1:
        message += f" ({failure.attempts} attempts)"
    hint = _local_hint(slot, failure.kind) if slot.local else failure.hint
    if hint is None and failure.kind is FailureKind.HTTP_ERROR:  # not the catalogue's "host
        hint = _ANSWERED_HINT  # name, server down, TLS": the server was reached, and answered
    return code.finding(slot.field, message, hint)


_ANSWERED_HINT = (
    "The server answered, but not with the file: check the URL, and the configuration of the "
    "server (or of the CDN or proxy in front of it); Pinterest's crawler gets the same answer."
)


def _local_hint(slot: Slot, kind: FailureKind) -> str | None:
    """A file on this machine has no host, server or certificate to check: its own remedies.

    A calendar's ``video_url`` is read from the calendar's folder; a path given to
    ``validate_media`` from the caller's current directory, as Python opens it.
    """
    if kind is FailureKind.NOT_FOUND:
        base = "the calendar file's folder" if slot.field == "video_url" else "the current folder"
        return (
            f"Check the path: a relative one is read from {base}. Name the file itself, not a "
            "folder or a link to nowhere."
        )
    if kind is FailureKind.UNREACHABLE:
        return (
            "Check that this user may read the file (its permissions, and its folders'), and "
            "that it is a file on a disk, not a device or a system file."
        )
    return None


def _where(slot: Slot, probe: MediaProbe) -> str:
    named = quote(slot.shown or slot.url)
    if same_resource(probe.url) != same_resource(slot.url):  # not another URL's fragment
        return f"the file at {named} (redirected to {quote(probe.url)})"
    return f"the file at {named}"


# What to do with a video where an image goes: by default (an image pin's media), upload it; as
# a video's cover (the API's field, the bulk CSV's column), give a frame instead; as a bulk CSV
# row's media, known a video only once fetched, name it so that the row is a video row.
#: The hint for a video where an image pin's media goes.
UPLOAD_VIDEO = (
    "Upload the video with POST /v5/media and publish it as source_type 'video_id'; image slots "
    "take JPEG or PNG only."
)
_VIDEO_WHERE_IMAGE_GOES = {
    "media_source.cover_image_url": (
        "Point cover_image_url at a JPEG or PNG image (a frame of the video saved as one); the "
        "video itself is the upload media_id names."
    ),
    "Thumbnail": (
        "Give a JPEG or PNG image's URL (a frame of the video saved as one), or the time of the "
        "frame to show (mm:ss); the video itself goes in Media URL."
    ),
    "Media URL": (
        "The row was checked as an image row: its Media URL does not end in .mp4, .mov or .m4v. "
        "For a video pin, give the video's URL ending in its extension and a Thumbnail (mm:ss, "
        "or a cover image's URL); for an image pin, a JPEG or PNG image's URL."
    ),
}


def video_where_image_goes(field: str) -> str:
    """The hint for a video found in ``field``, where an image (JPEG or PNG) belongs."""
    return _VIDEO_WHERE_IMAGE_GOES.get(field, UPLOAD_VIDEO)


def _unsupported(slot: Slot, probe: MediaProbe, where: str) -> Finding:
    label = probe.container.a_label
    wanted = "JPEG or PNG" if slot.kind is MediaKind.IMAGE else "MP4, MOV or M4V"
    if probe.container in (Container.HTML, Container.XML, Container.JSON):
        hint = "The URL serves a page, not the file: use the file's direct URL (often a CDN link)."
    elif slot.kind is MediaKind.VIDEO:
        hint = "Convert the video to MP4 (H.264) and point the URL at it."
    elif probe.container.is_video:
        hint = video_where_image_goes(slot.field)
        if not probe.container.is_video_ok and hint == UPLOAD_VIDEO:
            hint = f"Convert the video to MP4 (H.264 or H.265). {hint}"
    else:
        hint = "Convert the file to JPEG or PNG and point the URL at the converted file."
    message = f"{where} is {label}; Pinterest takes {wanted} here"
    return codes.MEDIA_UNSUPPORTED_FORMAT.finding(slot.field, message, hint)


def _mismatches(slot: Slot, probe: MediaProbe, where: str) -> list[Finding]:
    found: list[Finding] = []
    real = probe.container
    header = (probe.response.content_type or "").split(";")[0].strip().lower()
    real_type = CONTENT_TYPES.get(real)
    if slot.declared_type is not None and real_type is not None and slot.declared_type != real_type:
        message = f"cover_image_content_type is {slot.declared_type}, but {where} is {real.a_label}"
        hint = f"Declare {real_type}, or convert the cover to {slot.declared_type}."
        code = video_codes.VIDEO_COVER_IMAGE_CONTENT_TYPE_MISMATCH
        found.append(code.finding("media_source.cover_image_content_type", message, hint))
    served = _SERVED_AS.get(real)
    if served is not None and header not in _NO_CLAIM and header not in served:
        message = f"{where} is {real.a_label} but is served as Content-Type {header}"
        hint = f"Configure the server to send Content-Type: {served[0]} for it."
        found.append(codes.MEDIA_TYPE_MISMATCH.finding(slot.field, message, hint))
    ext = extension(probe.url)
    implied = {"jpg": Container.JPEG, "jpeg": Container.JPEG, "png": Container.PNG}.get(ext or "")
    if implied is not None and real in CONTENT_TYPES and implied is not real:
        message = f"{where} is {real.a_label} but its name ends in .{ext}"
        hint = f"Rename it to .{'png' if real is Container.PNG else 'jpg'} (or convert it)."
        found.append(codes.MEDIA_TYPE_MISMATCH.finding(slot.field, message, hint))
    return found


# The Content-Types a file of each format may be served as, the right one first. A video's
# container family is enough: players take an MP4 served as video/quicktime and the other way,
# and a 3GPP file (an MP4 to the sniffer, ``sniff.Container``) is served as what its name says.
_VIDEO_TYPES = (
    *("video/mp4", "video/quicktime", "video/x-m4v", "video/m4v", "application/mp4"),
    *("video/3gpp", "video/3gpp2", "audio/3gpp", "audio/3gpp2"),
)
_SERVED_AS = {
    Container.JPEG: ("image/jpeg", "image/jpg", "image/pjpeg"),  # names browsers take for JPEG
    Container.PNG: ("image/png", "image/x-png"),
    Container.MP4: ("video/mp4", *_VIDEO_TYPES),
    Container.MOV: ("video/quicktime", *_VIDEO_TYPES),
}
# Headers that claim no format: an object store's default for a file uploaded without a type,
# and what servers send to make a browser save the file rather than show it.
_NO_CLAIM = frozenset(
    {
        *("", "application/octet-stream", "binary/octet-stream", "application/binary"),
        *("application/unknown", "application/force-download", "application/x-download"),
        "application/download",
    }
)


def _size(slot: Slot, probe: MediaProbe, where: str, settings: Settings) -> list[Finding]:
    size = probe.size
    if size is None:
        return []
    if slot.kind is MediaKind.IMAGE:
        return size_findings(slot.field, where, size, settings.image_max_bytes)
    return size_findings(slot.field, where, size, settings.video_max_bytes, video=True)


def size_findings(
    field: str, where: str, size: int, limit: int, *, video: bool = False
) -> list[Finding]:
    """``media.too_large`` for a file of ``size`` bytes over ``limit``, told how to shrink it."""
    if size <= limit:
        return []
    message = f"{where} is {_megabytes(size, limit)}; the limit is {_megabytes(limit, size)}"
    hint = _SHORTEN_VIDEO if video else _COMPRESS_IMAGE
    return [codes.MEDIA_TOO_LARGE.finding(field, message, hint)]


_COMPRESS_IMAGE = "Compress or resize the image: a 1000x1500 JPEG is a few hundred KB."
_SHORTEN_VIDEO = "Shorten the video, or encode it again at a lower bitrate (H.264 or H.265)."


def image_findings(
    field: str, image: ImageFacts, where: str, settings: Settings, *, cover: bool = False
) -> list[Finding]:
    """An image too narrow, or too tall for feeds (§4.1): a fetched one or one sent as base64.

    A video's cover is held to the shape rule (issue 3: covers get the image checks), with a
    hint of its own: no video Pinterest takes is taller than 1:2 (§4.2), and a cover should have
    the video's frame. Not to the width: a right cover is a frame of the video, and Pinterest
    takes videos far narrower than the 600 px asked of an image pin (§4.2: 240p).
    """
    width, height = image.display_size
    found: list[Finding] = []
    if width < settings.image_min_width and not cover:
        least = settings.image_min_width
        message = f"{where} is {width}x{height} px, narrower than {least} px"
        hint = f"Use an image at least {least} px wide; 1000x1500 (2:3) suits Pinterest best."
        found.append(codes.MEDIA_IMAGE_TOO_SMALL.finding(field, message, hint))
    if width and height / width > TALLEST_IMAGE:
        message = f"{where} is {width}x{height} px, taller than 1:{TALLEST_IMAGE:g}"
        hint = (
            "Use a frame of the video as its cover: no video Pinterest takes is taller than 1:2, "
            "and a cover of another shape is cut to the video's."
            if cover
            else f"Crop it to 2:3 ({width}x{round(width * 1.5)}) so it is not cut off in feeds."
        )
        found.append(codes.MEDIA_ASPECT_RATIO.finding(field, message, hint))
    return found


def _video_shape(slot: Slot, facts: VideoFacts, where: str) -> list[Finding]:
    found: list[Finding] = []
    if not facts.codec_ok:
        message = f"{where} is encoded with {facts.codec or 'an unknown codec'}, not H.264 or H.265"
        found.append(video_codes.VIDEO_CODEC_UNSUPPORTED.finding(slot.field, message))
    seconds = facts.duration_s
    if facts.duration_is_lower_bound:  # only "too long" is sure (the probe notes the rest)
        if seconds is not None and seconds > VIDEO_SECONDS[1]:
            message = f"{where} lasts at least {_seconds(seconds)}; Pinterest takes 4 s to 15 min"
            found.append(video_codes.VIDEO_DURATION_OUT_OF_RANGE.finding(slot.field, message))
    elif seconds is not None and not VIDEO_SECONDS[0] <= seconds <= VIDEO_SECONDS[1]:
        message = f"{where} lasts {_seconds(seconds)}; Pinterest takes 4 s to 15 min"
        found.append(video_codes.VIDEO_DURATION_OUT_OF_RANGE.finding(slot.field, message))
    width, height = facts.display_size
    if width and height:
        ratio = width / height
        if not VIDEO_RATIO[0] <= ratio < _WIDEST_VIDEO:
            stored = (facts.width, facts.height)
            shown = f"{width}x{height}"
            if stored not in ((width, height), (height, width)):  # not just turned: stretched
                shown += f" as players show it (stored {stored[0]}x{stored[1]}, non-square pixels)"
            bound = VIDEO_RATIO[0] if ratio < VIDEO_RATIO[0] else VIDEO_RATIO[1]
            told = _unlike(ratio, bound)  # 100x202 is "0.495:1", not "0.50:1" (the limit itself)
            message = f"{where} is {shown} (ratio {told}:1); Pinterest takes 1:2 to 1.91:1"
            found.append(video_codes.VIDEO_ASPECT_RATIO_OUT_OF_RANGE.finding(slot.field, message))
    return found


def _seconds(seconds: float) -> str:
    """A duration out of range, never rounded onto the bound it missed (3.96 s is not "4.0")."""
    bound = min(VIDEO_SECONDS, key=lambda limit: abs(limit - seconds))
    return f"{_unlike(seconds, bound)} s"


def _megabytes(size: int, other: int) -> str:
    return f"{_unlike(size / 1_000_000, other / 1_000_000)} MB"


def _unlike(value: float, other: float) -> str:
    """``value`` with as few decimals as tell it from ``other``, and from 0.

    20.000001 MB over a 20 MB limit is not "20.0 MB", and a 1,000-byte limit is not "0.0 MB".
    """
    for decimals in (1, 3, 6):
        shown = f"{value:,.{decimals}f}"
        if shown != f"{other:,.{decimals}f}" and (float(shown.replace(",", "")) or not value):
            return shown
    return f"{value:,.9f}"
