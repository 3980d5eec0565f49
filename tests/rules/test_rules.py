"""What the offline rules say, beyond *that* they fire (tests/codes covers that): where, and how."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

import PIL.Image
import pytest
from support import FIXTURES, png_header

from validator import Report, Settings, validate
from validator.codes import CATALOGUE, Stage
from validator.codes.examples import BOARD_ID, COVER_URL, IMAGE_URL, PNG_BASE64
from validator.findings import Finding
from validator.messages import quote
from validator.model import PinCreate


def check(pin: object, **options: Any) -> Report:
    """``validate`` without the network: these tests are about the payload alone."""
    return validate(pin, offline=True, **options)


def image_pin(**fields: Any) -> dict[str, Any]:
    pin: dict[str, Any] = {
        "board_id": BOARD_ID,
        "media_source": {"source_type": "image_url", "url": IMAGE_URL},
    }
    pin.update(fields)
    return pin


def video_pin(**source: Any) -> dict[str, Any]:
    media = {
        "source_type": "video_id",
        "media_id": "4876543210987654321",
        "cover_image_url": COVER_URL,
        "cover_image_content_type": "image/jpeg",
    }
    media.update(source)
    return image_pin(media_source={k: v for k, v in media.items() if v is not None})


def only(pin: dict[str, Any], code: str) -> Finding:
    """The one finding of ``code`` on ``pin`` (failing if there are none or several)."""
    report = check(pin)
    findings = [f for f in report.findings if f.code == code]
    assert len(findings) == 1, sorted(report.codes)
    return findings[0]


def test_board_missing_points_at_board_id() -> None:
    finding = only(
        {"media_source": {"source_type": "image_url", "url": IMAGE_URL}}, "board.missing"
    )
    assert finding.field == "board_id"
    assert "GET /v5/boards" in finding.hint


def test_board_name_is_quoted_and_the_hint_asks_for_the_numeric_id() -> None:
    finding = only(image_pin(board_id="Summer recipes"), "board.invalid_id")
    assert '"Summer recipes"' in finding.message
    assert "numeric id" in finding.hint


def test_webp_is_one_unsupported_format_finding_not_also_an_invalid_url() -> None:
    report = check(
        image_pin(media_source={"source_type": "image_url", "url": "https://a.example/x.webp"})
    )
    assert report.codes == {"media.unsupported_format"}
    assert ".webp" in report.findings[0].message


def test_carousel_findings_name_the_item() -> None:
    items = [
        {"url": "https://a.example/1.jpg"},
        {"url": "https://a.example/2.gif"},
        {"url": "https://a.example/3.jpg", "link": "www.shop.example"},
    ]
    report = check(image_pin(media_source={"source_type": "multiple_image_urls", "items": items}))
    fields = {f.code: f.field for f in report.findings}
    assert fields == {
        "media.unsupported_format": "media_source.items[1].url",
        "text.link_invalid": "media_source.items[2].link",
    }


def test_carousel_count_message_gives_the_count_and_the_range() -> None:
    items = [{"url": f"https://a.example/{i}.jpg"} for i in range(6)]
    finding = only(
        image_pin(media_source={"source_type": "multiple_image_urls", "items": items}),
        "carousel.item_count",
    )
    assert "6 items" in finding.message
    assert "2 to 5" in finding.message
    assert "Remove 1" in finding.hint


@pytest.mark.parametrize("source_type", ["multiple_image_urls", "multiple_image_base64"])
@pytest.mark.parametrize("count", [1, 6])
def test_a_carousel_of_the_wrong_count_still_has_each_slide_checked(
    source_type: str, count: int
) -> None:
    # Its items were taken out with the count: a WebP (or broken data) among six was told only
    # once the sixth was removed, a run later.
    if source_type == "multiple_image_urls":
        items = [{"url": f"https://a.example/{i}.jpg"} for i in range(count)]
        items[-1]["url"] = "https://a.example/last.webp"
        code = "media.unsupported_format"
    else:
        items = [{"content_type": "image/png", "data": PNG_BASE64} for _ in range(count)]
        items[-1]["data"] = "not base64!"
        code = "media.base64_invalid"
    report = check(image_pin(media_source={"source_type": source_type, "items": items}))
    assert {(f.code, f.field) for f in report.findings} == {
        ("carousel.item_count", "media_source.items"),
        (code, f"media_source.items[{count - 1}]" + (".url" if "urls" in source_type else ".data")),
    }


def test_a_carousel_far_over_the_count_is_checked_only_so_far() -> None:
    items = [{"url": f"https://a.example/{i}.webp"} for i in range(1000)]
    report = check(image_pin(media_source={"source_type": "multiple_image_urls", "items": items}))
    assert len(report.findings) == 11  # the count, and the first ten slides
    assert "the carousel has 1000 items; it takes 2 to 5 (the first 10 were checked)" in (
        report.findings[0].message
    )


@pytest.mark.parametrize(("count", "index"), [(0, 0), (1, 1)])
def test_the_index_of_a_carousel_too_small_to_send_is_not_judged(count: int, index: int) -> None:
    # "index is 0, but the carousel's 0 items are numbered 0 to -1"
    items = [{"url": f"https://a.example/{i}.jpg"} for i in range(count)]
    source = {"source_type": "multiple_image_urls", "items": items, "index": index}
    assert check(image_pin(media_source=source)).codes == {"carousel.item_count"}


def test_title_too_long_quotes_length_and_limit() -> None:
    finding = only(image_pin(title="t" * 130), "text.title_too_long")
    assert "130 characters" in finding.message
    assert "100" in finding.message
    assert "Remove at least 30" in finding.hint


def test_a_too_long_title_does_not_hide_the_media_problem() -> None:
    pin = image_pin(
        title="t" * 130,
        media_source={"source_type": "image_url", "url": "https://a.example/x.heic"},
    )
    assert check(pin).codes == {"text.title_too_long", "media.unsupported_format"}


def test_description_warning_threshold_follows_the_settings() -> None:
    pin = image_pin(description="d" * 450)
    assert check(pin).ok
    assert check(pin).findings == ()
    report = check(pin, settings=Settings(description_warn_length=400))
    assert report.codes == {"text.description_long"}
    assert report.ok  # a warning does not fail the pin
    assert report.findings[0].hint.startswith("Shorten it by 50 characters,")
    settings = Settings(description_warn_length=400)
    one_over = check(image_pin(description="d" * 401), settings=settings)
    assert one_over.findings[0].hint.startswith("Shorten it by 1 character,")


def test_strict_turns_warnings_into_errors() -> None:
    pin = image_pin(dominant_color="sand")
    assert check(pin).ok
    strict = check(pin, strict=True)
    assert not strict.ok
    assert [f.severity for f in strict.findings] == ["error"]


def test_key_frame_cover_is_refused_by_default_and_accepted_on_request() -> None:
    pin = video_pin(
        cover_image_url=None, cover_image_content_type=None, cover_image_key_frame_time=2
    )
    finding = only(pin, "video.cover_image_url_missing")
    assert "(2 s)" in finding.message
    assert check(pin, settings=Settings(accept_key_frame_cover=True)).ok
    assert "set accept_key_frame_cover = true" in finding.hint


def test_a_run_that_trusts_key_frames_is_not_told_to_set_its_setting() -> None:
    pin = video_pin(cover_image_url=None, cover_image_content_type=None)
    report = check(pin, settings=Settings(accept_key_frame_cover=True))
    (finding,) = report.findings
    assert finding.code == "video.cover_image_url_missing"
    assert finding.hint.endswith(
        "or cover_image_key_frame_time: the second of the frame to show "
        "(accept_key_frame_cover is set)."
    )


@pytest.mark.parametrize("ext", ["mkv", "webm"])
def test_a_video_pinterest_does_not_take_where_an_image_goes_is_to_be_converted_first(
    ext: str,
) -> None:
    # "Upload the video with POST /v5/media": an upload of a .mkv fails there in its turn.
    url = f"https://cdn.example.com/clip.{ext}"
    (finding,) = check(image_pin(media_source={"source_type": "image_url", "url": url})).findings
    assert finding.code == "media.unsupported_format"
    assert finding.hint.startswith(f"Convert the .{ext} video to MP4 (H.264 or H.265). Upload ")


@pytest.mark.parametrize("key_frame", [1.5, -1, "3"])
def test_a_mistyped_key_frame_is_one_finding_where_key_frames_are_accepted(
    key_frame: object,
) -> None:
    pin = video_pin(
        cover_image_url=None, cover_image_content_type=None, cover_image_key_frame_time=key_frame
    )
    accepting = Settings(accept_key_frame_cover=True)
    assert check(pin, settings=accepting).codes == {"video.cover_key_frame_time_invalid"}
    assert check(pin).codes == {  # refused as a cover too: the URL is still missing
        "video.cover_key_frame_time_invalid",
        "video.cover_image_url_missing",
    }


def test_base64_that_only_lacks_its_padding_is_told_so() -> None:
    unpadded = PNG_BASE64.rstrip("=")
    assert len(unpadded) % 4 in (2, 3)  # the example image needs padding
    pin = {"board_id": BOARD_ID, "media_source": {"source_type": "image_base64",
           "content_type": "image/png", "data": unpadded}}  # fmt: skip
    (finding,) = check(pin).findings
    missing = "=" * (-len(unpadded) % 4)
    assert finding.hint == f"Only its padding is missing: add {missing} at the end."


def test_base64_cut_at_a_length_padding_would_fix_is_told_it_is_cut() -> None:
    # Excel's 32,767-character cell: "only its padding is missing", and padded, media.invalid.
    cut = _encoded("cover.jpg")[:32767]
    pin = {"board_id": BOARD_ID, "media_source": {"source_type": "image_base64",
           "content_type": "image/jpeg", "data": cut}}  # fmt: skip
    (finding,) = check(pin).findings
    assert finding.code == "media.base64_invalid"
    assert finding.hint is not None
    assert finding.hint.startswith("The text is cut off: padded, it decodes to an image that is "
                                   "cut off")  # fmt: skip
    assert finding.hint.endswith("(a spreadsheet cell holds at most 32,767 characters).")
    # Cut at another length, the cell's limit is no explanation.
    pin["media_source"]["data"] = _encoded("cover.jpg")[:32766]
    (finding,) = check(pin).findings
    assert finding.hint is not None
    assert finding.hint.endswith("Encode the whole file again.")


def test_base64_whose_image_ends_but_holds_no_picture_is_not_called_cut_text() -> None:
    # Only a missing end marker means the text was cut: headers then an end marker is the
    # image's own problem, which the next run (padded) reports.
    jpeg = (FIXTURES / "media" / "small.jpg").read_bytes()
    scan = jpeg.index(b"\xff\xda")
    text = base64.b64encode(jpeg[:scan] + b"\xff\xd9").decode()
    unpadded = text.rstrip("=")
    assert len(unpadded) % 4 in (2, 3)
    pin = {"board_id": BOARD_ID, "media_source": {"source_type": "image_base64",
           "content_type": "image/jpeg", "data": unpadded}}  # fmt: skip
    (finding,) = check(pin).findings
    assert finding.hint is not None
    assert finding.hint.startswith("Only its padding is missing")


@pytest.mark.parametrize("extra", ["=", "==", "===="])
def test_base64_padded_past_its_end_is_refused(extra: str) -> None:
    # Python's strict decoding took it; RFC 4648 and other languages' decoders do not.
    padded = _encoded("small.jpg")
    assert len(padded) % 4 == 0
    pin = {"board_id": BOARD_ID, "media_source": {"source_type": "image_base64",
           "content_type": "image/jpeg", "data": padded + extra}}  # fmt: skip
    codes = {finding.code: finding for finding in check(pin).findings}
    finding = codes["media.base64_invalid"]
    assert finding.hint is not None
    assert finding.hint.startswith(f"Remove {extra} from the end: base64 pads to a multiple of 4")


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        (" 549755885175", "Remove the spaces or line breaks around the id."),
        ("549755885175\n", "Remove the spaces or line breaks around the id."),
        ("'549755885175", 'Remove the apostrophe: send "549755885175".'),  # a sheet's text mark
        ("5.49756E+11", "A spreadsheet turned the id into a number, which keeps its first 15"),
        # Excel in a European locale writes a decimal comma: "looks like a name" (the E).
        ("5,49756E+11", "A spreadsheet turned the id into a number, which keeps its first 15"),
        # A number format keeps every digit: the id it was is given back.
        ("549755885175.0", 'A spreadsheet formatted the id as a number (digits grouped, or a '
                           'decimal part): send "549755885175"'),
        ("549755885175,0", 'A spreadsheet formatted the id as a number (digits grouped, or a '
                           'decimal part): send "549755885175"'),
        ("549,755,885,175", 'A spreadsheet formatted the id as a number (digits grouped, or a '
                            'decimal part): send "549755885175"'),
        ("549.755.885.175", 'A spreadsheet formatted the id as a number (digits grouped, or a '
                            'decimal part): send "549755885175"'),
        ("549\u00a0755\u00a0885\u00a0175", 'A spreadsheet formatted the id as a number'),
        # Past 15 digits, a spreadsheet's number has zeros where the id's digits were.
        ("916194567837845000.0", "A spreadsheet turned the id into a number, which keeps"),
        ("549,755,885,175,000,000", "A spreadsheet turned the id into a number, which keeps"),
        # A last group of zeros is digits, not a decimal part (a review found "549755885").
        ("549,755,885,000", 'A spreadsheet formatted the id as a number (digits grouped, or a '
                            'decimal part): send "549755885000"'),
        ("1.000.000", 'A spreadsheet formatted the id as a number (digits grouped, or a '
                      'decimal part): send "1000000"'),
        ("549.755.885.175,0", 'A spreadsheet formatted the id as a number (digits grouped, or a '
                              'decimal part): send "549755885175"'),
    ],
)  # fmt: skip
def test_ids_a_paste_or_a_spreadsheet_mangled_get_their_own_fix(value: str, hint: str) -> None:
    (finding,) = check(image_pin(board_id=value)).findings
    assert finding.code == "board.invalid_id"
    assert finding.hint is not None
    assert finding.hint.startswith(hint)


def test_cover_content_type_must_agree_with_the_cover_extension() -> None:
    pin = video_pin(
        cover_image_url="https://a.example/cover.png", cover_image_content_type="image/jpeg"
    )
    finding = only(pin, "video.cover_image_content_type_invalid")
    assert "image/png" in finding.hint
    assert check(video_pin(cover_image_url="https://a.example/cover?id=7")).ok  # no extension


def test_cover_data_instead_of_a_url_is_checked_as_base64() -> None:
    png = {"cover_image_url": None, "cover_image_content_type": "image/png"}
    assert check(video_pin(**png, cover_image_data=PNG_BASE64[:-2])).codes == {
        "media.base64_invalid"
    }
    assert check(video_pin(**png, cover_image_data=PNG_BASE64)).ok
    # What it holds is known offline: a PNG is not the JPEG it is declared to be.
    mislabelled = video_pin(cover_image_url=None, cover_image_data=PNG_BASE64)
    finding = only(mislabelled, "video.cover_image_content_type_invalid")
    assert finding.hint == "Set media_source.cover_image_content_type to image/png."


@pytest.mark.parametrize("key_frames", [False, True], ids=["cover-needed", "key-frames-accepted"])
@pytest.mark.parametrize("url", [5, ["https://cdn.example.com/covers/a.jpg"], ""])
def test_a_cover_url_taken_out_while_parsing_is_told_with_its_missing_type(
    url: object, key_frames: bool
) -> None:
    # As cover data taken out is: what else the cover lacks, said in the same run.
    pin = video_pin(cover_image_url=url, cover_image_content_type=None)
    pin["media_source"]["cover_image_key_frame_time"] = 3
    settings = Settings(offline=True, accept_key_frame_cover=key_frames)
    codes = check(pin, settings=settings).codes
    assert "video.cover_image_content_type_missing" in codes
    assert "video.cover_image_url_missing" not in codes


def test_cover_data_taken_out_while_parsing_is_not_also_a_missing_cover() -> None:
    wrapped = PNG_BASE64[:40] + "\n" + PNG_BASE64[40:]  # MIME-style line break
    pin = video_pin(cover_image_url=None, cover_image_content_type="image/png",
                    cover_image_data=wrapped)  # fmt: skip
    assert check(pin).codes == {"media.base64_invalid"}  # not video.cover_image_url_missing too
    # ...but what else the cover lacks is said in the same run, not after the data is fixed
    untyped = video_pin(cover_image_url=None, cover_image_content_type=None,
                        cover_image_data=wrapped)  # fmt: skip
    assert check(untyped).codes == {
        "media.base64_invalid", "video.cover_image_content_type_missing"
    }  # fmt: skip
    # A type given but invalid is that, not missing too (the two contradicted each other).
    webp = video_pin(cover_image_url=None, cover_image_content_type="image/webp",
                     cover_image_data=wrapped)  # fmt: skip
    assert check(webp).codes == {
        "media.base64_invalid", "video.cover_image_content_type_invalid"
    }  # fmt: skip


def test_a_cover_url_and_cover_data_of_two_formats_are_two_covers() -> None:
    pin = video_pin(cover_image_url="https://a.example/cover.jpg",
                    cover_image_content_type="image/jpeg", cover_image_data=PNG_BASE64)  # fmt: skip
    (finding,) = check(pin).findings
    assert finding.code == "video.cover_image_content_type_invalid"
    assert "two different covers" in finding.message
    assert finding.hint.startswith("Give one cover")


_ILLUSTRATOR_SVG = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n<!-- Generator: Adobe '
    b'Illustrator 27.0.0, SVG Export Plug-In -->\n<svg xmlns="http://www.w3.org/2000/svg"/>'
)


@pytest.mark.parametrize(
    ("data", "code", "words"),
    [
        ("aGVsbG8gd29ybGQ=", "media.base64_invalid", "no image"),  # "hello world"
        ("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==", "media.unsupported_format",
         "a GIF image"),
        (PNG_BASE64, "media.content_type_invalid", "is image/jpeg but media_source.data holds"),
        # An SVG after its XML prolog and an editor's comment: past the 48 bytes once sniffed,
        # it was "no image" at all.
        (base64.b64encode(_ILLUSTRATOR_SVG).decode(), "media.unsupported_format",
         "holds an SVG image"),
    ],
)  # fmt: skip
def test_inline_image_data_is_sniffed_offline(data: str, code: str, words: str) -> None:
    source = {"source_type": "image_base64", "content_type": "image/jpeg", "data": data}
    report = check({"board_id": "549755885175", "media_source": source})
    assert report.codes == {code}
    assert words in report.findings[0].message


@pytest.mark.parametrize(
    ("name", "hint_part"),
    [
        ("titel", "Did you mean title?"),
        ("note", "Remove it."),
        ("board", "board_id"),
        ("xyz", "the fields here are"),
    ],
)
def test_unknown_field_hints(name: str, hint_part: str) -> None:
    finding = only(image_pin(**{name: "x"}), "pin.unknown_field")
    assert finding.field == name
    assert hint_part in finding.hint


def test_a_calendar_entry_s_keys_among_pin_fields_are_not_to_be_removed() -> None:
    # publish_at inside "pin" was "Remove it": the schedule went, and a signed URL's deadline
    # was judged against none. An entry with a title beside its "pin" is read as a pin, and its
    # "pin" too was "Remove it": the pin itself.
    (inside,) = check(image_pin(publish_at="2026-12-20T10:00:00Z")).findings
    assert inside.hint.startswith(
        'Remove it from the pin; in a calendar, give it beside the pin: {"pin": {...}, "publish_at"'
    )
    entry = {"title": "Week 49", "pin": image_pin(), "publish_at": "2026-12-20T10:00:00Z"}
    said = {f.field: f for f in check(entry).findings if f.code == "pin.unknown_field"}
    assert set(said) == {"pin", "publish_at"}
    assert said["pin"].message.endswith("the object was read as a pin, not as a calendar entry")
    for finding in said.values():
        assert finding.hint.startswith('Move the pin fields beside "pin" into it')


@pytest.mark.parametrize(
    ("source", "field", "hint"),
    [
        (  # other APIs' name for it: the fix is a rename, not a removal
            {"source_type": "image_url", "image_url": IMAGE_URL},
            "media_source.image_url",
            "Rename it to url.",
        ),
        (
            {
                "source_type": "multiple_image_urls",
                "items": [{"url": IMAGE_URL}, {"mediaUrl": IMAGE_URL}],
            },
            "media_source.items[1].mediaUrl",
            "Rename it to url.",
        ),
        (  # uploaded already: the URL is left over, not the way to send the video
            {
                "source_type": "video_id",
                "media_id": "8832716253",
                "url": "https://cdn.example.com/v.mp4",
                "cover_image_url": COVER_URL,
                "cover_image_content_type": "image/jpeg",
            },
            "media_source.url",
            "Remove it: the pin's video is the upload its media_id names",
        ),
        (
            {
                "source_type": "video_id",
                "video_url": "https://cdn.example.com/v.mp4",
                "cover_image_url": COVER_URL,
                "cover_image_content_type": "image/jpeg",
            },
            "media_source.video_url",
            "Upload the video with POST /v5/media and send its media_id",
        ),
        # The other variant's fields: "Remove it; the fields here are: url, ..." had the image
        # itself deleted.
        (
            {"source_type": "image_url", "data": "iVBOR", "content_type": "image/png"},
            "media_source.data",
            "If the image is sent as base64, set source_type to image_base64",
        ),
        (
            {"source_type": "image_base64", "url": IMAGE_URL},
            "media_source.url",
            "If the image is fetched from a URL, set source_type to image_url",
        ),
        (
            {"source_type": "multiple_image_urls",
             "items": [{"data": "iVBOR"}, {"url": IMAGE_URL}]},
            "media_source.items[0].data",
            "If the image is sent as base64, set source_type to image_base64",
        ),
    ],
    ids=["image-url-key", "carousel-item-key", "video-uploaded", "video-not-uploaded",
         "inline-under-image-url", "url-under-image-base64", "carousel-item-inline"],
)  # fmt: skip
def test_a_media_source_field_under_another_name_is_told_what_to_do(
    source: dict[str, Any], field: str, hint: str
) -> None:
    (finding,) = [f for f in check(image_pin(media_source=source)).findings if f.field == field]
    assert finding.code == "pin.unknown_field"
    assert finding.hint is not None
    assert finding.hint.startswith(hint)


def test_an_empty_unknown_key_is_shown_as_quotes_and_its_field_is_null() -> None:
    # Its field was "" (not null) and its message began " is not a field".
    (finding,) = check(image_pin(**{"": 2})).findings
    assert (finding.code, finding.field) == ("pin.unknown_field", None)
    assert finding.message.startswith('"" is not a field')
    source = {"source_type": "image_url", "url": IMAGE_URL, "": 1}
    (nested,) = check(image_pin(media_source=source)).findings
    assert nested.message.startswith('media_source."" is not a field')
    assert nested.field == "media_source"  # the object that holds it, not "media_source."


def test_a_token_pasted_as_a_key_is_masked_in_the_field_and_the_message() -> None:
    token = "pina_AbCdEfGhIjKlMnOpQrStUvWxYz0123"
    source = {"source_type": "image_url", "url": IMAGE_URL, token: 1}
    found = check(image_pin(media_source=source, **{token: 1})).findings
    assert [f.field for f in found] == ["(a token: not shown)", "media_source.(a token: not shown)"]
    assert all(token not in f.message for f in found)


def test_an_unknown_key_in_ai_disclosures_is_an_unknown_field() -> None:
    pin = image_pin(ai_disclosures={"values": ["AI_MODIFIED"], "is_ai": True})
    (finding,) = check(pin).findings
    assert (finding.code, finding.field) == ("pin.unknown_field", "ai_disclosures.is_ai")


def test_a_video_given_as_a_video_s_cover_is_told_to_give_an_image() -> None:
    pin = video_pin(cover_image_url="https://cdn.example.com/clips/tulips.mp4")
    (finding,) = check(pin).findings
    assert (finding.code, finding.field) == (
        "media.unsupported_format",
        "media_source.cover_image_url",
    )
    assert finding.hint is not None
    assert finding.hint.startswith("Point cover_image_url at a JPEG or PNG image")


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ({"spring"}, "a value of type set"),
        ({"when": [datetime(2026, 12, 1)]}, "a value of type datetime"),
        ({("a", "b"): 1}, "a key of type tuple"),
        (b"\x89PNG", "a value of type bytes"),
    ],
)
def test_an_unknown_field_json_dumps_cannot_write_says_so(value: object, said: str) -> None:
    # Validation keeps an unknown field's value as given: httpx's json= would raise when the
    # pin is sent. A warning still (another encoder may write it), and one a run may ignore.
    (finding,) = check(image_pin(tracking=value)).findings
    assert (finding.code, finding.field) == ("pin.unknown_field", "tracking")
    assert finding.message.endswith(f"; and it holds {said}, which json.dumps cannot write")
    (finding,) = check(video_pin(extra={1.5: value})).findings
    assert (finding.code, finding.field) == ("pin.unknown_field", "media_source.extra")
    assert "which json.dumps cannot write" in finding.message
    quiet = Settings(offline=True, ignore=("pin.unknown_field",))
    assert validate(image_pin(tracking=value), settings=quiet).ok


@pytest.mark.parametrize(
    "value", [("a", ["b"]), {1: "int keys are written as text"}, [None, True, 1.5], "text"]
)
def test_an_unknown_field_json_dumps_writes_is_only_unknown(value: object) -> None:
    (finding,) = check(image_pin(tracking=value)).findings
    assert finding.code == "pin.unknown_field"
    assert "json.dumps" not in finding.message


def test_a_pin_model_is_judged_as_pydantic_writes_it() -> None:
    # model_dump_json writes a datetime as text: a PinCreate holding one is sent without trouble.
    pin = PinCreate.model_validate(image_pin(scheduled=datetime(2026, 12, 1)))
    (finding,) = check(pin).findings
    assert finding.code == "pin.unknown_field"
    assert "json.dumps" not in finding.message


def test_a_pin_model_pydantic_cannot_write_is_judged_as_a_dict() -> None:
    # model_dump(mode="json") raised UnicodeDecodeError, or "Circular reference detected".
    looped: dict[str, Any] = {}
    looped["self"] = looped
    for value, code in ((b"\xff", "pin.unknown_field"), (looped, "pin.malformed")):
        pin = PinCreate.model_validate(image_pin(extra=value))
        assert code in check(pin).codes


def test_a_value_shared_at_every_level_is_judged_without_walking_every_path() -> None:
    shared: Any = "x"
    for _ in range(40):  # json.dumps would write 2**40 strings
        shared = [shared, shared]
    (finding,) = check(image_pin(tracking=[shared, {"spring"}])).findings
    assert "a value of type set, which json.dumps cannot write" in finding.message


def test_short_hex_colour_gets_the_long_form_as_hint() -> None:
    finding = only(image_pin(dominant_color="#e7a"), "pin.dominant_color_invalid")
    assert finding.hint == "Write it as #EE77AA."


def test_pin_url_pins_need_only_a_board() -> None:
    assert check(
        image_pin(
            media_source={"source_type": "pin_url", "is_affiliate_link": False},
            link="https://shop.example/p/1",
        )
    ).ok


def test_an_unknown_key_of_any_length_is_shown_cut() -> None:
    report = check(image_pin(**{"x" * 100_000: 1}))
    (finding,) = report.findings
    assert finding.code == "pin.unknown_field"
    assert finding.field is not None
    assert len(finding.field) == 60
    assert len(finding.message) < 200


# --- images sent as base64: their bytes judged as a fetched file's ------------------------------


def _encoded(name: str) -> str:
    return base64.b64encode((FIXTURES / "media" / name).read_bytes()).decode()


def _inline(name: str, content_type: str = "image/jpeg") -> dict[str, Any]:
    source = {"source_type": "image_base64", "content_type": content_type, "data": _encoded(name)}
    return image_pin(media_source=source)


@pytest.mark.parametrize(
    ("name", "content_type", "code", "words"),
    [
        ("truncated.jpg", "image/jpeg", "media.invalid", "is cut off"),
        ("truncated.png", "image/png", "media.invalid", "the image in media_source.data"),
        ("small.jpg", "image/jpeg", "media.image_too_small", "is 400x600 px, narrower than 600"),
        ("tall.jpg", "image/jpeg", "media.aspect_ratio", "is 600x1800 px, taller than 1:2.1"),
    ],
)
def test_an_inline_image_is_judged_by_its_bytes(
    name: str, content_type: str, code: str, words: str
) -> None:
    report = check(_inline(name, content_type))
    assert report.codes == {code}
    assert words in report.findings[0].message
    assert report.findings[0].field == "media_source.data"


def test_what_inline_images_get_offline_is_catalogued_as_read_from_bytes() -> None:
    # `pin-preflight codes` labels a code by what decides it: offline runs judge inline images,
    # so their codes must not read as network checks (which an offline run never makes).
    names = ["truncated.jpg", "small.jpg", "tall.jpg", "photo-baseline.jpg"]
    small = Settings(offline=True, image_max_bytes=1000)
    emitted = {code for name in names for code in check(_inline(name)).codes}
    emitted |= check(_inline("photo-baseline.jpg"), settings=small).codes
    emitted |= check(_inline("photo-baseline.jpg", "image/png")).codes  # a mismatch
    assert len(emitted) >= 5
    assert {CATALOGUE[code].stage for code in emitted} <= {Stage.OFFLINE, Stage.MEDIA}


@pytest.mark.parametrize(
    ("source", "hint"),
    [
        (  # the catalogue's own example: the data is a PNG, so no conversion is needed
            {"source_type": "image_base64", "content_type": "image/webp", "data": PNG_BASE64},
            'Write "image/png": media_source.data holds a PNG image.',
        ),
        (  # "image/jpeg" would only have made the next run report a mismatch
            {"source_type": "image_base64", "content_type": "image/jpg", "data": PNG_BASE64},
            'Write "image/png": media_source.data holds a PNG image.',
        ),
        (
            {
                "source_type": "multiple_image_base64",
                "items": [
                    {"content_type": "png", "data": _encoded("photo-baseline.jpg")},
                    {"content_type": "image/png", "data": PNG_BASE64},
                ],
            },
            'Write "image/jpeg": media_source.items[0].data holds a JPEG image.',
        ),
        (
            {
                "source_type": "video_id",
                "media_id": "8832716253",
                "cover_image_url": COVER_URL.replace(".jpg", ".png"),
                "cover_image_content_type": "jpg",
            },
            'Write "image/png": the cover URL ends in .png.',
        ),
        (  # nothing beside it says which: the type it meant, from what it says
            {
                "source_type": "video_id",
                "media_id": "8832716253",
                "cover_image_url": "https://cdn.example.com/covers/frame",
                "cover_image_content_type": "jpg",
            },
            'Write "image/jpeg".',
        ),
    ],
    ids=["webp-on-png-data", "jpg-on-png-data", "carousel-item", "cover-url", "nothing-beside"],
)
def test_a_refused_content_type_is_told_the_type_the_image_is(
    source: dict[str, Any], hint: str
) -> None:
    (finding,) = [f for f in check(image_pin(media_source=source)).findings if "type" in f.code]
    assert finding.hint == hint


def test_an_inline_image_with_data_appended_is_whole() -> None:
    assert check(_inline("motion-photo.jpg")).findings == ()  # a phone's video after its EOI
    assert check(_inline("photo-baseline.jpg")).findings == ()


def test_three_bytes_of_jpeg_are_no_image() -> None:
    source = {"source_type": "image_base64", "content_type": "image/jpeg", "data": "/9j/"}
    (finding,) = check(image_pin(media_source=source)).findings
    assert finding.code == "media.invalid"


def test_an_inline_image_over_the_size_limit_is_not_decoded() -> None:
    report = check(
        _inline("photo-baseline.jpg"), settings=Settings(offline=True, image_max_bytes=1000)
    )
    (finding,) = report.findings
    assert finding.code == "media.too_large"
    assert finding.message.startswith("the image in media_source.data is ")


def test_an_inline_decompression_bomb_is_to_be_resized() -> None:
    bomb = png_header(100_000, 100_000) + b"\x00\x00\x00\x00IEND\xaeB`\x82"
    source = {"source_type": "image_base64", "content_type": "image/png",
              "data": base64.b64encode(bomb).decode()}  # fmt: skip
    (finding,) = check(image_pin(media_source=source)).findings
    assert finding.code == "media.check_incomplete"
    assert finding.hint.startswith("Resize the image")


def test_an_inline_carousel_of_different_sizes_is_told_as_a_url_one_is() -> None:
    items = [{"content_type": "image/jpeg", "data": _encoded(name)}
             for name in ("square.jpg", "photo-baseline.jpg")]  # fmt: skip
    pin = image_pin(media_source={"source_type": "multiple_image_base64", "items": items})
    (finding,) = check(pin).findings
    assert finding.code == "media.aspect_ratio"
    assert finding.field == "media_source.items"
    assert "size of media_source.items[0].data, 1000x1000" in finding.hint


def test_an_inline_cover_is_judged_whole_and_by_its_shape_not_its_width() -> None:
    cut = video_pin(cover_image_url=None, cover_image_data=_encoded("truncated.jpg"))
    (finding,) = check(cut).findings
    assert (finding.code, finding.field) == ("media.invalid", "media_source.cover_image_data")
    # A cover is a frame of the video: narrower than an image pin's 600 px is fine (videos of
    # 240p are taken), taller than any video Pinterest takes is not.
    small = video_pin(cover_image_url=None, cover_image_data=_encoded("small.jpg"))
    assert check(small).findings == ()
    tall = video_pin(cover_image_url=None, cover_image_data=_encoded("tall.jpg"))
    (finding,) = check(tall).findings
    assert (finding.code, finding.field) == ("media.aspect_ratio", "media_source.cover_image_data")
    assert finding.hint is not None
    assert finding.hint.startswith("Use a frame of the video as its cover")


def test_a_carousel_index_past_its_items_is_a_warning() -> None:
    items = [{"url": f"https://cdn.example.com/pins/slide-{i}.jpg"} for i in range(3)]
    source = {"source_type": "multiple_image_urls", "items": items}
    assert check(image_pin(media_source={**source, "index": 2})).findings == ()
    report = check(image_pin(media_source={**source, "index": 3}))
    assert report.ok  # a warning: the spec gives index no meaning
    (finding,) = report.findings
    assert (finding.code, finding.field) == ("carousel.index_out_of_range", "media_source.index")
    assert finding.message == "index is 3, but the carousel's 3 items are numbered 0 to 2"


@pytest.mark.parametrize(
    ("index", "message", "hint"),
    [
        (-1, "media_source.index is -1; it must be 0 or more", "Set index to the position"),
        ("1", 'media_source.index is a string ("1"); it must be a whole number', "Write 1, with"),
        (0.5, "media_source.index is a number (0.5); it must be a whole number", "Use 1."),
    ],
)
def test_a_carousel_index_the_api_refuses_is_an_error_of_its_own(
    index: object, message: str, hint: str
) -> None:
    # Not pin.field_type_invalid ("the wrong JSON type"): -1 is an integer, out of the range.
    items = [{"url": f"https://cdn.example.com/pins/slide-{i}.jpg"} for i in range(2)]
    source = {"source_type": "multiple_image_urls", "items": items, "index": index}
    (finding,) = check(image_pin(media_source=source)).findings
    assert (finding.code, finding.field) == ("carousel.index_invalid", "media_source.index")
    assert finding.message == message
    assert finding.hint is not None
    assert finding.hint.startswith(hint)


def test_a_key_frame_time_halfway_between_seconds_rounds_up_as_people_round() -> None:
    pin = video_pin(cover_image_key_frame_time=2.5)
    finding = check(pin).findings[0]
    assert (finding.code, finding.hint) == ("video.cover_key_frame_time_invalid", "Use 3.")


def test_numbers_too_long_to_print_are_findings_shortened_not_exceptions() -> None:
    # f"{index}" raised ValueError past 4,300 digits (validate_many lost every report), and a
    # 4,000-digit index made a message of 4,058 characters.
    items = [{"url": f"https://cdn.example.com/pins/slide-{i}.jpg"} for i in range(3)]
    source = {"source_type": "multiple_image_urls", "items": items}
    for index in (10**5000, 10**3999):
        finding = only(
            image_pin(media_source={**source, "index": index}), "carousel.index_out_of_range"
        )
        assert len(finding.message) < 100
    huge = 10**5000
    finding = only(
        video_pin(
            cover_image_url=None, cover_image_content_type=None, cover_image_key_frame_time=huge
        ),
        "video.cover_image_url_missing",
    )
    assert "cover_image_key_frame_time (<over 4,300 digits> s)" in finding.message


def test_an_inline_image_sent_twice_is_judged_on_each_of_its_fields() -> None:
    # Read once (a small image posted again is remembered), reported on every field it is in.
    cut = _encoded("truncated.png")[:20_000]
    items = [{"content_type": "image/png", "data": cut} for _ in range(2)]
    pin = image_pin(media_source={"source_type": "multiple_image_base64", "items": items})
    fields = [f.field for f in check(pin).findings if f.code == "media.invalid"]
    assert fields == ["media_source.items[0].data", "media_source.items[1].data"]
    again = check(pin)  # a later run, the cache warm: the same verdict
    assert [f.field for f in again.findings if f.code == "media.invalid"] == fields


def test_a_remembered_inline_image_follows_pillow_s_pixel_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pin = _inline("small.jpg")  # 400x600: small enough to be remembered
    assert check(pin).codes == {"media.image_too_small"}
    monkeypatch.setattr(PIL.Image, "MAX_IMAGE_PIXELS", 1000)  # a process that lowered it
    assert check(pin).codes == {"media.check_incomplete"}
    monkeypatch.undo()
    assert check(pin).codes == {"media.image_too_small"}


def test_a_mislabelled_inline_image_is_still_judged_whole() -> None:
    # The wrong type alone was said: fixing it, the user then learnt the PNG was cut off.
    source = {"source_type": "image_base64", "content_type": "image/jpeg",
              "data": _encoded("truncated.png")}  # fmt: skip
    report = check({"board_id": "549755885175", "media_source": source})
    assert [(f.code, f.field) for f in report.findings] == [
        ("media.content_type_invalid", "media_source.content_type"),
        ("media.invalid", "media_source.data"),
    ]


def test_a_share_link_is_not_the_media_file() -> None:
    # A Drive share link passed offline: Pinterest's crawler would have fetched a page of HTML.
    url = "https://drive.google.com/file/d/1AbC/view?usp=sharing"
    (finding,) = check(image_pin(media_source={"source_type": "image_url", "url": url})).findings
    assert finding.code == "media.url_invalid"
    assert (
        finding.message == f"the URL {quote(url)} is a Google Drive share page, not the file itself"
    )
    assert finding.hint.startswith("Host the file where its URL serves the file itself")


_DROPBOX = "https://www.dropbox.com/s/abc/brunch.jpg?dl=0"


@pytest.mark.parametrize(
    ("source", "field"),
    [
        ({"source_type": "image_url", "url": _DROPBOX}, "media_source.url"),
        (
            {
                "source_type": "multiple_image_urls",
                "items": [{"url": "https://cdn.example.com/a.png"}, {"url": _DROPBOX}],
            },
            "media_source.items[1].url",
        ),
        (
            {
                "source_type": "video_id",
                "media_id": "4876543210987654321",
                "cover_image_url": _DROPBOX,
                "cover_image_content_type": "image/jpeg",
            },
            "media_source.cover_image_url",
        ),
    ],
)
def test_a_dropbox_share_link_is_a_page_though_it_names_a_jpeg(
    source: dict[str, Any], field: str
) -> None:
    # It took the shortcut for plain image URLs: Pinterest's crawler would have got HTML.
    (finding,) = check(image_pin(media_source=source)).findings
    assert (finding.code, finding.field) == ("media.url_invalid", field)
    assert finding.message.endswith("is a Dropbox share page, not the file itself")
    assert (
        finding.hint
        == "End the link with raw=1 instead of dl=0: Dropbox then serves the file itself."
    )


_CDN = "https://cdn.example.com"
_AS_CAROUSEL = "For a carousel, set source_type to multiple_image_urls"


@pytest.mark.parametrize(
    ("source", "hints"),
    [
        pytest.param(
            {"source_type": "image_url", "items": [{"url": f"{_CDN}/{n}.jpg"} for n in "ab"]},
            dict.fromkeys(("media.url_invalid", "pin.unknown_field"), _AS_CAROUSEL),
            id="a-carousel-sent-as-one-image",
        ),
        pytest.param(
            {"source_type": "multiple_image_urls", "url": f"{_CDN}/a.jpg"},
            {"carousel.item_count": "For one image, set source_type to image_url",
             "pin.unknown_field": "For one image, set source_type to image_url"},
            id="one-image-sent-as-a-carousel",
        ),
        pytest.param(
            {"source_type": "multiple_image_urls", "items": [f"{_CDN}/a.jpg", f"{_CDN}/b.jpg"]},
            {"pin.field_type_invalid": 'Write each item as an object: {"url": "https://…"}'},
            id="items-as-urls",
        ),
        pytest.param(
            {"source_type": "multiple_image_base64", "items": ["iVBORw0KGgo=", "iVBORw0KGgo="]},
            {"pin.field_type_invalid": 'Write each item as an object: {"content_type": '},
            id="items-as-base64",
        ),
        pytest.param(  # no scheme, yet a URL all the same: not base64, which has no dot
            {"source_type": "multiple_image_urls", "items": ["cdn.example.com/a.jpg", "/b.jpg"]},
            {"pin.field_type_invalid": 'Write each item as an object: {"url": "https://…"}'},
            id="items-as-urls-without-a-scheme",
        ),
        pytest.param(
            {"source_type": "multiple_image_urls", "items": ["iVBORw0KGgo=", "iVBORw0KGgo="]},
            {"pin.field_type_invalid": "Images sent as base64 are a multiple_image_base64"},
            id="base64-items-of-a-url-carousel",
        ),
        pytest.param(
            {"source_type": "multiple_image_base64", "items": [f"{_CDN}/a.jpg", f"{_CDN}/b.jpg"]},
            {"pin.field_type_invalid": "Images fetched from URLs are a multiple_image_urls"},
            id="url-items-of-a-base64-carousel",
        ),
        # A whole carousel, or a whole image, with a leftover of the other kind: "Remove it".
        pytest.param(
            {"source_type": "multiple_image_urls", "url": f"{_CDN}/a.jpg",
             "items": [{"url": f"{_CDN}/{n}.jpg"} for n in "ab"]},
            {"pin.unknown_field": "Remove it; the fields here are: items, index."},
            id="a-carousel-with-a-leftover-url",
        ),
        pytest.param(
            {"source_type": "image_url", "url": f"{_CDN}/a.jpg",
             "items": [{"url": f"{_CDN}/{n}.jpg"} for n in "ab"]},
            {"pin.unknown_field": "Remove it; the fields here are: url, is_standard."},
            id="an-image-with-leftover-items",
        ),
        pytest.param(
            {"sourceType": "image_url", "url": f"{_CDN}/a.jpg"},
            {"media.source_type_invalid": 'Its key is written "sourceType": the API\'s name is'},
            id="camel-case-key",
        ),
        pytest.param(
            {"source_type": "image_url", "url": [f"{_CDN}/a.jpg", f"{_CDN}/b.jpg"]},
            {"media.url_invalid": "For a carousel, set source_type to multiple_image_urls"},
            id="several-urls-in-url",
        ),
    ],
)  # fmt: skip
def test_a_media_source_of_the_wrong_shape_is_told_the_shape_it_meant(
    source: dict[str, Any], hints: dict[str, str]
) -> None:
    # "Remove it" for the items of a carousel sent as image_url would have deleted the carousel,
    # and "Send the field with the type the API expects" did not say which.
    report = check(image_pin(media_source=source))
    assert {f.code for f in report.findings} == set(hints)
    for finding in report.findings:
        assert finding.hint.startswith(hints[finding.code]), finding.hint


def test_a_text_long_only_while_its_accents_are_apart_is_told_to_compose_them() -> None:
    # "e" and a combining accent are two characters: 51 "é"s written so were "102 characters,
    # remove at least 2", though composed (NFC) they are 51, and nothing needs to go.
    decomposed = image_pin(title="e\u0301" * 51, description="e\u0301" * 400)
    found = {f.code: f.hint for f in check(decomposed).findings}
    assert found["text.title_too_long"].startswith(
        "Some of its letters are written as several characters (an accent apart from its "
        "letter, say): composed (Unicode NFC) it is 51 characters, within 100."
    )
    assert "it is 400 characters, within 500" in found["text.description_long"]
    # Over the limit even composed: what to cut, as before.
    (over,) = check(image_pin(title="é" * 101)).findings
    assert over.hint.startswith("Remove at least 1 character.")
    # A link's path composed is other bytes, which its server may not match: cut, not composed.
    link = "https://shop.example.com/" + "e\u0301" * 1100
    (too_long,) = check(image_pin(link=link)).findings
    assert too_long.code == "text.link_too_long"
    assert too_long.hint.startswith("Remove at least")
