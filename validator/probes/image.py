"""Facts about a JPEG or PNG image from its header: format, size, mode, progressive, orientation.

Pillow reads them from the bytes before the image data (up to a JPEG's start-of-scan, a PNG's
first IDAT), restricted to the JPEG and PNG parsers: without the restriction the WebP plugin reads
the whole file and others read kilobytes of a video (media-probing.md, Traps). The source is a
``RangeFile`` over a URL, bytes (base64 image data, decoded) or any binary file.

Bad bytes never raise: the answer is an ``ImageProblem`` with a kind the caller can map to a
finding and a reason in plain words. An image over ``PIL.Image.MAX_IMAGE_PIXELS`` is a problem
decided from its header, before Pillow (whose own check warns through the process-wide warnings
machinery). Only a failing fetch raises, after Pillow is done, as the fetch callback raised it.
"""

from __future__ import annotations

import enum
import io
import re
import threading
import warnings
from dataclasses import dataclass
from typing import IO, cast

from PIL import Image

from validator.probes.rangefile import RangeFile
from validator.probes.sniff import (
    Container,
    header_end,
    header_unreadable,
    image_size,
    jpeg_header_reach,
    jpeg_scans,
    png_header_problem,
    sniff,
)

__all__ = [
    "HEADER_READ",
    "RESIZE_FIX",
    "ImageFacts",
    "ImageProblem",
    "ImageProblemKind",
    "ImageSource",
    "decode_fully",
    "decode_or_read",
    "plan_image_reads",
    "read_image_facts",
]

ImageSource = bytes | bytearray | memoryview | RangeFile | IO[bytes]
"""What the probes read: a ranged remote file, the image's bytes, or a local binary file."""

# When a JPEG's headers do not fit in the first block (ICC profiles, XMP, EXIF thumbnails: 260 KB
# seen), one more read of this much past the head finds the start-of-scan in all but freak files.
HEADER_READ = 256 * 1024
# What one image may cost when its headers reach a little past the first block (issue 3: two
# requests, 80 KiB): the segment the first block ends inside is read to its end, and this much
# past it for the tables and frame header that follow it, rather than HEADER_READ more.
IMAGE_BUDGET = 80 * 1024
_TABLES = 8 * 1024
_PILLOW_FORMATS = ("JPEG", "PNG")
_EXIF_ORIENTATION = 0x0112
_LOCAL_HEAD = 64 * 1024 + HEADER_READ


#: What to do about an image with more pixels than can be decoded safely (a decompression bomb, or
#: a poster scan): no server setting helps, the file itself must shrink (pinterest-api.md §4.1).
RESIZE_FIX = "Resize the image (Pinterest recommends 1000x1500 for a 2:3 pin) and upload it again."


class ImageProblemKind(enum.StrEnum):
    """Why no facts came back; the network stage maps each to a finding."""

    UNSUPPORTED = "unsupported"  # not JPEG or PNG
    TOO_LARGE = "too-large"  # more pixels than Image.MAX_IMAGE_PIXELS: a decompression bomb
    CORRUPT = "corrupt"  # JPEG/PNG magic, but Pillow cannot read the header or the data
    TRUNCATED = "truncated"  # the data stops before the image does
    INCOMPLETE = "incomplete"  # the byte budget ran out before the bytes needed were read
    NOT_DECODED = "not-decoded"  # --deep: read, but decoding it was not safe or not possible


@dataclass(frozen=True, slots=True)
class ImageProblem:
    """What is wrong with the bytes. ``reason`` completes "The image …" ("is an HTML page, …")."""

    kind: ImageProblemKind
    reason: str
    container: Container


