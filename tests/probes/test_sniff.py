from __future__ import annotations

import itertools
import json
import struct
import zlib
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from validator.probes.sniff import (
    PNG_IEND,
    Box,
    Container,
    appended_declared,
    end_marker_in,
    end_marker_ok,
    header_end,
    header_unreadable,
    image_cut,
    image_size,
    iso_boxes,
    jpeg_scan_offset,
    jpeg_scans,
    png_chunks_cut,
    png_data_offset,
    png_header_problem,
    sniff,
    walk_boxes,
)

MEDIA = Path(__file__).resolve().parents[2] / "fixtures" / "media"
MANIFEST: dict[str, dict[str, Any]] = json.loads((MEDIA / "manifest.json").read_text())
# The manifest names formats as the fixture script does; MKV is Container.MATROSKA, and the 3GP
# fixture (brand 3gp6, isom compatible, as ffmpeg writes it) is read as the MP4 it also is.
_MEMBERS = {"MKV": "MATROSKA", "3GP": "MP4"}
EXPECTED = {
    name: Container[_MEMBERS.get(facts["format"], facts["format"])]
    for name, facts in MANIFEST.items()
}
ISO = sorted(n for n, f in MANIFEST.items() if f["format"] in ("MP4", "MOV"))
STILLS = sorted(n for n, f in MANIFEST.items() if f["format"] in ("JPEG", "PNG"))
JPEGS = sorted(n for n, f in MANIFEST.items() if f["format"] == "JPEG")


def read(name: str) -> bytes:
    return (MEDIA / name).read_bytes()


def box(kind: bytes, payload: bytes = b"") -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def ftyp(major: bytes, *compatible: bytes) -> bytes:
    return box(b"ftyp", major + b"\x00\x00\x02\x00" + b"".join(compatible))


# -- sniff over every fixture ------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_sniff_matches_manifest_from_first_block(name: str) -> None:
    assert sniff(read(name)[: 64 * 1024]) == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_sniff_needs_only_a_few_hundred_bytes(name: str) -> None:
    assert sniff(read(name)[:512]) == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_acceptability_follows_manifest(name: str) -> None:
    facts = MANIFEST[name]
    container = EXPECTED[name]
    assert container.is_image_ok == (facts["format"] in ("JPEG", "PNG"))
    assert container.is_video_ok == (facts["format"] in ("MP4", "MOV", "3GP"))
    assert container.is_image == (facts["kind"] == "image")
    assert container.is_video == (facts["kind"] == "video")


def test_every_container_has_a_label_and_an_article() -> None:
    for container in Container:
        assert container.label
        assert container.a_label.endswith(container.label)
    assert Container.WEBP.label == "WebP image"
    assert Container.HTML.label == "HTML page"
    assert Container.HTML.a_label == "an HTML page"
    assert Container.MP4.a_label == "an MP4 video"
    assert Container.GIF.a_label == "a GIF image"


# -- ISO-BMFF brands ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (ftyp(b"qt  ", b"qt  "), Container.MOV),
        (ftyp(b"isom", b"isom", b"avc1"), Container.MP4),
        (ftyp(b"mp42", b"mp42", b"isom"), Container.MP4),
        (ftyp(b"M4V ", b"M4V ", b"mp42"), Container.MP4),
        (ftyp(b"heic", b"mif1", b"heic"), Container.HEIF),
        (ftyp(b"heix", b"mif1"), Container.HEIF),
        (ftyp(b"mif1", b"mif1", b"heic"), Container.HEIF),
        (ftyp(b"msf1", b"msf1", b"hevc"), Container.HEIF),
        (ftyp(b"avif", b"mif1", b"avif"), Container.AVIF),
        (ftyp(b"mif1", b"mif1", b"avif", b"miaf"), Container.AVIF),
        (ftyp(b"avis", b"msf1"), Container.AVIF),
        # QuickTime from before ftyp: the first box is the movie or the data.
        (box(b"moov", b"\x00" * 16), Container.MOV),
        (box(b"wide") + box(b"mdat", b"\x00" * 8), Container.MOV),
    ],
)
def test_iso_brand_decides(head: bytes, expected: Container) -> None:
    assert sniff(head) == expected


