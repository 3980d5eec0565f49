"""How the catalogue is printed: a listing, one entry explained, and the README table."""

from __future__ import annotations

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
