"""The demo end to end: the README's first command must show every classic failure, offline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from validator.cli import EXIT_ERRORS, main

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
    assert "kept in" in capsys.readouterr().out
