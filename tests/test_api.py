"""The Python API: what publishing code calls before it sends a pin."""

from __future__ import annotations

import asyncio
import importlib.metadata
import json
from datetime import UTC, datetime

import pytest
from pydantic import SecretStr

import validator
from validator import (
    Action,
    PinCreate,
    Report,
    Settings,
    avalidate,
    avalidate_many,
    avalidate_media,
    cli,
    validate,
    validate_many,
    validate_media,
)
from validator.codes.examples import BOARD_ID, IMAGE_URL
from validator.errors import ConfigError
from validator.httpclient import user_agent

GOOD = {"board_id": BOARD_ID, "media_source": {"source_type": "image_url", "url": IMAGE_URL}}
BAD = {"board_id": "Recipes", "media_source": {"source_type": "image_url", "url": IMAGE_URL}}


def test_every_public_name_is_importable() -> None:
    namespace: dict[str, object] = {}
    exec("from validator import *", namespace)  # noqa: S102 - the star import is what is tested
    assert set(validator.__all__) <= set(namespace) | {"__version__"}
    assert validator.__version__ == importlib.metadata.version("pin-preflight")
    with pytest.raises(AttributeError):
        _ = validator.no_such_name


def test_a_copy_without_its_metadata_still_runs(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A source tree on sys.path, or a copy vendored into another project: no installed metadata.
    # The version was looked up for each request's User-Agent, and its absence was a traceback.
    def no_metadata(name: str) -> str:
        raise importlib.metadata.PackageNotFoundError(name)

    assert validator.__version__  # looked up once and kept: put back after the test
    monkeypatch.delitem(vars(validator), "__version__")
    monkeypatch.setattr(importlib.metadata, "version", no_metadata)
    assert validator.__version__ == "0+unknown"  # PEP 440, and no release's
    assert user_agent(Settings().user_agent) == "pin-preflight/0+unknown (media checker)"
    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out == "pin-preflight 0+unknown\n"


@pytest.mark.parametrize(
    "pin",
    [GOOD, json.dumps(GOOD), json.dumps(GOOD).encode(), PinCreate.model_validate(GOOD)],
    ids=["dict", "str", "bytes", "model"],
)
def test_every_input_form_gives_the_same_verdict(pin: object) -> None:
    report = validate(pin, offline=True)
    assert isinstance(report, Report)
    assert report.ok
    assert report.findings == ()
    assert str(report.location) == "<input>[0]"


def test_a_bad_pin_reports_what_to_do() -> None:
    report = validate(BAD, offline=True)
    assert not report.ok
    assert [f.code for f in report.errors] == ["board.invalid_id"]
    assert report.action is Action.USER_ERROR
    assert report.by_action() == {Action.USER_ERROR: report.errors}
    assert not report.errors[0].retryable


def test_validate_many_keeps_order_and_locations() -> None:
    reports = validate_many([GOOD, BAD, "not json", GOOD], offline=True)
    assert [r.ok for r in reports] == [True, False, False, True]
    assert [r.location.position for r in reports] == [0, 1, 2, 3]
    assert reports[2].codes == {"pin.malformed"}


def test_validate_many_refuses_a_single_pin() -> None:
    with pytest.raises(TypeError, match="use validate"):
        validate_many(GOOD)
    # A model iterates as (field, value) pairs: it gave one "pin.malformed" report per field.
    with pytest.raises(TypeError, match="use validate"):
        validate_many(PinCreate.model_validate(GOOD), offline=True)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="use avalidate"):
        asyncio.run(avalidate_many(PinCreate.model_validate(GOOD)))  # type: ignore[arg-type]


def test_options_override_settings() -> None:
    pin = {**GOOD, "dominant_color": "sand"}
    assert validate(pin, settings=Settings(strict=True), strict=False, offline=True).ok
    assert not validate(pin, settings=Settings(strict=False), strict=True, offline=True).ok


def test_async_variants_match_the_sync_ones() -> None:
    async def run() -> tuple[Report, list[Report]]:
        return await avalidate(BAD, offline=True), await avalidate_many([GOOD, BAD], offline=True)

    one, many = asyncio.run(run())
    assert one.codes == {"board.invalid_id"}
    assert [r.ok for r in many] == [True, False]


def test_the_doctest_in_the_package_docstring_holds() -> None:
    import doctest

    failures, tried = doctest.testmod(validator)
    assert tried > 0
    assert failures == 0


def test_sync_and_async_runs_of_many_pins_agree_on_repeats() -> None:
    sync = validate_many([GOOD, GOOD], offline=True, strict=True)
    asynchronous = asyncio.run(avalidate_many([GOOD, GOOD], offline=True, strict=True))
    assert [r.codes for r in sync] == [r.codes for r in asynchronous]
    assert sync[1].codes == {"calendar.duplicate_pin"}


