"""Inline base64 decoding, in pieces: the bytes and the errors are those of the whole text."""

from __future__ import annotations

import base64
import binascii

import pytest
from support import FIXTURES

from validator.findings import Finding
from validator.rules import common
from validator.rules.common import decode_base64

FIELD = "media_source.data"


@pytest.fixture
def small_pieces(monkeypatch: pytest.MonkeyPatch) -> int:
    """Pieces of 4 KiB of text, so that the fixtures' images are decoded in many."""
    monkeypatch.setattr(common, "_DECODED_PIECE", 4096)
    return 4096


def _text(name: str) -> str:
    return base64.b64encode((FIXTURES / "media" / name).read_bytes()).decode()


def _whole_error(text: str) -> str:
    with pytest.raises(binascii.Error) as raised:
        binascii.a2b_base64(text, strict_mode=True)
    return str(raised.value)


@pytest.mark.parametrize("name", ["heavy-metadata.jpg", "heavy-metadata.png", "truncated.jpg"])
def test_a_text_decoded_in_pieces_gives_the_file_s_bytes(small_pieces: int, name: str) -> None:
    text = _text(name)
    assert len(text) > 10 * small_pieces
    assert decode_base64(text, FIELD) == (FIXTURES / "media" / name).read_bytes()


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda text: text[:20_000] + "!" + text[20_001:], id="a stray character"),
        pytest.param(lambda text: text[:20_000] + "=" + text[20_001:], id="padding midway"),
        pytest.param(lambda text: text.rstrip("=") + "A", id="a length no padding fixes"),
        pytest.param(lambda text: text[:12_289], id="cut one past a piece"),
    ],
)
def test_a_text_broken_in_a_later_piece_gets_the_whole_text_s_error(
    small_pieces: int, damage: object
) -> None:
    assert callable(damage)
    text = damage(_text("heavy-metadata.jpg"))
    found = decode_base64(text, FIELD)
    assert isinstance(found, Finding)
    assert found.code == "media.base64_invalid"
    if "!" in text:  # the API's pattern refuses it: said as the pattern's problem
        assert found.message == f'{FIELD} contains "!", which is not a base64 character'
    else:
        assert f"({_whole_error(text)}; {len(text)} characters)" in found.message


def test_a_text_only_unpadded_is_told_so_whatever_its_size(small_pieces: int) -> None:
    text = _text("square.jpg").rstrip("=")
    assert len(text) % 4 in (2, 3)
    assert len(text) > small_pieces
    found = decode_base64(text, FIELD)
    assert isinstance(found, Finding)
    assert found.hint == f"Only its padding is missing: add {'=' * (-len(text) % 4)} at the end."


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("", "media_source.data is empty"),
        ("data:image/png;base64,iVBORw0KGgo=", "media_source.data starts with a data: URI prefix"),
        ("AAAA\nAAAA", "media_source.data contains whitespace (at character 4)"),
        ("AAAA=", "media_source.data has 1 padding character ('=') past its end"),
        # binascii raises ValueError, not its Error, for text that is not ASCII.
        ("AAAA\u00e9", 'media_source.data contains "\u00e9", which is not a base64 character'),
        ("AAAA\u00e9=", 'media_source.data contains "\u00e9", which is not a base64 character'),
    ],
)
def test_what_the_api_s_pattern_refuses_is_said_as_before(text: str, said: str) -> None:
    # Searched for only once decoding failed: a model_construct'ed pin skips the model's check.
    found = decode_base64(text, FIELD)
    assert isinstance(found, Finding)
    assert found.message.startswith(said)
