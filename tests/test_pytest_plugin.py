"""The pytest plugin, run by pytest itself (``pytester``) on copies of the fixture calendars.

Most runs are in-process (fast: the engine is imported once); the runs where loading through the
``pytest11`` entry point is the point go through a subprocess. In-process runs inherit this
suite's ``filterwarnings = error``, which a fresh process would not have: the mark below puts the
plugin's warnings back to what a project without that setting sees. Each in-process run drops
the modules it imported; hypothesis's pytest plugin imports hypothesis at the end of every run
(two seconds), so it is imported here once, before the runs.
"""

from __future__ import annotations

import asyncio
import fnmatch
import json
import shutil
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path

import hypothesis  # noqa: F401 - see below
import pytest
from fake_pinterest import serve as serve_pinterest
from media_server import serve
from support import FIXTURES, VALID_PAYLOADS

from validator.pytest_plugin import PinPreflightWarning, _matches

pytest_plugins = ["pytester"]
pytestmark = pytest.mark.filterwarnings(
    f"default::{PinPreflightWarning.__module__}.{PinPreflightWarning.__name__}"
)

OFFLINE = ("--pin-preflight", "--pin-preflight-offline")
# For runs in new processes (a subprocess, xdist's workers): hypothesis's plugin, unrelated to
# these runs, costs each process the import of hypothesis.
NO_HYPOTHESIS = ("-p", "no:hypothesispytest")
# mixed.json: 7 pins, 5 failing (3 warnings, all on failing pins); calendar.jsonl: 6 rows, 3
# failing; valid/: 8 pins, all passing.
PASSED, FAILED, WARNINGS = 2 + 3 + 8, 5 + 3, 3

WARNED_PIN = {
    "board_id": "549755885175",
    "title": "Sandy tote",
    "dominant_color": "sand",
    "media_source": {"source_type": "image_url", "url": "https://cdn.example.com/tote.jpg"},
}


def copy_calendars(pytester: pytest.Pytester) -> None:
    """The fixtures under names the default patterns collect, and two files they must not."""
    payloads = FIXTURES / "payloads"
    shutil.copy(payloads / "mixed.json", pytester.path / "mixed.pins.json")
    shutil.copy(payloads / "calendar.jsonl", pytester.path / "calendar.pins.jsonl")
    (pytester.path / "valid").mkdir()
    for path in VALID_PAYLOADS:
        shutil.copy(path, pytester.path / "valid" / f"{path.stem}.pins.json")
    # Ordinary JSON: a fixture of the project under test, not a calendar.
    shutil.copy(payloads / "mixed.json", pytester.path / "other.json")
    (pytester.path / "fixtures").mkdir()
    shutil.copy(FIXTURES / "codes" / "board.missing.json", pytester.path / "fixtures")


def url_pin(title: str, url: str, board: str = "549755885175") -> dict[str, object]:
    """An ``image_url`` pin of ``url``, titled."""
    source = {"source_type": "image_url", "url": url}
    return {"board_id": board, "title": title, "media_source": source}


def timeout_per_pin(pytester: pytest.Pytester, seconds: float, only: str | None = None) -> None:
    """A conftest that fails each pin (or those named ``only``) after ``seconds``, as
    pytest-timeout's signal method does: ``pytest.fail`` raised from ``SIGALRM``."""
    guard = f"    if {only!r} not in item.name:\n        return (yield)\n" if only else ""
    pytester.makeconftest(
        "import signal\n\nimport pytest\n\n"
        "@pytest.hookimpl(wrapper=True)\n"
        "def pytest_runtest_call(item):\n"
        f"{guard}"
        "    def timeout(signum, frame):\n"
        f"        pytest.fail('Timeout (>{seconds}s)')\n"
        "    signal.signal(signal.SIGALRM, timeout)\n"
        f"    signal.setitimer(signal.ITIMER_REAL, {seconds})\n"
        "    try:\n"
        "        return (yield)\n"
        "    finally:\n"
        "        signal.setitimer(signal.ITIMER_REAL, 0)\n"
    )


def write_pins(path: Path, *pins: object) -> Path:
    path.write_text(json.dumps(list(pins), indent=2), encoding="utf-8")
    return path


def test_off_without_the_flag_and_on_with_it_through_the_entry_point(
    pytester: pytest.Pytester,
) -> None:
    copy_calendars(pytester)
    result = pytester.runpytest_subprocess(*NO_HYPOTHESIS)
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
    result.stdout.fnmatch_lines(["collected 0 items"])

    result = pytester.runpytest_subprocess(*OFFLINE, *NO_HYPOTHESIS)
    result.assert_outcomes(passed=PASSED, failed=FAILED, warnings=WARNINGS)


def test_items_are_pins_named_after_their_location_and_title(pytester: pytest.Pytester) -> None:
    copy_calendars(pytester)
    result = pytester.runpytest(*OFFLINE, "--collect-only", "-q")
    result.stdout.fnmatch_lines(
        [
            'calendar.pins.jsonl::calendar.pins.jsonl:1 "Spring tulip table setting"',
            "calendar.pins.jsonl::calendar.pins.jsonl:3",  # a broken row: no title to show
            'mixed.pins.json::mixed.pins.json:20 "Peach galette"',
            "valid/video.pins.json::video.pins.json:1 *",
            f"{PASSED + FAILED} tests collected*",
        ],
        consecutive=False,
    )
    assert "other.json" not in result.stdout.str()
    assert "board.missing.json" not in result.stdout.str()


def test_a_file_named_on_the_command_line_is_collected_whatever_its_name(
    pytester: pytest.Pytester,
) -> None:
    copy_calendars(pytester)
    result = pytester.runpytest(*OFFLINE, "other.json")
    result.assert_outcomes(passed=2, failed=5, warnings=3)


