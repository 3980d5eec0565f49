"""The few exceptions pin-preflight raises: only for unusable invocations, never for a bad pin.

A bad pin, a broken row or an unreachable URL is a finding in a report. What remains are problems
that stop a run from starting or a file from being read::

    ValidatorError
    ├── ConfigError    the configuration or the options cannot be used
    └── SourceError    an input file cannot be read at all (missing, not JSON, ...)

The CLI prints them in one line and exits with status 2. A Python caller meets others where
Python's own are the better fit: ``Settings(...)`` with values it refuses raises pydantic's
``ValidationError`` (a ``ValueError``, naming each field), ``lookup`` of an unknown code a
``KeyError``, a function given the wrong type of argument a ``TypeError``.
"""

from __future__ import annotations

__all__ = ["ConfigError", "SourceError", "ValidatorError"]


class ValidatorError(Exception):
    """Base class of every exception pin-preflight raises on purpose."""


class ConfigError(ValidatorError):
    """The settings, a configuration file or a command-line option is unusable."""


class SourceError(ValidatorError):
    """An input cannot be read; the message starts with its location (``file:line:column``)."""
