"""The clean-pin fast path: whatever ``CleanPin`` accepts, the rules have nothing to say about.

Each test compares the engine with its reference: the same engine with the fast path turned off,
so that every pin goes through ``parse`` and every rule. The two must agree on every report.
"""

from __future__ import annotations

import asyncio
import base64
import json
import sys
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from pydantic import ValidationError
from support import CODE_FIXTURES, FIXTURES, ROOT, VALID_PAYLOADS, load_json

from validator.clean import CLEAN_DESCRIPTION_LENGTH, CleanPin, applies
from validator.engine import Engine
from validator.findings import Location
from validator.parse import parse
from validator.settings import Settings
from validator.sources import PinInput, from_objects, load

SETTINGS = (
    Settings(offline=True),
    Settings(offline=True, strict=True, accept_key_frame_cover=True),
    Settings(offline=True, description_warn_length=800),
)


def _engines(settings: Settings) -> tuple[Engine, Engine]:
    """The engine as users get it, and the reference that sends every pin through the rules."""
    reference = Engine(settings)
    reference._clean_applies = False  # the one switch this comparison needs
    return Engine(settings), reference


ENGINES = [_engines(settings) for settings in SETTINGS]
# What the engine decides on a clean pin besides the rules: a signed media URL's deadline.
_DEADLINES = {"media.url_expires", "media.url_expires_soon"}


def _compare(payload: object) -> None:
    for engine, reference in ENGINES:
        for form in (payload, json.dumps(payload)):
            item = PinInput(Location("calendar.jsonl", 0, 1), form, row=True)
            assert engine.check(item) == reference.check(item), form


def _is_clean(payload: dict[str, Any]) -> bool:
    try:
        CleanPin.model_validate(payload)
    except ValidationError:
        return False
    return True


# --- generated payloads: mostly valid fields (anywhere in the clean space), some with mistakes ---
#
# Each field is good nine times in ten, so that about a third of the pins are clean and the rest
# differ from a clean pin in one or two places: the boundary where the two paths could disagree.

_PRINTABLE = [chr(c) for c in range(0x21, 0x7F)]
_NASTY_CHARS = [" ", "\u00a0", "\x1c", "\u017f", "\u212a", "\n", "é", "?", "#", "/", "."]


