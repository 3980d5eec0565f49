"""Small helpers that keep finding messages short, exact and safe to print.

Messages quote the value they complain about, so that a user can find it in a large calendar, but
a 5 MB base64 string or a 3,000-character description must not flood a terminal or a CI log.
"""

from __future__ import annotations

__all__ = ["json_type", "plural", "quote"]


def quote(value: object, width: int = 60) -> str:
    """``value`` as a double-quoted, escaped string of at most about ``width`` characters."""
    text = value if isinstance(value, str) else repr(value)
    if len(text) > width:
        text = text[: width - 1] + "…"
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return f'"{escaped}"'


def json_type(value: object) -> str:
    """The JSON name of ``value``'s type, as a user who wrote JSON would say it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def plural(count: int, noun: str) -> str:
    """``"1 pin"``, ``"3 pins"``."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
