"""Checks shared by several rules: a media URL, a base64 image, a destination link.

Image URLs appear in four places (``image_url``, carousel items, video covers, and calendar rows);
each goes through ``check_media_url`` so that they are judged, and worded, the same way. Each
check finds at most one problem in its value and returns it, or ``None``: the rules run for every
pin of every calendar, and a plain return keeps the common, clean case cheap.
"""

from __future__ import annotations

import binascii
import functools
from typing import NamedTuple

from PIL import Image, ImageFile

from validator.codes.base import Code
from validator.codes.media import (
    MEDIA_BASE64_INVALID,
    MEDIA_CHECK_INCOMPLETE,
    MEDIA_CONTENT_TYPE_INVALID,
    MEDIA_INVALID,
    MEDIA_UNSUPPORTED_FORMAT,
    MEDIA_URL_INVALID,
)
from validator.codes.text import TEXT_LINK_INVALID
from validator.error_findings import base64_problem
from validator.findings import Finding
from validator.messages import plural, quote
from validator.probes.image import (
    RESIZE_FIX,
    ImageFacts,
    ImageProblem,
    ImageProblemKind,
    decode_or_read,
    read_image_facts,
)
from validator.probes.sniff import Container, image_cut, sniff
from validator.rules.media_facts import (
    CONTENT_TYPES,
    UPLOAD_VIDEO,
    image_findings,
    size_findings,
    video_where_image_goes,
)
from validator.settings import Settings
from validator.urls import (
    DeclaredFormat,
    MediaKind,
    declared_format,
    is_plain_image_url,
    share_page,
    url_problem,
)

__all__ = [
    "InlineImage",
    "check_base64",
    "check_content_type",
    "check_inline_image",
    "check_link",
    "check_media_url",
    "inline_image_type",
]


def check_media_url(url: str | None, field: str, kind: MediaKind) -> Finding | None:
    """A URL Pinterest must fetch: present, absolute http(s), and not declaring a wrong format."""
    if url is None:
        return MEDIA_URL_INVALID.finding(field, f"{field} is missing")
    if kind is MediaKind.IMAGE and is_plain_image_url(url):  # the usual case, in one test
        return None
    problem = url_problem(url)
    if problem is not None:
        return MEDIA_URL_INVALID.finding(field, f"the URL {quote(url)} {problem}")
    page = share_page(url)
    if page is not None:
        service, hint = page
        message = f"the URL {quote(url)} is {service} share page, not the file itself"
        return MEDIA_URL_INVALID.finding(field, message, hint)
    ext, declared = declared_format(url)
    if declared is DeclaredFormat.UNKNOWN:
        return None
    if kind is MediaKind.IMAGE and declared is not DeclaredFormat.IMAGE_OK:
        if declared in (DeclaredFormat.VIDEO_OK, DeclaredFormat.VIDEO_UNSUPPORTED):
            message = f"the URL {quote(url)} is a .{ext} video where an image (JPEG or PNG) belongs"
            hint = video_where_image_goes(field)
            if declared is DeclaredFormat.VIDEO_UNSUPPORTED and hint == UPLOAD_VIDEO:
                hint = f"Convert the .{ext} video to MP4 (H.264 or H.265). {hint}"
        else:
            message = f"the URL {quote(url)} is a .{ext} image; Pinterest takes JPEG or PNG"
            hint = f"Convert the .{ext} file to JPEG or PNG and point the URL at the new file."
        return MEDIA_UNSUPPORTED_FORMAT.finding(field, message, hint)
    if kind is MediaKind.VIDEO and declared is not DeclaredFormat.VIDEO_OK:
        # A slot is a video's only where the kind is known (a calendar's video_url, a bulk CSV
        # row whose name says video, validate_media(..., "video")): a .jpg there is no video.
        message = f"the URL {quote(url)} is a .{ext} file; Pinterest takes MP4, MOV or M4V video"
        hint = f"Convert the .{ext} file to MP4 (H.264 or H.265) and point the URL at it."
        if declared is DeclaredFormat.IMAGE_OK:
            message = f"the URL {quote(url)} is a .{ext} image where a video belongs"
            hint = "Point the URL at the video file (MP4, MOV or M4V); an image is an image pin."
        return MEDIA_UNSUPPORTED_FORMAT.finding(field, message, hint)
    return None


def check_base64(data: str | None, field: str) -> Finding | None:
    """Base64 text that passed the API's pattern must also decode (padding, length)."""
    decoded = decode_base64(data, field)
    return decoded if isinstance(decoded, Finding) else None