def test_failures_show_the_findings_and_no_traceback(pytester: pytest.Pytester) -> None:
    copy_calendars(pytester)
    result = pytester.runpytest(*OFFLINE, "-rf")
    result.assert_outcomes(passed=PASSED, failed=FAILED, warnings=WARNINGS)
    result.stdout.fnmatch_lines(
        [
            '*_ pin mixed.pins.json:20 "Peach galette" _*',
            "2 errors: board.invalid_id, media.unsupported_format",
            '    error board.invalid_id (board_id): board_id "Summer recipes" is not a numeric id',
            "      Fix input: *GET /v5/boards*",
            "    error media.unsupported_format (media_source.url): *.webp*",
            # pytest's short summary shows the first line, the codes (cut to the width)
            'FAILED mixed.pins.json::mixed.pins.json:13 "Summer hats" - 1 error: board*',
        ],
        consecutive=False,
    )
    output = result.stdout.str()
    for traceback_sign in ("Traceback", "pytest_plugin.py", "PinPreflightFailure", "\nE   "):
        assert traceback_sign not in output


def test_warnings_land_in_the_warnings_summary_and_do_not_fail(pytester: pytest.Pytester) -> None:
    write_pins(pytester.path / "warned.pins.json", WARNED_PIN)
    result = pytester.runpytest(*OFFLINE)
    result.assert_outcomes(passed=1, warnings=1)
    result.stdout.fnmatch_lines(
        [
            "*= warnings summary =*",
            'warned.pins.json::warned.pins.json:2 "Sandy tote"',
            "  <warned.pins.json>:2: PinPreflightWarning: pin.dominant_color_invalid "
            '(dominant_color): dominant_color "sand" is not of the form #RRGGBB. Fix input: *',
        ]
    )


def test_the_warnings_summary_shows_no_line_of_the_calendar(pytester: pytest.Pytester) -> None:
    # pytest printed the pin's line under its warning: the signature masked in the message, and
    # a title's escape codes (clear screen, colours) went to the CI log as written.
    pin = {**WARNED_PIN, "link": "https://shop.example.com/?sig=s3cr3t"}
    (pytester.path / "warned.pins.jsonl").write_text(json.dumps(pin) + "\n")
    # JSON writes an escape code as \u001b: a CSV cell holds it raw.
    (pytester.path / "titled.pins.csv").write_text(
        "Title,Media URL,Pinterest board,Description\n"
        '\x1b[2JTote,https://cdn.example.com/tote.jpg,Totes,"two\nlines"\n'
    )
    result = pytester.runpytest(*OFFLINE)
    result.assert_outcomes(passed=2, warnings=2)
    output = result.stdout.str()
    assert "s3cr3t" not in output
    assert "\x1b" not in output
    result.stdout.fnmatch_lines(["  <warned.pins.jsonl>:1: PinPreflightWarning: *"])
    result.stdout.fnmatch_lines(["  <titled.pins.csv>:2: PinPreflightWarning: *"])


def test_strict_fails_a_pin_that_has_only_warnings(pytester: pytest.Pytester) -> None:
    write_pins(pytester.path / "warned.pins.json", WARNED_PIN)
    result = pytester.runpytest(*OFFLINE, "--pin-preflight-strict")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["1 error: pin.dominant_color_invalid"])


def test_a_warnings_filter_set_to_error_fails_the_pin_readably(pytester: pytest.Pytester) -> None:
    write_pins(pytester.path / "warned.pins.json", WARNED_PIN)
    result = pytester.runpytest(
        *OFFLINE, "-W", "error::validator.pytest_plugin.PinPreflightWarning"
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "1 warning, failed by the warnings filter: pin.dominant_color_invalid",
            "    warning pin.dominant_color_invalid (dominant_color): *",
        ]
    )
    assert "Traceback" not in result.stdout.str()


def test_the_pyproject_table_is_read_from_the_rootdir(pytester: pytest.Pytester) -> None:
    write_pins(pytester.path / "warned.pins.json", WARNED_PIN)
    pytester.makepyprojecttoml("[tool.pin-preflight]\nstrict = true\n")
    pytester.runpytest(*OFFLINE).assert_outcomes(failed=1)

    pytester.makepyprojecttoml("[tool.pin-preflight]\nstrickt = true\n")
    result = pytester.runpytest(*OFFLINE)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*pin-preflight: *pyproject.toml [[]tool.pin-preflight[]]: strickt*"]
    )


def test_the_ini_setting_turns_it_on_with_its_own_patterns(pytester: pytest.Pytester) -> None:
    content = pytester.path / "content"
    content.mkdir()
    shutil.copy(FIXTURES / "payloads" / "calendar.jsonl", content / "calendar.jsonl")
    shutil.copy(FIXTURES / "payloads" / "mixed.json", content / "mixed.json")
    shutil.copy(FIXTURES / "payloads" / "calendar.jsonl", pytester.path / "elsewhere.jsonl")
    pytester.makeini("[pytest]\npin_preflight_calendars = content/*.jsonl\n")
    result = pytester.runpytest("--pin-preflight-offline")  # no --pin-preflight
    result.assert_outcomes(passed=3, failed=3)
    result.stdout.fnmatch_lines(["content/calendar.jsonl ..FFF. *"])


def test_a_bulk_upload_csv_is_read_with_the_project_settings(pytester: pytest.Pytester) -> None:
    soon = (datetime.now(UTC) + timedelta(days=10)).strftime("%Y-%m-%d")
    (pytester.path / "june.pins.csv").write_text(
        "Title,Media URL,Pinterest board,Description,Link,Publish date\n"
        f"Peach galette,https://cdn.example.com/galette.jpg,Summer recipes,,,{soon}\n"
        "No board,https://cdn.example.com/hats.jpg,,,,\n",
        encoding="utf-8",
    )
    result = pytester.runpytest(*OFFLINE, "-rf")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(['FAILED june.pins.csv::june.pins.csv:3 "No board" - *'])

    # The CSV source checks publish dates itself: it must get the settings of pyproject.toml.
    pytester.makepyprojecttoml("[tool.pin-preflight]\nschedule-window-days = 7\n")
    result = pytester.runpytest(*OFFLINE, "-rf")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(["1 error: calendar.publish_date_too_far"])


def test_k_selects_pins_by_title(pytester: pytest.Pytester) -> None:
    copy_calendars(pytester)
    result = pytester.runpytest(*OFFLINE, "-k", "galette or hats or autumn")
    result.assert_outcomes(failed=3, deselected=PASSED + FAILED - 3)
    result.stdout.fnmatch_lines(["calendar.pins.jsonl F *", "mixed.pins.json FF *"])


