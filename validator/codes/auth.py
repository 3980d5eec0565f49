"""``auth.*``: the account's access token, checked with Pinterest before publishing."""

from __future__ import annotations

from typing import Final

from validator.codes.base import Code, Stage
from validator.findings import Action, Severity

_TOKENS = "pinterest-api.md §5.3 (code 2), §5.5 (scopes, token lifetimes)"

AUTH_UNAUTHORIZED: Final = Code(
    id="auth.unauthorized",
    severity=Severity.ERROR,
    action=Action.REFRESH_TOKEN,
    summary="Pinterest refuses the access token (401 Authentication failed).",
    why="Every call with this token fails, publishing included, until the account is reconnected.",
    fix="Reconnect the Pinterest account (OAuth) or refresh the token, then publish again.",
    reference=_TOKENS,
    stage=Stage.ACCOUNT,
)
AUTH_INVALID_TOKEN: Final = Code(
    id="auth.invalid_token",
    severity=Severity.ERROR,
    action=Action.REFRESH_TOKEN,
    summary="The access token is expired or malformed.",
    why="Access tokens last about 30 days; an expired or mangled one is refused on every call.",
    fix="Refresh the token with the refresh token, or reconnect the account.",
    reference=_TOKENS,
    stage=Stage.ACCOUNT,
)
AUTH_MISSING_SCOPE: Final = Code(
    id="auth.missing_scope",
    severity=Severity.ERROR,
    action=Action.REFRESH_TOKEN,
    summary="The token lacks a scope pin creation needs (boards:read, boards:write, pins:read, "
    "pins:write).",
    why="Pinterest answers 403 (code 3) when the token was granted without the scopes a call "
    "needs; secret boards need the _secret scopes too.",
    fix="Reconnect the account asking for boards:read, boards:write, pins:read and pins:write "
    "(and boards:read_secret, pins:write_secret for secret boards).",
    reference="pinterest-api.md §5.3 (code 3), §5.5",
    stage=Stage.ACCOUNT,
)
