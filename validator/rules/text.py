"""Text rules: what the model's hard limits do not cover (the 500-character advice, links)."""

from __future__ import annotations

from collections.abc import Sequence

from validator.codes.text import TEXT_DESCRIPTION_LONG, composed_within
from validator.findings import Finding
from validator.messages import plural
from validator.model import PinCreate
from validator.rules.common import check_link
from validator.settings import Settings

__all__ = ["check_text"]


def check_text(pin: PinCreate, settings: Settings) -> Sequence[Finding]:
    """``text.description_long`` and ``text.link_invalid`` for the pin's own fields."""
    found: list[Finding] = []
    description = pin.description
    if description is not None and len(description) > settings.description_warn_length:
        limit = settings.description_warn_length
        message = f"description is {len(description)} characters; more than {limit} may be cut"
        over = plural(len(description) - limit, "character")
        hint = composed_within(description, limit) or (
            f"Shorten it by {over}, keeping the key words first."
        )
        found.append(TEXT_DESCRIPTION_LONG.finding("description", message, hint))
    link_problem = check_link(pin.link, "link")
    if link_problem is not None:
        found.append(link_problem)
    return found
