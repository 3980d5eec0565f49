"""The prober's own limits, over a real server: a video parse that does not finish."""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from media_server import MEDIA, serve

from validator import Report, Settings, avalidate_media, validate_media
from validator.probes import media, video
from validator.probes.rangefile import RangeFile
from validator.probes.video import VideoFacts, VideoProblem

STUCK = "h264-moov-end.mp4"  # told by its size, which h264-faststart.mp4 shares
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


def test_a_parse_given_up_does_not_hold_back_the_parses_after_it(
    monkeypatch: pytest.MonkeyPatch, release: threading.Event
) -> None:
    # MediaInfo looping inside its options' gate kept it for ever: the next parse at another
    # speed (a fragmented MP4's) waited at the gate, and every parse after that one too, each
    # "not checked". Its hold is let go once it is given up.
    real = video.MediaInfo
    stuck_size = (MEDIA / STUCK).stat().st_size

    class Looping:
        @staticmethod
        def parse(file: RangeFile, **options: Any) -> Any:
            while file.size == stuck_size and not release.is_set():
                time.sleep(0.05)  # as MediaInfo's loop, holding the gate
            return real.parse(file, **options)

    monkeypatch.setattr(video, "MediaInfo", Looping)
    settings = Settings(allow_private_hosts=True, deadline=1.0, retries=0)
    with serve() as server:
        (stuck,) = validate_media([server.url(f"/media/{STUCK}")], "video", settings=settings)
        after = validate_media(
            [server.url(f"/media/{name}") for name in ("many-fragments.mp4", FINE, "clip.mov")],
            "video",
            settings=settings,
        )
    assert [f.code for f in stuck.findings] == ["media.check_incomplete"]
    assert [report.findings for report in after] == [(), (), ()]


