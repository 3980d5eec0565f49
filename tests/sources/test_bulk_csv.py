"""Pinterest's bulk-upload CSV: the header, each row's checks, the checks across rows."""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import hypothesis
import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import FIXTURES

from validator.codes import CATALOGUE
from validator.engine import Engine
from validator.errors import SourceError
from validator.messages import quote
from validator.report import Report
from validator.settings import Settings
from validator.slots import Slot
from validator.sources import PinInput, load
from validator.sources.bulk_csv import COLUMNS, iter_bulk_csv, parse_publish_date
from validator.urls import MediaKind

CALENDARS = FIXTURES / "calendars"
# The fixtures' dates are in 2099 and every test passes this "now": nothing rots.
NOW = datetime(2099, 6, 1, tzinfo=UTC)
HEADER = ",".join(COLUMNS)
SIGNED = (
    "https://bucket.s3.amazonaws.com/pins/a.jpg"
    "?X-Amz-Date=20990601T000000Z&X-Amz-Expires=3600&X-Amz-Signature=0"
)


def rows_of(path: Path, **settings: int) -> list[PinInput]:
    return list(load(str(path), settings=Settings(offline=True, **settings), now=NOW))


def check(items: list[PinInput]) -> list[Report]:
    engine = Engine(Settings(offline=True))
    return [engine.check(item) for item in items]


def codes_by_line(items: list[PinInput]) -> dict[int | None, list[str]]:
    return {report.location.line: sorted(report.codes) for report in check(items)}


def write_csv(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "calendar.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def row(
    title: str = "Tulips",
    media: str = "https://cdn.example.com/pins/a.jpg",
    board: str = "Spring recipes",
    thumbnail: str = "",
    description: str = "",
    link: str = "",
    date: str = "",
    keywords: str = "",
) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(
        [title, media, board, thumbnail, description, link, date, keywords]
    )
    return out.getvalue()


def one(tmp_path: Path, line: str, **settings: int) -> tuple[PinInput, Report]:
    (item,) = rows_of(write_csv(tmp_path, line), **settings)
    return item, check([item])[0]


# --- the fixtures, end to end --------------------------------------------------------------------


def test_the_good_calendar_passes_with_one_warning_for_its_blank_title() -> None:
    items = rows_of(CALENDARS / "good.csv")

    reports = check(items)

    assert [r.findings for r in reports[:5]] == [()] * 5
    assert reports[5].codes == {"calendar.title_missing"}
    assert all(r.ok for r in reports)
    assert [str(r.location) for r in reports][:2] == [
        f"{CALENDARS / 'good.csv'}:2",
        f"{CALENDARS / 'good.csv'}:3",
    ]
    assert [r.title for r in reports] == [
        "Spring tulip table", "Linen napkins", "Tulip time-lapse", "Seed tray tour",
        "Watering can", None,
    ]  # fmt: skip
    assert [i.publish_at for i in items] == [
        datetime(2099, 6, 2, tzinfo=UTC),
        datetime(2099, 6, 2, 8, tzinfo=UTC),
        datetime(2099, 6, 10, 18, 30, tzinfo=UTC),
        datetime(2099, 6, 30, 23, 59, 59, tzinfo=UTC),
        None,
        None,
    ]
    assert all(i.prechecked and i.row and i.payload is None for i in items)
    assert [i.publish_day for i in items] == [True, False, False, False, False, False]


def test_the_good_calendar_hands_its_media_to_the_network_stage() -> None:
    items = rows_of(CALENDARS / "good.csv")

    assert [i.slots for i in items] == [
        (Slot("Media URL", "https://cdn.example.com/pins/spring-table.jpg", MediaKind.IMAGE),),
        (Slot("Media URL", "https://cdn.example.com/pins/napkins.png", MediaKind.IMAGE),),
        (Slot("Media URL", "https://cdn.example.com/video/tulips.mp4", MediaKind.VIDEO),),
        (Slot("Media URL", "https://cdn.example.com/video/seeds.mov", MediaKind.VIDEO),),
        (
            Slot("Media URL", "https://cdn.example.com/video/can.m4v", MediaKind.VIDEO),
            Slot(
                "Thumbnail", "https://cdn.example.com/covers/can.jpg", MediaKind.IMAGE, cover=True
            ),
        ),
        (Slot("Media URL", "https://cdn.example.com/pins/no-title.jpeg", MediaKind.IMAGE),),
    ]


PROBLEMS = {
    2: [],  # the control row
    3: ["calendar.row_malformed"],  # 3 fields
    4: ["calendar.row_malformed"],  # an unquoted comma: 9 fields
    5: ["calendar.description_multiline"],  # a quoted line break: the row spans lines 5 and 6
    7: ["calendar.duplicate_link"],
    8: ["calendar.thumbnail_missing"],
    9: ["calendar.publish_date_past"],
    10: ["calendar.publish_date_too_far"],
    11: ["calendar.publish_date_invalid"],
    12: ["board.missing"],
    13: ["text.title_too_long"],
    14: ["calendar.description_too_long"],
    15: ["text.link_invalid"],
    16: ["text.link_too_long"],
    17: ["media.unsupported_format"],
    18: ["calendar.thumbnail_invalid"],
    # 19 is blank and 20 all blank cells: no pins
    21: [],
    22: ["calendar.duplicate_pin"],
    23: ["media.unsupported_format"],
    24: ["calendar.title_missing"],  # a warning: sources disagree whether the tool refuses it
    25: ["calendar.formula_cell"],  # exported as the formula, not its value
    26: ["calendar.error_cell"],  # #NAME?, #REF! and ######## (a date too wide to show)
    27: ["calendar.board_multiline"],  # a line break in the board's name: it spans 27 and 28
}


def test_a_nul_in_a_row_makes_it_malformed(tmp_path: Path) -> None:
    # "\x00".strip() is not blank: a board cell holding only a NUL passed as a board.
    good = "Ok,https://cdn.example.com/a.jpg,Spring recipes,,,,,"
    path = write_csv(tmp_path, good, "\x00,https://cdn.example.com/b.jpg,\x00,,,,,")
    assert codes_by_line(rows_of(path)) == {2: [], 3: ["calendar.row_malformed"]}
    (report,) = check(rows_of(path)[1:])
    assert report.findings[0].message == "the row holds a NUL character (byte 0) at its start"


def test_a_header_repeated_by_joined_files_is_one_malformed_row(tmp_path: Path) -> None:
    # cat a.csv b.csv: the second header was a pin of three misleading errors ("Media URL"
    # contains whitespace, "Link" has no scheme, "Publish date" is no date).
    good = "Ok,https://cdn.example.com/a.jpg,Spring recipes,,,,,"
    again = "\ufeff" + HEADER.upper()  # its own byte order mark; any case, as the header's
    path = write_csv(tmp_path, good, again, good.replace("a.jpg", "b.jpg"))
    assert codes_by_line(rows_of(path)) == {2: [], 3: ["calendar.row_malformed"], 4: []}
    (report,) = check(rows_of(path)[1:2])
    assert report.findings[0].message.startswith("the row repeats the header of line 1")


def test_every_row_problem_is_found_on_its_line() -> None:
    raw = (CALENDARS / "problems.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfTitle,")  # the fixture keeps its BOM and CRLFs
    assert b"\r\n" in raw

    items = rows_of(CALENDARS / "problems.csv")

    assert codes_by_line(items) == PROBLEMS
    assert [i.location.position for i in items] == list(range(len(PROBLEMS)))