@dataclass(frozen=True, slots=True)
class ImageFacts:
    """What Pinterest's media checks need from an image (pinterest-api.md §4.1).

    ``progressive`` is known for JPEG only (``None`` for PNG). ``orientation`` is the EXIF
    orientation tag of a JPEG (1-8, ``None`` when absent); 5-8 mean the picture is shown rotated a
    quarter turn, so its displayed size is ``display_size``, not ``(width, height)``.
    """

    container: Container
    width: int
    height: int
    mode: str
    progressive: bool | None = None
    orientation: int | None = None

    @property
    def display_size(self) -> tuple[int, int]:
        """(width, height) as viewers show it, after the EXIF orientation."""
        if self.orientation in (5, 6, 7, 8):
            return self.height, self.width
        return self.width, self.height


def plan_image_reads(head: bytes, total_size: int) -> list[tuple[int, int]]:
    """The span to fetch after ``head`` so Pillow can open the image: ``[]`` or one span.

    Spans are ``(first, last)`` byte offsets, inclusive like an HTTP Range. Empty when the head
    already holds every byte before the image data, or for anything but a JPEG or PNG. Asked
    again with what the span brought, it plans the next: each span is at least as long as all
    read before it, so headers of any length (C2PA credentials, Photoshop's XMP history) take
    a few requests, not one per block, up to the byte cap.
    """
    container = sniff(head)
    if not container.is_image_ok or len(head) >= total_size:
        return []
    if header_end(container, head) is not None or header_unreadable(container, head):
        return []  # broken headers: more bytes (up to the cap) would not mend them
    grown = len(head) + max(HEADER_READ, len(head))  # each span as long as all read before it
    reach = jpeg_header_reach(head) if container is Container.JPEG else None
    if reach is not None:
        end, counted = reach
        # A few KB more; or an ICC profile's end, if no further than the growing span would go
        # (a first segment may claim 1 of 200 that are not there).
        if (counted and end + _TABLES <= grown) or end + _TABLES <= IMAGE_BUDGET:
            return [(len(head), min(total_size, end + _TABLES) - 1)]
    return [(len(head), min(total_size, grown) - 1)]


def read_image_facts(source: ImageSource, *, prefix: bool = False) -> ImageFacts | ImageProblem:
    """Facts from the image's header, or the problem that prevents them.

    With a ``RangeFile``, costs no request when the seeded head holds the headers, else one per
    growing span (``plan_image_reads``: one for nearly every image, a few for half a megabyte of
    metadata); Pillow's later reads, if any, go block by block within the budget.
    ``prefix``: the bytes given are only the start of the file, so running out of them is
    ``INCOMPLETE`` (the headers go on past them), not a file cut short.
    """
    return _probe(source, decode=False, prefix=prefix)


def decode_fully(source: ImageSource) -> ImageFacts | ImageProblem:
    """Like ``read_image_facts``, then decode every pixel: the ``--deep`` check.

    Catches what the header hides: data cut short (``TRUNCATED``), corrupt compressed data
    (``CORRUPT``). Reads the whole file (a ``RangeFile`` fetches the rest in one request, and
    needs a budget of the file's size: ``INCOMPLETE`` otherwise). Pillow's
    ``LOAD_TRUNCATED_IMAGES`` is left as the process set it.
    """
    return _probe(source, decode=True)


def decode_or_read(data: bytes) -> tuple[ImageFacts | ImageProblem, str | None]:
    """``decode_fully``; where it did not decode (``NOT_DECODED``), the header's facts and why.

    One answer for ``--deep`` on fetched and inline images: the header and the end are still
    judged, and the reason becomes ``media.check_incomplete``.
    """
    facts = decode_fully(data)
    if isinstance(facts, ImageProblem) and facts.kind is ImageProblemKind.NOT_DECODED:
        return read_image_facts(data), facts.reason
    return facts, None


def _probe(source: ImageSource, *, decode: bool, prefix: bool = False) -> ImageFacts | ImageProblem:
    try:
        return _probe_once(source, decode=decode, prefix=prefix)
    except Warning:
        # Raised only where the process turns warnings into errors (a test suite's -W error) and
        # Pillow warned while reading: about metadata it skips ("Tag data larger than file" from
        # a phone's EXIF), not about the image. Read again with Pillow's warnings ignored. The
        # warnings filters are the process's (before Python 3.14): the lock keeps two such
        # reads from restoring each other's filters, but not another thread's catch_warnings
        # at that moment, which one of them may undo. Rare: both need -W error and odd EXIF.
        with _WARNINGS_OFF, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _probe_once(source, decode=decode, prefix=prefix)


