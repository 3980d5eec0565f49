"""The run's httpx clients: what the environment names and httpx cannot use is a ConfigError."""

from __future__ import annotations

import os
import ssl
import threading
from pathlib import Path

import certifi
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


@pytest.mark.parametrize("trust_env", [True, False])
def test_a_key_log_file_that_cannot_be_written_names_its_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, trust_env: bool
) -> None:
    # The standard library opens it for every TLS context: a traceback (trust-env = false), or
    # an error that blamed SSL_CERT_FILE.
    keylog = tmp_path / "missing" / "keys.log"
    monkeypatch.setenv("SSLKEYLOGFILE", str(keylog))
    with pytest.raises(ConfigError, match=f"^SSLKEYLOGFILE={keylog} cannot be written: No such"):
        tls_context(trust_env=trust_env)


@pytest.mark.parametrize("kind", ["missing", "empty", "unhashed", "missing-listed"])
def test_a_ca_folder_that_holds_no_certificate_openssl_finds_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, kind: str
) -> None:
    # The folder is read lazily: the context trusted nothing, and every https URL was blamed.
    folder = tmp_path / "certs"
    if not kind.startswith("missing"):
        folder.mkdir()
    if kind == "unhashed":
        (folder / "ca.pem").write_text(Path(certifi.where()).read_text())
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    value = f"{folder}{os.pathsep}{tmp_path / 'other'}" if kind == "missing-listed" else str(folder)
    monkeypatch.setenv("SSL_CERT_DIR", value)
    with pytest.raises(
        ConfigError, match=f"named by SSL_CERT_DIR={value} cannot be loaded"
    ) as raised:
        tls_context(trust_env=True)
    if kind.startswith("missing"):  # every folder named is missing: said so, not "no hash"
        assert "No such file or directory" in str(raised.value)
    tls_context(trust_env=False)  # not read


@pytest.mark.parametrize("listed", [False, True], ids=["one", "listed-after-an-empty-one"])
def test_a_ca_folder_of_hashed_names_is_taken(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, listed: bool
) -> None:
    hashed, empty = tmp_path / "hashed", tmp_path / "empty"
    hashed.mkdir()
    empty.mkdir()
    (hashed / "5ad8a5d6.0").write_text(Path(certifi.where()).read_text())
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    # OpenSSL takes a list of folders: one with certificates among them is enough.
    value = f"{empty}{os.pathsep}{tmp_path / 'missing'}{os.pathsep}{hashed}" if listed else hashed
    monkeypatch.setenv("SSL_CERT_DIR", str(value))
    assert isinstance(tls_context(trust_env=True), ssl.SSLContext)


@pytest.mark.usefixtures("broken_bundle")
def test_an_untrusted_environment_is_not_read() -> None:
    tls_context(trust_env=False)  # the CA bundle shipped with certifi, whatever the variable says
    async_client(trust_env=False)


def test_the_ca_bundle_is_read_once_per_setting(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Every online API call read the CA bundle again (25 to 40 ms on its caller's event loop).
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    default = tls_context(trust_env=True)
    assert tls_context(trust_env=True) is default
    assert tls_context(trust_env=False) is tls_context(trust_env=False)

    bundle = tmp_path / "ca.pem"
    bundle.write_bytes(Path(certifi.where()).read_bytes())
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    named = tls_context(trust_env=True)
    assert named is not default
    assert tls_context(trust_env=True) is named
    assert tls_context(trust_env=False) is not named  # the variable is not read then

    with bundle.open("a") as more:  # the bundle updated in place: read again
        more.write("\n")
    assert tls_context(trust_env=True) is not named


def test_each_thread_has_its_own_tls_context() -> None:
    # httpcore sets the context's ALPN protocols on every connection: shared by the runs of two
    # threads, one thread's setting could free what another's handshake was reading.
    mine = tls_context(trust_env=False)
    theirs: list[ssl.SSLContext] = []
    other = threading.Thread(
        target=lambda: theirs.extend(tls_context(trust_env=False) for _ in "ab")
    )
    other.start()
    other.join()
    assert theirs[0] is theirs[1]  # kept in that thread too
    assert theirs[0] is not mine
    assert tls_context(trust_env=False) is mine


def test_a_ca_file_that_cannot_be_loaded_is_refused_every_time(broken_bundle: Path) -> None:
    for _ in range(2):  # not remembered as usable, nor as broken: fixed, it is read
        with pytest.raises(ConfigError):
            tls_context(trust_env=True)
    broken_bundle.write_bytes(Path(certifi.where()).read_bytes())
    tls_context(trust_env=True)


@pytest.mark.parametrize(
    "environment",
    [
        {"FTP_PROXY": "http://proxy.example:99999"},  # httpx reads http, https and all alone
        {"HTTPS_PROXY": "http://proxy.example:99999", "NO_PROXY": "*"},  # no proxy at all
    ],
)
def test_a_proxy_httpx_does_not_use_is_not_judged(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str]
) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    async_client(trust_env=True)  # no ConfigError: every online run failed on it
    monkeypatch.setenv("ALL_PROXY", "http://proxy.example:70000")
    if "NO_PROXY" not in environment:
        with pytest.raises(ConfigError, match="the all proxy's port 70000 is over 65535"):
            async_client(trust_env=True)
