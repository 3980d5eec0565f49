"""Where the run's httpx clients are made: the media fetcher's and the account checker's.

Both honour the environment's proxies (``trust_env``), and httpx builds a proxy's transport with
the client. A proxy it cannot use (``socks5://`` without the ``socksio`` package, a scheme it does
not know, a port that is no number) then fails deep in httpx; here it becomes a ``ConfigError``
that says which setting of the environment is at fault (the command line's exit 2).
"""

from __future__ import annotations

from typing import Any

import httpx

from validator.errors import ConfigError

__all__ = ["async_client"]


def async_client(**options: Any) -> httpx.AsyncClient:
    """``httpx.AsyncClient(**options)``, or a ``ConfigError`` for a proxy it cannot use."""
    try:
        return httpx.AsyncClient(**options)
    except ValueError as exc:
        if "proxy" not in str(exc).lower():  # the caller's options, not the environment's
            raise
        raise ConfigError(_proxy_message(exc)) from None
    except (ImportError, httpx.InvalidURL) as exc:  # no socksio; a proxy with a bad port
        raise ConfigError(_proxy_message(exc)) from None


def _proxy_message(exc: Exception) -> str:
    return (
        "a proxy set in the environment (HTTP_PROXY, HTTPS_PROXY or ALL_PROXY) cannot be used: "
        f"{exc}"
    )