# -- other magic numbers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"GIF87a\x01\x00\x01\x00", Container.GIF),
        (b"GIF89a\x01\x00\x01\x00", Container.GIF),
        (b"RIFF\x00\x00\x00\x00WEBPVP8L", Container.WEBP),
        (b"RIFF\x00\x00\x00\x00AVI LIST", Container.AVI),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", Container.UNKNOWN),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm", Container.WEBM),
        (b"\x1a\x45\xdf\xa3\xa3\x42\x86\x81\x01\x42\x82\x88matroska", Container.MATROSKA),
        (b"II*\x00\x08\x00\x00\x00", Container.TIFF),
        (b"MM\x00*\x00\x00\x00\x08", Container.TIFF),
        (b"BM" + b"\x00" * 12 + struct.pack("<I", 40) + b"\x00" * 8, Container.BMP),
        (b"BMW drivers wanted, no header size here", Container.UNKNOWN),
        (b"\xff\x0a\xfa\x7f", Container.JXL),
        (b"\x00\x00\x00\x0cJXL \r\n\x87\n", Container.JXL),
        (b"\x00\x00\x01\x00\x01\x00\x10\x10", Container.ICO),
        (b"FLV\x01\x05\x00\x00\x00\x09", Container.FLV),
        (bytes.fromhex("3026b2758e66cf11a6d900aa0062ce6c"), Container.ASF),
        (b"OggS\x00\x02", Container.OGG),
        (b"\x00\x00\x01\xba\x44\x00", Container.MPEG_PS),
        ((b"\x47" + b"\x00" * 187) * 3, Container.MPEG_TS),
        ((b"\x00" * 4 + b"\x47" + b"\x00" * 187) * 3, Container.MPEG_TS),
        (b"%PDF-1.7\n", Container.PDF),
        (b"\x1f\x8b\x08\x00\x00\x00", Container.GZIP),
        (b"", Container.EMPTY),
        (b"\x00\x01\x02\x03\x04\x05\x06\x07", Container.UNKNOWN),
        (b"Hello, world", Container.UNKNOWN),
    ],
)
def test_magic_numbers(head: bytes, expected: Container) -> None:
    assert sniff(head) == expected


@pytest.mark.parametrize(
    "page",
    [
        b"<!doctype html><title>404</title>",
        b'<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN">',
        b"\xef\xbb\xbf<!DOCTYPE html>",
        b'\r\n\t   <html lang="en"><head>',
        b"<HTML><BODY>Access denied</BODY></HTML>",
        b"<!-- cached by edge --><html>",
        b"<head><meta http-equiv=refresh content=0;url=/login>",
        b"<h1>Not Found</h1>",
        b"<p>Forbidden</p>",
        "<!doctype html><p>Non trouvé</p>".encode("utf-16"),
        b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml">',
    ],
)
def test_html_pages_are_recognised(page: bytes) -> None:
    assert sniff(page) == Container.HTML


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code>',
            Container.XML,
        ),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', Container.SVG),
        (b'<svg width="10" height="10"></svg>', Container.SVG),
        (b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN">', Container.SVG),
        (b'  {"error": "not found"}', Container.JSON),
        (b"[1, 2]", Container.JSON),
    ],
)
def test_other_text_documents(text: bytes, expected: Container) -> None:
    assert sniff(text) == expected


@given(st.binary(max_size=2048))
def test_sniff_never_raises(data: bytes) -> None:
    assert isinstance(sniff(data), Container)


# -- ISO-BMFF boxes ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ISO)
def test_box_walk_over_whole_file_is_contiguous(name: str) -> None:
    data = read(name)
    boxes = iso_boxes(data, len(data))
    assert boxes[0] == Box("ftyp", 0, boxes[0].size)
    for before, after in itertools.pairwise(boxes):
        assert after.start == before.end
    truncated = MANIFEST[name]["truncated"]
    assert (boxes[-1].end > len(data)) == truncated
    if not truncated:
        assert boxes[-1].end == len(data)
    types = [b.type for b in boxes]
    assert ("moov" in types) == (not truncated)
    if "moov" in types:
        assert (types.index("moov") < types.index("mdat")) == MANIFEST[name]["faststart"]


