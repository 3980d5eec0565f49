"""The engine: one report per pin in, whatever the pins hold."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import dataclasses
import io
import itertools
import json
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import PIL.Image
import pytest
from fake_pinterest import ACCOUNT
from fake_pinterest import serve as serve_pinterest
from media_server import serve as serve_media
from support import FIXTURES

from validator import avalidate
from validator.codes.calendar import CALENDAR_ROW_MALFORMED
from validator.engine import Engine, Session
from validator.findings import Location
from validator.model import PinCreate
from validator.probes.media import Probe, Prober
from validator.report import Report
from validator.settings import Settings
from validator.slots import Slot
from validator.sources import PinInput, from_objects, load
from validator.urls import MediaKind


def test_every_pin_in_gives_one_report_out_in_order() -> None:
    pins: list[object] = [
        {},
        [],
        "{",
        None,
        42,
        {"board_id": "1"},
        b"\xff\xfe",
        {"media_source": 3},
    ]
    reports = list(Engine(Settings(offline=True)).check_all(from_objects(pins)))
    assert [r.location.position for r in reports] == list(range(len(pins)))
    assert all(not r.ok for r in reports)
    assert all(r.findings for r in reports)


def test_a_row_that_is_not_an_object_is_a_malformed_row() -> None:
    item = PinInput(Location("cal.jsonl", 0, 7), "[1, 2]", row=True)
    report = Engine().check(item)
    assert report.codes == {"calendar.row_malformed"}
    assert str(report.location) == "cal.jsonl:7"


@pytest.mark.parametrize("name", ["pins.jsonl", "pins.json"])
def test_pins_run_together_on_a_line_get_a_report_each_online_and_offline(
    tmp_path: Path, name: str
) -> None:
    good = {"board_id": "549755885175", "media_source": {"source_type": "image_url",
            "url": "https://cdn.example.com/a.jpg"}}  # fmt: skip
    bad = {"title": "no board"}
    first, second = json.dumps(good), json.dumps(bad)
    path = tmp_path / name
    path.write_text(f"{first}{second} {first}\n  {second}{first}\n")
    settings = Settings(offline=True)

    async def in_a_session() -> list[Report]:
        async with Engine(settings).session() as session:
            return [report async for report in session.check_all(load(str(path)))]

    for reports in (list(Engine(settings).check_all(load(str(path)))), asyncio.run(in_a_session())):
        assert [str(r.location) for r in reports] == [
            f"{path}:1:1", f"{path}:1:{len(first) + 1}", f"{path}:1:{len(first + second) + 2}",
            f"{path}:2:3", f"{path}:2:{len(second) + 3}",  # columns of the line, indent and all
        ]  # fmt: skip
        assert [r.ok for r in reports] == [True, False, True, False, True]
        assert "calendar.duplicate_pin" in reports[2].codes


def test_the_pins_before_a_broken_object_run_together_with_them_are_still_checked(
    tmp_path: Path,
) -> None:
    good = json.dumps({"board_id": "549755885175", "media_source": {"source_type": "image_url",
                       "url": "https://cdn.example.com/a.jpg"}})  # fmt: skip
    path = tmp_path / "pins.jsonl"
    path.write_text(f'{good}{good.replace("a.jpg", "b.jpg")} {{"board_id": x}}\n{good}x\n')

    reports = list(Engine(Settings(offline=True)).check_all(load(str(path))))

    assert [str(r.location) for r in reports] == [
        f"{path}:1:1", f"{path}:1:{len(good) + 1}", f"{path}:1:{2 * len(good) + 2}", f"{path}:2",
    ]  # fmt: skip
    assert [r.ok for r in reports] == [True, True, False, False]
    assert [f.code for f in reports[2].findings] == ["calendar.row_malformed"]
    assert reports[2].findings[0].message.endswith(f"(column {2 * len(good) + 15})")
    assert "Extra data" in reports[3].findings[0].message  # no object after it: the row's own


def test_indented_wrapped_entries_run_together_are_located_by_the_line_s_columns(
    tmp_path: Path,
) -> None:
    pin = {"board_id": "549755885175", "media_source": {"source_type": "image_url",
           "url": "https://cdn.example.com/a.jpg"}}  # fmt: skip
    wrapped = json.dumps({"pin": pin, "publish_at": "2099-01-01T00:00:00Z"})
    path = tmp_path / "pins.jsonl"
    path.write_text(f"  {wrapped} {json.dumps({**pin, 'link': 'https://l.example/b'})}\n")

    reports = list(Engine(Settings(offline=True)).check_all(load(str(path))))

    assert [str(r.location) for r in reports] == [f"{path}:1:3", f"{path}:1:{len(wrapped) + 4}"]
    assert all(r.ok for r in reports)


def test_a_field_reported_while_parsing_is_not_reported_again_by_a_rule() -> None:
    pin = {"media_source": {"source_type": "video_id", "media_id": "x.mp4",
                            "cover_image_url": "https://a.example/c.jpg",
                            "cover_image_content_type": "image/jpeg"}, "board_id": "1"}  # fmt: skip
    report = Engine().check(PinInput(Location("<input>", 0), pin))
    assert [f.code for f in report.findings] == ["media.media_id_invalid"]


def test_the_title_is_kept_for_display_even_when_too_long() -> None:
    title = "t" * 120
    report = Engine().check(PinInput(Location("<input>", 0), {"title": title}))
    assert report.title == title


def test_the_same_pin_twice_in_a_calendar_is_a_duplicate(tmp_path: Path) -> None:
    media = {"source_type": "image_url", "url": "https://cdn.example/a.jpg"}
    pin = {"board_id": "549755885175", "link": "https://shop.example/p/1", "media_source": media}
    other = {**pin, "link": "https://shop.example/p/2"}
    path = tmp_path / "calendar.jsonl"
    path.write_text("\n".join(json.dumps(p) for p in (pin, other, pin)) + "\n", encoding="utf-8")

    async def run() -> list[Report]:
        async with Engine(Settings(offline=True)).session() as session:
            return [report async for report in session.check_all(load(str(path)))]

    reports = asyncio.run(run())
    assert [sorted(r.codes) for r in reports] == [[], [], ["calendar.duplicate_pin"]]
    assert "calendar.jsonl:1" in reports[2].findings[0].message


def test_select_and_ignore_choose_the_codes_reported() -> None:
    pin = {"board_id": "Recipes", "dominant_color": "sand"}

    def check(**options: tuple[str, ...]) -> Report:
        return Engine(Settings(offline=True, **options)).check(PinInput(Location("<in>", 0), pin))

    assert check().codes == {"board.invalid_id", "media.missing", "pin.dominant_color_invalid"}
    assert check(select=("board",)).codes == {"board.invalid_id"}
    assert check(ignore=("pin.", "media.missing")).codes == {"board.invalid_id"}
    with pytest.raises(ValueError, match="no code matches 'boards'"):
        Settings(select=("boards",))


def test_a_prechecked_row_keeps_its_own_verdict_and_slots() -> None:
    finding = CALENDAR_ROW_MALFORMED.finding(None, "row 3 has 4 columns, the header 8")
    url = (
        "https://bucket.s3.amazonaws.com/v.mp4"
        "?X-Amz-Date=20200101T000000Z&X-Amz-Expires=60&X-Amz-Signature=0"
    )
    slot = Slot("Media URL", url, MediaKind.VIDEO)
    item = PinInput(Location("cal.csv", 2, 3), None, row=True, extra=(finding,), slots=(slot,),
                    prechecked=True, title="Row 3")  # fmt: skip
    report = Engine(Settings(offline=True)).check(item)
    assert report.codes == {"calendar.row_malformed", "media.url_expires"}
    assert report.title == "Row 3"


def _pins(
    count: int, url: str = "https://cdn.example.com/a.jpg", board: str | None = None
) -> list[dict[str, object]]:
    return [
        {
            "board_id": board or str(1000 + i),
            "media_source": {"source_type": "image_url", "url": f"{url}?{i}"},
        }
        for i in range(count)
    ]


def test_an_offline_run_lets_a_timeout_in() -> None:
    """With nothing to await, a session still gives the loop a turn: a timeout fires early."""
    engine = Engine(Settings(offline=True))
    pins = _pins(200_000)  # made before the clock starts: building them takes half a second
    reported = 0

    async def run() -> None:
        nonlocal reported
        async with engine.session() as session:
            async for _ in session.check_all(from_objects(pins)):
                reported += 1

    async def limited() -> None:
        async with asyncio.timeout(0.05):
            await run()

    with pytest.raises(TimeoutError):
        asyncio.run(limited())
    assert 0 < reported < 200_000


def test_a_cancel_scope_that_cancels_every_await_still_closes_every_client() -> None:
    """anyio's move_on_after cancels the cleanup's awaits too: each client is closed anyway,
    and the scope still knows the cancellation as its own (the run ends quietly in it)."""
    anyio = pytest.importorskip("anyio")  # httpx's own dependency
    slow = dataclasses.replace(ACCOUNT, slow={"/v5/boards/1001": 2.0})
    with serve_pinterest(slow) as fake, serve_media(latency=1.0) as media:
        settings = Settings(api_base=fake.base, allow_private_hosts=True)
        engine = Engine(settings, token="pina_good")
        url = media.url("/media/photo-baseline.jpg")
        sessions = [engine.session() for _ in range(3)]

        async def run(session: Session) -> None:
            async with session:
                async for _ in session.check_all(from_objects(_pins(8, url, board="1001"))):
                    pass

        async def cut_short() -> None:
            for session in sessions:
                with anyio.move_on_after(0.3):
                    await run(session)

        anyio.run(cut_short)
    for session in sessions:
        assert session._fetcher is not None
        assert all(client.is_closed for client in session._fetcher._clients)
        assert session._account is not None
        assert session._account._api._client.is_closed


def test_a_source_stopped_early_leaves_the_session_able_to_check_the_next() -> None:
    """A board question and a probe in flight when a source stops are shared, not cancelled.

    The board's question was cancelled with the pin that asked it, and a pin of the next source
    that came while it was still being cancelled got its CancelledError: that source's pins were
    lost. A timeout around one source did the same to the probes of its URLs.
    """
    # Board 1001 is still being asked when the first source stops (its first pin's photo
    # takes 0.5 s): its question is the one shared with the next source.
    slow = dataclasses.replace(ACCOUNT, slow={"/v5/boards/1001": 2.0})
    with serve_pinterest(slow) as fake, serve_media(latency=0.5) as media:
        settings = Settings(api_base=fake.base, allow_private_hosts=True)
        engine = Engine(settings, token="pina_good")
        photo = media.url("/media/photo-baseline.jpg")

        def pins(count: int, board: str, query: str) -> list[dict[str, object]]:
            return _pins(count, f"{photo}?{query}", board=board)

        async def run() -> tuple[list[Report], list[Report]]:
            async with engine.session() as session:
                first = from_objects(pins(1, "1002", "a") + pins(1, "1001", "b"))
                async with contextlib.aclosing(session.check_all(first)) as reports:
                    async for _ in reports:
                        break  # board 1001 is still being asked
                again = [r async for r in session.check_all(from_objects(pins(2, "1001", "b")))]
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(0.2):  # the photo is still being fetched
                        async for _ in session.check_all(from_objects(pins(1, "1002", "c"))):
                            pass
                later = [r async for r in session.check_all(from_objects(pins(1, "1002", "c")))]
                return again, later

        again, later = asyncio.run(run())
        assert fake.asked("/v5/boards/1001") == 1  # answered once, for both sources
        fetched = len(media.settled_requests_to("?c?0"))
        assert fetched == len(media.settled_requests_to("?a?0"))  # fetched once, as another
    assert [report.ok for report in again] == [True, True]
    assert [report.ok for report in later] == [True]


def test_a_failure_while_closing_keeps_the_runs_own_error_in_its_context(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def failing_close(self: httpx.AsyncClient) -> None:
        raise RuntimeError("closing failed")

    monkeypatch.setattr(httpx.AsyncClient, "aclose", failing_close)

    async def run() -> None:
        async with Engine(Settings()).session():
            raise ValueError("the run's own error")

    with pytest.raises(RuntimeError) as raised:
        asyncio.run(run())
    chain: list[BaseException] = []
    error: BaseException | None = raised.value
    while error is not None:
        chain.append(error)
        error = error.__context__
    assert isinstance(chain[-1], ValueError)  # the cause of it all is still in the traceback


def _inline_pin() -> dict[str, object]:
    """A pin holding 700 KB of base64 PNG: slow enough to check to go to a worker thread."""
    data = base64.b64encode((FIXTURES / "media" / "heavy-metadata.png").read_bytes()).decode()
    source = {"source_type": "image_base64", "content_type": "image/png", "data": data}
    return {"board_id": "549755885175", "media_source": source}


def _staged_in(engine: Engine) -> dict[str, int]:
    """Record the thread each pin's offline stage runs in, by the pin's location."""
    threads: dict[str, int] = {}
    stage = engine.offline_stage

    def recorded(item: PinInput, **options: bool) -> object:
        threads[str(item.location)] = threading.get_ident()
        return stage(item, **options)

    engine.offline_stage = recorded  # type: ignore[method-assign,assignment]
    return threads


def test_a_pin_with_a_large_inline_image_is_checked_off_the_event_loop() -> None:
    """Decoding megabytes of base64 held an async caller's loop (240 ms for 20 MB)."""
    big = _inline_pin()
    pins: list[object] = [
        _pins(1)[0],
        big,
        json.dumps(big),
        json.dumps(big).encode(),
        PinCreate.model_validate(big),
        {**_pins(1)[0], "description": "x" * 200_000},  # long, but no image: on the loop
    ]
    engine = Engine(Settings(offline=True))
    threads = _staged_in(engine)

    async def run() -> tuple[int, list[Report]]:
        async with engine.session() as session:
            return threading.get_ident(), [r async for r in session.check_all(from_objects(pins))]

    loop_thread, reports = asyncio.run(run())
    assert [report.location.position for report in reports] == list(range(len(pins)))
    assert [report.ok for report in reports] == [True, True, True, True, True, False]
    off_loop = [where for where, thread in threads.items() if thread != loop_thread]
    assert off_loop == ["<input>[1]", "<input>[2]", "<input>[3]", "<input>[4]"]
    # Offline and outside a session, nothing is handed to a thread.
    assert list(Engine(Settings(offline=True)).check_all(from_objects(pins))) == reports


