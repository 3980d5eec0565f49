"""``pin-preflight explain``: read one error response Pinterest sent, and say what to do about it.

A publish that failed leaves a log line or a saved response; this turns it into the same words a
preflight finding has (code, remedy, fix), so that the person on call does not have to know
Pinterest's numeric codes. The input is JSON, from a file or standard input, in either form::

    {"status": 429, "headers": {"retry-after": "30", "x-pinterest-rid": "..."}, "body": {...}}
    {"code": 8, "message": "..."}          (the body alone: give the status with --status)

``body`` may also be a string (an HTML error page, a truncated document): it is classified by
its status. Exit status: 0 when the response was classified (every error response is), 2 when
the input cannot be read or the status is missing; those raise ``SourceError`` / ``ConfigError``,
which the command line prints in one line.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from typing import Any, TypeVar

from validator import sources
from validator.arguments import file_name
from validator.errors import ConfigError, SourceError
from validator.messages import as_json, encodable, quote, seconds, shortened, unsecret
from validator.pinterest.errors import Classification, classify, shown_request_id
from validator.pinterest.retry import MAX_WAIT, should_retry
from validator.report_file import write_stdout

__all__ = ["add_parser", "load", "render", "run"]

_P = TypeVar("_P", bound=argparse.ArgumentParser)

_STDIN = sources.STDIN
_RESPONSE = "an API response (JSON)"


def add_parser(commands: argparse._SubParsersAction[_P]) -> None:
    """Register ``explain`` on the command line's subcommands (its handler is ``run``)."""
    parser = commands.add_parser(
        "explain",
        help="explain an error response from Pinterest: code, remedy, retry or not",
        description=(
            "Classify one Pinterest API error response: a JSON file (or - for standard input) "
            'holding {"status": N, "headers": {...}, "body": {...}}, or just the error body with '
            "--status N (JSON, or text that begins no JSON object: a gateway's HTML page). Exit "
            "status: 0 classified, 2 unreadable input."
        ),
    )
    parser.add_argument(
        "response", type=file_name, metavar="RESPONSE", help="a JSON file, or - for stdin"
    )
    parser.add_argument(
        "--status",
        type=int,
        metavar="N",
        help="the HTTP status (needed when RESPONSE is the body alone; overrides its status)",
    )
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default: text)"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """The ``explain`` command: classify the response named by ``args`` and print it."""
    classification = load(args.response, args.status)
    if args.format == "json":
        document = json.dumps(_json(classification), indent=2, ensure_ascii=False)
        if not document.isascii() and not encodable(document):  # a lone surrogate, escaped
            document = json.dumps(_json(classification), indent=2)
        write_stdout(document + "\n")
    else:
        write_stdout(render(classification))
    return 0


def load(name: str, status: int | None = None) -> Classification:
    """Read RESPONSE (a path, or ``-``) and classify it; ``status`` is ``--status``.

    Read as ``check`` reads a JSON document (``sources.document_text``): bytes decoded as UTF-8,
    whatever the locale says (a typographic apostrophe decides some codes), strictly (one answer
    is one document: a byte that is not UTF-8 stops it, with its line), and a byte order mark
    (PowerShell writes one) dropped.
    """
    source = _STDIN if name == "-" else sources.display_name(name)
    text = sources.document_text(name, _RESPONSE).removeprefix("\ufeff")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        if status is not None and not _meant_as_json(text):
            # The body alone, and no JSON: a gateway's HTML page, or nothing. Broken JSON (a
            # Python dict printed, a body cut short) stays an error: Pinterest's code in it
            # would decide, and the status alone could give a confident wrong remedy.
            return _classified(source, status, text, {})
        raise SourceError(f"{source}:{exc.lineno}:{exc.colno}: not JSON: {exc.msg}") from None
    except (ValueError, RecursionError):  # a number of 4,300+ digits, nesting thousands deep
        raise SourceError(f"{source}: not JSON this tool can read (too long or too deep)") from None
    if not isinstance(document, dict):
        if status is not None:  # a body that is a JSON string, a list...: no error body
            return _classified(source, status, _body(document), {})
        raise SourceError(f"{source}: expected a JSON object (a response or an error body)")
    if _is_envelope(document):
        body: Any = document.get("body")
        headers = _headers(document.get("headers"), source)
        found = document.get("status")
    else:
        body, headers, found = document, {}, None
    if status is None:
        status = _status(found, source)
    return _classified(source, status, _body(body), headers)


def _classified(
    source: str, status: int, body: str | dict[str, Any] | None, headers: dict[str, object]
) -> Classification:
    try:
        return classify(status, body, headers)
    except ValueError as exc:  # a status no HTTP answer has
        raise ConfigError(f"{source}: {exc}") from None


def _meant_as_json(text: str) -> bool:
    """Whether text that does not parse was meant as an error body in JSON: an object begun.

    ``{'code': 2`` (a Python dict printed) and ``{"code": 3,`` (a body cut short) were: the code
    in them would decide, and is not read. A log line (``[error] ...``, ``[2026-12-01 06:00]``)
    or a page was not; nor is a list or a string, which hold no error body anyway.
    """
    return text.lstrip()[:1] == "{"


def _is_envelope(document: Mapping[str, Any]) -> bool:
    """``{"status", "headers", "body"}`` rather than a Pinterest body.

    A Pinterest body can have a ``status`` too (``"failure"``, a string, beside its ``code``), so
    a document is the envelope when it has ``headers`` or ``body``, or a numeric ``status`` and no
    ``code``.
    """
    if "body" in document or "headers" in document:
        return True
    status = document.get("status")
    return isinstance(status, int) and not isinstance(status, bool) and "code" not in document


def _status(found: object, source: str) -> int:
    if found is None:
        raise ConfigError(
            f"{source}: no HTTP status: give it with --status N, or wrap the body as "
            '{"status": N, "headers": {...}, "body": {...}}'
        )
    if isinstance(found, bool) or not isinstance(found, int):
        raise SourceError(f"{source}: status {as_json(found)} is not an HTTP status code")
    return found


def _body(value: object) -> str | dict[str, Any] | None:
    """The envelope's body as ``classify`` takes it; a list or a number is no error body."""
    if value is None or isinstance(value, str | dict):
        return value
    return None


def _headers(value: object, source: str) -> dict[str, object]:
    """Header names and values as given: ``classify`` reads each value (``header_text``)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise SourceError(f"{source}: headers must be an object of header names and values")
    return {str(name): header for name, header in value.items()}


def render(classification: Classification) -> str:
    """The classification for people: one labelled line per fact, then the catalogue's fix."""
    entry = classification.entry
    c = classification
    if not c.retryable:
        retry = "no: the same request fails again"
    elif should_retry(c, 1):
        retry = "yes" if c.retry_after is None else f"yes, after {seconds(c.retry_after)}"
    elif c.retry_after is not None and c.retry_after > MAX_WAIT:  # a wait no loop sits out
        retry = f"later, not now: its Retry-After asks for over {MAX_WAIT:.0f} s; reschedule it"
    else:
        retry = "later, not now: reschedule it"
    platform = "none (no JSON error body)"
    if c.platform_code is not None or c.platform_message:
        platform = " ".join(
            part
            for part in (
                f"code {c.platform_code}" if c.platform_code is not None else "",
                quote(unsecret(c.platform_message), _MESSAGE_WIDTH) if c.platform_message else "",
            )
            if part
        )
    # What Pinterest (or whoever answered) wrote is quoted: it cannot forge a line or a colour.
    rows = [
        ("code", f"{c.code} ({entry.severity.value})"),
        ("action", c.action.label),
        ("retry", retry),
        ("status", str(c.status)),
        ("pinterest", platform),
        ("request id", _request_id(c.request_id)),
        ("decided by", c.matched_by),
        ("meaning", entry.summary),
        ("why", entry.why),
        ("fix", entry.fix),
    ]
    return "".join(f"{label + ':':<12} {value}\n" for label, value in rows)


_MESSAGE_WIDTH = 300


def _request_id(value: str | None) -> str:
    return shown_request_id(unsecret(value)) if value else "none"


def _json(classification: Classification) -> dict[str, object]:
    entry = classification.entry
    said = classification.to_dict()
    for key in ("platform_message", "request_id"):  # what Pinterest wrote: masked as in text
        value = said[key]
        if isinstance(value, str):
            said[key] = unsecret(value)
    message = said["platform_message"]
    if isinstance(message, str):  # cut as the text's is
        said["platform_message"] = shortened(message, _MESSAGE_WIDTH)
    return {
        **said,
        # The decision the text's "retry" line states: a retryable code can still be one not to
        # retry now (the spam block: writing into it prolongs it), whatever Retry-After says.
        "retry_now": should_retry(classification, 1),
        "action_label": classification.action.label,
        "summary": entry.summary,
        "why": entry.why,
        "fix": entry.fix,
        "reference": entry.reference,
    }
