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
FASTSTART = "h264-faststart.mp4"


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


def test_a_parse_waiting_out_a_pause_of_its_server_is_not_given_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The parse's first read is answered 429 with Retry-After: 1, past the 0.8 s deadline: the
    # pause is the server's time (it moves the URL's deadline on), not the parse's.
    real = media.read_video_facts

    def parse(file: RangeFile) -> VideoFacts | VideoProblem:
        file.pread(file.size - 16, 16)  # not cached: the parse's own first read
        return real(file)

    monkeypatch.setattr(media, "read_video_facts", parse)
    settings = Settings(allow_private_hosts=True, deadline=0.8, retries=1)
    with serve() as server:
        url = server.url(f"/laterfail/429/{FASTSTART}?once=parse-pause")  # its index in block 0
        (report,) = validate_media([url], "video", settings=settings)
        paused = [e for e in server.settled_requests_to(FASTSTART) if e.status == 429]
    assert len(paused) == 1
    assert report.findings == ()


def test_a_parse_waiting_for_a_thread_is_not_given_up(monkeypatch: pytest.MonkeyPatch) -> None:
    # One thread (concurrency 1): the second video's parse waits 1.5 s for it, past the 1 s
    # limit. The limit counts from when a thread takes the parse, so only the first is given up.
    real = media.read_video_facts
    slow_size = (MEDIA / STUCK).stat().st_size

    def parse(file: RangeFile) -> VideoFacts | VideoProblem:
        if file.size == slow_size:
            time.sleep(1.5)
        return real(file)

    monkeypatch.setattr(media, "read_video_facts", parse)
    settings = Settings(allow_private_hosts=True, deadline=1.0, retries=0, concurrency=1)
    with serve() as server:
        slow, queued = validate_media(
            [server.url(f"/media/{STUCK}"), server.url(f"/media/{FINE}")],
            "video",
            settings=settings,
        )
    assert [f.code for f in slow.findings] == ["media.check_incomplete"]
    assert queued.findings == ()


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