def test_problem_findings_name_their_column() -> None:
    reports = {r.location.line: r for r in check(rows_of(CALENDARS / "problems.csv"))}

    lines = (5, 7, 8, 11, 12, 17, 23, 25, 26)
    fields = {line: [f.field for f in reports[line].findings] for line in lines}

    assert fields == {
        5: ["Description"],
        7: ["Link"],
        8: ["Thumbnail"],
        11: ["Publish date"],
        12: ["Pinterest board"],
        17: ["Media URL"],
        23: ["Thumbnail"],
        25: ["Title"],
        26: ["Title", "Pinterest board", "Publish date"],  # the date's own finding left out
    }
    duplicate = reports[7].findings[0]
    assert duplicate.message.endswith(f"{CALENDARS / 'problems.csv'}:2")
    assert "A spreadsheet rewrote the date" in reports[11].findings[0].hint
    assert "9 fields, the header 8" in reports[4].findings[0].message
    assert [f.message for f in reports[26].findings] == [
        'the "Title" cell holds the spreadsheet error #NAME?',
        'the "Pinterest board" cell holds the spreadsheet error #REF!',
        'the "Publish date" cell holds ########, what a spreadsheet shows of a value too wide '
        "for its column",
    ]
    assert reports[26].findings[2].hint.startswith("Widen the column in the sheet")
    # Every problem fails its row except the duplicate pin, the blank title and the formula,
    # warnings.
    assert {line for line, report in reports.items() if report.ok} == {2, 5, 21, 22, 24, 25}


def test_a_reported_media_url_is_not_probed() -> None:
    items = {i.location.line: i for i in rows_of(CALENDARS / "problems.csv")}

    assert items[17].slots == ()  # the WebP
    assert items[23].slots == (
        Slot("Media URL", "https://cdn.example.com/video/r.mp4", MediaKind.VIDEO),
    )  # the video stays, its WebP cover goes


def test_a_wrong_header_is_one_error_naming_every_column() -> None:
    name = str(CALENDARS / "wrong-header.csv")

    with pytest.raises(SourceError) as raised:
        list(load(name, now=NOW))

    message = str(raised.value)
    assert message.startswith(f"{name}:1: not a Pinterest bulk-upload header: ")
    assert 'unknown columns "Board", "Notes"' in message
    assert 'Pinterest refuses the older column "Media file URL" (write "Media URL")' in message
    assert 'missing required columns "Media URL", "Pinterest board"' in message
    assert "Title" not in message.split("(expected")[0]  # "title" in lower case is Title


# --- the header ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        pytest.param(HEADER, id="exact"),
        pytest.param(HEADER.lower(), id="lower-case"),
        pytest.param(" TITLE , media  url,Pinterest   Board ", id="spaces-required-only"),
        pytest.param("Pinterest board,Media URL,Title", id="any-order"),
    ],
)
def test_header_spelling_and_order_are_tolerated(tmp_path: Path, header: str) -> None:
    names = [" ".join(cell.split()).casefold() for cell in header.split(",")]
    values = {"title": "Tulips", "media url": "https://cdn.example.com/a.jpg",
              "pinterest board": "Spring"}  # fmt: skip
    line = ",".join(values.get(name, "") for name in names)

    (item,) = rows_of(write_csv(tmp_path, line, header=header))

    assert item.title == "Tulips"
    assert item.extra == ()
    assert item.slots == (Slot("Media URL", "https://cdn.example.com/a.jpg", MediaKind.IMAGE),)


@pytest.mark.parametrize("column", ["Title", "Media URL", "Pinterest board"])
def test_each_required_column_is_required(tmp_path: Path, column: str) -> None:
    header = ",".join(name for name in COLUMNS if name != column)

    with pytest.raises(SourceError, match=f'missing required column "{column}"'):
        rows_of(write_csv(tmp_path, header=header))


def test_a_repeated_column_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r'repeated column "Link"; missing required column'):
        rows_of(write_csv(tmp_path, header="Title,Media URL,Link,link"))


def test_blank_columns_after_the_header_s_last_are_left_out(tmp_path: Path) -> None:
    # What Excel writes once a cell right of the data was typed in and cleared: ",,,," on the
    # header and on every row; a row that stops at the last named column is as good.
    path = tmp_path / "calendar.csv"
    path.write_text(
        f"{HEADER},,,,\r\n{row(title='Wide')},,,,\r\n"
        f"{row(title='Narrow', media='https://cdn.example.com/pins/b.jpg')}\r\n",
        encoding="utf-8",
    )
    items = rows_of(path)
    assert [item.title for item in items] == ["Wide", "Narrow"]
    assert codes_by_line(items) == {2: [], 3: []}


def test_a_value_under_a_blank_column_of_the_header_is_reported(tmp_path: Path) -> None:
    path = write_csv(tmp_path, f"{row()},,stray", header=HEADER + ",,")
    (report,) = check(rows_of(path))
    assert report.codes == {"calendar.row_malformed"}
    assert 'the row has "stray" in column 10, which the header leaves unnamed' in (
        report.findings[0].message
    )


def test_a_blank_column_inside_the_header_is_an_unnamed_column(tmp_path: Path) -> None:
    header = HEADER.replace(",Keywords", ",,Keywords")
    with pytest.raises(SourceError, match=r"unknown column #8 \(unnamed: delete it\)"):
        rows_of(write_csv(tmp_path, header=header))


def test_a_header_that_is_not_utf8_says_so(tmp_path: Path) -> None:
    path = tmp_path / "calendar.csv"
    path.write_bytes(HEADER.replace("Keywords", "Mots-cl\xe9s").encode("latin-1") + b"\n")

    with pytest.raises(SourceError, match=r"csv:1: the header is not UTF-8 text") as raised:
        rows_of(path)
    assert 'after "Publish date,Mots-cl"' in str(raised.value)  # the cells as written
    assert str(raised.value).endswith("save the file as UTF-8 (in a spreadsheet: CSV UTF-8), "
                                      "or fix the characters at it.")  # fmt: skip


@pytest.mark.parametrize(
    "text", ["", "\n\n", "\ufeff", " , ,\n"], ids=["empty", "blank", "bom", "commas"]
)
def test_a_file_without_a_header_is_a_source_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "calendar.csv"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(SourceError, match=r"the file is empty \(no header row\)$"):
        rows_of(path)


def test_a_header_alone_is_a_calendar_without_pins(tmp_path: Path) -> None:
    assert rows_of(write_csv(tmp_path)) == []


def test_blank_lines_above_the_header_keep_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "calendar.csv"
    path.write_text(f"\n\n{HEADER}\n{row()}\n", encoding="utf-8")

    (item,) = rows_of(path)

    assert item.location.line == 4


# --- one row -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("thumbnail", "codes", "cover"),
    [
        pytest.param("01:30", set(), None, id="mm:ss"),
        pytest.param("90", set(), None, id="seconds"),
        pytest.param("2.5", set(), None, id="fractional-seconds"),
        pytest.param("https://cdn.example.com/c.png", set(), "https://cdn.example.com/c.png",
                     id="image-url"),
        pytest.param("", {"calendar.thumbnail_missing"}, None, id="blank"),
        pytest.param("12:75", {"calendar.thumbnail_invalid"}, None, id="bad-seconds"),
        pytest.param("cover.jpg", {"media.url_invalid"}, None, id="file-name"),
        # Times with a unit were reported as URLs without a scheme.
        pytest.param("3s", {"calendar.thumbnail_invalid"}, None, id="seconds-with-unit"),
        pytest.param("5 sec", {"calendar.thumbnail_invalid"}, None, id="spelled-unit"),
        pytest.param("www.example.com/c.jpg", {"media.url_invalid"}, None, id="no-scheme"),
        pytest.param("https://cdn.example.com/c.gif", {"media.unsupported_format"}, None,
                     id="gif-url"),
    ],
)  # fmt: skip
def test_a_video_row_needs_a_thumbnail(
    tmp_path: Path, thumbnail: str, codes: set[str], cover: str | None
) -> None:
    item, report = one(tmp_path, row(media="https://cdn.example.com/v.mp4", thumbnail=thumbnail))

    assert report.codes == codes
    covers = [slot for slot in item.slots if slot.field == "Thumbnail"]
    assert covers == ([Slot("Thumbnail", cover, MediaKind.IMAGE, cover=True)] if cover else [])


