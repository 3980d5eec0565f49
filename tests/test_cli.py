"""The command line, run in-process (fast) and once as a real subprocess (the install works)."""

from __future__ import annotations

import gc
import importlib.util
import io
import json
import os
import platform
import select
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from media_server import serve
from support import FIXTURES, ROOT, sigterm_is_ours_to_take

from validator import cli
from validator.cli import EXIT_ERRORS, EXIT_OK, EXIT_UNUSABLE, _parser, main
from validator.codes import CATALOGUE

MIXED = str(FIXTURES / "payloads" / "mixed.json")
CALENDAR = str(FIXTURES / "payloads" / "calendar.jsonl")
VALID = str(FIXTURES / "payloads" / "valid" / "image-url.json")
SCHEMA = json.loads((ROOT / "docs" / "report-v1.schema.json").read_text(encoding="utf-8"))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["check", "--offline", *argv] if argv and argv[0] != "codes" else list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_valid_file_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, VALID)
    assert status == EXIT_OK
    assert "1 pin checked: 1 ok" in out


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_run_in_a_longer_process_leaves_the_garbage_collector_alone(
    capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    # main() may run inside a longer process: it froze what it loaded, then unfroze everything,
    # a host's own freeze (made before the command line was imported) with it. Python 3.12
    # freezes 375 objects of its own at start, which read as a host's left every run frozen.
    # (A frozen object that dies leaves the count: it may drop a little, never rise.)
    before = gc.get_freeze_count()
    run(capsys, "--format", fmt, CALENDAR)
    assert gc.get_freeze_count() <= before  # nothing of the run's was frozen
    gc.freeze()  # a host's own freeze
    try:
        frozen = gc.get_freeze_count()
        run(capsys, "--format", fmt, CALENDAR)
        assert frozen * 0.9 < gc.get_freeze_count() <= frozen  # not thawed, nothing added
    finally:
        gc.unfreeze()


def test_the_command_s_own_process_freezes_what_it_loaded(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The console script's process ends with the run: its modules and kept reports are frozen,
    # so that the collector's full passes skip them (13 % of a 100,000-row run).
    before = gc.get_freeze_count()
    try:
        assert main(["check", "--offline", "--format", "json", CALENDAR], own_process=True) == 1
        assert gc.get_freeze_count() > before
    finally:
        gc.unfreeze()
    capsys.readouterr()


def test_findings_exit_one_and_are_grouped_per_pin_with_location(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = run(capsys, MIXED)
    assert status == EXIT_ERRORS
    assert 'mixed.json:20 "Peach galette"' in out
    assert "error board.invalid_id (board_id)" in out
    assert "Fix input:" in out


def test_quiet_lists_only_failing_pins(capsys: pytest.CaptureFixture[str]) -> None:
    _, normal, _ = run(capsys, MIXED, CALENDAR)
    _, quiet, _ = run(capsys, "-q", MIXED, CALENDAR)
    assert "warning" in normal
    assert "warning pin.dominant_color_invalid" not in quiet
    assert "calendar.jsonl:3" in quiet


def test_strict_makes_warnings_fail(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pin = json.loads(Path(VALID).read_text(encoding="utf-8"))
    pin["dominant_color"] = "sand"
    path = tmp_path / "pin.json"
    path.write_text(json.dumps(pin), encoding="utf-8")
    assert run(capsys, str(path))[0] == EXIT_OK
    assert run(capsys, "--strict", str(path))[0] == EXIT_ERRORS


def test_json_report_follows_the_published_schema(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--format", "json", MIXED, CALENDAR)
    document = json.loads(out)
    jsonschema.validate(document, SCHEMA)
    assert status == EXIT_ERRORS
    assert document["summary"] == {"pins": 13, "ok": 5, "failed": 8, "errors": 10, "warnings": 3}
    locations = [result["location"] for result in document["results"]]
    assert locations[0].endswith("mixed.json:2")
    assert any(loc.endswith("calendar.jsonl:3") for loc in locations)


def test_stdin_is_read_with_a_dash(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO('{"board_id": "Recipes"}\n'))
    status, out, _ = run(capsys, "--format", "json", "-")
    assert status == EXIT_ERRORS
    assert json.loads(out)["results"][0]["location"] == "<stdin>:1"


@pytest.mark.parametrize(
    ("content", "message", "checked"),
    [("", "empty", "1 pin checked"), ('[{"a": 1},\n {"b": ]', ":2:", "2 pins checked")],
    ids=["empty file", "syntax error"],
)
def test_unreadable_file_exits_two_with_location_and_other_files_still_run(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str, message: str, checked: str
) -> None:
    """Pins read before the broken spot are kept: nothing that was readable is lost."""
    broken = tmp_path / "broken.json"
    broken.write_text(content, encoding="utf-8")
    status, out, err = run(capsys, str(broken), VALID)
    assert status == EXIT_UNUSABLE
    assert "broken.json" in err
    assert message in err
    assert "Traceback" not in err
    assert checked in out
    # ... and the summary names it: its error may be far up a CI log, the status 2 unexplained.
    assert f"1 file not read, or not to the end: {broken} (see above)" in out


def test_missing_file_and_bad_option_exit_two(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "no-such-file.json")
    assert status == EXIT_UNUSABLE
    assert "no-such-file.json" in err
    assert main(["check", "--format", "yaml", VALID]) == EXIT_UNUSABLE
    assert main([]) == EXIT_UNUSABLE


def test_codes_lists_and_explains(capsys: pytest.CaptureFixture[str]) -> None:
    status, listing, _ = run(capsys, "codes")
    assert status == EXIT_OK
    assert "board.missing" in listing
    assert "media.unsupported_format" in listing
    status, one, _ = run(capsys, "codes", "board.invalid_id")
    assert status == EXIT_OK
    assert "numeric" in one
    status, _, err = run(capsys, "codes", "board.mising")
    assert status == EXIT_UNUSABLE
    assert "did you mean board.missing" in err


def test_codes_as_json_and_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "codes", "--format", "json")
    entries = json.loads(out)
    assert {"code", "severity", "action", "summary", "why", "fix"} <= set(entries[0])
    _, table, _ = run(capsys, "codes", "--format", "markdown")
    assert table.startswith("| code |")
    assert table.count("\n") == len(entries) + 2


def test_codes_takes_what_select_takes(capsys: pytest.CaptureFixture[str]) -> None:
    _, category, _ = run(capsys, "codes", "media")
    listed = [line.split()[0] for line in category.splitlines()]
    assert listed
    assert all(code.startswith("media.") for code in listed)
    _, prefix, _ = run(capsys, "codes", "media.url")
    assert [line.split()[0] for line in prefix.splitlines()] == [
        code for code in listed if code.startswith("media.url")
    ]
    status, one, _ = run(capsys, "codes", "BOARD.MISSING")  # codes are lower case
    assert status == EXIT_OK
    assert one.startswith("board.missing  (error")
    _, row, _ = run(capsys, "codes", "board.missing", "--format", "markdown")
    assert row.startswith("| code |")
    assert row.count("\n") == 3  # heading, rule, the one code
    _, document, _ = run(capsys, "codes", "board", "--format", "json")
    board = [entry["code"] for entry in json.loads(document)]
    assert board == [code for code in CATALOGUE if code.startswith("board.")]
    status, _, err = run(capsys, "codes", "boardd")
    assert status == EXIT_UNUSABLE
    assert "did you mean board?" in err
    # --select takes what codes takes, in any case too
    status, out, _ = run(capsys, "--select", "MEDIA", "--format", "json", MIXED)
    assert status == EXIT_ERRORS
    found = {f["code"] for r in json.loads(out)["results"] for f in r["findings"]}
    assert found == {"media.unsupported_format"}


def test_the_readme_codes_table_is_the_generated_one(capsys: pytest.CaptureFixture[str]) -> None:
    _, table, _ = run(capsys, "codes", "--format", "markdown")
    assert table in (ROOT / "README.md").read_text(encoding="utf-8")


def test_python_dash_m_runs_the_cli() -> None:
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "validator", "check", "--offline", "--format", "json", MIXED],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == EXIT_ERRORS
    assert json.loads(done.stdout)["summary"]["pins"] == 7


def test_text_summary_names_remedies_and_top_codes(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, MIXED, CALENDAR)
    tail = out.splitlines()[-3:]
    assert tail[0] == "13 pins checked: 5 ok, 8 failed · 10 errors, 3 warnings"
    assert tail[1] == "Errors by remedy: Fix input: 10"
    assert tail[2].startswith("Top codes: calendar.row_malformed ×2 · ")


def parse_junit(document: str) -> ET.Element:
    return ET.fromstring(document.encode("utf-8"))  # noqa: S314 - our own output


def test_junit_format_goes_alone_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "--format", "junit", MIXED, CALENDAR)
    assert status == EXIT_ERRORS
    root = parse_junit(out)
    assert (root.attrib["tests"], root.attrib["failures"], root.attrib["errors"]) == (
        "13",
        "8",
        "0",
    )
    assert [suite.attrib["name"] for suite in root] == [MIXED, CALENDAR]
    assert [len(suite) for suite in root] == [7, 6]
    assert err == ""


def test_junit_shows_an_unreadable_file_as_an_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = str(tmp_path / "missing.json")
    status, out, err = run(capsys, "--format", "junit", VALID, missing)
    assert status == EXIT_UNUSABLE
    assert "missing.json: no such file" in err
    root = parse_junit(out)
    assert root.attrib["errors"] == "1"
    error = root.find(f"testsuite[@name='{missing}']/testcase/error")
    assert error is not None
    assert error.attrib["message"] == f"{missing}: no such file"


def test_github_format_annotates_every_finding(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--format", "github", MIXED, CALENDAR)
    assert status == EXIT_ERRORS
    annotations = [line for line in out.splitlines() if line.startswith("::")]
    assert len(annotations) == 13
    assert sum(line.startswith("::warning ") for line in annotations) == 3
    galette = f"::error file={MIXED.replace(':', '%3A')},line=20,title=board.invalid_id::"
    assert any(line.startswith(galette) for line in annotations)
    assert out.splitlines()[len(annotations)].startswith("13 pins checked: ")


def test_github_format_on_stdin_has_no_file(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO('{"board_id": "Recipes"}\n'))
    _, out, _ = run(capsys, "--format", "github", "-")
    assert out.startswith("::error title=board.invalid_id::<stdin>:1 (board_id): ")


@pytest.mark.parametrize("report_format", ["json", "junit", "github"])
def test_output_writes_the_format_to_a_file_and_keeps_text_on_the_terminal(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, report_format: str
) -> None:
    target = tmp_path / f"report.{report_format}"
    status, out, _ = run(capsys, "--format", report_format, "--output", str(target), MIXED)
    _, alone, _ = run(capsys, "--format", report_format, MIXED)
    _, as_text, _ = run(capsys, MIXED)
    assert status == EXIT_ERRORS
    assert target.read_text(encoding="utf-8") == alone
    assert out == as_text
    assert "7 pins checked" in out


@pytest.mark.parametrize("flags", [[], ["-q"], ["-v"]])
@pytest.mark.parametrize(
    "pins",
    [
        '{"board_id": "1", "title": "t", "dominant_color": "sand", "media_source": '
        '{"source_type": "image_url", "url": "https://cdn.example.com/a.jpg"}}\n',  # a warning
        '{"board_id": "1", "media_source": {"source_type": "image_url", "url": "x"}}\n',  # error
        '{"board_id": "1", "media_source": '  # no finding at all
        '{"source_type": "image_url", "url": "https://cdn.example.com/a.jpg"}}\n',
    ],
)
def test_a_text_output_file_holds_what_the_terminal_shows(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, flags: list[str], pins: str
) -> None:
    # The blank line before the summary came by two rules: after any pin in the file, only
    # after failures (and not with -q) on the terminal.
    calendar = tmp_path / "calendar.jsonl"
    calendar.write_text(pins, encoding="utf-8")
    target = tmp_path / "report.txt"
    _, out, _ = run(capsys, *flags, "--output", str(target), str(calendar))
    assert target.read_text(encoding="utf-8") == out
    _, alone, _ = run(capsys, *flags, str(calendar))
    assert alone == out


def test_text_output_file_is_plain_even_when_the_terminal_has_colours(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    target = tmp_path / "report.txt"
    status, out, _ = run(capsys, "-q", "--output", str(target), MIXED)
    written = target.read_text(encoding="utf-8")
    assert status == EXIT_ERRORS
    assert "\x1b[" in out  # the terminal is coloured ...
    assert "\x1b[" not in written  # ... the file is not
    assert written.startswith(f'✗ {MIXED}:13 "Summer hats" — 1 error\n')
    assert "warning text.description_long" not in written  # --quiet applies to the file too
    assert written.endswith(
        "Top codes: board.invalid_id ×1 · board.missing ×1 · carousel.item_count ×1 · "
        "media.unsupported_format ×1 · pin.dominant_color_invalid ×1 · 5 other codes\n"
    )


def _calendar_copy(folder: Path) -> tuple[Path, str]:
    """A calendar of one's own to try to overwrite, and what it holds."""
    calendar = folder / "calendar.json"
    calendar.write_text(Path(VALID).read_text(encoding="utf-8"), encoding="utf-8")
    return calendar, calendar.read_text(encoding="utf-8")


def test_output_refuses_to_overwrite_an_input_or_write_nowhere(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    calendar, before = _calendar_copy(tmp_path)
    status, _, err = run(capsys, "--format", "junit", "--output", str(calendar), str(calendar))
    assert status == EXIT_UNUSABLE
    assert "is also an input file" in err
    assert calendar.read_text(encoding="utf-8") == before
    status, out, err = run(capsys, "--output", str(tmp_path / "no" / "such" / "dir.xml"), VALID)
    assert status == EXIT_UNUSABLE
    assert "--output" in err
    assert "cannot write it" in err
    assert out == ""  # refused before checking anything


def test_output_refuses_a_hard_link_of_an_input(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    calendar, before = _calendar_copy(tmp_path)
    os.link(calendar, tmp_path / "link.json")

    output = str(tmp_path / "link.json")
    status, _, err = run(capsys, "--format", "json", "-o", output, str(calendar))

    assert status == EXIT_UNUSABLE
    assert "is also an input file" in err
    assert calendar.read_text(encoding="utf-8") == before


def test_a_file_given_twice_is_checked_once(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "--format", "json", VALID, VALID, str(Path(VALID).resolve()))
    assert status == EXIT_OK
    assert json.loads(out)["summary"]["pins"] == 1  # one pin in the file, not three
    assert err.count("is given twice: checked once") == 2


def test_standard_input_reading_a_file_given_is_that_file(tmp_path: Path) -> None:
    # "-" had no identity: `- in.json < in.json` checked every pin twice, and
    # `- -o in.json < in.json` replaced the calendar with the report.
    calendar = tmp_path / "in.json"
    before = Path(MIXED).read_text(encoding="utf-8")
    calendar.write_text(before, encoding="utf-8")

    def check(*argv: str) -> subprocess.CompletedProcess[str]:
        with calendar.open(encoding="utf-8") as stdin:
            return subprocess.run(  # noqa: S603 - our own interpreter and module
                [sys.executable, "-m", "validator", "check", "--offline", "-q", *argv],
                stdin=stdin, capture_output=True, text=True, check=False, timeout=60,
            )  # fmt: skip

    twice = check("--format", "json", "-", str(calendar))
    once = check("--format", "json", str(calendar))
    assert json.loads(twice.stdout)["summary"] == json.loads(once.stdout)["summary"]
    assert "in.json is given twice: checked once" in twice.stderr
    overwrite = check("--format", "json", "-o", str(calendar), "-")
    assert overwrite.returncode == EXIT_UNUSABLE
    assert "is also an input file" in overwrite.stderr
    assert calendar.read_text(encoding="utf-8") == before


def test_a_notice_masks_a_token_and_needs_no_standard_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    token = "pina_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
    status, _, err = run(capsys, token, token)
    assert status == EXIT_UNUSABLE  # no such file
    assert token not in err
    assert "(a token: not shown) is given twice" in err
    # Started with standard error closed, the notice crashed a clean run into exit 1.
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "validator", "check", "--offline", VALID, VALID],
        stdout=subprocess.DEVNULL, check=False, timeout=60,
        preexec_fn=lambda: os.close(2),  # in the child, before it starts: no standard error
    )  # fmt: skip
    assert done.returncode == EXIT_OK


def test_a_hard_link_of_a_file_given_is_the_same_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    calendar = tmp_path / "calendar.json"
    calendar.write_text(Path(VALID).read_text(encoding="utf-8"), encoding="utf-8")
    os.link(calendar, tmp_path / "link.json")  # in one folder: a hard link cannot cross devices
    status, out, err = run(capsys, "--format", "json", str(calendar), str(tmp_path / "link.json"))
    assert status == EXIT_OK
    assert json.loads(out)["summary"]["pins"] == 1
    assert "link.json is given twice" in err


def test_closed_standard_input_is_a_clear_error() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "validator", "check", "--offline", "-"],
        capture_output=True,
        text=True,
        check=False,
        preexec_fn=lambda: os.close(0),  # the child starts with standard input closed (<&-)
    )
    assert done.returncode == EXIT_UNUSABLE
    assert "standard input is closed" in done.stderr
    assert "Traceback" not in done.stderr


def codes_in(out: str) -> set[str]:
    return {f["code"] for result in json.loads(out)["results"] for f in result["findings"]}


def test_select_and_ignore_take_ids_prefixes_commas_and_repeats(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, out, _ = run(capsys, "--format", "json", MIXED, CALENDAR)
    everything = codes_in(out)
    assert {"board.missing", "board.invalid_id", "media.unsupported_format"} <= everything
    _, out, _ = run(capsys, "--format", "json", "--select", "board", MIXED, CALENDAR)
    # ... and the rows that could not be read, which are never left out
    assert codes_in(out) == {c for c in everything if c.startswith("board.")} | {
        "calendar.row_malformed"
    }
    _, out, _ = run(
        capsys, "--format", "json", "--select", "media.,text.link_invalid", "--select",
        "board.missing", MIXED,
    )  # fmt: skip
    assert codes_in(out) == {"media.unsupported_format", "text.link_invalid", "board.missing"}
    _, out, _ = run(capsys, "--format", "json", "--ignore", "board, pin", MIXED, CALENDAR)
    assert codes_in(out) == {c for c in everything if not c.startswith(("board.", "pin."))}


def test_ignoring_every_failing_code_makes_the_run_pass(capsys: pytest.CaptureFixture[str]) -> None:
    failing = "board,media,text,carousel,video,calendar"
    status, out, _ = run(capsys, "--ignore", failing, MIXED)
    assert status == EXIT_OK
    assert "7 pins checked: 7 ok, 0 failed" in out


@pytest.mark.parametrize("flags", [["--ignore", "calendar"], ["--select", "board"]])
def test_a_row_that_could_not_be_read_never_passes_whatever_is_selected(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, flags: list[str]
) -> None:
    # A line of garbage was "1 ok": its one finding was left out, and nothing else was checked.
    calendar = tmp_path / "pins.jsonl"
    good = {"board_id": "549755885175", "media_source": {"source_type": "image_url",
            "url": "https://cdn.example.com/a.jpg"}}  # fmt: skip
    calendar.write_text(f"not json\n{json.dumps(good)}\n", encoding="utf-8")
    status, out, _ = run(capsys, "--format", "json", *flags, str(calendar))
    assert status == EXIT_ERRORS
    document = json.loads(out)
    assert [result["ok"] for result in document["results"]] == [False, True]
    assert codes_in(out) == {"calendar.row_malformed"}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--select", "board.mising"], "--select: no code matches 'board.mising'; did you mean"),
        (["--ignore", "media,bord"], "--ignore: no code matches 'bord'; did you mean board?"),
        (["--select", " , "], "--select: no code given"),
    ],
)
def test_unknown_selector_exits_two_naming_the_flag(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    status, out, err = run(capsys, *argv, VALID)
    assert status == EXIT_UNUSABLE
    assert message in err
    assert err.count("\n") == 1
    assert out == ""


def test_unknown_selector_in_pyproject_exits_two_naming_the_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.pin-preflight]\nignore = ["medai"]\n', encoding="utf-8")
    status, _, err = run(capsys, "--config", str(pyproject), VALID)
    assert status == EXIT_UNUSABLE
    assert str(pyproject) in err
    assert "'medai'" in err


def test_a_flag_does_not_hide_a_broken_value_in_the_config(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # A hook that passes --strict would otherwise pass a file that fails everywhere else.
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.pin-preflight]\nstrict = "yes"\n', encoding="utf-8")
    status, _, err = run(capsys, "--strict", "--config", str(pyproject), VALID)
    assert status == EXIT_UNUSABLE
    assert f"{pyproject} [tool.pin-preflight]: strict: " in err


def test_a_config_named_without_the_table_is_an_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = tmp_path / "ci.toml"
    config.write_text("[pin-preflight]\nstrict = true\n", encoding="utf-8")  # `tool.` left out
    status, out, err = run(capsys, "--config", str(config), VALID)
    assert status == EXIT_UNUSABLE
    assert "has no [tool.pin-preflight] table" in err
    assert out == ""


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("folder", "is a folder; name its pyproject.toml"),
        ("missing.toml", "no such file"),
        ("pipe", "not a file (a TOML file is read whole, by name)"),  # <(...), /dev/stdin
        # Not to be looked at: a traceback, as for a folder this user may not enter (root may).
        ("a" * 300 + "/pyproject.toml", "cannot read it: File name too long"),
    ],
    ids=["folder", "missing", "pipe", "unreadable"],
)
def test_a_config_that_is_no_file_says_what_it_is(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, expected: str
) -> None:
    (tmp_path / "folder").mkdir()
    os.mkfifo(tmp_path / "pipe")
    status, _, err = run(capsys, "--config", str(tmp_path / name), VALID)
    assert status == EXIT_UNUSABLE
    assert err == f"pin-preflight: error: --config {tmp_path / name}: {expected}\n"


