"""The demo's media server (``validator.demo.server``), serving ``fixtures/media`` by default."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from validator.demo.server import Logged, MediaServer
from validator.demo.server import serve as serve_from

__all__ = ["MEDIA", "Logged", "MediaServer", "serve"]

MEDIA = Path(__file__).resolve().parent.parent / "fixtures" / "media"


@contextmanager
def serve(roots: tuple[Path, ...] = (MEDIA,), latency: float = 0.0) -> Iterator[MediaServer]:
    """``validator.demo.server.serve`` with the fixtures as the default folder."""
    with serve_from(roots, latency) as server:
        yield server