@pytest.mark.parametrize("thumbnail", ["0:05:00", "00:05:00", "12:05:00 AM"])
def test_a_thumbnail_a_spreadsheet_made_a_time_of_day_says_so(
    tmp_path: Path, thumbnail: str
) -> None:
    # "0:05" typed into a cell is 0 hours 5 minutes to Excel: exported as 0:05:00, it was
    # "neither a time", with nothing to say why. Read as 5 minutes it would be a guess.
    _, report = one(tmp_path, row(media="https://cdn.example.com/v.mp4", thumbnail=thumbnail))
    (finding,) = report.findings
    assert finding.code == "calendar.thumbnail_invalid"
    assert finding.hint.startswith("A spreadsheet read the time as hours and minutes (h:mm:ss)")


def test_an_image_row_ignores_its_thumbnail(tmp_path: Path) -> None:
    item, report = one(tmp_path, row(thumbnail="https://cdn.example.com/c.gif"))

    assert report.codes == set()
    assert [slot.field for slot in item.slots] == ["Media URL"]


def test_an_unsupported_video_is_judged_as_a_video(tmp_path: Path) -> None:
    item, report = one(tmp_path, row(media="https://cdn.example.com/v.webm", thumbnail="3"))

    assert report.codes == {"media.unsupported_format"}
    assert "MP4, MOV or M4V" in report.findings[0].message
    assert item.slots == ()


@pytest.mark.parametrize(
    ("media", "code"),
    [("", "media.url_invalid"), ("cdn.example.com/a.jpg", "media.url_invalid"),
     ("https://cdn.example.com/a.heic", "media.unsupported_format")],
)  # fmt: skip
def test_a_bad_media_url_is_reported_and_not_probed(tmp_path: Path, media: str, code: str) -> None:
    item, report = one(tmp_path, row(media=media))

    assert report.codes == {code}
    assert report.findings[0].field == "Media URL"
    assert item.slots == ()


@pytest.mark.parametrize(
    ("field", "limit", "code"),
    [("title", 100, "text.title_too_long"), ("description", 500, "calendar.description_too_long"),
     ("link", 2048, "text.link_too_long")],
)  # fmt: skip
def test_text_limits_are_inclusive(tmp_path: Path, field: str, limit: int, code: str) -> None:
    def text(length: int) -> str:
        if field == "link":
            return "https://shop.example.com/" + "x" * (length - 25)
        return "x" * length

    _, at_limit = one(tmp_path, row(**{field: text(limit)}))
    _, over = one(tmp_path, row(**{field: text(limit + 1)}))

    assert at_limit.codes == set()
    assert over.codes == {code}
    assert f"the limit is {limit}" in over.findings[0].message


def test_a_description_the_api_takes_is_still_too_long_for_the_bulk_tool(tmp_path: Path) -> None:
    _, report = one(tmp_path, row(description="x" * 700))

    assert report.codes == {"calendar.description_too_long"}  # not text.description_too_long (800)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2099-06-02", datetime(2099, 6, 2, tzinfo=UTC)),
        ("2099-06-02T08:00:00", datetime(2099, 6, 2, 8, tzinfo=UTC)),
        ("2099-06-02 08:00:00", datetime(2099, 6, 2, 8, tzinfo=UTC)),
        ("2099-06-02T08:00:00Z", datetime(2099, 6, 2, 8, tzinfo=UTC)),
        ("2099-06-02t08:00:00z", None),  # only the documented upper-case T and Z
        ("2099-06-02T08:00", None),  # no seconds: not a documented form
        ("2099-6-2", None),
        ("2099-02-30", None),
        ("2099-06-02T24:00:00", None),
        ("2099-06-02Z", None),
        ("06/02/2099", None),
        ("2099-06-02T08:00:00+02:00", None),  # the file is UTC by definition
        ("２０９９-06-02", None),  # full-width digits
    ],
)
def test_publish_date_forms(text: str, expected: datetime | None) -> None:
    assert parse_publish_date(text) == expected


def test_the_schedule_window_is_counted_from_now(tmp_path: Path) -> None:
    def at(delta: timedelta) -> str:
        return (NOW + delta).strftime("%Y-%m-%dT%H:%M:%S")

    path = write_csv(
        tmp_path,
        row(date=at(timedelta(0)), link="https://s.example/0"),
        row(date=at(timedelta(seconds=1)), link="https://s.example/1"),
        row(date=at(timedelta(days=30)), link="https://s.example/2"),
        row(date=at(timedelta(days=30, seconds=1)), link="https://s.example/3"),
    )

    by_line = codes_by_line(rows_of(path))
    narrow = codes_by_line(rows_of(path, schedule_window_days=14))

    assert by_line == {
        2: ["calendar.publish_date_past"],
        3: [],
        4: [],
        5: ["calendar.publish_date_too_far"],
    }
    assert narrow[4] == ["calendar.publish_date_too_far"]


def test_a_date_alone_is_midnight_so_today_is_past(tmp_path: Path) -> None:
    _, report = one(tmp_path, row(date=NOW.strftime("%Y-%m-%d")))

    assert report.codes == {"calendar.publish_date_past"}


def test_now_must_be_timezone_aware() -> None:
    naive = datetime(2099, 6, 1)  # naive: the mistake under test
    with pytest.raises(ValueError, match="timezone-aware"):
        list(iter_bulk_csv(io.StringIO(HEADER), "c.csv", settings=Settings(), now=naive))


def test_a_signed_url_must_outlive_the_publish_date(tmp_path: Path) -> None:
    # Signed to expire 2099-06-01T01:00Z; published the next day: dead on arrival.
    _, report = one(tmp_path, row(media=SIGNED, date="2099-06-02T08:00:00"))

    assert report.codes == {"media.url_expires"}
    assert report.findings[0].field == "Media URL"


# --- across rows ---------------------------------------------------------------------------------


def test_duplicates_across_rows(tmp_path: Path) -> None:
    a, b = "https://cdn.example.com/a.jpg", "https://cdn.example.com/b.jpg"
    path = write_csv(
        tmp_path,
        row(media=a, link="https://s.example/1"),  # 2
        row(media=b, link="https://s.example/1"),  # 3: same link
        row(media=a, link="https://s.example/2"),  # 4: same media, another link: fine
        row(media=a, board="Other", link=""),  # 5
        row(media=a, board="Other", link=""),  # 6: same media, board and (no) link
        row(media=a, link="https://s.example/1"),  # 7: same link and same pin as row 2
    )

    assert codes_by_line(rows_of(path)) == {
        2: [],
        3: ["calendar.duplicate_link"],
        4: [],
        5: [],
        6: ["calendar.duplicate_pin"],
        7: ["calendar.duplicate_link", "calendar.duplicate_pin"],
    }


def test_too_many_rows_is_one_warning_on_the_first_row_over(tmp_path: Path) -> None:
    lines = [row(media=f"https://cdn.example.com/{n}.jpg", link=f"https://s.example/{n}")
             for n in range(203)]  # fmt: skip
    lines[200] = "broken,row"  # the row over the limit may itself be broken
    path = write_csv(tmp_path, *lines)

    reports = check(rows_of(path))
    small = check(rows_of(path, max_calendar_rows=5))

    flagged = [r.location.position for r in reports if "calendar.too_many_rows" in r.codes]
    assert flagged == [200]
    assert reports[200].codes == {"calendar.row_malformed", "calendar.too_many_rows"}
    assert reports[200].ok is False
    assert reports[199].ok
    assert reports[201].ok
    assert "more than 200 rows (this is row 201)" in reports[200].findings[-1].message
    assert [r.location.position for r in small if "calendar.too_many_rows" in r.codes] == [5]


