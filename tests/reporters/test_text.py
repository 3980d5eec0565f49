"""The terminal report: per pin, with its location, severity first, the remedy underneath."""

from __future__ import annotations

from rich.console import Console

from validator import validate_many
from validator.codes.examples import BOARD_ID, IMAGE_URL
from validator.report import Summary
from validator.reporters.text import Verbosity, pin_lines, render, summary_lines

GOOD = {"board_id": BOARD_ID, "media_source": {"source_type": "image_url", "url": IMAGE_URL}}
WARNED = {**GOOD, "dominant_color": "sand", "title": "Sand castles"}
FAILED = {**GOOD, "board_id": "Beach"}
REPORTS = validate_many([GOOD, WARNED, FAILED], offline=True)


def test_normal_output_lists_pins_with_findings_only() -> None:
    text = render(REPORTS, Summary.of(REPORTS))
    assert "<input>[0]" not in text
    assert '! <input>[1] "Sand castles" — 1 warning' in text
    assert "✗ <input>[2] — 1 error" in text
    assert "    error board.invalid_id (board_id): " in text
    assert "      Fix input: " in text
    assert text.endswith(
        "3 pins checked: 2 ok, 1 failed · 1 error, 1 warning\nErrors by remedy: Fix input: 1\n"
    )


def test_quiet_drops_warnings_and_verbose_adds_passing_pins() -> None:
    quiet = render(REPORTS, Summary.of(REPORTS), Verbosity.QUIET)
    verbose = render(REPORTS, Summary.of(REPORTS), Verbosity.VERBOSE)
    assert "<input>[1]" not in quiet
    assert "<input>[2]" in quiet
    assert "✓ <input>[0]" in verbose


def test_severities_are_coloured_on_a_terminal() -> None:
    console = Console(force_terminal=True, color_system="standard", width=200)
    with console.capture() as captured:
        for report in REPORTS:
            for line in pin_lines(report):
                console.print(line)
        for line in summary_lines(Summary.of(REPORTS)):
            console.print(line)
    assert "\x1b[31m" in captured.get() or "\x1b[1;31m" in captured.get()  # red for errors
    assert "\x1b[33m" in captured.get()  # yellow for warnings
