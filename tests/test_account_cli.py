"""Account checks through ``pin-preflight check``, against the fake Pinterest API on 127.0.0.1.

Every account code reaches the JSON report through the command line (the token from the
environment, ``--api-base`` at the fake), and the flags do what they say: ``--token-env``,
``--no-account-checks``, ``--offline``. The token is never in standard output, standard error or
a report file, not even when the server echoes it back.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fake_pinterest import ACCOUNT, FakePinterest
from fake_pinterest import serve as serve_pinterest
from media_server import MediaServer
from media_server import serve as serve_media

from validator.cli import EXIT_ERRORS, EXIT_OK, EXIT_UNUSABLE, main

GOOD = "pina_good"
SECRET = "pina_Zq8xVw3SECRETtoken91"
ACCOUNT_PREFIXES = ("auth.", "board.", "media.not_processed", "media.processing_failed",
                    "media.media_id_not_found", "rate_limit.")  # fmt: skip


@pytest.fixture(scope="module")
def media() -> Iterator[MediaServer]:
    with serve_media() as server:
        yield server


@pytest.fixture
def fake() -> Iterator[FakePinterest]:
    with serve_pinterest() as server:
        yield server


@pytest.fixture(autouse=True)
def _no_inherited_token(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A token in the developer's environment must not reach the tests' runs (nor Pinterest)."""
    monkeypatch.delenv("PINTEREST_ACCESS_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)  # no pyproject.toml of the project's above


def image_pin(media: MediaServer, board_id: str = "1001", **extra: Any) -> dict[str, Any]:
    return {
        "board_id": board_id,
        "title": "Spring tulip table",
        "media_source": {"source_type": "image_url", "url": media.url("/media/photo-baseline.jpg")},
        **extra,
    }


def video_pin(media: MediaServer, media_id: str) -> dict[str, Any]:
    return {
        "board_id": "1001",
        "title": "Spring table in 30 seconds",
        "media_source": {
            "source_type": "video_id",
            "media_id": media_id,
            "cover_image_url": media.url("/media/cover.jpg"),
            "cover_image_content_type": "image/jpeg",
        },
    }


def write(folder: Path, pins: list[dict[str, Any]]) -> str:
    path = folder / "pins.json"
    path.write_text(json.dumps(pins), encoding="utf-8")
    return str(path)


def check(
    capsys: pytest.CaptureFixture[str], fake: FakePinterest, *argv: str
) -> tuple[int, list[list[tuple[str, str | None]]], str, str]:
    """Run check with --format json; the account findings of each pin, and the raw output."""
    status = main(["check", "--api-base", fake.base, "--allow-private-hosts", "--format", "json",
                   *argv])  # fmt: skip
    out, err = capsys.readouterr()
    results = json.loads(out)["results"] if out.strip() else []
    found = [
        [(f["code"], f["field"]) for f in r["findings"] if f["code"].startswith(ACCOUNT_PREFIXES)]
        for r in results
    ]
    return status, found, out, err


CASES = [
    ("pina_dead", lambda m: image_pin(m), ("auth.unauthorized", None)),
    ("pina_expired", lambda m: image_pin(m), ("auth.invalid_token", None)),
    ("Bearer pina_good", lambda m: image_pin(m), ("auth.invalid_token", None)),
    ("pina_noscope", lambda m: image_pin(m), ("auth.missing_scope", "board_id")),
    (GOOD, lambda m: image_pin(m, "999"), ("board.not_found", "board_id")),
    (GOOD, lambda m: image_pin(m, "3001"), ("board.no_access", "board_id")),
    (GOOD, lambda m: image_pin(m, board_section_id="5999"),
     ("board.section_not_found", "board_section_id")),
    (GOOD, lambda m: video_pin(m, "7003"), ("media.not_processed", "media_source.media_id")),
    (GOOD, lambda m: video_pin(m, "7004"), ("media.processing_failed", "media_source.media_id")),
    (GOOD, lambda m: video_pin(m, "7999"), ("media.media_id_not_found", "media_source.media_id")),
]  # fmt: skip


@pytest.mark.parametrize(
    ("token", "make", "expected"), CASES, ids=[c[2][0] + "/" + c[0] for c in CASES]
)
def test_each_account_code_reaches_the_report(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    fake: FakePinterest,
    media: MediaServer,
    token: str,
    make: Any,
    expected: tuple[str, str | None],
) -> None:
    monkeypatch.setenv("PINTEREST_ACCESS_TOKEN", token)
    status, found, _, _ = check(capsys, fake, write(tmp_path, [make(media), image_pin(media)]))
    assert status == EXIT_ERRORS
    assert found[0] == [expected]
    if not expected[0].startswith("auth."):
        assert found[1] == []  # the other pin, on a usable board, passes


def test_rate_limit_exceeded_reaches_the_report(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    media: MediaServer,
) -> None:
    monkeypatch.setenv("PINTEREST_ACCESS_TOKEN", GOOD)
    account = dataclasses.replace(ACCOUNT, throttle={"/v5/boards/4001": -1})
    with serve_pinterest(account) as fake:
        pins = [image_pin(media, "4001"), image_pin(media, "1002")]
        status, found, _, _ = check(capsys, fake, write(tmp_path, pins))
    assert status == EXIT_ERRORS
    assert found == [[("rate_limit.exceeded", "board_id")], []]


def test_board_names_of_a_bulk_csv_are_looked_up(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    fake: FakePinterest,
    media: MediaServer,
) -> None:
    monkeypatch.setenv("PINTEREST_ACCESS_TOKEN", GOOD)
    when = (datetime.now(UTC) + timedelta(days=3)).strftime("%Y-%m-%d")
    image = media.url("/media/photo-baseline.jpg")
    csv = tmp_path / "calendar.csv"
    csv.write_text(
        "Title,Media URL,Pinterest board,Publish date\n"
        f"One,{image},Summer travel,{when}\n"
        f"Two,{image},Sumer travel,{when}\n",
        encoding="utf-8",
    )
    status, found, out, _ = check(capsys, fake, str(csv))
    assert status == EXIT_ERRORS
    assert found == [[], [("board.name_not_found", "Pinterest board")]]
    assert 'The closest of the account\'s boards: \\"Summer travel\\"' in out


@pytest.mark.parametrize("held_elsewhere", [False, True])
def test_token_env_names_the_variable(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    fake: FakePinterest,
    media: MediaServer,
    held_elsewhere: bool,
) -> None:
    monkeypatch.setenv("MY_PINTEREST_TOKEN", GOOD)
    if held_elsewhere:
        # A wrapper script's TOKEN_VARIABLE=MY_PINTEREST_TOKEN made that name "a value that
        # looks like a token", and the run was refused although the variable is set.
        monkeypatch.setenv("TOKEN_VARIABLE", "MY_PINTEREST_TOKEN")
    status, found, _, err = check(capsys, fake, "--token-env", "MY_PINTEREST_TOKEN",
                                  write(tmp_path, [image_pin(media, "999")]))  # fmt: skip
    assert (status, found, err) == (EXIT_ERRORS, [[("board.not_found", "board_id")]], "")
    assert {r.authorization for r in fake.log} == {f"Bearer {GOOD}"}


def test_an_unset_token_env_is_an_unusable_invocation(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fake: FakePinterest, media: MediaServer
) -> None:
    status, _, _, err = check(capsys, fake, "--token-env", "NOT_SET_ANYWHERE",
                                write(tmp_path, [image_pin(media)]))  # fmt: skip
    assert status == EXIT_UNUSABLE
    assert "--token-env NOT_SET_ANYWHERE: the variable is not set" in err
    assert fake.log == []


@pytest.mark.parametrize("given", ["the token", "a token with a dash"])
@pytest.mark.parametrize("offline", [False, True])
def test_a_token_passed_as_the_variable_name_is_never_printed(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    fake: FakePinterest,
    media: MediaServer,
    given: str,
    offline: bool,
) -> None:
    # `--token-env $PINTEREST_ACCESS_TOKEN`: the value where its variable's name goes. Offline,
    # no variable is read, and the token was accepted without a word, to stay in the CI line.
    token = "pina_" + "FAKE0TOKEN0QQ" * 5  # made up: as long as a real one
    if given == "a token with a dash":
        token = token.replace("Q", "-")  # no variable name: refused by the name check instead
    monkeypatch.setenv("PINTEREST_ACCESS_TOKEN", token)
    status, _, _, err = check(capsys, fake, "--token-env", token, *["--offline"] * offline,
                              write(tmp_path, [image_pin(media)]))  # fmt: skip
    assert status == EXIT_UNUSABLE
    assert token not in err
    assert "a value that looks like a token, not the name of the variable that holds it" in err
    assert fake.log == []


@pytest.mark.parametrize(
    "arguments",
    [
        ["--token-env", "TOKEN", "check", "pins.json"],  # before the command
        ["--token-env=TOKEN", "check", "pins.json"],
        ["check", "--token_env=TOKEN", "pins.json"],  # mistyped
        ["check", "--access-token=TOKEN", "pins.json"],  # a flag it does not have
        ["codes", "--token-env=TOKEN"],
        ["check", "TOKEN"],  # the token where the file goes
    ],
)
def test_a_token_in_any_refused_argument_is_never_printed(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, arguments: list[str]
) -> None:
    # argparse quoted what it refused: only `check --token-env $TOKEN` was masked.
    token = "pina_" + "FAKE0TOKEN0QQ" * 5
    monkeypatch.setenv("PINTEREST_ACCESS_TOKEN", token)
    status = main([argument.replace("TOKEN", token) for argument in arguments])
    err = capsys.readouterr().err
    assert status == EXIT_UNUSABLE
    assert token not in err
    assert "(a token: not shown)" in err


@pytest.mark.parametrize("report", ["json", "junit", "github"])
def test_a_token_given_as_a_file_name_is_in_no_report(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, report: str
) -> None:
    # Unreadable files are listed in the machine reports, which never went through the mask.
    token = "pina_" + "FAKE0TOKEN0QQ" * 5
    monkeypatch.setenv("PINTEREST_ACCESS_TOKEN", token)
    main(["check", "--offline", "--format", report, token])
    out, err = capsys.readouterr()
    assert token not in out + err
    assert "(a token: not shown)" in out


@pytest.mark.parametrize("flag", ["--no-account-checks", "--offline"])
def test_no_account_checks_and_offline_never_ask_pinterest(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    fake: FakePinterest,
    media: MediaServer,
    flag: str,
) -> None:
    monkeypatch.setenv("PINTEREST_ACCESS_TOKEN", GOOD)
    path = write(tmp_path, [image_pin(media, "999")])
    assert check(capsys, fake, flag, path)[:2] == (EXIT_OK, [[]])
    assert fake.log == []
    assert check(capsys, fake, path)[:2] == (EXIT_ERRORS, [[("board.not_found", "board_id")]])


def test_without_a_token_no_request_is_made(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fake: FakePinterest, media: MediaServer
) -> None:
    status, found, _, _ = check(capsys, fake, write(tmp_path, [image_pin(media, "999")]))
    assert (status, found) == (EXIT_OK, [[]])
    assert fake.log == []


def test_api_base_and_token_env_from_pyproject(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    fake: FakePinterest,
    media: MediaServer,
) -> None:
    monkeypatch.setenv("TEAM_TOKEN", GOOD)
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.pin-preflight]\napi-base = "{fake.base}"\ntoken-env = "TEAM_TOKEN"\n'
        "allow-private-hosts = true\n",
        encoding="utf-8",
    )
    status = main(["check", "--format", "json", write(tmp_path, [video_pin(media, "7002")])])
    result = json.loads(capsys.readouterr().out)["results"][0]
    assert status == EXIT_ERRORS
    assert [f["code"] for f in result["findings"]] == ["media.not_processed"]