def test_rows_are_yielded_as_they_are_read() -> None:
    def lines() -> Iterator[str]:
        yield HEADER + "\n"
        yield row() + "\n"
        raise AssertionError("the loader read past the row it had to yield")

    items = iter_bulk_csv(lines(), "c.csv", settings=Settings(), now=NOW)  # type: ignore[arg-type]

    assert next(items).title == "Tulips"


# --- load ----------------------------------------------------------------------------------------


def test_load_dispatches_any_case_of_csv(tmp_path: Path) -> None:
    path = tmp_path / "CALENDAR.CSV"
    path.write_text(f"{HEADER}\r\n{row()}\r\n", encoding="utf-8")

    (item,) = load(str(path), now=NOW)  # default settings

    assert item.prechecked
    assert item.location.line == 2


def test_load_without_now_uses_the_clock(tmp_path: Path) -> None:
    (item,) = load(str(write_csv(tmp_path, row(date="2001-01-01"))))

    assert [f.code for f in item.extra] == ["calendar.publish_date_past"]


def test_a_missing_csv_is_a_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"nowhere\.csv: no such file$"):
        list(load(str(tmp_path / "nowhere.csv")))


# --- whatever the file holds ---------------------------------------------------------------------

# Any text but a NUL, which no sheet writes: a row holding one is malformed on purpose.
_CELL = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=12)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@given(st.lists(st.lists(_CELL, min_size=8, max_size=8), max_size=8))
def test_one_pin_per_written_row_at_the_line_it_starts_on(cells: list[list[str]]) -> None:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    starts = []
    for values in cells:
        starts.append(out.tell())
        writer.writerow(values)
    text = out.getvalue()
    expected = [
        1 + len(_LINE_BREAK.findall(text, 0, start))
        for start, values in zip(starts, cells, strict=True)
        if any(value.strip() for value in values)
    ]

    items = list(
        iter_bulk_csv(io.StringIO(text, newline=""), "c.csv", settings=Settings(), now=NOW)
    )

    assert [i.location.line for i in items] == expected
    assert [i.location.position for i in items] == list(range(len(expected)))
    assert all(i.prechecked and i.row for i in items)
    assert not any(f.code == "calendar.row_malformed" for i in items for f in i.extra)


@given(st.text(), st.booleans())
def test_any_text_is_pins_or_one_source_error(text: str, with_header: bool) -> None:
    document = f"{HEADER}\n{text}" if with_header else text
    stream = io.StringIO(document, newline="")
    try:
        items = list(iter_bulk_csv(stream, "c.csv", settings=Settings(), now=NOW))
    except SourceError as exc:
        error: SourceError | None = exc
        items = []
    else:
        error = None
    if with_header:
        assert error is None
    if error is not None:
        assert str(error).startswith("c.csv")
    assert [i.location.position for i in items] == list(range(len(items)))
    lines = [i.location.line or 0 for i in items]
    assert lines == sorted(set(lines))
    assert all(line > 1 for line in lines)
    assert [report.location for report in check(items)] == [i.location for i in items]


def test_a_row_the_csv_module_refuses_is_a_broken_row_and_reading_goes_on() -> None:
    # A lone CR inside an unquoted field, read from a stream that splits lines on LF only.
    text = f"{HEADER}\nTulips\rand more,https://cdn.example.com/a.jpg,Spring\n{row(title='Next')}\n"

    items = list(iter_bulk_csv(io.StringIO(text), "c.csv", settings=Settings(), now=NOW))

    assert [[f.code for f in i.extra] for i in items] == [["calendar.row_malformed"], []]
    assert "cannot be read as CSV" in items[0].extra[0].message
    assert [i.location.line for i in items] == [2, 3]
    assert items[1].title == "Next"


def test_a_cell_over_the_csv_module_default_limit_is_read_whole() -> None:
    # Over csv's default limit (131,072) the module stops inside the cell and reads its rest,
    # line breaks and all, as rows of their own: rows that are not in the file.
    cell = ("x" * 70_000 + "\n") * 2 + "Not, a, row\n"
    text = f'{HEADER}\nLong,https://cdn.example.com/a.jpg,Board,,"{cell}",,,\n{row(title="Next")}\n'

    items = list(
        iter_bulk_csv(io.StringIO(text, newline=""), "c.csv", settings=Settings(), now=NOW)
    )

    assert len(items) == 2
    assert "calendar.description_too_long" in {f.code for f in items[0].extra}
    assert items[1].title == "Next"
    assert items[1].location.line == 6


def test_a_quote_never_closed_is_one_broken_row_and_the_lines_after_it_are_rows() -> None:
    opened = 'Open,https://cdn.example.com/pins/a.jpg,Spring recipes,,,,,"summer'
    text = f"{HEADER}\n{opened}\n{row(title='B')}\n{row(title='C')}\n"

    items = list(
        iter_bulk_csv(io.StringIO(text, newline=""), "c.csv", settings=Settings(), now=NOW)
    )

    assert [(i.location.line, i.title) for i in items] == [(2, None), (3, "B"), (4, "C")]
    assert [f.code for f in items[0].extra] == ["calendar.row_malformed"]
    assert "never closed" in items[0].extra[0].message


def test_a_broken_quote_inside_a_row_gives_back_the_lines_it_took_in() -> None:
    a = 'A,https://cdn.example.com/pins/a.jpg,"Spring recipes,,,,,'  # opens a quote...
    b = 'B,https://cdn.example.com/pins/a.jpg,Spring recipes,,,,,"x'  # ...closed here, then x
    text = f"{HEADER}\n{a}\n{b}\n{row(title='C')}\n"

    items = list(
        iter_bulk_csv(io.StringIO(text, newline=""), "c.csv", settings=Settings(), now=NOW)
    )

    assert [(i.location.line, i.title) for i in items] == [(2, None), (3, None), (4, "C")]
    assert [f.code for i in items[:2] for f in i.extra] == ["calendar.row_malformed"] * 2


def test_a_stream_that_kept_the_byte_order_mark_is_read_too() -> None:
    text = f"\ufeff{HEADER}\r\n{row()}\r\n"  # opened as utf-8, not utf-8-sig

    (item,) = iter_bulk_csv(io.StringIO(text, newline=""), "c.csv", settings=Settings(), now=NOW)

    assert item.title == "Tulips"


# --- encodings -----------------------------------------------------------------------------------


def test_a_row_that_is_not_utf8_is_one_malformed_row_and_the_rest_is_read(tmp_path: Path) -> None:
    rows = [row(title=t, media=f"https://cdn.example.com/{t}.jpg") for t in ("A", "Caf\x00", "B")]
    path = write_csv(tmp_path, *rows)
    path.write_bytes(path.read_bytes().replace(b"Caf\x00", b"Caf\xe9 cr\xe8me"))

    items = rows_of(path)
    reports = check(items)

    assert [r.location.line for r in reports] == [2, 3, 4]
    assert [r.codes for r in reports] == [set(), {"calendar.row_malformed"}, set()]
    (finding,) = reports[1].findings
    assert finding.message == 'the row is not UTF-8 text: byte 0xE9 after "Caf"'
    assert "UTF-8" in finding.hint
    # At the row's start there is nothing before it: not 'after ""'.
    cp1252 = b"\x93Quoted\x94 title,https://cdn.example.com/a.jpg,B,,,,,\n"
    path.write_bytes(HEADER.encode() + b"\n" + cp1252)
    (report,) = check(rows_of(path))
    assert report.findings[0].message == "the row is not UTF-8 text: byte 0x93 at its start"


