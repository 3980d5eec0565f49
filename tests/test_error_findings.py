"""Pydantic's errors as findings: the paths they are reported on, and base64's problems named."""

from __future__ import annotations

import pytest

from validator.error_findings import base64_problem, field_path

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
