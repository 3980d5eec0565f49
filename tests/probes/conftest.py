"""Shared helpers for the probe tests: a fetch callback over local bytes that counts its calls."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from validator.probes.rangefile import RangeFile


class CountingFetch:
    """``fetch(start, end_inclusive)`` over bytes, recording every call like an HTTP log would."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.calls: list[tuple[int, int]] = []

    def __call__(self, start: int, end_inclusive: int) -> bytes:
        assert 0 <= start <= end_inclusive, (start, end_inclusive)
        self.calls.append((start, end_inclusive))
        return self.data[start : end_inclusive + 1]

    @property
    def requests(self) -> int:
        return len(self.calls)

    @property
    def bytes_served(self) -> int:
        return sum(len(self.data[a : b + 1]) for a, b in self.calls)


@pytest.fixture
def remote() -> Callable[..., tuple[RangeFile, CountingFetch]]:
    """Open bytes the way the network stage will: one ranged GET of the head, then a RangeFile.

    The head request goes through the same counting fetch, so ``requests`` and ``bytes_served``
    are what a probe costs in total.
    """

    def open_remote(
        data: bytes, head: int = 64 * 1024, **options: Any
    ) -> tuple[RangeFile, CountingFetch]:
        fetch = CountingFetch(data)
        first = fetch(0, min(head, len(data)) - 1) if data else b""
        return RangeFile(len(data), fetch, head=first, **options), fetch

    return open_remote
