"""The command's entry: Ctrl-C while the command line loads is one line and 130."""

from __future__ import annotations

import sys
import types

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
