"""The Python API: check pins from your own publishing code, before the request is sent.

Every function takes one pin (a dict, a JSON text or a ``PinCreate``) or an iterable of them and
returns one ``Report`` per pin, in order. None of them raises for a bad pin; they raise
``TypeError`` only for a call that cannot be meant (a single dict given to ``validate_many``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from validator.engine import Engine
from validator.report import Report
from validator.settings import Settings
from validator.sources import from_objects

__all__ = ["avalidate", "avalidate_many", "validate", "validate_many"]


def validate(
    pin: object,
    *,
    settings: Settings | None = None,
    offline: bool | None = None,
    strict: bool | None = None,
) -> Report:
    """Check one pin.

    Args:
        pin: a dict, a JSON text (``str`` or ``bytes``) or a ``PinCreate``.
        settings: the run's settings; ``Settings()`` when omitted.
        offline: overrides ``settings.offline``.
        strict: overrides ``settings.strict`` (warnings fail the pin).
    """
    return validate_many([pin], settings=settings, offline=offline, strict=strict)[0]


def validate_many(
    pins: Iterable[object],
    *,
    settings: Settings | None = None,
    offline: bool | None = None,
    strict: bool | None = None,
) -> list[Report]:
    """Check many pins in one run; reports come back in input order."""
    if isinstance(pins, str | bytes | bytearray | Mapping):
        raise TypeError("validate_many() takes an iterable of pins; use validate() for one pin")
    engine = Engine(_settings(settings, offline=offline, strict=strict))
    return list(engine.check_all(from_objects(pins)))


async def avalidate(
    pin: object,
    *,
    settings: Settings | None = None,
    offline: bool | None = None,
    strict: bool | None = None,
) -> Report:
    """``validate`` for code that runs in an event loop."""
    return (await avalidate_many([pin], settings=settings, offline=offline, strict=strict))[0]


async def avalidate_many(
    pins: Iterable[object],
    *,
    settings: Settings | None = None,
    offline: bool | None = None,
    strict: bool | None = None,
) -> list[Report]:
    """``validate_many`` for code that runs in an event loop."""
    return validate_many(pins, settings=settings, offline=offline, strict=strict)


def _settings(settings: Settings | None, **overrides: bool | None) -> Settings:
    base = settings if settings is not None else Settings()
    changes = {key: value for key, value in overrides.items() if value is not None}
    return base.model_copy(update=changes) if changes else base
