"""The Python API: check pins from your own publishing code, before the request is sent.

Every function takes one pin (a dict, a JSON text or a ``PinCreate``) or an iterable of them and
returns one ``Report`` per pin, in order. None of them raises for a bad pin or an unreachable
URL; they raise ``TypeError`` only for a call that cannot be meant (a single dict given to
``validate_many``) and ``RuntimeError`` when the sync functions are asked to fetch from inside a
running event loop (``await`` the ``a...`` variants there).

Unless ``offline``, media URLs are fetched: the sync functions run their own event loop, the
async ones run on the caller's. With ``token=`` (a Pinterest access token, ``str`` or pydantic
``SecretStr``) the pin functions also ask Pinterest about the account: the token, the board and
section, an uploaded video's status (README "Account checks"). The API never reads the token from
the environment: a library call does not start talking to Pinterest because a variable is set.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Coroutine, Iterable, Mapping
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel, SecretStr

from validator.engine import Engine
from validator.pinterest.account import optional_secret
from validator.report import Report
from validator.settings import Settings
from validator.sources import from_objects
from validator.urls import MediaKind

_T = TypeVar("_T")

__all__ = [
    "avalidate",
    "avalidate_many",
    "avalidate_media",
    "validate",
    "validate_many",
    "validate_media",
]


def validate(
    pin: object,
    *,
    settings: Settings | None = None,
    offline: bool | None = None,
    strict: bool | None = None,
    token: str | SecretStr | None = None,
    now: datetime | None = None,
) -> Report:
    """Check one pin.

    Args:
        pin: a dict, a JSON text (``str`` or ``bytes``) or a ``PinCreate``.
        settings: the run's settings; ``Settings()`` when omitted.
        offline: overrides ``settings.offline``.
        strict: overrides ``settings.strict`` (warnings fail the pin).
        token: a Pinterest access token: check the account too (not when offline).
        now: the moment signed URLs' deadlines are judged at (timezone-aware); the call's
            start when omitted. A test that fixes it keeps its verdicts as time passes.
    """
    token = optional_secret(token)  # from here on, no traceback's locals show it (pytest -l)
    return validate_many(
        [pin], settings=settings, offline=offline, strict=strict, token=token, now=now
    )[0]


def validate_many(
    pins: Iterable[object],
    *,
    settings: Settings | None = None,
    offline: bool | None = None,
    strict: bool | None = None,
    token: str | SecretStr | None = None,
    now: datetime | None = None,
) -> list[Report]:
    """Check many pins in one run; reports come back in input order.

    With ``token``, each account question (a board, a section list, a video) is asked once for
    all the pins that share it.
    """
    token = optional_secret(token)
    _refuse_single(pins, "validate_many() takes an iterable of pins; use validate() for one pin")
    engine = Engine(_settings(settings, offline=offline, strict=strict), token=token, now=now)
    if engine.settings.offline:
        return list(engine.check_all(from_objects(pins)))
    _refuse_running_loop(
        "validate() and validate_many() run their own event loop to fetch media; in async code "
        "use 'await avalidate(...)' / 'await avalidate_many(...)', or pass offline=True"
    )
    return _run_sync(_run(engine, pins))


async def avalidate(
    pin: object,
    *,
    settings: Settings | None = None,
    offline: bool | None = None,
    strict: bool | None = None,
    token: str | SecretStr | None = None,
    now: datetime | None = None,
) -> Report:
    """``validate`` for code that runs in an event loop."""
    token = optional_secret(token)
    reports = await avalidate_many(
        [pin], settings=settings, offline=offline, strict=strict, token=token, now=now
    )
    return reports[0]


async def avalidate_many(
    pins: Iterable[object],
    *,
    settings: Settings | None = None,
    offline: bool | None = None,
    strict: bool | None = None,
    token: str | SecretStr | None = None,
    now: datetime | None = None,
) -> list[Report]:
    """``validate_many`` for code that runs in an event loop."""
    token = optional_secret(token)
    _refuse_single(pins, "avalidate_many() takes an iterable of pins; use avalidate() for one pin")
    engine = Engine(_settings(settings, offline=offline, strict=strict), token=token, now=now)
    return await _run(engine, pins)


def validate_media(
    urls: Iterable[str | os.PathLike[str]],
    kind: MediaKind | str = MediaKind.IMAGE,
    *,
    settings: Settings | None = None,
    offline: bool | None = None,
    strict: bool | None = None,
    now: datetime | None = None,
) -> list[Report]:
    """Check media files by URL alone, as Pinterest will fetch them.

    A ``pathlib.Path`` (any path object) is a local file, read from disk: a video before its
    upload. Strings are URLs only, so checking URLs a user sent never reads a local file.
    ``kind`` is what they must be: ``"image"`` (JPEG or PNG) or ``"video"`` (MP4 or MOV, H.264 or
    H.265, 4 s to 15 min).

    For a video before it is uploaded with ``POST /v5/media``, or a calendar's media column.
    Findings are on the field ``url``; reports are located ``<media>[i]``.
    """
    _refuse_single(urls, "validate_media() takes an iterable of URLs, e.g. [url]")
    kind = _media_kind(kind)  # a misspelt kind fails here, as it does in avalidate_media
    _refuse_running_loop("in async code use 'await avalidate_media(...)'")
    return _run_sync(
        avalidate_media(urls, kind, settings=settings, offline=offline, strict=strict, now=now)
    )


async def avalidate_media(
    urls: Iterable[str | os.PathLike[str]],
    kind: MediaKind | str = MediaKind.IMAGE,
    *,
    settings: Settings | None = None,
    offline: bool | None = None,
    strict: bool | None = None,
    now: datetime | None = None,
) -> list[Report]:
    """``validate_media`` for code that runs in an event loop."""
    _refuse_single(urls, "avalidate_media() takes an iterable of URLs, e.g. [url]")
    kind = _media_kind(kind)
    engine = Engine(_settings(settings, offline=offline, strict=strict), now=now)
    async with engine.session() as session:
        return [report async for report in session.check_media(urls, kind)]


def _media_kind(kind: MediaKind | str) -> MediaKind:
    """``kind`` as a ``MediaKind``; a ``ValueError`` that lists the kinds otherwise."""
    try:
        return MediaKind(kind)
    except ValueError:
        known = " or ".join(repr(str(known)) for known in MediaKind)
        raise ValueError(f"kind must be {known}, not {kind!r}") from None


def _refuse_running_loop(message: str) -> None:
    """Raise ``RuntimeError(message)`` when called from a running event loop's thread.

    Outside the ``except`` of ``get_running_loop``'s own error: what the run raises later is
    shown as itself, not "during handling of" a loop that was rightly absent.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    raise RuntimeError(message)


