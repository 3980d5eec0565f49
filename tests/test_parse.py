"""validator.parse: any input to a PinCreate plus findings, never an exception."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from validator.codes import calendar, pin
from validator.messages import json_type
from validator.model import SOURCE_TYPES, ImagesURLSource, ImageURLSource, PinCreate
from validator.parse import Parsed, parse

IMAGE_URL = "https://cdn.example.com/spring.jpg"


def image_pin(**fields: Any) -> dict[str, Any]:
    return {
        "board_id": "549755885175",
        "title": "Spring",
        "media_source": {"source_type": "image_url", "url": IMAGE_URL},
        **fields,
    }


def carousel_pin(*urls: object) -> dict[str, Any]:
    items = [{"url": url} for url in urls]
    return image_pin(media_source={"source_type": "multiple_image_urls", "items": items})


# --- the inputs parse takes ----------------------------------------------------------------------


def test_valid_dict_parses_without_findings() -> None:
    parsed = parse(image_pin())

    assert parsed.findings == ()
    assert parsed.pin is not None
    assert parsed.pin.board_id == "549755885175"
    assert parsed.pin.media_source == ImageURLSource(source_type="image_url", url=IMAGE_URL)
    assert parsed.title == "Spring"


def test_json_text_parses_like_the_dict() -> None:
    assert parse(json.dumps(image_pin())) == parse(image_pin())


@pytest.mark.parametrize("kind", [bytes, bytearray], ids=["bytes", "bytearray"])
def test_json_bytes_parse_like_the_dict(kind: type[bytes | bytearray]) -> None:
    assert parse(kind(json.dumps(image_pin()).encode())) == parse(image_pin())


def test_a_pin_create_model_is_checked_like_its_fields() -> None:
    model = PinCreate.model_validate(image_pin())

    parsed = parse(model)

    assert parsed.pin == model
    assert parsed.findings == ()
    assert parsed.title == "Spring"


def test_a_model_built_without_validation_is_validated() -> None:
    model = PinCreate.model_construct(
        board_id="Recipes", title=5, media_source={"source_type": "image_url", "url": IMAGE_URL}
    )

    parsed = parse(model)

    assert {f.code for f in parsed.findings} == {"board.invalid_id", "pin.field_type_invalid"}
    assert parsed.pin is not None
    assert isinstance(parsed.pin.media_source, ImageURLSource)


def test_invalid_json_in_text_is_reported_with_the_given_code() -> None:
    parsed = parse('{"board_id": ', malformed=calendar.CALENDAR_ROW_MALFORMED)

    assert parsed.pin is None
    assert [f.code for f in parsed.findings] == ["calendar.row_malformed"]
    assert parsed.findings[0].field is None
    assert parsed.findings[0].message.startswith("the pin is not valid JSON: ")


def test_invalid_json_defaults_to_pin_malformed() -> None:
    parsed = parse(b"not json")

    assert [f.code for f in parsed.findings] == [pin.PIN_MALFORMED.id]


@pytest.mark.parametrize(
    ("payload", "described"),
    [
        pytest.param([image_pin()], "a list", id="list"),
        pytest.param(42, "an integer", id="integer"),
        pytest.param(4.5, "a number", id="float"),
        pytest.param(None, "null", id="null"),
        pytest.param("[1, 2]", "a list", id="json-text-of-a-list"),
        pytest.param('"a pin"', "a string", id="json-text-of-a-string"),
    ],
)
def test_a_non_object_is_malformed(payload: object, described: str) -> None:
    parsed = parse(payload, malformed=calendar.CALENDAR_ROW_MALFORMED)

    assert parsed.pin is None
    assert len(parsed.findings) == 1
    assert parsed.findings[0].code == "calendar.row_malformed"
    assert parsed.findings[0].message == f"the pin is {described}, not a JSON object"


# --- pydantic errors as findings -----------------------------------------------------------------


def test_error_in_a_carousel_item_has_the_users_path() -> None:
    parsed = parse(carousel_pin(IMAGE_URL, IMAGE_URL, 7))

    assert [(f.code, f.field) for f in parsed.findings] == [
        ("media.url_invalid", "media_source.items[2].url")
    ]


def test_discriminator_tag_is_not_in_the_path() -> None:
    parsed = parse(image_pin(media_source={"source_type": "image_url", "url": ["a"]}))

    assert [f.field for f in parsed.findings] == ["media_source.url"]
    assert all("image_url" not in (f.field or "") for f in parsed.findings)
    assert parsed.reported == ("media_source.url",)


@pytest.mark.parametrize(
    ("source", "codes"),
    [
        ({"source_type": "image_base64", "content_type": "image/gif", "data": "é"},
         {"media.base64_invalid", "media.content_type_invalid"}),
        ({"source_type": "image_base64", "content_type": 5, "data": "\u00a0iVBOR"},
         {"media.base64_invalid", "media.content_type_invalid"}),
        ({"source_type": "multiple_image_base64",
          "items": [{"content_type": "jpg", "data": "ééé"}, {"content_type": "jpg", "data": "é"}]},
         {"media.base64_invalid", "media.content_type_invalid"}),
        ({"source_type": "video_id", "media_id": "1", "cover_image_content_type": "image/gif",
          "cover_image_data": "“iVBOR"},
         {"media.base64_invalid", "video.cover_image_content_type_invalid"}),
    ],
    ids=["image", "typed-5", "carousel", "cover"],
)  # fmt: skip
def test_a_wrong_type_beside_data_that_is_not_ascii_is_reported_not_raised(
    source: dict[str, Any], codes: set[str]
) -> None:
    # Looking for the type the data shows, a non-ASCII character raised ValueError: a traceback.
    parsed = parse({"board_id": "1", "media_source": source})
    assert {f.code for f in parsed.findings} == codes


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        pytest.param({"board_id": "Spring recipes"}, "board.invalid_id", "board_id", id="name"),
        pytest.param({"board_id": 549755885175}, "board.invalid_id", "board_id", id="int-id"),
        pytest.param({"board_id": "  "}, "board.missing", "board_id", id="blank-board"),
        pytest.param({"title": "x" * 101}, "text.title_too_long", "title", id="long-title"),
        pytest.param({"title": 2024}, "pin.field_type_invalid", "title", id="int-title"),
        pytest.param(
            {"ai_disclosures": {"values": ["MAYBE"]}},
            "pin.ai_disclosures_invalid",
            "ai_disclosures",
            id="ai-disclosure-value",
        ),
        pytest.param(
            {"media_source": {"source_type": "video"}},
            "media.source_type_invalid",
            "media_source.source_type",
            id="unknown-source-type",
        ),
        pytest.param(
            {"media_source": {"url": IMAGE_URL}},
            "media.source_type_invalid",
            "media_source.source_type",
            id="no-source-type",
        ),
        pytest.param(
            {"media_source": {"source_type": "image_base64", "data": "data:image/png;base64,AA"}},
            "media.base64_invalid",
            "media_source.data",
            id="data-uri",
        ),
        pytest.param(
            {"media_source": {"source_type": "image_base64", "content_type": "image/jpg"}},
            "media.content_type_invalid",
            "media_source.content_type",
            id="content-type",
        ),
        pytest.param(
            {"media_source": {"source_type": "video_id", "cover_image_key_frame_time": -1}},
            "video.cover_key_frame_time_invalid",
            "media_source.cover_image_key_frame_time",
            id="negative-key-frame",
        ),
    ],
)
def test_pydantic_errors_become_catalogue_findings(
    fields: dict[str, Any], code: str, field: str
) -> None:
    parsed = parse(image_pin(**fields))

    assert [(f.code, f.field) for f in parsed.findings] == [(code, field)]


@pytest.mark.parametrize("count", [0, 1, 6])
def test_a_carousel_keeps_its_items_whatever_their_count(count: int) -> None:
    # The count is the rules' to report: parsing took the items out, and with them the checks
    # of every slide (a WebP among six was told only once the sixth was gone).
    parsed = parse(carousel_pin(*[IMAGE_URL] * count))
    assert parsed.findings == ()
    assert isinstance(parsed.pin, PinCreate)
    assert isinstance(parsed.pin.media_source, ImagesURLSource)
    assert len(parsed.pin.media_source.items or ()) == count


def test_every_error_of_a_payload_is_reported() -> None:
    parsed = parse(image_pin(board_id="Spring", title=5, description="d" * 801))

    assert {f.field for f in parsed.findings} == {"board_id", "title", "description"}


# --- pruning keeps the valid rest ----------------------------------------------------------------


def test_too_long_title_is_dropped_but_media_source_is_kept() -> None:
    long_title = "x" * 101

    parsed = parse(image_pin(title=long_title))

    assert parsed.pin is not None
    assert parsed.pin.title is None
    assert parsed.pin.board_id == "549755885175"
    assert parsed.pin.media_source == ImageURLSource(source_type="image_url", url=IMAGE_URL)
    assert parsed.title == long_title


def test_bad_carousel_item_keeps_the_positions_of_the_others() -> None:
    parsed = parse(carousel_pin("https://a.example/1.jpg", 7, "https://a.example/3.jpg"))

    assert parsed.pin is not None
    source = parsed.pin.media_source
    assert isinstance(source, ImagesURLSource)
    assert source.items is not None
    assert [item.url for item in source.items] == [
        "https://a.example/1.jpg",
        None,
        "https://a.example/3.jpg",
    ]


def test_pruning_also_happens_for_json_text() -> None:
    parsed = parse(json.dumps(image_pin(board_id=5)))

    assert [f.code for f in parsed.findings] == ["board.invalid_id"]
    assert parsed.pin is not None
    assert parsed.pin.board_id is None
    assert parsed.pin.title == "Spring"


def test_unknown_fields_are_kept_for_the_rules() -> None:
    parsed = parse(image_pin(titel="Spring"))

    assert parsed.findings == ()
    assert parsed.pin is not None
    assert parsed.pin.model_extra == {"titel": "Spring"}


# --- Parsed.covers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "covered"),
    [
        pytest.param("media_source", True, id="same"),
        pytest.param("media_source.url", True, id="dotted-child"),
        pytest.param("media_source[0]", True, id="indexed-child"),
        pytest.param("media_source_extra", False, id="shared-prefix-only"),
        pytest.param("board_id", False, id="other-field"),
        pytest.param(None, False, id="whole-pin"),
    ],
)
def test_covers_a_reported_field_and_what_it_contains(field: str | None, covered: bool) -> None:
    parsed = Parsed(None, reported=("media_source",))

    assert parsed.covers(field) is covered


def test_nothing_is_covered_when_nothing_was_reported() -> None:
    assert not Parsed(None).covers("media_source")


def test_a_removed_source_type_covers_the_source() -> None:
    parsed = parse(image_pin(media_source={"source_type": "video"}))

    assert parsed.covers("media_source")
    assert parsed.covers("media_source.url")
    assert not parsed.covers("board_id")


# --- parse never raises --------------------------------------------------------------------------

_TOP_LEVEL_KEYS = st.sampled_from(
    [
        "board_id",
        "board_section_id",
        "title",
        "description",
        "link",
        "alt_text",
        "dominant_color",
        "parent_pin_id",
        "sponsor_id",
        "media_source",
        "ai_disclosures",
    ]
)
_SOURCE_KEYS = st.sampled_from(
    [
        "url",
        "data",
        "content_type",
        "items",
        "index",
        "media_id",
        "cover_image_url",
        "cover_image_content_type",
        "cover_image_data",
        "cover_image_key_frame_time",
        "is_standard",
    ]
)


def json_like(*, allow_nan: bool = True) -> st.SearchStrategy[Any]:
    """None, booleans, numbers and text, nested in lists and text-keyed objects."""
    floats = st.floats(allow_nan=allow_nan, allow_infinity=allow_nan)
    scalars = st.none() | st.booleans() | st.integers() | floats | st.text()
    return st.recursive(
        scalars,
        lambda children: (
            st.lists(children, max_size=5) | st.dictionaries(st.text(), children, max_size=5)
        ),
        max_leaves=20,
    )


def pin_like(*, allow_nan: bool = True) -> st.SearchStrategy[dict[str, Any]]:
    """Objects with the real top-level keys (and media source keys) holding arbitrary values."""
    values = json_like(allow_nan=allow_nan)
    media_sources = st.builds(
        lambda source_type, fields: {**fields, "source_type": source_type},
        st.sampled_from(SOURCE_TYPES) | values,
        st.dictionaries(
            _SOURCE_KEYS,
            values | st.lists(st.dictionaries(_SOURCE_KEYS, values, max_size=4), max_size=7),
            max_size=5,
        ),
    )
    return st.dictionaries(_TOP_LEVEL_KEYS, values | media_sources, max_size=8)


@given(st.one_of(json_like(), pin_like()))
def test_parse_never_raises_and_always_answers(payload: object) -> None:
    parsed = parse(payload)

    assert parsed.pin is not None or len(parsed.findings) >= 1


# Finite numbers: JSON has no NaN or Infinity (text holding them is malformed; a dict's is a value).
@given(pin_like(allow_nan=False))
def test_parse_of_the_json_text_answers_like_the_dict(payload: dict[str, Any]) -> None:
    text = json.dumps(payload)
    from_text = parse(text)
    from_dict = parse(json.loads(text))

    assert from_text.pin == from_dict.pin
    assert [f.code for f in from_text.findings] == [f.code for f in from_dict.findings]


@pytest.mark.parametrize("text", ["1e400", "-1e400"])
def test_an_infinite_key_frame_time_is_a_finding(text: str) -> None:
    source = '{"source_type": "video_id", "media_id": "12345", "cover_image_key_frame_time": %s}'
    parsed = parse('{"board_id": "1", "media_source": %s}' % (source % text))

    assert "video.cover_key_frame_time_invalid" in {f.code for f in parsed.findings}


# --- what a Python caller or a broken export can hand over: a finding, never a traceback --------


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        (549755885175, 'Quote the id: "549755885175".'),
        # what pandas writes for an id column with gaps: the README gives the id back
        (549755885175.0, 'Send "549755885175", in quotes, if that is the id'),
        (1234567890123456789.0, "its last digits are lost"),  # past 2**53: never its digits
        (-5, None),  # "-5" is no id either
        (10**60, "Send the id as a string of digits, in quotes."),  # not copied whole
    ],
    ids=["int", "float", "float-past-2-53", "negative", "long"],
)
def test_an_id_given_as_a_json_number_gets_a_hint_that_fits_it(
    value: object, hint: str | None
) -> None:
    (finding,) = parse(image_pin(board_id=value)).findings
    assert finding.code == "board.invalid_id"
    if hint is None:
        assert finding.hint is None or "Quote" not in finding.hint
    else:
        assert finding.hint is not None
        assert hint in finding.hint
        assert len(finding.hint) < 300


def test_a_value_of_the_wrong_type_is_quoted() -> None:
    # "title is an integer; it must be a string", and the hint said the message names it.
    (finding,) = parse(image_pin(title=5, alt_text=None)).findings
    assert finding.message == "title is an integer (5); it must be a string"


def test_an_integer_too_long_to_print_is_a_finding() -> None:
    parsed = parse({**image_pin(), "board_id": 10**5000})
    assert [f.code for f in parsed.findings] == ["board.invalid_id"]
    assert "over 4,300 digits" in parsed.findings[0].message


def test_a_negative_key_frame_too_long_to_print_is_a_finding() -> None:
    source = {"source_type": "video_id", "media_id": "1", "cover_image_key_frame_time": -(10**5000)}
    parsed = parse({**image_pin(), "media_source": source})
    assert [f.code for f in parsed.findings] == ["video.cover_key_frame_time_invalid"]


def test_json_text_with_a_number_python_will_not_hold_is_malformed_not_invalid_json() -> None:
    parsed = parse('{"board_id": %s}' % ("9" * 5000))
    assert [f.code for f in parsed.findings] == ["pin.malformed"]
    assert "not valid JSON" not in parsed.findings[0].message
    assert "sys." not in parsed.findings[0].message  # no Python internals in a user's message


def test_a_value_nested_too_deeply_to_show_is_a_finding() -> None:
    deep: object = "1"
    for _ in range(5000):
        deep = [deep]
    parsed = parse({**image_pin(), "board_id": deep})
    assert [f.code for f in parsed.findings] == ["board.invalid_id"]


def test_text_with_a_raw_lone_surrogate_is_malformed() -> None:
    parsed = parse('{"board_id": "1", "description": "\ud800"}')
    assert [f.code for f in parsed.findings] == ["pin.malformed"]
    assert '"\\ud800" at character' in parsed.findings[0].message


def test_a_lone_surrogate_in_a_value_names_the_field() -> None:
    for payload in (
        {**image_pin(), "title": "a\ud800"},
        json.dumps({**image_pin(), "title": "a\ud800"}),
    ):
        parsed = parse(payload)
        assert [(f.code, f.field) for f in parsed.findings] == [("pin.field_type_invalid", "title")]
        assert "not valid Unicode" in parsed.findings[0].message


def test_a_list_item_taken_out_is_not_reported_again_as_its_stand_in() -> None:
    # The item's place is kept with {}, which failed the next pass as a value of its own:
    # "ai_disclosures.values holds "{}"", a second finding on the field of the first.
    parsed = parse(image_pin(ai_disclosures={"values": ["AI_MODIFIED", "\ud800"]}))
    assert [(f.code, f.field) for f in parsed.findings] == [
        ("pin.field_type_invalid", "ai_disclosures.values[1]")
    ]
    assert parsed.pin is not None  # the rest is checked
    assert parsed.pin.ai_disclosures is None


@pytest.mark.parametrize(
    ("value", "held"), [(None, "holds null,"), (3, "holds an integer (3),"), ("X", 'holds "X",')]
)
def test_an_ai_disclosure_that_is_no_text_is_said_by_its_type(value: object, held: str) -> None:
    # null and 3 read 'holds "null"' and 'holds "3"': strings, which they were not.
    (finding,) = parse(image_pin(ai_disclosures={"values": [value]})).findings
    assert finding.code == "pin.ai_disclosures_invalid"
    assert f"ai_disclosures.values {held} not AI_MODIFIED" in finding.message


def test_a_source_type_with_a_lone_surrogate_is_quoted_as_written() -> None:
    parsed = parse(image_pin(media_source={"source_type": "\ud800x", "url": IMAGE_URL}))
    (finding,) = parsed.findings
    assert finding.code == "media.source_type_invalid"
    assert 'source_type "\\ud800x" is not' in finding.message  # not pydantic's "\ufffd..."


@pytest.mark.parametrize(
    ("extra", "field", "said"),
    [
        ({(1, 2): 1}, None, "a tuple, not a string"),
        ({1: 1}, None, "an integer, not a string"),
        ({"bad\ud800key": 1}, None, "not valid Unicode"),
    ],
    ids=["tuple key", "int key", "surrogate key"],
)
def test_a_key_that_is_no_text_is_one_finding_and_the_rest_is_checked(
    extra: dict[object, object], field: str | None, said: str
) -> None:
    parsed = parse({**image_pin(), "board_id": "Recipes", **extra})
    assert sorted((f.code, f.field) for f in parsed.findings) == [
        ("board.invalid_id", "board_id"),
        ("pin.field_type_invalid", field),
    ]
    assert said in next(f.message for f in parsed.findings if f.code == "pin.field_type_invalid")
    assert parsed.pin is not None
    assert parsed.pin.media_source is not None


def test_a_bad_key_inside_the_media_source_is_reported_there() -> None:
    source = {"source_type": "image_url", "url": IMAGE_URL, 5: "x"}
    parsed = parse({**image_pin(), "media_source": source})
    assert [(f.code, f.field) for f in parsed.findings] == [
        ("pin.field_type_invalid", "media_source")
    ]
    assert parsed.pin is not None
    assert isinstance(parsed.pin.media_source, ImageURLSource)


@pytest.mark.parametrize(
    ("encoding", "said"),
    [
        ("utf-16", "is UTF-16 text, not the UTF-8 that JSON sent between systems must be"),
        ("utf-32-be", "is UTF-32-BE text, not the UTF-8"),
        ("utf-8-sig", "starts with a byte order mark, which JSON sent between systems must not"),
    ],
)
def test_bytes_that_are_not_utf8_are_no_pin_to_send(encoding: str, said: str) -> None:
    # Read as json reads them, they passed, though the same pin as text with a BOM was refused:
    # bytes are the body as sent, which JSON between systems writes as UTF-8 without a BOM (RFC
    # 8259 §8.1). A file's BOM, which the command drops, marks its encoding, not its pins.
    payload = json.dumps(image_pin()).encode(encoding)
    for clean in (False, True):
        (finding,) = parse(payload, clean=clean).findings
        assert finding.code == "pin.malformed"
        assert finding.message.startswith(f"the pin {said}")
        assert finding.hint == (
            'Send the text encoded as UTF-8, without a byte order mark (text.encode("utf-8")).'
        )


def test_a_memoryview_is_read_like_bytes() -> None:
    assert parse(memoryview(json.dumps(image_pin()).encode())).findings == ()


def test_ids_of_digits_from_other_scripts_are_not_ids() -> None:
    parsed = parse({**image_pin(), "board_id": "١٢٣", "board_section_id": "５"})
    assert sorted(f.code for f in parsed.findings) == [
        "board.invalid_id",
        "board.section_invalid_id",
    ]


def test_bytes_in_another_encoding_say_so() -> None:
    parsed = parse(b'{"title": "caf\xe9"}')
    assert [f.code for f in parsed.findings] == ["pin.malformed"]
    assert parsed.findings[0].message == "the pin is not UTF-8 text: byte 0xE9 at offset 14"
    # A UTF-16 byte order mark makes json read the rest as UTF-16: its error was put in UTF-8's
    # words, naming a byte that is fine in UTF-8.
    (finding,) = parse(b'\xff\xfe{"a":1}').findings
    assert finding.message == (
        "the pin is not UTF-8 text: its first bytes make it UTF-16-LE, which it is not either "
        "(cut off or broken); send it as UTF-8"
    )


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_or_infinity_in_json_text_is_malformed(constant: str) -> None:
    # Read by Python and pydantic, NaN in an unknown field was a mere warning ("ignored"), and
    # Infinity as a key frame time passed: the body Pinterest gets is no JSON at all.
    text = json.dumps({**image_pin(), "x": 0}).replace('"x": 0', f'"x": {constant}')
    for payload in (text, text.encode()):
        parsed = parse(payload)
        assert [f.code for f in parsed.findings] == ["pin.malformed"]
        assert "NaN or Infinity" in parsed.findings[0].message


def test_a_broken_row_is_located_by_its_column_not_by_line_1() -> None:
    # "line 1 column 11 (char 10)" beside a location at line 7 of the file.
    row = parse('  {"board_id": "1",, "title": "B"}', malformed=calendar.CALENDAR_ROW_MALFORMED)
    assert row.findings[0].message.endswith("enclosed in double quotes (column 20)")
    api = parse('{"board_id": "1",\n,}')  # an API caller's text keeps its lines
    assert api.findings[0].message.endswith("enclosed in double quotes (line 2, column 1)")


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('{"title": "a\tb"}', "a raw control character (U+0009) in a string: write it \\t "
         "(column 13)"),
        ('{"title": "abc', "a string starts here and never ends (its closing quote is missing) "
         "(column 11)"),
    ],
)  # fmt: skip
def test_a_broken_row_is_said_in_words_that_end(text: str, said: str) -> None:
    # "Invalid control character at at column 13": Python's words end before its position.
    row = parse(text, malformed=calendar.CALENDAR_ROW_MALFORMED)
    assert row.findings[0].message == f"the pin is not valid JSON: {said}"


@pytest.mark.parametrize("tag", [["image_url"], {"type": "image_url"}])
def test_a_source_type_wrapped_in_a_list_or_object_says_to_write_the_name_alone(
    tag: object,
) -> None:
    # Its stand-in (the name quietly kept from pydantic) lost the name it wrapped, and its hint.
    (finding,) = parse({"board_id": "1", "media_source": {"source_type": tag}}).findings
    assert finding.hint == 'Write the name alone, as text: "source_type": "image_url".'


def test_a_row_holding_a_list_says_to_give_each_pin_a_row() -> None:
    # A JSON Lines row of [pin, pin, pin]: one result, "a list, not a JSON object", no way out.
    row = parse('[{"board_id": "1"}, {"board_id": "2"}]', malformed=calendar.CALENDAR_ROW_MALFORMED)
    assert row.findings[0].hint.startswith("A row holds one pin: give each pin of the list")
    assert parse("[]").findings[0].hint == pin.PIN_MALFORMED.fix  # an API caller's: one pin


def test_nan_in_a_string_is_only_text() -> None:
    assert parse(json.dumps({**image_pin(), "title": "NaN and Infinity"})).findings == ()
    assert (
        parse(json.dumps({**image_pin(), "title": "NaN"}) + ",")
        .findings[0]
        .message.startswith("the pin is not valid JSON: a comma after the value, which ends it")
    )


def test_a_dict_gets_the_verdict_of_the_json_text_it_is_sent_as() -> None:
    # A tuple of items was "a tuple; it must be a list" while json.dumps (httpx's json=) sends an
    # array: a false error that blocked publishing. A dict subclass is an object to it too.
    from collections import OrderedDict

    items = tuple({"url": f"https://cdn.example.com/{i}.jpg"} for i in range(2))
    source = OrderedDict(source_type="multiple_image_urls", items=items)
    pin_ = {"board_id": "1", "media_source": source, "ai_disclosures": {"values": ("AI_MODIFIED",)}}
    as_sent = json.loads(json.dumps(pin_))
    assert parse(pin_).findings == parse(as_sent).findings == ()
    assert parse(pin_).pin == parse(as_sent).pin


def test_what_json_dumps_cannot_write_is_not_taken_for_what_it_can() -> None:
    # A read-only mapping is no object to json.dumps (TypeError): httpx cannot send it.
    from types import MappingProxyType

    source = MappingProxyType({"source_type": "image_url", "url": "https://cdn.example.com/a.jpg"})
    parsed = parse({"board_id": "1", "media_source": source})
    assert [finding.code for finding in parsed.findings] == ["pin.field_type_invalid"]
    # The whole pin read-only passed: it was copied into a dict before it was looked at.
    (finding,) = parse(MappingProxyType({"board_id": "1", "media_source": dict(source)})).findings
    assert finding.code == pin.PIN_MALFORMED.id
    assert finding.message.startswith("the pin is a mappingproxy, which json.dumps cannot write")
    cyclic: dict[str, Any] = {"board_id": "1"}
    cyclic["note"] = [cyclic]
    (finding,) = parse(cyclic).findings
    assert finding.code == pin.PIN_MALFORMED.id
    assert "holds itself" in finding.message


def test_a_value_shared_by_many_places_is_walked_once() -> None:
    # Each level holding the one below twice: walked as a tree, 2**40 visits.
    shared: Any = "x"
    for _ in range(40):
        shared = [shared, shared]
    assert parse({"board_id": "1", "extra": (shared,)}).pin is not None  # converted
    assert parse({"board_id": "1", "extra": [shared]}).pin is not None  # walked only


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf")])
def test_nan_anywhere_in_a_dict_is_malformed_as_in_json_text(value: float) -> None:
    # An unknown field holding NaN passed with a warning: httpx and requests refuse to send it.
    parsed = parse({"board_id": "1", "tracking": {"score": [value]}})
    (finding,) = parsed.findings
    assert finding.code == pin.PIN_MALFORMED.id
    assert finding.message.startswith("the pin holds NaN or Infinity")


def _nested(depth: int) -> object:
    tag: object = "image_url"
    for _ in range(depth):
        tag = [tag]
    return tag


@pytest.mark.parametrize(
    "tag", [10**5000, [10**5000], _nested(100_000)], ids=["int", "list", "nested-list"]
)
def test_a_source_type_too_long_to_write_is_named_quietly(
    tag: object, capsys: pytest.CaptureFixture[str]
) -> None:
    # pydantic turned it into text for its message: "Exception ignored ... Exceeds the limit"
    # was printed twice, and the finding quoted "<unprintable int object>".
    payload = {"board_id": "1", "media_source": {"source_type": tag}}
    (finding,) = parse(payload).findings
    assert finding.code == "media.source_type_invalid"
    assert finding.message.startswith(f"source_type is {json_type(tag)}, not one of the names")
    assert capsys.readouterr() == ("", "")
    assert payload["media_source"] == {"source_type": tag}  # the caller's dict is left as it was


@pytest.mark.parametrize(
    ("value", "said"),
    [(None, "null"), (True, "a boolean"), (3, "an integer"), (["image_url"], "a list")],
)
def test_a_source_type_that_is_no_text_is_named_by_its_type(value: object, said: str) -> None:
    # It was quoted as Python writes it: source_type "None", "True", "['image_url']".
    payload = {"board_id": "1", "media_source": {"source_type": value}}
    for sent in (payload, json.dumps(payload)):
        (finding,) = parse(sent).findings
        assert finding.code == "media.source_type_invalid"
        assert finding.message.startswith(f"source_type is {said}, not one of the names")


def test_a_tuple_beside_values_nested_too_deeply_is_no_crash() -> None:
    # Converting the tuple walks the whole pin: past Python's recursion limit, it is left as is.
    deep: Any = []
    for _ in range(100_000):
        deep = [deep]
    parsed = parse({"board_id": "1", "items": (1,), "deep": deep})
    assert parsed.pin is not None
    assert parsed.pin.board_id == "1"


@pytest.mark.parametrize("as_text", [False, True])
@pytest.mark.parametrize(
    "entry",
    [
        {"pin": {"board_id": "1"}, "publish_at": "2099-06-02T10:00:00Z"},
        {"video_url": "https://cdn.example.com/a.mp4", "pin": {"board_id": "1"}},
        {"pin": "not an object"},
    ],
)
def test_a_calendar_entry_given_to_the_api_is_named_not_read_as_a_pin(
    entry: dict[str, Any], as_text: bool
) -> None:
    # It was told "board.missing", "media.missing" and "remove pin", though its board and media
    # were there, under "pin".
    (finding,) = parse(json.dumps(entry) if as_text else entry).findings
    assert finding.code == "pin.malformed"
    assert finding.message.startswith("the payload is a calendar entry")
    assert (finding.hint or "").startswith('Check its pin: validate(entry["pin"]).')


def test_a_pin_with_a_stray_pin_key_stays_a_pin() -> None:
    # A "pin" key beside a pin's own fields is no entry: an unknown field, as the readers say.
    parsed = parse({"board_id": "1", "pin": 1})
    assert parsed.pin is not None
    assert parsed.findings == ()


def test_a_calendar_row_shaped_as_an_entry_is_left_to_its_reader() -> None:
    # Rows are unwrapped by the calendar's reader before parsing: one that gets here is parsed.
    parsed = parse({"pin": {"board_id": "1"}}, malformed=calendar.CALENDAR_ROW_MALFORMED)
    assert parsed.pin is not None
