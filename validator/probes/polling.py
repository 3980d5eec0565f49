"""Whether an idle pooled connection was closed by its server, asked of its socket directly.

Before each request, httpcore's connection pool asks every idle connection whether its server
has closed it (``get_extra_info("is_readable")``). Through anyio, each question builds the
stream's whole attribute table, ``getpeername`` system call included, to read one socket: about
a tenth of the event loop's CPU per request in ``benchmarks/online.py``. ``_PolledBackend``
wraps the pool's network backend so that each connection looks its socket up once and polls it
itself; every other call goes to httpcore's own stream.

The pool's backend is httpcore's public interface (``httpcore.AsyncNetworkBackend``), but httpx
gives no way to pass one: ``poll_sockets_directly`` sets it on the pool httpx made (private
attributes, present since httpx 0.18 and httpcore 0.13). Where they are missing, the client is
left as it is, and works as before.
"""

from __future__ import annotations

import select
import socket
import ssl
import sys
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

__all__ = ["poll_sockets_directly"]


def poll_sockets_directly(client: httpx.AsyncClient) -> None:
    """Have ``client``'s pools (its own and its proxies') poll idle connections' sockets."""
    mounts: Iterable[Any] = getattr(client, "_mounts", {}).values()
    for transport in (getattr(client, "_transport", None), *mounts):
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if isinstance(backend, httpcore.AsyncNetworkBackend) and not isinstance(
            backend, _PolledBackend
        ):
            pool._network_backend = _PolledBackend(backend)  # type: ignore[union-attr]


class _PolledBackend(httpcore.AsyncNetworkBackend):
    """httpcore's backend, its streams answering ``is_readable`` from their socket."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend) -> None:
        self._inner = inner

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._inner.connect_tcp(host, port, timeout, local_address, socket_options)
        return _PolledStream(stream)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        return _PolledStream(await self._inner.connect_unix_socket(path, timeout, socket_options))

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class _PolledStream(httpcore.AsyncNetworkStream):
    """A connection's stream; its socket, looked up once, is polled for ``is_readable``."""

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner
        self._socket: socket.socket | None = None

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        return _PolledStream(await self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        if info != "is_readable":
            return self._inner.get_extra_info(info)
        if self._socket is None:
            self._socket = self._inner.get_extra_info("socket")
            if self._socket is None:  # a stream without one (a test's): its own answer
                return self._inner.get_extra_info(info)
        return _readable(self._socket)


def _readable(sock: socket.socket) -> bool:
    """Whether ``sock`` has bytes or an end to read: an idle connection its server closed.

    A socket closed on our side (no descriptor) counts as readable: the connection is done.
    """
    descriptor = sock.fileno()
    if descriptor == -1:
        return True
    if sys.platform == "win32" or not hasattr(select, "poll"):
        ready, _, _ = select.select([descriptor], [], [], 0)
        return bool(ready)
    poller = select.poll()
    poller.register(descriptor, select.POLLIN)
    return bool(poller.poll(0))
