"""What can be told about a URL without fetching it: is it usable, and what format does it claim.

Pinterest's crawler fetches media over the public web, so a media URL must be absolute http(s)
with a host. This module answers that with one regular expression in the common case (it runs for
every URL of every pin, so it must cost well under a microsecond), and says why in plain words when
it fails. The declared format is the file extension of the path: the only hint available offline.
"""

from __future__ import annotations

import enum
import ipaddress
import re
from urllib.parse import urlsplit

from validator.messages import quote

__all__ = [
    "ASCII_HOST",
    "IMAGE_TYPE_BY_EXTENSION",
    "MAX_URL_LENGTH",
    "DeclaredFormat",
    "MediaKind",
    "declared_format",
    "extension",
    "is_plain_image_url",
    "may_be_share_page",
    "share_page",
    "url_problem",
]

# scheme ":" ["//" authority] path ["?" query] ["#" fragment]; whitespace anywhere fails the match.
_URL = re.compile(
    r"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*):"
    r"(?://(?P<authority>[^/?#\s]*))?"
    r"(?P<path>[^?#\s]*)"
    r"(?:\?[^#\s]*)?(?:#\S*)?"
)
# host [":" port] after any userinfo; a bracketed IPv6 literal or a name without delimiters.
_HOST_PORT = re.compile(r"(?P<host>\[[0-9A-Fa-f:.]+\]|[^\[\]:@\s]+)(?::(?P<port>[0-9]{0,5}))?")
#: httpx's limit on a URL's length (``httpx._urlparse.MAX_URL_LENGTH``); servers' are lower.
MAX_URL_LENGTH = 65_536
# What no URL may hold: httpx refuses a control character or a lone surrogate before sending.
_UNSENDABLE = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")
#: An ASCII host name (an IPv4 address is one too): dot-separated labels of 1 to 63 letters,
#: digits and hyphens, no hyphen first or last (RFC 1123 §2.1), an optional root dot last. A
#: label that breaks this names no host DNS can answer for ("https://./a.jpg", "https://-/").
#: Also run by pydantic-core's Rust engine (``validator.clean``): plain ASCII classes only.
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?"
ASCII_HOST = rf"(?:{_LABEL}\.)*{_LABEL}\.?"
# A port of one to four digits, the first not 0, cannot leave the TCP range or be port 0.
_PLAIN_PORT = r"(?::[1-9][0-9]{0,3})?"
# Invisible characters a copy from a web page or a document brings along (zero-width space,
# soft hyphen, word joiner, BOM, direction marks): sent, a URL holds them percent-encoded, and
# names another file. What scripts need is not among them: the joiners of Persian words and emoji
# sequences, Mongolian's vowel separator.
_INVISIBLE = r"\u00ad\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
_HIDDEN = re.compile(f"[{_INVISIBLE}]")
# What a plain URL's path and query never hold: whitespace (Unicode's too: the image pattern is
# ASCII-only, where \s is not), control characters (C0 and C1), lone surrogates, invisible
# characters. A URL with any of them takes the long way, which says what is wrong.
_ODD = (
    r"\s\x00-\x1f\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
    rf"\ud800-\udfff{_INVISIBLE}"
)
# The shape nearly every real media URL has: decided in one match, without the diagnosis below.
# Anything unusual (a long port, a Unicode host) takes the long way.
_PLAIN_HTTP_URL = re.compile(
    rf"[Hh][Tt][Tt][Pp][Ss]?://{ASCII_HOST}{_PLAIN_PORT}(?:[/?#][^{_ODD}]*)?"
)
# The same shape whose path ends in a JPEG or PNG name: a usable image URL, in one match.
_PLAIN_IMAGE_URL = re.compile(
    rf"https?://{ASCII_HOST}{_PLAIN_PORT}/[^?#{_ODD}]*[^/?#.{_ODD}]"
    rf"\.(?:jpe?g|jpe|jfif|png)(?:[?#][^{_ODD}]*)?",
    re.IGNORECASE
    | re.ASCII,  # without ASCII, "s", "i", "k" also match U+017F, U+0131, U+0130, U+212A
)


