"""Suite-wide safety: no test may send a developer's real Pinterest token anywhere."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _no_real_pinterest_token(monkeypatch: pytest.MonkeyPatch) -> None:
    """Account checks run whenever PINTEREST_ACCESS_TOKEN is set; tests that want them set it."""
    monkeypatch.delenv("PINTEREST_ACCESS_TOKEN", raising=False)
