"""Shared paths and payload loaders for the test suite (importable: pyproject sets pythonpath)."""

from __future__ import annotations

import json
import signal
import socket
import struct
import threading
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
VALID_PAYLOADS = sorted((FIXTURES / "payloads" / "valid").glob("*.json"))
CODE_FIXTURES = sorted((FIXTURES / "codes").glob("*.json"))


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def code_cases() -> list[Any]:
    """Every bad payload of fixtures/codes/, as pytest params ``(code, pin)`` with readable ids."""
    return [
        pytest.param(path.stem, case["pin"], id=f"{path.stem}: {case['case']}")
        for path in CODE_FIXTURES
        for case in load_json(path)
    ]


def png_header(width: int, height: int) -> bytes:
    """A PNG signature and IHDR chunk stating ``width`` x ``height`` (8-bit RGB): no pixels."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", len(ihdr))
        + chunk
        + struct.pack(">I", zlib.crc32(chunk))
    )


def sigterm_is_ours_to_take() -> bool:
    """Whether the command line would take SIGTERM here: in the main thread, no host's handler."""
    return threading.current_thread() is threading.main_thread() and (
        signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
    )


@contextmanager
def tcp_server(handle: Callable[[socket.socket], None]) -> Iterator[int]:
    """A bare TCP server on 127.0.0.1 that gives each connection to ``handle``: its port.

    For what no HTTP server does on purpose (hang up mid-handshake, answer and close). Each
    connection is closed once ``handle`` returns.
    """
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.05)  # closing a socket does not wake an accept() on Linux
    done = threading.Event()

    def serve() -> None:
        while not done.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            with connection:
                handle(connection)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        done.set()
        thread.join(5)
        listener.close()


@contextmanager
def black_hole() -> Iterator[int]:
    """A port on 127.0.0.1 that takes no connection: its queue is full, so each new one is dropped.

    A host that is down as a firewall or a dead route makes it (connecting times out); a refused
    connection would fail at once, and costs no time to begin with.
    """
    with (
        socket.create_server(("127.0.0.1", 0), backlog=0) as listener,  # never accept()ed
        socket.create_connection(listener.getsockname()),  # fills the queue of one
    ):
        yield listener.getsockname()[1]
