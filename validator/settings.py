"""Settings: every knob of a run, from the API's keywords, the CLI's flags or ``pyproject.toml``.

One frozen pydantic model, so that a typo in ``[tool.pin-preflight]`` is a clear error naming the
key (``extra="forbid"``) rather than a setting silently ignored, and so that the three front doors
share one set of defaults.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from validator.errors import ConfigError

__all__ = ["PYPROJECT_TABLE", "Settings", "find_pyproject", "load_settings"]

#: The table of ``pyproject.toml`` that configures pin-preflight.
PYPROJECT_TABLE = "pin-preflight"


class Settings(BaseModel):
    """What to check and how strictly. Every field has a default that suits most teams."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    offline: bool = False
    """Decide only what the payload shows; fetch nothing."""

    strict: bool = False
    """Treat warnings as errors: they fail the pin and the run."""

    accept_key_frame_cover: bool = False
    """Accept a video pin whose only cover is ``cover_image_key_frame_time``.

    Off by default: the API documents the field, but whether Pinterest accepts a video pin with a
    key frame and no cover image is unverified (pinterest-api.md §2, video cover CONFLICT)."""

    description_warn_length: Annotated[int, Field(ge=0)] = 500
    """Warn (``text.description_long``) above this many characters: the help center's limit,
    below the API's 800 (pinterest-api.md §4.4)."""


def find_pyproject(start: Path) -> Path | None:
    """The nearest ``pyproject.toml`` at or above ``start`` that has a pin-preflight table."""
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                table = _read_table(candidate)
            except ConfigError:
                return candidate  # let load_settings report the broken file
            if table is not None:
                return candidate
    return None


def load_settings(
    pyproject: Path | None = None, overrides: Mapping[str, Any] | None = None
) -> Settings:
    """Settings from ``pyproject`` (if given) with ``overrides`` (CLI flags) on top.

    Raises ``ConfigError`` naming the file and the key when the configuration is unusable.
    """
    values: dict[str, Any] = {}
    origin = "settings"
    if pyproject is not None:
        values.update(
            {key.replace("-", "_"): value for key, value in (_read_table(pyproject) or {}).items()}
        )
        origin = f"{pyproject} [tool.{PYPROJECT_TABLE}]"
    values.update(overrides or {})
    try:
        return Settings.model_validate(values)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or '(table)'}: {error['msg']}"
            for error in exc.errors(include_url=False)
        )
        raise ConfigError(f"{origin}: {problems}") from None


def _read_table(pyproject: Path) -> dict[str, Any] | None:
    try:
        with pyproject.open("rb") as handle:
            document = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{pyproject}: cannot read it: {exc}") from None
    table = document.get("tool", {}).get(PYPROJECT_TABLE)
    if table is None:
        return None
    if not isinstance(table, dict):
        raise ConfigError(f"{pyproject}: [tool.{PYPROJECT_TABLE}] must be a table")
    return table