def is_plain_image_url(url: str) -> bool:
    """Whether ``url`` is certainly a usable http(s) URL of a JPEG or PNG name.

    ``False`` decides nothing: ``url_problem`` and ``declared_format`` say what, if anything, is
    wrong. This is the shortcut that keeps the common case of a calendar under a microsecond.
    """
    return (
        len(url) <= MAX_URL_LENGTH
        and _PLAIN_IMAGE_URL.fullmatch(url) is not None
        and not may_be_share_page(url)
    )


def may_be_share_page(url: str) -> bool:
    """Whether ``url`` may be a share page though it names an image file; ``False`` is certain.

    Of the services ``share_page`` knows, only Dropbox shows its files' names in its share links
    (``dropbox.com/s/.../photo.jpg?dl=0`` opens a page that shows the photo).
    """
    return "dropbox" in url.lower()


_FORMULA = re.compile(r"=\s*[A-Za-z][A-Za-z0-9_.]*\s*\(")
# A cell exported as its formula: a function call as spreadsheets write it (=CONCAT(...), in
# capitals, the parenthesis right after the name: "=Sale (50% off)" is a title) or a reference to
# another cell, maybe on another sheet, alone or in an expression (=A2, =$B$3, =Sheet1!C4,
# =A2&" sale"; "=Go2 the beach" is a title).
_FORMULA_CELL = re.compile(
    r"=\s*(?:(?:_xlfn\.)?[A-Z][A-Z0-9_.]*\("
    r"|(?:[A-Za-z0-9_]+!|'[^']+'!)?\$?[A-Z]{1,3}\$?[0-9]+(?:$|[&+\-*/^:,]))"
)