def test_an_insecure_api_base_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, media: MediaServer
) -> None:
    path = write(tmp_path, [image_pin(media)])
    status = main(["check", "--api-base", "http://api.pinterest.com/v5", path])
    assert status == EXIT_UNUSABLE
    assert "unencrypted" in capsys.readouterr().err


def test_the_token_is_in_no_output_stream_or_file(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    media: MediaServer,
) -> None:
    monkeypatch.setenv("PINTEREST_ACCESS_TOKEN", SECRET)
    account = dataclasses.replace(ACCOUNT, tokens={SECRET: "echo"})  # the server repeats it
    path = write(tmp_path, [image_pin(media), video_pin(media, "7001")])
    report = tmp_path / "report.xml"
    with serve_pinterest(account) as fake:
        outputs = []
        for argv in (["-v"], ["--format", "json"], ["--format", "github"],
                     ["--format", "junit", "--output", str(report)]):  # fmt: skip
            status = main(["check", "--api-base", fake.base, "--allow-private-hosts", *argv, path])
            out, err = capsys.readouterr()
            assert status == EXIT_ERRORS
            outputs += [out, err]
        outputs.append(report.read_text(encoding="utf-8"))
        assert all(entry.authorization == f"Bearer {SECRET}" for entry in fake.log)
    assert "auth.unauthorized" in outputs[0]  # the runs did meet the token
    for text in outputs:
        assert SECRET not in text