@pytest.mark.parametrize(
    ("argv", "argument"),
    [
        (["", VALID], "PATH"),
        (["--config", "", VALID], "--config"),
        (["-o", "", VALID], "-o/--output"),
        (["explain", " "], "RESPONSE"),
    ],
    ids=["path", "config", "output", "explain"],
)
def test_an_empty_file_name_is_refused(
    capsys: pytest.CaptureFixture[str], argv: list[str], argument: str
) -> None:
    # Path("") is the working folder: ": is a directory", "--config .: is a folder".
    status = main(argv) if argv[0] == "explain" else main(["check", "--offline", *argv])
    out, err = capsys.readouterr()
    assert (status, out) == (EXIT_UNUSABLE, "")
    assert err.endswith(f"error: argument {argument}: an empty name: name a file\n")


def test_a_terminal_width_of_zero_is_no_width(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # rich took COLUMNS=0 for a width: the summary (and, on a terminal, everything) was lost.
    monkeypatch.setenv("COLUMNS", "0")
    status, out, _ = run(capsys, "-v", VALID)
    assert status == EXIT_OK
    assert "1 pin checked: 1 ok" in out
    assert "image-url.json:1" in out  # the pin's own line too


def test_an_unknown_format_lists_the_choices(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "--format", "xml", VALID)
    assert status == EXIT_UNUSABLE
    assert err.startswith("usage: pin-preflight check [-h] [--format {text,json,junit,github}]")
    assert err.endswith(
        "error: argument --format: invalid choice: 'xml' "
        "(choose from 'text', 'json', 'junit', 'github')\n"
    )


@pytest.mark.parametrize(
    ("argv", "usage", "said"),
    [
        (
            ["check", "--formt", "json", VALID],
            "usage: pin-preflight check ",
            "pin-preflight check: error: unrecognized arguments: --formt; did you mean --format?",
        ),
        (
            ["check", "--ofline", VALID],
            "usage: pin-preflight check ",
            "unrecognized arguments: --ofline; did you mean --offline?",
        ),
        (
            ["chek", VALID],
            "usage: pin-preflight [-h]",
            "invalid choice: 'chek' (choose from 'check', 'codes', 'explain', 'demo'); "
            "did you mean check?",
        ),
        (
            ["check", "--format", "jsn", VALID],
            "usage: pin-preflight check ",
            "; did you mean json?",
        ),
        (
            ["codes", "a", "b"],
            "usage: pin-preflight codes ",
            "pin-preflight codes: error: unrecognized arguments: b",
        ),
        (
            ["--quiet", "check", VALID],
            "usage: pin-preflight [-h]",
            "pin-preflight: error: --quiet goes after the command: pin-preflight check --quiet",
        ),
        (
            ["-x", "check", VALID],
            "usage: pin-preflight [-h]",
            "pin-preflight: error: unrecognized arguments: -x\n",
        ),
        (  # nothing close: no guess
            ["check", VALID, "--bogus"],
            "usage: pin-preflight check ",
            "unrecognized arguments: --bogus\n",
        ),
        (  # argparse would ask for PATH first, hiding the typo
            ["check", "--ofline"],
            "usage: pin-preflight check ",
            "unrecognized arguments: --ofline; did you mean --offline?",
        ),
        (
            ["--verison"],
            "usage: pin-preflight [-h]",
            "pin-preflight: error: unrecognized arguments: --verison; did you mean --version?",
        ),
        (  # before the command, and no PATH: the typo first, then where flags go
            ["--ofline", "check"],
            "usage: pin-preflight [-h]",
            "unrecognized arguments: --ofline; did you mean --offline? A command's flags go "
            "after it: pin-preflight check FLAGS …",
        ),
        (  # a file name a glob matched, taken for a flag: no line or colour of its own
            ["check", VALID, "--x\n::error::forged\x1b[2J.json"],
            "usage: pin-preflight check ",
            "unrecognized arguments: --x\\n::error::forged\\x1b[2J.json\n",
        ),
        (  # flags it knows, abbreviated or not: only PATH is missing
            ["check", "--off", "-q", "--format=json", "--"],
            "usage: pin-preflight check ",
            "the following arguments are required: PATH\n",
        ),
        (  # its value was taken for the command: "invalid choice: 'json'"
            ["--format", "json", "check", VALID],
            "usage: pin-preflight [-h]",
            "pin-preflight: error: --format goes after the command: "
            "pin-preflight check --format json …\n",
        ),
        (
            ["-o", "r.json", "check", VALID],
            "usage: pin-preflight [-h]",
            "pin-preflight: error: -o goes after the command: pin-preflight check -o r.json …\n",
        ),
    ],
    ids=[
        "flag",
        "flag-of-a-pair",
        "command",
        "choice",
        "extra-argument",
        "before-the-command",
        "unknown-before-the-command",
        "nothing-close",
        "flag-and-no-path",
        "flag-and-no-command",
        "flag-before-the-command-and-no-path",
        "file-name-taken-for-a-flag",
        "no-path",
        "flag-and-value-before-the-command",
        "short-flag-and-value-before-the-command",
    ],
)
def test_a_mistyped_flag_or_command_gets_its_command_s_usage_and_a_suggestion(
    capsys: pytest.CaptureFixture[str], argv: list[str], usage: str, said: str
) -> None:
    assert main(argv) == EXIT_UNUSABLE
    err = capsys.readouterr().err
    assert err.startswith(usage)
    assert said in err
    assert err.count("did you mean") <= 1


def test_a_choice_is_suggested_however_argparse_quotes_the_choices(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Python 3.12.7+ lists the choices without quotes (gh-117766).
    parser = _parser()
    for listed in ("'check', 'codes', 'explain', 'demo'", "check, codes, explain, demo"):
        with pytest.raises(SystemExit):
            parser.error(f"argument COMMAND: invalid choice: 'chek' (choose from {listed})")
        assert capsys.readouterr().err.endswith("; did you mean check?\n")


def test_a_token_pasted_into_a_pin_is_not_repeated_in_any_report(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    token = "pina_" + "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
    pin = {"board_id": token, "title": f"New {token}", "media_source": {"source_type": "x"}}
    calendar = tmp_path / "pins.json"
    calendar.write_text(json.dumps(pin), encoding="utf-8")
    for shape in ("text", "json", "junit", "github"):
        status, out, err = run(capsys, "--offline", "--format", shape, str(calendar))
        assert status == 1
        assert "board.invalid_id" in out
        assert token not in out + err
        assert "(a token: not shown)" in out


def test_select_and_ignore_that_cancel_out_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "--select", "board.missing", "--ignore", "board", MIXED)
    assert status == EXIT_UNUSABLE
    assert "--select with --ignore: ignore takes out every code select chose" in err
    assert out == ""


def test_output_refuses_to_overwrite_the_config(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "pyproject.toml"
    config.write_text("[tool.pin-preflight]\nstrict = false\n", encoding="utf-8")
    status, _, err = run(capsys, "--config", str(config), "-o", str(config), VALID)
    assert status == EXIT_UNUSABLE
    assert "is the configuration file" in err
    monkeypatch.chdir(tmp_path)  # found, not named: still read, so still not overwritten
    status, _, err = run(capsys, "-o", "pyproject.toml", VALID)
    assert status == EXIT_UNUSABLE
    assert config.read_text(encoding="utf-8") == "[tool.pin-preflight]\nstrict = false\n"


def test_a_run_from_a_deleted_folder_checks_what_it_was_given(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    status, out, _ = run(capsys, "-o", str(tmp_path / "report.json"), "--format", "json", VALID)
    assert status == EXIT_OK
    assert "1 pin checked: 1 ok" in out
    assert json.loads((tmp_path / "report.json").read_text())["summary"]["pins"] == 1


def _wait_until_idle(pid: int, timeout: float = 30.0) -> None:
    """Until the process is blocked reading standard input (its imports done).

    A fixed sleep is a race on a slow machine: a SIGINT during the imports is another test. On
    x86-64 the system says which call waits (``read`` is 0, standard input fd 0); elsewhere, a
    process asleep without using the CPU for 0.25 s is taken to be there.
    """
    stat, syscall = Path(f"/proc/{pid}/stat"), Path(f"/proc/{pid}/syscall")
    exact = platform.machine() == "x86_64"
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        time.sleep(0.25)
        fields = stat.read_text().rpartition(")")[2].split()
        used = (fields[11], fields[12])  # utime, stime: unchanged over 0.25 s means idle
        if used == last and fields[0] == "S":
            try:
                waiting = syscall.read_text().split()[:2]
            except OSError:  # not ours to read: the idle test alone
                return
            if not exact or waiting == ["0", "0x0"]:
                return
        last = used
    raise AssertionError(f"process {pid} never went idle on standard input")


# The command as a terminal starts it: with Ctrl-C's default handler. A test run started in the
# background of a script (`pytest &`) has SIGINT ignored, its children too, and the command keeps
# that choice (a host's, like nohup's): the interrupt these tests send would never come.
_AS_FROM_A_TERMINAL = [
    sys.executable,
    "-c",
    "import runpy, signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "runpy.run_module('validator', run_name='__main__', alter_sys=True)",
]


def _signalled_while_reading_stdin(signum: int, *options: str) -> tuple[int, str]:
    """``check --offline -`` in a child, sent ``signum`` once it waits on standard input."""
    child = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [*_AS_FROM_A_TERMINAL, "check", "--offline", *options, "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_until_idle(child.pid)  # started, and blocked reading standard input
        child.send_signal(signum)
        _, err = child.communicate(timeout=10)
    finally:
        child.kill()
    return child.returncode, err


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")
def test_ctrl_c_stops_a_run_waiting_on_standard_input_at_once() -> None:
    """asyncio's own handler only cancels the run, which a blocking read never notices."""
    status, err = _signalled_while_reading_stdin(signal.SIGINT)
    assert status == 130
    assert err.strip() == "pin-preflight: error: interrupted"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")
def test_an_interrupted_run_leaves_the_previous_report_whole(tmp_path: Path) -> None:
    # --output was opened with "w" before the run: Ctrl-C left an empty report, which a CI step
    # that uploads it "always" then fails to parse.
    report = tmp_path / "report.xml"
    report.write_text("<testsuites/>\n", encoding="utf-8")
    status, _ = _signalled_while_reading_stdin(
        signal.SIGINT, "--format", "junit", "-o", str(report)
    )
    assert status == 130
    assert report.read_text(encoding="utf-8") == "<testsuites/>\n"
    assert [path.name for path in tmp_path.iterdir()] == ["report.xml"]


@pytest.mark.parametrize(
    ("proxy", "words"),
    [
        ("socks5://127.0.0.1:9", "socksio"),  # needs a package not installed
        ("ftp://127.0.0.1:9", "Unknown scheme"),
        ("http://127.0.0.1:notaport", "port"),
        # httpx takes it; connecting raised an exception group out of every online call.
        ("http://127.0.0.1:99999", "the https proxy's port 99999 is over 65535"),
        # httpx's words hide a password, not a user name (often a token).
        ("ftp://ghp_S3cretT0ken@127.0.0.1:9", "ftp://***@127.0.0.1:9"),
    ],
)
def test_a_proxy_httpx_cannot_use_is_a_clear_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, proxy: str, words: str
) -> None:
    if proxy.startswith("socks5") and importlib.util.find_spec("socksio") is not None:
        pytest.skip("socksio is installed: httpx can use a SOCKS proxy")
    monkeypatch.setenv("HTTPS_PROXY", proxy)
    status = main(["check", "--allow-private-hosts", VALID])
    _, err = capsys.readouterr()
    assert status == EXIT_UNUSABLE
    assert "a proxy set in the environment" in err
    assert words in err
    assert "Traceback" not in err
    assert "S3cret" not in err


@pytest.mark.parametrize("content", [None, "not a certificate\n"], ids=["missing", "not-pem"])
def test_a_ca_file_that_cannot_be_loaded_is_a_clear_error(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    content: str | None,
) -> None:
    bundle = tmp_path / "ca.pem"
    if content is not None:
        bundle.write_text(content)
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    status = main(["check", "--allow-private-hosts", VALID])
    _, err = capsys.readouterr()
    assert status == EXIT_UNUSABLE
    assert err.startswith(
        f"pin-preflight: error: the CA certificates named by SSL_CERT_FILE={bundle}"
    )
    assert "Traceback" not in err


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_a_payload_cannot_issue_a_ci_log_command(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str
) -> None:
    # GitHub's runner acts on "##[error]", "##[stop-commands]"... anywhere in a line of the log
    # that is not a workflow command itself ("::error file=...::..." is read as that, no further:
    # there, the file property names the file as it is).
    pin = {
        "board_id": "Summer ##[error]forged",
        "title": "##[stop-commands]token",
        "##[add-mask]key": 1,
        "media_source": {"source_type": "image_url", "url": "https://cdn.example.com/##[a].jpg"},
    }
    calendar = tmp_path / "##[group]calendar.json"
    calendar.write_text(json.dumps(pin), encoding="utf-8")
    status, out, err = run(capsys, "--format", fmt, str(calendar))
    assert status == EXIT_ERRORS
    assert "board.invalid_id" in out
    assert not [line for line in (out + err).splitlines() if "##[" in line and line[:2] != "::"]
    for line in out.splitlines():
        assert "##[" not in line.partition("::")[2].partition("::")[2]  # the message part


def test_no_progress_when_stderr_is_not_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, err = run(capsys, MIXED, CALENDAR)
    assert "\x1b" not in out + err
    assert "pins/s" not in err


def _without_ci() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in {"CI", "FORCE_COLOR"}}
    return {**env, "TERM": "xterm-256color", "COLUMNS": "120"}


def test_piped_run_prints_no_progress_escape_codes() -> None:
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "validator", "check", "--offline", MIXED, CALENDAR],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env=_without_ci(),
    )
    assert done.returncode == EXIT_ERRORS
    assert "\x1b" not in done.stdout + done.stderr
    assert done.stderr == ""


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
@pytest.mark.parametrize(
    ("extra_env", "drawn", "coloured"),
    [({}, True, False), ({"CI": "true"}, False, False), ({"FORCE_COLOR": "1"}, True, True)],
)
def test_progress_is_drawn_on_a_terminal_stderr_unless_in_ci(
    extra_env: dict[str, str], drawn: bool, coloured: bool
) -> None:
    """stderr is a pseudo-terminal, stdout a pipe: the run a person watches while saving output.

    FORCE_COLOR colours the report in the pipe; its lines stay there, not on the terminal.
    """
    import pty

    leader, follower = pty.openpty()
    with subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "validator", "check", "--offline", MIXED, CALENDAR],
        stdout=subprocess.PIPE,
        stderr=follower,
        env={**_without_ci(), **extra_env},
    ) as process:
        os.close(follower)
        terminal = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the process closed its end
                break
            if not chunk:
                break
            terminal += chunk
        stdout, _ = process.communicate(timeout=60)
    os.close(leader)
    assert process.returncode == EXIT_ERRORS
    assert b"13 pins checked" in stdout
    assert b"board.missing" in stdout
    assert b"board.missing" not in terminal
    assert (b"\x1b" in stdout) is coloured
    assert (b"pins/s" in terminal) is drawn
    assert (b"\x1b[?25l" in terminal) is drawn


