"""When a signed media URL stops working, read from the URL itself.

Pinterest fetches ``image_url`` media and video covers itself, possibly long after the pin was
written: at publish time for a scheduled calendar, and again when a failed fetch is retried. A
presigned S3 link made with the SDK's default lifetime (one hour) passes every offline check,
fetches fine while the calendar is being checked, and is dead when Pinterest asks for it. The
signature schemes below put their deadline in the query string, so the deadline is known without
a network: this module reads it, and ``expiry_problem`` compares it with now and the publish time.

What each scheme says, from the providers' documentation of query-string authentication:

* S3 SigV4 (and every S3-compatible store): ``X-Amz-Date`` (``YYYYMMDDTHHMMSSZ``, UTC) plus
  ``X-Amz-Expires`` seconds, 1 to 604800 (seven days); outside that range S3 refuses the URL
  outright, so no deadline is claimed for it. A URL on AWS signed with temporary credentials (it
  carries ``X-Amz-Security-Token``: a role's session, as in Lambda, ECS or EC2) stops working
  when they expire, whatever ``X-Amz-Expires`` says; the URL does not say when that is, but no
  AWS session lasts more than 36 hours (STS), so that bound is its deadline when it comes first
  (other stores' sessions have lifetimes of their own).
* S3 SigV2: ``Expires`` in Unix seconds, next to ``AWSAccessKeyId`` and ``Signature``.
* CloudFront: a canned policy is ``Expires`` (Unix seconds) with ``Signature`` and
  ``Key-Pair-Id``; a custom policy carries its deadline as ``DateLessThan`` / ``AWS:EpochTime``
  inside ``Policy``, JSON in CloudFront's URL-safe base64 (``-``, ``_``, ``~`` for ``+ = /``).
* Cloud Storage V2: ``Expires`` in Unix seconds with ``GoogleAccessId``; V4: ``X-Goog-Date`` plus
  ``X-Goog-Expires`` seconds, same format and the same seven-day ceiling as SigV4.
* Azure Storage SAS: ``se`` (signed expiry) next to ``sig`` and ``sv`` (the signed version, which
  every kind of SAS requires: a shop's own ``se`` and ``sig`` are not Azure's), in one of the
  documented ISO 8601 forms ``YYYY-MM-DD``, ``YYYY-MM-DDThh:mmTZD``, ``YYYY-MM-DDThh:mm:ssTZD``
  with optional fractional seconds. A user delegation SAS is signed with a key that has its own
  end (``ske``); the signature cannot outlive it, so the earlier of the two is the deadline.

Parameter names are compared without regard to case: generators disagree on the spelling
(``x-amz-date``, ``expires``), and whether a given server accepts another spelling changes
nothing about when the signature runs out; reading a lower-case name as "not signed" would
silence a real deadline. A bare ``Expires`` is not enough to call a URL signed (plenty of
unsigned URLs carry one): it counts only next to a signature or key parameter of its scheme.

A value that cannot be read (a malformed date, an out-of-range lifetime, two different values for
one parameter) makes that scheme say nothing: ``expiry`` answers ``None`` rather than guessing,
and never raises, because URLs come straight from user files. A URL whose signature is broken
fails its fetch, and the fetch reports that better than a guess here could.
"""

from __future__ import annotations

import base64
import binascii
import enum
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import unquote, urlsplit

__all__ = [
    "ExpiryKind",
    "ExpiryVerdict",
    "SignedExpiry",
    "expiry",
    "expiry_problem",
    "may_have_deadline",
]

#: The longest lifetime SigV4 and Cloud Storage V4 accept for a query-string signature.
MAX_V4_LIFETIME = timedelta(days=7)

#: The longest any temporary AWS credentials live (GetSessionToken, GetFederationToken; a role's
#: session 12 hours, an EC2 instance's 6): a presigned URL dies with them (S3 user guide,
#: "Download and upload objects with presigned URLs", expiration).
MAX_SESSION = timedelta(hours=36)

