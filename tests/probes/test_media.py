"""The prober's own limits, over a real server: a video parse that does not finish."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from media_server import MEDIA, serve

from validator import Settings, validate_media
from validator.probes import media
from validator.probes.rangefile import RangeFile
from validator.probes.video import VideoFacts, VideoProblem

STUCK = "h264-moov-end.mp4"
FINE = "h265.mp4"


@pytest.fixture
def release() -> Iterator[threading.Event]:
    """Set at the end of the test: a parse held on it returns, and its thread ends."""
    event = threading.Event()
    yield event
    event.set()


def test_a_parse_that_does_not_finish_is_given_up_and_the_run_goes_on(
    monkeypatch: pytest.MonkeyPatch, release: threading.Event
) -> None:
    # MediaInfo looped for ever on a fuzzed colour table: the run never ended. Any such loop now
    # costs that video its check, after `deadline` seconds, and not the run.
    real = media.read_video_facts
    stuck_size = (MEDIA / STUCK).stat().st_size

    def parse(file: RangeFile) -> VideoFacts | VideoProblem:
        if file.size == stuck_size:
            release.wait(30)  # as MediaInfo's loop would: no read, no end
        return real(file)

    monkeypatch.setattr(media, "read_video_facts", parse)
    settings = Settings(allow_private_hosts=True, deadline=0.5, retries=0)
    with serve() as server:
        started = time.monotonic()
        stuck, fine = validate_media(
            [server.url(f"/media/{STUCK}"), server.url(f"/media/{FINE}")],
            "video",
            settings=settings,
        )
        took = time.monotonic() - started
    assert took < 10  # the limit is 0.5 s; without it, 30 s
    assert fine.findings == ()
    (finding,) = stuck.findings
    assert finding.code == "media.check_incomplete"
    assert "MediaInfo did not finish reading the video within 0.5 s" in finding.message
    assert finding.hint is not None
    assert "-movflags +faststart" in finding.hint


def test_the_time_a_parse_waits_for_its_reads_is_not_counted_against_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A slow server's video is not "a parse that does not finish": its reads have a deadline of
    # their own. Here the parse waits 0.9 s for its reads and works 0.3 s, over a 1 s limit.
    real = media.read_video_facts

    def parse(file: RangeFile) -> VideoFacts | VideoProblem:
        time.sleep(0.3)
        for block in (1, 2, 3):  # not cached: each one a request, 0.3 s of latency
            file.pread(block * file.block_size, 16)
        return real(file)

    monkeypatch.setattr(media, "read_video_facts", parse)
    settings = Settings(allow_private_hosts=True, deadline=1.0, retries=0, block_size=16384)
    with serve(latency=0.3) as server:
        (report,) = validate_media([server.url(f"/media/{FINE}")], "video", settings=settings)
    assert report.findings == ()


def test_urls_that_make_the_same_request_are_probed_once() -> None:
    # A fragment is never sent, and a scheme's case says nothing: each spelling was fetched
    # again, and the second was said to be "redirected to" the first.
    with serve() as server:
        plain = server.url("/media/webp-named.jpg")
        spellings = [plain, plain + "#v2", "HTTP" + plain[4:] + "#top"]
        reports = validate_media(spellings, "image", settings=Settings(allow_private_hosts=True))
        fetched = server.settled_requests_to("/media/webp-named.jpg")
    assert len(fetched) == 1
    for spelling, report in zip(spellings, reports, strict=True):
        (finding,) = report.findings
        assert finding.code == "media.unsupported_format"
        assert finding.message.startswith(f'the file at "{spelling}" is a WebP image')
