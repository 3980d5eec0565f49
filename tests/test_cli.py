"""The command line, run in-process (fast) and once as a real subprocess (the install works)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from support import FIXTURES, ROOT

from validator.cli import EXIT_ERRORS, EXIT_OK, EXIT_UNUSABLE, main

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