@pytest.mark.parametrize(
    ("data", "after"),
    [
        (b"Title,Media URL,Pinterest board,,\nA,https://e.com/a.jpg,B,,Caf\xe9\n", "B,,Caf"),
        (
            b'Title,Media URL,Pinterest board,Description\nA,https://e.com/a.jpg,B, "Caf\xe9, x"\n',
            'B, \\"Caf',
        ),  # a quote after a space
        (b"Title,Media URL,Pinterest board\nA,https://e.com/a.jpg,B,x,Caf\xe9\n", "B,x,Caf"),
    ],
)
def test_a_row_not_utf8_is_told_so_before_its_shape_whose_message_would_quote_the_bytes(
    tmp_path: Path, data: bytes, after: str
) -> None:
    # A value in an unnamed column, a quote after a space, a row too wide: each message quoted
    # the byte as Python's "\udce9", and the finding that says what to do was never given.
    path = tmp_path / "calendar.csv"
    path.write_bytes(data)
    (report,) = check(rows_of(path))
    (finding,) = report.findings
    assert finding.message.startswith('the row is not UTF-8 text: byte 0xE9 after "')
    assert finding.message.endswith(f'{after}"')


def test_utf16_csv_is_one_error_for_the_file(tmp_path: Path) -> None:
    path = tmp_path / "calendar.csv"
    path.write_text(HEADER + "\n" + row() + "\n", encoding="utf-16")

    # Excel's "Unicode Text" is UTF-16 (with tabs): re-encoded alone, it met the tab error next.
    expected = (
        "calendar.csv: UTF-16 text (as Excel's \"Unicode Text\" and PowerShell's > write it); "
        'save it as "CSV UTF-8 (Comma delimited)"'
    )
    with pytest.raises(SourceError) as raised:
        rows_of(path)
    assert str(raised.value).endswith(expected)


REWROTE = "A spreadsheet rewrote the date: format the column as text and write "
ANY_DATE = "the date as yyyy-mm-dd, or yyyy-mm-ddThh:mm:ss with a time (UTC)."
IN_UTC = "the date and time in UTC, as yyyy-mm-ddThh:mm:ss: "
ON_ITS_CLOCK = " on the spreadsheet's clock is UTC."
AS_BULK = "Write it as yyyy-mm-ddThh:mm:ss: "
IN_UTC_ALONE = "Write the time in UTC, without its offset: "


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        # The date meant, as it should be written (a fixed example read as the date's
        # conversion, and soon as a date past).
        ("17.12.2026", REWROTE + "2026-12-17 (yyyy-mm-dd)."),
        ("06/17/2099", REWROTE + "2099-06-17 (yyyy-mm-dd)."),
        ("17/06/2099", REWROTE + "2099-06-17 (yyyy-mm-dd)."),
        ("2099/06/17", REWROTE + "2099-06-17 (yyyy-mm-dd)."),
        ("03/05/2099", REWROTE + "2099-03-05 or 2099-05-03, whichever it means (yyyy-mm-dd)."),
        # A time is on the spreadsheet's clock: not handed back as if it were UTC.
        ("6/17/99 8:30 PM", REWROTE + IN_UTC + "2099-06-17T20:30:00 if 20:30" + ON_ITS_CLOCK),
        ("31/31/2099", REWROTE + ANY_DATE),
        ("06/17/2099 13:00 PM", REWROTE + ANY_DATE),
        # A date cell formatted as a number: the day's serial number, a fraction its time.
        ("46373", "A spreadsheet wrote the date as its serial number (46373 is 2026-12-17T00:00"),
        ("46373.75", "A spreadsheet wrote the date as its serial number (46373.75 is 2026-12-17T1"),
        # Excel writes 8:00 as a fraction no float holds: rounded, not cut to 07:59:59.
        ("45658.3333333333", "A spreadsheet wrote the date as its serial number (45658.33333333"),
        ("17.12.2026 08:00", REWROTE + IN_UTC + "2026-12-17T08:00:00 if 08:00" + ON_ITS_CLOCK),
        # A date-time format without seconds.
        ("2026-12-17 14:00", "Write the seconds too: 2026-12-17T14:00:00 (UTC)."),
        ("2026-02-30 14:00", None),  # no such day: adding the seconds would not make one
        # ISO 8601 forms the bulk tool does not take: given back as it does, in UTC.
        ("2026-12-17T08:00:00.000Z", AS_BULK + "2026-12-17T08:00:00 (UTC)."),
        ("2026-12-17T10:30:00+01:00", IN_UTC_ALONE + "2026-12-17T09:30:00."),
        ("2026-12-17T23:30:00-05:00", IN_UTC_ALONE + "2026-12-18T04:30:00."),
        ("2026-12-17 8:00", AS_BULK + "2026-12-17T08:00:00 (UTC)."),
        ("2026-W51-4", "Write the date as yyyy-mm-dd: 2026-12-17."),
        ("2026-W51", None),  # which day of the week is not said
        # Python reads any one character between date and time: the time is kept.
        ("2026-12-17t10:30:00", AS_BULK + "2026-12-17T10:30:00 (UTC)."),
        ("2026-12-17_10:30:00", AS_BULK + "2026-12-17T10:30:00 (UTC)."),
        ("20261217T103000", AS_BULK + "2026-12-17T10:30:00 (UTC)."),
        # An hour without its minutes is a time all the same.
        ("2026-12-17T10", AS_BULK + "2026-12-17T10:00:00 (UTC)."),
        ("2026-12-17T10+02", IN_UTC_ALONE + "2026-12-17T08:00:00."),
        ("2026-12-17T00Z", AS_BULK + "2026-12-17T00:00:00 (UTC)."),
        ("2026-12-17T10.5", None),  # 10:30 to ISO 8601, 10:00:00.5 to Python: no guess
        ("2026-12-17T10:30,5Z", None),
        ("0001-01-01T00:30:00+01:00", None),  # before year 1 in UTC: no date to give back
        # Excel's d-mmm-yyyy, and a long date.
        ("17-Dec-2026", REWROTE + "2026-12-17 (yyyy-mm-dd)."),
        ("December 17, 2026", REWROTE + "2026-12-17 (yyyy-mm-dd)."),
        ("31-Feb-2027", None),
        ("123", None),
    ],
)  # fmt: skip
def test_the_spreadsheet_hint_is_given_for_a_spreadsheets_date_only(
    tmp_path: Path, value: str, hint: str | None
) -> None:
    _, report = one(tmp_path, row(date=value))

    (finding,) = report.findings
    assert finding.code == "calendar.publish_date_invalid"
    if hint is None:
        assert finding.hint == CATALOGUE["calendar.publish_date_invalid"].fix
    else:
        assert finding.hint.startswith(hint)
    if value == "45658.3333333333":
        assert "(45658.3333333333 is 2025-01-01T08:00:00 on its clock)" in finding.hint


def test_a_date_of_the_right_form_that_is_no_date_says_so(tmp_path: Path) -> None:
    # "is not yyyy-mm-dd" was said of 2026-02-30, which is in that form.
    _, report = one(tmp_path, row(date="2026-02-30"))
    (finding,) = report.findings
    assert finding.message.endswith('"2026-02-30" is no such day or time')


@pytest.mark.parametrize(("separator", "name"), [(";", "semicolons"), ("\t", "tabs")])
def test_a_semicolon_or_tab_separated_export_is_named_so(
    tmp_path: Path, separator: str, name: str
) -> None:
    path = write_csv(tmp_path, header=HEADER.replace(",", separator))
    with pytest.raises(SourceError, match=f"separated by {name}: save it as CSV with commas"):
        rows_of(path)


