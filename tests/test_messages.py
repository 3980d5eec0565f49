"""Quoting values in messages: short, exact, and safe to print anywhere."""

from __future__ import annotations

import json
import time
import unicodedata
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from validator.messages import (
    as_json,
    did_you_mean,
    json_error,
    json_type,
    printable,
    quote,
    quote_url,
    seconds,
    shown,
    with_article,
    without_credentials,
    without_tokens,
    without_url_tokens,
)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("Summer recipes", '"Summer recipes"'),
        ('say "hi" \\ bye', '"say \\"hi\\" \\\\ bye"'),
        ("two\nlines\tand\r", '"two\\nlines\\tand\\r"'),
        ("\x1b[2K\x1b[1Aall good", '"\\x1b[2K\\x1b[1Aall good"'),  # no cursor tricks in logs
        ("abc\u202edcba", '"abc\\u202edcba"'),  # no reordering of what is shown
        ("lone \ud800", '"lone \\ud800"'),  # cannot be written as UTF-8: shown as its escape
        ("caf\u00e9 \u2713 \U0001f337", '"caf\u00e9 \u2713 \U0001f337"'),  # printable stays
        ("##[stop-commands]x", '"##\\[stop-commands]x"'),  # GitHub's runner acts on "##["
        ("a\\##[b", '"a\\\\##\\[b"'),  # a backslash written is doubled: reads apart
        ("Title\u200b", '"Title\\u200b"'),  # invisible: two names would look alike
        ("\ufeffBoard", '"\\ufeffBoard"'),
        ("\U0001f468\u200d\U0001f469", '"\U0001f468\u200d\U0001f469"'),  # an emoji's joiner stays
        (True, '"true"'),  # as the user wrote it in JSON, not as Python shows it
        (["image_url"], '"[\\"image_url\\"]"'),
    ],
)
def test_quote(value: object, shown: str) -> None:
    assert quote(value) == shown


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("https://bob:s3cret@cdn.example.com/a.jpg", "https://***@cdn.example.com/a.jpg"),
        ("http://ghp_abc123@git.example.com/a.png", "http://***@git.example.com/a.png"),  # a token
        ("https://u:p@ss@cdn.example.com/a.jpg", "https://***@cdn.example.com/a.jpg"),  # last @
        ("https://cdn.example.com/@shop/a.jpg", "https://cdn.example.com/@shop/a.jpg"),  # a path
        ("write to bob@example.com", "write to bob@example.com"),  # no URL
        (
            "https://b.s3.amazonaws.com/a.jpg?X-Amz-Date=20261201T100000Z&X-Amz-Expires=3600"
            "&X-Amz-Signature=c0ffee",
            "https://b.s3.amazonaws.com/a.jpg?X-Amz-Date=20261201T100000Z&X-Amz-Expires=3600"
            "&X-Amz-Signature=***",
        ),
        (
            "https://a.blob.core.windows.net/c/a.jpg?se=2026-12-01T10%3A00Z&sp=r&sig=AbC%2Bd%3D",
            "https://a.blob.core.windows.net/c/a.jpg?se=2026-12-01T10%3A00Z&sp=r&sig=***",
        ),
        (
            "https://x.example.com/a.jpg?access_token=t0k&v=2",
            "https://x.example.com/a.jpg?access_token=***&v=2",
        ),
        ("https://x.example.com/a.jpg?key=AIza9#top", "https://x.example.com/a.jpg?key=***#top"),
        (
            "https://x.example.com/a.jpg?utm_source=pin&v=2",
            "https://x.example.com/a.jpg?utm_source=pin&v=2",
        ),
        (
            "https://x.example.com/a.jpg#access_token=t0k",
            "https://x.example.com/a.jpg#access_token=***",
        ),
        (
            "https://x.example.com/a.jpg?X-Amz-%53ignature=c0",
            "https://x.example.com/a.jpg?X-Amz-%53ignature=***",
        ),
        ("https://x.example.com/a.jpg?v=1;sig=c0ffee", "https://x.example.com/a.jpg?v=1;sig=***"),
        (  # however long its name
            "https://x.example.com/a.jpg?" + "x" * 200 + "_token=t0k",
            "https://x.example.com/a.jpg?" + "x" * 200 + "_token=***",
        ),
        (  # masked as written before the delimiters are decoded: the whole value goes
            "https://i.example.com/i?url=https%3A%2F%2Fb.example.com%2Fa.jpg&access_token=ab%26cd",
            "https://i.example.com/i?url=https://b.example.com/a.jpg&access_token=***",
        ),
        (  # an image proxy's URL holding a signed one, percent-encoded
            "https://img.example.com/i?url=https%3A%2F%2Fbob%3Apw%40b.s3.amazonaws.com%2Fa.jpg"
            "%3FX-Amz-Signature%3Dc0ffee&w=640",
            "https://img.example.com/i?url=https://***@b.s3.amazonaws.com/a.jpg"
            "?X-Amz-Signature=***&w=640",
        ),
    ],
)
def test_credentials_in_urls_are_masked(text: str, shown: str) -> None:
    # Findings quote URLs, and reports go to CI logs that may be public.
    assert without_credentials(text) == shown
    assert quote(text, 1000) == f'"{shown}"'


