"""The command's entry: Ctrl-C while the command line loads is one line and 130."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest
from support import FIXTURES

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


def test_a_worker_stuck_after_the_run_does_not_hold_the_process() -> None:
    # A parser stuck in its own C loop: Python joins threads at exit, and the command stayed
    # after its report, Ctrl-C and all. The stuck thread is a sleeping one here.
    code = (
        "import sys, threading, time, validator.cli\n"
        "def run(own_process):\n"
        "    threading.Thread(target=time.sleep, args=(3600,), name='stuck').start()\n"
        "    print('report')\n"
        "    return 1\n"
        "validator.cli.main = run\n"
        "from validator import command\n"
        "sys.exit(command.main())\n"
    )
    started = time.monotonic()
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert (done.returncode, done.stdout) == (1, "report\n")
    assert "a worker (stuck) did not finish" in done.stderr
    assert time.monotonic() - started < 30


def test_a_run_with_pins_checked_in_a_worker_thread_leaves_no_worker_behind(
    tmp_path: Path,
) -> None:
    # A worker thread kept for the process outlived the run: the command waited 2 s for it,
    # then warned that it "did not finish".
    data = base64.b64encode((FIXTURES / "media" / "small.jpg").read_bytes()).decode()
    source = {"source_type": "image_base64", "content_type": "image/jpeg", "data": data}
    calendar = tmp_path / "inline.jsonl"
    pin = {"board_id": "549755885175", "media_source": source}
    calendar.write_text(json.dumps(pin) + "\n", encoding="utf-8")
    code = "import sys\nfrom validator import command\nsys.exit(command.main())\n"
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-c", code, "check", "--offline", "-q", str(calendar)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0
    assert done.stderr == ""