_WARNINGS_OFF = threading.Lock()


def _probe_once(
    source: ImageSource, *, decode: bool, prefix: bool = False
) -> ImageFacts | ImageProblem:
    fp, head, ranged = _open(source)
    if ranged is not None:
        ranged.reraise()  # no first block: the network failed, the bytes did not
    container = sniff(head)
    if not container.is_image_ok:
        return ImageProblem(
            ImageProblemKind.UNSUPPORTED, f"is {container.a_label}, not a JPEG or PNG", container
        )
    if ranged is not None:
        if decode:  # every byte will be read: one request rather than one per block
            ranged.prefetch(len(head), ranged.size - 1)
        head = ranged.cached_prefix()
        while spans := plan_image_reads(head, ranged.size):
            first, last = spans[0]
            if ranged.prefetch(first, last) < last - first + 1:
                break  # the budget is spent, or the server sent less: Pillow reads on by blocks
            head = ranged.cached_prefix()
    if container is Container.PNG and (broken := png_header_problem(head)) is not None:
        return ImageProblem(ImageProblemKind.CORRUPT, broken, container)
    declared = image_size(container, head)
    too_large = _impossible_size(container, declared) or _pixel_limit_problem(container, declared)
    if too_large is not None:
        return too_large
    if decode and container is Container.JPEG and (scans := _scans(ranged, fp)) > MAX_SCANS:
        reason = (
            f"has {scans:,} scans, more than the {MAX_SCANS:,} any encoder writes: not decoded "
            "(each costs a pass over the whole picture)"
        )
        return ImageProblem(ImageProblemKind.NOT_DECODED, reason, container)
    fp.seek(0)
    try:
        with Image.open(cast("IO[bytes]", fp), formats=_PILLOW_FORMATS) as image:
            facts = _facts(container, image)
            too_large = _pixel_limit_problem(container, (facts.width, facts.height))
            if too_large is not None:
                return too_large
            if decode:
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        return ImageProblem(ImageProblemKind.TOO_LARGE, f"is too large to decode: {exc}", container)
    except MemoryError:  # the machine's, not the file's: the image may well be sound
        reason = "could not be decoded: the machine ran out of memory for its pixels"
        return ImageProblem(ImageProblemKind.NOT_DECODED, reason, container)
    except Warning:
        raise  # a warning made an error by the process's filters: see _probe
    except Exception as exc:  # Pillow raises OSError, SyntaxError, ValueError... on bad bytes
        if prefix and not decode and _ran_out(exc):
            return ImageProblem(
                ImageProblemKind.INCOMPLETE,
                f"its headers go on past the first {len(head):,} bytes, all that was read",
                container,
            )
        return _failure(container, exc, ranged, decoding=decode)
    if ranged is not None:
        ranged.reraise()
    return facts


#: The most scans a JPEG is decoded with (``--deep``). Progressive encoders write about ten; a
#: file that repeats one scan thousands of times costs a pass over the picture for each (20,000
#: scans of a 2.6 MB file took 90 s of CPU, past every deadline, on a thread nothing can stop).
MAX_SCANS = 500


def _scans(ranged: RangeFile | None, fp: IO[bytes] | RangeFile) -> int:
    """``jpeg_scans`` of the whole file, which ``--deep`` has read."""
    if ranged is not None:
        data = ranged.cached_prefix()  # --deep read it all, in one request
    else:
        fp.seek(0)
        data = fp.read()
    return jpeg_scans(data)