_SESSION_HINT = (
    "A URL signed with temporary credentials (a role's session: Lambda, ECS, EC2) dies with "
    "them, 36 hours after signing at the latest and often within the hour, whatever its "
    "X-Amz-Expires says: sign it with an IAM user's access key (up to 7 days), or use a public "
    "URL."
)


@dataclass(frozen=True, slots=True)
class SignedExpiry:
    """When a signed URL stops working, and which part of the URL says so.

    ``scheme`` names the signature for people ("S3 presigned URL (SigV4)"); ``parameter`` is the
    query parameter or parameters that carry the deadline, spelled as in the URL, so that a message
    can point at the exact text to change (``X-Amz-Date + X-Amz-Expires``).
    """

    expires_at: datetime
    scheme: str
    parameter: str
    longest: timedelta | None = None
    """The longest lifetime the scheme allows (7 days for the V4 schemes), if it has one."""
    hint: str | None = None
    """What to do about this deadline, when the catalogue's fix does not fit it."""


class ExpiryKind(enum.StrEnum):
    """What is wrong with a signed URL's deadline, from the worst case down."""

    EXPIRED = "expired"
    EXPIRES_BEFORE_PUBLISH = "expires_before_publish"
    EXPIRES_SOON = "expires_soon"


@dataclass(frozen=True, slots=True)
class ExpiryVerdict:
    """A signed URL whose deadline is a problem, with the numbers a message needs.

    ``reference`` is the moment the deadline was measured against and ``gap`` the distance to it,
    never negative:

    * ``EXPIRED``: ``reference`` is now; ``gap`` is how long ago the URL stopped working.
    * ``EXPIRES_BEFORE_PUBLISH``: ``reference`` is the publish time; ``gap`` is how long before
      publishing the URL stops working.
    * ``EXPIRES_SOON``: ``reference`` is the publish time when one is known and still ahead, else
      now (``from_publish`` says which); ``gap`` is how long the URL still works after it, which
      is at most ``margin``.
    """

    kind: ExpiryKind
    expiry: SignedExpiry
    reference: datetime
    from_publish: bool
    gap: timedelta
    margin: timedelta


def expiry(url: str) -> SignedExpiry | None:
    """When ``url``'s signature stops working, or ``None`` if it carries no readable deadline.

    When a URL carries more than one scheme's deadline (a CDN signature over a signed origin URL),
    the earliest one is the answer: the URL fails as soon as any of its signatures does.
    """
    if not may_have_deadline(url):
        return None
    params = _query_params(url)
    if not params:
        return None
    found: list[SignedExpiry] = []
    for reader in _AWS_READERS if _on_aws(url) else _READERS:
        try:
            result = reader(params)
        except _Unreadable:
            continue
        if result is not None:
            found.append(result)
    return min(found, key=lambda item: item.expires_at, default=None)


def may_have_deadline(url: str) -> bool:
    """Whether ``url``'s query could carry a signature's deadline; ``False`` is certain.

    Most media URLs' queries are cache busters (``?v=3``, ``?width=800``), read no further.
    """
    if "?" not in url:  # most media URLs: asked of every pin, so the common answer comes first
        return False
    query = url.partition("#")[0].partition("?")[2].lower()
    # Every scheme's deadline is a parameter whose lower-cased name holds one of these words:
    # Expires (SigV2, CloudFront canned, GCS V2; X-Amz-Expires, X-Goog-Expires), Policy
    # (CloudFront custom), se (Azure). A query without any of them, and without a percent-encoded
    # name that might spell one, carries no deadline. Spelled out: any() over them costs twice.
    return bool(query) and (
        "%" in query or "expires" in query or "policy" in query or "se=" in query
    )


