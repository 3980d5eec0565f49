"""The catalogue entry type, and the registry that keeps every code unique.

A code is declared once, as a module-level constant in the module named after its category
(``board.missing`` lives in ``codes/board.py`` as ``BOARD_MISSING``). Rules refer to the constant,
never to the string, so a typo is a mypy error instead of a new, undocumented code. Constructing a
``Code`` registers it; a second code with the same id is a programming error and fails at import.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from validator.findings import Action, Finding, Severity
from validator.messages import printable

__all__ = ["REGISTRY", "Code", "Stage"]

_CODE_ID = re.compile(r"^[a-z_]+\.[a-z0-9_]+$")

#: Every declared code by id, in declaration order. ``validator.codes.CATALOGUE`` exposes it.
REGISTRY: dict[str, Code] = {}


class Stage(enum.StrEnum):
    """When a code can be decided.

    From the payload alone, by fetching the media, from the media's bytes, by asking Pinterest
    with the user's token, or from Pinterest's answer to a publish call. ``MEDIA`` codes judge
    bytes wherever they come from: fetched, or read even offline from inline base64 data and
    from local files, so they are not ``NETWORK`` ones, which only a request can decide.
    """

    OFFLINE = "offline"
    NETWORK = "network"
    MEDIA = "media"
    ACCOUNT = "account"
    RESPONSE = "response"


@dataclass(frozen=True, slots=True)
class Code:
    """One documented finding code: what it means, why it matters, and the fix.

    The texts follow ruff's rule docs: ``summary`` is one line, ``why`` says what goes wrong at
    Pinterest if the pin is sent anyway, ``fix`` says what to change. ``reference`` points at the
    section of ``shared/reference/pinterest-api.md`` the rule rests on. Offline codes carry an
    ``example_bad`` payload that must produce the code and an ``example_good`` one that must not;
    the catalogue tests run both.
    """

    id: str
    severity: Severity
    action: Action
    summary: str
    why: str
    fix: str
    reference: str
    stage: Stage = Stage.OFFLINE
    since: str = "0.1.0"
    example_bad: Mapping[str, Any] | None = field(default=None, compare=False)
    example_good: Mapping[str, Any] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if not _CODE_ID.match(self.id):
            raise ValueError(f"code id {self.id!r} is not of the form category.name")
        if self.id in REGISTRY:
            raise ValueError(f"code {self.id!r} is declared twice")
        REGISTRY[self.id] = self

    @property
    def category(self) -> str:
        """The part of the id before the dot."""
        return self.id.partition(".")[0]

    def finding(self, field: str | None, message: str, hint: str | None = None) -> Finding:
        """A finding of this code; ``hint`` refines the catalogue's generic fix when given."""
        # What a payload names (an unknown key, a value) reaches the message and the field:
        # escaped here, once, whatever report shows it.
        return Finding(
            code=self.id,
            severity=self.severity,
            action=self.action,
            field=field if field is None else printable(field),
            message=printable(message),
            hint=printable(hint) if hint is not None else self.fix,
        )
