"""Settings: every knob of a run, from the API's keywords, the CLI's flags or ``pyproject.toml``.

One frozen pydantic model, so that a typo in ``[tool.pin-preflight]`` is a clear error naming the
key (``extra="forbid"``) rather than a setting silently ignored, and so that the three front doors
share one set of defaults.
"""

from __future__ import annotations

import errno
import ipaddress
import math
import os
import re
import stat
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    Strict,
    StrictBool,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails

from validator.codes import CATALOGUE, suggestion
from validator.codes.selection import ALWAYS_REPORTED, dropped_codes, unknown_selectors
from validator.errors import ConfigError
from validator.messages import (
    did_you_mean,
    folded,
    json_type,
    looks_like_token,
    quote,
    without_tokens,
    without_url_tokens,
)

__all__ = [
    "CSV_FIELDS",
    "DEFAULT_API_BASE",
    "PYPROJECT_TABLE",
    "SANDBOX_API_BASE",
    "TOKEN_ENV",
    "Settings",
    "environment_token",
    "find_pyproject",
    "load_settings",
    "revalidated",
]

#: The table of ``pyproject.toml`` that configures pin-preflight.
PYPROJECT_TABLE = "pin-preflight"

#: Pinterest's API v5, and its sandbox (for apps with Trial access), pinterest-api.md §1.1.
DEFAULT_API_BASE = "https://api.pinterest.com/v5"
SANDBOX_API_BASE = "https://api-sandbox.pinterest.com/v5"
#: The environment variable the command line reads the access token from, unless configured.
TOKEN_ENV = "PINTEREST_ACCESS_TOKEN"  # noqa: S105 (a variable's name, not a secret)

_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*", re.ASCII)
_HEADER_TEXT = re.compile(r"[ -~]{1,512}")  # RFC 9110 field text, without obs-text
_VISIBLE_ASCII = re.compile(r"[!-~]+")


#: The fields a spreadsheet's columns can fill (``Settings.csv_columns``): the pin's own, its
#: media (an image URL; or an uploaded video's id, with its cover), and the calendar entry's
#: ``publish_at`` and ``video_url`` (README "Calendars").
CSV_FIELDS: tuple[str, ...] = (
    "board_id", "board_section_id", "title", "description", "link", "alt_text", "dominant_color",
    "image_url", "media_id", "cover_image_url", "cover_image_content_type",
    "publish_at", "video_url",
)  # fmt: skip