@pytest.mark.parametrize(
    ("hint", "separated"),
    [
        ("sep=,", ""),
        # Deleting the line alone led to the next error: the rows are so separated too.
        ("sep=;", ", then save the file as CSV with commas: it is separated by semicolons"),
        ("sep=\t", ", then save the file as CSV with commas: it is separated by tabs"),
    ],
)
def test_excels_separator_hint_is_named(tmp_path: Path, hint: str, separated: str) -> None:
    # "sep=," was quoted as "sep=": its comma read as a cell separator, the empty cell dropped.
    path = tmp_path / "calendar.csv"
    path.write_text(f"{hint}\n{HEADER}\n{row()}\n", encoding="utf-8")

    with pytest.raises(SourceError) as raised:
        rows_of(path)
    assert str(raised.value).endswith(
        f"calendar.csv:1: the first line is Excel's separator hint ({quote(hint)}), not the "
        f"bulk-upload header: delete that line{separated}"
    )


def test_the_older_media_column_beside_the_new_one_is_to_be_deleted(tmp_path: Path) -> None:
    # "write Media URL" would have made the column twice.
    path = write_csv(tmp_path, header=HEADER + ",Media file URL")
    with pytest.raises(SourceError, match=r'"Media file URL" \(delete it: "Media URL" is there'):
        rows_of(path)


def test_a_header_of_many_empty_columns_is_a_short_error(tmp_path: Path) -> None:
    # Each unnamed column was listed: a 30 MB message (and JSON report) for a spreadsheet's
    # trailing empty columns.
    path = write_csv(tmp_path, header=HEADER.replace(",Keywords", "," * 100_000 + "Keywords"))
    with pytest.raises(SourceError) as raised:
        rows_of(path)
    message = str(raised.value)
    assert len(message) < 1000
    assert "#8 (unnamed: delete it)" in message
    assert "and 99,989 more" in message


def test_a_stray_quote_that_closes_rows_later_loses_none_of_them(tmp_path: Path) -> None:
    # A quote opened in a Description and closed by an inch mark two rows later: the record has
    # the header's number of fields, and the rows between were read into one of its cells.
    path = write_csv(
        tmp_path,
        'Vase,https://cdn.example.com/a.jpg,Home,,"Best vase ever,https://s.example.com/a,,',
        "Pillow,https://cdn.example.com/b.webp,,,Soft,https://s.example.com/b,1999-01-01,",
        'Frame,https://cdn.example.com/c.jpg,Home,,Size 8x10",https://s.example.com/c,,',
        "R5,https://cdn.example.com/d.jpg,Home,,,https://s.example.com/d,,",
    )
    found = codes_by_line(rows_of(path))
    assert sorted(found) == [2, 3, 4, 5]  # every line of the file has its result
    assert found[2] == ["calendar.row_malformed"]
    assert "board.missing" in found[3]  # the row that was hidden in a cell is checked


def test_a_stray_quote_closed_in_the_same_column_of_the_next_row_loses_it(tmp_path: Path) -> None:
    # The record has the header's number of fields, and no line inside its cell is a whole row:
    # the row that was read into the cell came out with no result at all (found by fuzzing).
    path = write_csv(
        tmp_path,
        'Vase,https://cdn.example.com/a.jpg,Home,,"Best vase ever,https://s.example.com/a,,',
        'Frame,https://cdn.example.com/c.webp,,,Size 8x10",https://s.example.com/c,,',
    )
    found = codes_by_line(rows_of(path))
    assert sorted(found) == [2, 3]
    assert found[2] == ["calendar.row_malformed"]
    assert {"media.unsupported_format", "board.missing"} <= set(found[3])


def test_a_row_read_into_a_last_cell_without_a_comma_of_its_own_is_kept(tmp_path: Path) -> None:
    # Many fields too many, but the one line inside a cell ("Frame 12") holds no comma.
    path = write_csv(
        tmp_path,
        'Vase,https://cdn.example.com/a.jpg,Home,,Tall vase,https://s.example.com/a,,"spring',
        'Frame 12",https://cdn.example.com/b.webp,,,Oak frame,https://s.example.com/b,,home',
        "Rug,https://cdn.example.com/c.jpg,Home,,Soft,https://s.example.com/c,,",
    )
    found = codes_by_line(rows_of(path))
    assert sorted(found) == [2, 3, 4]
    assert found[2] == ["calendar.row_malformed"]
    assert "media.unsupported_format" in found[3]


def test_a_quote_opened_before_a_whole_row_and_closed_in_the_next_loses_neither(
    tmp_path: Path,
) -> None:
    # The first line of the cell is a whole row; the next closes the quote in its first column.
    path = write_csv(
        tmp_path,
        '"Pin 11,https://cdn.example.com/p/11.jpg,Board,,ok,https://shop.example.com/11,,k',
        'Pin 12",https://cdn.example.com/p/12.webp,Board,,ok,https://shop.example.com/12,,k',
    )
    found = codes_by_line(rows_of(path))
    assert sorted(found) == [2, 3]
    assert "media.unsupported_format" in found[3]


@pytest.mark.parametrize(
    "cells",
    [
        # A title on two lines: the row's own cells follow the quote that closes it.
        '"Spring vase,\nnew colours",https://cdn.example.com/a.jpg,Home,,Tall,https://s.example.com/a,,',
        # A description whose last line names a page, then the rest of its row.
        'Vase,https://cdn.example.com/a.jpg,Home,,"Tall.\nGuide, https://s.example.com/g",'
        "https://s.example.com/a,,",
    ],
)
def test_a_cell_over_lines_followed_by_the_rest_of_its_row_is_one_row(
    tmp_path: Path, cells: str
) -> None:
    path = write_csv(tmp_path, cells, row(title="Next"))
    found = codes_by_line(rows_of(path))
    assert len(found) == 2
    assert "calendar.row_malformed" not in found[2]


def test_a_cell_over_lines_after_a_media_url_column_is_one_row(tmp_path: Path) -> None:
    # Columns in another order: a title's last line naming a page put a URL where the Media
    # URL column is, and a valid row was called two broken ones (found by a review).
    path = write_csv(
        tmp_path,
        'https://cdn.example.com/a.jpg,"Spring vase',
        'Photo: https://instagram.com/anna",Home,"Tall, oak"',
        "https://cdn.example.com/b.jpg,Next,Home,Plain",
        header="Media URL,Title,Pinterest board,Description",
    )
    found = codes_by_line(rows_of(path))
    assert sorted(found) == [2, 4]
    assert "calendar.row_malformed" not in found[2]


def test_a_row_with_blank_cells_past_the_header_and_a_comma_split_value_is_malformed(
    tmp_path: Path,
) -> None:
    # "Red, white and blue" unquoted: the link's column holds " white and blue".
    cells = (
        "Cap,https://cdn.example.com/2.jpg,Summer,,Red, white and blue,https://s.example.com/2,,"
    )
    path = write_csv(tmp_path, cells)
    ((finding,),) = [report.findings for report in check(rows_of(path))]
    assert finding.code == "calendar.row_malformed"
    assert finding.hint is not None
    assert finding.hint.startswith("A comma inside a value splits it in two")


@pytest.mark.parametrize(
    "cells",
    [
        # Excel leaves out a row's empty cells at its end on some rows (no Keywords here)...
        "Cap,https://cdn.example.com/2.jpg,Summer,,Nice,https://shop.example.com/2,2099-06-02",
        # ...which looks like a value left out in the middle (the Link: its date is under Link).
        "Cap,https://cdn.example.com/2.jpg,Summer,,Nice,2099-06-02",
    ],
    ids=["empty-keywords-left-out", "link-left-out"],
)
def test_a_row_shorter_than_the_header_is_told_to_give_its_empty_fields(
    tmp_path: Path, cells: str
) -> None:
    path = write_csv(tmp_path, cells)
    ((finding,),) = [report.findings for report in check(rows_of(path))]
    assert finding.code == "calendar.row_malformed"
    assert finding.message == f"the row has {cells.count(',') + 1} fields, the header 8"
    assert finding.hint is not None
    assert finding.hint.startswith("A value is missing with its comma, or the spreadsheet left out")
    assert "give the row its 8 fields, empty ones included" in finding.hint