def expiry_problem(
    url: str, *, now: datetime, publish_at: datetime | None, margin: timedelta
) -> ExpiryVerdict | None:
    """Whether ``url`` will still work when Pinterest fetches it, or ``None`` if it will.

    Pinterest fetches at publish time when the pin is scheduled (``publish_at``), else right away;
    ``margin`` covers what neither moment accounts for: Pinterest fetching a little later, a retry,
    the gap between this check and the actual upload. A deadline exactly at ``now`` or at
    ``publish_at`` counts as missed, and one exactly ``margin`` away as too close: a URL that dies
    the instant it is needed is no use.

    ``now`` and ``publish_at`` must be timezone-aware and ``margin`` must not be negative; anything
    else is a programming error and raises ``ValueError``.
    """
    _require_aware("now", now)
    if publish_at is not None:
        _require_aware("publish_at", publish_at)
    if margin < timedelta(0):
        raise ValueError(f"margin must not be negative, got {margin}")
    found = expiry(url)
    if found is None:
        return None
    expires_at = found.expires_at
    if expires_at <= now:
        return ExpiryVerdict(
            kind=ExpiryKind.EXPIRED,
            expiry=found,
            reference=now,
            from_publish=False,
            gap=now - expires_at,
            margin=margin,
        )
    if publish_at is not None and expires_at <= publish_at:
        return ExpiryVerdict(
            kind=ExpiryKind.EXPIRES_BEFORE_PUBLISH,
            expiry=found,
            reference=publish_at,
            from_publish=True,
            gap=publish_at - expires_at,
            margin=margin,
        )
    # A publish time already past means "publish now": measure from now, not from the past.
    from_publish = publish_at is not None and publish_at > now
    reference = publish_at if publish_at is not None and from_publish else now
    remaining = expires_at - reference
    if remaining <= margin:
        return ExpiryVerdict(
            kind=ExpiryKind.EXPIRES_SOON,
            expiry=found,
            reference=reference,
            from_publish=from_publish,
            gap=remaining,
            margin=margin,
        )
    return None


def _require_aware(name: str, moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got the naive {moment.isoformat()}")


class _Unreadable(Exception):
    """A scheme's parameters are present but cannot be read: that scheme claims nothing."""


# Lower-cased name -> every (name as written, value) pair with that name, in URL order.
_Params = dict[str, list[tuple[str, str]]]


def _query_params(url: str) -> _Params:
    """The query of ``url``, decoded, without ``urllib.parse``'s form rules.

    ``+`` stays ``+`` (``parse_qsl`` would turn it into a space and break an Azure ``se`` with a
    ``+01:00`` offset), and nothing here can raise on a malformed URL, as ``urlsplit`` can.
    """
    query = url.partition("#")[0].partition("?")[2]
    params: _Params = {}
    for piece in query.split("&"):
        if not piece:
            continue
        raw_name, _, raw_value = piece.partition("=")
        name = unquote(raw_name)
        params.setdefault(name.lower(), []).append((name, unquote(raw_value)))
    return params


def _get(params: _Params, name: str) -> tuple[str, str] | None:
    """The one value of parameter ``name`` (lower case), with its spelling in the URL.

    A parameter repeated with the same value is harmless; with different values it is impossible to
    tell which one the server reads, so the scheme is unreadable.
    """
    entries = params.get(name)
    if not entries:
        return None
    if len({value for _, value in entries}) > 1:
        raise _Unreadable(name)
    return entries[0]


# --- Timestamps ---------------------------------------------------------------------------------

_BASIC_UTC = re.compile(r"(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z", re.ASCII)
_LIFETIME = re.compile(r"\d{1,7}", re.ASCII)
_UNIX = re.compile(r"\d{1,12}", re.ASCII)
# The ISO 8601 forms Azure documents for se: a date, or a date and time with a zone designator.
_AZURE_TIME = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"(?:T(?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.(?P<fraction>\d{1,7}))?)?"
    r"(?P<zone>Z|[+-]\d{2}:\d{2}))?",
    re.IGNORECASE | re.ASCII,
)


