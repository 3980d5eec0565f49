"""A spreadsheet of the team's own, read as API payloads through ``csv-columns``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import pytest
from support import FIXTURES

from validator.cli import EXIT_ERRORS, EXIT_UNUSABLE, main
from validator.codes.board import BOARD_INVALID_ID
from validator.codes.media import MEDIA_MISSING
from validator.codes.video import VIDEO_COVER_IMAGE_URL_MISSING
from validator.engine import Engine
from validator.errors import SourceError
from validator.report import Report
from validator.settings import Settings
from validator.slots import Slot
from validator.sources import load
from validator.sources.mapped_csv import said_of_columns
from validator.urls import MediaKind

SHEET = FIXTURES / "calendars" / "own-columns.csv"
NOW = datetime(2099, 5, 1, tzinfo=UTC)
COLUMNS = {
    "board_id": "Board ID", "title": "Headline", "description": "Caption", "image_url": "Image",
    "publish_at": "Go live (UTC)", "video_url": "Video file", "media_id": "Video id",
    "cover_image_url": "Cover", "cover_image_content_type": "Cover type",
}  # fmt: skip
SETTINGS = Settings(offline=True, csv_columns=COLUMNS)
EXPECTED = {
    2: set(),  # the control row; its "Notes" column is not mapped, so not read
    3: {"board.invalid_id"},  # a board name where the API takes its id
    4: {"media.unsupported_format"},
    5: {"calendar.publish_date_invalid"},
    6: set(),  # a video pin, its cover and its file
    7: {"video.cover_image_content_type_invalid"},
    8: {"media.missing"},
    9: {"calendar.row_malformed"},  # one field where the header has ten
    # 10 is all blank cells: no pin
    11: set(),  # a quoted line break inside the title: one row over lines 11-12
}


# The three columns most sheets here map.
SHEET_COLUMNS = {"board_id": "Board ID", "title": "Headline", "image_url": "Image"}


def checked_sheet(
    tmp_path: Path, text: str, columns: Mapping[str, str] = SHEET_COLUMNS
) -> list[Report]:
    """A sheet of ``text``, checked offline with ``columns`` mapped, as the command checks one."""
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(text, encoding="utf-8")
    settings = Settings(offline=True, csv_columns=columns)
    return list(Engine(settings).check_all(load(str(sheet), settings=settings, now=NOW)))


def test_each_row_is_checked_as_the_api_payload_it_stands_for() -> None:
    items = list(load(str(SHEET), settings=SETTINGS, now=NOW))
    reports = list(Engine(SETTINGS).check_all(items))

    assert {r.location.line: r.codes for r in reports} == EXPECTED
    assert [r.location.position for r in reports] == list(range(len(EXPECTED)))
    first = items[0]
    assert first.payload == {
        "board_id": "549755885175",
        "title": "Spring table",
        "description": "Ideas for a spring table.",
        "media_source": {"source_type": "image_url", "url": "https://cdn.example.com/pins/a.jpg"},
    }
    assert first.publish_at == datetime(2099, 6, 1, 10, tzinfo=UTC)
    video = items[4]
    assert video.payload["media_source"] == {  # type: ignore[index]
        "source_type": "video_id",
        "media_id": "4876543210987654321",
        "cover_image_url": "https://cdn.example.com/covers/tulips.png",
        "cover_image_content_type": "image/png",
    }
    assert video.slots == (
        Slot("video_url", "https://cdn.example.com/video/tulips.mp4", MediaKind.VIDEO),
    )


def test_a_caption_over_lines_ending_in_a_link_stays_one_pin(tmp_path: Path) -> None:
    # The image column comes first, and the caption's last line holds a URL: it read as a row
    # that a stray quote took in (found by a review).
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(
        "Image,Caption,Headline,Board ID\n"
        'https://cdn.example.com/cake.jpg,"Moist lemon cake.\n'
        'Recipe: https://blog.example.com/cake","Lemon cake, easy",549755885175\n',
        encoding="utf-8",
    )
    columns = {"image_url": "Image", "description": "Caption", "title": "Headline",
               "board_id": "Board ID"}  # fmt: skip
    (item,) = load(str(sheet), settings=Settings(offline=True, csv_columns=columns), now=NOW)
    assert item.problem is None
    assert item.payload["description"] == "Moist lemon cake.\nRecipe: https://blog.example.com/cake"  # type: ignore[index]


def test_without_the_columns_configured_it_is_not_a_bulk_csv() -> None:
    with pytest.raises(SourceError, match="not a Pinterest bulk-upload header"):
        list(load(str(SHEET), settings=Settings(offline=True), now=NOW))


def test_a_configured_column_the_header_lacks_is_named_in_the_error(tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("Board ID,Headline\n549755885175,Spring\n", encoding="utf-8")
    with pytest.raises(SourceError) as raised:
        list(load(str(sheet), settings=SETTINGS, now=NOW))
    message = str(raised.value)
    # It has some of the sheet's columns: what it lacks of them comes first, not the bulk
    # header's complaints (which came first, the real problem last).
    assert message.startswith(f"{sheet}:1: the header lacks the csv-columns columns ")
    lacking = message.split("csv-columns columns ")[1].split(" (it has the others)")[0]
    assert '"Caption"' in lacking
    assert '"Headline"' not in lacking  # the header has it
    # A mapping may reuse Pinterest's column names: what is wrong with it as theirs comes after.
    assert "(it has the others); as Pinterest's bulk-upload header: unknown columns" in message


def test_a_header_with_none_of_the_sheet_s_columns_is_told_as_a_bulk_header(
    tmp_path: Path,
) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("Title,Media URL\nSpring,https://cdn.example.com/a.jpg\n", encoding="utf-8")
    with pytest.raises(SourceError) as raised:
        list(load(str(sheet), settings=SETTINGS, now=NOW))
    message = str(raised.value)
    assert "not a Pinterest bulk-upload header" in message
    assert "nor has it every csv-columns column: no " in message


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('titel = "Headline"', "unknown field 'titel'; did you mean title? (known: board-id, "),
        ('image-ur = "Image"', "unknown field 'image-ur'; did you mean image-url?"),  # as written
        (
            'title = "Headline"\ndescription = " headline "',
            "'description' and 'title' read the same column ' headline ': pick one",
        ),
        (
            'board-id = "Board ID"\nalt_text = "board id"',
            "'alt_text' and 'board-id' read the same column",
        ),
        ('title = ""', "the column name of 'title' is empty"),
        ('board-id = "Board ID"\nalt-text = " "', "the column name of 'alt-text' is empty"),
        ("title = 3", "'title' is an integer: give a table of field = \"column name\""),
        ('title = ["Headline"]', "'title' is a list: give a table of field = \"column name\""),
        (None, 'give a table of field = "column name"'),  # csv-columns = []: read as no mapping
    ],
)
def test_a_wrong_mapping_is_refused_with_the_file_and_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], table: str | None, message: str
) -> None:
    config = tmp_path / "pyproject.toml"
    text = (
        "[tool.pin-preflight]\ncsv-columns = []\n"
        if table is None
        else (f"[tool.pin-preflight.csv-columns]\n{table}\n")
    )
    config.write_text(text, encoding="utf-8")
    status = main(["check", "--offline", "--config", str(config), str(SHEET)])
    err = capsys.readouterr().err
    assert status == EXIT_UNUSABLE
    assert f"{config} [tool.pin-preflight]: csv-columns: " in err
    assert message in err


def test_the_command_line_reads_the_mapping_from_pyproject(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = "\n".join(
        f'{field.replace("_", "-")} = "{column}"' for field, column in COLUMNS.items()
    )
    config = tmp_path / "pyproject.toml"
    config.write_text(f"[tool.pin-preflight.csv-columns]\n{table}\n", encoding="utf-8")
    status = main(["check", "--offline", "-q", "--config", str(config), str(SHEET)])
    out = capsys.readouterr().out
    assert status == EXIT_ERRORS
    assert f"{SHEET}:3 " in out
    assert "board.invalid_id" in out
    assert "9 pins checked: 3 ok, 6 failed" in out


def test_a_mapped_column_the_header_has_twice_is_an_error(tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.csv"
    header = "Board ID,Headline,Caption,Image,Go live (UTC),Video file,Video id,Cover,Cover type"
    sheet.write_text(f"{header}, image \n549755885175,A,,https://cdn.example.com/a.jpg,,,,,,\n")
    with pytest.raises(SourceError, match='column "Image" appears more than once in the header'):
        list(load(str(sheet), settings=SETTINGS, now=NOW))


def test_a_mapping_of_bulk_column_names_does_not_take_over_a_bulk_csv() -> None:
    bulk_names = Settings(offline=True, csv_columns={"title": "Title", "link": "Link"})
    items = list(load(str(FIXTURES / "calendars" / "good.csv"), settings=bulk_names, now=NOW))
    assert all(item.prechecked for item in items)  # read as Pinterest's bulk CSV


def test_a_row_with_only_a_note_in_an_unread_column_is_no_pin(tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.csv"
    header = "Board ID,Headline,Caption,Image,Go live (UTC),Notes,Video file,Video id,Cover,"
    header += "Cover type"
    sheet.write_bytes(
        f"{header}\n,,,,,week 2 starts here,,,,\n".encode()
        + b"549755885175,Fine,,https://cdn.example.com/a.jpg,,caf\xe9,,,,\n"  # Latin-1 note
    )
    reports = list(Engine(SETTINGS).check_all(load(str(sheet), settings=SETTINGS, now=NOW)))
    assert [(r.location.line, r.codes) for r in reports] == [(3, frozenset())]


def test_blank_columns_right_of_the_header_may_be_left_out_or_hold_notes(tmp_path: Path) -> None:
    # Excel's export of a sheet with a column once typed in: the header ends in commas, and
    # the rows may or may not carry them; the mapping never reads those columns.
    reports = checked_sheet(
        tmp_path,
        "Board ID,Headline,Image,,\n"
        "549755885175,Short,https://cdn.example.com/a.jpg\n"
        "549755885175,Full,https://cdn.example.com/b.jpg,,\n"
        "549755885175,Noted,https://cdn.example.com/c.jpg,,see brief\n"
        "549755885175,Long,https://cdn.example.com/d.jpg,,,\n",
    )
    assert [(r.location.line, r.codes) for r in reports] == [
        (2, frozenset()),
        (3, frozenset()),
        (4, frozenset()),
        (5, {"calendar.row_malformed"}),  # wider than the header: where do its cells belong?
    ]


def test_a_text_cell_exported_as_its_formula_is_told_as_in_a_bulk_csv(tmp_path: Path) -> None:
    first, second = checked_sheet(
        tmp_path,
        "Board ID,Headline,Image,Caption\n"
        '549755885175,"=CONCAT(A2,"" sale"")",https://cdn.example.com/a.jpg,=B2\n'
        "549755885175,= not a formula,https://cdn.example.com/b.jpg,Fine\n",
        {**SHEET_COLUMNS, "description": "Caption"},
    )
    assert [(f.code, f.field) for f in first.findings] == [
        ("calendar.formula_cell", "title"),
        ("calendar.formula_cell", "description"),
    ]
    assert first.findings[1].message == (
        'the "Caption" cell (description) holds a spreadsheet formula: "=B2"'
    )
    assert first.ok  # a warning, as in the bulk CSV
    assert second.findings == ()


def test_a_mapped_value_quoted_after_a_space_is_told_and_a_note_s_is_not(tmp_path: Path) -> None:
    first, second = checked_sheet(
        tmp_path,
        "Board ID,Headline,Image,Notes\n"
        '549755885175, "Spring",https://cdn.example.com/a.jpg,\n'
        '549755885175,Fine,https://cdn.example.com/b.jpg, "see brief"\n',
    )
    assert first.codes == {"calendar.row_malformed"}
    assert first.findings[0].message.startswith('the "Headline" cell is quoted after a space')
    assert second.findings == ()


def test_one_field_spelled_two_ways_is_refused() -> None:
    with pytest.raises(ValueError, match="'board_id' is given twice"):
        Settings(csv_columns={"board-id": "Board ID", "board_id": "Headline"})


def test_a_row_filling_the_media_of_two_kinds_of_pin_says_so(tmp_path: Path) -> None:
    header = "Board ID,Headline,Caption,Image,Go live (UTC),Video file,Video id,Cover,Cover type"
    reports = checked_sheet(
        tmp_path,
        f"{header}\n"
        "549755885175,Both,,https://cdn.example.com/a.webp,,,4876543210987654321,"
        "https://cdn.example.com/c.png,image/png\n"
        "549755885175,Stray cover,,https://cdn.example.com/b.jpg,,,,https://cdn.example.com/c.gif,"
        "image/gif\n",
        COLUMNS,
    )
    assert [r.codes for r in reports] == [{"calendar.row_malformed"}] * 2
    both, stray = (r.findings[0].message for r in reports)
    # Said of the columns as the header writes them, with the fields they fill.
    assert both == (
        'the row fills both "Video id" (media-id) and "Image" (image-url): a pin has one media; '
        "the video was checked, not the image"
    )
    assert stray.startswith(
        'the row fills "Cover" (cover-image-url) and "Cover type" (cover-image-content-type) '
        'without "Video id" (media-id)'
    )
    assert reports[0].findings[0].hint == (
        'Empty the "Image" (image-url) cell of a video pin, or the "Video id" (media-id) cell '
        "of an image pin."
    )


def test_a_finding_on_a_mapped_field_names_its_column(tmp_path: Path) -> None:
    # "board_id" and "title" are "Board ID" and "Headline" in the sheet the user edits.
    report, missing = checked_sheet(
        tmp_path,
        "Board ID,Headline,Image\n"
        f"Summer recipes,{'x' * 120},https://cdn.example.com/a.jpg\n"
        ",Fine,https://cdn.example.com/b.jpg\n",
    )
    assert [(f.field, f.message.rsplit(" (", 1)[1]) for f in report.findings] == [
        ("board_id", 'column "Board ID")'),
        ("title", 'column "Headline")'),
    ]
    (finding,) = missing.findings  # a blank cell: the column to fill
    assert finding.message == 'the pin has no board_id (column "Board ID")'


def test_hints_name_the_sheet_s_columns_not_the_api_s_fields(tmp_path: Path) -> None:
    # "Add cover_image_url" asked a sheet's user for a field; the sheet has a column to fill.
    columns = {
        **SHEET_COLUMNS, "board_section_id": "Section", "media_id": "Video id",
        "cover_image_url": "Cover", "cover_image_content_type": "Cover type",
    }  # fmt: skip
    cover, section, media = checked_sheet(
        tmp_path,
        "Board ID,Section,Headline,Image,Video id,Cover,Cover type\n"
        "549755885175,,Tulips,,4876543210987654321,,\n"
        "549755885175,sec 1,Hats,https://cdn.example.com/a.jpg,,,\n"
        "549755885175,,No media,,,,\n",
        columns,
    )
    # A sheet has no key frame to give instead: not "set accept_key_frame_cover".
    assert cover.findings[0].hint == (
        'Fill in the "Cover" column (a public JPEG or PNG, ideally with the video\'s aspect ratio) '
        'and the "Cover type" column (image/jpeg or image/png).'
    )
    # An endpoint's path keeps the API's name; a field to leave out is a cell to leave empty.
    assert section.findings[0].hint.endswith(
        "(GET /v5/boards/{board_id}/sections lists them), "
        'or leave the "Section" column empty to publish to the board itself.'
    )
    assert media.findings[0].hint == (
        'Fill in the "Image" column for an image pin, or "Video id" for an uploaded video.'
    )


@pytest.mark.parametrize(
    ("hint", "said"),
    [
        ("Set board_id to the board's id.", 'Set the "Board ID" column to the board\'s id.'),
        ("board_id must be digits.", 'The "Board ID" column must be digits.'),
        (
            "Add media_id and cover_image_url.",
            'Fill in the "Video id" column and the "Cover" column.',
        ),
        (
            'Send {"media_id": "1"}, not board_id.',
            'Send {"media_id": "1"}, not the "Board ID" column.',
        ),
        ("Set upload_url first.", "Set upload_url first."),  # no column of the sheet's
        ("Use the media_id it returns.", "Use the media_id it returns."),  # the API's own
        ("Send its media_id in media_source.", "Send its media_id in media_source."),
    ],
)
def test_an_api_name_in_a_hint_is_said_as_its_column(hint: str, said: str) -> None:
    finding = BOARD_INVALID_ID.finding("board_id", "board_id is wrong", hint)
    (told,) = said_of_columns([finding], SHEET_PATHS)
    assert told.hint == said
    assert told.message == 'board_id is wrong (column "Board ID")'


@pytest.mark.parametrize(
    ("cover_columns", "hint"),
    [
        ((), "Name the columns of a video's cover (cover-image-url and cover-image-content-type)"),
        ((("media_source.cover_image_url", "Cover"),), 'Fill in the "Cover" column (a public'),
        ((("media_source.cover_image_content_type", "Cover type"),),
         "Name the column of a video's cover image URL (cover-image-url) in"),
    ],
)  # fmt: skip
def test_a_video_row_without_a_cover_is_told_the_cover_cells_its_sheet_has(
    cover_columns: tuple[tuple[str, str], ...], hint: str
) -> None:
    # "Name the columns" was said with "Cover" named already; nor is a key frame any help.
    columns = (("board_id", "Board ID"), ("media_source.media_id", "Video id"), *cover_columns)
    finding = VIDEO_COVER_IMAGE_URL_MISSING.finding("media_source.cover_image_url", "no cover")
    (told,) = said_of_columns([finding], columns)
    assert told.hint.startswith(hint)
    if len(cover_columns) == 1 and cover_columns[0][1] == "Cover":
        assert told.hint.endswith(
            "and name the column of its content type (cover-image-content-type) in "
            "[tool.pin-preflight.csv-columns]."
        )


def test_a_row_without_media_in_a_sheet_of_video_ids_only_is_told_that_column() -> None:
    finding = MEDIA_MISSING.finding("media_source", "the pin has no media_source")
    columns = (("board_id", "Board ID"), ("media_source.media_id", "Video id"))
    (told,) = said_of_columns([finding], columns)
    assert told.hint == 'Fill in the "Video id" column.'


SHEET_PATHS = (
    ("board_id", "Board ID"),
    ("media_source.media_id", "Video id"),
    ("media_source.cover_image_url", "Cover"),
)


def test_a_caption_over_lines_with_commas_stays_one_row(tmp_path: Path) -> None:
    # Three columns: a caption line with two commas is as wide as a row, but holds no image URL.
    reports = checked_sheet(
        tmp_path,
        "Board ID,Image,Caption\n"
        '549755885175,https://cdn.example.com/a.jpg,"Cake.\nFlour, sugar, eggs."\n'
        "549755885175,https://cdn.example.com/b.jpg,Plain\n",
        {"board_id": "Board ID", "image_url": "Image", "description": "Caption"},
    )
    assert [(r.location.line, r.codes) for r in reports] == [(2, frozenset()), (4, frozenset())]


def test_rows_a_stray_quote_swallowed_are_found_without_an_image_column(tmp_path: Path) -> None:
    columns = {"board_id": "Board ID", "media_id": "Video id", "cover_image_url": "Cover",
               "cover_image_content_type": "Cover type", "description": "Caption"}  # fmt: skip
    reports = checked_sheet(
        tmp_path,
        "Board ID,Video id,Cover,Cover type,Caption\n"
        '549755885175,4876543210987654321,https://cdn.example.com/c.png,image/png,"oops\n'
        "549755885175,abc,https://cdn.example.com/d.png,image/png,d\n"
        '549755885175,4876543210987654321,https://cdn.example.com/e.png,image/png,end"\n',
        columns,
    )
    assert [r.location.line for r in reports] == [2, 3, 4]
    assert "media.media_id_invalid" in reports[1].codes


def test_a_cell_holding_a_spreadsheet_error_is_told_as_that_alone(tmp_path: Path) -> None:
    # "#REF!" in the Board ID column was "board_id '#REF!' looks like a name", and "#NAME?" in
    # the Headline passed as the pin's title.
    first, second, third = checked_sheet(
        tmp_path,
        "Board ID,Headline,Image\n"
        "#REF!,#NAME?,https://cdn.example.com/a.jpg\n"
        "549755885175,Spring,#N/A\n"
        "549755885175,Mentions #N/A,https://cdn.example.com/c.jpg\n",
    )
    assert {f.code for f in first.findings} == {"calendar.error_cell"}
    assert [(f.field, f.message) for f in first.findings] == [
        ("board_id", 'the "Board ID" cell holds the spreadsheet error #REF!'),
        ("title", 'the "Headline" cell holds the spreadsheet error #NAME?'),
    ]
    assert first.findings[0].hint.startswith("Repair the formula it comes from")
    # Said of the field it fills, and the URL's own finding ("has no scheme") left out.
    assert [(f.code, f.field) for f in second.findings] == [
        ("calendar.error_cell", "media_source.url")
    ]
    assert third.findings == ()


def test_an_id_a_spreadsheet_rounded_to_15_digits_is_warned_of(tmp_path: Path) -> None:
    # Excel's Number format writes an 18-digit id with zeros past its 15th digit, as plain digits:
    # it passed as a good id, and named another board at publish time.
    rounded, video, short, exact = checked_sheet(
        tmp_path,
        "Board ID,Headline,Image,Video id\n"
        "987654321098765000,a,https://cdn.example.com/a.jpg,\n"
        "549755885175,b,,4876543210987650000\n"
        "98765432109876500,c,https://cdn.example.com/c.jpg,\n"  # 17 digits: 1 in 100 real ids
        "987654321098765432,d,https://cdn.example.com/d.jpg,\n",
        {**SHEET_COLUMNS, "media_id": "Video id"},
    )
    (finding,) = rounded.findings
    assert (finding.code, finding.field) == ("calendar.id_rounded", "board_id")
    assert finding.message.startswith('the "Board ID" cell holds 987654321098765000, zeros past')
    assert finding.hint.endswith("GET /v5/boards lists your boards' ids.")
    assert rounded.ok  # a warning: a real id may end so
    assert ("calendar.id_rounded", "media_source.media_id") in {
        (f.code, f.field) for f in video.findings
    }
    assert short.findings == ()
    assert exact.findings == ()


def test_an_error_cell_for_the_schedule_or_the_video_file_is_that_alone(tmp_path: Path) -> None:
    # publish_at "#VALUE!" was also "not an ISO 8601 date", and video_url "#N/A" a file "not
    # found" on this machine; rows alike only in a failed lookup were a duplicate pin.
    columns = {**SHEET_COLUMNS, "publish_at": "Go live", "video_url": "Video"}
    first, second = checked_sheet(
        tmp_path,
        "Board ID,Headline,Image,Go live,Video\n"
        "549755885175,A,#REF!,#VALUE!,#N/A\n"
        "549755885175,A,#REF!,####,\n",
        columns,
    )
    assert [(f.code, f.field) for f in first.findings] == [
        ("calendar.error_cell", "media_source.url"),
        ("calendar.error_cell", "publish_at"),
        ("calendar.error_cell", "video_url"),
    ]
    assert [(f.code, f.field) for f in second.findings] == [
        ("calendar.error_cell", "media_source.url"),
        ("calendar.error_cell", "publish_at"),
    ]


def test_an_error_cell_says_nothing_of_which_kind_of_pin_the_row_is(tmp_path: Path) -> None:
    # "#N/A" in Video id made an image pin "fill both media-id and image-url".
    columns = {**SHEET_COLUMNS, "media_id": "Video id", "cover_image_url": "Cover"}
    image, video, only = checked_sheet(
        tmp_path,
        "Board ID,Headline,Image,Video id,Cover\n"
        "549755885175,Image,https://cdn.example.com/a.jpg,#N/A,\n"
        "549755885175,Video,#N/A,4876543210987654321,https://cdn.example.com/c.jpg\n"
        "549755885175,Only,,#N/A,\n",
        columns,
    )
    assert [(f.code, f.field) for f in image.findings] == [
        ("calendar.error_cell", "media_source.media_id")
    ]
    assert ("calendar.error_cell", "media_source.url") in {
        (f.code, f.field) for f in video.findings
    }
    assert "calendar.row_malformed" not in video.codes
    # Its one media cell holds an error: a video pin still, which has no cover either.
    assert [(f.code, f.field) for f in only.findings] == [
        ("calendar.error_cell", "media_source.media_id"),
        ("video.cover_image_url_missing", "media_source.cover_image_url"),
    ]


def test_excels_separator_line_above_a_sheet_of_ones_own_is_told_alone(tmp_path: Path) -> None:
    # "...; nor has it every csv-columns column: no \"Board ID\"": every one is on the next line.
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("sep=;\nBoard ID;Headline;Image\n", encoding="utf-8")
    settings = Settings(offline=True, csv_columns=SHEET_COLUMNS)
    with pytest.raises(SourceError) as raised:
        list(load(str(sheet), settings=settings, now=NOW))
    assert str(raised.value).endswith(
        "delete that line, then save the file as CSV with commas: it is separated by semicolons"
    )