def test_json_report_lists_unreadable_files(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = str(tmp_path / "nosuch.json")

    status, out, err = run(capsys, "--format", "json", VALID, missing)

    assert status == EXIT_UNUSABLE
    document = json.loads(out)
    jsonschema.validate(document, SCHEMA)
    assert document["summary"]["pins"] == 1
    assert document["unreadable"] == [{"source": missing, "message": f"{missing}: no such file"}]
    assert "no such file" in err


def test_odd_bytes_in_names_and_values_never_break_the_output(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # A file name that is not UTF-8 and a title with a lone surrogate and a terminal escape:
    # every format is still written, as valid UTF-8, with nothing a terminal would act on.
    name = str(tmp_path) + "/caf\udce9.json"
    pin = {"board_id": "Beach", "title": "\ud800 \x1b[2K gone"}
    with open(name.encode("utf-8", "surrogateescape"), "w", encoding="utf-8") as handle:
        json.dump(pin, handle)  # ensure_ascii: the surrogate is written as its escape
    for fmt in ("text", "json", "junit", "github"):
        report = tmp_path / f"report.{fmt}"
        status, out, _ = run(capsys, "--format", fmt, "--output", str(report), name)
        assert status == EXIT_ERRORS
        written = report.read_bytes().decode("utf-8")  # strict: raises on a lone surrogate
        assert "\x1b" not in written + out
        assert "caf\ufffd.json" in written


def test_a_bad_flag_is_blamed_on_the_flag_not_the_config(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.pin-preflight]\nstrict = false\n")
    monkeypatch.chdir(tmp_path)

    status, _, err = run(capsys, "--timeout", "-1", "--concurrency", "0", VALID)

    assert status == EXIT_UNUSABLE
    assert "--timeout: Input should be greater than 0" in err
    assert "--concurrency: Input should be greater than or equal to 1" in err
    assert "pyproject.toml" not in err


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
def test_an_output_that_fills_up_is_one_error_line(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "--format", "junit", "--output", "/dev/full", VALID)

    assert status == EXIT_UNUSABLE
    assert err.strip().startswith("pin-preflight: error: --output /dev/full: cannot write it")
    assert "Traceback" not in err


@pytest.mark.parametrize("report_format", ["text", "json", "junit", "github"])
def test_a_reader_that_goes_away_is_no_traceback(tmp_path: Path, report_format: str) -> None:
    # A machine format's document exited 0 (or 1) cut off: a pipeline read it as done.
    calendar = tmp_path / "many.jsonl"
    calendar.write_text("{}\n" * 5000)  # some 1.5 MB of report: more than a pipe holds
    command = [sys.executable, "-m", "validator", "check", "--offline", "--format",
               report_format, str(calendar)]  # fmt: skip
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as child:  # noqa: S603
        assert child.stdout is not None
        assert child.stderr is not None
        child.stdout.readline()
        child.stdout.close()  # as `| head -1` does
        err = child.stderr.read().decode()
        assert child.wait(timeout=60) == 141
    assert "Traceback" not in err


def test_a_text_report_written_to_a_file_names_unreadable_files(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = str(tmp_path / "nosuch.json")
    report = tmp_path / "report.txt"

    status, _, _ = run(capsys, "--format", "text", "--output", str(report), VALID, missing)

    assert status == EXIT_UNUSABLE
    assert f"✗ unreadable: {missing}: no such file" in report.read_text(encoding="utf-8")


def test_a_reader_gone_before_the_summary_is_no_error_either() -> None:
    # A clean calendar writes only the summary, through rich, which exits 1 on a broken pipe:
    # here that would say "errors found".
    command = [sys.executable, "-m", "validator", "check", "--offline", VALID]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as child:  # noqa: S603
        assert child.stdout is not None
        assert child.stderr is not None
        child.stdout.close()  # before anything is written
        err = child.stderr.read().decode()
        assert child.wait(timeout=60) == 141
    assert "Traceback" not in err


def test_the_output_file_is_written_when_the_reader_of_stdout_goes_away(tmp_path: Path) -> None:
    pins = [{"board_id": "Recipes", "media_source": {"source_type": "image_url",
             "url": f"https://cdn.example.com/{i}.webp"}} for i in range(3000)]  # fmt: skip
    calendar = tmp_path / "calendar.jsonl"
    calendar.write_text("".join(json.dumps(pin) + "\n" for pin in pins), encoding="utf-8")
    report = tmp_path / "report.json"
    child = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "validator", "check", "--offline", "-o", str(report),
         "--format", "json", str(calendar)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    assert child.stdout is not None
    child.stdout.read(1)  # the text runs to far more than a pipe holds: the child waits on us
    child.stdout.close()  # ...and finds its reader gone
    _, err = child.communicate(timeout=120)

    assert b"Traceback" not in err
    assert json.loads(report.read_text(encoding="utf-8"))["summary"]["pins"] == 3000


def test_with_output_a_reader_gone_before_the_summary_changes_no_status(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the run starts
    try:
        done = subprocess.run(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "validator", "check", "--offline", "-o", str(report), VALID],
            stdout=write_end,
            stderr=subprocess.PIPE,
            check=False,
        )
    finally:
        os.close(write_end)
    assert done.returncode == EXIT_OK  # what the file holds, not where the pipe broke
    assert b"Traceback" not in done.stderr
    assert report.read_text(encoding="utf-8").endswith(" 0 failed · 0 errors, 0 warnings\n")


@pytest.mark.parametrize("stdout", ["closed", "full"])
def test_with_output_a_stdout_that_cannot_take_text_leaves_the_file_whole(
    tmp_path: Path, stdout: str
) -> None:
    report = tmp_path / "report.xml"
    command = [sys.executable, "-m", "validator", "check", "--offline", "--format", "junit",
               "-o", str(report), MIXED]  # fmt: skip
    if stdout == "closed":
        done = subprocess.run(  # noqa: S603 - our own interpreter and module
            command, capture_output=False, stderr=subprocess.PIPE, check=False,
            preexec_fn=lambda: os.close(1),
        )  # fmt: skip
    else:
        with open("/dev/full", "w") as full:
            done = subprocess.run(  # noqa: S603 - our own interpreter and module
                command, stdout=full, stderr=subprocess.PIPE, check=False
            )
    assert done.returncode == EXIT_ERRORS  # what the file holds: MIXED has errors
    assert b"Traceback" not in done.stderr
    ET.parse(report)  # noqa: S314 - our own output; whole and well-formed


@pytest.mark.parametrize(
    ("report_format", "said"),
    [("text", b"cannot write the report to standard output"),
     ("github", b"cannot write to standard output")],
)  # fmt: skip
def test_without_output_a_stdout_that_cannot_take_the_report_is_a_clear_error(
    report_format: str, said: bytes
) -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "validator", "check", "--offline", "--format", report_format,
             MIXED],
            stdout=full, stderr=subprocess.PIPE, check=False,
        )  # fmt: skip
    assert done.returncode == EXIT_UNUSABLE  # not 120: the buffered rest failed again at exit
    assert said in done.stderr
    assert b"Exception ignored" not in done.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize(
    "command",
    [
        ["codes"],
        ["codes", "board.missing"],
        ["explain", str(FIXTURES / "responses" / "code-8-retry-after-seconds.json")],
        ["demo"],
        ["--help"],
        ["check", "--help"],
        ["--version"],
    ],
    ids=["codes", "one-code", "explain", "demo", "help", "command-help", "version"],
)
def test_a_full_standard_output_is_one_clear_error(command: list[str]) -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "validator", *command],
            stdout=full, stderr=subprocess.PIPE, check=False, text=True,
        )  # fmt: skip
    assert done.returncode == EXIT_UNUSABLE
    assert done.stderr == (
        "pin-preflight: error: cannot write to standard output: No space left on device\n"
    )


