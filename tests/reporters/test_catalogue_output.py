"""How the catalogue is printed: a listing, one entry explained, and the README table."""

from __future__ import annotations

import json

from validator.codes import CATALOGUE, lookup
from validator.reporters.catalogue import entry_dict, entry_text, listing, markdown_table


def test_listing_has_one_line_per_code() -> None:
    text = listing(CATALOGUE.values())
    for code_id in CATALOGUE:
        assert code_id in text


def test_entry_text_explains_why_and_how_to_fix() -> None:
    code = lookup("video.cover_image_content_type_missing")
    text = entry_text(code)
    for part in (code.id, code.summary, code.why, code.fix):
        assert part in text


def test_entry_dict_round_trips_the_examples() -> None:
    entry = entry_dict(lookup("board.missing"))
    assert entry["code"] == "board.missing"
    assert entry["severity"] == "error"
    assert entry["example_bad"] is not None


def test_markdown_table_escapes_pipes() -> None:
    table = markdown_table(CATALOGUE.values())
    rows = table.splitlines()[2:]
    assert len(rows) == len(CATALOGUE)
    assert all(row.count(" | ") - row.count("\\|") == 3 for row in rows)


def test_every_example_reads_as_json_and_shows_what_fails() -> None:
    # Cut at 300 characters, carousel.item_count's six items showed three, and base64 examples
    # ended mid-string: the line pasted into json.loads was no JSON.
    for code in CATALOGUE.values():
        for line in entry_text(code).splitlines():
            if line.startswith(("  fails:  ", "  passes: ")):
                json.loads(line[10:].removesuffix(_CUT))
    text = entry_text(lookup("carousel.item_count"))
    assert text.count("slide-") == 6 + 3  # every item of both examples
    described = entry_text(lookup("text.description_too_long"))
    assert "… (960 characters)" in described
    assert described.count(_CUT) == 1  # the fails example only: the other is short


_CUT = "  (long texts cut; whole in --format json)"
