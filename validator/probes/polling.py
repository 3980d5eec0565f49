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

The same answer retires the idle connections of the origins in ``no_reuse``: a server that sent
bytes past the end of an answer left them in the connection's buffer, where the next answer on
it begins (httpcore sees no status line there); its connections are never reused (the fetcher
names such origins). The socket itself shows nothing: those bytes were read with the answer.
"""

from __future__ import annotations

import select
import socket
import ssl
import sys
from collections.abc import Container, Iterable
from typing import Any

import httpcore
import httpx

__all__ = ["poll_sockets_directly"]


#: An origin as httpcore connects to it: the host (IDNA, as in the URL) and the port.
Origin = tuple[str, int]


def poll_sockets_directly(
    client: httpx.AsyncClient, no_reuse: Container[Origin] = frozenset()
) -> None:
    """Have ``client``'s pools (its own and its proxies') poll idle connections' sockets.

    An idle connection to an origin in ``no_reuse`` (which the caller may add to) is reported
    closed by its server, so the pool closes it and opens another.
    """
    mounts: Iterable[Any] = getattr(client, "_mounts", {}).values()
    for transport in (getattr(client, "_transport", None), *mounts):
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if isinstance(backend, httpcore.AsyncNetworkBackend) and not isinstance(
            backend, _PolledBackend
        ):
            pool._network_backend = _PolledBackend(backend, no_reuse)  # type: ignore[union-attr]


class _PolledBackend(httpcore.AsyncNetworkBackend):
    """httpcore's backend, its streams answering ``is_readable`` from their socket."""

    def __init__(
        self, inner: httpcore.AsyncNetworkBackend, no_reuse: Container[Origin] = frozenset()
    ) -> None:
        self._inner = inner
        self._no_reuse = no_reuse

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._inner.connect_tcp(host, port, timeout, local_address, socket_options)
        return _PolledStream(stream, (host, port), self._no_reuse)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        return _PolledStream(await self._inner.connect_unix_socket(path, timeout, socket_options))

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class _PolledStream(httpcore.AsyncNetworkStream):
    """A connection's stream; its socket, looked up once, is polled for ``is_readable``."""

    def __init__(
        self,
        inner: httpcore.AsyncNetworkStream,
        origin: Origin | None = None,
        no_reuse: Container[Origin] = frozenset(),
    ) -> None:
        self._inner = inner
        self._origin = origin
        self._no_reuse = no_reuse
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
        tls = await self._inner.start_tls(ssl_context, server_hostname, timeout)
        return _PolledStream(tls, self._origin, self._no_reuse)

    def get_extra_info(self, info: str) -> Any:
        if info != "is_readable":
            return self._inner.get_extra_info(info)
        if self._origin in self._no_reuse:  # asked only of an idle connection: retired
            return True
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