def test_a_file_name_cannot_forge_a_line_or_move_the_cursor(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # A name holding a line break wrote a line of its choosing: in a GitHub Actions log, an
    # annotation ("::error ...") or a masked value ("::add-mask::").
    name = tmp_path / "x\n::error file=README.md,line=1::forged\x1b[31m.json"
    name.write_text(json.dumps({"title": "t"}), encoding="utf-8")
    status, out, err = run(capsys, str(name), str(name))
    assert status == EXIT_ERRORS
    missing = str(tmp_path / "gone\n::add-mask::x.json")
    status, _, missing_err = run(capsys, missing)
    assert status == EXIT_UNUSABLE
    for text in (out, err, missing_err):
        assert not any(line.startswith("::") for line in text.splitlines())
        assert "\x1b" not in text
    assert "\\n::error file=README.md" in out  # shown, escaped
    assert "is given twice" in err


def test_force_color_colours_the_pins_as_it_colours_the_summary(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pin lines were written plain to a pipe whatever FORCE_COLOR said; the summary was not.
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    _, out, _ = run(capsys, MIXED)
    first = out.splitlines()[0]
    assert first.startswith("\x1b[")
    assert f"{MIXED}:13" in first


def test_junit_gives_a_file_without_pins_a_suite_of_its_own(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # A calendar emptied by mistake vanished from the CI's test view.
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    array = tmp_path / "none.json"
    array.write_text("[]", encoding="utf-8")
    status, out, _ = run(capsys, "--format", "junit", VALID, str(empty), str(array))
    assert status == EXIT_OK
    suites = parse_junit(out).findall("testsuite")
    assert [(s.get("name"), s.get("tests")) for s in suites] == [
        (VALID, "1"),
        (str(empty), "0"),
        (str(array), "0"),
    ]


def test_ctrl_c_while_videos_are_read_is_one_line_and_an_exit(tmp_path: Path) -> None:
    # The interrupt lands in a probe's task: the other tasks' errors on the way out were logged
    # as tracebacks, and a video thread waiting on a read nobody would answer kept the process
    # alive after "interrupted".
    with serve() as server:
        entries = [
            {"pin": {"board_id": "1", "media_source": {
                "source_type": "video_id", "media_id": str(n),
                "cover_image_url": server.url("/media/cover.jpg"),
                "cover_image_content_type": "image/jpeg"}},
             "video_url": server.url(f"/laterfail/stall/{name}?{n}")}
            for n in range(40) for name in ("many-fragments.mp4", "h264-moov-end.mp4")
        ]  # fmt: skip
        calendar = tmp_path / "videos.jsonl"
        calendar.write_text("".join(json.dumps(e) + "\n" for e in entries), encoding="utf-8")
        child = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [*_AS_FROM_A_TERMINAL, "check", "-q", "--allow-private-hosts", str(calendar)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 30
            while len(server.requests_to("/laterfail/")) < 20 and time.monotonic() < deadline:
                time.sleep(0.05)  # busy: first blocks read, index reads stalling
            child.send_signal(signal.SIGINT)
            _, err = child.communicate(timeout=15)
        finally:
            child.kill()
    assert child.returncode == 130
    assert err == "pin-preflight: error: interrupted\n"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")
def test_a_cancelled_run_leaves_no_temporary_file(tmp_path: Path) -> None:
    # A CI job cancelled sends SIGTERM: the run died there, its temporary report beside the
    # target for good.
    report = tmp_path / "report.xml"
    status, err = _signalled_while_reading_stdin(
        signal.SIGTERM, "--format", "junit", "-o", str(report)
    )
    assert status == 143
    assert err.strip() == "pin-preflight: error: terminated"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not Path("/dev/stdout").exists(), reason="needs /dev/stdout")
def test_output_to_dev_stdout_writes_into_the_pipe() -> None:
    # /dev/stdout is a link to /proc/self/fd/1, whose target a pipe names "pipe:[N]": followed
    # to a file to replace, it was "No such file or directory".
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "validator", "check", "--offline", "-q", "--format", "json",
         "-o", "/dev/stdout", VALID],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    assert done.returncode == EXIT_OK, done.stderr
    assert '"version": 1' in done.stdout


def test_an_output_name_ending_in_a_slash_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Path() drops the slash: "report.json/" replaced report.json, where a shell says "Not a
    # directory".
    report = tmp_path / "report.json"
    report.write_text("{}", encoding="utf-8")
    status, _, err = run(capsys, "-o", f"{report}/", VALID)
    assert status == EXIT_UNUSABLE
    assert "name a file, not a folder" in err
    assert report.read_text(encoding="utf-8") == "{}"


@pytest.mark.skipif(not sigterm_is_ours_to_take(), reason="SIGTERM handled by the host")
@pytest.mark.parametrize(
    ("name", "status", "said"), [("SIGTERM", 143, "terminated"), ("SIGHUP", 129, "hung up")]
)
def test_a_signal_while_the_report_is_written_leaves_the_old_one(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    status: int,
    said: str,
) -> None:
    # The handler lived only as long as the run: a SIGTERM while the report was made killed
    # the process, its temporary file left beside the report. SIGHUP (a terminal closed, ssh
    # dropped) was not taken at all, and left one after every run it ended.
    number = getattr(signal, name, None)
    if number is None or signal.getsignal(number) != signal.SIG_DFL:
        pytest.skip(f"{name} is not this platform's, or is handled by the host")
    report = tmp_path / "report.json"
    report.write_text("old", encoding="utf-8")

    def render(*args: object) -> str:
        os.kill(os.getpid(), number)
        return "never"

    monkeypatch.setattr(cli, "_render", render)
    assert run(capsys, "--format", "json", "-o", str(report), VALID) == (
        status, "", f"pin-preflight: error: {said}\n"
    )  # fmt: skip
    assert report.read_text(encoding="utf-8") == "old"
    assert [path.name for path in tmp_path.iterdir()] == ["report.json"]


@pytest.mark.skipif(not sigterm_is_ours_to_take(), reason="SIGTERM handled by the host")
def test_a_signal_while_the_command_line_is_read_is_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Building the parser reads the installed version (tens of milliseconds): a SIGTERM there
    # was a traceback and exit 1, "errors found", for a cancelled CI job.
    parser = cli._parser

    def interrupted_parser() -> object:
        os.kill(os.getpid(), signal.SIGTERM)
        return parser()

    monkeypatch.setattr(cli, "_parser", interrupted_parser)
    assert run(capsys, "--offline", VALID) == (143, "", "pin-preflight: error: terminated\n")


def test_pillow_s_warnings_about_a_file_are_not_printed(tmp_path: Path) -> None:
    # odd-exif.jpg's EXIF makes Pillow warn "Tag data larger than file" while it is read: the
    # pin passed, under a line of Python's warning machinery.
    pin = {"board_id": "549755885175", "media_source": {"source_type": "image_url"}}
    with serve() as server:
        pin["media_source"]["url"] = server.url("/media/odd-exif.jpg")  # type: ignore[index]
        calendar = tmp_path / "pins.jsonl"
        calendar.write_text(json.dumps(pin) + "\n")
        done = subprocess.run(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "validator", "check", "--allow-private-hosts", str(calendar)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
    assert done.returncode == EXIT_OK, done.stdout
    assert done.stderr == ""


def test_github_annotations_are_written_as_the_pins_are_checked(tmp_path: Path) -> None:
    # A line format: a 100,000-row calendar held every report (113 MB) to print them at the end.
    fifo = tmp_path / "pins.jsonl"
    os.mkfifo(fifo)
    command = [sys.executable, "-m", "validator", "check", "--offline", "--format", "github",
               str(fifo)]  # fmt: skip
    unbuffered = {**os.environ, "PYTHONUNBUFFERED": "1"}  # each write reaches the pipe at once
    with subprocess.Popen(  # noqa: S603 - our own interpreter and module
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=unbuffered
    ) as child:
        assert child.stdout is not None
        with fifo.open("w", encoding="utf-8") as pins:
            # Longer than the first bytes read to tell a calendar from a video (64).
            pins.write('{"board_id": "Recipes", "title": "Summer recipes for the whole week"}\n')
            pins.flush()
            ready, _, _ = select.select([child.stdout], [], [], 30)  # the calendar still open
            assert ready, "no annotation before the calendar ended"
            first = child.stdout.readline().decode()
            assert first.startswith("::error file=")
            assert "title=board.invalid_id::" in first
            pins.write('{"board_id": "549755885175"}\n')
        rest = child.stdout.read().decode()
        assert child.wait(timeout=60) == EXIT_ERRORS
    assert rest.count("title=media.missing") == 2
    assert "2 pins checked: 0 ok, 2 failed" in rest


def test_output_dash_is_refused_not_a_file_named_dash(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    status, _, err = run(capsys, "--format", "json", "-o", "-", VALID)
    assert status == EXIT_UNUSABLE
    assert err == (
        "pin-preflight: error: --output -: leave --output out to write the report to standard "
        "output\n"
    )
    assert list(tmp_path.iterdir()) == []
    # A file named "-" is written as ./-, as other tools take it.
    status, _, _ = run(capsys, "--format", "json", "-o", "./-", VALID)
    assert status == 0
    assert json.loads((tmp_path / "-").read_text(encoding="utf-8"))["summary"]["pins"] == 1


def test_github_annotations_are_utf8_whatever_stdout_s_encoding(tmp_path: Path) -> None:
    # A Windows runner's pipe is cp1252: a Japanese board name was a UnicodeEncodeError.
    calendar = tmp_path / "pins.jsonl"
    calendar.write_text('{"board_id": "桜の写真"}\n', encoding="utf-8")
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "validator", "check", "--offline", "--format", "github",
         str(calendar)],
        capture_output=True, check=False, env={**os.environ, "PYTHONIOENCODING": "cp1252"},
    )  # fmt: skip
    assert done.returncode == EXIT_ERRORS, done.stderr
    assert 'board_id "桜の写真" is not a numeric id' in done.stdout.decode("utf-8")


@pytest.mark.parametrize("command", [["check", "--offline"], ["explain"]])
def test_standard_input_open_for_writing_only_is_one_clear_error(
    tmp_path: Path, command: list[str]
) -> None:
    # `pin-preflight check - 0>>file`: reading it raised EBADF, shown as a traceback.
    with (tmp_path / "written").open("ab") as write_only:
        done = subprocess.run(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "validator", *command, "-"],
            stdin=write_only, capture_output=True, text=True, check=False,
        )  # fmt: skip
    assert done.returncode == EXIT_UNUSABLE
    assert done.stderr.endswith(
        "pin-preflight: error: <stdin>: cannot read it: Bad file descriptor\n"
    )
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(("own_process", "warned"), [(True, False), (False, True)])
def test_a_coroutine_an_interrupt_left_unawaited_is_not_warned_about_by_the_command(
    own_process: bool, warned: bool
) -> None:
    # Ctrl-C between httpcore making a coroutine and awaiting it: its "was never awaited"
    # warning was a second line after "interrupted" (a race: here the coroutine is dropped by
    # hand). A host program, or a test, calling main keeps its warnings.
    code = (
        "import gc\n"
        "from validator import cli\n"
        f"cli.main(['codes', 'board.missing'], own_process={own_process})\n"
        "async def dropped() -> None: ...\n"
        "dropped()\n"
        "gc.collect()\n"
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert ("was never awaited" in done.stderr) is warned
