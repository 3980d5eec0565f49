"""Pydantic's errors as findings: the paths they are reported on, and base64's problems named."""

from __future__ import annotations

import pytest

from validator.error_findings import base64_problem, field_path
from validator.parse import parse

# --- field_path ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        pytest.param(("media_source", "items", 2, "url"), "media_source.items[2].url", id="deep"),
        pytest.param(("title",), "title", id="one-name"),
        pytest.param((), "", id="empty"),
        pytest.param((0,), "[0]", id="index-first"),
        pytest.param(("a", 0, 1, "b"), "a[0][1].b", id="two-indices"),
    ],
)
def test_field_path_writes_dots_and_brackets(path: tuple[str | int, ...], expected: str) -> None:
    assert field_path(path) == expected


# --- base64_problem ------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["aGVsbG8=", "iVBORw0KGgo+/w==", "A"])
def test_base64_alphabet_text_has_no_problem(value: str) -> None:
    assert base64_problem(value) is None


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        pytest.param("", "is empty", id="empty"),
        pytest.param("data:image/png;base64,iVBO", "starts with a data: URI prefix", id="data-uri"),
        pytest.param("aGVs bG8=", "contains whitespace (at character 4)", id="space"),
        pytest.param("aGVsbG8=\n", "contains whitespace (at character 8)", id="newline"),
        pytest.param("ab-c", "uses the URL-safe alphabet ('-' and '_')", id="dash"),
        pytest.param("ab_c", "uses the URL-safe alphabet ('-' and '_')", id="underscore"),
        pytest.param("ab!c", 'contains "!", which is not a base64 character', id="bang"),
        pytest.param("abé", 'contains "é", which is not a base64 character', id="non-ascii"),
        pytest.param("a c-d", "contains whitespace (at character 1)", id="first-problem-wins"),
    ],
)
def test_base64_problem_names_what_is_wrong(value: str, problem: str) -> None:
    found = base64_problem(value)

    assert found is not None
    assert found[0] == problem
    assert found[1]  # always a fix to go with it


@pytest.mark.parametrize(
    ("tag", "hint"),
    [
        ("multiple_image_url", 'Did you mean "multiple_image_urls"?'),
        ("multiple_images_urls", 'Did you mean "multiple_image_urls"?'),
        (" image_url", 'Write it as "image_url": the names are lower case, without spaces.'),
        ("IMAGE_URL", 'Write it as "image_url": the names are lower case, without spaces.'),
        ("image_base_64", 'Did you mean "image_base64"?'),
        ("base64", "An image sent inline is source_type 'image_base64'"),
        ("video", "A video must be uploaded first"),
        ("photo", "A single image fetched from a URL is source_type 'image_url'."),
    ],
)
def test_an_unknown_source_type_gets_the_name_it_was_meant_to_be(tag: str, hint: str) -> None:
    # "multiple_image_url" (a carousel, items and all) was told to use 'image_url'.
    pin = {"board_id": "1", "media_source": {"source_type": tag, "url": "https://a.example/a.jpg"}}
    (finding,) = parse(pin).findings
    assert finding.code == "media.source_type_invalid"
    assert finding.hint is not None
    assert finding.hint.startswith(hint)