def _open(source: ImageSource) -> tuple[IO[bytes] | RangeFile, bytes, RangeFile | None]:
    """The file to give Pillow, the bytes known from its start, and the RangeFile if it is one."""
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        return io.BytesIO(data), data, None
    if isinstance(source, RangeFile):
        head = source.cached_prefix() or source.pread(0, source.block_size)
        return source, head, source
    source.seek(0)
    head = source.read(_LOCAL_HEAD)
    return source, head, None


def _impossible_size(container: Container, size: tuple[int, int] | None) -> ImageProblem | None:
    """A PNG's IHDR that states a size no PNG has: 0, or past 2^31 - 1 (the PNG specification).

    Such a header is corrupt, not a large image that was left unread.
    """
    if container is not Container.PNG or size is None:
        return None
    width, height = size
    if 0 < width < 2**31 and 0 < height < 2**31:
        return None
    reason = f"has a corrupt header: it states {width:,}×{height:,} pixels, which no PNG has"
    return ImageProblem(ImageProblemKind.CORRUPT, reason, container)


def _pixel_limit_problem(container: Container, size: tuple[int, int] | None) -> ImageProblem | None:
    limit = Image.MAX_IMAGE_PIXELS
    if size is None or limit is None:
        return None
    width, height = size
    if width * height <= limit:
        return None
    return ImageProblem(
        ImageProblemKind.TOO_LARGE,
        f"has {width}×{height} = {width * height:,} pixels, over the decoding limit of "
        f"{limit:,} (a decompression bomb, or far larger than any pin needs)",
        container,
    )


def _facts(container: Container, image: Image.Image) -> ImageFacts:
    width, height = image.size
    progressive = None
    orientation = None
    if container is Container.JPEG:
        progressive = bool(image.info.get("progressive") or image.info.get("progression"))
        orientation = _orientation(image)
    return ImageFacts(container, width, height, image.mode, progressive, orientation)


def _orientation(image: Image.Image) -> int | None:
    # A JPEG's EXIF is already in memory after open (its APP1 segment); a PNG's getexif() would
    # decode the whole image to look for an eXIf chunk after IDAT, so PNGs are not asked.
    try:
        value = image.getexif().get(_EXIF_ORIENTATION)
    except Exception:  # malformed EXIF is not worth a problem: the image itself is fine
        return None
    return value if isinstance(value, int) and 1 <= value <= 8 else None


_OBJECT_REPR = re.compile(r"\s*<[^<>]* at 0x[0-9A-Fa-f]+>")


def _ran_out(exc: Exception) -> bool:
    """Whether Pillow stopped because the bytes ended (its words for it), not on bad bytes."""
    return isinstance(exc, EOFError) or "Truncated File Read" in str(exc)


def _failure(
    container: Container, exc: Exception, ranged: RangeFile | None, *, decoding: bool
) -> ImageProblem:
    if ranged is not None:
        ranged.reraise()
        if ranged.exhausted:
            return ImageProblem(
                ImageProblemKind.INCOMPLETE,
                f"could not be read within the byte budget ({ranged.bytes_fetched:,} bytes "
                "fetched)",
                container,
            )
        if ranged.cut_short:  # the server sent less than asked, inside the file
            return ImageProblem(
                ImageProblemKind.INCOMPLETE,
                f"could not be read: the server sent less than asked for ({ranged.bytes_fetched:,}"
                " bytes fetched)",
                container,
            )
    # Pillow names its file object ("cannot identify image file <_io.BytesIO object at 0x7f…>"):
    # an address that changes on every run and means nothing to the reader.
    message = _OBJECT_REPR.sub("", str(exc)).strip() or type(exc).__name__
    if decoding and ("truncated" in message or isinstance(exc, EOFError)):
        return ImageProblem(
            ImageProblemKind.TRUNCATED,
            f"is cut short: its {container.label} data ends early ({message})",
            container,
        )
    action = "decoded" if decoding else "read"
    return ImageProblem(
        ImageProblemKind.CORRUPT,
        f"looks like {container.a_label} but cannot be {action}: {message}",
        container,
    )