def decode_base64(data: str | None, field: str) -> bytes | Finding:
    """The bytes base64 ``data`` decodes to, or why it does not (``media.base64_invalid``).

    Decoded once for every check of an inline image: at 27 MB of text each pass costs about
    90 ms. The API's pattern is searched for only when decoding failed: strict decoding of
    non-empty text succeeds only on what the pattern accepts.
    """
    if data is None:
        return MEDIA_BASE64_INVALID.finding(field, f"{field} is missing")
    padding = 0  # counted from the end: the data may be 27 MB, not to be copied or scanned
    while padding < len(data) and data[-1 - padding] == "=":
        padding += 1
    whole = len(data) - padding + (-(len(data) - padding) % 4)  # its length, padded right
    if len(data) > whole and _decodes(data[:whole]):
        # Python's strict decoding takes "=" past a whole group ("AAAA="); RFC 4648 does not,
        # nor do other languages' decoders (Java's, Go's): the length must be a multiple of 4.
        extra = len(data) - whole
        message = f"{field} has {plural(extra, 'padding character')} ('=') past its end"
        hint = f"Remove {'=' * extra} from the end: base64 pads to a multiple of 4 characters."
        return MEDIA_BASE64_INVALID.finding(field, message, hint)
    error = "no text"
    if data:
        try:
            return _strict_decode(data)
        except ValueError as exc:  # binascii.Error, or a character that is not ASCII
            error = str(exc)
    problem = base64_problem(data)  # the empty text, a data: prefix, a line break...
    if problem is not None:
        return MEDIA_BASE64_INVALID.finding(field, f"{field} {problem[0]}", problem[1])
    message = f"{field} does not decode as base64 ({error}; {len(data)} characters)"
    hint = "The text is cut off or mangled: encode the whole file again, with its '=' padding."
    if "=" not in data and len(data) % 4 in (2, 3) and _decodes(data + "=" * (-len(data) % 4)):
        missing = -len(data) % 4
        hint = f"Only its padding is missing: add {'=' * missing} at the end."
        cut = _cut_image(data + "=" * missing)
        if cut is not None and cut.startswith("is cut off"):  # something cut it short
            hint = f"The text is cut off: padded, it decodes to an image that {cut}. Encode the "
            hint += "whole file again"
            if len(data) == _CELL_LIMIT:  # exactly as long as a spreadsheet's cell holds
                hint += f" (a spreadsheet cell holds at most {_CELL_LIMIT:,} characters)"
            hint += "."
    return MEDIA_BASE64_INVALID.finding(field, message, hint)


# The characters Excel and Google Sheets keep of a cell: a longer text is cut at this length.
_CELL_LIMIT = 32_767


def _strict_decode(data: str) -> bytes:
    """``a2b_base64(data, strict_mode=True)``, a megabyte of text at a time.

    The async API checks a large inline image in a worker thread; a single call on 27 MB would
    hold the GIL, and so the caller's event loop, for about 90 ms. Between pieces the loop gets
    its turn. Padding belongs only at the very end, so text with "=" earlier, and text any piece
    of which fails, is decoded whole: its error is then the one the whole text gives.
    """
    if len(data) <= _DECODED_PIECE or data.find("=", 0, len(data) - 2) != -1:
        return binascii.a2b_base64(data, strict_mode=True)
    try:
        return b"".join(
            binascii.a2b_base64(data[start : start + _DECODED_PIECE], strict_mode=True)
            for start in range(0, len(data), _DECODED_PIECE)
        )
    except ValueError:
        return binascii.a2b_base64(data, strict_mode=True)


# Base64 characters decoded at a time (a multiple of 4): about 3 ms of work here.
_DECODED_PIECE = 1 << 20


def _cut_image(data: str) -> str | None:
    """Why the JPEG or PNG that ``data`` (whole base64) decodes to is cut, or ``None``."""
    container = _inline_container(data)
    return image_cut(container, binascii.a2b_base64(data)) if container.is_image_ok else None


def _decodes(data: str) -> bool:
    try:
        binascii.a2b_base64(data, strict_mode=True)
    except ValueError:  # binascii.Error, or a character that is not ASCII
        return False
    return True


class InlineImage(NamedTuple):
    """What ``check_inline_image`` found, and the image's displayed size when it was read."""

    findings: list[Finding]
    size: tuple[int, int] | None = None


def check_inline_image(
    data: str | None,
    field: str,
    declared: str | None,
    type_field: str,
    settings: Settings,
    mismatch: Code = MEDIA_CONTENT_TYPE_INVALID,
    *,
    cover: bool = False,
) -> InlineImage:
    """Base64 image data: a whole JPEG or PNG of the declared type, judged as a fetched file.

    The bytes are in the payload, so what the network stage learns of a URL's file is known
    offline: its format from the first dozen bytes, then its size, its dimensions (a
    ``cover``'s shape only, ``image_findings``), and whether it is cut off, from all of them.
    ``mismatch`` is the code for data that is not what ``type_field`` declares (a video cover
    has its own).
    """
    raw = decode_base64(data, field)
    if isinstance(raw, Finding) or data is None:
        return InlineImage([raw] if isinstance(raw, Finding) else [])
    container = sniff(raw[:_SNIFFED_BYTES])
    if not container.is_image:
        message = f"{field} decodes to bytes that are no image: {container.a_label}"
        hint = "Encode the image file itself: a JPEG starts with FF D8 FF, a PNG with 89 50 4E 47."
        return InlineImage([MEDIA_BASE64_INVALID.finding(field, message, hint)])
    if not container.is_image_ok:
        message = f"{field} holds {container.a_label}; Pinterest takes JPEG or PNG"
        hint = f"Convert the {container.label} to JPEG or PNG, then encode that file."
        return InlineImage([MEDIA_UNSUPPORTED_FORMAT.finding(field, message, hint)])
    read = _read_inline(data, raw, field, settings, cover=cover)
    real = CONTENT_TYPES[container]
    if declared is not None and declared != real:
        # Said with what else the image has (cut off, too large), as for a fetched URL: fixing
        # the type alone would not be the end of it.
        message = f"{type_field} is {declared} but {field} holds {container.a_label}"
        wrong = mismatch.finding(type_field, message, f"Set {type_field} to {real}.")
        return InlineImage([wrong, *read.findings], read.size)
    return read


