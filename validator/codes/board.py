"""``board.*``: the board (and section) a pin is published to."""

from __future__ import annotations

from typing import Final

from validator.codes.base import Code, Stage
from validator.codes.examples import image_pin
from validator.findings import Action, Severity

BOARD_MISSING: Final = Code(
    id="board.missing",
    severity=Severity.ERROR,
    action=Action.USER_ERROR,
    summary="The pin has no board: board_id is absent, null or blank.",
    why=(
        "Pinterest needs a board for every pin it creates; without one the create call is "
        "refused, often after the media has already been uploaded."
    ),
    fix=(
        "Set board_id to the numeric id of the board (GET /v5/boards lists them); in "
        "Pinterest's bulk CSV, fill the 'Pinterest board' column."
    ),
    reference="pinterest-api.md §1.3 (board_id required in practice)",
    example_bad=image_pin(board_id=""),
    example_good=image_pin(),
)

BOARD_INVALID_ID: Final = Code(
    id="board.invalid_id",
    severity=Severity.ERROR,
    action=Action.USER_ERROR,
    summary="board_id is not a numeric board id (a board name or URL was given).",
    why=(
        "The API accepts only the board's numeric id (pattern ^\\d+$); a name such as "
        "'Spring recipes' or a board URL fails with \"does not match '^\\d+$'\"."
    ),
    fix=(
        "Look the board up with GET /v5/boards and send its id as a string of digits, "
        'e.g. "549755885175".'
    ),
    reference="pinterest-api.md §1.2 (board_id pattern ^\\d+$), §5.3",
    example_bad=image_pin(board_id="Spring recipes"),
    example_good=image_pin(),
)

BOARD_SECTION_INVALID_ID: Final = Code(
    id="board.section_invalid_id",
    severity=Severity.ERROR,
    action=Action.USER_ERROR,
    summary="board_section_id is present but is not a numeric section id.",
    why="The API accepts only numeric section ids (pattern ^\\d+$) and refuses the pin otherwise.",
    fix=(
        "Send the section's numeric id (GET /v5/boards/{board_id}/sections lists them), "
        "or leave board_section_id out to publish to the board itself."
    ),
    reference="pinterest-api.md §1.2 (board_section_id pattern ^\\d+$)",
    example_bad=image_pin(board_section_id="Desserts"),
    example_good=image_pin(board_section_id="5195655289634"),
)


# --- Decided by asking Pinterest with the user's token (issue 5). ---------------------------------


def _account(
    id: str,
    summary: str,
    why: str,
    fix: str,
    *,
    severity: Severity = Severity.ERROR,
    reference: str = "pinterest-api.md §5.3 (codes 40, 2031)",
) -> Code:
    return Code(
        id=id,
        severity=severity,
        action=Action.USER_ERROR,
        summary=summary,
        why=why,
        fix=fix,
        reference=reference,
        stage=Stage.ACCOUNT,
    )


_BY_NAME = "pinterest-api.md §6 (the bulk CSV's Pinterest board: the exact board name)"

BOARD_NOT_FOUND: Final = _account(
    "board.not_found",
    "Pinterest has no board with this board_id (404, code 40 Board not found).",
    "A pin for a board that does not exist (or was deleted) is refused.",
    "Pick an existing board: GET /v5/boards lists the account's boards and their ids.",
)
BOARD_NO_ACCESS: Final = _account(
    "board.no_access",
    "The board exists but this account cannot save pins to it.",
    "Pinterest refuses pins on boards the account neither owns nor collaborates on.",
    "Use one of the account's own boards, or ask the owner to invite the account.",
)
BOARD_SECTION_NOT_FOUND: Final = _account(
    "board.section_not_found",
    "The board has no section with this board_section_id (code 2031).",
    "A pin for a section that does not exist is refused.",
    "Pick a section of that board (GET /v5/boards/{board_id}/sections), or leave it out.",
)
BOARD_NAME_NOT_FOUND: Final = _account(
    "board.name_not_found",
    "The account has no board with this name (calendars that name boards, like the bulk CSV).",
    "Pinterest's bulk tool matches the board name exactly (case and spaces count).",
    "Write the board's name exactly as on Pinterest; the hint names the closest ones.",
    reference=_BY_NAME,
)
BOARD_NAME_AMBIGUOUS: Final = _account(
    "board.name_ambiguous",
    "More than one of the account's boards has this name (calendars that name boards).",
    "A board of its own and a group board it collaborates on may share a name; a calendar that "
    "names the board does not say which one it means, and no source says which one Pinterest's "
    "bulk tool picks.",
    "Rename one of the boards on Pinterest, or publish through the API with the board's id "
    "(the message lists their ids).",
    severity=Severity.WARNING,
    reference=_BY_NAME,
)