class Settings(BaseModel):
    """What to check and how strictly. Every field has a default that suits most teams."""

    # hide_input_in_errors: a token given where the name of its variable goes (token_env) must
    # not reach a traceback through pydantic's "input_value=" (the messages here quote safely).
    model_config = ConfigDict(
        extra="forbid", frozen=True, use_attribute_docstrings=True, hide_input_in_errors=True
    )
    # Switches and counts are strict, as a configuration file's are: Settings(offline="yes")
    # was true and Settings(concurrency=True) 1, where validate(offline="yes") is a TypeError.

    offline: StrictBool = False
    """Decide only what the payload shows; fetch nothing."""

    strict: StrictBool = False
    """Treat warnings as errors: they fail the pin and the run."""

    accept_key_frame_cover: StrictBool = False
    """Accept a video pin whose only cover is ``cover_image_key_frame_time``.

    Off by default: the API documents the field, but whether Pinterest accepts a video pin with a
    key frame and no cover image is unverified (pinterest-api.md §2, video cover CONFLICT)."""

    select: tuple[str, ...] = ()
    """Report only these codes: ids, categories (``media``) or prefixes (``media.url``)."""

    ignore: tuple[str, ...] = ()
    """Never report these codes (same forms as ``select``); applied after ``select``."""

    description_warn_length: Annotated[int, Strict(), Field(ge=0)] = 500
    """Warn (``text.description_long``) above this many characters: the help center's limit,
    below the API's 800 (pinterest-api.md §4.4)."""

    # --- Calendars (Pinterest's bulk-upload CSV). -----------------------------------------------

    schedule_window_days: Annotated[int, Strict(), Field(ge=1, le=3650)] = 30
    """``calendar.publish_date_too_far`` when a row is scheduled more than this many days ahead.

    pinterest-api.md §6 CONFLICT: 14 days (pinbuddy/pinbulk guides), 30 (the single-pin
    scheduler), 35 accepted in a CSV test. 30 refuses nothing the scheduler is known to take
    while still catching a date typed a year or a month off; set 14 to follow the strictest."""

    max_calendar_rows: Annotated[int, Strict(), Field(ge=1)] = 200
    """``calendar.too_many_rows`` past this many rows in one bulk-upload CSV.

    pinterest-api.md §6 CONFLICT: 200 (the reference doc, a CSV checker, generator scripts) vs
    100 (pinbuddy/pinbulk); most sources say 200. A warning, as the limit itself is unsure."""

    csv_columns: tuple[tuple[str, str], ...] = ()
    """A spreadsheet of your own, read as pins: (field, column) pairs, from a table such as
    ``{"board_id": "Board ID", "image_url": "Image"}``. A ``.csv`` that is not Pinterest's bulk
    CSV (its header is recognised first) and whose header holds every named column once is read
    with them, other columns ignored; ``CSV_FIELDS`` lists the fields."""

    # --- The network stage (media URLs are fetched unless ``offline``). -------------------------

    allow_private_hosts: StrictBool = False
    """Fetch URLs on private, loopback and link-local addresses instead of reporting them
    (``media.url_not_public``). For tests and local demos: Pinterest can never fetch them."""

    deep: StrictBool = False
    """Download and decode images completely (slower, catches corruption inside the file)."""

    concurrency: Annotated[int, Strict(), Field(ge=1, le=256)] = 16
    """Requests in flight at once, over all hosts."""

    per_host: Annotated[int, Strict(), Field(ge=1, le=64)] = 4
    """Requests in flight at once to one host: polite to CDNs and origin servers alike."""

    connect_timeout: Annotated[float, Field(gt=0, le=3600)] = 5.0
    """Seconds to open a connection."""

    read_timeout: Annotated[float, Field(gt=0, le=3600)] = 10.0
    """Seconds to wait for the next bytes of an answer."""

    deadline: Annotated[float, Field(gt=0, le=3600)] = 30.0
    """Seconds for all of a URL's requests together: the first, its redirects and retries, and
    the ranged reads after it (header, end marker, video index). Time in line for a slot or a
    thread, and waits for 429 pauses and backoff, do not count. A video's parse gets as long
    again for its own work."""

    retries: Annotated[int, Strict(), Field(ge=0, le=10)] = 2
    """Extra attempts after a temporary failure (429, 502, 503, 504, timeout, reset)."""

    retry_after_cap: Annotated[float, Field(ge=0, le=3600)] = 30.0
    """Seconds one URL waits on ``Retry-After`` and its host's 429 pauses, in all: a wait that
    would pass it is reported (``media.rate_limited``), not awaited."""

    max_redirects: Annotated[int, Strict(), Field(ge=0, le=50)] = 10
    """Redirects followed before ``media.too_many_redirects``."""

    block_size: Annotated[int, Strict(), Field(ge=4096, le=4 * 1024 * 1024)] = 64 * 1024
    """Bytes asked for in the first ranged GET: format, size and most image headers fit in it
    (media-probing.md: 16 KiB suits cold connections, 64 KiB reused ones)."""

    max_bytes_per_url: Annotated[int, Strict(), Field(ge=65536)] = 4 * 1024 * 1024
    """Byte cap per URL over all its requests (a server that ignores Range is cut off here)."""

    user_agent: str = "pin-preflight/{version} (media checker)"
    """Sent with every request; ``{version}`` is replaced with pin-preflight's version."""

    trust_env: StrictBool = True
    """Read proxies (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY, NO_PROXY) and SSL_CERT_FILE /
    SSL_CERT_DIR from the environment; false connects directly, with the default certificates."""

    image_max_bytes: Annotated[int, Strict(), Field(ge=1)] = 20 * 1000 * 1000
    """``media.too_large`` above this size for images (pinterest-api.md §4.1: sources say 10, 20
    or 32 MB; 20 MB is what most publishing tools enforce)."""

    video_max_bytes: Annotated[int, Strict(), Field(ge=1)] = 2 * 1000 * 1000 * 1000
    """``media.too_large`` above this size for video (pinterest-api.md §4.2: 2 GB)."""

    image_min_width: Annotated[int, Strict(), Field(ge=1)] = 600
    """``media.image_too_small`` below this width (pinterest-api.md §4.1: 600 px, third-party)."""

    expiry_margin_hours: Annotated[float, Field(ge=0, le=24 * 3650)] = 24.0
    """``media.url_expires`` warns when a signed URL expires within this many hours."""

    # --- Account checks (only with an access token, never ``offline``). -------------------------
    # The token itself is never a setting: settings are printed, compared and read from
    # pyproject.toml, a file that is committed. It is passed beside them (the CLI reads it from
    # the environment variable ``token_env``; the Python API takes ``token=``).

    account_checks: StrictBool = True
    """With a token, ask Pinterest about the account (token, boards, sections, uploaded videos).
    ``False`` never sends the token anywhere, even when one is set in the environment."""

    api_base: str = DEFAULT_API_BASE
    """Pinterest's API, up to ``/v5``: the sandbox (``SANDBOX_API_BASE``) or a local fake in tests.

    Trusted as configured (it is not subject to ``allow_private_hosts``: that guards URLs written
    in payloads), but it must be ``https``, except on a loopback host, so that the token never
    crosses a network in clear text."""

    token_env: str = TOKEN_ENV
    """The environment variable that holds the access token (command line only)."""

    @field_validator("select", "ignore")
    @classmethod
    def _known_codes(cls, selectors: tuple[str, ...]) -> tuple[str, ...]:

        unknown = unknown_selectors(selectors)
        if unknown:
            hint = suggestion(unknown[0])
            raise ValueError(f"no code matches {', '.join(map(repr, unknown))}{hint}")
        return selectors

    @field_validator("max_bytes_per_url")
    @classmethod
    def _room_for_the_first_read(cls, cap: int, info: ValidationInfo) -> int:
        """A cap under the first read's length: the first read would ask for more than it allows.

        (``block_size`` is declared first: validated by now, unless it failed itself.)
        """
        block = info.data.get("block_size")
        if isinstance(block, int) and cap < block:
            raise ValueError(
                f"{cap:,} is less than the block size ({block:,}): the first read of a URL would "
                "ask for more than its byte cap allows, and a file's end could not be read after "
                "it; raise it, or lower the block size"
            )
        return cap

    @model_validator(mode="after")
    def _something_reported(self) -> Settings:
        """A choice that leaves only what is always reported would pass every calendar.

        ``ignore`` taking out every code (``select``'s), or ``select`` choosing only the codes of
        pins that could not be read (``ALWAYS_REPORTED``, which the engine reports anyway).
        """
        if set(CATALOGUE) - dropped_codes(self.select, self.ignore) - ALWAYS_REPORTED:
            return self
        if self.ignore and set(CATALOGUE) - dropped_codes(self.select, ()) - ALWAYS_REPORTED:
            chose = "select chose" if self.select else "there is"
            reason = f"ignore takes out every code {chose}"
        else:
            reason = f"select chooses only {', '.join(sorted(ALWAYS_REPORTED))}"
        raise ValueError(
            f"{reason}: nothing would ever be reported but pins that could not be read"
        )

    @field_validator("csv_columns", mode="before")
    @classmethod
    def _column_pairs(cls, value: object) -> object:
        """A table (TOML, or a dict from Python) as sorted (field, column) pairs, checked.

        Pairs are taken too, in a tuple or a list: what ``model_dump`` gives back (JSON makes
        them lists), so that settings written out read back in.
        """
        written: dict[str, str] = {}  # each field as the table wrote it (board-id), for messages
        if isinstance(value, Mapping):  # keys as pyproject.toml writes them too: board-id
            written = {str(k).replace("-", "_"): str(k) for k in value}
            value = tuple(sorted((str(k).replace("-", "_"), v) for k, v in value.items()))
        elif isinstance(value, list):
            value = tuple(tuple(pair) if isinstance(pair, list) else pair for pair in value)
        if not isinstance(value, tuple) or not all(
            isinstance(pair, tuple) and len(pair) == 2 and all(isinstance(p, str) for p in pair)
            for pair in value
        ):
            odd = _not_a_name(value)
            if odd is not None:  # title = ["Headline"]: the key at fault, and what it holds
                field, held = odd
                named = written.get(field, field)
                raise ValueError(f"{named!r} is {json_type(held)}: {_NOT_A_TABLE}")
            raise ValueError(_NOT_A_TABLE)
        fields = [field for field, _ in value]
        twice = sorted({field for field in fields if fields.count(field) > 1})
        if twice:  # board-id and board_id: which column was meant?
            raise ValueError(f"{', '.join(map(repr, twice))} is given twice (dash and underscore)")
        unknown = sorted(field for field, _ in value if field not in CSV_FIELDS)
        if unknown:
            known = ", ".join(field.replace("_", "-") for field in CSV_FIELDS)
            first = unknown[0]
            meant = did_you_mean(first, CSV_FIELDS).replace("_", "-")
            shown = ", ".join(repr(written.get(field, field)) for field in unknown)
            raise ValueError(f"unknown field {shown}{meant} (known: {known})")
        names = [folded(column) for _, column in value]
        empty = [
            repr(written.get(field, field))
            for (field, _), name in zip(value, names, strict=True)
            if not name
        ]
        if empty:
            raise ValueError(f"the column name of {', '.join(empty)} is empty")
        readers: dict[str, list[str]] = {}  # folded column name -> the fields that read it
        for (field, _), name in zip(value, names, strict=True):
            readers.setdefault(name, []).append(repr(written.get(field, field)))
        for (_, column), name in zip(value, names, strict=True):
            if len(readers[name]) > 1:
                together = " and ".join(readers[name])
                raise ValueError(f"{together} read the same column {column!r}: pick one")
        return value

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        """The fields as ``repr`` shows them: a token pasted into ``api_base`` masked.

        Settings are shown (a traceback's locals, a log line); the token is never one of them.
        """
        for name, value in super().__repr_args__():
            if name == "api_base" and isinstance(value, str):
                value = without_url_tokens(value)
            yield name, value

    @field_validator("api_base")
    @classmethod
    def _secure_api_base(cls, value: str) -> str:
        """Refuse a base the token would travel to in clear text, or that is not a URL at all."""
        if "@" in value:  # first, and not quoted: a password may be in it, whatever else is wrong
            raise ValueError(
                "the URL holds a user name or password (before an @): remove them; the access "
                "token is the one credential Pinterest takes"
            )
        shown = _base_shown(value)
        if not value:
            raise ValueError(f"it is empty: give the API's base URL, such as {DEFAULT_API_BASE!r}")
        if not _VISIBLE_ASCII.fullmatch(value):  # urlsplit drops tabs and line ends unseen
            odd = "".join(sorted({ch for ch in value if not _VISIBLE_ASCII.fullmatch(ch)})[:4])
            raise ValueError(
                f"{shown} holds {odd!r}: write the URL in visible ASCII, without spaces or line "
                "ends"
            )
        parts = urlsplit(value)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise ValueError(f"{shown} is not an http(s) URL such as {DEFAULT_API_BASE!r}")
        try:
            port = parts.port
        except ValueError:  # not a number, or over 65535
            port = 0
        if port == 0:
            raise ValueError(f"{shown}: the port is not a number from 1 to 65535")
        if "?" in value or "#" in value:  # an empty query or fragment too: urlsplit drops it
            raise ValueError(f"{shown}: give the base alone, without a query or fragment")
        if parts.scheme == "http" and not _loopback(parts.hostname):
            raise ValueError(
                f"{shown}: the access token would be sent unencrypted; use https "
                "(plain http is accepted only on a loopback host, for local fakes)"
            )
        return value.rstrip("/")

    @field_validator("user_agent")
    @classmethod
    def _header_value(cls, value: str) -> str:
        """A value every server can read in a header: visible ASCII and spaces, on one line."""
        if value != value.strip() or not _HEADER_TEXT.fullmatch(value):
            raise ValueError(
                f"{value[:60]!r} cannot be sent as a header: use printable ASCII on one line, "
                "without spaces at either end"
            )
        return value

    @field_validator("token_env")
    @classmethod
    def _env_name(cls, value: str) -> str:
        # A token given for the name is refused even offline, where no variable is read: it
        # would stay unnoticed in a CI line or a committed pyproject.toml. A name some variable
        # has is a name, whatever another holds.
        if value not in os.environ and _is_a_value(value):
            raise ValueError(f"{_variable_shown(value)}: name the variable, such as {TOKEN_ENV}")
        if not _ENV_NAME.fullmatch(value):
            raise ValueError(f"{_variable_shown(value)} is not an environment variable name")
        return value


