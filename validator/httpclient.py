"""Where the run's httpx clients are made: the media fetcher's and the account checker's.

Both honour the environment's proxies and CA certificates (``trust_env``), and httpx builds a
proxy's transport and the TLS context with the client. A proxy it cannot use (``socks5://``
without the ``socksio`` package, a scheme it does not know, a port that is no number or is over
65535), or an ``SSL_CERT_FILE`` that is missing or holds no certificate, then fails deep in httpx,
anyio or ssl; here it becomes a ``ConfigError`` that says which setting of the environment is at
fault (the command line's exit 2).
"""

from __future__ import annotations

import os
import re
import ssl
import threading
import urllib.request
from collections.abc import Iterator
from typing import Any

import httpx

from validator.errors import ConfigError
from validator.messages import without_credentials

__all__ = [
    "async_client",
    "caused_by",
    "certificate_refused",
    "check_environment",
    "speaks_no_tls",
    "tls_context",
    "user_agent",
]


def user_agent(template: str) -> str:
    """The ``User-Agent`` both clients send: the setting, its ``{version}`` filled in."""
    from validator import __version__  # resolved once per run, not at import

    return template.replace("{version}", __version__)


def tls_context(*, trust_env: bool) -> ssl.SSLContext:
    """The TLS context httpx would make; a ``ConfigError`` if the environment's CAs are unusable.

    Made once per thread for each CA setting, and shared by the runs of that thread: reading the
    CA bundle costs 25 to 40 ms, which an API call per pin paid on every call, blocking its
    caller's event loop. Not shared between threads: httpcore sets the context's ALPN protocols
    on every connection, which must not race another thread's handshake reading them. A new
    ``SSL_CERT_FILE``, ``SSL_CERT_DIR`` or ``SSLKEYLOGFILE``, or a change to the file or folder
    named, makes a new one.
    """
    named = tuple(os.environ.get(name) for name in _CA_VARIABLES) if trust_env else ()
    # The standard library's context reads SSLKEYLOGFILE (a debugging aid) whatever trust_env.
    key = (trust_env, named, tuple(map(_version_of, named)), os.environ.get("SSLKEYLOGFILE"))
    made: dict[object, ssl.SSLContext] | None = getattr(_THREAD, "contexts", None)
    if made is None:
        made = _THREAD.contexts = {}
    context = made.get(key)
    if context is None:
        if len(made) >= _KEPT:  # settings that keep changing: the oldest go
            made.clear()
        context = made[key] = _new_tls_context(trust_env=trust_env)
    return context


_THREAD = threading.local()
_KEPT = 8


def _version_of(path: str | None) -> tuple[int, ...] | None:
    """What tells one state of the file or folder at ``path`` from another; ``None`` if none."""
    if not path:
        return None
    try:
        found = os.stat(path)
    except (OSError, ValueError):  # missing, unreadable, or a name no file can have
        return None
    return found.st_ino, found.st_mtime_ns, found.st_ctime_ns, found.st_size


def _new_tls_context(*, trust_env: bool) -> ssl.SSLContext:
    folder = os.environ.get("SSL_CERT_DIR")
    if trust_env and folder and not os.environ.get("SSL_CERT_FILE"):  # httpx reads one of them
        _check_ca_folder(folder)
    try:
        return httpx.create_ssl_context(trust_env=trust_env)
    except (OSError, ssl.SSLError) as exc:  # SSL_CERT_FILE / SSL_CERT_DIR missing or not PEM
        keylog = os.environ.get("SSLKEYLOGFILE")
        if isinstance(exc, OSError) and keylog and exc.filename == keylog:
            # The standard library opens it for every context, whatever trust_env says.
            raise ConfigError(
                f"SSLKEYLOGFILE={keylog} cannot be written: {exc.strerror or exc} (it names "
                "the file TLS session keys are logged to, a debugging aid: point it at a "
                "writable file, or unset it)"
            ) from None
        if not trust_env:
            raise
        raise ConfigError(_certificates_message(exc)) from None


def _check_ca_folder(folder: str) -> None:
    """A ``ConfigError`` for an ``SSL_CERT_DIR`` that can hold no certificate OpenSSL finds.

    The folders (OpenSSL takes a list, ``dir1:dir2``) are read lazily, certificate by
    certificate as servers need them, and only under names made of their hash (``5ad8a5d6.0``,
    as ``openssl rehash`` writes them): missing or without such names, the context is made
    without a word and trusts nothing, and every https URL would be blamed for its certificate.
    """
    failed: OSError | None = None
    listed = False
    for each in filter(None, folder.split(os.pathsep)):
        try:
            names = os.listdir(each)
        except OSError as exc:
            failed = exc
            continue
        listed = True
        if any(_HASHED_NAME.fullmatch(name) for name in names):
            return
    if failed is not None and not listed:  # not one folder there: why, in the system's words
        raise ConfigError(_certificates_message(failed))
    reason = (
        "it holds no certificate named by its hash (such as 5ad8a5d6.0, which 'openssl rehash' "
        "writes), the only names OpenSSL looks up in a folder"
    )
    raise ConfigError(_certificates_message(reason))