@pytest.mark.parametrize(
    ("url", "shown"),
    [  # a redirect's Location, shown as it was written: it was not masked
        ("//admin:hunter2@cdn.example.com:99999/x.jpg", "//***@cdn.example.com:99999/x.jpg"),
        ("mailto:x@example.com?token=t0k", "mailto:x@example.com?token=***"),
        ("a//b@example.com", "a//b@example.com"),  # no URL: a word before the slashes
    ],
)
def test_a_url_of_any_form_has_its_credentials_masked(url: str, shown: str) -> None:
    assert quote_url(url, 1000) == f'"{shown}"'


@pytest.mark.parametrize("title", ["Recipes //chef@home: best cakes", "Rates #tokens=5 a day"])
def test_text_that_is_no_url_is_quoted_as_written(title: str) -> None:
    assert quote(title) == f'"{title}"'


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("pina_AbCdEfGhIjKlMnOpQrStUv", "(a token: not shown)"),
        ("board pina_AbCdEfGhIjKlMnOpQr-_x9!", "board (a token: not shown)!"),
        ("pina_notes.csv", "pina_notes.csv"),  # a file name
        ("https://x.example.com/pina_AbCdEfGhIjKlMnOpQrSt.jpg", None),  # a path
        ("pina_short", None),  # no token is this short
        ("#pina_colada recipe", None),
        ("Use pina_AbCdEfGhIjKlMnOpQrStUvWx.", "Use (a token: not shown)."),  # ends a sentence
        ("see pina_abc/def", None),  # a path
    ],
)
def test_a_pinterest_token_pasted_into_a_payload_is_masked(text: str, shown: str | None) -> None:
    # Findings quote the value they complain about, to CI logs: a board_id holding the token.
    assert quote(text, 100) == f'"{shown or text}"'


def test_a_password_is_masked_before_the_url_is_cut() -> None:
    # Cut first, "https://bob:s3cr…" would no longer look like a password to mask.
    assert quote("https://" + "b" * 40 + ":s3cret@cdn.example.com/a.jpg", 50) == (
        '"https://***@cdn.example.com/a.jpg"'
    )
    assert "s3c" not in quote("https://" + "b" * 40 + ":s3cret@cdn.example.com/a.jpg", 52)


@pytest.mark.parametrize(
    "text",
    [
        "https://cdn.example.com/" + "a" * 200_000 + "@2x.jpg",
        "https://x.example.com/a.jpg?" + "token" * 40_000 + " =",
        "https://x.example.com/a.jpg" + ("&token" + "a" * 1_000) * 200 + "=",
        "https://" + "a" * 200_000,
        "pina_" + "a" * 200_000 + "/",
    ],
)
def test_masking_takes_time_in_proportion_to_the_text(text: str) -> None:
    # A 70,000-character URL took 4.7 s: each letter of a long word started a scan to its end.
    # Compared with reading the text once more, not with a clock: a ratio holds on slow machines.
    start = time.perf_counter()
    quote(text)
    masked = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(20):
        text.lower().count("x")
    assert masked < 20 * (time.perf_counter() - start) + 1  # quadratic: minutes