@pytest.mark.parametrize(
    "options",
    [{"offline": "false"}, {"strict": "no"}, {"offline": 0}, {"settings": {"offline": True}}],
    ids=["offline str", "strict str", "offline int", "settings dict"],
)
def test_options_of_the_wrong_type_are_refused_not_taken_as_true(
    options: dict[str, object],
) -> None:
    with pytest.raises(TypeError, match="takes"):
        validate(GOOD, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize("token", [b"pina_secret", 123, SecretStr(123)])  # type: ignore[arg-type]
def test_a_token_that_is_not_text_is_a_type_error_without_its_value(token: object) -> None:
    with pytest.raises(TypeError, match="token= takes a str") as raised:
        validate(GOOD, token=token)  # type: ignore[arg-type]
    assert "secret" not in str(raised.value)
    assert "123" not in str(raised.value)


def test_media_functions_take_the_shortcuts_and_refuse_a_single_url() -> None:
    reports = validate_media([5, "https://cdn.example.com/a.webp"], offline=True, strict=True)
    assert [r.codes for r in reports] == [{"media.url_invalid"}, {"media.unsupported_format"}]
    assert "an integer, not a URL string" in reports[0].findings[0].message
    with pytest.raises(TypeError, match="iterable of URLs"):
        asyncio.run(avalidate_media("https://cdn.example.com/a.jpg"))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="iterable of URLs"):
        validate_media("https://cdn.example.com/a.jpg")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("given", "call"),
    [
        ("/srv/clips/a.mp4", 'Path("/srv/clips/a.mp4")'),
        ("./clips/a.mp4", 'Path("./clips/a.mp4")'),
        ("file:///srv/clips/a%20b.mp4", 'Path("/srv/clips/a b.mp4")'),  # as Path reads it
        ("C:\\clips\\a.mp4", 'Path("C:\\\\clips\\\\a.mp4")'),  # escaped as a Python string
        ("~/clips/a.mp4", 'Path("~/clips/a.mp4").expanduser()'),  # Path() alone keeps the ~
    ],
)
def test_a_local_path_given_as_text_says_to_pass_a_path_object(given: str, call: str) -> None:
    # The hint said "not a local path", though a Path is read from disk: a user checking a
    # video before its upload was told it could not be done.
    (report,) = validate_media([given], "video", offline=True)

    (finding,) = report.findings
    assert finding.code == "media.url_invalid"
    assert finding.hint.endswith(f'pass it as a path object: validate_media([{call}], "video").')


@pytest.mark.parametrize(
    "given",
    [
        "cdn.example.com/a.mp4",  # a URL missing its scheme
        "file:clips/a.mp4",  # a relative file: URL, which names no file by itself
        "file://server/share/a.mp4",  # another machine's file
    ],
)
def test_what_names_no_file_here_keeps_the_url_hint(given: str) -> None:
    (report,) = validate_media([given], "video", offline=True)

    assert "Path" not in report.findings[0].hint


def test_the_sync_functions_leave_the_callers_event_loop_alone() -> None:
    # asyncio.run() set the thread's current loop to None when done: a script that keeps its
    # own loop (run_until_complete between calls) lost it.
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        # Online, each on a loop of its own; a loopback URL is refused before any request.
        validate_media(["http://127.0.0.1:9/a.jpg"])
        source = {"source_type": "image_url", "url": "http://127.0.0.1:9/a.jpg"}
        assert validate({**GOOD, "media_source": source}).codes == {"media.url_not_public"}
        assert asyncio.get_event_loop_policy().get_event_loop() is loop
    finally:
        asyncio.set_event_loop(None)
        loop.close()


def test_an_error_of_a_sync_run_is_shown_as_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    # Raised inside the "no running loop" handler, it read as raised while handling that.
    def broken(self: object) -> None:
        raise ValueError("raised by the run")

    monkeypatch.setattr("validator.engine.Engine.session", broken)
    media = ["http://127.0.0.1:9/a.mp4"]
    for call in (lambda: validate_media(media, "video"), lambda: validate(GOOD)):
        with pytest.raises(ValueError, match="raised by the run") as raised:
            call()
        assert raised.value.__context__ is None
    with pytest.raises(ValueError, match=r"^kind must be 'image' or 'video', not 'vidoe'$"):
        validate_media(["https://cdn.example.com/a.mp4"], "vidoe")