def test_a_row_whose_cells_hold_line_breaks_and_one_field_too_many_is_one_finding(
    tmp_path: Path,
) -> None:
    path = write_csv(
        tmp_path,
        '"Two\nlines",https://cdn.example.com/a.jpg,B,,"d1\nd2\nd3",https://s.example.com/a,,,extra',
        row(title="Next"),
    )
    items = rows_of(path)
    assert [item.location.line for item in items] == [2, 6]
    (report, after) = check(items)
    assert report.codes == {"calendar.row_malformed"}
    assert "the row has 9 fields, the header 8" in report.findings[0].message
    assert "Close the quote" not in report.findings[0].hint
    assert after.ok


def test_a_header_quoted_and_separated_by_semicolons_is_named_so(tmp_path: Path) -> None:
    header = ";".join(f'"{name}"' for name in HEADER.split(","))
    with pytest.raises(SourceError, match=r"separated by semicolons or tabs, save it as CSV"):
        rows_of(write_csv(tmp_path, header=header))


def test_a_description_over_lines_with_many_commas_is_one_row(tmp_path: Path) -> None:
    # A recipe's ingredients: as many commas as a row has, but no row (no URL where a row's is).
    path = write_csv(
        tmp_path,
        'Cake,https://cdn.example.com/pins/a.jpg,Recipes,,"Easy cake.',
        "Ingredients: flour, sugar, eggs, butter, milk, salt, vanilla, baking powder.",
        'Bake 30 min.",https://shop.example.com/a,2099-06-02,',
        "Tulips,https://cdn.example.com/pins/b.jpg,Recipes,,Plain.,https://shop.example.com/b,"
        "2099-06-02,",
    )
    assert codes_by_line(rows_of(path)) == {2: ["calendar.description_multiline"], 5: []}


def test_blank_trailing_columns_and_a_description_over_lines(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        'Cake,https://cdn.example.com/pins/a.jpg,Recipes,,"Line one.',
        'Then two, with a comma.",https://shop.example.com/a,2099-06-02,',
        "Tulips,https://cdn.example.com/pins/b.jpg,Recipes,,Plain.,https://shop.example.com/b,"
        "2099-06-02,",
        header=HEADER + ",,,,",
    )
    assert codes_by_line(rows_of(path)) == {2: ["calendar.description_multiline"], 4: []}


@pytest.mark.parametrize(
    "media",
    [
        "file:///home/me/c.jpg",
        "",
        "images/c.jpg",
        "www.example.com/c.jpg",
        "/srv/media/c",
        "./c",
        "C:\\media\\c",
    ],
    ids=["file-url", "empty", "relative", "no-scheme", "absolute", "dot", "windows"],
)
def test_swallowed_rows_are_found_whatever_their_media_cell_holds(
    tmp_path: Path, media: str
) -> None:
    path = write_csv(
        tmp_path,
        'A,https://cdn.example.com/a.jpg,B,,"oops',
        f"C,{media},B,,d,https://l.example.com/c,,",
        f'D,{media},B,,end",https://l.example.com/d,,',
        "E,https://cdn.example.com/e.jpg,B,,,https://l.example.com/e,,",
    )
    found = codes_by_line(rows_of(path))
    assert sorted(found) == [2, 3, 4, 5]
    assert found[2] == ["calendar.row_malformed"]


def test_a_description_line_with_a_url_among_its_commas_is_text(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        'Cake,https://cdn.example.com/pins/a.jpg,Recipes,,"Easy cake.',
        "Shop: flour, https://shop.example.com/flour, sugar, eggs, butter, milk, salt, vanilla.",
        'Bake.",https://shop.example.com/a,2099-06-02,',
    )
    assert codes_by_line(rows_of(path)) == {2: ["calendar.description_multiline"]}


def test_a_3gp_media_url_makes_a_video_row(tmp_path: Path) -> None:
    # A .3gp file is judged by its bytes (most are MP4 to any reader): a video, so it needs a
    # Thumbnail like any video row.
    path = write_csv(tmp_path, row(media="https://cdn.example.com/video/clip.3gp"))
    assert codes_by_line(rows_of(path)) == {2: ["calendar.thumbnail_missing"]}


@pytest.mark.parametrize(
    ("column", "lines"),
    [
        ("keywords", ["spring,tulips,garden,diy", "home,decor,ideas,2026,flowers,bulbs,plant,out"]),
        ("description", ["Tulips!", "#spring,#tulips,#garden,#diy,#home,#decor,#ideas,#2026"]),
        ("description", ["Sizes available:", "28,30,32,34,36,38,40,42,44"]),
        (
            "description",
            ["Ingredients:", "flour,sugar,eggs,butter,milk,salt,vanilla,baking powder"],
        ),
        ("description", ["Visit us:", "Main St 1,Springfield,IL,62701,USA,open,daily,9-5"]),
        ("description", ["You need:", "flour,1/2 cup sugar,eggs,milk,salt,vanilla,butter,cream"]),
        ("description", ["Sizes:", "XS/S,M/L,XL/XXL,and/or,one size,petite,tall,plus"]),
        (
            "description",
            [
                "Specs:",
                "SKU,Color,Size,Weight,Price,Stock,Brand,Origin",
                "LMP-01,Black,M,1.2kg,49,12,Lumo,PT",
            ],
        ),
    ],
    ids=[
        "keywords",
        "hashtags",
        "sizes",
        "ingredients",
        "address",
        "fractions",
        "slashes",
        "specs",
    ],
)
def test_comma_lists_over_lines_stay_in_their_row(
    tmp_path: Path, column: str, lines: list[str]
) -> None:
    cell = '"' + "\n".join(lines) + '"'
    text = row(title="Tulips", link="https://shop.example.com/a", date="2099-06-02")
    cells = text.split(",")
    cells[7 if column == "keywords" else 4] = cell
    other = row(title="Roses", media="https://cdn.example.com/pins/b.jpg", link="https://l.ex/b")
    path = write_csv(tmp_path, ",".join(cells), other)
    found = codes_by_line(rows_of(path))
    assert sorted(found) == [2, 2 + len(lines)], found
    assert "calendar.row_malformed" not in found[2]


def test_a_swallowed_row_with_a_space_after_a_comma_is_still_found(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        'A,https://cdn.example.com/a.jpg,B,,"oops',
        "B,https://cdn.example.com/b.jpg, Board,,d,https://l.example.com/b,,",
        'C,https://cdn.example.com/c.jpg,B,,end",https://l.example.com/c,,',
        "E,https://cdn.example.com/e.jpg,B,,,https://l.example.com/e,,",
    )
    found = codes_by_line(rows_of(path))
    assert sorted(found) == [2, 3, 4, 5]
    assert found[2] == ["calendar.row_malformed"]


def test_a_cell_over_the_limit_gets_its_own_remedy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "Close the quote" was said of a quoted cell that was closed, only long.
    from validator.sources import csv_records

    monkeypatch.setattr(csv_records, "CELL_LIMIT", 200)
    saved = csv.field_size_limit(200)  # process-wide: put back below
    try:
        path = write_csv(tmp_path, row(description='"' + "x" * 300 + '"'), row(title="Roses"))
        items = rows_of(path)
    finally:
        csv.field_size_limit(saved)
    problem = items[0].extra[0] if items[0].extra else items[0].problem
    assert problem is not None
    assert problem.message.startswith("a cell is longer than 200 characters")
    assert (problem.hint or "").startswith("Look for a quote opened in this row and never closed")


