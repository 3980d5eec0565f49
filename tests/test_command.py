"""The command's entry: Ctrl-C while the command line loads is one line and 130."""

from __future__ import annotations

import os
import subprocess
import sys
import types
from pathlib import Path

import pytest

from validator import command


class _Loading(types.ModuleType):
    """A module still loading when Ctrl-C comes: asking it for ``main`` is interrupted."""

    def __getattr__(self, name: str) -> object:
        raise KeyboardInterrupt


def test_ctrl_c_while_the_command_line_loads_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "validator.cli", _Loading("validator.cli"))
    assert command.main() == 130
    assert capsys.readouterr().err == "pin-preflight: error: interrupted\n"


def test_the_command_runs_the_command_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["pin-preflight", "--version"])
    assert command.main() == 0
    assert capsys.readouterr().out.startswith("pin-preflight ")


@pytest.mark.parametrize("encoding", ["cp1252", "ascii"])
def test_a_pipe_in_another_encoding_gets_utf8_not_a_traceback(
    tmp_path: Path, encoding: str
) -> None:
    # A Windows runner's pipe is cp1252: "✗" ended the text report in a UnicodeEncodeError.
    calendar = tmp_path / "pins.jsonl"
    calendar.write_text('{"board_id": "桜の写真"}\n', encoding="utf-8")
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "validator", "check", "--offline", str(calendar),
         str(tmp_path / "nowhere-桜.json")],
        capture_output=True, check=False, env={**os.environ, "PYTHONIOENCODING": encoding},
    )  # fmt: skip
    assert done.returncode == 2, done.stderr  # the missing file: unreadable input
    assert "✗ " in done.stdout.decode("utf-8")
    assert 'board_id "桜の写真" is not a numeric id' in done.stdout.decode("utf-8")
    assert "nowhere-桜.json: no such file" in done.stderr.decode("utf-8")
    assert b"Traceback" not in done.stderr