def test_a_script_ends_though_a_parse_it_gave_up_never_does(tmp_path: Path) -> None:
    # The parse threads were a ThreadPoolExecutor's, which Python joins at exit: a script (or a
    # pytest session using the plugin) printed its results, then never ended.
    script = tmp_path / "stuck.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import time
            from pathlib import Path
            from validator import Report, Settings, avalidate_media, validate_media
            from validator.demo.server import serve
            from validator.probes import media, video

            def parse(file):
                while True:
                    time.sleep(0.05)  # a MediaInfo that never returns

            media.read_video_facts = parse
            settings = Settings(allow_private_hosts=True, deadline=0.5, retries=0)
            with serve((Path({str(MEDIA)!r}),)) as server:
                url = server.url("/media/{STUCK}")
                (report,) = validate_media([url], "video", settings=settings)
            print([finding.code for finding in report.findings])
            """
        )
    )
    done = subprocess.run(  # noqa: S603 - this interpreter, on a script written above
        [sys.executable, str(script)], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['media.check_incomplete']"


def test_one_thread_stuck_for_good_does_not_leave_the_other_parses_queued(
    monkeypatch: pytest.MonkeyPatch, release: threading.Event
) -> None:
    # With one thread (concurrency 1) the parse that never ended kept it, and the next video's
    # parse waited in the queue for ever: the run never ended. A thread takes the stuck one's
    # place once it is given up.
    real = video.MediaInfo
    stuck_size = (MEDIA / STUCK).stat().st_size

    class Looping:
        @staticmethod
        def parse(file: RangeFile, **options: Any) -> Any:
            while file.size == stuck_size and not release.is_set():
                time.sleep(0.05)
            return real.parse(file, **options)

    monkeypatch.setattr(video, "MediaInfo", Looping)
    settings = Settings(allow_private_hosts=True, deadline=1.0, retries=0, concurrency=1)
    with serve() as server:
        stuck, fine = validate_media(
            [server.url(f"/media/{STUCK}"), server.url(f"/media/{FINE}")],
            "video",
            settings=settings,
        )
    assert [f.code for f in stuck.findings] == ["media.check_incomplete"]
    assert fine.findings == ()


def test_a_parse_that_ends_as_its_time_runs_out_is_not_given_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # It ended inside its 2 s, but the loop was busy (other pins' rules) when the limit came: it
    # was given up all the same, and its thread's hold at the options' gate let go, under the
    # next parse.
    real = video.MediaInfo
    slow_size = (MEDIA / STUCK).stat().st_size

    class Slow:
        @staticmethod
        def parse(file: RangeFile, **options: Any) -> Any:
            if file.size == slow_size:
                time.sleep(1.6)
            return real.parse(file, **options)

    monkeypatch.setattr(video, "MediaInfo", Slow)
    settings = Settings(allow_private_hosts=True, deadline=2.0, retries=0)

    async def run(url: str) -> list[Report]:
        asyncio.get_running_loop().call_later(1.7, time.sleep, 0.6)  # busy from 1.7 to 2.3 s
        return await avalidate_media([url], "video", settings=settings)

    with serve() as server:
        (report,) = asyncio.run(run(server.url(f"/media/{STUCK}")))
    assert report.findings == ()


def test_a_parse_given_up_before_its_turn_does_not_take_it_later(
    monkeypatch: pytest.MonkeyPatch, release: threading.Event
) -> None:
    # Given up while it was still short of MediaInfo (in a read, say), it went on later, took the
    # options, and looped there: nothing gave it up again, and the parses after it waited.
    real_parse, real_mediainfo = media.read_video_facts, video.MediaInfo
    stuck_size = (MEDIA / STUCK).stat().st_size
    short_of_mediainfo = threading.Event()

    def parse(file: RangeFile) -> VideoFacts | VideoProblem:
        if file.size == stuck_size:
            short_of_mediainfo.wait(30)
        return real_parse(file)

    class Looping:
        @staticmethod
        def parse(file: RangeFile, **options: Any) -> Any:
            while file.size == stuck_size and not release.is_set():
                time.sleep(0.05)
            return real_mediainfo.parse(file, **options)

    monkeypatch.setattr(media, "read_video_facts", parse)
    monkeypatch.setattr(video, "MediaInfo", Looping)
    settings = Settings(allow_private_hosts=True, deadline=1.0, retries=0)
    with serve() as server:
        (stuck,) = validate_media([server.url(f"/media/{STUCK}")], "video", settings=settings)
        short_of_mediainfo.set()  # it goes on now, given up
        time.sleep(0.2)
        after = validate_media(
            [server.url(f"/media/{name}") for name in ("many-fragments.mp4", FINE)],
            "video",
            settings=settings,
        )
    assert [f.code for f in stuck.findings] == ["media.check_incomplete"]
    assert [report.findings for report in after] == [(), ()]


def test_a_parse_waiting_its_turn_behind_a_stuck_one_is_not_given_up(
    monkeypatch: pytest.MonkeyPatch, release: threading.Event
) -> None:
    # The fragmented video's second parse (another speed) waited for its turn behind the looping
    # one, and that wait counted as its own work: it was given up a moment before the looper.
    real = video.MediaInfo
    stuck_size = (MEDIA / STUCK).stat().st_size

    class Looping:
        @staticmethod
        def parse(file: RangeFile, **options: Any) -> Any:
            while file.size == stuck_size and not release.is_set():
                time.sleep(0.05)
            return real.parse(file, **options)

    monkeypatch.setattr(video, "MediaInfo", Looping)
    settings = Settings(allow_private_hosts=True, deadline=1.0, retries=0)
    with serve() as server:
        fragmented, stuck = validate_media(
            [server.url("/media/fragmented.mp4"), server.url(f"/media/{STUCK}")],
            "video",
            settings=settings,
        )
    assert fragmented.findings == ()
    assert [f.code for f in stuck.findings] == ["media.check_incomplete"]


def test_a_run_cancelled_during_a_stuck_parse_leaves_the_options_free(
    monkeypatch: pytest.MonkeyPatch, release: threading.Event
) -> None:
    # A caller that gave up the run (asyncio.wait_for, Ctrl-C in a notebook) left the looping
    # parse holding MediaInfo's options: every later video check in the process timed out.
    real = video.MediaInfo
    fragments_size = (MEDIA / "many-fragments.mp4").stat().st_size

    class Looping:
        @staticmethod
        def parse(file: RangeFile, **options: Any) -> Any:
            while file.size == fragments_size and options.get("parse_speed") == 0:
                if release.is_set():
                    break
                time.sleep(0.05)
            return real.parse(file, **options)

    monkeypatch.setattr(video, "MediaInfo", Looping)
    settings = Settings(allow_private_hosts=True, deadline=2.0, retries=0)

    async def cancelled(url: str) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(avalidate_media([url], "video", settings=settings), 0.5)

    with serve() as server:
        asyncio.run(cancelled(server.url("/media/many-fragments.mp4")))
        later = validate_media(
            [server.url(f"/media/{name}") for name in (FINE, "fragmented.mp4")],
            "video",
            settings=settings,
        )
    assert [report.findings for report in later] == [(), ()]