def test_a_token_given_as_text_is_in_no_local_of_the_api_s_frames(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # pytest -l and error trackers show every frame's locals: validate's "token" was the text.
    secret = "pina_Zq8xVw3SECRETtoken91"

    def broken(self: object) -> None:
        raise ValueError("raised by the run")

    monkeypatch.setattr("validator.engine.Engine.session", broken)
    calls = (
        lambda: validate(GOOD, token=secret),
        lambda: validate_many([GOOD], token=secret),
        lambda: asyncio.run(avalidate(GOOD, token=secret)),
        lambda: asyncio.run(avalidate_many([GOOD], token=secret)),
    )
    for call in calls:
        with pytest.raises(ValueError, match="raised by the run") as raised:
            call()
        frames = [entry.frame for entry in raised.traceback]
        ours = [f for f in frames if f.code.path.parent.name == "validator"]
        assert ours
        for frame in ours:
            assert secret not in repr(frame.f_locals), frame.code.name


def test_every_setting_documents_itself_at_run_time() -> None:
    # The attribute docstrings are what help(Settings), IDEs and the JSON schema show.
    undocumented = [name for name, f in Settings.model_fields.items() if not f.description]
    assert undocumented == []


def test_a_fixed_now_keeps_a_test_s_verdict_as_time_passes() -> None:
    url = (
        "https://bucket.s3.amazonaws.com/pins/a.jpg?X-Amz-Algorithm=AWS4-HMAC-SHA256"
        "&X-Amz-Date=20261201T100000Z&X-Amz-Expires=3600&X-Amz-Signature=00"
    )
    pin = {"board_id": "549755885175", "media_source": {"source_type": "image_url", "url": url}}
    before = datetime(2026, 12, 1, 8, tzinfo=UTC)
    assert validate(pin, offline=True, now=before).codes == {"media.url_expires_soon"}
    after = datetime(2026, 12, 2, tzinfo=UTC)
    assert validate_many([pin], offline=True, now=after)[0].codes == {"media.url_expires"}
    assert asyncio.run(avalidate(pin, offline=True, now=after)).codes == {"media.url_expires"}
    (media,) = validate_media([url], offline=True, now=before)
    assert media.codes == {"media.url_expires_soon"}
    with pytest.raises(ValueError, match="timezone-aware"):
        validate(pin, offline=True, now=datetime(2026, 12, 1))  # naive: the mistake refused
    for wrong in ("2026-12-01", 1780000000, True):  # an AttributeError from deep inside, before
        with pytest.raises(TypeError, match="now must be a datetime, not"):
            validate(pin, offline=True, now=wrong)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("update", "named"),
    [
        ({"per_host": 0}, "per_host"),  # hung every request: a semaphore of 0
        ({"concurrency": 0}, "concurrency"),  # ZeroDivisionError
        ({"concurrency": "4"}, "concurrency"),  # TypeError
        ({"offline": "false"}, "offline"),  # a true value: the network silently off
    ],
)
def test_settings_copied_without_validation_are_a_config_error_naming_the_field(
    update: dict[str, object], named: str
) -> None:
    settings = Settings(allow_private_hosts=True).model_copy(update=update)
    for call in (
        lambda: validate(GOOD, settings=settings),
        lambda: validate_many([GOOD], settings=settings),
        lambda: validate_media(["https://cdn.example.com/a.jpg"], settings=settings),
        lambda: asyncio.run(avalidate(GOOD, settings=settings)),
    ):
        with pytest.raises(ConfigError, match=rf"^settings: .*{named}: "):
            call()


def test_settings_copied_with_lists_where_tuples_are_kept_are_taken() -> None:
    # Settings(ignore=[...]) takes a list; a copy with one was refused as "give an array of
    # strings, such as ["media"], not a list", which is what it was.
    pin = {**GOOD, "dominant_color": "sand"}
    settings = Settings(offline=True)
    ignored = settings.model_copy(update={"ignore": ["pin.dominant_color_invalid"]})
    assert validate(pin, settings=ignored).codes == frozenset()
    as_set = settings.model_copy(update={"ignore": {"pin.dominant_color_invalid"}})
    assert validate(pin, settings=as_set).codes == frozenset()
    renamed = settings.model_copy(update={"csv_columns": [["title", "Name"]]})  # lists of pairs
    assert validate(pin, settings=renamed).codes == {"pin.dominant_color_invalid"}
    with pytest.raises(ConfigError, match=r"^settings: ignore\.0: "):  # checked all the same
        validate(pin, settings=settings.model_copy(update={"ignore": [3]}))


def test_a_value_whose_repr_raises_is_shown_by_its_type_and_the_batch_goes_on() -> None:
    class Detached:  # an ORM object out of its session
        def __repr__(self) -> str:
            raise RuntimeError("Instance is not bound to a Session")

    reports = validate_many([GOOD, {**GOOD, "board_id": Detached()}, {**GOOD, "title": "x"}],
                            offline=True)  # fmt: skip
    assert [report.ok for report in reports] == [True, False, True]
    (finding,) = reports[1].findings
    assert finding.code == "board.invalid_id"
    assert "<a Detached object>" in finding.message
