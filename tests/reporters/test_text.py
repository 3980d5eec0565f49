"""The terminal report: per pin, with its location, severity first, the remedy underneath."""

from __future__ import annotations

from rich.console import Console

from validator import validate_many
from validator.codes.examples import BOARD_ID, IMAGE_URL
from validator.findings import Action
from validator.report import Summary
from validator.reporters import Unreadable
from validator.reporters.text import Verbosity, pin_lines, render, summary_lines

GOOD = {"board_id": BOARD_ID, "media_source": {"source_type": "image_url", "url": IMAGE_URL}}
WARNED = {
    **GOOD,
    "dominant_color": "sand",
    "title": "Sand castles",
    "link": "https://example.com/sand",
}
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
        "3 pins checked: 2 ok, 1 failed · 1 error, 1 warning\n"
        "Errors by remedy: Fix input: 1\n"
        "Top codes: board.invalid_id ×1 · pin.dominant_color_invalid ×1\n"
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


def test_the_summary_names_the_files_not_read_after_its_counts() -> None:
    summary = Summary.of(REPORTS)
    few = [Unreadable("a.json", "a.json:3:1: invalid JSON: ...")]
    many = [Unreadable(f"{name}.json", "no such file") for name in "abcde"]

    assert [line.plain for line in summary_lines(summary, few)][1] == (
        "1 file not read, or not to the end: a.json (see above)"
    )
    assert [line.plain for line in summary_lines(summary, many)][1] == (
        "5 files not read, or not to the end: a.json, b.json, c.json and 2 more (see above)"
    )
    assert len(list(summary_lines(summary))) == len(list(summary_lines(summary, few))) - 1
    # A file's report lists each in full above its summary, which names them too.
    written = render(REPORTS, summary, unreadable=few)
    assert "✗ unreadable: a.json:3:1: invalid JSON: ..." in written
    assert "1 file not read, or not to the end: a.json (see above)" in written


def plain_summary(summary: Summary) -> list[str]:
    return [line.plain for line in summary_lines(summary)]


def test_summary_counts_remedies_in_their_order_and_names_the_top_codes() -> None:
    by_code = {f"media.c{i}": i for i in range(1, 8)} | {"board.missing": 7}
    summary = Summary(
        pins=40,
        ok=30,
        errors=20,
        warnings=8,
        by_action={Action.RETRY: 3, Action.USER_ERROR: 15, Action.REFRESH_TOKEN: 2},
        by_code=by_code,
    )
    assert plain_summary(summary) == [
        "40 pins checked: 30 ok, 10 failed · 20 errors, 8 warnings",
        "Errors by remedy: Fix input: 15 · Reconnect: 2 · Retry later: 3",
        "Top codes: board.missing ×7 · media.c7 ×7 · media.c6 ×6 · media.c5 ×5 · media.c4 ×4"
        " · 3 other codes",
    ]


def test_a_clean_run_has_only_the_count_line() -> None:
    assert plain_summary(Summary(pins=2, ok=2)) == [
        "2 pins checked: 2 ok, 0 failed · 0 errors, 0 warnings"
    ]


def test_warnings_alone_name_their_codes_but_no_remedy() -> None:
    summary = Summary(pins=1, ok=1, warnings=2, by_code={"pin.unknown_field": 2})
    assert plain_summary(summary)[1:] == ["Top codes: pin.unknown_field ×2"]
