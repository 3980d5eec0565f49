"""Small helpers that keep finding messages short, exact and safe to print.

Messages quote the value they complain about, so that a user can find it in a large calendar, but
a 5 MB base64 string or a 3,000-character description must not flood a terminal or a CI log.
"""

from __future__ import annotations

import difflib
import json
import math
import os
import re
import sys
from collections.abc import Iterable
from urllib.parse import unquote

__all__ = [
    "TOKEN_HIDDEN",
    "as_json",
    "did_you_mean",
    "encodable",
    "folded",
    "json_error",
    "json_type",
    "looks_like_token",
    "number",
    "plural",
    "printable",
    "quote",
    "quote_url",
    "shortened",
    "shown",
    "unsecret",
    "with_article",
    "without_credentials",
    "without_pinterest_tokens",
    "without_tokens",
    "without_url_tokens",
]


def _controls() -> dict[int, str]:
    r"""What is escaped in any text shown: each character a terminal or a CI log would act on.

    Control characters (C0, DEL, C1) would move the cursor, clear lines or recolour text (or,
    as a line of their own, issue GitHub workflow commands); bidi controls and marks reorder
    what is shown; line separators break lines; lone surrogates (a JSON escape such as
    ``\ud800``, or bytes that are not UTF-8) cannot be written as UTF-8 at all. Characters that
    show nothing (a zero-width space, a word joiner, a byte order mark, a soft hyphen) are shown
    too: pasted into a header or a board name, they make two names look alike. The joiners of
    emoji and of scripts (U+200C, U+200D) stay: they are part of what is written.
    """
    table = {ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"}
    controls = [*range(0x20), *range(0x7F, 0xA0)]
    bidi = [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
    invisible = [0x00AD, 0x180E, 0x200B, 0x2060, 0xFEFF]
    for code in [*controls, 0x2028, 0x2029, *bidi, *invisible, *range(0xD800, 0xE000)]:
        table.setdefault(code, f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
    return table


_CONTROLS = _controls()
_ESCAPES = {**_CONTROLS, ord("\\"): "\\\\", ord('"'): '\\"'}  # inside quotes, these too


#: GitHub's runner acts on ``##[command]`` anywhere in a line of a step's log (its older command
#: syntax: ``##[error]``, ``##[stop-commands]``, ``##[add-mask]``): shown as ``##\[``, it is text.
_LOG_COMMAND = "##["
_LOG_COMMAND_SHOWN = "##\\["


def printable(text: str, *, log_commands: bool = True) -> str:
    """``text`` as it may be shown: what a terminal or a CI log would act on escaped.

    Controls as ``_controls`` says, and the ``##[`` of a log command (``_LOG_COMMAND``), unless
    ``log_commands`` is false: in a line that is a workflow command itself (``::error ...``),
    which the runner reads as one and no further, ``##[`` is text, and a file name must stay
    the name of its file.
    """
    if not text.isprintable():
        text = text.translate(_CONTROLS)
    if log_commands and _LOG_COMMAND in text:
        return text.replace(_LOG_COMMAND, _LOG_COMMAND_SHOWN)
    return text


def encodable(text: str) -> bool:
    """Whether ``text`` can be written as UTF-8 (or as a file name): it holds no lone surrogate."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def quote(value: object, width: int = 60) -> str:
    """``value`` as a double-quoted, escaped string of at most about ``width`` characters.

    Safe to print: nothing in it can move a terminal's cursor, recolour a CI log or fail to
    encode (``_controls``); a URL's credentials (``without_credentials``) and a Pinterest
    access token are masked.
    """
    text = value if isinstance(value, str) else as_json(value)
    if "://" in text:  # masked before it is cut: a cut password would no longer look like one
        text = without_credentials(text)
    text = without_pinterest_tokens(text)
    text = shortened(text, width)
    if text.isprintable():  # the usual case, checked in C: only the quote and backslash to escape
        text = text.replace("\\", "\\\\").replace('"', '\\"')
    else:
        text = text.translate(_ESCAPES)
    if _LOG_COMMAND in text:  # after the doubling: a backslash written before "##[" reads apart
        text = text.replace(_LOG_COMMAND, _LOG_COMMAND_SHOWN)
    return f'"{text}"'


def shown(value: object, width: int = 60) -> str:
    """A JSON value as a message shows it: a string quoted (``quote``), any other in its JSON form.

    ``board_id is an integer (123)``: quoted, ``"123"`` read as the string the user did not send.
    """
    if isinstance(value, str):
        return quote(value, width)
    text = shortened(without_pinterest_tokens(as_json(value)), width)
    return printable(text)


def without_pinterest_tokens(text: str) -> str:
    """``text`` with each Pinterest access token (``pina_…``) pasted into it masked.

    For what a payload holds: a value a finding quotes, and a key it names (an unknown field).
    """
    return _PINTEREST_TOKEN.sub(TOKEN_HIDDEN, text) if "pina_" in text else text


def quote_url(url: str, width: int = 60) -> str:
    """``quote`` for what is known to be a URL, whatever its form: its credentials are masked.

    A redirect's ``Location`` may be protocol-relative (``//user:password@host/``) or of a
    scheme without ``//`` (``mailto:x@y?token=…``), which ``quote`` alone leaves as written: a
    title such as "Recipes //chef@home" is no URL.
    """
    return quote(without_credentials(url), width)


def without_credentials(text: str) -> str:
    """``text`` with the credentials of each URL in it replaced by ``***``.

    Findings quote the URL they are about, and reports go to CI logs that may be public. The
    user name and password of ``https://user:password@host/`` go (a user name alone is often
    a token), and so do the values of query (or fragment) parameters that sign or authorise
    the request (``X-Amz-Signature``, ``sig``, ``access_token``, ``api_key``...): a signed URL
    works for anyone who reads it until it expires. The dates and lifetimes a signed URL's
    expiry is read from stay, as do the host and the path, which say which file is meant. A URL
    percent-encoded inside another (an image proxy's ``?url=https%3A%2F%2F...``) is shown with
    its delimiters decoded, so that its own credentials are found too. Linear in the text's
    length: a 70,000-character URL is masked as fast as it is read.
    """
    text = _masked(text)
    if "%3a%2f%2f" in text.lower():  # masked as written first: a value's own %26 stays in it
        text = _masked(_ENCODED_DELIMITER.sub(_decoded, text))
    return text


def _masked(text: str) -> str:
    if "@" in text:
        text = _USERINFO.sub(r"\1***@", text)
    if "=" in text:
        lowered = text.lower()  # the words first: the regex costs more, and most URLs hold none
        if "%" in text or any(word in lowered for word in _SECRET_WORDS):
            text = _PARAMETER.sub(_unless_secret, text)
    return text


def _decoded(match: re.Match[str]) -> str:
    return chr(int(match[0][1:], 16))


def _unless_secret(match: re.Match[str]) -> str:
    name = unquote(match[2]).lower()
    if name in _SECRET_NAMES or any(word in name for word in _SECRET_NAME_PARTS):
        return f"{match[1]}{match[2]}=***"
    return match[0]


#: What stands in a message or a name for a token that is not shown.
TOKEN_HIDDEN = "(a token: not shown)"  # noqa: S105 - the placeholder, not a secret

# Pinterest's tokens start with pina_ and run on for dozens of characters. A shorter word
# (#pina_colada), a file name (pina_notes.csv) or a path (pina_x/y) is no token; one that ends
# a sentence ("... pina_….") is.
_PINTEREST_TOKEN = re.compile(r"(?<![\w./-])pina_[\w-]{16,}(?![\w/-]|\.\w)")

# ":", "/", "?", "=", "&", "@", "#" percent-encoded: the delimiters of a URL inside a URL.
_SPACE = re.compile(r"\s")  # a URL has none: text with one is prose that holds a URL
_ENCODED_DELIMITER = re.compile(r"%(?:3[AaDdFf]|2[Ff6]|40|23)")
# "scheme://", or "//" alone (a protocol-relative URL, as a Location header may be), starting
# where no scheme's letter is before it (one scan per scheme, not one per letter of a long
# word), then everything up to the authority's last "@", as urlsplit does.
_USERINFO = re.compile(r"(?<![A-Za-z0-9+.-])((?:[A-Za-z][A-Za-z0-9+.-]*:)?//)[^/?#\s\"]*@")
# A parameter: its separator, its name, its value (up to a "?" too: a URL in a value has
# parameters of its own). A name holds no separator, so no two scans of names overlap: linear.
_PARAMETER = re.compile(r"([?&;#])([\w.%-]+)=[^?&;#\s\"]*")
# A word each secret parameter's name holds (lower case): a cheap test before the regex.
_SECRET_WORDS = ("sig", "token", "secret", "passw", "key", "credential", "auth")
# Names of parameters that sign or authorise a request: these whole, or holding one of those.
_SECRET_NAMES = frozenset({"sig", "key", "auth"})
_SECRET_NAME_PARTS = (
    "signature",
    "token",
    "secret",
    "password",
    "passwd",
    "apikey",
    "api_key",
    "api-key",
    "credential",
)


# What arguments and file names quote (``without_tokens``) is judged by another rule than what
# findings quote (``_PINTEREST_TOKEN``): an argument is one word, so any ``pina_`` word without a
# dot or slash, any word over 64 characters and any secret variable's value goes; a payload's
# text is prose, where a token must run on for 16 characters to be told from ``#pina_colada``.


def looks_like_token(text: str) -> bool:
    """Whether ``text`` may be an access token, never to be quoted in a message or a log.

    Pinterest's tokens start with ``pina_``. Anything else counts when it is longer than 64
    characters, or when a variable whose name says it holds a secret holds it (as
    ``PINTEREST_ACCESS_TOKEN`` does). A path, a file name or a host name (a slash, a backslash
    or a dot in it) is taken for one only when such a variable holds it whole.
    """
    return _token_shaped(text) or text in _secrets()


def _token_shaped(text: str) -> bool:
    """``looks_like_token`` by the text's shape alone, without the environment's secrets."""
    if "/" in text or "\\" in text or "." in text:
        return False
    return text.startswith("pina_") or len(text) > 64


def _secrets() -> set[str]:
    """The values (16 characters or more) of the variables whose names say they hold a secret."""
    return {
        value
        for name, value in os.environ.items()
        if len(value) >= 16 and _SECRET_NAME.search(name)
    }


_SECRET_NAME = re.compile(r"TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|API_?KEY", re.IGNORECASE)


def unsecret(text: str) -> str:
    """What a server wrote, its secrets masked before it is shown or logged.

    A URL's credentials (a signed URL echoed back), the values of the environment's secret
    variables, and words shaped like tokens (``without_credentials``, ``without_tokens``).
    """
    return without_tokens(without_credentials(text))


def without_tokens(message: str) -> str:
    """``message`` with every word that ``looks_like_token`` replaced: for what quotes arguments.

    A token passed where a flag's value or a file's name goes would otherwise be repeated to
    the CI log. The values of secret variables are taken out first, wherever they are (one
    holding ``=`` or a dot, a base64 key or a JWT, is no word); then each word is judged, cut at
    spaces, quotes and ``=`` (``--token_env=pina_…``).
    """
    return _masked_words(message, _WORD)


_WORD = re.compile(r"[^\s'\"=,;()]+")


def without_url_tokens(url: str) -> str:
    """``without_tokens`` for a URL, whose path segments and query values are words each.

    A token pasted into a URL's path (an API base, ``…/v5/pina_…``) is no word of its own to
    ``without_tokens``: the URL is one.
    """
    return _masked_words(url, _URL_WORD)


_URL_WORD = re.compile(r"[^\s'\"=,;()/?&#]+")


def _masked_words(text: str, words: re.Pattern[str]) -> str:
    """``text`` without the secret variables' values, then without its token-shaped ``words``."""
    for secret in sorted(_secrets(), key=len, reverse=True):
        text = text.replace(secret, TOKEN_HIDDEN)
    return words.sub(_unless_token, text)


def _unless_token(word: re.Match[str]) -> str:
    text = word[0]
    core = text.rstrip(":.!?")  # a word that ends a clause ("pina_…: no such file")
    # The secrets' values are out of the message already: each word is judged by its shape.
    return TOKEN_HIDDEN + text[len(core) :] if _token_shaped(core) else text


def as_json(value: object) -> str:
    """A value as the JSON the user wrote (``true``, ``["a"]``), not as Python shows it.

    Never raises: a caller's own object is shown as Python shows it (by its type, if its
    ``__repr__`` raises), an integer too long for Python to print (``sys.get_int_max_str_digits``)
    by its length, a value nested too deeply by its type.
    """
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        pass
    if isinstance(value, int):  # json.dumps refused it: more digits than Python prints
        return f"<over {sys.get_int_max_str_digits():,} digits>"
    try:
        return repr(value)  # not from JSON (a caller's own object): Python's view
    except (ValueError, RecursionError):
        return f"<{json_type(value)} too large or too deeply nested to show>"
    except Exception:  # its own __repr__ failed (a detached ORM object): not the batch's end
        return f"<{with_article(type(value).__name__)} object>"


def json_error(exc: json.JSONDecodeError) -> str:
    """The JSON decoder's words, whole, without its position (each caller gives its own).

    Two of its messages end in "at", before the position it prints; a raw control character is
    named, with how to write it inside a string.
    """
    if exc.msg == "Unterminated string starting at":
        return "a string starts here and never ends (its closing quote is missing)"
    if exc.msg == "Invalid control character at" and exc.pos < len(exc.doc):
        character = exc.doc[exc.pos]
        escaped = _ESCAPED.get(character, f"\\u{ord(character):04x}")
        return f"a raw control character (U+{ord(character):04X}) in a string: write it {escaped}"
    # What hand-edited JSON most often holds, which the decoder's words do not name.
    ahead = exc.doc[exc.pos : exc.pos + 2]
    # "/" is no JSON outside a string; "#" is a comment only where a line starts (an unquoted
    # #6E7874 is a value).
    hashed = ahead[:1] == "#" and not exc.doc[: exc.pos].rpartition("\n")[2].strip()
    if exc.msg.startswith("Expecting") and (ahead in ("//", "/*") or hashed):
        return "a comment, which JSON has no place for (remove it)"
    before = exc.doc[: exc.pos].rstrip()
    if exc.msg.startswith("Expecting") and before.endswith(",") and ahead[:1] in ("]", "}"):
        return "a comma after the last value, which JSON does not allow (remove it)"
    if exc.msg == "Extra data" and ahead[:1] == ",":
        return "a comma after the value, which ends it (remove the comma)"
    return exc.msg.removesuffix(" at")


_ESCAPED = {"\t": "\\t", "\n": "\\n", "\r": "\\r", "\b": "\\b", "\f": "\\f"}


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
    if isinstance(value, list):
        return "a list"
    if isinstance(value, tuple):  # only from Python callers; the models take lists, not tuples
        return "a tuple"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, bytes | bytearray | memoryview):
        return "bytes"
    return with_article(type(value).__name__)  # a Python caller's: "a set", "an OrderedDict"


def with_article(name: str) -> str:
    """A type's name after "a" or "an", by sound: "a UUID", "an HTTPError", "an OrderedDict"."""
    initialism = name[:2].isupper()  # read letter by letter: "an S-S-L", "a U-U-I-D"
    vowel = name[:1] in "AEFHILMNORSX" if initialism else name[:1].lower() in "aeio"
    return f"{'an' if vowel else 'a'} {name}"


def folded(name: str) -> str:
    """``name`` as column names are compared: case and runs of spaces do not count."""
    return " ".join(name.split()).casefold()


def number(value: object, width: int = 24) -> str:
    """A number of the payload, as written and shortened: never raises, never fills a screen.

    A 4,000-digit carousel index is valid JSON; past 4,300 digits, Python will not even print it
    (``as_json``).
    """
    text = as_json(value)
    return shortened(text, width)


def shortened(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, an ellipsis last, when it is longer.

    The one way this tool shortens what it shows, so that a value reads the same everywhere. A
    URL keeps its host and the end of its path (``_shortened_url``).
    """
    if len(text) <= width:
        return text
    if text[:8].lower().startswith(("http://", "https://")) and not _SPACE.search(text):
        return _shortened_url(text, width)
    return text[: width - 1] + "…"


def _shortened_url(url: str, width: int) -> str:
    """``url`` in about ``width`` characters that still say which file it is.

    Cut at its end, a CDN's URL kept its host and folders and lost the file name
    (``https://cdn.shopify.com/s/files/1/0123/4567/8901/products/s…``), and a redirect chain's
    hops all read alike. The host and the whole path come first, then as much of the query as
    fits (``image.php?id=…`` is told by it); a path too long loses its start, up to a ``/``
    where it can, and the query goes: ``https://cdn.shopify.com/…/spring_1024x1024.jpg?…``.
    """
    scheme_end = url.index("://") + 3
    ends = [found for mark in "/?#" if (found := url.find(mark, scheme_end)) != -1]
    host_end = min(ends, default=len(url))  # a "/" in a query (?url=https://...) is no path
    if host_end == len(url) or url[host_end] == "#":  # a long host, or a fragment: cut at the end
        return url[: width - 1] + "…"
    origin = url[:host_end]
    path, mark, query = url[host_end:].partition("?")
    if len(origin) + len(path) + 2 <= width and mark:  # the path, and the query's start
        return f"{origin}{path}?{query[: width - len(origin) - len(path) - 2]}…"
    after = "?…" if mark else ""
    room = width - len(origin) - len(after) - 2
    if room < 8:  # a host that fills the width: the end goes
        return url[: width - 1] + "…"
    tail = path[-room:]
    segment = tail.find("/")
    if 0 <= segment < len(tail) - 1:
        tail = tail[segment:]
    return f"{origin}/…{tail}{after}"


def plural(count: int, noun: str) -> str:
    """``"1 pin"``, ``"3 pins"``."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def seconds(value: float) -> str:
    """``"30 s"``, ``"1.5 s"``, ``"1,000,000,000,000 s"``: a wait as people read it.

    A server's Retry-After may be any number: ``:g`` wrote a large one as ``1e+12``.
    """
    whole = math.isfinite(value) and value == int(value)
    return f"{value:,.0f} s" if whole else f"{value:,.1f} s"


def did_you_mean(name: str, known: Iterable[str], *, most: int = 1, cutoff: float = 0.6) -> str:
    """``"; did you mean board.missing?"`` for a mistyped ``name`` among ``known``, or ``""``.

    The one wording of a guess after an error message: codes, flags, commands, settings.
    """
    close = difflib.get_close_matches(name, list(known), n=most, cutoff=cutoff)
    return f"; did you mean {', '.join(close)}?" if close else ""
