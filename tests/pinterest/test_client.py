"""The account checks' HTTP client: what it keeps from an answer, and which failures it retries.

The requests themselves are tested against a fake Pinterest on 127.0.0.1 in ``test_account.py``
and ``test_account_faults.py``; these are its pure parts.
"""

from __future__ import annotations

import json
import ssl

import httpx

from validator.httpclient import certificate_refused
from validator.pinterest import client
from validator.pinterest.retry import should_retry


def test_only_texts_are_scrubbed_never_numbers_or_the_json_around_them() -> None:
    # A token of digits, or one found across an escape: the answer must stay what it was.
    body = {"pin_count": 120241, "name": "tab\there", "items": [{"2024 board": "x2024y"}]}
    assert client._without_secret(body, "2024") == {
        "pin_count": 120241,
        "name": "tab\there",
        "items": [{"[token] board": "x[token]y"}],
    }
    assert client._without_secret({"name": "tab\there"}, "there") == {"name": "tab\there"}
    deep = json.loads("[" * 900 + "]" * 900)  # as deep as the reader allows: walked, not recursed
    assert client._without_secret(deep, "x") == deep


def test_a_certificate_refused_is_told_apart_from_a_failure_of_the_moment() -> None:
    # Unit test of the classifier (a TLS server needs a key pair the repository does not keep);
    # checked by hand against a self-signed server: one request, no retry, the hint below.
    refused = httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")
    refused.__cause__ = ssl.SSLCertVerificationError(1, "certificate verify failed")
    assert certificate_refused(refused)
    assert not certificate_refused(httpx.ConnectError("Connection refused"))
    # The publishing helper sent such a request four times.
    assert not should_retry(refused, 1)
    assert should_retry(httpx.ConnectError("Connection refused"), 1)
