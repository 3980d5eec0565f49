"""The media rules read probed facts: their verdicts and messages, given the facts directly.

The probes that gather these facts are tested against real files and servers (``tests/probes``,
``tests/test_network.py``); here the facts are built by hand so each edge is exact.
"""

from __future__ import annotations

from pathlib import Path

from support import png_header

from validator import validate_media
from validator.probes.image import ImageFacts
from validator.probes.media import MediaProbe, Probe
from validator.probes.outcome import Failure, FailureKind, Response
from validator.probes.sniff import Container
from validator.probes.video import VideoFacts
from validator.rules.media_facts import carousel_findings, probe_findings
from validator.settings import Settings
from validator.slots import Slot
from validator.urls import MediaKind

URL = "https://cdn.example.com/file"


def probe(container: Container, size: int, **facts: object) -> MediaProbe:
    response = Response(URL, (), 206, None, size, b"", complete=False, ranges=True)
    return MediaProbe(URL, response, container, **facts)  # type: ignore[arg-type]


def video(duration_s: float, *, fragmented: bool = False, partial: bool = False) -> MediaProbe:
    facts = VideoFacts(
        Container.MP4, "AVC", "avc1", 1080, 1920, 0, duration_s, False, fragmented, partial=partial
    )
    return probe(Container.MP4, 5_000_000, video=facts)


def messages(slot: Slot, found: MediaProbe, settings: Settings | None = None) -> dict[str, str]:
    return {f.code: f.message for f in probe_findings(slot, found, settings or Settings())}


VIDEO = Slot("video_url", URL, MediaKind.VIDEO)
IMAGE = Slot("media_source.url", URL, MediaKind.IMAGE)


def test_a_duration_just_short_is_never_shown_rounded_onto_the_bound() -> None:
    found = messages(VIDEO, video(3.96))
    assert "lasts 3.960 s" in found["video.duration_out_of_range"]


def test_an_aspect_ratio_just_outside_is_never_shown_rounded_onto_the_limit() -> None:
    # 100x202 said "ratio 0.50:1", the very limit it was refused for.
    for (width, height), told in (((100, 202), "0.495:1"), ((383, 200), "1.915:1")):
        facts = VideoFacts(Container.MP4, "AVC", "avc1", width, height, 0, 10.0, False, False)
        found = messages(VIDEO, probe(Container.MP4, 5_000_000, video=facts))
        assert f"(ratio {told})" in found["video.aspect_ratio_out_of_range"]


def test_the_sizes_named_1_91_to_1_are_taken() -> None:
    # 1200x628 (1.9108), the 1.91:1 size of ads and link previews, was refused as too wide.
    for width, height in ((1200, 628), (1920, 1005), (1910, 1000), (1080, 2160)):
        facts = VideoFacts(Container.MP4, "AVC", "avc1", width, height, 0, 10.0, False, False)
        found = messages(VIDEO, probe(Container.MP4, 5_000_000, video=facts))
        assert "video.aspect_ratio_out_of_range" not in found, (width, height)


def test_a_partly_read_fragmented_video_is_judged_only_when_surely_too_long() -> None:
    assert "video.duration_out_of_range" not in messages(
        VIDEO, video(3.3, fragmented=True, partial=True)
    )
    found = messages(VIDEO, video(1000.0, fragmented=True, partial=True))
    assert "lasts at least 1,000.0 s" in found["video.duration_out_of_range"]
    assert "video.duration_out_of_range" in messages(
        VIDEO, video(3.3, partial=True)
    )  # not fragmented


def test_a_size_just_over_the_limit_is_shown_with_the_decimals_that_tell_them_apart() -> None:
    found = messages(IMAGE, probe(Container.JPEG, 20_000_001))
    assert found["media.too_large"].endswith("is 20.000001 MB; the limit is 20.000000 MB")
    tiny_limit = Settings(image_max_bytes=1000)
    found = messages(IMAGE, probe(Container.JPEG, 360_000), tiny_limit)
    assert found["media.too_large"].endswith("is 0.4 MB; the limit is 0.001 MB")


def test_a_file_too_large_is_told_how_to_shrink_as_what_it_is() -> None:
    # An image was told "... or shorten the video".
    hints = {
        slot.kind: {f.code: f.hint for f in probe_findings(slot, found, Settings())}
        for slot, found in ((IMAGE, probe(Container.JPEG, 30_000_000)),
                            (VIDEO, probe(Container.MP4, 3_000_000_000)))
    }  # fmt: skip
    assert hints[MediaKind.IMAGE]["media.too_large"].startswith("Compress or resize the image")
    assert "video" not in hints[MediaKind.IMAGE]["media.too_large"]
    assert hints[MediaKind.VIDEO]["media.too_large"].startswith("Shorten the video")


def test_the_too_small_hint_names_the_configured_width() -> None:
    image = ImageFacts(Container.JPEG, 1000, 1500, "RGB", False, None)
    (finding,) = probe_findings(IMAGE, probe(Container.JPEG, 300_000, image=image),
                                Settings(image_min_width=1200))  # fmt: skip
    assert finding.code == "media.image_too_small"
    assert "narrower than 1200 px" in finding.message
    assert finding.hint.startswith("Use an image at least 1200 px wide")


def test_an_image_too_large_to_decode_is_to_be_resized_not_served_otherwise(
    tmp_path: Path,
) -> None:
    poster = tmp_path / "poster.png"  # 10 billion pixels by its header: a decompression bomb
    poster.write_bytes(png_header(100_000, 100_000) + b"\x00\x00\x00\x00IEND\xaeB`\x82")
    (report,) = validate_media([poster])
    (finding,) = report.findings
    assert finding.code == "media.check_incomplete"
    assert finding.hint.startswith("Resize the image")


def _item(index: int, size: tuple[int, int] | None) -> tuple[Slot, Probe]:
    """Carousel item ``index``: an image of ``size``, or a URL that answered 404."""
    slot = Slot(f"media_source.items[{index}].url", f"{URL}/{index}.jpg", MediaKind.IMAGE)
    if size is None:
        return slot, Failure(FailureKind.NOT_FOUND, slot.url, "answered 404 Not Found")
    facts = ImageFacts(Container.JPEG, *size, "RGB")
    return slot, probe(Container.JPEG, 200_000, image=facts)


def test_the_carousel_size_hint_names_the_image_it_compares_with() -> None:
    items = [_item(0, None), _item(1, (1000, 1000)), _item(2, (1000, 1500))]
    slots = [slot for slot, _ in items]
    (finding,) = carousel_findings(slots, [probe for _, probe in items])
    assert finding.hint == (
        "Give every image the size of media_source.items[1].url, 1000x1000: "
        "media_source.items[2].url differs."
    )
