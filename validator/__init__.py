"""pin-preflight: catch what makes a Pinterest pin fail, before you publish it.

    >>> from validator import validate
    >>> report = validate({"title": "Spring sale"}, offline=True)
    >>> report.ok, sorted(report.codes)
    (False, ['board.missing', 'media.missing'])

The public API is exactly what ``__all__`` lists; every other module is internal and may change.
The names are imported on first use (PEP 562): pytest imports ``validator.pytest_plugin`` in every
project that installs pin-preflight, and that must not cost pydantic, httpx and Pillow's import
time when the plugin is off.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

    __version__: str

# Where each public name lives; ``__getattr__`` imports it from there when first asked for.
_HOMES = {
    "validator.api": ("avalidate", "avalidate_many", "avalidate_media", "validate",
                      "validate_many", "validate_media"),
    "validator.codes": ("CATALOGUE", "Code", "lookup"),
    "validator.errors": ("ConfigError", "SourceError", "ValidatorError"),
    "validator.findings": ("Action", "Finding", "Location", "Severity"),
    "validator.model": ("PinCreate",),
    "validator.report": ("Report", "Summary"),
    "validator.settings": ("Settings",),
}  # fmt: skip
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}

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


if not TYPE_CHECKING:  # a type checker sees the imports above; seen, this would make any name Any

    def __getattr__(name: str) -> Any:
        """The public names, imported on first use; ``__version__`` from the installed metadata."""
        if name == "__version__":
            value: Any = _installed_version()
        elif (module := _HOME_OF.get(name)) is not None:
            value = getattr(importlib.import_module(module), name)
        else:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        globals()[name] = value  # later lookups skip this function
        return value


def _installed_version() -> str:
    """The installed distribution's version; ``0+unknown`` without its metadata.

    A source tree put on ``sys.path``, or a copy vendored into another project, has no metadata
    to read, and it still needs a version: the User-Agent of every request names it. ``0+unknown``
    is a valid PEP 440 version that no release has.
    """
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pin-preflight")
    except PackageNotFoundError:
        return "0+unknown"


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
