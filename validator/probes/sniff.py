"""What a file is, decided from its first bytes, and where its parts lie.

The network stage fetches one block from the start of every media URL. Everything here works on
that block alone, so that a GIF, a WebM or an HTML error page is refused without another byte, and
so that a video's index (the ISO-BMFF ``moov`` box) or a JPEG's headers can be fetched in one
further request because we know where they are. No function here raises on bad bytes: a file that
parses as nothing is ``Container.UNKNOWN``, a box walk stops where the bytes stop making sense.
"""

from __future__ import annotations

import enum
import re
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass

__all__ = [
    "CONTENT_TYPES",
    "PNG_IEND",
    "Box",
    "Container",
    "end_marker_ok",
    "header_end",
    "header_unreadable",
    "image_cut",
    "image_ends",
    "image_size",
    "iso_boxes",
    "jpeg_header_reach",
    "jpeg_scan_offset",
    "jpeg_scans",
    "png_chunks_cut",
    "png_data_offset",
    "png_header_problem",
    "sniff",
    "walk_boxes",
]


class Container(enum.StrEnum):
    """The file type that the magic bytes show, whatever the URL or Content-Type claims."""

    JPEG = "jpeg"
    PNG = "png"
    GIF = "gif"
    WEBP = "webp"
    HEIF = "heif"
    AVIF = "avif"
    BMP = "bmp"
    TIFF = "tiff"
    ICO = "ico"
    JXL = "jxl"
    SVG = "svg"
    MP4 = "mp4"
    MOV = "mov"
    THREE_GP = "3gp"
    WEBM = "webm"
    MATROSKA = "matroska"
    AVI = "avi"
    FLV = "flv"
    ASF = "asf"
    MPEG_TS = "mpeg-ts"
    MPEG_PS = "mpeg-ps"
    OGG = "ogg"
    HTML = "html"
    XML = "xml"
    JSON = "json"
    PDF = "pdf"
    GZIP = "gzip"
    EMPTY = "empty"
    UNKNOWN = "unknown"

    @property
    def is_image_ok(self) -> bool:
        """Whether Pinterest takes this as an image (pinterest-api.md §4.1: JPEG or PNG)."""
        return self in _IMAGE_OK

    @property
    def is_video_ok(self) -> bool:
        """Whether Pinterest takes this as a video (§4.2: .mp4, .mov, .m4v are all ISO-BMFF)."""
        return self in _VIDEO_OK

    @property
    def is_image(self) -> bool:
        """Whether this is a picture format at all, taken by Pinterest or not."""
        return self in _IMAGES

    @property
    def is_video(self) -> bool:
        """Whether this is a video (or audio/video) container, taken by Pinterest or not."""
        return self in _VIDEOS

    @property
    def label(self) -> str:
        """How messages name it: "WebP image", "HTML page"."""
        return _LABELS[self]

    @property
    def a_label(self) -> str:
        """The label with its indefinite article, for "is an HTML page", "is a WebP image"."""
        article = "an" if self in _AN else "a"
        return f"{article} {_LABELS[self]}"