def _read_inline(
    data: str, raw: bytes, field: str, settings: Settings, *, cover: bool
) -> InlineImage:
    """The image's own facts, from the whole of its bytes ``raw`` (header, size, end)."""
    where = f"the image in {field}"
    too_large = size_findings(field, where, len(raw), settings.image_max_bytes)
    if too_large:  # not read: the limit is what Pinterest takes, and memory is the user's
        return InlineImage(too_large)
    if len(data) <= _REMEMBERED_LENGTH:  # Pillow's process-wide limits are part of the key
        read = _read_small(data, settings.deep, Image.MAX_IMAGE_PIXELS, _truncated_ok())
    else:
        read = _read_bytes(raw, settings.deep)
    facts, cut, undecoded = read
    if isinstance(facts, ImageProblem):
        if facts.kind is ImageProblemKind.TOO_LARGE:  # not opened, for safety: not broken
            message = f"{where} was not checked completely: the image {facts.reason}"
            return InlineImage([MEDIA_CHECK_INCOMPLETE.finding(field, message, RESIZE_FIX)])
        return InlineImage([MEDIA_INVALID.finding(field, f"{where} {facts.reason}")])
    found: list[Finding] = []
    if cut is not None:
        found.append(MEDIA_INVALID.finding(field, f"{where} {cut}"))
    if undecoded is not None:  # --deep could not decode it: its header and end were judged
        message = f"{where} was not checked completely: the image {undecoded} (--deep)"
        found.append(MEDIA_CHECK_INCOMPLETE.finding(field, message))
    found.extend(image_findings(field, facts, where, settings, cover=cover))
    return InlineImage(found, facts.display_size)


# What an inline image's bytes tell: its facts (or problem), why it is cut, why not decoded.
_Read = tuple[ImageFacts | ImageProblem, str | None, str | None]


def _read_bytes(raw: bytes, deep: bool) -> _Read:
    """The facts of an image file's bytes, why it is cut (``image_cut``), and why not decoded.

    Not decoded (``deep`` refused or could not): the facts are then its header's.
    """
    facts, undecoded = decode_or_read(raw) if deep else (read_image_facts(raw), None)
    cut = None if isinstance(facts, ImageProblem) else image_cut(facts.container, raw)
    return facts, cut, undecoded


# A small image sent again (one picture posted to several boards) is read once, as a URL is
# fetched once per run; the texts kept are short, so the cache stays small (64 x 64 KiB).
_REMEMBERED_LENGTH = 64 * 1024


@functools.lru_cache(maxsize=64)
def _read_small(data: str, deep: bool, max_pixels: int | None, truncated_ok: bool) -> _Read:
    """``_read_bytes``, remembered; Pillow's pixel limit and truncation switch are in the key.

    Its rarer process-wide limits (``PngImagePlugin.MAX_TEXT_CHUNK``...) are not: a process
    that changes them between runs should call ``_read_small.cache_clear()``.
    """
    return _read_bytes(binascii.a2b_base64(data), deep)


def _truncated_ok() -> bool:
    return bool(ImageFile.LOAD_TRUNCATED_IMAGES)


def inline_image_type(data: str | None) -> str | None:
    """The content type inline base64 data really is (JPEG or PNG), or ``None``."""
    if data is None or check_base64(data, "") is not None:
        return None
    return CONTENT_TYPES.get(_inline_container(data))


def _inline_container(data: str) -> Container:
    """What base64 data that decodes holds, from its first bytes."""
    return sniff(binascii.a2b_base64(data[:_SNIFFED_CHARACTERS]))


# Bytes looked at to see what inline data is: as much as ``sniff`` reads of text. 36 were past
# every binary format's magic, but not past an SVG's XML prolog or comment before its root
# element, which was then "no image" instead of an unsupported format.
_SNIFFED_BYTES = 1026
_SNIFFED_CHARACTERS = _SNIFFED_BYTES // 3 * 4  # the base64 text of as many bytes: 1,368


def check_content_type(content_type: str | None, field: str) -> Finding | None:
    """An inline image must say what it is (the model already restricts the value)."""
    if content_type is None:
        return MEDIA_CONTENT_TYPE_INVALID.finding(field, f"{field} is missing")
    return None


def check_link(link: str | None, field: str) -> Finding | None:
    """A destination link, when given, must be an absolute http(s) URL."""
    if link is None:
        return None
    problem = url_problem(link)
    if problem is not None:
        return TEXT_LINK_INVALID.finding(field, f"the link {quote(link)} {problem}")
    return None