def test_x_stops_at_the_first_failing_pin(pytester: pytest.Pytester) -> None:
    copy_calendars(pytester)
    result = pytester.runpytest(*OFFLINE, "-x", "mixed.pins.json")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*stopping after 1 failures*"])


def test_junitxml_names_each_pin(pytester: pytest.Pytester) -> None:
    copy_calendars(pytester)
    pytester.runpytest(*OFFLINE, "--junitxml=report.xml")
    report = ET.parse(pytester.path / "report.xml")  # noqa: S314 - written by pytest just now
    suite = report.getroot().find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures")) == (str(PASSED + FAILED), str(FAILED))
    cases = {(case.get("classname"), case.get("name")): case for case in suite.iter("testcase")}
    galette = cases[("mixed.pins.json", 'mixed.pins.json:20 "Peach galette"')]
    failure = galette.find("failure")
    assert failure is not None
    assert failure.get("message", "").startswith("2 errors: board.invalid_id")
    assert "Fix input:" in (failure.text or "")
    tulips = cases[
        ("valid.image-url.pins.json", 'image-url.pins.json:1 "Spring tulip table setting"')
    ]
    assert tulips.find("failure") is None


def test_xdist_gives_the_same_outcomes(pytester: pytest.Pytester) -> None:
    copy_calendars(pytester)
    result = pytester.runpytest(*OFFLINE, *NO_HYPOTHESIS, "-p", "xdist", "-n", "2")
    result.assert_outcomes(passed=PASSED, failed=FAILED, warnings=WARNINGS)
    result.stdout.fnmatch_lines(["created: 2/2 workers"])


def test_an_unreadable_file_is_one_failing_item(pytester: pytest.Pytester) -> None:
    copy_calendars(pytester)
    (pytester.path / "broken.pins.json").write_bytes(b'\xff\xfe[{"title": "x"}]')
    result = pytester.runpytest(*OFFLINE)
    result.assert_outcomes(passed=PASSED, failed=FAILED + 1, warnings=WARNINGS)
    result.stdout.fnmatch_lines(
        [
            "*_ broken.pins.json: unreadable _*",
            "cannot read the calendar: broken.pins.json: UTF-16 text; save it as UTF-8",
        ],
        consecutive=True,
    )
    assert "Traceback" not in result.stdout.str()


def test_media_urls_are_fetched_once_per_session(pytester: pytest.Pytester) -> None:
    with serve() as server:
        photo = server.url("/media/photo-baseline.jpg")

        write_pins(
            pytester.path / "a.pins.json",
            url_pin("Photo", photo),
            url_pin("Gone", server.url("/status/404")),
        )
        write_pins(pytester.path / "b.pins.json", url_pin("Photo again", photo))

        # Without the flag, a loopback URL is one Pinterest can never fetch; nothing is sent.
        result = pytester.runpytest("--pin-preflight")
        result.assert_outcomes(failed=3)
        result.stdout.fnmatch_lines(["1 error: media.url_not_public"])
        assert server.log == []

        result = pytester.runpytest("--pin-preflight", "--pin-preflight-allow-private-hosts")
        result.assert_outcomes(passed=2, failed=1)
        result.stdout.fnmatch_lines(
            ['*_ pin a.pins.json:* "Gone" _*', "1 error: media.not_found"], consecutive=True
        )
        # Two pins in two files share the photo: one probe, so one first ranged GET.
        first_reads = [
            e for e in server.settled_requests_to("photo-baseline") if e.range == "bytes=0-65535"
        ]
        assert len(first_reads) == 1


def test_tb_line_points_an_unreadable_file_at_the_line_where_reading_broke_off(
    pytester: pytest.Pytester,
) -> None:
    (pytester.path / "broken.pins.json").write_text('[\n  {"title": "a"},\n\n  {"title": ]\n')
    result = pytester.runpytest(*OFFLINE, "--tb=line")
    result.stdout.fnmatch_lines(
        ["broken.pins.json:4: cannot read the calendar: broken.pins.json:4:*"]
    )


def test_an_unreadable_file_carries_the_marker(pytester: pytest.Pytester) -> None:
    (pytester.path / "broken.pins.json").write_bytes(b'{"title": ')
    result = pytester.runpytest(*OFFLINE, "-m", "pin_preflight")
    result.assert_outcomes(failed=1)
    result = pytester.runpytest(*OFFLINE, "-m", "not pin_preflight")
    result.assert_outcomes()


def test_pins_on_one_line_get_names_of_their_own(pytester: pytest.Pytester) -> None:
    source = {"source_type": "image_url", "url": "https://cdn.example.com/a.jpg"}
    pin = {"board_id": "549755885175", "title": "Same", "media_source": source}
    (pytester.path / "one.pins.json").write_text(json.dumps([pin, {**pin, "board_id": "x"}]))

    result = pytester.runpytest(*OFFLINE, "--collect-only", "-q")

    result.stdout.fnmatch_lines(
        ['one.pins.json::one.pins.json:1:2 "Same"', 'one.pins.json::one.pins.json:1:* "Same"']
    )


def test_pins_run_together_on_a_line_are_an_item_each(pytester: pytest.Pytester) -> None:
    source = {"source_type": "image_url", "url": "https://cdn.example.com/a.jpg"}
    good = json.dumps({"board_id": "549755885175", "title": "Good", "media_source": source})
    bad = json.dumps({"title": "Bad", "media_source": source})
    (pytester.path / "r.pins.jsonl").write_text(f"{good}{bad}\n{good.replace('a.jpg', 'b.jpg')}\n")

    result = pytester.runpytest(*OFFLINE, "-v")

    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines([f'*r.pins.jsonl:1:{len(good) + 1} "Bad" FAILED*'])


