"""The run's httpx clients: what the environment names and httpx cannot use is a ConfigError."""

from __future__ import annotations

from pathlib import Path

import pytest

from validator.errors import ConfigError
from validator.httpclient import async_client, tls_context


@pytest.fixture
def broken_bundle(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    bundle = tmp_path / "ca.pem"
    bundle.write_text("not a certificate\n")
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    return bundle


def test_a_ca_file_that_cannot_be_loaded_names_the_variable(broken_bundle: Path) -> None:
    for make in (lambda: tls_context(trust_env=True), lambda: async_client(trust_env=True)):
        with pytest.raises(ConfigError, match=f"named by SSL_CERT_FILE={broken_bundle} cannot"):
            make()


@pytest.mark.usefixtures("broken_bundle")
def test_an_untrusted_environment_is_not_read() -> None:
    tls_context(trust_env=False)  # the CA bundle shipped with certifi, whatever the variable says
    async_client(trust_env=False)