def is_formula(cell: str) -> bool:
    """Whether a spreadsheet cell holds a formula's text rather than a value (``=CONCAT(A2)``)."""
    return cell[:1] == "=" and _FORMULA_CELL.match(cell) is not None


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be fetched by Pinterest, in a few words, or ``None`` if it can.

    The answer completes "the URL ..." in a message: "is empty", "is relative (no scheme)".
    """
    if len(url) <= MAX_URL_LENGTH and _PLAIN_HTTP_URL.fullmatch(url) is not None:
        return None
    if not url.strip():
        return "is empty"
    if _FORMULA.match(url):  # a spreadsheet's cell exported as its formula: =HYPERLINK("...")
        return "is a spreadsheet formula, not a URL: put the bare URL in the cell"
    if any(ch.isspace() for ch in url):
        return "contains whitespace (encode spaces as %20 and remove line breaks)"
    if (bad := _UNSENDABLE.search(url)) is not None:
        what = "a control character" if bad.group() < "\ud800" else "a broken character"
        return f"contains {what} ({quote(bad.group())} at character {bad.start()})"
    if (hidden := _HIDDEN.search(url, 0, _fragment_start(url))) is not None:  # one is not sent
        where = f"{quote(hidden.group())} at character {hidden.start()}"
        return f"contains an invisible character ({where}): delete it"
    if len(url) > MAX_URL_LENGTH:
        return f"is {len(url):,} characters long; no client sends a URL over {MAX_URL_LENGTH:,}"
    match = _URL.fullmatch(url)
    if match is None:
        if url.startswith("//"):
            return "has no scheme: start it with https:"
        if url.startswith("/"):  # a file's path, or a path on a server: no host either way
            return "is a path, not a full URL with https:// and a host"
        if url.startswith(("./", "../")):
            return "is a relative path, not a full URL with https:// and a host"
        return "has no scheme: start it with https://"
    scheme = match["scheme"].lower()
    if match["authority"] is None and match["path"][:1].isdigit():
        return "has no scheme: start it with https://"  # host:port/path, read as scheme "host"
    if scheme not in ("http", "https"):
        if len(scheme) == 1 and url[1:3] in (":\\", ":/"):
            return "is a Windows file path, not a URL"
        return f"uses the {scheme}: scheme; only http and https can be fetched by Pinterest"
    authority = match["authority"]
    if authority is None:
        return "has no // after the scheme, so it names no host"
    host_port = _HOST_PORT.fullmatch(authority.rpartition("@")[2])
    if host_port is None or not host_port["host"]:
        return "has no valid host name"
    host = host_port["host"]
    if host.startswith("["):
        if not _is_ipv6(host[1:-1]):  # what else brackets may hold (IPvFuture) no client sends
            return f"has no valid host name ({quote(host)} is no IPv6 address)"
    elif any(map(_bad_label, host.removesuffix(".").split("."))):
        return f"has no valid host name ({quote(host)})"
    port = host_port["port"]  # empty after its ":" is the scheme's own (RFC 3986 §3.2.3)
    if port and not 0 < int(port) <= 65535:  # the TCP port range
        return f"has an invalid port {port!r}"
    userinfo = authority.rpartition("@")[0]
    if "[" in userinfo or "]" in userinfo:  # urlsplit takes it for a broken [IPv6] host
        return "has a [ or ] before its host (percent-encode it in a user name or password)"
    if not authority.isascii():
        try:  # what urlsplit refuses, the fetch would too
            urlsplit(url)
        except ValueError:  # its words quote the host, which may hold a password: not shown
            return "has a host with a character that reads as a delimiter (a full-width # or @)"
    return None


def share_page(url: str) -> tuple[str, str] | None:
    """Whose share page ``url`` is, and how to link the file instead; ``None`` if it is none.

    The service is named with its article ("a OneDrive"). A share link (Google Drive, Dropbox,
    OneDrive, Google Photos, an imgur post) opens a page that shows the file: Pinterest's crawler
    gets the page's HTML. Only links that are certainly pages by their form are named (Drive's
    ``/uc`` download, a thumbnail or an export serve the file). A Dropbox link to ``photo.jpg``
    is a page too, whatever its name: ``may_be_share_page`` keeps it off the shortcuts.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    host = (parts.hostname or "").removeprefix("www.")
    path = parts.path
    if host == "drive.google.com" and path.startswith(("/file/d/", "/open", "/drive/")):
        return "a Google Drive", _OWN_HOST
    if host == "docs.google.com" and path.endswith(("/edit", "/view")):
        return "a Google Drive", _OWN_HOST
    if host == "dropbox.com" and path.startswith(("/s/", "/scl/", "/sh/")):
        query = parts.query.lower()
        if "raw=1" not in query and "dl=1" not in query:
            fix = "End the link with raw=1 instead of dl=0"
            if "dl=0" not in query:
                fix = f"End the link with {'&' if parts.query else '?'}raw=1"
            return "a Dropbox", f"{fix}: Dropbox then serves the file itself."
    if host == "1drv.ms":  # OneDrive's short share links; its other forms may be the file
        return "a OneDrive", _OWN_HOST
    if host in ("photos.google.com", "photos.app.goo.gl"):
        return "a Google Photos", _OWN_HOST
    if host in ("imgur.com", "m.imgur.com") and extension(url) is None:
        return "an imgur", "Link the image itself: open it alone and copy its i.imgur.com address."
    return None


_OWN_HOST = (
    "Host the file where its URL serves the file itself (your site, a CDN, a storage bucket): "
    "this service's share links open a page."
)


def same_resource(url: str) -> str:
    """``url`` as the request it makes: what a probe of it is shared by.

    A fragment is never sent, and a scheme and host name are the same in any case: a calendar
    that writes one file as ``https://CDN.example.com/a.jpg`` and ``https://cdn.example.com/a.jpg#1``
    had it fetched twice. The path and query are kept as written (servers may tell their case).
    """
    sent = url[: _fragment_start(url)]
    scheme_end = sent.find("://")
    if scheme_end < 0:
        return sent
    host_end = len(sent)
    for delimiter in "/?":
        found = sent.find(delimiter, scheme_end + 3)
        if found != -1:
            host_end = min(host_end, found)
    authority = sent[scheme_end + 3 : host_end]
    host = authority.rpartition("@")[2]  # a user name and password are case-sensitive
    userinfo = authority[: len(authority) - len(host)]
    return f"{sent[:scheme_end].lower()}://{userinfo}{host.lower()}{sent[host_end:]}"