@pytest.mark.parametrize("name", ISO)
def test_box_walk_from_first_block_locates_moov_or_mdat(name: str) -> None:
    data = read(name)
    boxes = iso_boxes(data[: 16 * 1024], len(data))
    types = [b.type for b in boxes]
    if MANIFEST[name]["faststart"]:
        assert "moov" in types
    else:
        assert types[-1] == "mdat" or "moov" in types
    assert all(b.start < 16 * 1024 for b in boxes)


def test_fragmented_moov_holds_mvex() -> None:
    data = read("fragmented.mp4")
    moov = next(b for b in iso_boxes(data, len(data)) if b.type == "moov")
    children = walk_boxes(lambda at, n: data[at : at + n], moov.start + moov.header, moov.end)
    assert "mvex" in [c.type for c in children]
    plain = read("h264-faststart.mp4")
    moov = next(b for b in iso_boxes(plain, len(plain)) if b.type == "moov")
    children = walk_boxes(lambda at, n: plain[at : at + n], moov.start + moov.header, moov.end)
    assert "mvex" not in [c.type for c in children]
    assert children[0].type == "mvhd"


def test_largesize_and_size_zero_boxes() -> None:
    total = 10 * 2**32  # a 40 GB file: only a 64-bit size can describe its mdat
    start = len(ftyp(b"isom"))
    head = ftyp(b"isom") + struct.pack(">I4sQ", 1, b"mdat", total - start - 1000)
    boxes = iso_boxes(head, total)
    assert boxes == [Box("ftyp", 0, start), Box("mdat", start, total - start - 1000, header=16)]
    assert boxes[-1].end == total - 1000
    to_end = ftyp(b"isom") + struct.pack(">I4s", 0, b"mdat")
    assert iso_boxes(to_end, 5000)[-1] == Box("mdat", start, 5000 - start)


def test_box_walk_stops_at_garbage_and_short_headers() -> None:
    head = ftyp(b"isom") + struct.pack(">I4s", 4, b"free")  # size below its own header
    assert [b.type for b in iso_boxes(head, 1000)] == ["ftyp"]
    head = ftyp(b"isom") + struct.pack(">I", 100) + b"\x00\x01\x02\x03"
    assert [b.type for b in iso_boxes(head, 1000)] == ["ftyp"]
    head = ftyp(b"isom") + struct.pack(">I4s", 1, b"mdat") + b"\x00\x00"  # largesize cut off
    assert [b.type for b in iso_boxes(head, 1000)] == ["ftyp"]
    assert iso_boxes(b"", 0) == []


@given(st.binary(max_size=512), st.integers(min_value=0, max_value=2**40))
def test_box_walk_never_raises_and_is_contiguous(data: bytes, total: int) -> None:
    boxes = iso_boxes(data, total)
    position = 0
    for found in boxes:
        assert found.start == position
        assert found.size >= found.header
        assert found.start + 8 <= len(data)
        position = found.end


# -- JPEG and PNG headers ----------------------------------------------------------------------


@pytest.mark.parametrize("name", STILLS)
# odd-exif.jpg, read here by Pillow, which warns in its words: 13's, and 10.3 to 12's.
@pytest.mark.filterwarnings("ignore:Tag data larger than file")
@pytest.mark.filterwarnings("ignore:Truncated File Read")
def test_header_end_is_what_pillow_needs(name: str) -> None:
    data = read(name)
    container = sniff(data)
    end = header_end(container, data)
    assert end is not None
    with Image.open(BytesIO(data[:end]), formats=["JPEG", "PNG"]) as image:
        assert image.size == (MANIFEST[name]["width"], MANIFEST[name]["height"])
    with pytest.raises(Exception):  # noqa: B017, PT011 - any failure: the bytes are too few
        Image.open(BytesIO(data[: end - 3]), formats=["JPEG", "PNG"]).load()
    assert header_end(container, data[: end - 1]) is None