def test_the_schedule_window_s_hint_is_in_utc_whatever_zone_now_is_in(tmp_path: Path) -> None:
    # Days added to a New York "now" across the DST change gave a hint an hour off its message.
    from zoneinfo import ZoneInfo

    now = datetime(2026, 10, 20, 12, tzinfo=ZoneInfo("America/New_York"))  # 16:00 UTC
    path = write_csv(tmp_path, row(date="2026-11-19T16:30:00"))
    (item,) = list(load(str(path), settings=Settings(offline=True), now=now))
    (finding,) = [f for f in item.extra if f.code == "calendar.publish_date_too_far"]
    assert "2026-10-20T16:00:00Z" in finding.message
    assert "before 2026-11-19T16:00:00Z" in (finding.hint or "")


def test_a_video_as_a_video_row_s_thumbnail_is_told_to_give_an_image_or_a_time(
    tmp_path: Path,
) -> None:
    video = "https://cdn.example.com/video/tulips.mp4"
    path = write_csv(tmp_path, row(media=video, thumbnail="https://cdn.example.com/video/t.mp4"))
    ((finding,),) = [report.findings for report in check(rows_of(path))]
    assert (finding.code, finding.field) == ("media.unsupported_format", "Thumbnail")
    assert finding.hint is not None
    assert finding.hint.startswith("Give a JPEG or PNG image's URL")


def test_values_quoted_after_a_space_are_told_to_lose_the_space(tmp_path: Path) -> None:
    # `a, "b"`: CSV opens a quote only right after the comma; after a space the quotes stay in
    # the value (a board "Summer" with its quotes), and a comma inside splits the value.
    path = write_csv(
        tmp_path,
        '"Hat", "https://cdn.example.com/1.jpg", "Summer", "Nice hat"',
        'Cap, https://cdn.example.com/2.jpg, Summer, "Red, white"',
        'Ok,https://cdn.example.com/3.jpg,Summer,"  ""Quoted"" at the start"',
        header="Title, Media URL, Pinterest board, Description",
    )
    first, second, third = check(rows_of(path))
    (finding,) = first.findings
    assert finding.code == "calendar.row_malformed"
    assert finding.message.startswith(
        'the "Media URL", "Pinterest board" and "Description" cells are quoted after a space '
        '("https://cdn.example.com/1.jpg"): CSV reads those quotes as part of the value'
    )
    assert finding.hint is not None
    assert finding.hint.startswith("Remove the spaces after the commas")
    (split,) = second.findings  # the cells after it moved: only the split one is named
    assert split.message.startswith('the "Description" cell is quoted after a space ("Red, white")')
    assert third.ok  # quoted right, its value starts with spaces and a quote


@pytest.mark.parametrize(
    "cells",
    [
        # What a spreadsheet writes for a value that starts with a space and a quote.
        '" ""Summer""",https://cdn.example.com/a.jpg,Board,,Fine,https://s.example.com/a,,',
        # ", " inside a quoted value: the same read either way.
        'Cap,https://cdn.example.com/d.jpg,Board,,"He said, ""hi""",,,',
        # ...also at the start of a line of it (found by fuzzing csv.writer's output), and
        # beside a plain value with a space before it.
        '"\n, ""lines"" ",https://cdn.example.com/d.jpg, Board,,Fine,,,',
    ],
)
def test_a_quote_after_a_space_inside_a_value_is_no_spaced_quote(
    tmp_path: Path, cells: str
) -> None:
    path = write_csv(tmp_path, cells)
    assert codes_by_line(rows_of(path)) == {2: []}


def test_a_split_value_quoted_after_a_space_is_told_in_a_row_that_then_fits(tmp_path: Path) -> None:
    # Seven fields as written; the comma inside the quotes made them eight, the header's width.
    path = write_csv(tmp_path, 'Hat,https://cdn.example.com/a.jpg, "Summer, fun",,,,')
    ((finding,),) = [report.findings for report in check(rows_of(path))]
    assert finding.message.startswith('the "Pinterest board" cell is quoted after a space')


def test_an_unquoted_comma_before_a_quoted_word_keeps_the_comma_hint(tmp_path: Path) -> None:
    # `Red, "white" and blue`: read with the spaces skipped, the row is as wide: no spaced quote.
    cells = 'T,https://cdn.example.com/b.jpg,Board,,Red, "white" and blue,https://s.example.com/b,,'
    ((finding,),) = [report.findings for report in check(rows_of(write_csv(tmp_path, cells)))]
    assert finding.message == "the row has 9 fields, the header 8"
    assert finding.hint is not None
    assert finding.hint.startswith("A comma inside a value splits it in two")


# What makes a quote look spaced in a row's text: ", \"" and spaces, inside quoted values.
_PIECES = [" ", '"', ",", "a", "\n", ', "', '" ', "Summer"]


@hypothesis.settings(max_examples=150, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(_PIECES), max_size=5).map("".join), min_size=3, max_size=3)
)
def test_no_row_a_csv_writer_writes_is_quoted_after_a_space(texts: list[str]) -> None:
    # What a spreadsheet or csv.writer writes is never "a, "b"": nothing of it may say so.
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerow(
        [texts[0], "https://cdn.example.com/a.jpg", f"Board{texts[1]}", "", texts[2], "", "", ""]
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "calendar.csv"
        path.write_text(out.getvalue(), encoding="utf-8", newline="")
        messages = [
            finding.message for report in check(rows_of(path)) for finding in report.findings
        ]
    assert not [message for message in messages if "quoted after a space" in message]


def test_a_row_over_lines_of_the_wrong_width_is_not_told_to_close_a_quote(
    tmp_path: Path,
) -> None:
    # Its quote may be fine (a comma list on a line of a description, in a row Excel cut
    # short), or it may have swallowed rows: the hint names both, not "Close the quote" alone.
    path = write_csv(
        tmp_path, 'Cake,https://cdn.example.com/a.jpg,Board,,"You need:\nflour, sugar"'
    )
    first = check(rows_of(path))[0].findings[0]
    assert first.message.startswith("the row has 5 fields, the header 8 (it runs over lines 2")
    assert first.hint is not None
    assert first.hint.startswith("Give the row as many fields as the header")


def test_rows_alike_only_in_their_error_cells_are_no_repeats(tmp_path: Path) -> None:
    # Two lookups that failed alike (#REF! media, #N/A link) read as "remove one of the two rows".
    failed = row(media="#REF!", link="#N/A")
    items = rows_of(write_csv(tmp_path, failed, failed.replace("Tulips", "Roses")))
    assert [item.extra and {f.code for f in item.extra} for item in items] == [
        {"calendar.error_cell"},
        {"calendar.error_cell"},
    ]
    board = row(board="#REF!")
    (item,) = rows_of(write_csv(tmp_path, board))
    assert item.board_name is None  # no board is looked up by the error's name


def test_a_title_row_above_the_header_is_to_be_deleted(tmp_path: Path) -> None:
    # "unknown column 'December calendar'; missing required columns..." did not say the header
    # was right there on the next line.
    path = write_csv(tmp_path, HEADER, row(), header="December calendar,,,,,,,")
    with pytest.raises(SourceError) as raised:
        rows_of(path)
    assert str(raised.value).endswith(
        'calendar.csv:1: the first row is a title ("December calendar"), not the header, which '
        "is on line 2: delete the title row, as the header must come first"
    )
    # One cell above rows that are no header either: the header's own error.
    path = write_csv(tmp_path, row(), header="December calendar")
    with pytest.raises(SourceError, match="not a Pinterest bulk-upload header"):
        rows_of(path)