def test_a_run_cancelled_while_a_pin_is_checked_in_a_thread_ends_quietly() -> None:
    engine = Engine(Settings(offline=True))
    threads = _staged_in(engine)
    stage = engine.offline_stage
    started, release = threading.Event(), threading.Event()

    def held(item: PinInput, **options: bool) -> object:
        if item.location.position == 1:
            started.set()
            release.wait(5)
        return stage(item, **options)

    engine.offline_stage = held  # type: ignore[method-assign,assignment]
    unhandled: list[dict[str, object]] = []
    reported: list[int] = []

    async def run() -> None:
        asyncio.get_running_loop().set_exception_handler(
            lambda _, context: unhandled.append(context)
        )
        async with engine.session() as session:
            pins = from_objects([_pins(1)[0], _inline_pin()])
            async for report in session.check_all(pins):  # one by one: the run is cut short
                reported.append(report.location.position)  # noqa: PERF401

    async def cut_short() -> None:
        task = asyncio.create_task(run())
        await asyncio.to_thread(started.wait, 5)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        release.set()

    asyncio.run(cut_short())
    assert reported == [0]
    assert "<input>[1]" in threads  # it was being checked when the run was cancelled
    assert unhandled == []


class _Interrupted(BaseException):
    """What a signal handler raises into a probe as it runs (pytest-timeout's pytest.fail)."""