@pytest.mark.parametrize("name", JPEGS)
def test_jpeg_scan_offset_is_just_past_the_sos_segment(name: str) -> None:
    data = read(name)
    offset = jpeg_scan_offset(data)
    assert offset is not None
    sos = data.rfind(b"\xff\xda", 0, offset)
    (length,) = struct.unpack_from(">H", data, sos + 2)
    assert offset == sos + 2 + length


def test_big_jpeg_header_is_not_in_the_first_block() -> None:
    data = read("big-header.jpg")
    assert jpeg_scan_offset(data[: 64 * 1024]) is None
    offset = jpeg_scan_offset(data)
    assert offset is not None
    assert 200_000 < offset < 300_000


def test_png_data_offset_walks_ancillary_chunks() -> None:
    data = read("cover.png")
    ihdr_end = 8 + 25
    big_text = b"tEXt" + b"Comment\x00" + b"x" * 70_000
    chunk = struct.pack(">I", len(big_text) - 4) + big_text + b"\x00\x00\x00\x00"
    padded = data[:ihdr_end] + chunk + data[ihdr_end:]
    assert png_data_offset(data) == ihdr_end + 8
    assert png_data_offset(padded) == ihdr_end + len(chunk) + 8
    assert png_data_offset(padded[: 64 * 1024]) is None
    assert png_data_offset(b"not a png") is None


@pytest.mark.parametrize("name", STILLS)
def test_image_size_from_header(name: str) -> None:
    data = read(name)
    assert image_size(sniff(data), data) == (MANIFEST[name]["width"], MANIFEST[name]["height"])
    assert image_size(Container.GIF, data) is None


@pytest.mark.parametrize("name", STILLS)
def test_end_marker_detects_truncation(name: str) -> None:
    data = read(name)
    container, tail = sniff(data), data[-12:]
    appended = name.startswith(("appended", "motion-photo"))
    assert end_marker_ok(container, tail) is not (MANIFEST[name]["truncated"] or appended)
    # what the prober concludes: a file with data after its end marker is whole
    whole = (
        end_marker_ok(container, tail)
        or appended_declared(container, data[:65536], tail)
        or end_marker_in(container, data[-65536:])
    )
    assert whole is not MANIFEST[name]["truncated"]


def test_end_markers() -> None:
    assert end_marker_ok(Container.JPEG, b"\x00\x00\xff\xd9")
    assert not end_marker_ok(Container.JPEG, b"\xff\xd9\x00")
    assert end_marker_ok(Container.PNG, b"\x12" + PNG_IEND)
    assert not end_marker_ok(Container.PNG, PNG_IEND[:-1])
    assert not end_marker_ok(Container.PNG, b"")
    assert end_marker_ok(Container.MP4, b"")  # no end marker to check


@given(st.binary(max_size=1024))
def test_header_parsers_never_raise(data: bytes) -> None:
    for prefix in (b"", b"\xff\xd8", b"\x89PNG\r\n\x1a\n"):
        head = prefix + data
        jpeg_scan_offset(head)
        png_data_offset(head)
        for container in (Container.JPEG, Container.PNG):
            image_size(container, head)
            header_end(container, head)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (b"<svg xmlns='http://www.w3.org/2000/svg'><title>Logo</title></svg>", Container.SVG),
        (b"<?xml version='1.0'?><!-- made by hand --><svg:svg xmlns:svg='x'/>", Container.SVG),
        (b"<!-- edge cache --><head><title>Blocked</title>", Container.HTML),
        (b"<?xml version='1.0' encoding='UTF-8'?><Error><Message>Expired</Message>", Container.XML),
    ],
)
def test_the_root_element_decides(text: bytes, expected: Container) -> None:
    assert sniff(text) == expected


def test_an_end_marker_further_back_means_data_was_appended() -> None:
    jpeg = b"\xff\xd8\xff\xe0" + b"\x00" * 100 + b"\xff\xd9"
    assert end_marker_in(Container.JPEG, jpeg + b"trailer")
    assert not end_marker_in(Container.JPEG, jpeg[:-2] + b"\xff\x00" * 10)  # scan data, cut
    assert end_marker_in(Container.PNG, b"...." + PNG_IEND + b"trailer")
    assert not end_marker_in(Container.PNG, b"IDAT" * 10)


