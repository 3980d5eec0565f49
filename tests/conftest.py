"""Suite-wide settings: no test may send a developer's real Pinterest token anywhere, and no
property test fails for being slow."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

# The command lines the tests start run as on a machine without PYTHONUNBUFFERED: a
# developer's setting hid a report buffered in stdout that failed only at exit (status 120).
os.environ.pop("PYTHONUNBUFFERED", None)

# Hypothesis fails an example that takes over 200 ms by default: a timed test, which a loaded
# 2-core CI machine failed (828 ms for one example of test_clean). Speed is the benchmarks' job.
settings.register_profile("pin-preflight", deadline=None)
settings.load_profile("pin-preflight")


@pytest.fixture(autouse=True)
def _no_real_pinterest_token(monkeypatch: pytest.MonkeyPatch) -> None:
    """Account checks run whenever PINTEREST_ACCESS_TOKEN is set; tests that want them set it."""
    monkeypatch.delenv("PINTEREST_ACCESS_TOKEN", raising=False)