def test_names_pytest_can_find_again_with_lf_and_xdist(pytester: pytest.Pytester) -> None:
    source = {"source_type": "image_url", "url": "https://cdn.example.com/a.jpg"}
    pins = [{"board_id": "x", "title": title, "media_source": source}
            for title in ("Sale [50%]", "Tips::Tricks", "Mr. Smith")]  # fmt: skip
    (pytester.path / "t.pins.jsonl").write_text("".join(json.dumps(p) + "\n" for p in pins))

    first = pytester.runpytest(*OFFLINE, "-v")
    first.assert_outcomes(failed=3)
    first.stdout.fnmatch_lines(['t.pins.jsonl::t.pins.jsonl:3 "Mr. Smith" FAILED*'])
    again = pytester.runpytest(*OFFLINE, "--lf")
    again.assert_outcomes(failed=3)  # every failure found again by its node id
    assert "not in selected tests" not in again.stdout.str()


def test_a_row_nested_too_deeply_fails_alone(pytester: pytest.Pytester) -> None:
    deep = '{"a":' * 100_000 + "1" + "}" * 100_000
    good = json.dumps({"board_id": "549755885175", "media_source": {"source_type": "image_url",
                       "url": "https://cdn.example.com/a.jpg"}})  # fmt: skip
    (pytester.path / "d.pins.jsonl").write_text(f"{deep}\n{good}\n")

    result = pytester.runpytest(*OFFLINE)

    result.assert_outcomes(passed=1, failed=1)