def test_a_motion_photo_says_that_a_video_follows() -> None:
    header = b'\xff\xd8\xff\xe1..http://ns.adobe.com/xap/1.0/ GCamera:MotionPhoto="1"'
    assert appended_declared(Container.JPEG, header, b"\x00" * 12)
    assert appended_declared(Container.JPEG, b"\xff\xd8", b"\x00\x00\x00\x10SEFT")  # Samsung
    assert not appended_declared(Container.JPEG, b"\xff\xd8\xff\xe0", b"\x00" * 12)
    assert not appended_declared(Container.PNG, header, b"SEFT")


@pytest.mark.parametrize(
    ("major", "compatible", "expected"),
    [
        (b"3gp4", (b"3gp4", b"3gp5"), Container.THREE_GP),  # an old phone's: no MP4 brand
        (b"3g2a", (b"3g2a",), Container.THREE_GP),
        (b"3gp6", (b"3gp6", b"isom", b"iso2", b"avc1"), Container.MP4),  # as ffmpeg writes it
        (b"3gp5", (b"mp42",), Container.MP4),
        (b"mp42", (b"isom", b"3gp4"), Container.MP4),
    ],
)
def test_a_3gpp_brand_is_mp4_when_it_says_an_mp4_reader_plays_it(
    major: bytes, compatible: tuple[bytes, ...], expected: Container
) -> None:
    assert sniff(ftyp(major, *compatible) + box(b"free")) is expected


@pytest.mark.parametrize("name", ["graphic.png", "cover.png", "heavy-metadata.png", "appended.png"])
def test_a_whole_png_s_chunks_reach_its_iend(name: str) -> None:
    assert png_chunks_cut(read(name)) is None  # data appended after IEND is not looked at


def test_a_png_that_lost_bytes_inside_its_image_data_is_cut_though_it_ends_with_iend() -> None:
    # Pillow reads its header, its last 12 bytes are IEND: only its chunks' lengths tell.
    whole = read("graphic.png")
    start = whole.find(b"IDAT") - 4
    (length,) = struct.unpack_from(">I", whole, start)
    lost = whole[: start + 8 + length - 20_000] + whole[start + 8 + length :]
    assert png_chunks_cut(lost) == (
        f"is cut inside: its IDAT chunk states {length:,} bytes, more than remain"
    )
    shifted = whole[:33] + b"\0\0" + whole[33:]  # two stray bytes after IHDR
    assert png_chunks_cut(shifted) == (
        "is corrupt: no PNG chunk starts at byte 33, where the one before ends"
    )


# --- found by fuzzing the image path (a review of 8,168 runs) ------------------------------------


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def test_a_stray_byte_between_jpeg_segments_is_skipped_as_libjpeg_skips_it() -> None:
    # The walk stopped at it: a whole file's headers "never ended", and a cut one was searched
    # from its start, where its EXIF thumbnail's FF D9 passed it as whole.
    whole = read("photo-baseline.jpg")
    app0_end = 4 + struct.unpack_from(">H", whole, 4)[0]
    stray = whole[:app0_end] + b"\x00" + whole[app0_end:]
    assert jpeg_scan_offset(stray) == jpeg_scan_offset(whole) + 1  # type: ignore[operator]
    assert not header_unreadable(Container.JPEG, stray)
    assert image_cut(Container.JPEG, stray) is None
    assert image_cut(Container.JPEG, stray[:-2000]) is not None


def test_a_jpeg_segment_no_jpeg_has_makes_its_headers_unreadable() -> None:
    # Its reads doubled up to the byte cap (4 MiB for a 7 MB photo) looking for the scan.
    whole = read("photo-baseline.jpg")
    tables = whole.find(b"\xff\xdb")
    broken = whole[: tables + 2] + b"\x00\x01" + whole[tables + 4 :]  # DQT's length: 1
    assert header_end(Container.JPEG, broken) is None
    assert header_unreadable(Container.JPEG, broken)
    assert not header_unreadable(Container.JPEG, whole[:1000])  # short of its scan: read more


