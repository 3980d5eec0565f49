"""The progress line: when it is drawn (a person at a terminal) and what it counts."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from rich.progress import Progress

from validator import validate_many
from validator.codes.examples import BOARD_ID, IMAGE_URL
from validator.reporters import ReportFormat
from validator.reporters.progress import PinProgress, _Rate, in_ci, is_terminal, wanted

TERMINAL = {"TERM": "xterm-256color"}
GOOD = {"board_id": BOARD_ID, "media_source": {"source_type": "image_url", "url": IMAGE_URL}}


@pytest.mark.parametrize(
    ("report_format", "to_file", "tty", "environ", "expected"),
    [
        (ReportFormat.TEXT, False, True, TERMINAL, True),
        (ReportFormat.TEXT, False, False, TERMINAL, False),  # stderr piped or redirected
        (ReportFormat.TEXT, False, True, {"CI": "true"}, False),  # a CI log keeps every frame
        (ReportFormat.TEXT, False, True, {"CI": "1"}, False),
        (ReportFormat.TEXT, False, True, {"CI": "false"}, True),  # explicitly not CI
        (ReportFormat.TEXT, False, True, {"CI": ""}, True),
        (ReportFormat.JSON, False, True, TERMINAL, False),  # a program reads stdout
        (ReportFormat.JUNIT, False, True, TERMINAL, False),
        (ReportFormat.GITHUB, False, True, TERMINAL, False),
        (ReportFormat.JUNIT, True, True, TERMINAL, True),  # the machine format goes to a file
        (ReportFormat.JSON, True, False, TERMINAL, False),
        (ReportFormat.JSON, True, True, {"CI": "true"}, False),
    ],
)
def test_drawn_only_for_a_person_at_a_terminal(
    report_format: ReportFormat,
    to_file: bool,
    tty: bool,
    environ: dict[str, str],
    expected: bool,
) -> None:
    decided = wanted(report_format, to_file=to_file, stderr_is_terminal=tty, environ=environ)
    assert decided is expected


def test_ci_detection() -> None:
    assert in_ci({"CI": "true"})
    assert in_ci({"CI": "woodpecker"})
    assert not in_ci({})
    assert not in_ci({"CI": "False"})
    assert not in_ci({"CI": " 0 "})


def test_is_terminal_is_false_for_files_and_closed_streams() -> None:
    stream = io.StringIO()
    assert not is_terminal(stream)
    stream.close()
    assert not is_terminal(stream)


def test_counts_pins_and_failures_prints_above_and_erases_itself() -> None:
    reports = validate_many([{}, {"board_id": "1"}, "nope", GOOD], offline=True)
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=100, color_system=None)
    with PinProgress(console) as progress:
        progress.source("calendar.jsonl")
        for report in reports:
            progress.advance(report)
        progress.print("a line above the progress")
    drawn = buffer.getvalue()
    assert "Checking calendar.jsonl 4 pins 3 failed " in drawn  # the final frame
    assert "pins/s" in drawn
    assert "a line above the progress\n" in drawn
    assert drawn.startswith("\x1b[?25l")  # the cursor is hidden while drawing...
    assert drawn.endswith("\x1b[?25h\r\x1b[1A\x1b[2K")  # ...then shown, and the line erased


def test_a_file_name_is_shown_as_written_never_read_as_markup() -> None:
    # rich read "[/b]" as a closing tag: the run crashed with MarkupError (exit 1, no report),
    # and "[bold]" in a name turned the line bold and vanished from it.
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=100, color_system=None)
    with PinProgress(console) as progress:
        progress.source("june [bold] a[/b]\x1b[31m.json")
    assert "Checking june [bold] a[/b]\\x1b[31m.json" in buffer.getvalue()


def test_the_rate_counts_the_whole_run_not_only_since_the_first_pin() -> None:
    # rich's own estimate divided by the time between the first and the latest pin: two pins
    # after 9 s of a slow server showed as 303 pins/s.
    clock = [0.0]
    progress = Progress(get_time=lambda: clock[0])
    task = progress.add_task("Checking", total=None)

    def shown() -> str:
        return _Rate().render(progress.tasks[0]).plain

    clock[0] = 0.5
    progress.update(task, advance=1)
    assert shown() == "– pins/s"  # too early to say
    clock[0] = 9.0
    assert shown() == "0.1 pins/s"
    progress.update(task, advance=1)
    clock[0] = 9.003
    assert shown() == "0.2 pins/s"
    progress.update(task, advance=4_998)
    clock[0] = 10.0
    assert shown() == "500 pins/s"