def test_an_unusable_proxy_stops_the_run_once_as_the_cli_does(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each pin showed the same exception again, its traceback longer each time (the re-raise
    # added its frames): thousands of lines for six pins.
    monkeypatch.setenv("HTTP_PROXY", "socks5://127.0.0.1:1")  # socksio is not installed
    monkeypatch.setenv("HTTPS_PROXY", "socks5://127.0.0.1:1")
    url = "http://127.0.0.1:9/a.jpg"
    pins = [{"board_id": "1", "media_source": {"source_type": "image_url", "url": url}}] * 3
    write_pins(pytester.path / "proxy.pins.json", *pins)
    for xdist in ((), (*NO_HYPOTHESIS, "-p", "xdist", "-n", "2")):  # xdist: an INTERNALERROR
        result = pytester.runpytest(
            "--pin-preflight", "--pin-preflight-allow-private-hosts", *xdist
        )
        assert result.ret == pytest.ExitCode.USAGE_ERROR
        output = result.stdout.str() + result.stderr.str()
        assert output.count("pin-preflight: a proxy") == 1
        assert "Traceback" not in output
        assert "INTERNALERROR" not in output


def test_an_unusable_proxy_does_not_stop_a_run_that_checks_no_pin(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With the calendars configured, a developer's SOCKS proxy stopped every run, unit tests
    # named alone included.
    monkeypatch.setenv("HTTPS_PROXY", "socks5://127.0.0.1:1")  # socksio is not installed
    pin = {
        "board_id": "1",
        "media_source": {"source_type": "image_url", "url": "https://a.b/c.jpg"},
    }
    write_pins(pytester.path / "june.pins.json", pin)
    pytester.makepyfile(test_models="def test_one():\n    assert True\n")
    for argv in (["test_models.py"], ["test_models.py::test_one"], ["-m", "not pin_preflight"]):
        pytester.runpytest("--pin-preflight", *argv).assert_outcomes(passed=1)
    result = pytester.runpytest("--pin-preflight")  # the pins would run: stopped, as before
    assert result.ret == pytest.ExitCode.USAGE_ERROR


def test_library_warnings_while_checking_are_not_the_suites(pytester: pytest.Pytester) -> None:
    # Pillow warns about odd-exif.jpg's EXIF while reading it: the warning was shown under the
    # file's first pin, which has nothing to do with it (and, as an error, failed the photo).
    with serve() as server:

        def pin(title: str, name: str) -> dict[str, object]:
            source = {"source_type": "image_url", "url": server.url(f"/media/{name}")}
            return {"board_id": "549755885175", "title": title, "media_source": source}

        write_pins(
            pytester.path / "exif.pins.json",
            pin("Plain", "photo-baseline.jpg"),
            pin("Odd EXIF", "odd-exif.jpg"),
        )
        for warnings_filter in ("default::UserWarning", "error::UserWarning"):
            result = pytester.runpytest(
                "--pin-preflight", "--pin-preflight-allow-private-hosts", "-W", warnings_filter
            )
            result.assert_outcomes(passed=2)
            assert "Tag data larger than file" not in result.stdout.str()


def test_account_checks_run_with_the_token_the_cli_would_use(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEAM_TOKEN", "pina_good")
    with serve() as media, serve_pinterest() as fake:
        (pytester.path / "pyproject.toml").write_text(
            f'[tool.pin-preflight]\napi-base = "{fake.base}"\ntoken-env = "TEAM_TOKEN"\n'
            "allow-private-hosts = true\n",
            encoding="utf-8",
        )
        url = media.url("/media/photo-baseline.jpg")
        pins = [
            {"board_id": board, "title": title, "media_source": {"source_type": "image_url",
                                                                 "url": url}}
            for board, title in (("1001", "Known board"), ("999", "Unknown board"))
        ]  # fmt: skip
        write_pins(pytester.path / "account.pins.json", *pins)
        result = pytester.runpytest("--pin-preflight")
        result.assert_outcomes(passed=1, failed=1)
        result.stdout.fnmatch_lines(['*_ pin account.pins.json:* "Unknown board" _*'])
        result.stdout.fnmatch_lines(["*board.not_found*"])
        assert "pina_good" not in result.stdout.str()


def test_local_video_files_are_found_beside_the_calendar_whatever_the_working_directory(
    pytester: pytest.Pytester,
) -> None:
    content = pytester.path / "content"
    (content / "clips").mkdir(parents=True)
    shutil.copy(FIXTURES / "media" / "h264-faststart.mp4", content / "clips" / "clip.mp4")
    pin = {
        "board_id": "549755885175",
        "title": "Clip",
        "media_source": {"source_type": "video_id", "media_id": "4876543210987654321",
                         "cover_image_url": "https://cdn.example.com/cover.jpg",
                         "cover_image_content_type": "image/jpeg"},
    }  # fmt: skip
    entry = {"pin": pin, "video_url": "./clips/clip.mp4"}
    other = {**pin, "media_source": {**pin["media_source"], "media_id": "4876543210987654322"}}
    missing = {"pin": other, "video_url": "./clips/missing.mp4"}
    lines = json.dumps(entry) + "\n" + json.dumps(missing) + "\n"
    (content / "june.pins.jsonl").write_text(lines, encoding="utf-8")
    # A test that runs before the calendar's items and leaves the working directory elsewhere.
    (pytester.path / "a_tests").mkdir()
    (pytester.path / "a_tests" / "test_chdir.py").write_text(
        "import os\n\ndef test_chdir(tmp_path):\n    os.chdir(tmp_path)\n", encoding="utf-8"
    )
    result = pytester.runpytest("--pin-preflight", "--pin-preflight-offline", "-p", "no:randomly")
    result.assert_outcomes(passed=2, failed=1)
    # Named as the command line names it, not by the absolute path it was looked for at.
    result.stdout.fnmatch_lines(['*the file "content/clips/missing.mp4" does not exist*'])


def test_pins_are_located_from_where_pytest_started_whatever_the_working_directory(
    pytester: pytest.Pytester,
) -> None:
    # Named relative to the working directory when reported: after a test's chdir, a path that
    # does not exist ("../../tmp/.../content/june.pins.jsonl").
    (pytester.path / "content").mkdir()
    broken = {**WARNED_PIN, "dominant_color": "#FFFFFF", "board_id": None}
    lines = "".join(json.dumps(pin) + "\n" for pin in (broken, WARNED_PIN))
    (pytester.path / "content" / "june.pins.jsonl").write_text(lines, encoding="utf-8")
    (pytester.path / "a_tests").mkdir()
    (pytester.path / "a_tests" / "test_chdir.py").write_text(
        "import os\n\ndef test_chdir(tmp_path):\n    os.chdir(tmp_path)\n", encoding="utf-8"
    )
    result = pytester.runpytest(
        "--pin-preflight", "--pin-preflight-offline", "-p", "no:randomly", "--tb=line"
    )
    result.assert_outcomes(passed=2, failed=1, warnings=1)
    result.stdout.fnmatch_lines(
        ["content/june.pins.jsonl:1: 1 error: board.missing", "  <content/june.pins.jsonl>:2: *"]
    )


def test_a_calendar_is_read_by_its_path_whatever_a_conftest_did_to_the_working_directory(
    pytester: pytest.Pytester,
) -> None:
    # A conftest beside it that changes directory (a common pattern) left the name relative to
    # where pytest started naming no file ("unreadable"), or another file of the same name.
    (pytester.path / "sub").mkdir()
    (pytester.path / "sub" / "conftest.py").write_text(
        "import os\n\nos.chdir(os.path.dirname(os.path.abspath(__file__)))\n", encoding="utf-8"
    )
    broken = {**WARNED_PIN, "dominant_color": "#FFFFFF", "board_id": None}
    lines = "".join(json.dumps(pin) + "\n" for pin in (WARNED_PIN, broken, WARNED_PIN))
    (pytester.path / "sub" / "w.pins.jsonl").write_text(lines, encoding="utf-8")
    (pytester.path / "sub" / "sub").mkdir()  # what "sub/w.pins.jsonl" names from "sub"
    (pytester.path / "sub" / "sub" / "w.pins.jsonl").write_text(
        json.dumps(WARNED_PIN) + "\n", encoding="utf-8"
    )
    result = pytester.runpytest(
        "--pin-preflight", "--pin-preflight-offline", "-p", "no:randomly", "--tb=line",
        "-o", "norecursedirs=sub/sub",
    )  # fmt: skip
    result.assert_outcomes(passed=2, failed=1, warnings=3)  # the colours, and a duplicate
    result.stdout.fnmatch_lines(["sub/w.pins.jsonl:2: 1 error: board.missing"])


def test_a_file_name_holding_colons_is_headed_as_it_is(pytester: pytest.Pytester) -> None:
    # "pin a::b.pins.jsonll:1": the heading cut the item's name by the file name's length, which
    # the name's escaped "::" had made one character longer.
    broken = {**WARNED_PIN, "dominant_color": "#FFFFFF", "board_id": None}
    (pytester.path / "a::b.pins.jsonl").write_text(json.dumps(broken) + "\n", encoding="utf-8")
    result = pytester.runpytest("--pin-preflight", "--pin-preflight-offline", "-p", "no:randomly")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(['_* pin a::b.pins.jsonl:1 "Sandy tote" _*'])


def test_a_bug_while_checking_shows_the_same_traceback_on_every_pin(
    pytester: pytest.Pytester,
) -> None:
    # Raised again for each pin, the kept exception gathered each raise's frames: every pin's
    # report was longer than the one before.
    pytester.makeconftest(
        """
        import validator.engine

        async def broken(self, inputs):
            raise RuntimeError("a bug, not a bad pin")
            yield

        validator.engine.Session.check_all = broken
        """
    )
    pins = [{"board_id": "1", "title": f"Pin {n}"} for n in range(3)]
    write_pins(pytester.path / "bug.pins.json", *pins)
    result = pytester.runpytest_subprocess(*OFFLINE, *NO_HYPOTHESIS)
    result.assert_outcomes(failed=3)
    sections = result.stdout.str().split("_ pin bug.pins.json:")[1:]
    frames = [section.count("pytest_plugin.py:") for section in sections]
    assert len(sections) == 3
    assert frames[0] > 0
    assert frames == [frames[0]] * 3


# --- reruns, options, failure lines and headings ------------------------------------------------


@pytest.mark.parametrize(
    "xdist", [(), (*NO_HYPOTHESIS, "-p", "xdist", "-n", "2")], ids=["", "xdist"]
)
def test_lf_runs_a_file_again_whole_when_its_failing_pins_were_renamed(
    pytester: pytest.Pytester, xdist: tuple[str, ...]
) -> None:
    source = {"source_type": "image_url", "url": "https://cdn.example.com/a.jpg"}
    tulips = {"title": "Tulips", "media_source": source}  # no board
    napkins = {"title": "Napkins", "board_id": "Summer recipes", "media_source": source}
    calendar = pytester.path / "week.pins.json"
    write_pins(calendar, tulips, napkins)
    pytester.runpytest(*OFFLINE, *xdist).assert_outcomes(failed=2)

    # Fixing Tulips adds a line above Napkins: its name (its line) changes.
    write_pins(calendar, {**tulips, "board_id": "549755885175"}, napkins)
    result = pytester.runpytest(*OFFLINE, *xdist, "--lf")

    result.assert_outcomes(passed=1, failed=1)  # was "1 passed": Napkins, failing, not run
    # Under xdist, once at the end (the workers collect, and each has it): it was not said.
    told = "pin-preflight: week.pins.json was edited since its pins *"
    result.stdout.fnmatch_lines([told])
    assert len(fnmatch.filter(result.stdout.lines, told)) == 1
    again = pytester.runpytest(*OFFLINE, *xdist, "--lf")
    again.assert_outcomes(failed=1)  # the stale names are gone: only Napkins runs


def test_the_command_line_undoes_what_the_pyproject_table_says(pytester: pytest.Pytester) -> None:
    write_pins(pytester.path / "warned.pins.json", WARNED_PIN)
    pytester.makepyprojecttoml("[tool.pin-preflight]\nstrict = true\noffline = true\n")
    pytester.runpytest("--pin-preflight").assert_outcomes(failed=1)
    result = pytester.runpytest("--pin-preflight", "--no-pin-preflight-strict")
    result.assert_outcomes(passed=1, warnings=1)


@pytest.mark.parametrize("filters", [False, True], ids=["", "filterwarnings-error"])
def test_an_option_without_the_plugin_on_says_so(pytester: pytest.Pytester, filters: bool) -> None:
    # A warning, under filterwarnings = error: an INTERNALERROR traceback, and no test ran.
    write_pins(pytester.path / "warned.pins.json", WARNED_PIN)
    pytester.makepyfile("def test_own():\n    pass\n")
    if filters:
        pytester.makeini("[pytest]\nfilterwarnings = error\n")
    result = pytester.runpytest("--pin-preflight-offline")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        ["pin-preflight: --pin-preflight-offline given, but pin-preflight is off: turn it on with "
         "--pin-preflight or the pin_preflight_calendars ini setting"]
    )  # fmt: skip
    assert "INTERNALERROR" not in result.stdout.str()
    assert "pytest_plugin.py" not in result.stdout.str()


@pytest.mark.parametrize(
    "xdist", [(), (*NO_HYPOTHESIS, "-p", "xdist", "-n", "2")], ids=["", "xdist"]
)
def test_tb_line_gives_each_failing_pin_its_location(
    pytester: pytest.Pytester, xdist: tuple[str, ...]
) -> None:
    copy_calendars(pytester)
    result = pytester.runpytest(*OFFLINE, *xdist, "--tb=line", "mixed.pins.json")
    section = result.stdout.str().split("= FAILURES =")[1].splitlines()[1:]
    ended = next(i for i, line in enumerate(section) if line.startswith("="))  # the next rule
    lines = sorted(line for line in section[:ended] if line and not line.startswith("[gw"))
    assert lines == [  # one line a pin, as for a Python test (xdist's come in any order)
        "mixed.pins.json:13: 1 error: board.missing",
        "mixed.pins.json:20: 2 errors: board.invalid_id, media.unsupported_format",
        "mixed.pins.json:28: 1 error: video.cover_image_content_type_missing",
        "mixed.pins.json:37: 2 errors: text.title_too_long, text.link_invalid",
        "mixed.pins.json:47: 1 error: carousel.item_count",
    ]


def test_files_of_one_name_in_two_folders_have_headings_of_their_own(
    pytester: pytest.Pytester,
) -> None:
    for folder in ("a", "b"):
        (pytester.path / folder).mkdir()
        write_pins(pytester.path / folder / "week.pins.json", {"title": "Lost"})
        (pytester.path / folder / "broken.pins.json").write_text("[", encoding="utf-8")
    result = pytester.runpytest(*OFFLINE)
    result.stdout.fnmatch_lines(
        [
            "*_ a/broken.pins.json: unreadable _*",
            '*_ pin a/week.pins.json:2 "Lost" _*',
            "*_ b/broken.pins.json: unreadable _*",
            '*_ pin b/week.pins.json:2 "Lost" _*',
        ]
    )


@pytest.mark.parametrize("pattern", ["./content/*.jsonl", "{root}/content/*.jsonl"])
def test_a_pattern_from_here_or_from_the_root_of_the_disk_collects(
    pytester: pytest.Pytester, pattern: str
) -> None:
    content = pytester.path / "content"
    content.mkdir()
    shutil.copy(FIXTURES / "payloads" / "calendar.jsonl", content / "calendar.jsonl")
    pattern = pattern.format(root=pytester.path.as_posix())
    pytester.makeini(f"[pytest]\npin_preflight_calendars = {pattern}\n")
    pytester.runpytest("--pin-preflight-offline").assert_outcomes(passed=3, failed=3)


def test_a_double_star_pattern_matches_no_folder_too(pytester: pytest.Pytester) -> None:
    # fnmatch's "*" crosses "/": content/**/*.jsonl skipped content/top.jsonl, unsaid.
    sub = pytester.path / "content" / "june"
    sub.mkdir(parents=True)
    for where in (pytester.path / "content", sub):
        shutil.copy(FIXTURES / "payloads" / "calendar.jsonl", where / "calendar.jsonl")
    pytester.makeini("[pytest]\npin_preflight_calendars = content/**/*.jsonl\n")
    pytester.runpytest("--pin-preflight-offline").assert_outcomes(passed=6, failed=6)


@pytest.mark.parametrize(
    ("path", "pattern", "matched"),
    [
        ("cal/top.jsonl", "cal/**/*.jsonl", True),
        ("cal/a/b/deep.jsonl", "cal/**/*.jsonl", True),
        ("top.jsonl", "**/*.jsonl", True),
        ("a/b/c", "a/**/b/**/c", True),
        ("a/x/b/y/c", "a/**/b/**/c", True),
        # Not after a "/": fnmatch's "**", a "*" (it glued two names into one).
        ("contentjune.jsonl", "content**/june.jsonl", False),
        ("content-june.jsonl", "content-**/*.jsonl", False),
        ("content-x/june.jsonl", "content-**/*.jsonl", True),
    ],
)
def test_a_double_star_folder_may_be_none(path: str, pattern: str, matched: bool) -> None:
    assert _matches(path, pattern) is matched


def test_patterns_that_match_no_file_say_so(pytester: pytest.Pytester) -> None:
    # testpaths kept pytest out of content/: the run passed, having checked no calendar.
    (pytester.path / "content").mkdir()
    write_pins(pytester.path / "content" / "spring.json", WARNED_PIN)
    pytester.makepyfile(test_shop="def test_cart():\n    pass\n")
    pytester.makepyprojecttoml(
        '[tool.pytest.ini_options]\ntestpaths = ["."]\nnorecursedirs = ["content"]\n'
        'pin_preflight_calendars = ["content/*.json"]\n'
    )
    said = (  # [...] is a character class to fnmatch: ? stands for each bracket
        "pin-preflight: no calendar file matched (pin_preflight_calendars = ?'content/*.json'?)"
        " under the paths pytest collected, so none was checked*"
    )
    for workers in ((), ("-n", "2", *NO_HYPOTHESIS)):  # under xdist, the workers' counts add up
        run = pytester.runpytest_subprocess if workers else pytester.runpytest
        result = run("--pin-preflight-offline", *workers)
        result.assert_outcomes(passed=1)
        result.stdout.fnmatch_lines([said])

        # One test file run on its own has no calendar in it: nothing to say.
        result = run("--pin-preflight-offline", "test_shop.py", *workers)
        result.assert_outcomes(passed=1)
        result.stdout.no_fnmatch_line(said)
        # Found, they are checked.
        result = run("--pin-preflight-offline", "-o", "norecursedirs=", *workers)
        result.assert_outcomes(passed=2, warnings=1)  # the pin's: pin.dominant_color_invalid
        result.stdout.no_fnmatch_line(said)


def test_the_header_names_the_configuration_the_pins_are_checked_with(
    pytester: pytest.Pytester,
) -> None:
    # Found from the rootdir: a pytest.ini above the project's pyproject.toml made the plugin
    # run on the defaults (online, no csv-columns) while the command read the project's, and
    # nothing said which file the plugin had read.
    pytester.makeini("[pytest]\npin_preflight_calendars = site/content/*.json\n")
    site = pytester.mkdir("site")
    (site / "pyproject.toml").write_text("[tool.pin-preflight]\noffline = true\n")
    result = pytester.runpytest("--pin-preflight-offline")
    result.stdout.fnmatch_lines(
        ["pin-preflight: default settings (no [tool.pin-preflight] in a pyproject.toml at or "
         f"above the rootdir, {pytester.path})"]
    )  # fmt: skip
    result = pytester.runpytest("--pin-preflight-offline", "--rootdir", str(site))
    result.stdout.fnmatch_lines([f"pin-preflight: settings from {site / 'pyproject.toml'}"])


def test_an_interrupted_run_does_not_say_no_calendar_was_checked(
    pytester: pytest.Pytester,
) -> None:
    # Under xdist the count comes from the workers as they end cleanly: after Ctrl-C, a run that
    # had checked pins said none matched, and sent the user to check testpaths.
    pytester.makepyprojecttoml(
        '[tool.pytest.ini_options]\npin_preflight_calendars = ["content/*.json"]\n'
    )
    config = pytester.parseconfigure("--pin-preflight-offline")
    checker = config.pluginmanager.get_plugin("pin-preflight-checker")
    said: list[str] = []

    class Reporter:
        def write_line(self, line: str, **markup: bool) -> None:
            said.append(line)

    checker.pytest_terminal_summary(Reporter(), pytest.ExitCode.INTERRUPTED)
    assert said == []
    checker.pytest_terminal_summary(Reporter(), pytest.ExitCode.OK)
    assert said[0].startswith("pin-preflight: no calendar file matched")


def test_a_calendar_beside_testpaths_is_not_counted_as_checked(pytester: pytest.Pytester) -> None:
    # pytest offers the rootdir's own files on its way down to testpaths, then drops them: the
    # calendar offered was counted, and the run stayed silent about checking none.
    write_pins(pytester.path / "week.pins.json", WARNED_PIN)
    (pytester.path / "tests").mkdir()
    (pytester.path / "tests" / "test_shop.py").write_text("def test_cart():\n    pass\n")
    pytester.makepyprojecttoml('[tool.pytest.ini_options]\ntestpaths = ["tests"]\n')
    result = pytester.runpytest("--pin-preflight", "--pin-preflight-offline")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["pin-preflight: no calendar file matched (--pin-preflight)*"])


def test_calendars_lf_skips_are_still_counted_as_matched(pytester: pytest.Pytester) -> None:
    # --lf does not collect a file that had no failures: counted when read, the calendars were
    # "no calendar file matched" on a rerun of one failing Python test.
    (pytester.path / "content").mkdir()
    shutil.copy(VALID_PAYLOADS[0], pytester.path / "content" / "spring.json")
    pytester.makepyfile(test_shop="def test_cart():\n    assert False\n")
    pytester.makepyprojecttoml(
        '[tool.pytest.ini_options]\npin_preflight_calendars = ["content/*.json"]\n'
    )
    pytester.runpytest("--pin-preflight-offline").assert_outcomes(passed=1, failed=1)
    result = pytester.runpytest("--pin-preflight-offline", "--lf")
    result.assert_outcomes(failed=1)
    result.stdout.no_fnmatch_line("*no calendar file matched*")


def test_pytest_run_inside_an_event_loop_checks_the_pins(pytester: pytest.Pytester) -> None:
    # ipytest, or pytest.main awaited in async code: no other loop can run in that thread, and
    # every pin failed on "Runner.run() cannot be called from a running event loop".
    shutil.copy(FIXTURES / "payloads" / "calendar.jsonl", pytester.path / "week.pins.jsonl")

    async def inside() -> pytest.RunResult:
        return pytester.runpytest("--pin-preflight", "--pin-preflight-offline")

    result = asyncio.run(inside())
    result.assert_outcomes(passed=3, failed=3)  # as from a shell
    result.stdout.no_fnmatch_line("*RuntimeError*")


def test_the_plugin_off_imports_nothing_heavy() -> None:
    # pytest imports the plugin in every project that installed pin-preflight: what it imports
    # there is paid by every test run. asyncio alone cost 14 ms of it.
    script = (
        "import sys, validator.pytest_plugin\n"
        "print(sorted(m for m in ('asyncio', 'httpx', 'PIL', 'pydantic', 'rich') "
        "if m in sys.modules))"
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout == "[]\n"


def test_a_pin_timed_out_while_its_file_is_checked_leaves_the_others_their_findings(
    pytester: pytest.Pytester,
) -> None:
    # pytest-timeout's signal method raises pytest.fail from SIGALRM: the first pin, which
    # checks the whole file, failed, and every other pin then failed with an IndexError.
    timeout_per_pin(pytester, 0.3, only='"First"')
    with serve(latency=0.5) as server:
        write_pins(
            pytester.path / "slow.pins.json",
            url_pin("First", server.url("/media/photo-baseline.jpg")),
            url_pin("Second", server.url("/media/square.jpg")),
            url_pin("Gone", server.url("/status/404")),
            url_pin("Offline fail", server.url("/media/tall.jpg"), board="Bad board"),
        )
        result = pytester.runpytest("--pin-preflight", "--pin-preflight-allow-private-hosts")
    result.assert_outcomes(passed=1, failed=3)
    output = result.stdout.str()
    assert "Timeout (>0.3s)" in output
    assert "IndexError" not in output
    result.stdout.fnmatch_lines(["*1 error: media.not_found*", "*1 error: board.invalid_id*"])


def test_a_pin_does_not_wait_for_a_slow_url_after_it(pytester: pytest.Pytester) -> None:
    # The first pin checked its whole file: under pytest-timeout, every pin run while a later
    # URL of the file was still slow failed on the timeout, its own URL answered long before.
    timeout_per_pin(pytester, 1.5)
    with serve() as server:
        write_pins(
            pytester.path / "week.pins.json",
            url_pin("Good", server.url("/media/photo-baseline.jpg")),
            url_pin("Good too", server.url("/media/square.jpg")),
            url_pin("Slow", server.url("/hang/tall.jpg")),  # no answer for 3 s
        )
        result = pytester.runpytest("--pin-preflight", "--pin-preflight-allow-private-hosts")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        ['FAILED week.pins.json::week.pins.json:18 "Slow" - Failed: Timeout*']
    )


def test_a_timeout_raised_while_many_pins_wait_fails_only_the_pins_that_waited(
    pytester: pytest.Pytester,
) -> None:
    # Raised inside the checks' loop, the timeout ended a probe's task, and every later pin of
    # the file failed at once with the same "Timeout" (286 of 401 in a review's run).
    timeout_per_pin(pytester, 1.0)
    pytester.makepyprojecttoml("[tool.pin-preflight]\ndeadline = 2.0\nretries = 0\n")
    with serve() as server:
        photos = [url_pin(f"Photo {n}", server.url(f"/media/photo-baseline.jpg?v={n}"))
                  for n in range(20)]  # fmt: skip
        slow = url_pin("Slow", server.url("/hang/tall.jpg"))  # no answer for 3 s
        write_pins(pytester.path / "week.pins.json", photos[0], slow, *photos[1:])
        result = pytester.runpytest("--pin-preflight", "--pin-preflight-allow-private-hosts")
    output = result.stdout.str()
    failed = [line for line in output.splitlines() if line.startswith("FAILED ")]
    assert failed[0].startswith('FAILED week.pins.json::week.pins.json:10 "Slow" - Failed: Timeout')
    assert all("Failed: Timeout" in line for line in failed)  # a wait cut short, nothing else
    assert len(failed) <= 3  # the slow pin, and those waiting behind it until it timed out
    assert "Photo 19" not in output.rpartition("short test summary info")[2]


def test_the_checks_run_on_no_thread_a_signal_reaches(pytester: pytest.Pytester) -> None:
    # Python runs signal handlers in the main thread: a timeout's pytest.fail raised there ended
    # whatever task of the checks' loop was running, a probe shared by later pins among them.
    pytester.makeconftest(
        """
        import threading

        import validator.engine

        stage = validator.engine.Engine.offline_stage

        def recorded(self, item, **options):
            with open("threads.txt", "a") as out:
                out.write(threading.current_thread().name + "\\n")
            return stage(self, item, **options)

        validator.engine.Engine.offline_stage = recorded
        """
    )
    write_pins(pytester.path / "week.pins.json", WARNED_PIN, {**WARNED_PIN, "title": "Other"})
    assert pytester.runpytest(*OFFLINE).ret == pytest.ExitCode.OK
    threads = (pytester.path / "threads.txt").read_text().split()
    assert len(threads) == 2
    assert threading.main_thread().name not in threads


def test_reports_taken_while_an_earlier_pin_waited_need_no_wait_of_their_own(
    pytester: pytest.Pytester,
) -> None:
    # Each item ran the loop for its own report: 5,000 offline pins took 60 % longer.
    pytester.makeconftest(
        """
        from validator import pytest_plugin

        run = pytest_plugin._Checker._run

        def counted(self, work):
            with open("runs.txt", "a") as out:
                out.write("run\\n")
            return run(self, work)

        pytest_plugin._Checker._run = counted
        """
    )
    pins = [{**WARNED_PIN, "title": f"Pin {n}", "dominant_color": "#AABBCC"} for n in range(300)]
    write_pins(pytester.path / "many.pins.json", *pins)
    pytester.runpytest(*OFFLINE).assert_outcomes(passed=300)
    runs = (pytester.path / "runs.txt").read_text().split()
    assert len(runs) <= 10  # the session opened, and a few waits: not one per pin
