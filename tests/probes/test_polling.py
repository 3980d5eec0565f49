"""Idle pooled connections polled through their socket: the same answers as httpcore's own."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
from support import tcp_server

from validator.probes import polling
from validator.probes.polling import _PolledBackend, _readable, poll_sockets_directly

_ANSWER = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"


@contextmanager
def closing_server() -> Iterator[tuple[str, list[int]]]:
    """A server on 127.0.0.1 that answers one request per connection, then closes it.

    It sends no ``Connection: close``: the client keeps the connection for the next request,
    and only polling its socket tells that the server is gone. Yields the base URL and the
    number of connections it accepted (a list of one, updated).
    """
    accepted = [0]

    def answer(connection: socket.socket) -> None:
        accepted[0] += 1
        connection.recv(65536)
        connection.sendall(_ANSWER)

    with tcp_server(answer) as port:
        yield f"http://127.0.0.1:{port}", accepted


async def _two_requests(base: str) -> list[str]:
    async with httpx.AsyncClient() as client:
        poll_sockets_directly(client)
        answers = [(await client.get(f"{base}/a")).text]
        await asyncio.sleep(0.2)  # the server's close reaches the idle connection
        answers.append((await client.get(f"{base}/b")).text)
        return answers


def test_a_connection_the_server_closed_is_not_reused() -> None:
    with closing_server() as (base, accepted):
        assert asyncio.run(_two_requests(base)) == ["ok", "ok"]
    assert accepted[0] == 2


def test_the_poll_is_what_tells_a_closed_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    # Told "not readable", the pool sends the second request into the closed connection.
    monkeypatch.setattr(polling, "_readable", lambda sock: False)
    with closing_server() as (base, _), pytest.raises(httpx.RemoteProtocolError):
        asyncio.run(_two_requests(base))


def test_a_socket_with_bytes_waiting_or_closed_is_readable() -> None:
    ours, theirs = socket.socketpair()
    with ours, theirs:
        assert not _readable(ours)
        theirs.sendall(b"x")
        assert _readable(ours)
    assert _readable(ours)  # closed on our side: no descriptor


def test_every_pool_of_the_client_is_polled_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:3128")
    client = httpx.AsyncClient(trust_env=True)
    poll_sockets_directly(client)
    poll_sockets_directly(client)  # not wrapped twice
    pools = [client._transport, *(m for m in client._mounts.values() if m is not None)]
    assert len(pools) == 2
    for transport in pools:
        backend = transport._pool._network_backend  # type: ignore[attr-defined]
        assert isinstance(backend, _PolledBackend)
        assert not isinstance(backend._inner, _PolledBackend)


def test_a_client_without_the_expected_attributes_is_left_alone() -> None:
    class Other:
        _transport = object()

    poll_sockets_directly(Other())  # type: ignore[arg-type]
