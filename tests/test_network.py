"""Network checks end to end: pins and media URLs against a real server serving real files.

Every network code is produced here over HTTP, and the run always goes on for the other pins.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import re
import socket
import struct
import threading
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from media_server import MEDIA, Logged, MediaServer, serve
from PIL import Image
from support import black_hole, tcp_server

from validator import Report, Settings, netguard, validate_many, validate_media
from validator.engine import Engine
from validator.errors import SourceError
from validator.findings import Action, Location
from validator.probes.fetch import Guard
from validator.probes.image import read_image_facts
from validator.probes.sniff import PNG_IEND, iso_boxes
from validator.sources import PinInput, from_objects, load
from validator.urls import MediaKind

NETWORK = Settings(allow_private_hosts=True, retries=1, deadline=3.0, read_timeout=2.0)
BOARD = "549755885175"


@pytest.fixture(scope="module")
def server() -> Iterator[MediaServer]:
    with serve() as running:
        yield running


def image_pin(url: str) -> dict[str, Any]:
    return {"board_id": BOARD, "media_source": {"source_type": "image_url", "url": url}}


def video_pin(cover: str, content_type: str = "image/jpeg") -> dict[str, Any]:
    source = {"source_type": "video_id", "media_id": "4876543210987654321",
              "cover_image_url": cover, "cover_image_content_type": content_type}  # fmt: skip
    return {"board_id": BOARD, "media_source": source}


def one(pin: dict[str, Any], settings: Settings = NETWORK) -> Report:
    (report,) = validate_many([pin], settings=settings)
    return report


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("/status/403", "media.forbidden"),
        ("/status/401", "media.forbidden"),
        ("/status/404", "media.not_found"),
        ("/status/410", "media.not_found"),
        ("/loop/a", "media.redirect_loop"),
        ("/chain/12/photo-baseline.jpg", "media.too_many_redirects"),
        ("/status/500", "media.server_error"),
        ("/status/503", "media.server_error"),
        ("/status/429", "media.rate_limited"),
        ("/reset/photo-baseline.jpg", "media.connection_lost"),
        ("/media/image.webp", "media.unsupported_format"),
        ("/media/webp-named.jpg", "media.unsupported_format"),
        ("/media/error-page.jpg", "media.unsupported_format"),
        ("/media/clip.mov", "media.unsupported_format"),
        ("/media/truncated.jpg", "media.invalid"),
        ("/media/truncated.png", "media.invalid"),
        ("/media/empty.jpg", "media.invalid"),
        ("/media/png-named.jpg", "media.type_mismatch"),
        ("/type/image/jpeg/graphic.png", "media.type_mismatch"),
        ("/media/small.jpg", "media.image_too_small"),
        ("/media/tall.jpg", "media.aspect_ratio"),
    ],
)
def test_each_media_problem_has_its_code(server: MediaServer, path: str, code: str) -> None:
    report = one(image_pin(server.url(path)))
    assert code in report.codes, [f.message for f in report.findings]
    finding = next(f for f in report.findings if f.code == code)
    assert finding.field == "media_source.url"
    assert server.base in finding.message or "127.0.0.1" in finding.message


@pytest.mark.parametrize(
    "name",
    ["photo-baseline.jpg", "photo-progressive.jpg", "big-header.jpg", "square.jpg", "graphic.png"],
)
def test_good_images_pass_with_few_requests_and_bytes(server: MediaServer, name: str) -> None:
    # Its own URL, counted once answered: a request of an earlier test logged late is not its.
    path = f"/media/{name}?case=good-images"
    report = one(image_pin(server.url(path)))
    assert report.findings == ()
    requests = server.settled_requests_to(path)
    assert len(requests) <= 3  # the first block, at most one header read, the end marker
    assert sum(entry.sent for entry in requests) <= 64 * 1024 + 256 * 1024 + 12


def test_a_server_ignoring_range_still_gets_a_verdict(server: MediaServer) -> None:
    assert one(image_pin(server.url("/norange/photo-baseline.jpg"))).findings == ()
    assert "media.invalid" in one(image_pin(server.url("/norange/truncated.jpg"))).codes


def test_an_endless_body_is_cut_at_the_byte_cap(server: MediaServer) -> None:
    report = one(
        image_pin(server.url("/endless")), NETWORK.model_copy(update={"max_bytes_per_url": 200_000})
    )
    assert "media.invalid" in report.codes or "media.unsupported_format" in report.codes
    (entry,) = server.settled_requests_to("/endless")[-1:]
    assert entry.sent < 50 * 1024 * 1024


def test_a_large_read_is_judged_off_the_event_loop(
    server: MediaServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pillow stepped through 4 MiB of an endless JPEG's zeros on the loop, holding every other
    # probe and the caller's loop for about 250 ms; a first block alone is read there at once.
    from validator.probes import media

    judged_in: list[bool] = []

    def recording(data: bytes, *, prefix: bool) -> object:
        judged_in.append(threading.current_thread() is threading.main_thread())
        return read_image_facts(data, prefix=prefix)

    monkeypatch.setattr(media, "read_image_facts", recording)
    one(image_pin(server.url("/endless")))
    one(image_pin(server.url("/media/photo-baseline.jpg")))
    assert judged_in == [False, True]


def test_too_large_follows_the_configured_limit(server: MediaServer) -> None:
    settings = NETWORK.model_copy(update={"image_max_bytes": 100_000})
    report = one(image_pin(server.url("/media/photo-baseline.jpg")), settings)
    assert report.codes == {"media.too_large"}


def test_a_timeout_is_retryable(server: MediaServer) -> None:
    settings = NETWORK.model_copy(update={"deadline": 0.5, "retries": 0})
    report = one(image_pin(server.url("/slow/photo-baseline.jpg")), settings)
    assert report.codes == {"media.timeout"}
    assert report.findings[0].retryable


def test_the_deadline_is_the_url_s_whole_not_each_attempt_s(server: MediaServer) -> None:
    # A body that trickles a byte a second took `deadline` per attempt: 3 attempts, 3 deadlines
    # (91 s for a 30 s deadline). It is now one window for all the URL's requests (issue 3).
    settings = NETWORK.model_copy(update={"deadline": 1.0, "retries": 2})
    started = time.monotonic()
    report = one(image_pin(server.url("/slow/photo-baseline.jpg?whole-deadline")), settings)
    took = time.monotonic() - started
    (finding,) = report.findings
    assert finding.code == "media.timeout"
    assert "gave no complete answer within 1 s" in finding.message
    assert "attempts" not in finding.message
    assert took < 2.5  # one deadline (and a second to spare), not three


def test_a_host_that_stopped_taking_connections_is_not_asked_for_each_of_its_urls(
    server: MediaServer,
) -> None:
    # Each URL of a host that takes no connection waited out its deadline, per_host at a time:
    # a CDN that was down cost a 200-pin calendar 12 minutes of a CI job that looks hung.
    settings = NETWORK.model_copy(
        update={"deadline": 1.0, "connect_timeout": 0.3, "retries": 2, "per_host": 2}
    )
    with black_hole() as port:
        pins = [image_pin(f"http://127.0.0.1:{port}/{n}.jpg") for n in range(12)]
        pins.append(image_pin(server.url("/media/photo-baseline.jpg")))  # another host: asked
        started = time.monotonic()
        reports = validate_many(pins, settings=settings)
        took = time.monotonic() - started

    *silent, answered = reports
    assert answered.findings == ()
    assert all(report.codes == {"media.timeout"} for report in silent)
    messages = [report.findings[0].message for report in silent]
    # Those asked once or more are not retried; those still in line are not asked at all.
    stopped = re.compile(
        r'the URL "http://127\.0\.0\.1:\d+/\d+\.jpg" was (not tried again after \d+ requests?|'
        r"not requested): its host stopped taking connections during the run \((\d+) requests in "
        r"a row could not connect\)"
    )
    told = [found for message in messages if (found := stopped.fullmatch(message))]
    assert len(told) >= 8  # all but the first few, which may time out as the count is reached
    assert any(found[1] == "not requested" for found in told)
    assert all(int(found[2]) >= 6 for found in told)  # SILENT_LIMIT, and 2 x per_host
    assert took < 4.0  # about one deadline; it was six (12 URLs, 2 at a time, 1 s each)


def test_files_that_never_answer_do_not_write_off_their_host(server: MediaServer) -> None:
    # The host took the connections: the files hang, not the host (one route of a proxy whose
    # backend is down). Its other files, in line behind them, are asked and answer. A rule that
    # counted them wrote the good files off: "was not requested: its host stopped answering".
    settings = NETWORK.model_copy(
        update={"deadline": 1.0, "read_timeout": 0.3, "retries": 2, "per_host": 2}
    )
    pins = [image_pin(server.url(f"/hang/{n}.jpg?queued-first")) for n in range(8)]
    pins += [image_pin(server.url(f"/media/photo-baseline.jpg?after={n}")) for n in range(4)]
    reports = validate_many(pins, settings=settings)

    assert [report.codes for report in reports[8:]] == [frozenset()] * 4
    assert all(report.codes == {"media.timeout"} for report in reports[:8])
    assert all("was not" not in f.message for r in reports for f in r.findings)


def test_a_flaky_server_recovers_within_the_retries(server: MediaServer) -> None:
    report = one(image_pin(server.url("/flaky/net-503/503/photo-baseline.jpg")))
    assert report.findings == ()


def test_a_lookup_the_resolver_says_to_try_later_is_to_be_retried() -> None:
    # EAI_AGAIN (no DNS server reachable, say) was media.unreachable: "fix the input", and a
    # publishing script dropped every pin of the run as bad. The guard stands in for the
    # resolver (no request is sent: the name is refused before any connection).
    async def not_now(host: str, port: int) -> netguard.ResolveError:
        return netguard.ResolveError(host, "Temporary failure in name resolution", temporary=True)

    async def no_such_name(host: str, port: int) -> netguard.ResolveError:
        return netguard.ResolveError(host, "Name or service not known")

    def checked(guard: Guard) -> Report:
        pin = PinInput(Location("<input>", 0), image_pin("https://cdn.example.com/a.jpg"))

        async def run() -> list[Report]:
            async with Engine(Settings(retries=1), guard=guard).session() as session:
                return [report async for report in session.check_all([pin])]

        (report,) = asyncio.run(run())
        return report

    (finding,) = checked(not_now).findings
    assert (finding.code, finding.action, finding.retryable) == (
        "media.lookup_failed",
        Action.RETRY,
        True,
    )
    assert finding.message == (
        'the URL "https://cdn.example.com/a.jpg" has a host name that could not be looked up '
        "(Temporary failure in name resolution) (2 attempts)"
    )
    assert checked(no_such_name).codes == {"media.unreachable"}  # no such name: the input's


def test_a_private_address_is_refused_unless_allowed(server: MediaServer) -> None:
    url = server.url("/media/photo-baseline.jpg")
    report = one(image_pin(url), Settings())
    assert report.codes == {"media.url_not_public"}
    assert report.findings[0].message == (  # a sentence: "the URL ... 127.0.0.1 is" was not
        f'the URL "{url}" is not on the public internet: 127.0.0.1 is a loopback address '
        "(127.0.0.0/8)"
    )


def test_video_cover_type_must_match_the_real_cover(server: MediaServer) -> None:
    assert one(video_pin(server.url("/media/cover.jpg"))).findings == ()
    report = one(video_pin(server.url("/media/cover.jpg"), "image/png"))
    assert "video.cover_image_content_type_mismatch" in report.codes


def test_a_cover_whose_bytes_are_its_declared_type_is_not_held_to_its_name(
    server: MediaServer,
) -> None:
    # A CDN's cover.jpg?fm=png: declared image/png, it was refused by its name ("declare
    # image/jpeg"), and declared image/jpeg, by its bytes ("declare image/png").
    url = server.url("/media/png-named.jpg")
    offline = one(video_pin(url, "image/png"), Settings(offline=True))
    assert offline.codes == {"video.cover_image_content_type_invalid"}  # the name is all there is
    report = one(video_pin(url, "image/png"))
    assert report.codes == {"media.type_mismatch"}  # the name alone is wrong: a warning
    assert report.ok
    assert "video.cover_image_content_type_mismatch" in one(video_pin(url)).codes


def test_carousel_items_are_probed_and_must_match_in_size(server: MediaServer) -> None:
    items = [
        {"url": server.url("/media/photo-baseline.jpg")},
        {"url": server.url("/media/square.jpg")},
    ]
    pin = {
        "board_id": BOARD,
        "media_source": {"source_type": "multiple_image_urls", "items": items},
    }
    report = one(pin)
    assert report.codes == {"media.aspect_ratio"}
    assert report.findings[0].field == "media_source.items"


def test_each_unique_url_is_fetched_once_per_run(server: MediaServer) -> None:
    url = server.url("/media/cover.png?shared=1")
    before = len(server.requests_to("shared=1"))
    reports = validate_many([video_pin(url, "image/png") for _ in range(20)], settings=NETWORK)
    assert all(report.ok for report in reports)
    # One block, one end-marker read.
    assert len(server.settled_requests_to("shared=1")) - before <= 2


def test_one_bad_server_does_not_stop_the_other_pins(server: MediaServer) -> None:
    pins = [image_pin(server.url("/reset/a.jpg")), image_pin(server.url("/media/square.jpg")), "{"]
    reports = validate_many(pins, settings=NETWORK)
    assert [report.ok for report in reports] == [False, True, False]


@pytest.mark.parametrize(("concurrency", "per_host"), [(1, 1), (16, 4)])
def test_bytes_past_an_answer_do_not_fail_the_next_url_on_that_connection(
    concurrency: int, per_host: int
) -> None:
    # A server that sent more than its Content-Length left the rest in the connection's buffer:
    # the next URL asked on it got "not HTTP", a final media.unreachable for a good file. With
    # several connections, those already in flight when the first one failed met it too.
    names = ["photo-baseline.jpg", "square.jpg", "big-header.jpg", "photo-progressive.jpg"]
    with serve() as own:  # its own server: the run's connections are all to this one origin
        pins = [image_pin(own.url(f"/overrun/{name}?n={n}")) for n, name in enumerate(names * 2)]
        settings = NETWORK.model_copy(update={"concurrency": concurrency, "per_host": per_host})
        reports = validate_many(pins, settings=settings)
    assert [report.findings for report in reports] == [()] * len(pins)


def test_a_redirect_with_two_locations_is_refused_not_joined(server: MediaServer) -> None:
    # httpx joins the two with ", ": the URL asked next was one the server never sent.
    url = server.url("/redirect?to=/media/small.jpg&to=/media/square.jpg")
    report = one(image_pin(url))
    (finding,) = report.findings
    assert finding.code == "media.unreachable"
    assert 'with two Location headers ("/media/small.jpg" and "/media/square.jpg")' in (
        finding.message
    )
    assert server.settled_requests_to("small.jpg,") == []


def test_a_later_read_redirected_with_two_locations_is_not_followed(server: MediaServer) -> None:
    # The first read is answered; later ranges get a 302 with two Location headers, which were
    # joined into a URL nobody sent, asked twice, and the file passed on what it answered.
    url = server.url("/mirror/big-header.jpg?to=/media/small.jpg&to=/media/square.jpg")
    report = one(image_pin(url))
    assert report.codes == {"media.check_incomplete"}, [f.message for f in report.findings]
    assert server.settled_requests_to("small.jpg,") == []


def test_a_url_that_answers_no_http_on_a_new_connection_too_is_not_http() -> None:
    # Its origin had answered HTTP before: "bytes past the end of its earlier answer" was kept
    # on every try, though the tries after the first went on new connections (retry later).
    with serve() as own:
        pins = [image_pin(own.url("/media/photo-baseline.jpg")), image_pin(own.url("/nothttp/a"))]
        settings = NETWORK.model_copy(update={"concurrency": 1, "per_host": 1, "retries": 2})
        good, bad = validate_many(pins, settings=settings)
    assert good.findings == ()
    (finding,) = bad.findings
    assert finding.code == "media.unreachable"
    assert "answered with something that is not HTTP" in finding.message


def test_bytes_appended_after_a_whole_video_do_not_make_it_cut(tmp_path: Path) -> None:
    # A tool's signature after the last box: a moov-last MP4 was "cut off" (media.invalid),
    # the same bytes after a moov-first one passed. Served and as files.
    signature = b"Created with SomeTool v1.2\n"
    for name in ("h264-moov-end.mp4", "h264-faststart.mp4"):
        (tmp_path / name).write_bytes((MEDIA / name).read_bytes() + signature)
    with serve((tmp_path,)) as running:
        for name in ("h264-moov-end.mp4", "h264-faststart.mp4"):
            served = validate_media([running.url(f"/media/{name}")], "video", settings=NETWORK)
            local = validate_media([tmp_path / name], "video")
            for (report,) in (served, local):
                assert report.findings == (), [f.message for f in report.findings]


def test_a_video_without_frames_or_media_data_does_not_pass(tmp_path: Path) -> None:
    # An initialization segment (its fragments elsewhere) and a faststart MP4 cut right after
    # its index passed with no finding, served and as files.
    fragmented = (MEDIA / "fragmented.mp4").read_bytes()
    moov = next(box for box in iso_boxes(fragmented, len(fragmented)) if box.type == "moov")
    (tmp_path / "init.mp4").write_bytes(fragmented[: moov.end])
    faststart = (MEDIA / "h264-faststart.mp4").read_bytes()
    mdat = next(box for box in iso_boxes(faststart, len(faststart)) if box.type == "mdat")
    (tmp_path / "index-only.mp4").write_bytes(faststart[: mdat.start])
    expected = {"init.mp4": "media.check_incomplete", "index-only.mp4": "media.invalid"}
    with serve((tmp_path,)) as running:
        for name, code in expected.items():
            served = validate_media([running.url(f"/media/{name}")], "video", settings=NETWORK)
            local = validate_media([tmp_path / name], "video")
            for (report,) in (served, local):
                assert report.codes == {code}, [f.message for f in report.findings]
    assert "no media data (no mdat box)" in local[0].findings[0].message


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("mpeg4-part2.mp4", "video.codec_unsupported"),
        ("short-2s.mp4", "video.duration_out_of_range"),
        ("wide-3x1.mp4", "video.aspect_ratio_out_of_range"),
        ("truncated.mp4", "media.invalid"),
        ("clip.webm", "media.unsupported_format"),
        ("clip.mkv", "media.unsupported_format"),
        ("clip.avi", "media.unsupported_format"),
        ("anamorphic.mp4", "video.aspect_ratio_out_of_range"),  # 640x360 stored, 2.37:1 shown
    ],
)
def test_video_problems(server: MediaServer, name: str, code: str) -> None:
    (report,) = validate_media([server.url(f"/media/{name}")], "video", settings=NETWORK)
    assert code in report.codes, [f.message for f in report.findings]
    (local,) = validate_media([MEDIA / name], "video")  # the same verdict on the file itself
    assert code in local.codes


@pytest.mark.parametrize(
    "name",
    [
        "h264-faststart.mp4",
        "h264-moov-end.mp4",
        "h265.mp4",
        "clip.mov",
        "fragmented.mp4",
        "landscape.mp4",
        "clip.3gp",  # brand 3gp6 with isom and avc1 compatible: an MP4 reader plays it
    ],
)
def test_good_videos_pass(server: MediaServer, name: str) -> None:
    before = len(server.log)
    (report,) = validate_media([server.url(f"/media/{name}")], "video", settings=NETWORK)
    assert report.findings == (), [f.message for f in report.findings]
    assert len(server.log) - before <= 4


def _session_reports(items: list[PinInput], settings: Settings) -> tuple[list[Report], Exception]:
    """The reports a session yields for ``items`` read from a source that breaks after them."""

    def source() -> Iterator[PinInput]:
        yield from items
        raise SourceError("calendar.jsonl: line 41: the file stops being readable")

    async def run() -> tuple[list[Report], Exception]:
        reports: list[Report] = []
        async with Engine(settings).session() as session:
            try:
                async for report in session.check_all(source()):
                    reports.append(report)  # noqa: PERF401 - kept up to the error
            except SourceError as exc:
                return reports, exc
        raise AssertionError("the source's error was lost")

    return asyncio.run(run())


def test_a_sliding_window_reports_every_pin_in_order_then_the_broken_source(
    server: MediaServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A window of 8 over 40 pins: it is refilled many times while probes are in flight.
    monkeypatch.setattr("validator.engine._WINDOW", 8)
    urls = [
        server.url("/media/square.jpg?window=shared"),
        server.url("/status/404?window=1"),
        server.url("/media/photo-baseline.jpg?window=2"),
        server.url("/media/image.webp?window=3"),
        server.url("/loop/a?window=4"),
    ]
    before = len(server.requests_to("window=shared"))
    items = [
        PinInput(Location("calendar.jsonl", n, n + 1), image_pin(urls[n % len(urls)]), row=True)
        for n in range(40)
    ]
    reports, error = _session_reports(items, NETWORK)
    assert [report.location.line for report in reports] == list(range(1, 41))
    codes = [set(report.codes) - {"calendar.duplicate_pin"} for report in reports]
    expected = [
        set(),
        {"media.not_found"},
        set(),
        {"media.unsupported_format"},
        {"media.redirect_loop"},
    ]
    assert codes == [expected[n % len(urls)] for n in range(40)]
    assert "line 41" in str(error)
    # Probed once for 8 pins.
    assert len(server.settled_requests_to("window=shared")) - before <= 2


# --- what the review found: later reads, odd servers, pauses --------------------------------------


def test_a_redirect_to_an_impossible_port_is_a_finding_and_the_run_goes_on(
    server: MediaServer,
) -> None:
    bad = server.url("/redirect?to=http://127.0.0.1:99999/x.jpg")
    good = server.url("/media/photo-baseline.jpg")

    first, second = validate_many([image_pin(bad), image_pin(good)], settings=NETWORK)

    assert first.codes == {"media.unreachable"}
    assert "not a valid URL" in first.findings[0].message
    assert second.findings == ()
    # Protocol-relative, as written in the Location header: its credentials were shown.
    (report,) = validate_many(
        [image_pin(server.url("/redirect?to=//admin:hunter2@127.0.0.1:99999/x.jpg"))],
        settings=NETWORK,
    )
    assert 'redirects to "//***@127.0.0.1:99999/x.jpg", which is not a valid URL' in (
        report.findings[0].message
    )


def test_a_redirect_target_that_fails_is_named_not_the_pins_url(server: MediaServer) -> None:
    # "the URL X cannot be connected to", of an X that had answered 302: the target, where the
    # fault was, appeared nowhere; a deadline met after redirects lost the chain too.
    refused = "http://127.0.0.1:1/x.jpg"  # nothing listens on port 1
    reset = server.url("/reset/photo-baseline.jpg")
    slow = server.url("/slow/photo-baseline.jpg")
    settings = NETWORK.model_copy(update={"retries": 0, "deadline": 1.0})
    reports = validate_many(
        [image_pin(server.url(f"/redirect?to={target}")) for target in (refused, reset, slow)],
        settings=settings,
    )
    said = [(report.findings[0].code, report.findings[0].message) for report in reports]
    assert said[0][0] == "media.unreachable"
    assert f'redirects to "{refused}", which cannot be connected to (' in said[0][1]
    assert said[1][0] == "media.connection_lost"
    assert f'redirects to "{reset}", which dropped the connection (' in said[1][1]
    assert said[2][0] == "media.timeout"
    assert f'redirects to "{slow}", which gave no complete answer within 1 s' in said[2][1]


def test_a_later_read_that_fails_is_the_servers_fault_not_the_files(server: MediaServer) -> None:
    # big-header.jpg needs a second read for its header; the server answers it 503.
    report = one(image_pin(server.url("/laterfail/503/big-header.jpg")))
    assert report.codes == {"media.server_error"}
    assert report.findings[0].retryable
    (video,) = validate_media(
        [server.url("/laterfail/503/h264-moov-end.mp4")], "video", settings=NETWORK
    )
    assert video.codes == {"media.server_error"}


def test_a_range_answered_with_other_bytes_is_not_a_broken_file(server: MediaServer) -> None:
    report = one(image_pin(server.url("/wrongrange/photo-baseline.jpg")))
    assert report.codes == {"media.unreachable"}
    assert "other bytes" in report.findings[0].message


@pytest.mark.parametrize("name", ["heavy-metadata.jpg", "heavy-metadata.png"])
def test_metadata_longer_than_the_first_reads_is_read_on(server: MediaServer, name: str) -> None:
    # C2PA credentials or Photoshop's XMP history: 500 KB before the pixels, a valid image.
    assert one(image_pin(server.url(f"/media/{name}"))).findings == ()
    capped = NETWORK.model_copy(update={"max_bytes_per_url": 300_000})
    report = one(image_pin(server.url(f"/media/{name}")), capped)
    assert report.codes == {"media.check_incomplete"}  # not media.invalid: nothing is broken
    assert "headers go on past" in report.findings[0].message


@pytest.mark.parametrize("name", ["heavy-metadata.jpg", "heavy-metadata.png"])
def test_a_file_cut_inside_its_headers_is_invalid_whether_or_not_its_size_is_stated(
    name: str, tmp_path: Path
) -> None:
    (tmp_path / f"cut-{name}").write_bytes((MEDIA / name).read_bytes()[:200_000])
    with serve((tmp_path,)) as cut_server:
        for route in ("media", "nosize"):  # nosize: Content-Range bytes 0-N/*
            report = one(image_pin(cut_server.url(f"/{route}/cut-{name}")))
            assert report.codes == {"media.invalid"}, (route, report.findings)


def test_a_fragmented_video_read_in_part_is_not_judged_on_its_partial_duration(
    server: MediaServer,
) -> None:
    # 10 s in 2 s fragments; at this cap only the first fragments are read.
    capped = NETWORK.model_copy(update={"max_bytes_per_url": 131_072})
    (report,) = validate_media([server.url("/media/fragmented.mp4")], "video", settings=capped)
    assert report.codes == {"media.check_incomplete"}
    assert "whole duration is not known" in report.findings[0].message


def _with_a_large_index(folder: Path, extra: int) -> Path:
    """h264-faststart.mp4 with ``extra`` bytes of empty entries in its time-to-sample table.

    The track's header, sample description and duration come before that table: MediaInfo
    reads them from the first part of the index. Every enclosing box grows by ``extra``, and
    the chunk offsets move with the media data after the index.
    """
    data = bytearray((MEDIA / "h264-faststart.mp4").read_bytes())
    Found = tuple[str, int, int, tuple[int, ...]]  # type, start, size, enclosing boxes' starts

    def walk(start: int, end: int, enclosing: tuple[int, ...]) -> Iterator[Found]:
        while start + 8 <= end:
            size, kind = struct.unpack_from(">I4s", data, start)
            yield kind.decode(), start, size, enclosing
            if kind in (b"moov", b"trak", b"mdia", b"minf", b"stbl"):
                yield from walk(start + 8, start + size, (*enclosing, start))
            start += size

    boxes = list(walk(0, len(data), ()))
    _, stts, stts_size, enclosing = next(box for box in boxes if box[0] == "stts")
    count = struct.unpack_from(">I", data, stts + 12)[0]
    struct.pack_into(">I", data, stts + 12, count + extra // 8)
    for start in (*enclosing, stts):
        struct.pack_into(">I", data, start, struct.unpack_from(">I", data, start)[0] + extra)
    for _, stco, _, _ in (box for box in boxes if box[0] == "stco"):
        for entry in range(struct.unpack_from(">I", data, stco + 12)[0]):
            offset = stco + 16 + 4 * entry
            struct.pack_into(">I", data, offset, struct.unpack_from(">I", data, offset)[0] + extra)
    data[stts + stts_size : stts + stts_size] = bytes(extra)
    out = folder / "large-index.mp4"
    out.write_bytes(data)
    return out


def test_a_video_judged_on_part_of_its_index_says_so(tmp_path: Path) -> None:
    # An index over the byte cap whose track MediaInfo found in its first part passed unremarked.
    large = _with_a_large_index(tmp_path, 512 * 1024)
    assert validate_media([large], "video")[0].findings == ()  # a good video, read whole
    with serve((tmp_path,)) as own:
        capped = NETWORK.model_copy(update={"max_bytes_per_url": 300_000})
        (report,) = validate_media([own.url("/media/large-index.mp4")], "video", settings=capped)
    assert report.codes == {"media.check_incomplete"}
    assert "the video's index was not read whole (300,000 bytes read" in report.findings[0].message


def test_a_server_that_never_states_the_size(server: MediaServer) -> None:
    # The image passed unremarked: a 27 MB one too, though its size was never known.
    (finding,) = one(image_pin(server.url("/nosize/big-header.jpg"))).findings
    assert finding.code == "media.check_incomplete"
    assert "does not state the file's size (Content-Range: .../*)" in finding.message
    assert "20,000,000-byte limit" in finding.message
    assert "media.invalid" in one(image_pin(server.url("/nosize/truncated.jpg"))).codes
    (video,) = validate_media([server.url("/nosize/h264-faststart.mp4")], "video", settings=NETWORK)
    assert video.codes == {"media.check_incomplete"}
    assert "does not state the video's size" in video.findings[0].message


def test_what_could_not_be_read_is_said_not_passed_over(server: MediaServer) -> None:
    capped = NETWORK.model_copy(update={"max_bytes_per_url": 65536})
    report = one(image_pin(server.url("/norange/photo-baseline.jpg")), capped)
    assert report.codes == {"media.check_incomplete"}
    assert "ignores Range" in report.findings[0].message
    assert not report.findings[0].retryable


def test_deep_does_not_take_a_capped_download_for_a_cut_file(server: MediaServer) -> None:
    deep = NETWORK.model_copy(update={"deep": True, "max_bytes_per_url": 65536})
    report = one(image_pin(server.url("/media/photo-baseline.jpg")), deep)
    assert report.codes == {"media.check_incomplete"}
    assert "not decoded (--deep)" in report.findings[0].message
    assert one(image_pin(server.url("/media/photo-baseline.jpg")), NETWORK.model_copy(
        update={"deep": True})).findings == ()  # fmt: skip


def test_deep_on_a_file_of_no_stated_size_is_told_how_to_serve_it(server: MediaServer) -> None:
    # The hint said to raise max_bytes_per_url, which no value of makes such a file whole.
    deep = NETWORK.model_copy(update={"deep": True})
    report = one(image_pin(server.url("/nosize/photo-baseline.jpg")), deep)
    (finding,) = report.findings
    assert finding.code == "media.check_incomplete"
    assert "does not state its size" in finding.message
    assert finding.hint.startswith("Serve the file with its size (Content-Length")


def test_a_429_pause_is_not_counted_against_the_other_urls_of_the_host(
    server: MediaServer,
) -> None:
    # One slot for the host: the second URL queues behind the first, which gets a 429 with
    # Retry-After: 1. The pause is waited out, not timed: a 0.3 s deadline is not missed.
    settings = NETWORK.model_copy(update={"per_host": 1, "deadline": 0.3, "retries": 1})
    throttled = server.url("/flaky/pause-a/429/photo-baseline.jpg")
    queued = server.url("/media/square.jpg")

    first, second = validate_many([image_pin(throttled), image_pin(queued)], settings=settings)

    assert first.findings == ()
    assert second.findings == ()


def test_a_429_on_a_later_read_is_waited_out_not_timed(server: MediaServer) -> None:
    # The header read of big-header.jpg gets 429 with Retry-After: 1, longer than the deadline:
    # the wait moves the later reads' deadline on, and the retry gets the bytes.
    settings = NETWORK.model_copy(update={"deadline": 0.6, "retries": 1})
    report = one(image_pin(server.url("/laterfail/429/big-header.jpg?once=later-429")), settings)
    assert report.findings == ()


def test_deep_does_not_take_a_short_answer_for_a_cut_file(server: MediaServer) -> None:
    deep = NETWORK.model_copy(update={"deep": True})
    report = one(image_pin(server.url("/laterfail/200/photo-baseline.jpg")), deep)
    assert report.codes == {"media.check_incomplete"}
    assert "the server ignored Range on a read past its first block" in report.findings[0].message


# --- the second review: crashes, the end marker, queues, caps, early exits ----------------------


def test_a_location_that_is_no_host_name_is_a_finding_not_a_crash(server: MediaServer) -> None:
    (report,) = validate_many(
        [image_pin(server.url("/redirect?to=http://xn--/x.jpg"))], settings=NETWORK
    )
    assert report.codes == {"media.unreachable"}
    assert report.findings[0].message.endswith(
        'redirects to "http://xn--/x.jpg", which is not a valid URL'
    )


def test_an_end_marker_the_byte_cap_cuts_is_not_judged(server: MediaServer) -> None:
    # 5 bytes left after the first block: too few for the 12-byte end, which is not read at all.
    capped = NETWORK.model_copy(update={"max_bytes_per_url": 65536 + 5})
    report = one(image_pin(server.url("/media/photo-baseline.jpg")), capped)
    assert report.codes == {"media.check_incomplete"}
    assert "end was not checked" in report.findings[0].message
    # Nothing left at all: the end is not checked, and the report says so rather than "ok".
    capped = NETWORK.model_copy(update={"max_bytes_per_url": 65536})
    report = one(image_pin(server.url("/media/photo-baseline.jpg")), capped)
    assert report.codes == {"media.check_incomplete"}


def test_a_video_whose_index_is_past_the_byte_cap_is_incomplete_not_broken(
    server: MediaServer,
) -> None:
    capped = NETWORK.model_copy(update={"max_bytes_per_url": 65536})
    url = server.url("/media/h264-moov-end.mp4")  # 105 KB, its index at the end
    (report,) = validate_media([url], "video", settings=capped)
    assert report.codes == {"media.check_incomplete"}
    assert "not parsed" in report.findings[0].message


def test_waiting_in_line_for_a_slot_is_not_counted_against_the_deadline() -> None:
    # One slot for the host and 0.15 s per answer: the eighth URL waits about 2 s in line, four
    # times the deadline, and is still checked, as the server answers each request in time.
    settings = NETWORK.model_copy(update={"per_host": 1, "deadline": 0.5, "retries": 0})
    with serve(latency=0.15) as slow:
        pins = [image_pin(slow.url(f"/media/square.jpg?n={n}")) for n in range(8)]
        reports = validate_many(pins, settings=settings)
    assert [r.findings for r in reports] == [()] * 8


def test_a_source_cancelled_midway_leaves_the_session_whole(server: MediaServer) -> None:
    # The shared probe was cancelled with the first source and handed, cancelled, to the next:
    # a later file with the same URL raised CancelledError instead of getting its report.
    url = server.url("/slow/photo-baseline.jpg?shared")
    settings = NETWORK.model_copy(update={"deadline": 1.0, "retries": 0})

    async def run() -> list[Report]:
        async with Engine(settings).session() as session:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(0.2):
                    async for _ in session.check_all(from_objects([image_pin(url)])):
                        pass
            return [report async for report in session.check_all(from_objects([image_pin(url)]))]

    (report,) = asyncio.run(run())
    assert report.codes == {"media.timeout"}


def test_stopping_early_leaves_nothing_running(server: MediaServer) -> None:
    pins = [image_pin(server.url("/media/square.jpg"))]
    pins += [image_pin(server.url(f"/slow/photo-baseline.jpg?n={n}")) for n in range(3)]

    async def run() -> list[asyncio.Task[object]]:
        async with Engine(NETWORK).session() as session:
            async for _ in session.check_all(from_objects(pins)):
                break  # the slow probes are in flight
        return [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]

    assert asyncio.run(run()) == []


def test_a_suffix_answered_with_the_whole_file_has_its_end_read_from_it(
    server: MediaServer, tmp_path: Path
) -> None:
    # Such a server was media.unreachable ("other bytes"), though Pinterest fetches the file.
    assert one(image_pin(server.url("/suffixwhole/photo-baseline.jpg"))).findings == ()
    # The end is still checked: a file cut past its first block is still cut.
    (tmp_path / "cut.jpg").write_bytes((MEDIA / "photo-baseline.jpg").read_bytes()[:120_000])
    with serve((tmp_path,)) as own:
        assert one(image_pin(own.url("/suffixwhole/cut.jpg"))).codes == {"media.invalid"}
    # Past the byte cap the file is not read through: its end goes unchecked, and says so.
    capped = NETWORK.model_copy(update={"max_bytes_per_url": 100_000})
    report = one(image_pin(server.url("/suffixwhole/photo-baseline.jpg")), capped)
    assert report.codes == {"media.check_incomplete"}
    assert (
        "the server answered with the whole file, past the byte cap" in report.findings[0].message
    )


def test_a_first_range_from_elsewhere_in_the_file_is_not_its_start(server: MediaServer) -> None:
    report = one(image_pin(server.url("/shifted/photo-baseline.jpg")))
    assert report.codes == {"media.unreachable"}
    assert "other bytes" in report.findings[0].message


def test_a_later_read_that_times_out_is_not_retried_into_a_spent_window(
    server: MediaServer,
) -> None:
    settings = NETWORK.model_copy(update={"deadline": 0.4, "retries": 3})
    report = one(image_pin(server.url("/laterfail/stall/big-header.jpg")), settings)
    assert report.codes == {"media.timeout"}
    assert "attempts" not in report.findings[0].message  # one real attempt, not four


@pytest.mark.parametrize(
    "url",
    ["http://xn--/x.mp4", "http://0177.0.0.1/x.mp4", "http://xn--bcher-kva\u00ad.example/x.mp4"],
    ids=["empty punycode", "octal IPv4", "soft hyphen in punycode"],
)
def test_a_url_the_client_cannot_send_is_invalid_input(server: MediaServer, url: str) -> None:
    (report,) = validate_media([url], "video", settings=NETWORK)
    assert report.codes == {"media.url_invalid"}  # fix the input: not the server's doing
    # "xn--" ends its label with a hyphen, and a soft hyphen is invisible: refused before any
    # request, by the URL rule.
    wanted = {"//xn--/": "has no valid host name", "\u00ad": "contains an invisible character"}
    said = next((words for part, words in wanted.items() if part in url), "is not a valid URL")
    assert said in report.findings[0].message


def test_stopping_early_also_stops_a_video_parse_waiting_on_a_read(server: MediaServer) -> None:
    urls = [server.url("/media/h264-faststart.mp4"), server.url("/laterfail/stall/clip.mov")]

    async def run() -> tuple[list[asyncio.Task[object]], list[str]]:
        async with Engine(NETWORK).session() as session:
            async for _ in session.check_media(urls, MediaKind.VIDEO):
                break  # the second video's parse is waiting on a read that does not come
        left = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        return left, list(session.probes())  # the cancelled probe is left out, not raised

    left, probed = asyncio.run(run())
    assert left == []
    assert probed == [urls[0]]


def test_a_file_compressed_against_our_asking_is_judged_by_what_it_holds(
    server: MediaServer,
) -> None:
    report = one(image_pin(server.url("/gzipped/photo-baseline.jpg")))
    assert report.codes == {"media.check_incomplete"}  # a JPEG, not read further
    assert "Content-Encoding: gzip" in report.findings[0].message
    # A gzipped HTML page (a login wall, a soft 404) is still no image.
    assert one(image_pin(server.url("/gzipped/error-page.jpg"))).codes == {
        "media.unsupported_format"
    }


# --- whole files that look odd, and servers that stop honouring Range ----------------------------


@pytest.mark.parametrize("name", ["appended.jpg", "appended.png", "motion-photo.jpg"])
def test_data_appended_after_a_whole_image_is_not_a_cut(server: MediaServer, name: str) -> None:
    report = one(image_pin(server.url(f"/media/{name}")))
    assert report.codes == set(), [f.message for f in report.findings]


def test_a_cut_file_is_still_cut_after_the_wider_look(server: MediaServer) -> None:
    before = len(server.requests_to("/media/truncated.jpg"))
    report = one(image_pin(server.url("/media/truncated.jpg")))
    assert report.codes == {"media.invalid"}
    assert len(server.settled_requests_to("/media/truncated.jpg")) - before <= 3


@pytest.mark.parametrize("status", ["200", "416"])
@pytest.mark.parametrize("name", ["h264-moov-end.mp4", "big-header.jpg"])
def test_later_ranges_not_honoured_leave_the_file_unjudged(
    server: MediaServer, status: str, name: str
) -> None:
    (report,) = validate_media(
        [server.url(f"/laterfail/{status}/{name}")],
        "video" if name.endswith(".mp4") else "image",
        settings=NETWORK,
    )
    assert report.codes == {"media.check_incomplete"}, [f.message for f in report.findings]


@pytest.mark.parametrize(
    ("path", "kind"), [("/capped/7/cover.png", "image"), ("/capped/1/h264-faststart.mp4", "video")]
)
def test_a_first_answer_of_fewer_bytes_than_a_signature_is_no_verdict_on_the_type(
    server: MediaServer, path: str, kind: str
) -> None:
    # "a file of unknown type; convert it to JPEG or PNG", for a good file a server sent in crumbs.
    (report,) = validate_media([server.url(path)], kind, settings=NETWORK)
    assert report.codes == {"media.check_incomplete"}
    assert "too few to tell what the file is" in report.findings[0].message


def test_answers_shorter_than_asked_are_read_on(server: MediaServer) -> None:
    report = one(image_pin(server.url("/capped/16384/big-header.jpg")))
    assert report.codes == set(), [f.message for f in report.findings]


@pytest.mark.parametrize("status", [204, 304, 300])
def test_a_status_that_carries_no_file_is_not_an_empty_file(
    server: MediaServer, status: int
) -> None:
    report = one(image_pin(server.url(f"/status/{status}")))
    assert report.codes == {"media.unreachable"}
    assert "carries no file" in report.findings[0].message


def _hang_up(connection: socket.socket) -> None:
    """Read what the client sends, then close: a TLS handshake that never gets an answer."""
    connection.settimeout(1)
    with contextlib.suppress(OSError):
        connection.recv(4096)


def test_a_tls_handshake_that_fails_says_why_and_what_to_check(server: MediaServer) -> None:
    # https to a port that hangs up (or speaks plain http): "cannot be connected to
    # (ConnectError)", and a hint about the host name.
    with tcp_server(_hang_up) as port:
        urls = [f"https://127.0.0.1:{port}/a.jpg", server.url("/a.jpg").replace("http:", "https:")]
        reports = validate_media(urls, settings=NETWORK)
    for report in reports:
        (finding,) = report.findings
        assert finding.code == "media.unreachable"
        assert "[SSL: " in finding.message
        assert "(ConnectError)" not in finding.message
        assert finding.hint is not None
        assert finding.hint.startswith("The TLS handshake failed")


@pytest.mark.parametrize("status", [400, 405, 418, 204, 600, 999])
def test_a_server_that_answered_otherwise_is_not_blamed_on_its_host_name(
    server: MediaServer, status: int
) -> None:
    # The catalogue's fix for media.unreachable ("check the host name, that the server is up,
    # its TLS certificate") fit none of these; 600 and 999 were server errors, to retry.
    report = one(image_pin(server.url(f"/status/{status}")))
    assert report.codes == {"media.unreachable"}
    (finding,) = report.findings
    assert finding.hint is not None
    assert finding.hint.startswith("The server answered, but not with the file")


def test_an_image_over_the_pixel_limit_is_left_unread_not_broken(tmp_path: Path) -> None:
    # A real 10000 x 9000 JPEG (1.4 MB of one colour): valid, but over Pillow's decoding limit.
    Image.new("RGB", (10_000, 9_000), "white").save(tmp_path / "huge.jpg", quality=10)
    with serve((tmp_path,)) as running:
        report = one(image_pin(running.url("/media/huge.jpg")))
    assert report.codes == {"media.check_incomplete"}
    assert "pixels" in report.findings[0].message


def test_headers_too_large_are_not_retried_as_a_dropped_connection(server: MediaServer) -> None:
    before = len(server.requests_to("/bigheaders/"))
    report = one(image_pin(server.url("/bigheaders/photo-baseline.jpg")))
    assert report.codes == {"media.unreachable"}
    assert "headers too large" in report.findings[0].message
    assert len(server.settled_requests_to("/bigheaders/")) - before == 1


def test_a_video_url_serving_a_page_says_so(tmp_path: Path) -> None:
    (tmp_path / "clip.mp4").write_bytes((MEDIA / "error-page.jpg").read_bytes())
    with serve((tmp_path,)) as server:
        (report,) = validate_media([server.url("/media/clip.mp4")], "video", settings=NETWORK)
    assert report.codes == {"media.unsupported_format"}
    assert "serves a page" in (report.findings[0].hint or "")


def test_a_motion_photo_is_judged_where_its_xmp_says_its_image_ends(tmp_path: Path) -> None:
    whole = (MEDIA / "motion-photo.jpg").read_bytes()
    (tmp_path / "whole.jpg").write_bytes(whole)
    (tmp_path / "cut.jpg").write_bytes(whole[:200_000])  # cut inside its image
    (tmp_path / "small.jpg").write_bytes(whole[:60_000])  # read whole in the first block
    stale = whole.replace(b'MicroVideoOffset="', b'MicroVideoOffset="1')  # XMP an editor kept
    (tmp_path / "stale.jpg").write_bytes(stale)
    with serve((tmp_path,)) as running:
        reports = [one(image_pin(running.url(f"/media/{name}.jpg"))) for name in
                   ("whole", "cut", "stale", "small")]  # fmt: skip
    whole_report, cut, stale_report, small = reports
    assert whole_report.codes == set()
    # Its video may run past the last 64 KiB, between them and the first block: not called cut,
    # but not passed either. (Cut at 100,000 bytes, the two meet: cut, as tested below.)
    assert cut.codes == {"media.check_incomplete"}
    assert "a cut was not ruled out" in cut.findings[0].message
    assert "media.invalid" not in stale_report.codes  # the end marker is found by the search
    # Every byte at hand, no end marker past its headers: cut, whatever its XMP says.
    assert small.codes == {"media.invalid"}


def test_an_end_marker_in_the_header_does_not_hide_a_cut(tmp_path: Path) -> None:
    # A comment segment (as an EXIF thumbnail does) holds FF D9 within the last 64 KiB of a cut.
    whole = (MEDIA / "photo-baseline.jpg").read_bytes()
    comment = b"\xff\xfe" + (2 + 4).to_bytes(2, "big") + b"\xff\xd9\xff\xd9"
    (tmp_path / "cut.jpg").write_bytes((whole[:2] + comment + whole[2:])[:60_000])
    with serve((tmp_path,)) as running:
        reports = [one(image_pin(running.url(f"/{route}/cut.jpg"))) for route in
                   ("media", "nosize")]  # fmt: skip
    # without a stated size the suffix is the whole (small) file, header and all
    assert [r.codes for r in reports] == [{"media.invalid"}, {"media.invalid"}]


def test_an_iend_quoted_in_a_png_text_chunk_does_not_hide_a_cut(tmp_path: Path) -> None:
    # A text chunk before the image data (a thumbnail, a C2PA manifest) may hold the 12 bytes
    # of an IEND chunk: searched from the file's start, they passed a cut PNG (found by fuzzing).
    whole = (MEDIA / "graphic.png").read_bytes()
    text = b"Thumb\0" + PNG_IEND
    chunk = (
        len(text).to_bytes(4, "big")
        + b"tEXt"
        + text
        + zlib.crc32(b"tEXt" + text).to_bytes(4, "big")
    )
    cut = (whole[:33] + chunk + whole[33:])[:30_000]
    (tmp_path / "cut.png").write_bytes(cut)
    with serve((tmp_path,)) as running:
        reports = [one(image_pin(running.url(f"/{route}/cut.png"))) for route in
                   ("media", "nosize")]  # fmt: skip
    inline = {"source_type": "image_base64", "content_type": "image/png",
              "data": base64.b64encode(cut).decode()}  # fmt: skip
    offline = validate_many([{"board_id": "549755885175", "media_source": inline}], offline=True)
    assert [r.codes for r in [*reports, *offline]] == [{"media.invalid"}] * 3


def test_a_png_that_lost_bytes_inside_its_image_data_is_invalid(tmp_path: Path) -> None:
    # It still ends with IEND, and Pillow reads its header: it passed unless decoded (--deep).
    whole = (MEDIA / "graphic.png").read_bytes()
    start = whole.find(b"IDAT") - 4
    (length,) = struct.unpack_from(">I", whole, start)
    lost = whole[: start + 8 + length - 20_000] + whole[start + 8 + length :]
    (tmp_path / "lost.png").write_bytes(lost)
    with serve((tmp_path,)) as running:
        fetched = one(image_pin(running.url("/media/lost.png")))
    inline = {"source_type": "image_base64", "content_type": "image/png",
              "data": base64.b64encode(lost).decode()}  # fmt: skip
    (offline,) = validate_many([{"board_id": BOARD, "media_source": inline}], offline=True)
    assert fetched.codes == offline.codes == {"media.invalid"}
    assert "its IDAT chunk states" in fetched.findings[0].message


@pytest.mark.parametrize(
    ("name", "codes"),
    [("appended.jpg", set()), ("truncated.jpg", {"media.invalid"}), ("big-header.jpg", set())],
)
def test_a_server_capping_its_answers_is_asked_for_the_rest(
    server: MediaServer, name: str, codes: set[str]
) -> None:
    report = one(image_pin(server.url(f"/capped/30000/{name}")))
    assert report.codes == codes, [f.message for f in report.findings]


def test_a_server_answering_in_crumbs_is_not_asked_forever(server: MediaServer) -> None:
    before = len(server.requests_to("/capped/10/"))
    report = one(image_pin(server.url("/capped/10/big-header.jpg")))
    assert report.codes == {"media.check_incomplete"}, [f.message for f in report.findings]
    assert len(server.settled_requests_to("/capped/10/")) - before <= 20


# --- servers whose later reads do not hold together with the first ------------------------------


@pytest.fixture(scope="module")
def cut_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MediaServer]:
    """The fixtures, and a JPEG cut past its first block: its end needs a later read."""
    folder = tmp_path_factory.mktemp("cut")
    (folder / "cut-big.jpg").write_bytes((MEDIA / "photo-baseline.jpg").read_bytes()[:110_000])
    (folder / "cut-motion.jpg").write_bytes((MEDIA / "motion-photo.jpg").read_bytes()[:100_000])
    with serve((MEDIA, folder)) as running:
        yield running


def test_a_later_part_sent_compressed_is_not_judged_as_the_file(cut_server: MediaServer) -> None:
    # Its gzip bytes held an end marker, and made a whole image "unidentifiable".
    cut = one(image_pin(cut_server.url("/laterzip/cut-big.jpg")))
    assert cut.codes == {"media.check_incomplete"}
    assert one(image_pin(cut_server.url("/media/cut-big.jpg"))).codes == {"media.invalid"}
    whole = one(image_pin(cut_server.url("/laterzip/big-header.jpg")))
    assert whole.codes == {"media.check_incomplete"}
    # Its reason was "(the server)", then "the server gave no usable answer": what it did is said.
    (finding,) = cut.findings
    assert "the server compressed a read past its first block (Content-Encoding: gzip)" in (
        finding.message
    )
    assert finding.hint is not None
    assert "no gzip or brotli" in finding.hint


@pytest.mark.parametrize("prefix", ["/media/", "/norange/"])
def test_a_motion_photo_read_to_its_last_byte_without_its_end_marker_is_cut(
    cut_server: MediaServer, prefix: str
) -> None:
    # Ranged, its first block and last 64 KiB were the whole file, and it was still "a cut was
    # not ruled out" (with a fix about Range support); served whole, it was media.invalid.
    report = one(image_pin(cut_server.url(f"{prefix}cut-motion.jpg")))
    assert report.codes == {"media.invalid"}, [f.message for f in report.findings]


def test_a_size_stated_larger_than_the_file_does_not_hide_a_cut(tmp_path: Path) -> None:
    # The later reads past the real end were answered 416 (bytes */52931), read as "nothing
    # there": the cut video passed (found by fuzzing).
    cut = (MEDIA / "h264-faststart.mp4").read_bytes()[:52_931]
    (tmp_path / "cut.mp4").write_bytes(cut)
    with serve((tmp_path,)) as running:
        urls = [running.url("/media/cut.mp4"), running.url("/claim/200000/cut.mp4")]
        honest, claimed = validate_media(urls, "video", settings=NETWORK)
    assert honest.codes == {"media.invalid"}
    assert claimed.codes == {"media.check_incomplete"}
    assert "its size went from 200,000 to 52,931 bytes" in claimed.findings[0].message


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("", "give it different ETags"),  # If-Range honoured: the new file whole (200)
        ("&blind=1", "give it different ETags"),  # If-Range ignored: a 206, another ETag
        ("&blind=1&untagged=1", "its size went from 110,000 to 130,246 bytes"),
    ],
    ids=["if-range", "etag", "size"],
)
def test_a_file_replaced_while_it_is_read_is_not_judged_from_two_files(
    cut_server: MediaServer, query: str, said: str
) -> None:
    before = len(cut_server.log)
    report = one(image_pin(cut_server.url(f"/changing/cut-big.jpg?then=photo-baseline.jpg{query}")))
    assert report.codes == {"media.check_incomplete"}  # not passed: the cut went unseen
    assert "was replaced while it was read" in report.findings[0].message
    assert said in report.findings[0].message

    # The server logs a request once its answer is sent, from its own thread: an entry may land
    # after the report (this one's, or the test before's).
    def logged() -> list[Logged]:
        return [entry for entry in cut_server.log[before:] if entry.path.startswith("/changing/")]

    deadline = time.monotonic() + 5
    while len(logged()) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    entries = logged()
    first = [entry for entry in entries if (entry.range or "").startswith("bytes=0-")]
    later = [entry for entry in entries if entry not in first]
    assert first, entries
    assert all(entry.if_range is None for entry in first), entries  # (a retry asks it again)
    assert later, entries
    assert all((entry.if_range or "").startswith('"') for entry in later), entries


def test_a_video_replaced_while_it_is_read_is_not_called_cut(cut_server: MediaServer) -> None:
    url = cut_server.url("/changing/h264-moov-end.mp4?then=h264-faststart.mp4&blind=1")
    (report,) = validate_media([url], "video", settings=NETWORK)
    assert report.codes == {"media.check_incomplete"}
    assert "was replaced while it was read" in report.findings[0].message


@pytest.mark.parametrize(
    ("path", "said"),
    [
        ("/claim/1000/photo-baseline.jpg", "a Content-Range past the end of the file it states"),
        ("/claim/0/h264-faststart.mp4", "a Content-Range past the end of the file it states"),
        ("/promise/2/photo-baseline.jpg", "with 2 bytes where its Content-Range"),
        ("/promise/0/h264-faststart.mp4", "with 0 bytes where its Content-Range"),
        # A 206 rewritten to 200: its first block was judged as the whole file, "cut off".
        ("/partwhole/photo-baseline.jpg", "answered 200 with the Content-Range of a part"),
        ("/partwhole/h264-moov-end.mp4", "answered 200 with the Content-Range of a part"),
        # The header's absence was shown as "(Content-Range: None)".
        ("/unplaced/photo-baseline.jpg", "cannot be read (no Content-Range header)"),
    ],
)
def test_a_first_answer_that_does_not_hold_together_is_the_server_s_fault(
    server: MediaServer, path: str, said: str
) -> None:
    # The file was called cut off, empty or of unknown type.
    (report,) = validate_media([server.url(path)], "image" if ".jpg" in path else "video",
                               settings=NETWORK)  # fmt: skip
    assert report.codes == {"media.unreachable"}
    assert said in report.findings[0].message
    assert "host name" not in (report.findings[0].hint or "")  # it answered: the answer's fault


@pytest.mark.parametrize("name", ["big-header.jpg", "h264-moov-end.mp4"])
def test_later_reads_follow_a_redirect_as_the_first_did(server: MediaServer, name: str) -> None:
    before = len(server.log)
    kind = "image" if name.endswith(".jpg") else "video"
    (report,) = validate_media([server.url(f"/mirror/{name}")], kind, settings=NETWORK)
    assert report.findings == ()
    assert any(entry.path == f"/media/{name}" for entry in server.log[before:])


@pytest.mark.parametrize("name", ["fragmented.mp4", "many-fragments.mp4"])
def test_a_server_capping_its_answers_still_gets_a_fragmented_video_read(
    server: MediaServer, name: str
) -> None:
    (report,) = validate_media([server.url(f"/capped/16384/{name}")], "video", settings=NETWORK)
    assert report.findings == ()  # it was read whole: "only its first bytes were read" was false


def _padded_fragments(data: bytes, pad: int) -> bytes:
    """``data`` (a fragmented MP4) with ``pad`` zero bytes more at the end of each ``mdat``.

    The samples stay where their fragments say (offsets count from each ``moof``): a valid file
    whose fragment headers lie farther apart than a capped server's answers.
    """
    out = bytearray()
    for box in iso_boxes(data, len(data)):
        if box.type == "mdat":
            out += struct.pack(">I", box.size + pad) + data[box.start + 4 : box.end] + bytes(pad)
        else:
            out += data[box.start : box.end]
    return bytes(out)


def _with_big_index_box(data: bytes, size: int) -> bytes:
    """``data`` (an MP4 whose ``moov`` comes last) with a vendor box of ``size`` bytes first in
    its ``moov``: no sample moves."""
    moov = next(box for box in iso_boxes(data, len(data)) if box.type == "moov")
    assert moov.end == len(data)
    vendor = struct.pack(">I4s", size, b"uuid") + bytes(size - 8)
    grown = struct.pack(">I4s", moov.size + size, b"moov")
    return data[: moov.start] + grown + vendor + data[moov.start + 8 :]


def test_a_capping_server_gets_a_valid_video_read_as_it_is(tmp_path: Path) -> None:
    # Its answers ended before the position the parser read, which took that for the file's end:
    # a fragmented video "read in part", a video with a big box in its index "judged on part of
    # it" though every byte of the index was read.
    (tmp_path / "padded.mp4").write_bytes(
        _padded_fragments((MEDIA / "fragmented.mp4").read_bytes(), 70_000)
    )
    (tmp_path / "vendor.mp4").write_bytes(
        _with_big_index_box((MEDIA / "h264-moov-end.mp4").read_bytes(), 150_000)
    )
    with serve((tmp_path,)) as own:
        for name in ("vendor.mp4", "padded.mp4"):
            for route in ("media", "capped/16384"):
                url = own.url(f"/{route}/{name}")
                (report,) = validate_media([url], "video", settings=NETWORK)
                assert report.findings == (), (route, name)


def test_a_200_over_the_cap_is_read_no_further_than_its_first_block(server: MediaServer) -> None:
    settings = NETWORK.model_copy(update={"max_bytes_per_url": 100_000})

    async def run() -> int:
        async with Engine(settings).session() as session:
            items = from_objects([image_pin(server.url("/norange/photo-baseline.jpg"))])
            async for report in session.check_all(items):
                assert report.codes == {"media.check_incomplete"}
            return session.bytes_read

    assert asyncio.run(run()) <= settings.block_size


def test_a_video_file_and_its_cover_are_no_carousel(server: MediaServer, tmp_path: Path) -> None:
    # An image where the video belongs: said once, not also "the carousel's images differ".
    entry = {"video_url": server.url("/media/photo-baseline.jpg"),
             "pin": video_pin(server.url("/media/cover.jpg"))}  # fmt: skip
    calendar = tmp_path / "c.jsonl"
    calendar.write_text(json.dumps(entry) + "\n")

    async def run() -> list[Report]:
        async with Engine(NETWORK).session() as session:
            return [report async for report in session.check_all(load(str(calendar)))]

    (report,) = asyncio.run(run())
    assert "media.unsupported_format" in report.codes
    assert "media.aspect_ratio" not in report.codes


@pytest.mark.parametrize("target", ["mailto:x@example.com", "data:image/jpeg;base64,AAAA"])
def test_a_first_request_redirected_to_no_http_url_is_not_public(
    server: MediaServer, target: str
) -> None:
    # httpx refused to build the next request itself: it was called unreachable, an invalid URL.
    report = one(image_pin(server.url(f"/redirect?to={target}")))
    assert report.codes == {"media.url_not_public"}
    assert f'redirects to "{target}", which is not an http(s) URL' in report.findings[0].message
    # Not "for local tests: --allow-private-hosts", which this run has: no address is at fault.
    assert report.findings[0].hint.startswith("Pinterest fetches media over http(s) only")


def test_a_carousel_far_over_the_count_is_fetched_only_so_far(server: MediaServer) -> None:
    # Every item of a 1,000-item carousel was fetched: 1,000 requests for one finding.
    items = [{"url": server.url(f"/media/square.jpg?case=big-carousel&n={n}")} for n in range(1000)]
    report = one({"board_id": "1", "media_source": {"source_type": "multiple_image_urls",
                                                    "items": items}})  # fmt: skip
    assert report.codes == {"carousel.item_count"}
    assert "(the first 10 were checked)" in report.findings[0].message
    assert len({entry.path for entry in server.settled_requests_to("case=big-carousel")}) == 10


def test_a_urls_password_and_signature_are_not_shown(server: MediaServer) -> None:
    # Findings go to CI logs: the URL is quoted, its credentials masked, in the chain too.
    url = server.url("/loop/a").replace("http://", "http://bob:s3cret@") + "?sig=Zm9vYmFy"
    report = one(image_pin(url))
    assert report.codes == {"media.redirect_loop"}
    (finding,) = report.findings
    assert "s3cret" not in finding.message
    assert "Zm9vYmFy" not in finding.message
    assert '"http://***@127.0.0.1:' in finding.message


def test_no_cookie_is_sent_so_a_cookie_wall_is_the_loop_a_crawler_meets(
    server: MediaServer,
) -> None:
    # httpx's jar sent back what the wall set, and kept it for the host's other URLs: a verdict
    # depended on which URLs the run had fetched before.
    report = one(image_pin(server.url("/cookiewall/photo-baseline.jpg")))
    assert report.codes == {"media.redirect_loop"}
    assert [entry.status for entry in server.settled_requests_to("/cookiewall/")] == [302, 302]


@pytest.mark.parametrize("target", ["mailto:x@example.com", "http://127.0.0.1:99999/a.jpg"])
def test_a_later_read_redirected_to_no_url_stops_short_and_the_run_goes_on(
    server: MediaServer, target: str
) -> None:
    # httpx refused to build the redirect's request: the whole run ended in a traceback. A
    # mailto: target is not refused as not public either: the first read had the file.
    bad = image_pin(server.url(f"/mirror/big-header.jpg?to={target}"))
    good = image_pin(server.url("/media/photo-baseline.jpg"))
    reports = validate_many([bad, good], settings=NETWORK)
    assert [report.codes for report in reports] == [{"media.check_incomplete"}, set()]


def test_a_video_without_an_index_is_invalid_also_on_a_server_that_caps_each_answer(
    tmp_path: Path,
) -> None:
    # Any short answer was read as "the server stopped sending": a video whose index was never
    # written passed, with a warning, wherever the server sends 16 KiB at a time.
    data = (MEDIA / "h264-moov-end.mp4").read_bytes()
    moov = next(box for box in iso_boxes(data, len(data)) if box.type == "moov")
    (tmp_path / "no-index.mp4").write_bytes(data[: moov.start])  # 100 KB: more than a block
    with serve((MEDIA, tmp_path)) as server:
        capped, stopped = (
            validate_media([server.url(f"/{route}/no-index.mp4")], "video", settings=NETWORK)[0]
            for route in ("capped/16384", "laterfail/416")
        )
    assert capped.codes == {"media.invalid"}
    assert "has no index (moov box)" in capped.findings[0].message
    assert stopped.codes == {"media.check_incomplete"}  # then the index may be what was not sent
    assert "the server refused a read past its first block as out of range (416)" in (
        stopped.findings[0].message
    )


@pytest.mark.parametrize("name", ["graphic.png", "small.jpg"])
def test_a_small_image_with_much_appended_ends_in_its_first_block(
    tmp_path: Path, name: str
) -> None:
    # Only the last 64 KiB were searched for its end marker: with 100 KB appended, a whole
    # image was called cut off (media.invalid), after a third request.
    appended = tmp_path / f"appended-{name}"
    appended.write_bytes((MEDIA / name).read_bytes() + bytes(100_000))
    with serve((MEDIA, tmp_path)) as server:
        (report,) = validate_media([server.url(f"/media/{appended.name}")], settings=NETWORK)
        asked = server.settled_requests_to("/media/appended-")
    assert "media.invalid" not in report.codes
    assert len(asked) == 2  # the first block, and the last bytes


@pytest.mark.parametrize("name", ["h264-moov-end.mp4", "many-fragments.mp4"])
def test_a_server_sending_crumbs_is_not_asked_thousands_of_times_for_a_video(
    server: MediaServer, name: str
) -> None:
    # Each 16-byte answer was followed by another request: 21,867 of them for one fragmented
    # video, until the deadline made it media.timeout. Cut off early, a valid video whose index
    # was read in part must not be called broken either.
    before = len(server.requests_to("/capped/16/"))
    (report,) = validate_media([server.url(f"/capped/16/{name}")], "video", settings=NETWORK)
    assert report.codes == {"media.check_incomplete"}
    assert "sent only a few bytes at a time" in report.findings[0].message
    assert len(server.settled_requests_to("/capped/16/")) - before <= 10


@pytest.mark.parametrize("name", ["clip.jpg", "clip.PNG"])
def test_an_image_name_where_a_video_belongs_is_refused_before_any_request(name: str) -> None:
    # validate_media(..., "video") let a .jpg through offline: only a .gif or .webp was refused.
    url = f"https://cdn.example.com/{name}"
    (report,) = validate_media([url], "video", offline=True)
    assert report.codes == {"media.unsupported_format"}
    assert report.findings[0].message.endswith("image where a video belongs")


# --- the image path, fuzzed (a review of 8,168 runs over 2,095 mutated files) ---------------------


def _counted(url: str, settings: Settings = NETWORK) -> tuple[Report, int, int]:
    """The report on one image pin, and the requests and bytes its check took."""

    async def run() -> tuple[Report, int, int]:
        async with Engine(settings).session() as session:
            (report,) = [r async for r in session.check_all(from_objects([image_pin(url)]))]
            return report, session.requests, session.bytes_read

    return asyncio.run(run())


def _inline(data: bytes, content_type: str) -> dict[str, Any]:
    source = {"source_type": "image_base64", "content_type": content_type,
              "data": base64.b64encode(data).decode()}  # fmt: skip
    return {"board_id": BOARD, "media_source": source}


def test_deep_is_at_least_as_strict_as_the_default(tmp_path: Path) -> None:
    # Decoded whole, the file was taken for whole: Pillow stops before a PNG's IEND (and at an
    # APNG's first frame), and LOAD_TRUNCATED_IMAGES, set by many web apps, pads a cut file.
    whole = (MEDIA / "cover.png").read_bytes()
    (tmp_path / "no-iend.png").write_bytes(whole[: -len(PNG_IEND)])
    deep = NETWORK.model_copy(update={"deep": True})
    with serve((tmp_path,)) as running:
        url = running.url("/media/no-iend.png")
        assert ["media.invalid" in one(image_pin(url), s).codes for s in (NETWORK, deep)] == [
            True,
            True,
        ]


def test_an_image_cut_where_its_data_starts_is_cut_not_unchecked(tmp_path: Path) -> None:
    # Every byte was read, and its empty data was "not read to tell data appended from a cut".
    whole = (MEDIA / "cover.jpg").read_bytes()
    scan = (
        whole.find(b"\xff\xda")
        + 2
        + struct.unpack_from(">H", whole, whole.find(b"\xff\xda") + 2)[0]
    )
    (tmp_path / "at-scan.jpg").write_bytes(whole[:scan])
    with serve((tmp_path,)) as running:
        report = one(image_pin(running.url("/media/at-scan.jpg")))
    (invalid,) = [f for f in report.findings if f.code == "media.invalid"]
    assert "is cut off" in invalid.message
    assert "media.check_incomplete" not in report.codes


def test_a_stray_byte_in_a_jpeg_header_costs_no_more_requests(tmp_path: Path) -> None:
    # libjpeg skips it; the header walk stopped there and read on, doubling, to the byte cap.
    whole = (MEDIA / "photo-baseline.jpg").read_bytes()
    app0_end = 4 + struct.unpack_from(">H", whole, 4)[0]
    (tmp_path / "stray.jpg").write_bytes(whole[:app0_end] + b"\x00" + whole[app0_end:])
    with serve((tmp_path,)) as running:
        report, requests, read = _counted(running.url("/media/stray.jpg"))
    assert report.findings == ()
    assert (requests, read) == (2, 65_536 + 12)  # the first block, the end marker


def test_deep_refuses_to_decode_a_jpeg_of_thousands_of_scans(tmp_path: Path) -> None:
    # Each scan is a pass over the picture: 20,000 of them took 90 s of CPU in a thread that
    # no deadline stops. Not decoded, said so; its header and end are still judged.
    whole = (MEDIA / "photo-progressive.jpg").read_bytes()
    starts = [at for at in range(len(whole) - 1) if whole[at : at + 2] == b"\xff\xda"]
    small = min(range(len(starts) - 1), key=lambda i: starts[i + 1] - starts[i])  # 1 KB
    scan = whole[starts[small] : starts[small + 1]]
    scans = whole[: starts[small + 1]] + scan * 600 + whole[starts[small + 1] :]
    (tmp_path / "scans.jpg").write_bytes(scans)
    deep = NETWORK.model_copy(update={"deep": True})
    with serve((tmp_path,)) as running:
        fetched = one(image_pin(running.url("/media/scans.jpg")), deep)
    inline = validate_many([_inline(scans, "image/jpeg")], settings=deep)[0]
    for report in (fetched, inline):
        assert report.codes == {"media.check_incomplete"}
        assert "scans, more than the 500 any encoder writes" in report.findings[0].message
    # The same two bytes in a comment are no scans (a review found them counted).
    comment = b"\xff\xda" * 600
    noted = whole[:2] + b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment + whole[2:]
    assert validate_many([_inline(noted, "image/jpeg")], settings=deep)[0].findings == ()


def test_a_video_where_an_image_goes_is_told_what_to_do_in_the_place_it_was_given(
    server: MediaServer, tmp_path: Path
) -> None:
    # Known a video only once fetched (no extension in the URL): the hint was always the API's
    # "upload it with POST /v5/media", wrong for a cover and for a bulk CSV row.
    video = server.url("/redirect?to=/media/landscape.mp4")
    calendar = tmp_path / "c.csv"
    calendar.write_text(
        "Title,Media URL,Pinterest board,Thumbnail\n"
        f"Row,{video},Summer,\n"
        f"Cover,{server.url('/media/landscape.mp4')},Summer,{video}\n"
    )

    async def run() -> list[Report]:
        async with Engine(NETWORK).session() as session:
            pins = from_objects([image_pin(video), video_pin(video)])
            return [r async for r in session.check_all([*pins, *load(str(calendar))])]

    hints = {}
    for report in asyncio.run(run()):
        (finding,) = [f for f in report.findings if f.code == "media.unsupported_format"]
        hints[finding.field] = finding.hint
    assert hints["media_source.url"].startswith("Upload the video with POST /v5/media")
    assert hints["media_source.cover_image_url"].startswith("Point cover_image_url at a JPEG")
    assert hints["Media URL"].startswith("The row was checked as an image row")
    assert hints["Thumbnail"].startswith("Give a JPEG or PNG image's URL")


# --- later reads that are redirected, and failures told of the URL the pin holds ----------------


@pytest.mark.parametrize(
    ("target", "said"),
    [
        ("/loop/a", 'it redirects back to "{base}/loop/a"'),
        ("mailto:files@example.com", 'redirects to "mailto:files@example.com", which is not'),
        ("/status/302", '"{base}/status/302" answered 302 without a Location header'),
    ],
    ids=["loop", "not http", "no location"],
)
@pytest.mark.parametrize("name", ["big-header.jpg", "photo-baseline.jpg", "h264-moov-end.mp4"])
def test_later_reads_redirected_nowhere_say_so_and_leave_the_file_unjudged(
    server: MediaServer, target: str, said: str, name: str
) -> None:
    # The first read is answered; the later ones are redirected, and their redirects lead nowhere.
    # That was "the server sent 65,536 bytes of its start where more were asked for", and the
    # hint to raise max_bytes_per_url, which could not help.
    kind = "video" if name.endswith(".mp4") else "image"
    (report,) = validate_media([server.url(f"/mirror/{name}?to={target}")], kind, settings=NETWORK)
    (finding,) = report.findings
    assert finding.code == "media.check_incomplete"
    assert "the server redirects a read past its first block, and the redirects lead nowhere" in (
        finding.message
    )
    assert said.format(base=server.url("")) in finding.message
    assert "(chain: " in finding.message
    assert finding.hint is not None
    assert "fix where it redirects such requests" in finding.hint


@pytest.mark.parametrize(
    ("target", "code", "said"),
    [
        ("/status/404", "media.not_found", "which answered 404 Not Found"),
        ("/status/503", "media.server_error", "which answered 503 Service Unavailable"),
        ("/reset/big-header.jpg", "media.connection_lost", "which dropped the connection"),
    ],
)
def test_a_later_read_failing_where_it_was_redirected_names_where(
    server: MediaServer, target: str, code: str, said: str
) -> None:
    # "answered 404 Not Found (after 1 redirect)" read as the pin URL's own answer.
    report = one(image_pin(server.url(f"/mirror/big-header.jpg?to={target}")))
    (finding,) = report.findings
    assert finding.code == code
    assert f'sent its first block, then redirects to "{server.url(target)}", {said}' in (
        finding.message
    )


def test_a_later_failure_of_a_redirected_url_is_told_of_the_url_it_redirected_to(
    server: MediaServer,
) -> None:
    # The pin's URL redirects to a server whose second read fails: the message said the pin's
    # URL answered 503, which it never did.
    report = one(image_pin(server.url("/redirect?to=/laterfail/503/big-header.jpg")))
    (finding,) = report.findings
    assert finding.code == "media.server_error"
    target = server.url("/laterfail/503/big-header.jpg")
    assert f'redirects to "{target}", which sent its first block, then answered 503' in (
        finding.message
    )
    assert "; redirects: " in finding.message


@pytest.mark.parametrize(
    ("route", "reason"),
    [
        ("/laterfail/200/", "the server ignored Range on a read past its first block"),
        ("/laterfail/416/", "the server refused a read past its first block as out of range"),
        ("/laterzip/", "the server compressed a read past its first block"),
        # A bot check's page was "the whole file" whose Range the server ignored.
        ("/laterpage/", "answered a read past its first block with a page (200, Content-Type: "),
    ],
)
@pytest.mark.parametrize(
    ("name", "deep"),
    [
        ("big-header.jpg", False),
        ("photo-baseline.jpg", False),
        ("photo-baseline.jpg", True),
        ("h264-moov-end.mp4", False),
        ("fragmented.mp4", False),
    ],
)
def test_an_incomplete_check_says_what_the_server_did(
    server: MediaServer, route: str, reason: str, name: str, deep: bool
) -> None:
    # The hint was "support Range, or raise max_bytes_per_url" whatever the server had done: a
    # larger cap does not make it send a part, or send it uncompressed.
    kind = "video" if name.endswith(".mp4") else "image"
    settings = NETWORK.model_copy(update={"deep": deep})
    (report,) = validate_media([server.url(f"{route}{name}")], kind, settings=settings)
    (finding,) = report.findings
    assert finding.code == "media.check_incomplete"
    assert reason in finding.message
    assert finding.hint is not None
    assert "max_bytes_per_url" not in finding.hint


def test_a_server_that_refuses_a_range_from_the_end_is_not_told_its_file_is_shorter(
    server: MediaServer,
) -> None:
    # The end check asks for the last 12 bytes (bytes=-12), never past a file's end: a 416 to
    # it was "the file may have been replaced by a shorter one", where suffixes are not taken.
    (suffix,) = validate_media([server.url("/laterfail/416/photo-baseline.jpg")], "image",
                               settings=NETWORK)[0].findings  # fmt: skip
    assert suffix.hint.startswith("The server does not take a range counted from the file's end")
    (span,) = validate_media([server.url("/laterfail/416/big-header.jpg")], "image",
                             settings=NETWORK)[0].findings  # fmt: skip
    assert span.hint.startswith("Check again: the file may have been replaced by a shorter one")


def test_a_shortfall_the_reads_went_on_past_is_not_why_they_stopped(server: MediaServer) -> None:
    # The first later read is refused (416), the next ones answered, and the byte cap ends the
    # reads: that was put down to the 416, with its hint instead of the cap's.
    settings = NETWORK.model_copy(update={"max_bytes_per_url": 104_000})
    url = server.url("/laterfail/416/h264-moov-end.mp4?once=stale-416")
    (report,) = validate_media([url], "video", settings=settings)
    (finding,) = report.findings
    assert finding.code == "media.check_incomplete"
    assert "416" not in finding.message.partition("completely:")[2]
    assert finding.hint is not None
    assert "max_bytes_per_url" in finding.hint


def test_later_reads_stopped_by_max_redirects_say_it_is_the_limit(server: MediaServer) -> None:
    settings = NETWORK.model_copy(update={"max_redirects": 0})
    report = one(image_pin(server.url("/mirror/big-header.jpg")), settings)
    (finding,) = report.findings
    assert finding.code == "media.check_incomplete"
    assert "a read past its first block, past max_redirects" in finding.message
    assert finding.hint is not None
    assert finding.hint.startswith("Raise max_redirects")


def test_a_compressed_answer_gets_the_fix_for_compression_and_names_where_it_came_from(
    server: MediaServer,
) -> None:
    # The hint was the catalogue's "support Range, or raise max_bytes_per_url": neither helps.
    report = one(image_pin(server.url("/redirect?to=/gzipped/big-header.jpg")))
    (finding,) = report.findings
    assert finding.code == "media.check_incomplete"
    assert f'(redirected to "{server.url("/gzipped/big-header.jpg")}")' in finding.message
    assert finding.hint is not None
    assert "no gzip or brotli" in finding.hint


def test_a_file_of_another_format_names_where_it_was_redirected_to(server: MediaServer) -> None:
    report = one(image_pin(server.url("/redirect?to=/media/image.webp")))
    (finding,) = report.findings
    assert finding.code == "media.unsupported_format"
    assert f'(redirected to "{server.url("/media/image.webp")}")' in finding.message


# --- covers held to the image shape rule; Content-Types of any kind held to the bytes -----------


def test_a_fetched_cover_taller_than_any_video_is_told_so_and_a_narrow_one_is_not(
    server: MediaServer,
) -> None:
    # Covers skipped the image checks (the issue asks for the same). The width rule is an image
    # pin's: a right cover is a frame of the video, and Pinterest takes videos of 240p.
    tall = one(video_pin(server.url("/media/tall.jpg")))
    small = one(video_pin(server.url("/media/small.jpg")))
    (finding,) = tall.findings
    assert (finding.code, finding.field) == ("media.aspect_ratio", "media_source.cover_image_url")
    assert "is 600x1800 px, taller than 1:2.1" in finding.message
    assert finding.hint is not None
    assert "no video Pinterest takes is taller than 1:2" in finding.hint
    assert small.findings == ()


@pytest.mark.parametrize(
    ("path", "kind", "served"),
    [
        ("/type/text/html/photo-baseline.jpg", "image", "text/html"),
        ("/type/video/mp4/photo-baseline.jpg", "image", "video/mp4"),
        ("/type/video/webm/h264-faststart.mp4", "video", "video/webm"),
        ("/type/image/jpeg/h264-faststart.mp4", "video", "image/jpeg"),
    ],
)
def test_a_content_type_of_another_kind_than_the_bytes_is_a_mismatch(
    server: MediaServer, path: str, kind: str, served: str
) -> None:
    # Only image/* headers on images were compared: a JPEG served as text/html passed.
    (report,) = validate_media([server.url(path)], kind, settings=NETWORK)
    (finding,) = report.findings
    assert finding.code == "media.type_mismatch"
    assert f"is served as Content-Type {served}" in finding.message


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/type/application/octet-stream/photo-baseline.jpg", "image"),
        ("/type/binary/octet-stream/h264-faststart.mp4", "video"),
        ("/type/video/quicktime/h264-faststart.mp4", "video"),
        ("/type/video/mp4/clip.mov", "video"),
        ("/type/image/jpg/photo-baseline.jpg", "image"),
        ("/type/image/pjpeg/photo-baseline.jpg", "image"),
        ("/type/image/x-png/graphic.png", "image"),
        ("/type/application/force-download/photo-baseline.jpg", "image"),
    ],
)
def test_a_content_type_that_claims_nothing_or_the_same_family_passes(
    server: MediaServer, path: str, kind: str
) -> None:
    (report,) = validate_media([server.url(path)], kind, settings=NETWORK)
    assert report.findings == ()


def test_a_408_is_a_timeout_retried_not_bad_input(server: MediaServer) -> None:
    # It was media.unreachable, "fix the input", asked once.
    report = one(image_pin(server.url("/flaky/timeout-408/408/photo-baseline.jpg")))
    assert report.findings == ()
    (report,) = validate_media([server.url("/status/408")], "image", settings=NETWORK)
    (finding,) = report.findings
    assert finding.code == "media.timeout"
    assert finding.retryable
    assert "answered 408 Request Timeout (2 attempts)" in finding.message


def test_time_in_line_before_a_pause_is_not_the_server_s(server: MediaServer) -> None:
    # One request at a time to the host, 0.3 s each, and a 429 (Retry-After: 1) among them: the
    # URLs that stood in line and then met the pause had their time in line held against their
    # 1.5 s deadline, and timed out without being asked.
    with serve(latency=0.3) as slow:
        urls = [slow.url(f"/media/photo-baseline.jpg?n={n}") for n in range(4)]
        urls.insert(2, slow.url("/flaky/line-429/429/photo-baseline.jpg"))
        settings = NETWORK.model_copy(update={"per_host": 1, "deadline": 1.5, "retries": 1})
        reports = validate_media(urls, "image", settings=settings)
    assert [report.findings for report in reports] == [(), (), (), (), ()]


def test_a_slow_503_is_told_as_a_503_when_the_retry_runs_out_of_time(server: MediaServer) -> None:
    # The 503 came after 0.7 s of the 1 s deadline; the retry had 0.3 s and timed out, and the
    # URL was said to have given no answer, hiding the answer it gave.
    with serve(latency=0.7) as slow:
        settings = NETWORK.model_copy(update={"deadline": 1.0, "retries": 1})
        (report,) = validate_media([slow.url("/status/503")], "image", settings=settings)
    (finding,) = report.findings
    assert finding.code == "media.server_error"
    assert "answered 503 Service Unavailable (2 attempts)" in finding.message
