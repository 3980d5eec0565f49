"""``explain``: a saved Pinterest error response in, the code and what to do out."""

from __future__ import annotations

import argparse
import io
import json
import re
from pathlib import Path

import httpx
import pytest
from support import FIXTURES

from validator import explain
from validator.codes import CATALOGUE
from validator.errors import ConfigError, SourceError, ValidatorError
from validator.pinterest.errors import classify_response
from validator.sources import MAX_DOCUMENT

RESPONSES = FIXTURES / "responses"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    """Parse ``explain ARGV`` with a parser of our own, as the CLI will, and run the handler."""
    parser = argparse.ArgumentParser(prog="pin-preflight")
    explain.add_parser(parser.add_subparsers())
    args = parser.parse_args(["explain", *argv])
    status: int = args.handler(args)
    out, err = capsys.readouterr()
    assert err == ""
    return status, out


def lines(out: str) -> dict[str, str]:
    return dict(line.split(":", 1) for line in out.splitlines())


def test_a_rate_limit_reads_as_retry_later_with_its_wait(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out = run(capsys, str(RESPONSES / "code-8-retry-after-seconds.json"))
    assert status == 0
    facts = {key: value.strip() for key, value in lines(out).items()}
    assert facts["code"] == "rate_limit.exceeded (error)"
    assert facts["action"] == "Retry later"
    assert facts["retry"] == "yes, after 30 s"
    assert facts["status"] == "429"
    assert facts["pinterest"].startswith('code 8 "This request exceeded a rate limit.')
    assert facts["fix"] == CATALOGUE["rate_limit.exceeded"].fix


def test_a_wait_no_one_waits_out_is_not_spelled_out(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # "yes, after 100000000000000004764729344 s"; then "yes, on your own schedule", while the
    # JSON's retry_now said true and should_retry's loop slept for the 10**26 seconds.
    envelope = {"status": 429, "headers": {"Retry-After": "1" + "0" * 26}, "body": {"code": 8}}
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(envelope)))
    _, out = run(capsys, "-")
    retry = {key: value.strip() for key, value in lines(out).items()}["retry"]
    assert retry == "later, not now: its Retry-After asks for over 300 s; reschedule it"
    # The JSON says the same: should_retry, which a publishing loop follows, says no.
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(envelope)))
    _, out = run(capsys, "--format", "json", "-")
    assert json.loads(out)["retry_now"] is False


