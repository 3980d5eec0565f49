"""The demo end to end: the README's first command must show every classic failure, offline."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from validator.cli import EXIT_ERRORS, EXIT_UNUSABLE, main

EXPECTED = {
    "Lemon tart": "board.missing",
    "Garden chairs": "media.forbidden",
    "Linen napkins": "media.redirect_loop",
    "Summer hats": "media.unsupported_format",
    "Tulip time-lapse": "video.cover_image_content_type_missing",
    "Weekend brunch": "media.url_expires",
}


def test_the_demo_catches_each_classic_failure_and_passes_the_good_pins(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # no pyproject of ours may leak into the demo's settings
    status = main(["demo"])
    out = capsys.readouterr().out
    assert status == EXIT_ERRORS
    assert "8 pins checked: 2 ok, 6 failed" in out
    blocks = out.split("✗ ")[1:]
    for title, code in EXPECTED.items():
        (block,) = [b for b in blocks if title in b.splitlines()[0]]
        assert f"error {code}" in block
    assert "Spring table" not in out  # the good pins are not listed


def test_keep_leaves_the_media_and_calendar(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    main(["demo", "--keep", str(tmp_path / "demo")])
    calendar = json.loads((tmp_path / "demo" / "demo-calendar.json").read_text(encoding="utf-8"))
    assert len(calendar) == 8
    assert all({"publish_at", "pin"} == set(entry) for entry in calendar)
    assert (tmp_path / "demo" / "media" / "summer-hats.jpg").read_bytes()[8:12] == b"WEBP"
    out = capsys.readouterr().out
    assert "kept in" in out
    assert "the calendar's URLs name this run's server, which has stopped" in out


def test_keep_needs_a_folder_name(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # Path("") is the current folder: the demo's files were written where the shell stood.
    assert main(["demo", "--keep", ""]) == 2
    assert capsys.readouterr().err.endswith("argument --keep: an empty name: name a folder\n")


def test_reports_name_the_calendar_as_the_header_does_not_a_temporary_path(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    main(["demo"])
    out = capsys.readouterr().out
    assert "✗ demo-calendar.json:27 " in out
    assert "pin-preflight-demo-" not in out
    assert Path.cwd() == tmp_path  # where it was, after the check


def test_keep_with_a_relative_folder_serves_its_media(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["demo", "--keep", "kept"]) == EXIT_ERRORS
    assert "8 pins checked: 2 ok, 6 failed" in capsys.readouterr().out


def test_a_proxy_in_the_environment_is_not_asked_for_the_demo_s_own_server(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    # Nothing listens there: every request would fail. urllib (and httpx) read the name in any
    # case; a socks5 proxy is refused whole without socksio.
    monkeypatch.setenv("Http_Proxy", "http://127.0.0.1:9")
    monkeypatch.setenv("all_proxy", "socks5://127.0.0.1:9")
    assert main(["demo"]) == EXIT_ERRORS
    assert "8 pins checked: 2 ok, 6 failed" in capsys.readouterr().out
    # The environment is left alone (the mixed case is the point here).
    assert os.environ["Http_Proxy"] == "http://127.0.0.1:9"  # noqa: SIM112


@pytest.mark.parametrize("kind", ["a file", "a read-only folder"])
def test_keep_where_nothing_can_be_written_is_a_clear_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, kind: str
) -> None:
    if kind == "a file":
        target = tmp_path / "notes.txt"
        target.write_text("mine", encoding="utf-8")
    else:
        if os.geteuid() == 0:
            pytest.skip("root writes into read-only folders")
        (tmp_path / "locked").mkdir(mode=0o500)
        target = tmp_path / "locked" / "demo"
    assert main(["demo", "--keep", str(target)]) == EXIT_UNUSABLE
    err = capsys.readouterr().err
    assert err.startswith(f"pin-preflight: error: --keep {target}: cannot write it: ")
    assert "Traceback" not in err


def test_keep_into_a_folder_named_like_a_flag(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["demo", "--keep=-dash"]) == EXIT_ERRORS
    assert "8 pins checked: 2 ok, 6 failed" in capsys.readouterr().out