def _basic_utc(value: str) -> datetime:
    """``20261128T120000Z``, the AWS and Google signing date."""
    match = _BASIC_UTC.fullmatch(value)
    if match is None:
        raise _Unreadable(value)
    year, month, day, hour, minute, second = (int(part) for part in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError:
        raise _Unreadable(value) from None


def _lifetime(value: str) -> timedelta:
    """A V4 ``Expires`` value: whole seconds within the seven days the providers accept."""
    if _LIFETIME.fullmatch(value) is None:
        raise _Unreadable(value)
    seconds = timedelta(seconds=int(value))
    if not timedelta(seconds=1) <= seconds <= MAX_V4_LIFETIME:
        raise _Unreadable(value)
    return seconds


def _unix(value: str | int) -> datetime:
    """Unix seconds as an aware UTC datetime; years past 9999 are unreadable, not an error."""
    if isinstance(value, str):
        if _UNIX.fullmatch(value) is None:
            raise _Unreadable(value)
        value = int(value)
    try:
        return datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError, ValueError):
        raise _Unreadable(str(value)) from None


def _azure_time(value: str) -> datetime:
    """An Azure ``se``/``ske`` value.

    A bare date is read as midnight UTC at the start of that day. Microsoft's documentation lists
    the form without saying which moment of the day it means; the earliest reading can only make
    a warning come a day early, never let a dead URL through.
    """
    match = _AZURE_TIME.fullmatch(value)
    if match is None:
        raise _Unreadable(value)
    try:
        day = datetime(int(match["year"]), int(match["month"]), int(match["day"]), tzinfo=UTC)
        if match["hour"] is None:
            return day
        zone = match["zone"].upper()
        if zone == "Z":
            tz = UTC
        else:
            hours, minutes = int(zone[1:3]), int(zone[4:6])
            if minutes > 59:
                raise _Unreadable(value)
            offset = timedelta(hours=hours, minutes=minutes)
            tz = timezone(-offset if zone[0] == "-" else offset)
        fraction = (match["fraction"] or "").ljust(6, "0")[:6]
        moment = day.replace(
            hour=int(match["hour"]),
            minute=int(match["minute"]),
            second=int(match["second"] or 0),
            microsecond=int(fraction),
            tzinfo=tz,
        )
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise _Unreadable(value) from None


# --- Schemes ------------------------------------------------------------------------------------


def _v4(
    params: _Params, prefix: str, scheme: str, temporary: str | None = None
) -> SignedExpiry | None:
    """SigV4 and Cloud Storage V4: a signing date plus a lifetime in seconds.

    ``temporary``: the scheme's name when signed with temporary credentials (``MAX_SESSION``).
    """
    date = _get(params, f"{prefix}-date")
    lifetime = _get(params, f"{prefix}-expires")
    if date is None and lifetime is None:
        return None
    if date is None or lifetime is None:
        raise _Unreadable(prefix)  # half a deadline: the server refuses the URL anyway
    try:
        signed_at = _basic_utc(date[1])
        expires_at = signed_at + _lifetime(lifetime[1])
        session_ends = signed_at + MAX_SESSION
    except OverflowError:  # signed in the last days of year 9999: a deadline past any calendar
        raise _Unreadable(date[1]) from None
    token = _get(params, f"{prefix}-security-token") if temporary is not None else None
    if temporary is not None and token is not None and session_ends < expires_at:
        parameter = f"{date[0]} + 36 hours at most: it carries {token[0]}"
        # Signed again as the hint says (an IAM user's key), it lives as long as any V4 URL.
        return SignedExpiry(session_ends, temporary, parameter, MAX_V4_LIFETIME, _SESSION_HINT)
    return SignedExpiry(expires_at, scheme, f"{date[0]} + {lifetime[0]}", MAX_V4_LIFETIME)


def _sigv4(params: _Params) -> SignedExpiry | None:
    return _v4(params, "x-amz", "S3 presigned URL (SigV4)")


def _sigv4_on_aws(params: _Params) -> SignedExpiry | None:
    """SigV4 on AWS's own hosts, whose temporary credentials live 36 hours at most (STS).

    Other S3-compatible stores (MinIO, Ceph) issue session tokens of lifetimes of their own.
    """
    return _v4(
        params,
        "x-amz",
        "S3 presigned URL (SigV4)",
        "S3 presigned URL (SigV4, temporary credentials)",
    )


def _goog_v4(params: _Params) -> SignedExpiry | None:
    return _v4(params, "x-goog", "Cloud Storage signed URL (V4)")