def test_an_expired_token_reads_as_reconnect_with_the_request_id(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, out = run(capsys, str(RESPONSES / "code-2-authentication-failed.json"))
    assert "action:      Reconnect\n" in out
    assert "retry:       no: the same request fails again\n" in out
    assert "request id:  0a1b2c3d4e5f\n" in out


def test_a_user_error_reads_as_fix_input(capsys: pytest.CaptureFixture[str]) -> None:
    _, out = run(capsys, str(RESPONSES / "code-1-board-id-pattern.json"))
    assert "code:        board.invalid_id (error)\n" in out
    assert "action:      Fix input\n" in out
    assert "decided by:  message: id pattern error naming board_id\n" in out


def test_the_spam_block_says_reschedule(capsys: pytest.CaptureFixture[str]) -> None:
    _, out = run(capsys, str(RESPONSES / "spam-block.json"))
    assert "retry:       later, not now: reschedule it\n" in out


def test_a_non_json_body_is_classified_by_status(capsys: pytest.CaptureFixture[str]) -> None:
    _, out = run(capsys, str(RESPONSES / "html-502.json"))
    assert "code:        platform.server_error (error)\n" in out
    assert "pinterest:   none (no JSON error body)\n" in out
    assert "request id:  none\n" in out


def test_json_output_has_the_classification_and_the_fix(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out = run(capsys, str(RESPONSES / "code-40-board-not-found.json"), "--format", "json")
    assert status == 0
    document = json.loads(out)
    assert document["code"] == "board.not_found"
    assert document["action"] == "user-error"
    assert document["action_label"] == "Fix input"
    assert document["retryable"] is False
    assert document["platform_code"] == 40
    assert document["fix"] == CATALOGUE["board.not_found"].fix


def test_a_bare_body_needs_its_status(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    body = tmp_path / "body.json"
    body.write_text('{"code": 2, "message": "Authentication failed.", "status": "failure"}')
    _, out = run(capsys, str(body), "--status", "401", "--format", "json")
    assert json.loads(out)["code"] == "auth.unauthorized"
    with pytest.raises(ConfigError, match="--status N"):
        run(capsys, str(body))


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ("<html><body>502 Bad Gateway</body></html>\n", "502", "platform.server_error"),
        ("", "503", "platform.server_error"),  # an empty body, saved as such
        ('"Service Unavailable"', "503", "platform.server_error"),  # JSON, but no error object
        ("upstream connect error", "401", "auth.unauthorized"),
        ("[error] upstream timed out\n", "503", "platform.server_error"),  # a log line
        ("[2026-12-01 06:00:01] upstream timed out\n", "503", "platform.server_error"),
        ("[1, 2", "503", "platform.server_error"),  # a list holds no error body either way
    ],
)
def test_a_body_that_is_no_json_object_is_classified_by_the_status_given(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, body: str, status: str, code: str
) -> None:
    # A proxy's HTML page saved from a failed publish was "not JSON: Expecting value", exit 2.
    saved = tmp_path / "body.html"
    saved.write_text(body)
    _, out = run(capsys, str(saved), "--status", status, "--format", "json")
    document = json.loads(out)
    assert (document["code"], document["status"]) == (code, int(status))
    with pytest.raises(SourceError):  # without a status, no HTTP answer can be told
        run(capsys, str(saved))


@pytest.mark.parametrize(
    "body", ["{'code': 2, 'message': 'Authentication failed.'}", '{"code": 3,', '  {"code"']
)
def test_broken_json_stays_an_error_even_with_a_status(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, body: str
) -> None:
    # Read as text, it was classified by the status alone, Pinterest's code in it unread.
    saved = tmp_path / "body.json"
    saved.write_text(body)
    with pytest.raises(SourceError, match="not JSON"):
        run(capsys, str(saved), "--status", "403")


def test_status_overrides_the_envelope(capsys: pytest.CaptureFixture[str]) -> None:
    _, out = run(capsys, str(RESPONSES / "empty-400.json"), "--status", "503", "--format", "json")
    assert json.loads(out)["code"] == "platform.server_error"


def test_an_envelope_without_body_or_headers(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "r.json"
    path.write_text('{"status": 404}')
    _, out = run(capsys, str(path), "--format", "json")
    assert json.loads(out)["code"] == "platform.not_found"


def test_standard_input(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    envelope = {"status": 429, "headers": {"x-pinterest-rid": "rid-1"}, "body": {"code": 8}}
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(envelope)))
    _, out = run(capsys, "-", "--format", "json")
    assert json.loads(out)["request_id"] == "rid-1"


@pytest.mark.parametrize(
    ("content", "error", "message"),
    [
        (None, SourceError, "r.json: no such file"),
        ('{"status": 429, "body": ', SourceError, r"r\.json:1:\d+: not JSON"),
        ("[1, 2]", SourceError, "expected a JSON object"),
        ('{"status": "429", "body": {}}', SourceError, "not an HTTP status"),
        ('{"status": true, "body": {}}', SourceError, "status true is not"),  # JSON's spelling
        ('{"status": 429, "headers": ["x"]}', SourceError, "headers must be an object"),
        ('{"status": 200, "body": {}}', ConfigError, "not an HTTP error status"),
    ],
)
def test_unreadable_input_is_a_one_line_error(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    content: str | None,
    error: type[ValidatorError],
    message: str,
) -> None:
    path = tmp_path / "r.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(error, match=message):
        run(capsys, str(path))
    # The command line turns every ValidatorError into one line on stderr and exit status 2.
    assert issubclass(error, ValidatorError)


def test_what_is_no_response_is_refused_unread(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # explain read its input whole, with no limit: `explain /dev/zero` ran the machine out of
    # memory, and a video given by mistake was read to its end. Refused as check refuses them.
    expected = "not an API response (JSON)"
    photo = tmp_path / "photo.jpg"
    photo.write_bytes((FIXTURES / "media" / "photo-baseline.jpg").read_bytes())
    with pytest.raises(SourceError, match=rf"photo.jpg: is a JPEG image, {re.escape(expected)}"):
        run(capsys, str(photo))
    if Path("/dev/zero").exists():
        with pytest.raises(
            SourceError, match=rf"/dev/zero: is binary data .*{re.escape(expected)}"
        ):
            run(capsys, "/dev/zero")
    huge = tmp_path / "huge.json"
    with huge.open("wb") as sparse:  # no disk used: its size is what is refused
        sparse.write(b'{"status": 429, "body": {"code": 8, "message": "' + b" " * 64)  # text first
        sparse.truncate(MAX_DOCUMENT + 1)
    with pytest.raises(SourceError, match=r"huge.json: over 256 MiB: too large for an API resp"):
        run(capsys, str(huge))


def test_every_fixture_explains(capsys: pytest.CaptureFixture[str]) -> None:
    for path in sorted(RESPONSES.glob("*.json")):
        status, out = run(capsys, str(path))
        assert status == 0
        assert out.startswith("code:"), path.name
        assert "fix:" in out, path.name


def test_the_cli_wires_explain_and_refuses_unreadable_input_with_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from validator.cli import EXIT_OK, EXIT_UNUSABLE, main

    body = tmp_path / "response.json"
    body.write_text('{"code": 8, "message": "This request exceeded a rate limit."}', "utf-8")
    assert main(["explain", str(body), "--status", "429"]) == EXIT_OK
    assert "rate_limit.exceeded" in capsys.readouterr().out
    broken = tmp_path / "broken.json"
    broken.write_text("<html>502 Bad Gateway</html>", "utf-8")
    assert main(["explain", str(broken)]) == EXIT_UNUSABLE
    assert "broken.json" in capsys.readouterr().err


def test_json_too_deep_or_too_long_to_read_is_one_error(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    long = tmp_path / "long.json"
    long.write_text('{"code": ' + "9" * 5000 + ', "message": "x"}')
    for path in (deep, long):
        with pytest.raises(SourceError, match="too long or too deep"):
            explain.load(str(path))


def test_a_code_of_thousands_of_digits_is_no_code() -> None:
    response = httpx.Response(400, content=b'{"code": "' + b"9" * 5000 + b'", "message": "x"}')
    assert classify_response(response).platform_code is None


def test_the_json_says_whether_to_retry_now(capsys: pytest.CaptureFixture[str]) -> None:
    """The spam block is retryable later, never now: a script must not loop into it."""
    _, out = run(capsys, str(RESPONSES / "spam-block.json"), "--format", "json")
    document = json.loads(out)
    assert document["retryable"] is True
    assert document["retry_now"] is False
    _, out = run(capsys, str(RESPONSES / "code-8-retry-after-seconds.json"), "--format", "json")
    assert json.loads(out)["retry_now"] is True


def test_input_is_read_as_check_reads_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    message = "Sorry! We couldn\u2019t find this board section."
    body = json.dumps({"status": 404, "body": {"message": message}})  # the apostrophe escaped
    with_bom = tmp_path / "bom.json"
    with_bom.write_bytes(b"\xef\xbb\xbf" + body.encode())  # PowerShell's UTF-8
    _, out = run(capsys, str(with_bom), "--format", "json")
    assert json.loads(out)["code"] == "board.section_not_found"
    curly = body.replace("\\u2019", "\u2019").encode("utf-8")  # the apostrophe as UTF-8 bytes
    assert "\u2019".encode() in curly
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(curly), encoding="latin-1"))
    _, out = run(capsys, "-", "--format", "json")  # the locale's encoding is not the input's
    assert json.loads(out)["code"] == "board.section_not_found"
    latin = tmp_path / "latin.json"
    latin.write_bytes(b'{"status": 404, "body": {"message": "caf\xe9"}}')
    with pytest.raises(SourceError, match="not UTF-8 text \\(byte 0xE9 at offset 40\\)"):
        explain.load(str(latin))


def test_header_values_as_lists_or_null(tmp_path: Path) -> None:
    response = tmp_path / "go.json"
    response.write_text(
        json.dumps(
            {
                "status": 429,
                "headers": {"Retry-After": ["30"], "X-Pinterest-Rid": None},
                "body": {"code": 8, "message": "rate limit"},
            }
        ),
        encoding="utf-8",
    )
    outcome = explain.load(str(response))
    assert outcome.retry_after == 30.0
    assert outcome.request_id is None  # not "None"


def test_what_pinterest_wrote_cannot_forge_lines_or_colours(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    response = tmp_path / "odd.json"
    response.write_text(
        json.dumps(
            {
                "status": 400,
                "headers": {"x-pinterest-rid": "abc\u001b[2J"},
                "body": {"code": 1, "message": "Invalid\ncode: forged\u001b[31m" + "x" * 5000},
            }
        ),
        encoding="utf-8",
    )
    _, out = run(capsys, str(response))
    assert "\x1b" not in out
    assert sum(line.startswith("code:") for line in out.splitlines()) == 1
    assert max(len(line) for line in out.splitlines()) < 400
    long = {"status": 400, "body": {"code": 1, "message": "Invalid parameters. " + "word " * 2000}}
    response.write_text(json.dumps(long), encoding="utf-8")
    _, out = run(capsys, str(response), "--format", "json")
    said = json.loads(out)["platform_message"]
    assert said.startswith("Invalid parameters. word word")
    assert len(said) == 300  # at most 300 characters, in either format (README)


def test_odd_input_is_an_error_or_an_answer_never_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    deep = tmp_path / "deep.json"  # header values nested 500 deep: no value, not a crash
    nested = "[" * 500 + '"30"' + "]" * 500
    deep.write_text(f'{{"status": 429, "headers": {{"Retry-After": {nested}}}, "body": {{}}}}')
    assert explain.load(str(deep)).retry_after is None
    monkeypatch.setattr("sys.stdin", io.StringIO('{"status": 401, "body": {"message": "a\ud800"}}'))
    assert explain.load("-").code == "auth.unauthorized"  # a host's text stream: read as check does
    utf16 = tmp_path / "utf16.json"
    utf16.write_bytes(b"\xff\xfe" + '{"status": 404}'.encode("utf-16-le"))
    with pytest.raises(SourceError, match="UTF-16 text; save it as UTF-8"):  # as check says
        explain.load(str(utf16))
    lone = tmp_path / "lone.json"  # escaped in the JSON itself: valid input, odd text
    lone.write_text('{"status": 400, "body": {"code": 1, "message": "bad \\ud800 x"}}')
    _, out = run(capsys, str(lone), "--format", "json")
    assert json.loads(out)["platform_message"] == "bad \ud800 x"


def test_a_token_in_pinterest_s_message_is_masked_in_every_format(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # The text hid it; --format json printed Pinterest's message as it was, token and all.
    token = "pina_AbCdEfGh0123456789XyZabcdefghijkl"  # made up
    response = tmp_path / "r.json"
    response.write_text(json.dumps({
        "status": 401, "headers": {"x-pinterest-rid": f"rid {token}"},
        "body": {"code": 2, "message": f"Authentication failed for {token}"},
    }))  # fmt: skip
    for argv in ((), ("--format", "json")):
        _, out = run(capsys, str(response), *argv)
        assert token not in out
        assert "(a token: not shown)" in out


@pytest.mark.parametrize("output", ["text", "json"])
def test_secrets_in_what_pinterest_wrote_are_masked_in_either_format(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    output: str,
) -> None:
    # JSON showed a signed URL's password, signature and token, which text masked; text showed
    # the value of the environment's token, which JSON masked.
    monkeypatch.setenv("PINTEREST_ACCESS_TOKEN", "MySecretTok3n-live.xyz")
    url = "https://alice:hunter2@cdn.example.com/a.jpg?X-Amz-Signature=deadbeef&access_token=s3cr3t"
    message = f"Could not fetch {url}; token MySecretTok3n-live.xyz"
    answer = tmp_path / "answer.json"
    answer.write_text(json.dumps({"status": 400, "body": {"code": 1, "message": message}}))
    _, out = run(capsys, str(answer), "--format", output)
    for secret in ("hunter2", "deadbeef", "s3cr3t", "MySecretTok3n"):
        assert secret not in out, secret
    assert "cdn.example.com/a.jpg" in out