def test_an_application_segment_of_length_0_is_read_past_as_libjpeg_reads_past_it() -> None:
    # libjpeg skips nothing and reads on, and the image decodes: a review found it called
    # "no image data".
    whole = read("photo-baseline.jpg")
    odd = whole[:2] + b"\xff\xe1\x00\x00" + whole[2:]
    assert jpeg_scan_offset(odd) == jpeg_scan_offset(whole) + 4  # type: ignore[operator]
    assert image_cut(Container.JPEG, odd) is None


def test_scans_are_counted_by_walking_them_not_by_their_two_bytes() -> None:
    # A comment between scans holding FF D9 ended the count (and let a 1,000-scan file be
    # decoded); one holding FF DA added to it.
    whole = read("photo-progressive.jpg")
    assert jpeg_scans(whole) == whole.count(b"\xff\xda")  # 10: no such bytes elsewhere
    last = whole.rfind(b"\xff\xda")
    for held in (b"\xff\xd9", b"\xff\xda" * 3):
        comment = b"\xff\xfe" + struct.pack(">H", len(held) + 2) + held
        assert jpeg_scans(whole[:last] + comment + whole[last:]) == jpeg_scans(whole)
    assert jpeg_scans(read("photo-baseline.jpg")) == 1


def test_a_png_header_no_png_has_is_named() -> None:
    whole = read("cover.png")
    assert png_header_problem(whole) is None
    flipped = bytearray(whole)
    flipped[17] ^= 0x40  # the width: four billion pixels, read as a bomb before
    assert png_header_problem(bytes(flipped)) == (
        "is corrupt: its IHDR header fails its checksum (CRC)"
    )
    colour = whole[:25] + b"\x05" + whole[26:29]  # colour type 5 does not exist
    colour += struct.pack(">I", zlib.crc32(colour[12:29])) + whole[33:]
    said = "is corrupt: its IHDR header states colour type 5 at 8 bits"
    assert png_header_problem(colour) == said
    assert header_unreadable(Container.PNG, colour)
    for at, name in ((26, "compression"), (28, "interlace")):  # the field that is wrong, named
        odd = whole[:at] + b"\x02" + whole[at + 1 : 29]
        odd += struct.pack(">I", zlib.crc32(odd[12:29])) + whole[33:]
        assert png_header_problem(odd) == (
            f"is corrupt: its IHDR header states {name} method 2, which no PNG has"
        )


def test_a_whole_image_without_image_data_is_named() -> None:
    # Pillow opens them (the headers are fine) and cannot load them; they passed URL and base64.
    jpeg = read("cover.jpg")
    scan = jpeg_scan_offset(jpeg)
    assert scan is not None
    said = "holds no image data: its headers end where its scan should start"
    assert image_cut(Container.JPEG, jpeg[:scan] + b"\xff\xd9") == said
    sos = jpeg.rfind(b"\xff\xda", 0, scan)
    assert image_cut(Container.JPEG, jpeg[:sos] + b"\xff\xd9") == said
    png = read("cover.png")
    head = png[:33]
    empty = _png_chunk(b"IDAT", b"")
    for no_data in (head + PNG_IEND, head + empty + PNG_IEND):
        assert image_cut(Container.PNG, no_data) == "holds no image data: no IDAT chunk with data"


def test_a_png_critical_chunk_that_fails_its_checksum_is_corrupt() -> None:
    # libpng refuses it; Pillow's load() decodes it (only verify() checks): it passed.
    whole = bytearray(read("cover.png"))
    start = whole.find(b"IDAT") - 4
    whole[start + 8 + 10] ^= 0x01
    assert png_chunks_cut(bytes(whole)) == (
        f"is corrupt: its IDAT chunk at byte {start:,} fails its checksum (CRC)"
    )
    text = _png_chunk(b"tEXt", b"a\0b")[:-1] + b"\x00"  # an ancillary chunk's: libpng warns
    assert png_chunks_cut(read("cover.png")[:33] + text + read("cover.png")[33:]) is None
    # IEND holds nothing; decoders stop before it: "cut off" was false.
    off = read("cover.png")[:-4] + b"\x00\x00\x00\x00"
    assert end_marker_ok(Container.PNG, off[-12:])
    assert image_cut(Container.PNG, off) is None