_IMAGE_OK = frozenset({Container.JPEG, Container.PNG})
_VIDEO_OK = frozenset({Container.MP4, Container.MOV})
_IMAGES = frozenset(
    {
        Container.JPEG,
        Container.PNG,
        Container.GIF,
        Container.WEBP,
        Container.HEIF,
        Container.AVIF,
        Container.BMP,
        Container.TIFF,
        Container.ICO,
        Container.JXL,
        Container.SVG,
    }
)
_VIDEOS = frozenset(
    {
        Container.MP4,
        Container.MOV,
        Container.THREE_GP,
        Container.WEBM,
        Container.MATROSKA,
        Container.AVI,
        Container.FLV,
        Container.ASF,
        Container.MPEG_TS,
        Container.MPEG_PS,
        Container.OGG,
    }
)
# Labels read with a vowel sound first: "an AVI video", "an HTML page", "an MP4 video".
_AN = frozenset(
    {
        Container.AVIF,
        Container.ICO,
        Container.SVG,
        Container.MP4,
        Container.AVI,
        Container.MPEG_TS,
        Container.MPEG_PS,
        Container.OGG,
        Container.HTML,
        Container.XML,
        Container.EMPTY,
    }
)
_LABELS = {
    Container.JPEG: "JPEG image",
    Container.PNG: "PNG image",
    Container.GIF: "GIF image",
    Container.WEBP: "WebP image",
    Container.HEIF: "HEIF/HEIC image",
    Container.AVIF: "AVIF image",
    Container.BMP: "BMP image",
    Container.TIFF: "TIFF image",
    Container.ICO: "ICO icon",
    Container.JXL: "JPEG XL image",
    Container.SVG: "SVG image",
    Container.MP4: "MP4 video",
    Container.MOV: "QuickTime (MOV) video",
    Container.THREE_GP: "3GP video",
    Container.WEBM: "WebM video",
    Container.MATROSKA: "Matroska (MKV) video",
    Container.AVI: "AVI video",
    Container.FLV: "Flash (FLV) video",
    Container.ASF: "Windows Media (ASF/WMV) video",
    Container.MPEG_TS: "MPEG transport stream",
    Container.MPEG_PS: "MPEG program stream",
    Container.OGG: "Ogg media",
    Container.HTML: "HTML page",
    Container.XML: "XML document",
    Container.JSON: "JSON document",
    Container.PDF: "PDF document",
    Container.GZIP: "gzip-compressed file",
    Container.EMPTY: "empty file",
    Container.UNKNOWN: "file of unknown type",
}

#: The content type an image of each format Pinterest takes is declared with.
CONTENT_TYPES = {Container.JPEG: "image/jpeg", Container.PNG: "image/png"}

