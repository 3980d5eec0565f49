"""pin-preflight: catch what makes a Pinterest pin fail, before you publish it.

    >>> from validator import validate
    >>> report = validate({"title": "Spring sale"}, offline=True)
    >>> report.ok, sorted(report.codes)
    (False, ['board.missing', 'media.missing'])

The public API is exactly what ``__all__`` lists; every other module is internal and may change.
"""

from __future__ import annotations

from validator.api import (
    avalidate,
    avalidate_many,
    avalidate_media,
    validate,
    validate_many,
    validate_media,
)
from validator.codes import CATALOGUE, Code, lookup
from validator.errors import ConfigError, SourceError, ValidatorError
from validator.findings import Action, Finding, Location, Severity
from validator.model import PinCreate
from validator.report import Report, Summary
from validator.settings import Settings

__all__ = [
    "CATALOGUE",
    "Action",
    "Code",
    "ConfigError",
    "Finding",
    "Location",
    "PinCreate",
    "Report",
    "Settings",
    "Severity",
    "SourceError",
    "Summary",
    "ValidatorError",
    "__version__",
    "avalidate",
    "avalidate_many",
    "avalidate_media",
    "lookup",
    "validate",
    "validate_many",
    "validate_media",
]


def __getattr__(name: str) -> str:
    """``__version__`` from the installed metadata, looked up only when asked for."""
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import version  # lazy: most imports never ask

    return version("pin-preflight")
