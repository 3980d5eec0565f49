"""validator.settings: defaults, the [tool.pin-preflight] table, and clear configuration errors."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import pydantic
import pytest

from validator.codes import CATALOGUE
from validator.errors import ConfigError, ValidatorError
from validator.settings import (
    PYPROJECT_TABLE,
    Settings,
    environment_token,
    find_pyproject,
    load_settings,
)


def pyproject(folder: Path, text: str) -> Path:
    path = folder / "pyproject.toml"
    path.write_text(text, encoding="utf-8")
    return path


# --- Settings ------------------------------------------------------------------------------------


def test_defaults_check_online_and_leniently() -> None:
    settings = Settings()

    assert settings.offline is False
    assert settings.strict is False
    assert settings.accept_key_frame_cover is False
    assert settings.description_warn_length == 500


def test_unknown_setting_is_rejected_by_name() -> None:
    with pytest.raises(pydantic.ValidationError, match="strcit"):
        Settings(strcit=True)  # type: ignore[call-arg]


def test_settings_are_frozen() -> None:
    settings = Settings()

    with pytest.raises(pydantic.ValidationError):
        settings.strict = True  # type: ignore[misc]


def test_negative_description_warn_length_is_rejected() -> None:
    with pytest.raises(pydantic.ValidationError):
        Settings(description_warn_length=-1)


def test_the_table_is_named_after_the_distribution() -> None:
    assert PYPROJECT_TABLE == "pin-preflight"


# --- load_settings -------------------------------------------------------------------------------


def test_the_readme_sample_table_is_every_setting_at_its_default(tmp_path: Path) -> None:
    # Documentation that drifts from the code misleads more than none.
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Configuration") :]
    found = re.search(r"```toml\n(.*?)```", section, re.DOTALL)
    assert found is not None
    sample = load_settings(pyproject(tmp_path, found[1]))
    assert sample == Settings()
    written = {line.split("=")[0].strip().replace("-", "_") for line in found[1].splitlines()}
    assert set(Settings.model_fields) - written == {"csv_columns"}  # a table, in a comment


def test_no_pyproject_and_no_overrides_give_the_defaults() -> None:
    assert load_settings() == Settings()


def test_overrides_alone_are_applied() -> None:
    assert load_settings(overrides={"offline": True}).offline is True


def test_table_values_are_read(tmp_path: Path) -> None:
    path = pyproject(
        tmp_path,
        '[project]\nname = "calendar"\n\n'
        "[tool.pin-preflight]\nstrict = true\ndescription_warn_length = 300\n",
    )

    settings = load_settings(path)

    assert settings.strict is True
    assert settings.description_warn_length == 300
    assert settings.offline is False


def test_table_keys_may_use_dashes(tmp_path: Path) -> None:
    path = pyproject(
        tmp_path,
        "[tool.pin-preflight]\naccept-key-frame-cover = true\ndescription-warn-length = 0\n",
    )

    settings = load_settings(path)

    assert settings.accept_key_frame_cover is True
    assert settings.description_warn_length == 0


def test_overrides_win_over_the_table(tmp_path: Path) -> None:
    path = pyproject(tmp_path, "[tool.pin-preflight]\nstrict = true\noffline = true\n")

    settings = load_settings(path, overrides={"strict": False})

    assert settings.strict is False
    assert settings.offline is True


def test_pyproject_without_the_table_gives_the_defaults(tmp_path: Path) -> None:
    path = pyproject(tmp_path, '[project]\nname = "calendar"\n\n[tool.ruff]\nline-length = 100\n')

    assert load_settings(path) == Settings()


def test_unknown_key_in_the_table_names_file_table_and_key(tmp_path: Path) -> None:
    path = pyproject(tmp_path, "[tool.pin-preflight]\nstrcit = true\n")

    with pytest.raises(ConfigError) as raised:
        load_settings(path)

    message = str(raised.value)
    assert message.startswith(f"{path} [tool.pin-preflight]: strcit: ")


@pytest.mark.parametrize(
    ("line", "key"),
    [
        pytest.param('offline = "sometimes"', "offline", id="text-for-bool"),
        pytest.param('description_warn_length = "long"', "description_warn_length", id="text"),
        pytest.param("description_warn_length = -5", "description_warn_length", id="negative"),
        pytest.param("strict = [true]", "strict", id="list-for-bool"),
    ],
)
def test_wrong_type_names_file_and_key(tmp_path: Path, line: str, key: str) -> None:
    path = pyproject(tmp_path, f"[tool.pin-preflight]\n{line}\n")

    with pytest.raises(ConfigError) as raised:
        load_settings(path)

    assert str(raised.value).startswith(f"{path} [tool.pin-preflight]: {key}: ")


def test_every_bad_key_is_named_in_one_error(tmp_path: Path) -> None:
    path = pyproject(tmp_path, '[tool.pin-preflight]\nstrict = "x"\ncolour = 1\n')

    with pytest.raises(ConfigError) as raised:
        load_settings(path)

    assert "strict: " in str(raised.value)
    assert "colour: " in str(raised.value)


def test_a_bad_value_in_the_file_is_refused_even_when_a_flag_replaces_it(tmp_path: Path) -> None:
    path = pyproject(tmp_path, '[tool.pin-preflight]\nstrict = "yes"\nselect = ["bord"]\n')

    with pytest.raises(ConfigError) as raised:
        load_settings(path, overrides={"strict": True, "select": ("board",)})

    message = str(raised.value)
    assert message.startswith(f"{path} [tool.pin-preflight]: ")
    assert "strict: " in message
    assert "'bord'" in message


def test_a_named_file_without_the_table_is_refused(tmp_path: Path) -> None:
    path = pyproject(tmp_path, "[pin-preflight]\nstrict = true\n")

    assert load_settings(path) == Settings()  # found while looking: not configured, fine
    with pytest.raises(ConfigError, match=r"has no \[tool\.pin-preflight\] table"):
        load_settings(path, named=True)


def test_one_setting_spelled_two_ways_is_refused(tmp_path: Path) -> None:
    path = pyproject(tmp_path, "[tool.pin-preflight]\nper-host = 3\nper_host = 5\n")

    with pytest.raises(ConfigError, match="per-host and per_host are the same setting"):
        load_settings(path)


def test_an_empty_api_base_is_said_to_be_empty() -> None:
    # It was "'' holds '': write the URL in visible ASCII".
    with pytest.raises(ConfigError, match=r"^api_base: it is empty: give the API's base URL"):
        load_settings(overrides={"api_base": ""})


@pytest.mark.parametrize(
    "base", ["https://localhost:99999/v5", "http://localhost:abc/v5", "https://api.example:0/v5"]
)
def test_an_api_base_with_an_impossible_port_is_refused(base: str) -> None:
    with pytest.raises(ConfigError, match="the port is not a number from 1 to 65535"):
        load_settings(overrides={"api_base": base})


@pytest.mark.parametrize(
    "base",
    [
        "https://user:s3cret-pass@api.pinterest.com/v5",
        "http://s3cret-pass@localhost/v5",
        "https://user:s3cret pass@api.pinterest.com/v5",  # and not visible ASCII
        "https//user:s3cret@api.pinterest.com/v5",  # and not a URL
    ],
)
def test_an_api_base_with_credentials_is_refused_without_showing_them(base: str) -> None:
    # Accepted, they were sent (Basic) in place of the token, and the token took the blame.
    with pytest.raises(ConfigError, match="holds a user name or password") as raised:
        load_settings(overrides={"api_base": base})
    assert "s3cret" not in str(raised.value)


@pytest.mark.parametrize(
    ("base", "said"),
    [
        ("https://api.pinterest.com/v5?access_token=pina_SECRET1234567890abc", "without a query"),
        ("https://api.pinterest.com/v5#pina_SECRET1234567890abc", "without a query or fragment"),
        ("http://api.example.com/v5/pina_SECRET1234567890abc", "sent unencrypted"),
        ("https://localhost:99999/v5/SECRET1234567890abc", "the port is not a number"),
        ("https://api.pinterest.com:SECRET1234567890abc/v5", "'https://api.pinterest.com:…/…'"),
        ("https://api.pinterest.com/v5/SECRET1234567890abc\n", "holds '\\n'"),
        ("pina_SECRET1234567890abcdefghij", "is not an http(s) URL"),
    ],
)
def test_an_api_base_refused_does_not_repeat_a_token_in_it(base: str, said: str) -> None:
    # pydantic's error quoted the whole base, token and all, to tracebacks and logs.
    with pytest.raises(pydantic.ValidationError) as raised:
        Settings(api_base=base)
    assert said in str(raised.value)
    assert "SECRET" not in str(raised.value)


@pytest.mark.parametrize(
    "agent", ["caf\u00e9-bot", "a\nb", "tab\there", "", "  ", "pin-preflight ", " pin"]
)
def test_a_user_agent_no_server_can_read_is_refused(agent: str) -> None:
    with pytest.raises(ConfigError, match="cannot be sent as a header"):
        load_settings(overrides={"user_agent": agent})


@pytest.mark.parametrize(
    "base",
    [
        "https://api.pinterest.com/v5\n",
        " https://api.pinterest.com/v5",
        "https://api.pinterest.com/v5\t",
        "https://api.pinter\nest.com/v5",
        "https://api.pinterest.com/v\u00e9",
    ],
)
def test_an_api_base_with_what_urlsplit_would_drop_unseen_is_refused(base: str) -> None:
    # Accepted, every account check failed later as platform.unknown, blamed on the pin.
    with pytest.raises(ConfigError, match="write the URL in visible ASCII"):
        load_settings(overrides={"api_base": base})


@pytest.mark.parametrize(
    ("line", "said"), [('select = "media"', "a string"), ("ignore = 3", "an integer")]
)
def test_selectors_not_in_an_array_say_what_to_write(tmp_path: Path, line: str, said: str) -> None:
    # pydantic's "Input should be a valid tuple" named no type a TOML file can hold.
    path = pyproject(tmp_path, f"[tool.pin-preflight]\n{line}\n")
    with pytest.raises(
        ConfigError, match=f'give an array of strings, such as \\["media"\\], not {said}$'
    ):
        load_settings(path)


def test_settings_written_out_read_back_in() -> None:
    # csv_columns came back from JSON as a list of lists, which only a table could be.
    settings = Settings(csv_columns={"title": "Headline"}, select=("media",), strict=True)
    assert Settings.model_validate_json(settings.model_dump_json()) == settings
    assert Settings(**settings.model_dump(mode="json")) == settings
    assert Settings.model_validate_json(Settings().model_dump_json()) == Settings()


def test_bad_override_is_a_config_error_without_a_file() -> None:
    with pytest.raises(ConfigError, match=r"^description_warn_length: "):
        load_settings(overrides={"description_warn_length": -1})


def test_broken_toml_is_a_config_error_naming_the_file(tmp_path: Path) -> None:
    path = pyproject(tmp_path, "[tool.pin-preflight\nstrict = true\n")

    with pytest.raises(ConfigError) as raised:
        load_settings(path)

    assert str(raised.value).startswith(f"{path}: cannot read it: ")


def test_toml_nested_past_pythons_depth_is_a_config_error(tmp_path: Path) -> None:
    # Valid TOML that tomllib reads by recursion: a traceback, even from a file found on the way up.
    path = pyproject(tmp_path, "[project]\nx = " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(ConfigError, match="cannot read it: values nested too deeply"):
        load_settings(path)
    assert find_pyproject(tmp_path) == path  # found, for load_settings to report


def test_missing_pyproject_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"

    with pytest.raises(ConfigError, match="cannot read it"):
        load_settings(path)


def test_table_that_is_not_a_table_is_a_config_error(tmp_path: Path) -> None:
    path = pyproject(tmp_path, '[tool]\npin-preflight = "strict"\n')

    with pytest.raises(ConfigError) as raised:
        load_settings(path)

    assert str(raised.value) == f"{path}: [tool.pin-preflight] must be a table"


def test_config_error_is_a_validator_error() -> None:
    assert issubclass(ConfigError, ValidatorError)


# --- find_pyproject ------------------------------------------------------------------------------


def test_find_pyproject_walks_up_to_the_file_with_the_table(tmp_path: Path) -> None:
    project = pyproject(tmp_path, "[tool.pin-preflight]\nstrict = true\n")
    nested = tmp_path / "calendars" / "2025"
    nested.mkdir(parents=True)
    pyproject(tmp_path / "calendars", '[project]\nname = "no table here"\n')

    assert find_pyproject(nested) == project


def test_a_folder_that_cannot_be_looked_into_is_a_config_error(tmp_path: Path) -> None:
    # A traceback: run as another user (su, sudo -u) from a folder that user may not enter.
    # Root enters any folder; a name too long to look up fails the same call the same way.
    with pytest.raises(ConfigError, match=r"pyproject.toml: cannot read it: File name too long"):
        find_pyproject(tmp_path / ("a" * 300))


def test_a_pyproject_that_is_a_looping_link_is_no_configuration(tmp_path: Path) -> None:
    # Anyone may leave a looping link named pyproject.toml in /tmp: every run below it stopped.
    (tmp_path / "pyproject.toml").symlink_to(tmp_path / "pyproject.toml")
    nested = tmp_path / "calendars"
    nested.mkdir()
    assert find_pyproject(nested) != tmp_path / "pyproject.toml"


def test_find_pyproject_returns_a_broken_file_for_load_settings_to_report(tmp_path: Path) -> None:
    broken = pyproject(tmp_path, "[tool.pin-preflight\n")

    found = find_pyproject(tmp_path)

    assert found == broken
    with pytest.raises(ConfigError):
        load_settings(found)


def test_find_pyproject_passes_over_a_file_without_the_table(tmp_path: Path) -> None:
    other = pyproject(tmp_path, '[project]\nname = "calendar"\n\n[tool.pin-preflight-extra]\n')

    assert find_pyproject(tmp_path) != other


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("schedule-window-days", 99999999999),
        ("expiry-margin-hours", "inf"),
        ("deadline", "nan"),
        ("read-timeout", 1e9),
    ],
)
def test_numbers_out_of_range_are_refused_with_their_key(
    tmp_path: Path, key: str, value: object
) -> None:
    pyproject = tmp_path / "pyproject.toml"
    literal = value if isinstance(value, str) else repr(value)
    pyproject.write_text(f"[tool.{PYPROJECT_TABLE}]\n{key} = {literal}\n", encoding="utf-8")

    with pytest.raises(ConfigError, match=rf"[:;] {key}: "):  # as the file spells it
        load_settings(pyproject)


def test_a_pyproject_that_is_not_utf8_is_a_config_error(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_bytes(b"# caf\xe9\n[project]\nname = 'x'\n")

    assert find_pyproject(tmp_path) == pyproject  # broken: load_settings says why
    with pytest.raises(ConfigError, match=r"pyproject\.toml: cannot read it: .*utf-8"):
        load_settings(pyproject)


def test_toml_values_are_taken_as_typed(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    body = 'strict = "yes"\nconcurrency = "8"\ndescription-warn-length = 1e3\nselect = ["media"]\n'
    pyproject.write_text(f"[tool.{PYPROJECT_TABLE}]\n{body}", encoding="utf-8")

    with pytest.raises(ConfigError) as raised:
        load_settings(pyproject)

    for key in ("strict", "concurrency", "description-warn-length"):  # as the file spells them
        assert f"{key}: " in str(raised.value)
    assert "select" not in str(raised.value)  # a TOML array is the tuple the field wants


def test_a_tool_key_that_is_not_a_table_is_not_ours(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('tool = "x"\n', encoding="utf-8")
    assert find_pyproject(tmp_path) is None


def test_the_table_spelt_with_an_underscore_is_named_not_ignored(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text("[tool.pin_preflight]\nstrict = true\n", encoding="utf-8")

    assert find_pyproject(tmp_path) == pyproject  # broken: load_settings says why
    with pytest.raises(ConfigError, match=r"rename \[tool\.pin_preflight\] to \[tool\.pin-pre"):
        load_settings(pyproject)


def test_the_table_spelt_with_an_underscore_beside_the_right_one_is_named_too(
    tmp_path: Path,
) -> None:
    # Ignored without a word when [tool.pin-preflight] was there too: strict never applied.
    text = "[tool.pin-preflight]\noffline = true\n\n[tool.pin_preflight]\nstrict = true\n"
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[tool\.pin_preflight\] is not read: move its keys"):
        load_settings(pyproject)


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ('strict = "yes"', 'strict: "yes" is not true or false: write true or false, without '
         "quotes"),
        ("strict = [1]", "strict: a list is not true or false"),
        ("offline = 1", "offline: 1 is not true or false: write true or false\n"),  # no quotes
        ("concurrency = 0", "concurrency: Input should be greater than or equal to 1, not 0"),
        ('retries = "3"', 'retries: Input should be a valid integer, not "3"'),
        ("user-agent = 5", "user-agent: Input should be a valid string, not 5"),
    ],
)  # fmt: skip
def test_a_value_of_the_wrong_type_or_range_is_quoted(tmp_path: Path, line: str, said: str) -> None:
    # pydantic's words alone ("Input should be a valid boolean") showed neither the value nor
    # what to write instead.
    with pytest.raises(ConfigError) as raised:
        load_settings(pyproject(tmp_path, f"[tool.pin-preflight]\n{line}\n"))
    assert said in f"{raised.value}\n"


def test_an_unknown_key_gets_the_setting_that_was_meant(tmp_path: Path) -> None:
    path = pyproject(tmp_path, "[tool.pin-preflight]\ntimeout = 5\nconcurency = 3\nzzz = 1\n")
    with pytest.raises(ConfigError) as raised:
        load_settings(path)
    message = str(raised.value)
    assert "timeout: unknown key; did you mean deadline?" in message  # --timeout's setting
    assert "concurency: unknown key; did you mean concurrency?" in message
    assert "zzz: unknown key;" not in message  # nothing close: no guess
    assert "zzz: unknown key" in message
    assert "Extra inputs" not in message


def test_messages_carry_no_pydantic_wording(tmp_path: Path) -> None:
    path = pyproject(tmp_path, '[tool.pin-preflight]\nselect = ["media.timout"]\n')
    with pytest.raises(ConfigError, match=r"select: no code matches 'media.timout'; did you mean "):
        load_settings(path)
    with pytest.raises(ConfigError) as raised:
        load_settings(overrides={"api_base": "ftp://x"}, flags={"api_base": "--api-base"})
    assert str(raised.value).startswith("--api-base: 'ftp://x' is not an http(s) URL")


@pytest.mark.parametrize("value", [math.nan, math.inf])
def test_a_number_that_is_not_finite_is_named_so(value: float) -> None:
    with pytest.raises(ConfigError, match=r"^--timeout: not a finite number$"):
        load_settings(overrides={"deadline": value}, flags={"deadline": "--timeout"})


def test_an_ignore_that_takes_back_every_selected_code_is_refused(tmp_path: Path) -> None:
    path = pyproject(tmp_path, '[tool.pin-preflight]\nselect = ["board.missing"]\n')
    # Each half named by where it came from: the flag, or the file's key.
    with pytest.raises(
        ConfigError,
        match=rf"^select in {re.escape(str(path))} \[tool.pin-preflight\] with --ignore: ignore "
        "takes out every code",
    ):
        load_settings(path, {"ignore": ("board",)}, {"select": "--select", "ignore": "--ignore"})
    both = pyproject(tmp_path, '[tool.pin-preflight]\nselect = ["board"]\nignore = ["board."]\n')
    with pytest.raises(ConfigError, match=r"select and ignore: ignore takes out every code"):
        load_settings(both)
    with pytest.raises(pydantic.ValidationError, match="nothing would ever be reported"):
        Settings(select=("board.missing",), ignore=("board.missing",))
    # Ignoring part of a selection is what the pair is for.
    assert Settings(select=("board",), ignore=("board.missing",)).ignore == ("board.missing",)


@pytest.mark.parametrize(
    "select", [("pin.malformed",), ("pin.malformed", "calendar.row_malformed"), ("calendar.row",)]
)
def test_a_select_of_only_what_is_always_reported_is_refused(select: tuple[str, ...]) -> None:
    # Those two are reported whatever the choice: selected alone, every readable pin passed.
    with pytest.raises(pydantic.ValidationError, match=r"select chooses only calendar\.row_malfor"):
        Settings(select=select)
    assert Settings(select=("pin",)).select == ("pin",)  # pin.unknown_field and others too


def test_an_ignore_of_every_code_is_refused_without_a_select_too() -> None:
    everything = tuple(sorted({code.partition(".")[0] for code in CATALOGUE}))
    with pytest.raises(pydantic.ValidationError, match="ignore takes out every code there is"):
        Settings(ignore=everything)


def test_an_empty_key_is_named_as_one(tmp_path: Path) -> None:
    path = pyproject(tmp_path, '[tool.pin-preflight]\n"" = 1\n')
    with pytest.raises(ConfigError, match=r"\]: : unknown key"):
        load_settings(path)


@pytest.mark.parametrize("value", [None, ""], ids=["unset", "empty"])
def test_the_default_token_variable_unset_or_empty_is_no_token(
    monkeypatch: pytest.MonkeyPatch, value: str | None
) -> None:
    # Empty is what a CI secret gives a fork's pull request: no account checks, no error.
    if value is None:
        monkeypatch.delenv("PINTEREST_ACCESS_TOKEN", raising=False)
    else:
        monkeypatch.setenv("PINTEREST_ACCESS_TOKEN", value)
    assert environment_token(Settings()) is None


@pytest.mark.parametrize(("value", "state"), [(None, "is not set"), ("", "is empty")])
def test_a_token_variable_named_on_purpose_must_hold_one(
    monkeypatch: pytest.MonkeyPatch, value: str | None, state: str
) -> None:
    if value is None:
        monkeypatch.delenv("MY_TOKEN", raising=False)
    else:
        monkeypatch.setenv("MY_TOKEN", value)
    settings = Settings(token_env="MY_TOKEN")
    with pytest.raises(ConfigError, match=f"^--token-env MY_TOKEN: the variable {state}$"):
        environment_token(settings, explicit=True)
    # A name that some variable happens to hold (SHLVL's 1, a value naming another variable)
    # is no token, and is shown.
    monkeypatch.setenv("OTHER", "MY_TOKEN")
    with pytest.raises(ConfigError, match=r"^--token-env MY_TOKEN: the variable"):
        environment_token(settings, explicit=True)
    monkeypatch.setenv("SHLVL", "1")
    with pytest.raises(ConfigError, match=r"^--token-env: '1' is not an environment variable name"):
        load_settings(overrides={"token_env": "1"}, flags={"token_env": "--token-env"})
    monkeypatch.setenv("MY_TOKEN", "pina_abc")
    token = environment_token(settings, explicit=True)
    assert token is not None
    assert token.get_secret_value() == "pina_abc"


def test_a_token_given_as_token_env_is_refused_wherever_it_is_set(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Only --token-env refused it: in pyproject.toml (committed) or Settings(), the token was
    # taken for a name, no variable had it, and the account checks were skipped without a word.
    token = "pina_" + "FAKE0TOKEN0QQ" * 5  # made up: as long as a real one
    monkeypatch.delenv(token, raising=False)
    said = "a value that looks like a token, not the name of the variable that holds it"
    with pytest.raises(pydantic.ValidationError) as raised:
        Settings(token_env=token)
    assert said in str(raised.value)
    assert token not in str(raised.value)  # pydantic's input_value= is hidden
    (tmp_path / "pyproject.toml").write_text(f'[tool.pin-preflight]\ntoken-env = "{token}"\n')
    with pytest.raises(ConfigError) as refused:
        load_settings(tmp_path / "pyproject.toml")
    assert said in str(refused.value)
    assert token not in str(refused.value)
    monkeypatch.setenv(token, "x")  # a variable of that name: a name after all
    assert Settings(token_env=token).token_env == token


def test_a_first_read_longer_than_the_byte_cap_is_refused() -> None:
    # A 90 KB JPEG was clean with 4 KiB blocks and "not checked" with 4 MiB ones under a 64 KiB
    # cap: the first read spent it all.
    with pytest.raises(ValueError, match=r"max_bytes_per_url\n.*less than the block size"):
        Settings(block_size=4 * 1024 * 1024, max_bytes_per_url=65536)
    assert Settings(block_size=65536, max_bytes_per_url=65536).block_size == 65536


def test_a_pyproject_saved_with_a_byte_order_mark_is_told_so(tmp_path: Path) -> None:
    # Notepad's "UTF-8 with BOM": tomllib said only "Invalid statement (at line 1, column 1)".
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_bytes(b"\xef\xbb\xbf[tool.pin-preflight]\nstrict = true\n")

    assert find_pyproject(tmp_path) == pyproject
    with pytest.raises(ConfigError, match=r"it starts with a byte order mark \(EF BB BF\)"):
        load_settings(pyproject)


@pytest.mark.parametrize(
    "given",
    [
        {"offline": "yes"},
        {"deep": 1},
        {"concurrency": True},
        {"concurrency": "8"},
        {"retries": 2.0},
    ],
)
def test_settings_made_in_python_take_switches_and_counts_as_typed(given: dict[str, Any]) -> None:
    # Settings(offline="yes") was true and Settings(concurrency=True) 1, where the shortcut
    # validate(offline="yes") is a TypeError and a configuration file's "yes" an error.
    with pytest.raises(pydantic.ValidationError):
        Settings(**given)


def test_settings_made_in_python_still_take_a_list_and_an_integer_number_of_seconds() -> None:
    settings = Settings(ignore=["media.timeout"], deadline=5)
    assert (settings.ignore, settings.deadline) == (("media.timeout",), 5.0)