def test_long_values_are_cut() -> None:
    assert quote("x" * 100, 10) == '"xxxxxxxxx…"'


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        # The file name was what a cut at the end lost: every hop of a chain read alike.
        (
            "https://cdn.shopify.com/s/files/1/0123/4567/8901/products/spring_1024x1024.jpg?v=17",
            "https://cdn.shopify.com/…/spring_1024x1024.jpg?…",
        ),
        (
            "https://bucket.s3.amazonaws.com/uploads/2026/05/spring.jpg?X-Amz-Date=20260501T0000Z",
            "https://bucket.s3.amazonaws.com/…/05/spring.jpg?…",
        ),
        # The path fits: as much of the query as fits (a script's file is told by it).
        (
            "https://example.com/image.php?id=123456789012345678901234567890",
            "https://example.com/image.php?id=1234567890123456…",
        ),
        # A "/" in the query is no path: an image proxy's inner URL is cut at the end.
        (
            "https://img-proxy.example.com?url=https://cdn.example.com/a/b/dress.jpg&w=1",
            "https://img-proxy.example.com?url=https://cdn.exa…",
        ),
        # A host that fills the width: cut at the end, as any text.
        ("https://" + "h" * 60 + ".com/a.jpg", "https://" + "h" * 41 + "…"),
        # Prose holding a URL is not a URL.
        ("see https://example.com/" + "a" * 60, "see https://example.com/" + "a" * 25 + "…"),
    ],
)
def test_a_long_url_keeps_its_host_and_the_end_of_its_path(url: str, shown: str) -> None:
    assert quote(url, 50) == f'"{shown}"'
    assert len(shown) <= 50


@given(st.text())
def test_anything_quoted_is_printable_and_encodes(text: str) -> None:
    shown = quote(text, 1000)
    shown.encode("utf-8")  # no lone surrogate left
    assert not [ch for ch in shown if _acts(ch)]


@given(st.text(alphabet="#[\\\x1bab", max_size=12))
def test_nothing_quoted_or_printable_holds_a_log_command(text: str) -> None:
    assert "##[" not in quote(text, 1000)
    assert "##[" not in printable(text)


def _acts(ch: str) -> bool:
    """What a terminal or log viewer acts on, said from Unicode's tables, not quote()'s."""
    category = unicodedata.category(ch)
    if category in ("Cc", "Cs", "Zl", "Zp"):  # controls, surrogates, line/paragraph separators
        return True
    explicit = {"LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"}
    strong = {"L", "R", "AL"}  # a format character with a strong direction: LRM, RLM, ALM
    direction = unicodedata.bidirectional(ch)
    return direction in explicit or (category == "Cf" and direction in strong)


def test_as_json_never_raises() -> None:
    deep: object = 1
    for _ in range(20_000):  # 3.13's json writes 10,000 levels
        deep = [deep]
    assert as_json(10**5000) == "<over 4,300 digits>"
    assert as_json([10**5000]) == "<a list too large or too deeply nested to show>"
    assert as_json(deep) == "<a list too large or too deeply nested to show>"
    assert as_json(("a", 1)) == '["a", 1]'
    assert json_type(("a", 1)) == "a tuple"  # the models take lists: "a list" would contradict
    # Other Python types by name, with an article: "give an array of strings, not set" read so.
    assert json_type({"a"}) == "a set"
    assert json_type(x for x in ()) == "a generator"
    assert json_type(Ellipsis) == "an ellipsis"
    assert json_type(uuid.uuid4()) == "a UUID"  # by sound: an id type Python callers use
    assert json_type(b"1") == "bytes"
    # An initialism is read letter by letter: "an HTTPError", "an SSLObject", "a UUID".
    assert [with_article(name) for name in ("HTTPError", "SSLObject", "ImmutableMultiDict")] == [
        "an HTTPError",
        "an SSLObject",
        "an ImmutableMultiDict",
    ]


def test_did_you_mean_words_a_guess_or_nothing() -> None:
    assert did_you_mean("--formt", ["--format", "--output"]) == "; did you mean --format?"
    two = did_you_mean("media.", ["media.a", "media.b", "text.c"], most=2)  # closest first
    assert two in ("; did you mean media.a, media.b?", "; did you mean media.b, media.a?")
    assert did_you_mean("--bogus", ["--verbose"], cutoff=0.75) == ""