def test_a_probe_cut_short_by_an_interruption_is_made_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The task kept the interruption as its outcome: every later pin of the session with that
    # URL failed with it (the pytest plugin's next pins all timed out, never having waited).
    real = Prober._probe
    calls = 0

    async def interrupted_once(self: Prober, url: str, reader: Any) -> Probe:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise _Interrupted
        return await real(self, url, reader)

    monkeypatch.setattr(Prober, "_probe", interrupted_once)
    with serve_media() as media:
        pins = _pins(1, media.url("/media/photo-baseline.jpg"))
        engine = Engine(Settings(allow_private_hosts=True))

        async def run() -> tuple[list[Report], dict[str, Probe]]:
            async with engine.session() as session:
                with pytest.raises(_Interrupted):
                    [r async for r in session.check_all(from_objects(pins))]
                assert session.probes() == {}  # nothing found: the URL was not judged
                again = [r async for r in session.check_all(from_objects(pins))]
                return again, session.probes()

        again, probes = asyncio.run(run())
    assert [report.ok for report in again] == [True]
    assert len(probes) == 1
    assert calls == 2


def test_large_pins_run_together_on_a_line_are_each_checked_off_the_event_loop(
    tmp_path: Path,
) -> None:
    # Only the first went to the thread: the line's other pins were checked on the loop.
    big = json.dumps(_inline_pin())
    calendar = tmp_path / "cal.jsonl"
    calendar.write_text(f"{big}{big} {big}\n{json.dumps(_pins(1)[0])}\n", encoding="utf-8")
    engine = Engine(Settings(offline=True))
    threads = _staged_in(engine)

    async def run() -> tuple[int, list[Report]]:
        async with engine.session() as session:
            return threading.get_ident(), [r async for r in session.check_all(load(str(calendar)))]

    loop_thread, reports = asyncio.run(run())
    assert [report.ok for report in reports] == [True] * 4
    where = {place: thread != loop_thread for place, thread in threads.items()}
    run_together = [place for place in where if place.startswith(f"{calendar}:1:")]
    assert len(run_together) == 3
    assert all(where[place] for place in run_together)  # each pin of the line
    assert where[f"{calendar}:2"] is False  # a small pin stays on the loop