def _expires(params: _Params) -> SignedExpiry | None:
    """``Expires`` in Unix seconds: S3 SigV2, CloudFront canned policy, Cloud Storage V2.

    The companion parameter decides the scheme; without one the URL is not taken for signed.
    """
    expires = _get(params, "expires")
    if expires is None:
        return None
    if "googleaccessid" in params:
        scheme = "Cloud Storage signed URL (V2)"
    elif "key-pair-id" in params:
        scheme = "CloudFront signed URL (canned policy)"
    elif "awsaccesskeyid" in params:
        scheme = "S3 presigned URL (SigV2)"
    elif "signature" in params:
        scheme = "signed URL (Expires and Signature)"
        deadline = _unix(expires[1])
        if deadline < _GENERIC_FLOOR:  # 86400 on some host: a lifetime or cache time, not 1970
            raise _Unreadable(expires[1])
        return SignedExpiry(deadline, scheme, expires[0])
    else:
        return None
    return SignedExpiry(_unix(expires[1]), scheme, expires[0])


# No unknown signing scheme states a deadline before 2000 and means it: CloudFront, S3 SigV2
# and Cloud Storage V2 (named by their key parameter) do, and such a URL is dead.
_GENERIC_FLOOR = datetime(2000, 1, 1, tzinfo=UTC)


# CloudFront's URL-safe base64 alphabet, back to the standard one.
_CLOUDFRONT_BASE64 = str.maketrans("-_~", "+=/")


def _cloudfront_policy(params: _Params) -> SignedExpiry | None:
    """A CloudFront custom policy: the deadline is ``DateLessThan`` inside the ``Policy`` JSON."""
    policy = _get(params, "policy")
    if policy is None or "key-pair-id" not in params:
        return None
    try:
        raw = base64.b64decode(policy[1].translate(_CLOUDFRONT_BASE64), validate=True)
        document = json.loads(raw)
    except (binascii.Error, ValueError, RecursionError):
        raise _Unreadable(policy[0]) from None
    statements = document.get("Statement") if isinstance(document, dict) else None
    if not isinstance(statements, list) or not statements:
        raise _Unreadable(policy[0])
    deadlines = [_policy_deadline(statement) for statement in statements]
    return SignedExpiry(
        min(deadlines), "CloudFront signed URL (custom policy)", f"{policy[0]} (DateLessThan)"
    )


def _policy_deadline(statement: object) -> datetime:
    condition = statement.get("Condition") if isinstance(statement, dict) else None
    less_than = condition.get("DateLessThan") if isinstance(condition, dict) else None
    epoch = less_than.get("AWS:EpochTime") if isinstance(less_than, dict) else None
    if not isinstance(epoch, int) or isinstance(epoch, bool) or epoch < 0:
        raise _Unreadable("DateLessThan")
    return _unix(epoch)


def _azure_sas(params: _Params) -> SignedExpiry | None:
    """An Azure Storage SAS: ``se``, or the user delegation key's ``ske`` when that is earlier."""
    expires = _get(params, "se")
    if expires is None or "sig" not in params or "sv" not in params:
        return None
    deadline, parameter = _azure_time(expires[1]), expires[0]
    key_expiry = _get(params, "ske")
    if key_expiry is not None:
        key_deadline = _azure_time(key_expiry[1])
        if key_deadline < deadline:
            deadline, parameter = key_deadline, key_expiry[0]
    return SignedExpiry(deadline, "Azure Storage SAS URL", parameter)


_Reader = Callable[[_Params], SignedExpiry | None]
_READERS: tuple[_Reader, ...] = (_sigv4, _goog_v4, _expires, _cloudfront_policy, _azure_sas)
_AWS_READERS: tuple[_Reader, ...] = (_sigv4_on_aws, *_READERS[1:])


def _on_aws(url: str) -> bool:
    """Whether ``url``'s host is AWS's own (``amazonaws.com``, and its China partition's)."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:  # a broken [IPv6] host
        return False
    return host.rstrip(".").endswith((".amazonaws.com", ".amazonaws.com.cn"))  # a root "." too