def _fragment_start(url: str) -> int:
    """Where ``url``'s fragment starts (its ``#``), or its length: what is sent ends there."""
    found = url.find("#")
    return len(url) if found == -1 else found


def _is_ipv6(text: str) -> bool:
    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return True


def _bad_label(label: str) -> bool:
    """A label no DNS name has: empty, a hyphen at either end, or over 63 ASCII characters.

    Looser than ``ASCII_HOST`` on purpose: an underscore (old S3 bucket names have them) and a
    Unicode label (httpx encodes it with IDNA) are left to the fetch.
    """
    return not label or label[0] == "-" or label[-1] == "-" or (label.isascii() and len(label) > 63)


class MediaKind(enum.StrEnum):
    """What a media slot takes: Pinterest has image slots and (in calendars) video slots."""

    IMAGE = "image"
    VIDEO = "video"


class DeclaredFormat(enum.StrEnum):
    """What an extension says about a file, relative to what Pinterest takes (§4.1, §4.2)."""

    IMAGE_OK = "image"
    VIDEO_OK = "video"
    IMAGE_UNSUPPORTED = "unsupported image"
    VIDEO_UNSUPPORTED = "unsupported video"
    UNKNOWN = "unknown"


#: The content type an image URL's extension declares: what its ``cover_image_content_type``
#: must say (pinterest-api.md §2).
IMAGE_TYPE_BY_EXTENSION: dict[str, str] = {
    **dict.fromkeys(("jpg", "jpeg", "jpe", "jfif"), "image/jpeg"),
    "png": "image/png",
}
# pinterest-api.md §4.1: images are JPEG or PNG (.jfif is a JPEG); §4.2: video is MP4, MOV or M4V.
_EXTENSIONS: dict[str, DeclaredFormat] = {
    **dict.fromkeys(("jpg", "jpeg", "jpe", "jfif", "png"), DeclaredFormat.IMAGE_OK),
    # .3gp/.3g2: a video, judged by its bytes (most are MP4 to any reader: probes/sniff.py).
    **dict.fromkeys(("mp4", "mov", "m4v", "3gp", "3g2"), DeclaredFormat.VIDEO_OK),
    **dict.fromkeys(
        ("webp", "gif", "heic", "heif", "avif", "bmp", "tif", "tiff", "svg", "ico", "jxl", "psd"),
        DeclaredFormat.IMAGE_UNSUPPORTED,
    ),
    **dict.fromkeys(
        ("webm", "mkv", "avi", "wmv", "flv", "ogv", "mpg", "mpeg", "m2ts", "mts", "ts"),
        DeclaredFormat.VIDEO_UNSUPPORTED,
    ),
}


def extension(url: str) -> str | None:
    """The lower-case extension of the URL's path (``"jpg"``), or ``None`` when it has none."""
    path = url.split("#", 1)[0].split("?", 1)[0]
    scheme_end = path.find("://")
    if scheme_end != -1:
        slash = path.find("/", scheme_end + 3)
        path = path[slash:] if slash != -1 else ""
    name = path.rsplit("/", 1)[-1]
    dot = name.rfind(".")
    if dot <= 0 or dot == len(name) - 1:
        return None
    return name[dot + 1 :].lower()


def declared_format(url: str) -> tuple[str | None, DeclaredFormat]:
    """The URL's extension and what it declares; unknown extensions decide nothing offline."""
    ext = extension(url)
    if ext is None:
        return None, DeclaredFormat.UNKNOWN
    return ext, _EXTENSIONS.get(ext, DeclaredFormat.UNKNOWN)