def test_slow_pins_of_calls_made_at_once_take_turns_off_the_loop(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Each call sent its pin to a thread at once: six held the loop 228 ms between them, the
    # GIL taken six ways, and host name lookups waited behind them in the default executor.
    spans: list[tuple[float, float, str]] = []
    stage = Engine.offline_stage

    def recorded(self: Engine, item: PinInput, **options: bool) -> object:
        began = time.perf_counter()
        try:
            return stage(self, item, **options)
        finally:
            spans.append((began, time.perf_counter(), threading.current_thread().name))

    monkeypatch.setattr(Engine, "offline_stage", recorded)
    small = _pins(1)[0]
    medium = {**small, "media_source": {"source_type": "image_base64",
              "content_type": "image/png", "data": "A" * 20_000}}  # fmt: skip

    async def run() -> list[Report]:
        calls = [avalidate(pin, offline=True) for pin in (_inline_pin(), medium) * 3]
        return [*await asyncio.gather(*calls), await avalidate(small, offline=True)]

    reports = asyncio.run(run())
    assert [report.ok for report in reports] == [True, False] * 3 + [True]  # "A"*: no image
    main = threading.main_thread().name
    off_loop = sorted(span for span in spans if span[2] != main)
    assert len(off_loop) == 6  # 20 KB of base64 too: more than 16 KiB
    assert all(ended <= began for (_, ended, _), (began, _, _) in itertools.pairwise(off_loop))
    assert spans[-1][2] == main  # a pin with a URL stays on the loop


def test_with_deep_a_small_inline_image_is_checked_off_the_event_loop() -> None:
    # 14 KB of base64 PNG can hold 88 million pixels: --deep decoded them on the loop.
    picture = io.BytesIO()
    PIL.Image.new("1", (64, 64)).save(picture, "PNG")
    data = base64.b64encode(picture.getvalue()).decode()
    pin = {**_pins(1)[0], "media_source": {"source_type": "image_base64",
           "content_type": "image/png", "data": data}}  # fmt: skip
    for deep, off_loop in ((False, []), (True, ["<input>[0]", "<input>[1]"])):
        engine = Engine(Settings(offline=True, deep=deep, image_min_width=1))
        threads = _staged_in(engine)

        async def run(engine: Engine = engine) -> tuple[int, list[Report]]:
            async with engine.session() as session:
                pins = from_objects([pin, json.dumps(pin)])
                return threading.get_ident(), [r async for r in session.check_all(pins)]

        loop_thread, reports = asyncio.run(run())
        assert [report.ok for report in reports] == [True, True]
        assert [where for where, thread in threads.items() if thread != loop_thread] == off_loop