@pytest.mark.parametrize(
    ("message", "shown"),
    [
        ("invalid choice: 'pina_ABC123'", "invalid choice: '(a token: not shown)'"),
        ("--token_env=pina_X; did you mean", "--token_env=(a token: not shown); did you mean"),
        ("x" * 65, "(a token: not shown)"),
        ("/a/path/" + "x" * 80 + ": no such file", "/a/path/" + "x" * 80 + ": no such file"),
        ("the environment's SECRETVALUE123456 here", "the environment's (a token: not shown) here"),
        ("SECRETVALUE123456: no such file", "(a token: not shown): no such file"),
        ("SSL_CERT_FILE=missing-corp-bundle", "SSL_CERT_FILE=missing-corp-bundle"),
        ("a-long-file-name-" + "x" * 60 + ".json", "a-long-file-name-" + "x" * 60 + ".json"),
        ("pina_notes.csv: no such file", "pina_notes.csv: no such file"),
        ("--key=c2VjcmV0LWtleS12YWx1ZQ== refused", "--key=(a token: not shown) refused"),
        ("eyJhbGciOiJI.eyJzdWIiOiIx.c2lnbmF0dXJl", "(a token: not shown)"),
        ("short, held by the environment: C.UTF-8", "short, held by the environment: C.UTF-8"),
    ],
)
def test_words_that_look_like_tokens_are_not_shown(
    monkeypatch: pytest.MonkeyPatch, message: str, shown: str
) -> None:
    monkeypatch.setenv("SOME_SECRET", "SECRETVALUE123456")
    monkeypatch.setenv("SSL_CERT_FILE", "missing-corp-bundle")  # held, but by no secret's name
    monkeypatch.setenv("MY_API_KEY", "c2VjcmV0LWtleS12YWx1ZQ==")  # base64: "=" cuts a word
    monkeypatch.setenv("CI_JOB_TOKEN", "eyJhbGciOiJI.eyJzdWIiOiIx.c2lnbmF0dXJl")  # a JWT
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert without_tokens(message) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [(30.0, "30 s"), (1.5, "1.5 s"), (3600.0, "3,600 s"), (1e12, "1,000,000,000,000 s"),
     (float("inf"), "inf s")],
)  # fmt: skip
def test_a_wait_is_shown_as_people_read_it(value: float, shown: str) -> None:
    # A server's Retry-After of 999999999999 was written "1e+12 s".
    assert seconds(value) == shown


def test_a_token_in_a_url_s_path_or_query_is_masked() -> None:
    # The URL is one word to without_tokens: an api-base with a token pasted in was shown whole.
    masked = without_url_tokens("http://127.0.0.1:8765/v5/pina_OTHERTOKEN1234567890XYZ?a=b")
    assert masked == "http://127.0.0.1:8765/v5/(a token: not shown)?a=b"
    assert without_url_tokens("https://api.pinterest.com/v5") == "https://api.pinterest.com/v5"


@pytest.mark.parametrize(
    ("value", "said"),
    [
        (123, "123"),  # not "123": that is the string the user did not send
        (True, "true"),
        (0.5, "0.5"),
        ([1, "a"], '[1, "a"]'),
        ("123", '"123"'),
        ({"k": "\x1b[2J"}, '{"k": "\\u001b[2J"}'),  # JSON's own escape: nothing a terminal runs
    ],
)
def test_a_value_is_shown_in_its_json_form(value: object, said: str) -> None:
    assert shown(value) == said


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('{"title": "a",}', "a comma after the last value, which JSON does not allow (remove it)"),
        ("[1, 2, ]", "a comma after the last value, which JSON does not allow (remove it)"),
        ("// spring pins", "a comment, which JSON has no place for (remove it)"),
        ("# spring pins", "a comment, which JSON has no place for (remove it)"),
        ('{"title": "a"},', "a comma after the value, which ends it (remove the comma)"),
        ('{"title": }', "Expecting value"),  # the decoder's own words, where they say it
        ('{\n "title": "a", // spring\n}', "a comment, which JSON has no place for (remove it)"),
        ('{"link": "x" // spring\n}', "a comment, which JSON has no place for (remove it)"),
        ('{"dominant_color": #6E7874}', "Expecting value"),  # a value, unquoted: no comment
    ],
)
def test_what_hand_edited_json_most_often_holds_is_named(text: str, said: str) -> None:
    # "Expecting value (column 1)" for a comment line, "Extra data" for a trailing comma.
    with pytest.raises(json.JSONDecodeError) as raised:
        json.loads(text)
    assert json_error(raised.value) == said