def _mostly(good: st.SearchStrategy[Any], bad: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.sampled_from([good] * 9 + [bad]).flatmap(lambda chosen: chosen)


def _case_of(words: list[str]) -> st.SearchStrategy[str]:
    """One of ``words`` in any mix of upper and lower case."""
    return st.tuples(st.sampled_from(words), st.randoms()).map(
        lambda pair: "".join(c.upper() if pair[1].random() < 0.5 else c for c in pair[0])
    )


_SCHEME = _mostly(
    _case_of(["https://", "http://"]), st.sampled_from(["ftp://", "", "//", "https:/"])
)
_HOST = _mostly(
    st.builds(
        "{}{}".format,
        st.text(alphabet="abcXYZ019.-", min_size=1, max_size=8),
        st.sampled_from(["", ":8080", ":1", ":9999", ":0", ":0080"]),
    ),
    st.sampled_from(
        ["", ":99999", "[::1]", "exa mple.com", "例え.jp", "u@h.example", "h:", "www.DropBox.com"]
    ),
)
_PATH = st.text(alphabet=_PRINTABLE + _NASTY_CHARS, max_size=8).filter(
    lambda path: not path.endswith(("/", "."))
)
_IMAGE_EXT = _case_of(["jpg", "jpeg", "jpe", "jfif", "png"])
_EXTENSION = _mostly(
    _IMAGE_EXT,
    st.one_of(
        _case_of(["webp", "gif", "heic", "mp4", "mov", ""]),
        st.builds("{}{}".format, _IMAGE_EXT, st.sampled_from(["?w=800", "#top", "/", " "])),
        st.sampled_from(
            [  # a signature, or a wrong format, hidden before a JPEG name
                "jpg?X-Amz-Date=20200101T000000Z&X-Amz-Expires=60",
                "jpg?X-Amz-Date=20200101T000000Z&X-Amz-Expires=60&name=a.jpg",
                "webp#a.jpg",
            ]
        ),
    ),
)
_URL = _mostly(
    st.builds("{}{}/{}a.{}".format, _SCHEME, _HOST, _PATH, _EXTENSION),
    st.one_of(st.just(""), st.text(max_size=12), st.integers()),
)
_LINK = _mostly(
    st.builds("{}{}{}".format, _SCHEME, _HOST, st.sampled_from(["", "/", "?", "#"])).flatmap(
        lambda start: st.builds(start.__add__, _PATH)
    ),
    st.one_of(st.text(max_size=12), st.just("h" * 2049)),
)
_ID = _mostly(
    st.from_regex(r"[0-9]{1,18}", fullmatch=True),
    st.sampled_from(["١٢٣", "12a", "", " 1", "Spring recipes", 123]),
)
_TYPE = _mostly(
    st.sampled_from(["image/jpeg", "image/png"]),
    st.sampled_from(["image/jpg", "IMAGE/PNG", "image/webp", None]),
)
# Data that starts like a JPEG, a PNG, a GIF, or nothing known: the rules sniff it.
_MAGIC = st.sampled_from([b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n\x00", b"GIF89a", b""])
_BASE64 = _mostly(
    st.builds(
        lambda magic, rest: base64.b64encode(magic + rest).decode(),
        _MAGIC,
        st.binary(min_size=1, max_size=12),
    ),
    st.one_of(
        st.sampled_from(["QQ", "Q===", "QQ==QQ==", "data:,QQ==", ""]),
        st.text(alphabet="AB+/=\n -_", max_size=10),
    ),
)


def _text(limit: int) -> st.SearchStrategy[Any]:
    """Text up to ``limit`` characters (any of them); now and then just over it, or no text."""
    return _mostly(
        st.one_of(st.text(max_size=12), st.integers(0, limit).map("é".__mul__)),
        st.one_of(st.integers(limit + 1, limit + 3).map("d".__mul__), st.integers()),
    )


_COLOR = _mostly(
    st.from_regex(r"#[0-9A-Fa-f]{6}", fullmatch=True),
    st.sampled_from(["#abc", "A1B2C3", "#GGGGGG", "#A1B2C3\n"]),
)
_EXTRA = _mostly(
    st.just({}), st.dictionaries(st.sampled_from(["note", "id", "url", "tags"]), st.just("x"))
)
_ABSENT: Any = ...  # marks a key left out of the payload


def _optional(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.just(_ABSENT), st.none(), values)


def _fields(**strategies: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.builds(
        lambda fields, extra: {**{k: v for k, v in fields.items() if v is not _ABSENT}, **extra},
        st.fixed_dictionaries(strategies),
        _EXTRA,
    )


def _required(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return _mostly(values, st.sampled_from([_ABSENT, None]))


def _source(source_type: str, **fields: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return _fields(source_type=st.just(source_type), **fields)


_ITEMS = st.integers(2, 5) | st.sampled_from([0, 1, 6])
_MEDIA_SOURCE = _mostly(
    st.one_of(
        _source("image_url", url=_required(_URL), is_standard=_optional(st.booleans())),
        _source("image_base64", content_type=_required(_TYPE), data=_required(_BASE64)),
        _source(
            "multiple_image_urls",
            items=_ITEMS.flatmap(
                lambda n: st.lists(
                    _fields(
                        url=_required(_URL), title=_optional(_text(100)), link=_optional(_LINK)
                    ),
                    min_size=n,
                    max_size=n,
                )
            ),
            index=_optional(st.integers(-1, 5) | st.sampled_from([0.0, -0.0, False, 1.0])),
        ),
        _source(
            "multiple_image_base64",
            items=_ITEMS.flatmap(
                lambda n: st.lists(
                    _fields(content_type=_required(_TYPE), data=_required(_BASE64)),
                    min_size=n,
                    max_size=n,
                )
            ),
        ),
        _source(
            "video_id",
            media_id=_required(_ID),
            cover_image_url=_required(_URL),
            cover_image_content_type=_required(_TYPE),
            cover_image_data=_optional(_BASE64),
            cover_image_key_frame_time=_optional(st.integers(-1, 5)),
        ),
        _source("pin_url", is_affiliate_link=_optional(st.booleans())),
    ),
    st.sampled_from([{}, {"source_type": "video"}, "https://cdn.example.com/a.jpg", None]),
)
_PINS = _fields(
    board_id=_required(_ID),
    board_section_id=_optional(_ID),
    title=_optional(_text(100)),
    description=_optional(_text(800)),
    link=_optional(_LINK),
    alt_text=_optional(_text(500)),
    dominant_color=_optional(_COLOR),
    media_source=_required(_MEDIA_SOURCE),
)


@given(_PINS)
@hypothesis_settings(max_examples=1000, suppress_health_check=[HealthCheck.too_slow])
def test_the_fast_path_and_the_rules_agree_on_every_generated_pin(payload: dict[str, Any]) -> None:
    if _is_clean(payload):  # the contract itself: the rules find nothing in a clean pin
        found = ENGINES[0][1].check(PinInput(Location("<input>", 0), payload)).codes
        assert not found - _DEADLINES  # a signature's deadline is the engine's, not a rule's
    _compare(payload)


# --- the pins at hand: every fixture, and the benchmarks' mix ----------------------------------


@pytest.mark.parametrize("path", VALID_PAYLOADS, ids=lambda path: path.name)
def test_valid_fixtures_take_the_fast_path_unless_they_need_a_rule(path: Any) -> None:
    payload = load_json(path)
    _compare(payload)
    # What it leaves to the rules: an image sent as data, whose bytes only the rules read, and a
    # pin_url pin, whose rule reads the pin's link.
    text = json.dumps(payload)
    left = "cover_image_data" in text or "base64" in text or '"pin_url"' in text
    assert parse(payload, clean=True).clean is not left


@pytest.mark.parametrize("path", CODE_FIXTURES, ids=lambda path: path.stem)
def test_no_payload_of_the_code_catalogue_passes_as_clean(path: Any) -> None:
    for case in load_json(path):
        pin = case["pin"]
        if isinstance(pin, dict):
            parsed = parse(pin, clean=True)
            if path.stem != "media.url_expires":  # a deadline is the engine's, not a rule's
                assert not parsed.clean or parsed.findings, case["case"]  # clean once fixed
            _compare(pin)


def test_the_benchmark_mix_gets_the_same_reports_both_ways() -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from payloads import generate  # the benchmarks' own generator
    finally:
        sys.path.pop(0)
    pins = list(generate(600))
    clean = sum(parse(pin, clean=True).clean for pin in pins)
    assert 0.5 * len(pins) < clean < len(pins)  # both paths are exercised
    for pin in pins:
        _compare(pin)


@pytest.mark.parametrize("name", ["wrapped.json", "wrapped.jsonl", "good.csv", "problems.csv"])
def test_calendars_get_the_same_reports_both_ways(name: str) -> None:
    path = str(FIXTURES / "calendars" / name)
    for engine, reference in ENGINES:
        reference.now = engine.now
        ours = list(engine.check_all(load(path, settings=engine.settings, now=engine.now)))
        theirs = list(reference.check_all(load(path, settings=engine.settings, now=engine.now)))
        assert ours == theirs


async def _session_reports(engine: Engine, pins: list[Any]) -> list[Any]:
    async with engine.session() as session:
        return [report async for report in session.check_all(from_objects(pins))]


def test_a_session_marks_the_same_duplicates_both_ways() -> None:
    # A session also lists slots and duplicate keys: the fast path must give the same ones.
    image = load_json(VALID_PAYLOADS[0].parent / "image-url.json")
    pins = [image, {**image, "title": "t" * 120}, image, {**image, "note": "x"}, image]
    for engine, reference in ENGINES:
        ours = asyncio.run(_session_reports(engine, pins))
        theirs = asyncio.run(_session_reports(reference, pins))
        assert ours == theirs
        assert sum("calendar.duplicate_pin" in report.codes for report in ours) == 4


# --- what the fast path deliberately leaves to the rules ----------------------------------------


_EXPIRED = "X-Amz-Date=20200101T000000Z&X-Amz-Expires=60"


def _image(url: str) -> dict[str, str]:
    return {"source_type": "image_url", "url": url}


_CAROUSEL = {
    "source_type": "multiple_image_urls",
    "items": [{"url": "https://cdn.example.com/1.jpg"}, {"url": "https://cdn.example.com/2.jpg"}],
}


@pytest.mark.parametrize("index", [0.0, -0.0, False])
def test_an_index_of_zero_that_is_no_integer_is_reported_on_both_paths(index: object) -> None:
    # Literal[0] took them: the fast path passed what the full path reports.
    payload = {**load_json(VALID_PAYLOADS[0].parent / "image-url.json")}
    payload["media_source"] = {**_CAROUSEL, "index": index}
    assert not _is_clean(payload)
    _compare(payload)
    found = ENGINES[0][1].check(PinInput(Location("<input>", 0), payload)).codes
    assert found == {"carousel.index_invalid"}


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"board_id": "١٢٣"}, "digits outside ASCII"),
        ({"link": "https://shop.example.com/p?q=é"}, "a non-ASCII link"),
        ({"media_source": _image("https://cdn.example.com/a.webp#a.jpg")}, "a fragment"),
        ({"media_source": _image("https://cdn.example.com/a.\u017fpg")}, "a Unicode look-alike"),
        ({"description": "d" * (CLEAN_DESCRIPTION_LENGTH + 1)}, "a description worth a warning"),
        ({"dominant_color": "#abc"}, "a short colour"),
        ({"media_source": _image("https://www.dropbox.com/s/a/b.jpg?dl=0")}, "a share page"),
    ],
)
def test_what_the_fast_path_leaves_to_the_rules(change: dict[str, Any], why: str) -> None:
    payload = {**load_json(VALID_PAYLOADS[0].parent / "image-url.json"), **change}
    assert not parse(payload, clean=True).clean, why
    _compare(payload)


@pytest.mark.parametrize(
    ("url", "codes"),
    [
        ("https://cdn.example.com/a.jpg?v=1699999999", set()),  # a CDN's cache buster
        (f"https://cdn.example.com/a.jpg?{_EXPIRED}&n=a.jpg", {"media.url_expires"}),
    ],
)
def test_a_query_string_takes_the_fast_path_and_its_deadline_is_still_checked(
    url: str, codes: set[str]
) -> None:
    payload = load_json(VALID_PAYLOADS[0].parent / "image-url.json")
    payload["media_source"] = _image(url)
    assert parse(payload, clean=True).clean  # no rule has anything to say about a query string
    report = ENGINES[0][0].check(PinInput(Location("<input>", 0), payload))
    assert report.codes == codes  # but a signature's deadline is the engine's to check
    _compare(payload)


def test_a_lower_description_limit_turns_the_fast_path_off() -> None:
    assert applies(Settings())
    assert not applies(Settings(description_warn_length=CLEAN_DESCRIPTION_LENGTH - 1))
    payload = {**load_json(VALID_PAYLOADS[0].parent / "image-url.json"), "description": "d" * 450}
    report = Engine(Settings(offline=True, description_warn_length=400)).check(
        PinInput(Location("<input>", 0), payload)
    )
    assert report.codes == {"text.description_long"}


def test_a_value_removed_while_parsing_leaves_a_clean_rest_with_its_finding() -> None:
    payload = {**load_json(VALID_PAYLOADS[0].parent / "image-url.json"), "title": "t" * 120}
    parsed = parse(payload, clean=True)
    assert parsed.clean
    assert [f.code for f in parsed.findings] == ["text.title_too_long"]
    assert parsed.title == "t" * 120
    _compare(payload)