_NOT_A_TABLE = 'give a table of field = "column name" (strings)'


def _not_a_name(pairs: object) -> tuple[str, object] | None:
    """The first (field, value) of ``csv_columns`` pairs whose value is no column name."""
    if isinstance(pairs, tuple):
        for pair in pairs:
            if isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[0], str):
                field, column = pair
                if not isinstance(column, str):
                    return field, column
    return None


def _base_shown(value: str) -> str:
    """An API base as its errors show it: up to its host and port, where it has them.

    Its path, query or fragment may hold the access token pasted in (``?access_token=pina_…``),
    and pydantic's error, shown whole in a traceback or a log, would repeat it. Not a URL at
    all, it is shown cut short with anything shaped like a token masked.
    """
    try:
        parts = urlsplit(value)
    except ValueError:  # a broken [IPv6] host
        parts = None
    if parts is not None and parts.scheme and parts.netloc:
        host, colon, port = parts.netloc.rpartition(":")
        netloc = f"{host}:…" if colon and "]" not in port and not port.isdigit() else parts.netloc
        start = f"{parts.scheme}://{netloc}"  # a port that is no number may be a token
        return repr(start + ("/…" if value.rstrip("/") != start else ""))
    return without_tokens(repr(value[:60]))


def _loopback(host: str) -> bool:
    """Whether ``host`` names this machine (``localhost`` or a loopback address)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def environment_token(settings: Settings, *, explicit: bool = False) -> SecretStr | None:
    """The access token from the environment, when account checks can run; ``None`` otherwise.

    An unset or empty default variable just means no account checks; a variable named with
    ``--token-env`` that is unset is a mistake worth stopping for (exit 2). The message names the
    variable, never its value. Shared by the command line and the pytest plugin, so that both
    run the same account checks.
    """
    named = settings.token_env  # not a token: refused as one by ``Settings`` itself
    if settings.offline or not settings.account_checks:
        return None
    value = os.environ.get(named)
    if not value:
        if explicit:
            state = "is empty" if value == "" else "is not set"
            raise ConfigError(f"--token-env {_variable_shown(named)}: the variable {state}")
        return None
    return SecretStr(value)


def _variable_shown(name: str) -> str:
    """``name`` quoted in a message, unless it is a token given where its variable's name goes.

    ``--token-env $PINTEREST_ACCESS_TOKEN`` passes the token itself: quoted, it would land in
    the CI log. Pinterest's tokens start with ``pina_``; any value of the environment counts too.
    """
    if _is_a_value(name):
        return "(a value that looks like a token, not the name of the variable that holds it)"
    return repr(name) if not _ENV_NAME.fullmatch(name) else name


def _is_a_value(name: str) -> bool:
    """Whether ``name``, given as a variable's name, is a token or another variable's value."""
    return looks_like_token(name) or (len(name) >= 16 and name in os.environ.values())


def find_pyproject(start: Path) -> Path | None:
    """The nearest ``pyproject.toml`` at or above ``start`` that has a pin-preflight table."""
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        try:  # is_file() raises too, in a folder this user may not look into
            found = stat.S_ISREG(candidate.stat().st_mode)
        except OSError as exc:
            if exc.errno in _NOTHING_THERE:
                continue
            # Whether a configuration is there cannot be known.
            raise ConfigError(
                f"{candidate}: cannot read it: {exc.strerror or exc} (so whether it configures "
                "pin-preflight cannot be told)"
            ) from None
        if found:
            try:
                table = _read_table(candidate)
            except ConfigError:
                return candidate  # let load_settings report the broken file
            if table is not None:
                return candidate
    return None


def _starts_with_bom(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(3) == b"\xef\xbb\xbf"
    except OSError:
        return False


# What stat() says of a path where no file is: missing, a file where a folder should be, a
# symbolic link that loops (anyone may leave one in /tmp).
_NOTHING_THERE = frozenset({errno.ENOENT, errno.ENOTDIR, errno.ELOOP})


def load_settings(
    pyproject: Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    flags: Mapping[str, str] | None = None,
    *,
    named: StrictBool = False,
) -> Settings:
    """Settings from ``pyproject`` (if given) with ``overrides`` (CLI flags) on top.

    The file's values are taken as TOML typed them (strict: ``strict = "yes"`` is refused, not
    read as true), and are checked on their own before the flags go on top: a flag that happens
    to replace a broken value must not hide it, or a committed file passes in one hook and fails
    in the next. Raises ``ConfigError`` naming where each bad value came from: the file and its
    key, or the flag (``flags`` maps a field to the option that set it, e.g. ``--timeout``).
    ``named``: the user named the file (``--config``), so a file without the table is a mistake,
    not a project that does not configure pin-preflight.
    """
    values: dict[str, Any] = {}
    spelled: dict[str, str] = {}  # field → the key as the file writes it (with dashes)
    origin = "settings"
    if pyproject is not None:
        table = _read_table(pyproject)
        if table is None and named:
            message = f"has no [tool.{PYPROJECT_TABLE}] table, so nothing in it would be read"
            raise ConfigError(f"{pyproject}: {message}")
        origin = f"{pyproject} [tool.{PYPROJECT_TABLE}]"
        for key, value in (table or {}).items():
            field = key.replace("-", "_")
            if field in spelled:  # `per-host` and `per_host`: which one was meant?
                raise ConfigError(f"{origin}: {spelled[field]} and {key} are the same setting")
            spelled[field] = key
            if field == "csv_columns" and isinstance(value, list):  # TOML's array, even []
                raise ConfigError(f"{origin}: {key}: {_NOT_A_TABLE}")  # a table, or no key
            values[field] = value if field == "csv_columns" else _as_field(value)
        if values:
            _validated(values, origin, spelled, {}, {})
    given = dict(overrides or {})
    return _validated({**values, **given}, origin, spelled, given, flags or {})


def revalidated(settings: Settings) -> Settings:
    """``settings``, or a ``ConfigError`` if they are not what validation would have made.

    ``model_copy(update=...)`` and ``model_construct`` validate nothing, and the README shows
    ``model_copy`` to derive settings: a ``per_host`` of 0 then hung every request, and a
    ``concurrency`` of 0 was a ZeroDivisionError. Validating costs about 90 µs, so the last
    object found valid is remembered: a caller passes the same one call after call. A list
    where the model keeps a tuple (``update={"ignore": [...]}``, as ``Settings(ignore=[...])``
    takes it) is taken as that tuple: the settings returned are the ones validated.
    """
    if _LAST_CHECKED and _LAST_CHECKED[0] is settings:
        return _LAST_CHECKED[1]
    values = {name: _as_tuples(value) for name, value in dict(settings).items()}
    checked = _validated(values, "settings", {}, {}, {})
    _LAST_CHECKED[:] = [settings, checked]
    return checked


def _as_tuples(value: Any) -> Any:
    """``value`` with its lists and sets (at any depth: ``csv_columns``' pairs) as tuples.

    What ``Settings(...)`` takes for a tuple, a copy takes too; a set's order is its own.
    """
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(_as_tuples(item) for item in value)
    return value


_LAST_CHECKED: list[Settings] = []


def _validated(
    values: dict[str, Any],
    origin: str,
    spelled: Mapping[str, str],
    given: Mapping[str, Any],
    flags: Mapping[str, str],
) -> Settings:
    """``Settings`` of ``values``, or a ``ConfigError`` naming each bad key or flag."""
    try:
        return Settings.model_validate(values, strict=True)
    except ValidationError as exc:
        from_file, from_flags = [], []
        for error in exc.errors(include_url=False):
            key = str(error["loc"][0]) if error["loc"] else ""
            if key in given or (not key and given.keys() & _PAIR):
                where = (
                    flags.get(key, key)
                    if key
                    else _pair_origin(values, given, flags, spelled, origin)
                )
                from_flags.append(f"{where}: {_reason(error)}")
            else:
                parts = [str(part) for part in error["loc"]]
                if parts:
                    parts[0] = spelled.get(parts[0], parts[0])
                where = ".".join(parts) if error["loc"] else "select and ignore"  # across keys
                from_file.append(f"{where}: {_reason(error)}")
        problems = [f"{origin}: {'; '.join(from_file)}"] if from_file else []
        problems += from_flags
        raise ConfigError("; ".join(problems)) from None


def _pair_origin(
    values: Mapping[str, Any],
    given: Mapping[str, Any],
    flags: Mapping[str, str],
    spelled: Mapping[str, str],
    origin: str,
) -> str:
    """Where ``select`` and ``ignore`` came from, when a flag and the file clash over them."""
    parts = []
    for key in _PAIR:
        if key in given:
            parts.append(flags.get(key, key))
        elif key in values:
            parts.append(f"{spelled.get(key, key)} in {origin}")
    return " with ".join(parts)


def _reason(error: ErrorDetails) -> str:
    """What pydantic says, in this tool's words: what is wrong, and what was meant."""
    if error["type"] == "extra_forbidden":
        key = str(error["loc"][0])
        if key in _MEANT:
            return f"unknown key; did you mean {_MEANT[key]}?"
        known = [name.replace("_", "-") for name in Settings.model_fields]
        return "unknown key" + did_you_mean(key.replace("_", "-"), known)
    value = error.get("input")
    if isinstance(value, float) and not math.isfinite(value):
        return "not a finite number"
    if error["type"] == "tuple_type":  # select = "media": TOML's string where an array goes
        return f'give an array of strings, such as ["media"], not {json_type(value)}'
    if error["type"].startswith("value_error") or str(error["loc"][0]) in _UNQUOTED:
        return error["msg"].removeprefix("Value error, ")  # the validators' own, which quote
    shown = quote(value) if isinstance(value, str) else json_type(_as_toml(value))
    if isinstance(value, int | float) and not isinstance(value, bool):
        shown = repr(value)
    if error["type"] in ("bool_type", "bool_parsing"):  # strict = "yes"
        unquoted = ", without quotes" if isinstance(value, str) else ""
        return f"{shown} is not true or false: write true or false{unquoted}"
    return f"{error['msg']}, not {shown}"  # concurrency = 0, retries = "3"


# What the one check across keys (``Settings._something_reported``) is about.
_PAIR = ("select", "ignore")

# Settings whose value may be a secret pasted in: their errors never quote it.
_UNQUOTED = frozenset({"token_env", "api_base"})

# Keys that name a flag rather than the setting it sets (``--timeout`` sets ``deadline``).
_MEANT = {"timeout": "deadline"}


def _as_toml(value: Any) -> Any:
    """A field's value as TOML wrote it: ``_as_field``'s tuples are arrays."""
    return list(value) if isinstance(value, tuple) else value


def _as_field(value: Any) -> Any:
    """A TOML value as the field takes it: arrays are tuples (settings are frozen)."""
    return tuple(value) if isinstance(value, list) else value


def _read_table(pyproject: Path) -> dict[str, Any] | None:
    try:
        with pyproject.open("rb") as handle:
            document = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:  # TOML is UTF-8
        if _starts_with_bom(pyproject):  # Notepad's "UTF-8 with BOM": "Invalid statement (1, 1)"
            raise ConfigError(
                f"{pyproject}: cannot read it: it starts with a byte order mark (EF BB BF), "
                "which TOML does not allow: save it as UTF-8 without one"
            ) from None
        raise ConfigError(f"{pyproject}: cannot read it: {exc}") from None
    except RecursionError:  # arrays in arrays past Python's depth: valid TOML, but unreadable
        raise ConfigError(f"{pyproject}: cannot read it: values nested too deeply") from None
    tool = document.get("tool", {})
    table = tool.get(PYPROJECT_TABLE) if isinstance(tool, dict) else None  # `tool = "x"`: not ours
    misspelt = PYPROJECT_TABLE.replace("-", "_")
    if isinstance(tool, dict) and misspelt in tool:  # settings the user meant to make
        if table is None:
            message = f"rename [tool.{misspelt}] to [tool.{PYPROJECT_TABLE}] (with a dash)"
            raise ConfigError(f"{pyproject}: {message}; as it is, it is not read")
        raise ConfigError(
            f"{pyproject}: [tool.{misspelt}] is not read: move its keys into "
            f"[tool.{PYPROJECT_TABLE}] (with a dash), and remove it"
        )
    if table is None:
        return None
    if not isinstance(table, dict):
        raise ConfigError(f"{pyproject}: [tool.{PYPROJECT_TABLE}] must be a table")
    return table