_HASHED_NAME = re.compile(r"[0-9a-f]{8}\.[0-9]+")


def caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    """Whether ``exc``, or an exception it was raised from, is a ``kind``.

    httpx raises its own errors from the ``ssl`` error a handshake failed with (httpcore's
    ``from``): what the TLS layer said is found along that chain.
    """
    return any(isinstance(cause, kind) for cause in _chain(exc))


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and the exceptions it was raised from, each once (a chain may loop)."""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        yield cause
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__


def certificate_refused(exc: BaseException) -> bool:
    """Whether a connection failed on the server's certificate (a TLS-inspecting proxy, say).

    It fails the same way on every try: not worth retrying.
    """
    return caused_by(exc, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(exc)


def speaks_no_tls(exc: BaseException) -> bool:
    """Whether a handshake failed because the other end speaks no TLS (an http port, say).

    OpenSSL's words for bytes that are no TLS record. Not a handshake cut short (``SSLEOFError``:
    a flaky network or proxy, worth another try) nor a certificate refused.
    """
    return any(
        isinstance(cause, ssl.SSLError)
        and not isinstance(cause, ssl.SSLEOFError | ssl.SSLZeroReturnError)
        and getattr(cause, "reason", None) in _NOT_TLS
        for cause in _chain(exc)
    )


_NOT_TLS = frozenset(
    {"WRONG_VERSION_NUMBER", "UNKNOWN_PROTOCOL", "HTTP_REQUEST", "PACKET_LENGTH_TOO_LONG"}
    | {"RECORD_LAYER_FAILURE"}
)


def check_environment(*, trust_env: bool) -> None:
    """The ``ConfigError`` a run would meet making its clients, raised now (or nothing).

    For callers that must stop before the run (the pytest plugin, before its workers start).
    The client is made and let go: it has opened no connection.
    """
    async_client(trust_env=trust_env)


def async_client(**options: Any) -> httpx.AsyncClient:
    """``httpx.AsyncClient(**options)``; a ``ConfigError`` for a proxy or CA file it cannot use.

    Without ``verify``, the client gets ``tls_context``'s, as httpx would make it.
    """
    trust_env = options.get("trust_env", True)
    if "verify" not in options:
        options["verify"] = tls_context(trust_env=trust_env)
    if trust_env:
        _check_proxy_ports()
    try:
        return httpx.AsyncClient(**options)
    except ValueError as exc:
        if "proxy" not in str(exc).lower():  # the caller's options, not the environment's
            raise
        raise ConfigError(_proxy_message(exc)) from None
    except (ImportError, httpx.InvalidURL) as exc:  # no socksio; a proxy with a bad port
        raise ConfigError(_proxy_message(exc)) from None


def _certificates_message(exc: OSError | ssl.SSLError | str) -> str:
    # httpx reads SSL_CERT_FILE if set, else SSL_CERT_DIR: the one it read is at fault.
    named = [f"{name}={os.environ[name]}" for name in _CA_VARIABLES if os.environ.get(name)]
    where = named[0] if named else "the environment's CA settings"
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return (
        f"the CA certificates named by {where} cannot be loaded: {reason} (point it at a PEM "
        "file or folder, or unset it to use the system's)"
    )


_CA_VARIABLES = ("SSL_CERT_FILE", "SSL_CERT_DIR")


def _check_proxy_ports() -> None:
    """A ``ConfigError`` for an environment proxy whose port is over 65535.

    httpx takes such a URL, and the connection then fails deep in anyio (an ``OverflowError``
    in an exception group) out of every online call. The proxies are the ones httpx uses
    (``urllib.request.getproxies``' http, https and all; none under ``NO_PROXY=*``): an
    ``FTP_PROXY`` is nobody's business here.
    """
    found = urllib.request.getproxies()
    if "*" in (host.strip() for host in found.get("no", "").split(",")):
        return
    for scheme in ("http", "https", "all"):
        value = found.get(scheme)
        if not value:
            continue
        try:
            port = httpx.URL(value if "://" in value else f"http://{value}").port
        except httpx.InvalidURL:  # httpx says what is wrong with it when the client is made
            continue
        if port is not None and port > _MAX_PORT:
            raise ConfigError(_proxy_message(f"the {scheme} proxy's port {port} is over 65535"))


_MAX_PORT = 65535


def _proxy_message(exc: Exception | str) -> str:
    # httpx's words quote the proxy URL, whose user name is often a token (httpx hides the
    # password alone).
    return (
        "a proxy set in the environment (HTTP_PROXY, HTTPS_PROXY or ALL_PROXY) cannot be used: "
        f"{without_credentials(str(exc))}"
    )
