"""``select`` / ``ignore``: which codes a run reports, by id, category or prefix (ruff's style)."""

from __future__ import annotations

from collections.abc import Iterable

from validator.codes import CATALOGUE, matching

__all__ = ["ALWAYS_REPORTED", "dropped_codes", "unknown_selectors"]


def unknown_selectors(selectors: Iterable[str]) -> list[str]:
    """The selectors that match no code: a typo that would silently select or ignore nothing."""
    return [selector for selector in selectors if not matching(selector)]


def dropped_codes(select: Iterable[str], ignore: Iterable[str]) -> frozenset[str]:
    """The codes a run leaves out: all but the ``select``ed ones (when any), and the ignored.

    As asked: the engine still reports ``ALWAYS_REPORTED``.
    """
    kept = {code.id for selector in select for code in matching(selector)} if select else None
    dropped = {code_id for code_id in CATALOGUE if kept is not None and code_id not in kept}
    dropped.update(code.id for selector in ignore for code in matching(selector))
    return frozenset(dropped)


#: The codes select and ignore never leave out: a pin or row that could not be read at all.
#: Nothing was checked in it, so leaving its one finding out (``--select board``, ``--ignore
#: calendar``) made it pass: a line of garbage reported "ok".
ALWAYS_REPORTED = frozenset({"pin.malformed", "calendar.row_malformed"})