# ISO-BMFF brands (the `ftyp` box). MOV is brand "qt  "; HEIF and AVIF are still images (an AVIF
# often has major brand mif1 with avif among the compatible brands); anything else is MP4 (isom,
# mp41, mp42, avc1, iso2..iso9, M4V, dash...), which is how Pinterest's .mp4/.m4v arrive. A 3GPP
# brand (3gp4..3gp9, 3g2a, 3ge6, 3gg6...) is MP4 too when it lists an MP4 brand as compatible (as
# ffmpeg and most phones write it): the same boxes, which an MP4 reader plays. Without one it is
# 3GP, which Pinterest does not name (pinterest-api.md §4.2 lists MP4, MOV and M4V).
_MOV_BRAND = "qt  "
_AVIF_BRANDS = frozenset({"avif", "avis"})
_MP4_BRANDS = frozenset(
    {"isom", "iso2", "iso3", "iso4", "iso5", "iso6", "iso7", "iso8", "iso9", "mp41", "mp42",
     "avc1", "M4V "}
)  # fmt: skip
_HEIF_BRANDS = frozenset(
    {"heic", "heix", "heim", "heis", "hevc", "hevx", "hevm", "hevs", "mif1", "mif2", "msf1"}
    | {"avci", "avcs"}
)
# A QuickTime file from before `ftyp` existed starts straight with one of these boxes.
_LEGACY_QT_BOXES = frozenset({b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"})
_ASF_GUID = bytes.fromhex("3026b2758e66cf11a6d900aa0062ce6c")
_JXL_CONTAINER = b"\x00\x00\x00\x0cJXL \r\n\x87\n"
_BMP_HEADER_SIZES = frozenset({12, 40, 52, 56, 64, 108, 124})
_TS_PACKET = 188
# Markup: the first element's name (skipping <?xml ...?>, <!-- ... --> and <!DOCTYPE>).
_ELEMENT = re.compile(r"<([a-z][a-z0-9:_.-]*)")
_TAG_START = re.compile(r"<[a-z!?]")


def sniff(head: bytes) -> Container:
    """The container of a file from its first bytes (a few hundred are enough, a block is best).

    Only the magic numbers decide: an extension or Content-Type is a guess by whoever named or
    served the file (nginx serves an HTML page named .jpg as image/jpeg).
    """
    if not head:
        return Container.EMPTY
    found = _sniff_binary(head)
    if found is not None:
        return found
    return _sniff_text(head)


def _sniff_binary(head: bytes) -> Container | None:
    if head.startswith(b"\xff\xd8\xff"):
        return Container.JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Container.PNG
    if head[4:8] == b"ftyp":
        return _iso_brand(head)
    if head.startswith((b"GIF87a", b"GIF89a")):
        return Container.GIF
    if head.startswith(b"RIFF") and len(head) >= 12:
        return {b"WEBP": Container.WEBP, b"AVI ": Container.AVI}.get(head[8:12])
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return _ebml_doctype(head)
    if head.startswith((b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")):
        return Container.TIFF
    if head.startswith(b"BM") and _is_bmp(head):
        return Container.BMP
    if head.startswith((b"\xff\x0a", _JXL_CONTAINER)):
        return Container.JXL
    if head.startswith(b"\x00\x00\x01\x00") and len(head) >= 6 and head[4:6] != b"\x00\x00":
        return Container.ICO
    if head.startswith(b"FLV\x01"):
        return Container.FLV
    if head.startswith(_ASF_GUID):
        return Container.ASF
    if head.startswith(b"OggS"):
        return Container.OGG
    if head.startswith((b"\x00\x00\x01\xba", b"\x00\x00\x01\xb3")):
        return Container.MPEG_PS
    if _is_transport_stream(head):
        return Container.MPEG_TS
    if head.startswith(b"%PDF-"):
        return Container.PDF
    if head.startswith(b"\x1f\x8b\x08"):
        return Container.GZIP
    if len(head) >= 8 and head[4:8] in _LEGACY_QT_BOXES and _box_size_plausible(head):
        return Container.MOV
    return None


def _iso_brand(head: bytes) -> Container:
    major = head[8:12].decode("latin-1")
    if major == _MOV_BRAND:
        return Container.MOV
    (ftyp_size,) = struct.unpack_from(">I", head, 0)
    # Compatible brands follow the major brand and its 4-byte minor version.
    compatible_bytes = head[16 : min(ftyp_size, len(head))]
    compatible = {
        compatible_bytes[i : i + 4].decode("latin-1") for i in range(0, len(compatible_bytes), 4)
    }
    if major in _AVIF_BRANDS or (major in _HEIF_BRANDS and compatible & _AVIF_BRANDS):
        return Container.AVIF
    if major in _HEIF_BRANDS:
        return Container.HEIF
    if major.startswith("3g") and not compatible & _MP4_BRANDS:
        return Container.THREE_GP  # an old phone's file that claims no MP4 reader can play it
    return Container.MP4


def _ebml_doctype(head: bytes) -> Container:
    # The EBML header holds a DocType element (ID 0x4282): "webm" or "matroska".
    at = head.find(b"\x42\x82", 4, 64)
    if at != -1 and at + 3 <= len(head) and head[at + 2] & 0x80:
        length = head[at + 2] & 0x7F
        if head[at + 3 : at + 3 + length] == b"webm":
            return Container.WEBM
    return Container.MATROSKA


def _is_bmp(head: bytes) -> bool:
    # "BM" alone is too common a start for text; the DIB header size pins it down.
    if len(head) < 18:
        return False
    (dib_size,) = struct.unpack_from("<I", head, 14)
    return dib_size in _BMP_HEADER_SIZES


def _is_transport_stream(head: bytes) -> bool:
    # A sync byte every 188 bytes (or every 192 in a Blu-ray .m2ts with its 4-byte prefix).
    for first in (0, 4):
        if len(head) > first + _TS_PACKET + 4 and all(
            head[first + k * (_TS_PACKET + first)] == 0x47 for k in range(2)
        ):
            return True
    return False


def _box_size_plausible(head: bytes) -> bool:
    (size,) = struct.unpack_from(">I", head, 0)
    return size in (0, 1) or size >= 8


def _sniff_text(head: bytes) -> Container:
    sample = head[:1024]
    if sample.startswith(b"\xef\xbb\xbf"):
        text = sample[3:].decode("utf-8", "replace")
    elif sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = sample.decode("utf-16", "replace")
    elif b"\x00" in sample[:256]:
        return Container.UNKNOWN  # binary data, not a text page
    else:
        text = sample.decode("latin-1")
    text = text.lstrip(" \t\r\n\f\v\ufeff").lower()
    if text.startswith("<"):
        return _markup(text)
    if text.startswith(("{", "[")):
        return Container.JSON
    return Container.UNKNOWN


def _markup(text: str) -> Container:
    if text.startswith("<!doctype"):
        return Container.SVG if text[9:].lstrip().startswith("svg") else Container.HTML
    # The root element decides (an SVG often holds a <title>, an XHTML page starts <?xml).
    root = _ELEMENT.search(text)
    name = root.group(1).rpartition(":")[2] if root else ""
    if name == "svg":
        return Container.SVG
    if name == "html":
        return Container.HTML
    if text.startswith("<?xml"):
        return Container.XML
    # "<p>Not found</p>", "<!-- cached --><head>": tag soup is what error pages are made of.
    return Container.HTML if _TAG_START.match(text) else Container.UNKNOWN


@dataclass(frozen=True, slots=True)
class Box:
    """One ISO-BMFF box: its four-character type, where it starts and its whole size in bytes.

    ``header`` is 8, or 16 when the size is a 64-bit ``largesize``. A box whose ``end`` lies past
    the end of the file belongs to a file that was cut short.
    """

    type: str
    start: int
    size: int
    header: int = 8

    @property
    def end(self) -> int:
        """The offset just past the box (where the next one starts)."""
        return self.start + self.size


def _valid_type(raw: bytes) -> bool:
    # Box types are printable four-character codes; "©" (0xA9) starts QuickTime metadata atoms.
    return all(0x20 <= c <= 0x7E or c == 0xA9 for c in raw)


def walk_boxes(read: Callable[[int, int], bytes], start: int, end: int) -> list[Box]:
    """The boxes one after another from ``start`` up to ``end`` (exclusive).

    ``read(offset, length)`` returns the bytes available there, possibly fewer: the walk stops
    where ``box_at`` finds no box, or after a box that ends past ``end`` (which is kept: it shows
    the file was cut short). Used on the first block for the top-level boxes and on a ``moov``
    box for its children.
    """
    boxes: list[Box] = []
    pos = start
    while pos + 8 <= end and (box := box_at(read, pos, end)) is not None:
        boxes.append(box)
        pos = box.end
    return boxes


def box_at(read: Callable[[int, int], bytes], pos: int, end: int) -> Box | None:
    """The box whose header starts at ``pos``; ``None`` if there is none to read.

    None: a header ``read`` cannot give in full, a size that cannot be (smaller than its header)
    or a type that is not a four-character code. A size of 0 runs to ``end``.
    """
    header = read(pos, 16)
    if len(header) < 8 or not _valid_type(header[4:8]):
        return None
    (size,) = struct.unpack_from(">I", header, 0)
    header_size = 8
    if size == 1:
        if len(header) < 16:
            return None
        (size,) = struct.unpack_from(">Q", header, 8)
        header_size = 16
    elif size == 0:
        size = end - pos  # "extends to the end of the file"
    if size < header_size:
        return None
    return Box(header[4:8].decode("latin-1"), pos, size, header_size)


def iso_boxes(head: bytes, total_size: int) -> list[Box]:
    """The top-level ISO-BMFF boxes whose headers lie within ``head``, the file's first bytes.

    With the sizes of the boxes seen, a caller knows where the next one starts even when that is
    far past ``head``: whether ``moov`` was seen, where ``mdat`` ends, and whether a box runs past
    ``total_size`` (a truncated file).
    """

    def read(offset: int, length: int) -> bytes:
        return head[offset : offset + length]

    return walk_boxes(read, 0, total_size)


# JPEG markers without a length field: TEM, RST0-7, SOI (EOI ends the walk).
_JPEG_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8), 0xD8})
# Start-of-frame markers (C0-CF but not DHT C4, JPG C8, DAC CC) hold the image size.
_JPEG_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_JPEG_SOS = 0xDA
_JPEG_EOI = 0xD9
# Application and comment segments, whose contents a decoder skips (a length under 2 included).
_JPEG_SKIPPED = frozenset({*range(0xE0, 0xF0), 0xFE})


def _jpeg_segments(head: bytes) -> list[tuple[int, int, int]]:
    """(marker, offset of its 0xFF, offset past the segment) for each header segment in ``head``."""
    return _jpeg_walk(head)[0]


def _jpeg_walk(head: bytes) -> tuple[list[tuple[int, int, int]], bool]:
    """The header segments in ``head`` (``_jpeg_segments``), and whether the walk broke.

    It breaks on a table or frame segment no JPEG has (a length under 2): reading more bytes
    would not find its scan. As libjpeg does (and browsers), bytes where a marker must be are
    skipped up to the next one (it warns of "extraneous bytes before marker" and reads on), and
    so is an application or comment segment of length 0 or 1: a stray byte between two segments
    stopped the walk, and a whole image was taken for one whose headers never end.
    """
    segments: list[tuple[int, int, int]] = []
    if not head.startswith(b"\xff\xd8"):
        return segments, False
    pos = 2
    while pos + 2 <= len(head):
        marker = head[pos + 1]
        if head[pos] != 0xFF or marker == 0x00:  # no marker here (0xFF 0x00 is a data byte)
            pos = head.find(b"\xff", pos + 1)
            if pos < 0:
                break
            continue
        if marker == 0xFF:
            pos += 1  # fill byte before a marker
            continue
        if marker in _JPEG_STANDALONE:
            pos += 2
            continue
        if marker == _JPEG_EOI or pos + 4 > len(head):
            break
        (length,) = struct.unpack_from(">H", head, pos + 2)
        if length < 2 and marker in _JPEG_SKIPPED:  # libjpeg skips nothing, and reads on
            pos += 4
            continue
        if length < 2:
            return segments, True
        end = pos + 2 + length
        if end > len(head):
            break  # inside a segment: ``jpeg_header_reach`` says how far it goes
        segments.append((marker, pos, end))
        if marker == _JPEG_SOS:
            break
        pos = end
    return segments, False


def jpeg_header_reach(head: bytes) -> tuple[int, bool] | None:
    """How far a JPEG's headers reach, as the bytes in ``head`` tell, when they go on past it.

    The walk stops inside a segment whose length it has read: the headers reach at least its
    end. A segment of an ICC profile also says how many more of the profile's segments follow
    ("ICC_PROFILE", a NUL, its number, the count), each at most 65,537 bytes: the answer then
    counts them too, and its flag is true. ``None`` when ``head`` tells nothing: it ends
    before a segment's length, holds the start of scan, or stops in a segment of the largest
    length, one of a series that does not say how long it is.
    """
    segments = _jpeg_segments(head)
    pos = segments[-1][2] if segments else 2
    while pos + 4 <= len(head) and head[pos] == 0xFF and head[pos + 1] in (0xFF, *_JPEG_STANDALONE):
        pos += 1 if head[pos + 1] == 0xFF else 2
    if (segments and segments[-1][0] == _JPEG_SOS) or pos + 4 > len(head) or head[pos] != 0xFF:
        return None
    (length,) = struct.unpack_from(">H", head, pos + 2)
    end = pos + 2 + length
    if end <= len(head):
        return None
    icc = head[pos + 4 : pos + 18]  # "ICC_PROFILE\0", the segment's number, their count
    if head[pos + 1] == 0xE2 and len(icc) == 14 and icc.startswith(b"ICC_PROFILE\0"):
        number, count = icc[12], icc[13]
        if 0 < number < count:
            return end + (count - number) * (2 + 65_535), True
    if length == 65_535:  # full: one of a series (C2PA's JUMBF boxes) whose length it hides
        return None
    return end, False


def jpeg_scans(data: bytes) -> int:
    """How many scans a whole JPEG has: its start-of-scan segments, up to its end marker.

    In the image data a 0xFF is followed by 0x00 (a data byte), a restart marker or a segment:
    segments (tables, comments, the next scan's header) are skipped by their lengths, as a
    decoder reads them, so the bytes ``FF D9`` inside a comment end nothing.
    """
    pos = jpeg_scan_offset(data)
    if pos is None:
        return 0
    scans = 1
    while (pos := data.find(b"\xff", pos)) >= 0 and pos + 1 < len(data):
        marker = data[pos + 1]
        if marker in (0x00, 0xFF) or 0xD0 <= marker <= 0xD7:  # data, fill, restart
            pos += 1 if marker == 0xFF else 2
            continue
        if marker == _JPEG_EOI or pos + 4 > len(data):
            break
        scans += marker == _JPEG_SOS
        pos += 2 + max(2, struct.unpack_from(">H", data, pos + 2)[0])
    return scans


def jpeg_scan_offset(head: bytes) -> int | None:
    """Where the JPEG's scan data starts (just past the SOS segment), or ``None`` if not in head.

    Pillow's JPEG parser reads every byte before that offset, and EXIF thumbnails, XMP and
    multi-segment ICC profiles can put it hundreds of KB into the file (260 KB seen): when this is
    ``None`` the caller needs a second, larger read before Pillow can open the file cheaply.
    """
    for marker, _start, end in _jpeg_segments(head):
        if marker == _JPEG_SOS:
            return end
    return None


def png_data_offset(head: bytes) -> int | None:
    """Where the PNG's first IDAT chunk's data starts, or ``None`` if not within ``head``.

    Pillow's PNG parser reads every chunk before the first IDAT (ICC profiles, text, EXIF), so
    these are the bytes it needs to open the file.
    """
    if not head.startswith(b"\x89PNG\r\n\x1a\n"):
        return None
    pos = 8
    while pos + 8 <= len(head):
        (length,) = struct.unpack_from(">I", head, pos)
        if head[pos + 4 : pos + 8] == b"IDAT":
            return pos + 8
        pos += 12 + length  # length, type, data, CRC
    return None


# The bit depths each PNG colour type allows (PNG specification, 11.2.2 IHDR).
_PNG_DEPTHS = {0: (1, 2, 4, 8, 16), 2: (8, 16), 3: (1, 2, 4, 8), 4: (8, 16), 6: (8, 16)}
# The chunks a decoder needs, held to their checksums as libpng holds them. IEND, which holds
# nothing, is not: decoders stop before it, and Pillow reads a file whose IEND checksum is off.
_PNG_CRITICAL = frozenset({b"IHDR", b"PLTE", b"IDAT"})


def png_header_problem(head: bytes) -> str | None:
    """Why a PNG's IHDR, in ``head``, is no PNG's, completing "The image …"; ``None`` if sound.

    Its checksum, its length (13) and its fields: a bit flipped in the width read as four
    billion pixels, a bomb to resize, and an impossible colour type as headers that go on past
    the bytes read. Decoders refuse such a file (libpng stops on a critical chunk's bad CRC).
    """
    if len(head) < 33 or not head.startswith(b"\x89PNG\r\n\x1a\n"):
        return None  # not all there yet (Pillow says what is wrong with less)
    (length,) = struct.unpack_from(">I", head, 8)
    if head[12:16] != b"IHDR" or length != 13:
        return "is corrupt: its first chunk is not a 13-byte IHDR header"
    if zlib.crc32(head[12:29]) != struct.unpack_from(">I", head, 29)[0]:
        return "is corrupt: its IHDR header fails its checksum (CRC)"
    depth, colour, compression, filtering, interlace = head[24:29]
    if depth not in _PNG_DEPTHS.get(colour, ()):
        return f"is corrupt: its IHDR header states colour type {colour} at {depth} bits"
    for name, method, known in (
        ("compression", compression, 0),
        ("filter", filtering, 0),
        ("interlace", interlace, 1),
    ):
        if method > known:
            return f"is corrupt: its IHDR header states {name} method {method}, which no PNG has"
    return None


def header_unreadable(container: Container, head: bytes) -> bool:
    """Whether the headers in ``head`` are broken: more bytes would not make them readable."""
    if container is Container.JPEG:
        return _jpeg_walk(head)[1]
    if container is Container.PNG:
        return png_header_problem(head) is not None
    return False


def header_end(container: Container, head: bytes) -> int | None:
    """How many bytes Pillow reads to open a JPEG or PNG, or ``None`` if more than ``head`` holds.

    Other containers have no answer here (``None``).
    """
    if container is Container.JPEG:
        return jpeg_scan_offset(head)
    if container is Container.PNG:
        return png_data_offset(head)
    return None


def image_size(container: Container, head: bytes) -> tuple[int, int] | None:
    """The (width, height) a JPEG's frame header or a PNG's IHDR declares, if within ``head``.

    This is read before Pillow so that an oversized image (a decompression bomb) can be refused
    from its header, without Pillow's process-wide warning machinery.
    """
    if container is Container.PNG:
        if len(head) >= 24 and head[12:16] == b"IHDR":
            width, height = struct.unpack_from(">II", head, 16)
            return width, height
        return None
    if container is Container.JPEG:
        for marker, start, end in _jpeg_segments(head):
            if marker in _JPEG_SOF and end - start >= 9:
                height, width = struct.unpack_from(">HH", head, start + 5)
                return width, height
    return None


PNG_IEND = bytes.fromhex("0000000049454e44ae426082")


def end_marker_ok(container: Container, tail: bytes) -> bool:
    """Whether the file's last bytes are its format's end marker (a truncation check).

    ``tail`` is the end of the file, as a 12-byte suffix request (``Range: bytes=-12``) returns
    it. JPEG ends with EOI ``FF D9``; PNG with the 12-byte IEND chunk. Containers without an end
    marker pass. A file that fails may still be whole, with data appended: ``end_marker_in``.
    """
    if container is Container.JPEG:
        return tail.endswith(b"\xff\xd9")
    if container is Container.PNG:  # its checksum not held against it: decoders stop before
        return tail[-12:-4] == PNG_IEND[:8]
    return True


def appended_declared(container: Container, head: bytes, tail: bytes) -> bool:
    """Whether a JPEG says a video follows its image: a motion photo, whatever its length.

    Google's XMP says ``GCamera:MotionPhoto="1"`` (earlier ``MicroVideo="1"``); Samsung's trailer
    ends with ``SEFT``.
    """
    if container is not Container.JPEG:
        return False
    return tail.endswith(b"SEFT") or _MOTION_PHOTO.search(head) is not None


def appended_length(container: Container, head: bytes) -> int | None:
    """How many bytes a motion photo's XMP says follow its image, or ``None`` if it does not say.

    ``GCamera:MicroVideoOffset`` counts them from the end of the file; the Container directory
    gives the video item's ``Item:Length``.
    """
    if container is not Container.JPEG:
        return None
    for pattern in _VIDEO_LENGTHS:
        found = pattern.search(head)
        if found is not None:
            return int(found[1])
    return None


_MOTION_PHOTO = re.compile(rb'(?:MotionPhoto|MicroVideo)(?:="|>)\s*1')
_VIDEO_LENGTHS = (
    re.compile(rb'MicroVideoOffset(?:="|>)\s*([0-9]{1,12})'),
    re.compile(rb'Item:Semantic="MotionPhoto"[^>]{0,200}?Item:Length="([0-9]{1,12})"'),
    re.compile(rb'Item:Length="([0-9]{1,12})"[^>]{0,200}?Item:Semantic="MotionPhoto"'),
)


def image_ends(container: Container, data: bytes) -> bool:
    """Whether a whole file (every byte at hand: inline base64) holds its image's end marker.

    Data after it is allowed (a motion photo's video, an editor's trailer), as for a fetched
    file; with all the bytes here, the marker is searched for from the image data on
    (``header_end``): a JPEG's scan data cannot hold ``FF D9`` but at its end, and the header
    before it may hold the marker too (an EXIF thumbnail, a PNG's text or thumbnail chunk).
    """
    if end_marker_ok(container, data[-len(PNG_IEND) :]):
        return True
    if container in (Container.JPEG, Container.PNG):
        start = header_end(container, data)
        return start is not None and end_marker_in(container, data[start:])
    return True


def image_cut(container: Container, data: bytes) -> str | None:
    """Why a whole file (every byte at hand) is cut, completing "The image …"; ``None`` if not.

    It lacks its end marker (``image_ends``), holds no image data before it (headers, then the
    end), or, a PNG, its chunks do not hold together up to it (``png_chunks_cut``).
    """
    if not image_ends(container, data):
        return f"is cut off: it does not end with the {container.label} end marker"
    if container is Container.PNG:
        return png_chunks_cut(data)
    if container is Container.JPEG:
        scan = jpeg_scan_offset(data)
        if scan is None or data.startswith(b"\xff\xd9", scan):
            return "holds no image data: its headers end where its scan should start"
    return None


def png_chunks_cut(data: bytes) -> str | None:
    """Why a whole PNG's chunks, walked by their stated lengths, do not reach its IEND.

    A PNG that lost bytes from the middle of its image data still ends with IEND, and Pillow
    reads its header: only decoding (``--deep``) would see the loss. With every byte at hand (a
    small file read in one request, inline base64), the chunk that lost them states more bytes
    than the file holds after it, or the next chunk starts where no chunk is. The chunks a
    decoder needs (IHDR, PLTE, IDAT) must match their checksums, as libpng requires; no IDAT
    with data means no picture. Data appended after IEND is not looked at.
    """
    pos = 8
    pictured = False  # an IDAT with data
    while pos + 8 <= len(data):
        (length,) = struct.unpack_from(">I", data, pos)
        kind = data[pos + 4 : pos + 8]
        if not kind.isalpha():
            return f"is corrupt: no PNG chunk starts at byte {pos:,}, where the one before ends"
        if kind == b"IEND":
            return None if pictured else "holds no image data: no IDAT chunk with data"
        name = kind.decode("ascii")
        if pos + 12 + length > len(data):
            return f"is cut inside: its {name} chunk states {length:,} bytes, more than remain"
        end = pos + 8 + length
        stated = struct.unpack_from(">I", data, end)[0]
        if kind in _PNG_CRITICAL and zlib.crc32(memoryview(data)[pos + 4 : end]) != stated:
            return f"is corrupt: its {name} chunk at byte {pos:,} fails its checksum (CRC)"
        pictured = pictured or (kind == b"IDAT" and length > 0)
        pos = end + 4
    return "is corrupt: its chunks do not reach its IEND"


def end_marker_in(container: Container, tail: bytes) -> bool:
    """Whether the end marker is somewhere in ``tail``: a whole image with data appended.

    Phones append a motion photo's video after a JPEG's EOI, editors their own trailers; browsers
    and Pinterest show such an image. A file cut off is told apart by what its tail holds: JPEG
    scan data cannot contain ``FF D9`` (a 0xFF there is followed by 0x00), and the 12-byte IEND
    chunk does not turn up in PNG data by chance.
    """
    if container is Container.JPEG:
        return b"\xff\xd9" in tail
    if container is Container.PNG:
        return PNG_IEND in tail
    return True
