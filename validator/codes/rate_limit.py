"""``rate_limit.*``: Pinterest throttling the account or the app."""

from __future__ import annotations

from typing import Final

from validator.codes.base import Code, Stage
from validator.findings import Action, Severity

RATE_LIMIT_EXCEEDED: Final = Code(
    id="rate_limit.exceeded",
    severity=Severity.ERROR,
    action=Action.RETRY,
    summary="Pinterest answered 429: too many requests for this account or app.",
    why="Pinterest limits calls per user and app (and blocks bursts of writes as spam); the same "
    "request works again after the wait.",
    fix="Wait (Retry-After when given), then retry; spread a big calendar over time.",
    reference="pinterest-api.md §5.3 (code 8), §5.4",
    stage=Stage.ACCOUNT,
)
