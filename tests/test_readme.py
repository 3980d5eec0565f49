"""The README holds together: its links land on headings, its code blocks are whole and compile.

A reflow of one bullet once ran the sections after it (their YAML, their headings) into a single
paragraph: a link to one of those headings went nowhere, and no test noticed.
"""

from __future__ import annotations

import re

import pytest
from support import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def _slug(heading: str) -> str:
    """A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces to '-'."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_every_link_within_the_readme_lands_on_a_heading() -> None:
    outside = FENCE.sub("", README)
    headings = {_slug(line.lstrip("#")) for line in outside.splitlines() if line.startswith("#")}
    links = set(re.findall(r"\]\(#([^)]+)\)", outside))
    assert links
    assert links <= headings, links - headings


def test_every_code_block_is_closed() -> None:
    fences = [line for line in README.splitlines() if line.startswith("```")]
    assert len(fences) % 2 == 0
    assert all(line == "```" for line in fences[1::2])  # each opening has its own closing


@pytest.mark.parametrize(
    "block",
    [block for language, block in FENCE.findall(README) if language == "python"],
    ids=lambda block: block.splitlines()[0][:40],
)
def test_every_python_example_compiles(block: str) -> None:
    # Run as written, an example with `await` outside async code is a SyntaxError.
    compile(block, "README.md", "exec")
