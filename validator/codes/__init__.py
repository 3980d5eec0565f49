"""The catalogue: every finding code pin-preflight can emit, declared once, documented once.

Importing this package imports every category module, whose ``Code`` constants register
themselves; ``CATALOGUE`` is the result, in a stable order (categories alphabetically, then
declaration order).
``pin-preflight codes`` prints it and the README's table is generated from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from validator.codes import (
    auth,
    board,
    calendar,
    carousel,
    media,
    pin,
    platform,
    rate_limit,
    text,
    video,
)
from validator.codes.base import REGISTRY, Code, Stage
from validator.messages import did_you_mean

__all__ = ["CATALOGUE", "Code", "Stage", "lookup", "matching", "suggestion"]

# The modules are imported for their side effect of registering codes.
_CATEGORY_MODULES = (auth, board, calendar, carousel, media, pin, platform, rate_limit, text, video)

#: Code id → entry, read-only.
CATALOGUE: Mapping[str, Code] = MappingProxyType(REGISTRY)


def lookup(code_id: str) -> Code:
    """The entry for ``code_id``; a ``KeyError`` whose message suggests close ids otherwise.

    A ``TypeError`` for what is no code's name (``None``, a ``Finding``: pass its ``code``).
    """
    if not isinstance(code_id, str):
        raise TypeError(f"lookup() takes a code's name (a str), not {type(code_id).__name__}")
    try:
        return CATALOGUE[code_id]
    except KeyError:
        raise KeyError(f"unknown code {code_id!r}{suggestion(code_id)}") from None


def suggestion(name: str) -> str:
    """``"; did you mean board.missing?"`` for a mistyped code or category, or ``""``."""
    categories = sorted({known.partition(".")[0] for known in CATALOGUE})
    return did_you_mean(name.lower(), [*CATALOGUE, *categories], most=3)


def matching(selector: str) -> list[Code]:
    """Codes selected by ``selector``: an exact id, a category (``media``) or a prefix (``media.``).

    Used for ``--select`` / ``--ignore``; an empty list means the selector matches nothing. Case
    does not matter: codes are lower case, and ``MEDIA`` can only mean ``media``.
    """
    selector = selector.lower()
    if selector in CATALOGUE:
        return [CATALOGUE[selector]]
    prefix = selector if selector.endswith(".") or "." in selector else selector + "."
    return [code for code_id, code in CATALOGUE.items() if code_id.startswith(prefix)]
