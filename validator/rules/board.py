"""Board rules: a pin must name the board it goes to (the id format is checked while parsing)."""

from __future__ import annotations

from collections.abc import Sequence

from validator.codes.board import BOARD_MISSING
from validator.findings import Finding
from validator.model import PinCreate
from validator.settings import Settings

__all__ = ["check_board"]


def check_board(pin: PinCreate, settings: Settings) -> Sequence[Finding]:
    """``board.missing`` when no board was chosen."""
    if pin.board_id is None:
        return (BOARD_MISSING.finding("board_id", "the pin has no board_id"),)
    return ()