def _run_sync(run: Coroutine[Any, Any, _T]) -> _T:
    """``run`` on an event loop of its own, leaving the thread's current loop as it was.

    ``asyncio.run`` sets the current loop to ``None`` when it is done, which breaks a caller
    that keeps a loop of its own (``run_until_complete`` between calls); a runner given a loop
    factory never touches it.
    """
    with asyncio.Runner(loop_factory=asyncio.new_event_loop) as runner:
        return runner.run(run)


async def _run(engine: Engine, pins: Iterable[object]) -> list[Report]:
    async with engine.session() as session:
        return [report async for report in session.check_all(from_objects(pins))]


def _refuse_single(given: object, message: str) -> None:
    """A single pin or URL where an iterable of them belongs: iterating it would be nonsense."""
    # A model iterates as (field, value) pairs: one nonsense "pin" per field.
    if isinstance(given, str | bytes | bytearray | memoryview | Mapping | os.PathLike | BaseModel):
        raise TypeError(message)


def _settings(settings: Settings | None, **overrides: bool | None) -> Settings:
    """``settings`` with the shortcuts applied; a shortcut is ``True``, ``False`` or ``None``.

    ``model_copy`` does not validate, so the types are checked here: ``offline="false"`` would
    otherwise be a true value that turns the network off.
    """
    if settings is not None and not isinstance(settings, Settings):
        raise TypeError(f"settings= takes a validator.Settings, not {type(settings).__name__}")
    base = settings if settings is not None else Settings()
    for key, value in overrides.items():
        if value is not None and not isinstance(value, bool):
            raise TypeError(f"{key}= takes True, False or None, not {value!r}")
    changes = {key: value for key, value in overrides.items() if value is not None}
    return base.model_copy(update=changes) if changes else base
