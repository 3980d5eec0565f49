"""validator.urls: is a media URL usable by Pinterest, and what format does it declare."""

from __future__ import annotations

import string
from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from validator.messages import quote
from validator.urls import (
    DeclaredFormat,
    declared_format,
    extension,
    is_formula,
    is_plain_image_url,
    same_resource,
    share_page,
    url_problem,
)

# --- url_problem ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("https://cdn.example.com/spring.jpg", id="https"),
        pytest.param("http://cdn.example.com/spring.jpg", id="http"),
        pytest.param("HTTPS://CDN.EXAMPLE.COM/SPRING.JPG", id="uppercase"),
        pytest.param("https://cdn.example.com", id="host-only"),
        pytest.param("https://cdn.example.com/a.jpg?w=600#top", id="query-and-fragment"),
        pytest.param("https://cdn.example.com:65535/a.jpg", id="highest-port"),
        pytest.param("https://user:secret@cdn.example.com:8443/a.jpg", id="userinfo-and-port"),
        pytest.param("https://[2001:db8::1]:8080/a.jpg", id="ipv6-literal"),
        pytest.param("https://cdn_1.example.com/a.jpg", id="underscore-in-host"),
    ],
)
def test_absolute_http_urls_have_no_problem(url: str) -> None:
    assert url_problem(url) is None


@pytest.mark.parametrize("url", ["", "   ", "\t\n"], ids=["empty", "spaces", "tab-newline"])
def test_empty_or_blank_url_is_reported_as_empty(url: str) -> None:
    assert url_problem(url) == "is empty"


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("https://cdn.example.com/spring pin.jpg", id="space-in-path"),
        pytest.param("https://cdn.example.com/a.jpg ", id="trailing-space"),
        pytest.param("https://cdn.example.com/a\n.jpg", id="line-break"),
        pytest.param(" https://cdn.example.com/a.jpg", id="leading-space"),
    ],
)
def test_whitespace_inside_url_is_reported(url: str) -> None:
    assert url_problem(url) == "contains whitespace (encode spaces as %20 and remove line breaks)"


@pytest.mark.parametrize("url", ["./a.jpg", "../img/a.jpg"])
def test_relative_path_is_reported_as_relative(url: str) -> None:
    assert url_problem(url) == "is a relative path, not a full URL with https:// and a host"


@pytest.mark.parametrize("url", ["/img/a.jpg", "/home/me/clip.mov"])
def test_a_path_from_the_root_is_a_path_not_a_relative_one(url: str) -> None:
    # "/home/me/clip.mov is a relative path" said the opposite of what a user sees.
    assert url_problem(url) == "is a path, not a full URL with https:// and a host"


def test_protocol_relative_url_is_told_to_add_https_colon() -> None:
    assert url_problem("//cdn.example.com/a.jpg") == "has no scheme: start it with https:"


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("cdn.example.com/a.jpg", id="bare-host"),
        pytest.param("cdn.example.com:8080/a.jpg", id="host-port-path"),
        pytest.param("localhost:8080/a.jpg", id="localhost-port"),
    ],
)
def test_url_without_scheme_is_told_to_add_https(url: str) -> None:
    assert url_problem(url) == "has no scheme: start it with https://"


@pytest.mark.parametrize(
    "url",
    ['=HYPERLINK("https://cdn.example.com/g.jpg","img")', '=hyperlink("https://cdn.example.com/a")',
     '= IMAGE("https://cdn.example.com/a.png")'],
)  # fmt: skip
def test_a_spreadsheet_formula_exported_as_text_is_named(url: str) -> None:
    # It holds a URL, yet was told "has no scheme: start it with https://".
    assert url_problem(url) == "is a spreadsheet formula, not a URL: put the bare URL in the cell"


@pytest.mark.parametrize(
    ("url", "scheme"),
    [
        pytest.param("ftp://cdn.example.com/a.jpg", "ftp", id="ftp"),
        pytest.param("file:///home/me/a.jpg", "file", id="file"),
        pytest.param("data:image/png;base64,iVBORw0KGgo=", "data", id="data"),
        pytest.param("FTP://cdn.example.com/a.jpg", "ftp", id="uppercase-ftp"),
    ],
)
def test_other_schemes_are_named_in_the_problem(url: str, scheme: str) -> None:
    assert url_problem(url) == (
        f"uses the {scheme}: scheme; only http and https can be fetched by Pinterest"
    )


@pytest.mark.parametrize("url", ["C:\\x.jpg", "C:/Users/me/x.jpg", "d:\\photos\\x.png"])
def test_windows_path_is_reported_as_a_file_path(url: str) -> None:
    assert url_problem(url) == "is a Windows file path, not a URL"


def test_http_scheme_without_slashes_names_no_host() -> None:
    assert url_problem("https:cdn.example.com/a.jpg") == (
        "has no // after the scheme, so it names no host"
    )


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("https:///a.jpg", id="empty-authority"),
        pytest.param("https://me@/a.jpg", id="userinfo-only"),
        pytest.param("https://cdn.example.com:1:2/a.jpg", id="two-ports"),
    ],
)
def test_bad_host_is_reported(url: str) -> None:
    assert url_problem(url) == "has no valid host name"


@pytest.mark.parametrize(
    ("url", "host"),
    [
        pytest.param("https://./spring.jpg", ".", id="a-dot"),
        pytest.param("https://../spring.jpg", "..", id="two-dots"),
        pytest.param("https://-/spring", "-", id="a-hyphen"),
        pytest.param("https://cdn..example.com/a.jpg", "cdn..example.com", id="empty-label"),
        pytest.param("https://cdn-.example.com/a.jpg", "cdn-.example.com", id="hyphen-last"),
        pytest.param("https://-cdn.example.com/a.jpg", "-cdn.example.com", id="hyphen-first"),
        pytest.param(f"https://{'a' * 64}.com/a.jpg", f"{'a' * 64}.com", id="label-over-63"),
    ],
)
def test_host_name_no_dns_name_can_have_is_reported(url: str, host: str) -> None:
    assert url_problem(url) == f"has no valid host name ({quote(host)})"
    assert not is_plain_image_url(url)


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("https://[abc]/a.jpg", 'has no valid host name ("[abc]" is no IPv6 address)'),
        ("https://[1.2.3.4]/a.jpg", 'has no valid host name ("[1.2.3.4]" is no IPv6 address)'),
        ("https://u:[p@cdn.example.com/a.jpg", "has a [ or ] before its host (percent-encode"),
        ("https://u]:p@cdn.example.com/a.jpg", "has a [ or ] before its host (percent-encode"),
    ],
)
def test_brackets_urlsplit_refuses_are_reported(url: str, said: str) -> None:
    # Passed offline; online, urlsplit raised in the fetcher and the whole run ended.
    problem = url_problem(url)
    assert problem is not None
    assert problem.startswith(said)


@pytest.mark.parametrize(
    "url", ["https://cdn.example.com\uff03/a.jpg", "https://bob\uff20cdn.example.com/a.jpg"]
)
def test_a_host_whose_characters_read_as_delimiters_is_reported(url: str) -> None:
    # A full-width # or @ is one after NFKC: urlsplit refuses it, and the fetch said only
    # that the URL could not be read, while offline it passed.
    assert url_problem(url) == (
        "has a host with a character that reads as a delimiter (a full-width # or @)"
    )
    with pytest.raises(ValueError, match="NFKC"):
        urlsplit(url)


@pytest.mark.parametrize("url", ["https://[::1]:8080/a.jpg", "https://cdn.example.com/a[1].jpg"])
def test_brackets_that_belong_pass(url: str) -> None:
    assert url_problem(url) is None


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("https://cdn.example.com./a.jpg", id="root-dot"),
        pytest.param(f"https://{'a' * 63}.com/a.jpg", id="label-of-63"),
        pytest.param("https://my_bucket.s3.amazonaws.com/a.jpg", id="underscore"),
        pytest.param("https://straße.example/a.jpg", id="unicode"),
        pytest.param("https://x.example/a.jpg", id="one-letter-label"),
        pytest.param("https://cdn.example.com:0443/a.jpg", id="port-with-a-leading-zero"),
        pytest.param("https://cdn.example.com:/a.jpg", id="empty-port-is-the-scheme-s"),
    ],
)
def test_unusual_but_valid_hosts_pass(url: str) -> None:
    assert url_problem(url) is None


@pytest.mark.parametrize(
    ("url", "port"),
    [
        pytest.param("https://cdn.example.com:0/a.jpg", "0", id="zero"),
        pytest.param("https://cdn.example.com:65536/a.jpg", "65536", id="just-above-range"),
        pytest.param("https://cdn.example.com:99999/a.jpg", "99999", id="five-nines"),
    ],
)
def test_invalid_port_is_quoted(url: str, port: str) -> None:
    assert url_problem(url) == f"has an invalid port {port!r}"


# --- is_plain_image_url --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("https://cdn.example.com/spring.jpg", id="jpg"),
        pytest.param("http://cdn.example.com/a/b/spring.png", id="png-http"),
        pytest.param("https://cdn.example.com/spring.jpeg", id="jpeg"),
        pytest.param("https://cdn.example.com/spring.jpe", id="jpe"),
        pytest.param("https://cdn.example.com/spring.jfif", id="jfif"),
        pytest.param("HTTPS://CDN.EXAMPLE.COM/SPRING.JPG", id="uppercase"),
        pytest.param("https://cdn.example.com/spring.jpg?w=600&h=900", id="query"),
        pytest.param("https://cdn.example.com/spring.png#preview", id="fragment"),
        pytest.param("https://cdn.example.com:8080/spring.jpg", id="short-port"),
    ],
)
def test_plain_image_urls_are_recognised(url: str) -> None:
    assert is_plain_image_url(url)


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("https://cdn.example.com/spring.webp", id="webp"),
        pytest.param("https://cdn.example.com/spring.mp4", id="video"),
        pytest.param("https://cdn.example.com/spring.png/large", id="png-in-middle-of-path"),
        pytest.param("https://cdn.example.com/image?name=spring.jpg", id="name-in-query-only"),
        pytest.param("https://cdn.example.com/.png", id="dotfile"),
        pytest.param("https://cdn.example.com", id="no-path"),
        pytest.param("ftp://cdn.example.com/spring.jpg", id="ftp"),
        pytest.param("//cdn.example.com/spring.jpg", id="no-scheme"),
        pytest.param("https://cdn.example.com/spring pin.jpg", id="space"),
        pytest.param("https://cdn.example.com:12345/spring.jpg", id="five-digit-port"),
        pytest.param("https://cdn.example.com/spring", id="no-extension"),
        pytest.param("https://www.DropBox.com/s/abc/spring.jpg", id="dropbox-share-page"),
    ],
)
def test_other_urls_are_not_plain_image_urls(url: str) -> None:
    assert not is_plain_image_url(url)


# --- extension and declared_format ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        pytest.param("https://cdn.example.com/spring.jpg", "jpg", id="simple"),
        pytest.param("https://cdn.example.com/SPRING.JPG", "jpg", id="uppercase-lowered"),
        pytest.param("https://cdn.example.com/a.jpg?v=1.png", "jpg", id="query-ignored"),
        pytest.param("https://cdn.example.com/a.png#x.gif", "png", id="fragment-ignored"),
        pytest.param("https://cdn.example.com/a.tar.gz", "gz", id="last-dot"),
        pytest.param("https://cdn.example.com/spring", None, id="no-extension"),
        pytest.param("https://cdn.example.com/.hidden", None, id="dotfile"),
        pytest.param("https://cdn.example.com/spring.", None, id="trailing-dot"),
        pytest.param("https://cdn.example.com", None, id="host-is-not-a-name"),
        pytest.param("https://cdn.example.com?name=a.jpg", None, id="only-query-has-dot"),
        pytest.param("https://cdn.example.com/dir.png/file", None, id="dot-in-directory"),
        pytest.param("/photos/clip.MP4", "mp4", id="relative-path"),
    ],
)
def test_extension_is_the_lowercase_suffix_of_the_path(url: str, expected: str | None) -> None:
    assert extension(url) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        pytest.param("https://x.example/a.jpg", ("jpg", DeclaredFormat.IMAGE_OK), id="jpg"),
        pytest.param("https://x.example/a.PNG", ("png", DeclaredFormat.IMAGE_OK), id="png"),
        pytest.param("https://x.example/a.jfif", ("jfif", DeclaredFormat.IMAGE_OK), id="jfif"),
        pytest.param("https://x.example/a.mov", ("mov", DeclaredFormat.VIDEO_OK), id="mov"),
        pytest.param(
            "https://x.example/a.webp", ("webp", DeclaredFormat.IMAGE_UNSUPPORTED), id="webp"
        ),
        pytest.param(
            "https://x.example/a.gif?x=1", ("gif", DeclaredFormat.IMAGE_UNSUPPORTED), id="gif"
        ),
        pytest.param(
            "https://x.example/a.webm", ("webm", DeclaredFormat.VIDEO_UNSUPPORTED), id="webm"
        ),
        pytest.param("https://x.example/a.php", ("php", DeclaredFormat.UNKNOWN), id="unknown"),
        pytest.param("https://x.example/image", (None, DeclaredFormat.UNKNOWN), id="none"),
    ],
)
def test_declared_format_classifies_the_extension(
    url: str, expected: tuple[str | None, DeclaredFormat]
) -> None:
    assert declared_format(url) == expected


# --- the shortcut agrees with the long way -------------------------------------------------------

# Letters that case-insensitive Unicode regexes fold onto ASCII: U+017F, U+0131, U+0130, U+212A.
_FOLDING = "\u017f\u0131\u0130\u212a\u00e9"
_HOST_CHARS = string.ascii_letters + string.digits + ".-" + _FOLDING
_PATH_CHARS = string.ascii_letters + string.digits + "-._~/%!$&'()*+,;=:@" + _FOLDING


def _url_like() -> st.SearchStrategy[str]:
    """URLs built to sit near the shortcut's edges (with non-ASCII letters that case folding
    turns into ASCII ones), plus arbitrary printable ASCII."""
    built = st.builds(
        "{}://{}{}/{}.{}{}".format,
        st.sampled_from(["http", "https", "HTTP", "HtTpS", "ftp", "file", "http\u017f"]),
        st.text(st.sampled_from(_HOST_CHARS), min_size=1, max_size=12),
        st.one_of(st.just(""), st.integers(0, 99999).map(":{}".format)),
        st.text(st.sampled_from(_PATH_CHARS), max_size=12),
        st.sampled_from(
            ["jpg", "JPEG", "jpe", "jfif", "png", "PnG", "gif", "mp4", "", "jf\u0131f", "JF\u0130F"]
        ),
        st.one_of(
            st.just(""),
            st.text(st.sampled_from(string.printable), max_size=8).map("?{}".format),
            st.text(st.sampled_from(string.printable), max_size=8).map("#{}".format),
        ),
    )
    return st.one_of(built, st.text(st.sampled_from(string.printable)))


@given(_url_like())
def test_a_plain_image_url_has_no_problem_and_declares_an_image(url: str) -> None:
    if is_plain_image_url(url):
        assert url_problem(url) is None
        assert declared_format(url)[1] is DeclaredFormat.IMAGE_OK


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("https://cdn.example.com/a\x00b.jpg", 'a control character ("\\x00" at character 25)'),
        ("https://cdn.example.com/a\x7f.jpg", "a control character"),
        ("https://cdn.example.com/a\ud800.jpg", "a broken character"),
        ("https://cdn.example.com/a\u00a0b.jpg", "contains whitespace"),  # a no-break space
        ("https://cdn.example.com/a.jpg#\u3000", "contains whitespace"),
        ("https://cdn.example.com/" + "q" * 70_000 + ".jpg", "70,028 characters long"),
        # Copied from a page or a document: sent, they are part of another file's name.
        ("https://cdn.example.com/a.jpg\u200b", 'invisible character ("\\u200b" at character 29)'),
        ("https://cdn.example.com/\ufeffa.jpg", "an invisible character"),
        ("https://cdn.example.com/a\u00adb.jpg", "an invisible character"),
        ("https://cdn.example.com/a.jpg?v=1\u2060", "an invisible character"),
    ],
    ids=["NUL", "DEL", "lone surrogate", "no-break space", "ideographic space", "too long",
         "zero-width space", "byte order mark", "soft hyphen", "word joiner"],
)  # fmt: skip
def test_a_url_no_client_can_send_is_not_plain_and_says_why(url: str, said: str) -> None:
    assert not is_plain_image_url(url)
    problem = url_problem(url)
    assert problem is not None
    assert said in problem


def test_the_joiners_of_persian_words_and_emoji_are_not_invisible_mistakes() -> None:
    for url in ("https://cdn.example.com/\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645.jpg",
                "https://cdn.example.com/\U0001f468\u200d\U0001f469.jpg",
                "https://cdn.example.com/\u182a\u1820\u180e\u1821.jpg",  # Mongolian
                "https://cdn.example.com/a.jpg#\u200b"):  # a fragment is not sent  # fmt: skip
        assert url_problem(url) is None


@pytest.mark.parametrize(
    ("cell", "formula"),
    [
        ('=CONCAT(A2," sale")', True),
        ("=_xlfn.CONCAT(A1)", True),
        ("=A2", True),
        ("=$B$3", True),
        ("=Sheet1!C4", True),
        ('=A2&" sale"', True),
        ("=TODAY()+3", True),
        ("=Sale (50% off)", False),  # a title: a review found it flagged
        ("=Go2 the beach", False),
        ("= 5 stars", False),
        ("Sale", False),
    ],
)
def test_a_formula_is_told_from_text_that_starts_with_an_equals_sign(
    cell: str, formula: bool
) -> None:
    assert is_formula(cell) is formula


@pytest.mark.parametrize(
    ("url", "sent"),
    [
        ("https://CDN.Example.com/A.jpg#x", "https://cdn.example.com/A.jpg"),
        ("HTTPS://cdn.example.com?V=1#top", "https://cdn.example.com?V=1"),
        (
            "https://User:PW@Host.example.com:8443/a.jpg",
            "https://User:PW@host.example.com:8443/a.jpg",
        ),
        ("https://cdn.example.com/a.jpg", "https://cdn.example.com/a.jpg"),
    ],
)
def test_same_resource_is_the_request_a_url_makes(url: str, sent: str) -> None:
    assert same_resource(url) == sent


@pytest.mark.parametrize(
    ("url", "service"),
    [
        ("https://drive.google.com/file/d/1AbC/view?usp=sharing", "a Google Drive"),
        ("https://docs.google.com/presentation/d/1AbC/edit", "a Google Drive"),
        ("https://www.dropbox.com/scl/fi/abc/clip.mp4?rlkey=x&dl=0", "a Dropbox"),
        ("https://www.dropbox.com/s/abc/photo", "a Dropbox"),
        ("https://www.dropbox.com/s/abc/photo.jpg?dl=0", "a Dropbox"),
        ("https://1drv.ms/i/s!abc", "a OneDrive"),
        ("https://photos.app.goo.gl/abc", "a Google Photos"),
        ("https://imgur.com/gallery/abc", "an imgur"),
        # The file itself: served as it is.
        ("https://drive.google.com/uc?export=download&id=1AbC", None),
        ("https://drive.google.com/u/0/uc?id=1AbC&export=download", None),
        ("https://drive.google.com/thumbnail?id=1AbC&sz=w1000", None),
        ("https://docs.google.com/drawings/d/1AbC/export/png", None),
        ("https://onedrive.live.com/embed?resid=X&authkey=Y", None),
        ("https://www.dropbox.com/scl/fi/abc/clip.mp4?rlkey=x&raw=1", None),
        ("https://dl.dropboxusercontent.com/s/abc/photo.jpg", None),
        ("https://i.imgur.com/abc.jpg", None),
        ("https://cdn.example.com/file/d/view", None),
        ("https://[broken/a.jpg", None),
    ],
)
def test_a_share_page_is_named_by_its_service(url: str, service: str | None) -> None:
    found = share_page(url)
    assert (found[0] if found else None) == service


@pytest.mark.parametrize(
    ("url", "fix"),
    [
        ("https://www.dropbox.com/s/abc/clip.mp4?dl=0", "End the link with raw=1 instead of dl=0"),
        ("https://www.dropbox.com/s/abc/photo", "End the link with ?raw=1"),
        ("https://www.dropbox.com/scl/fi/abc/photo?rlkey=x", "End the link with &raw=1"),
    ],
)
def test_a_dropbox_share_link_is_told_how_to_serve_the_file(url: str, fix: str) -> None:
    found = share_page(url)
    assert found is not None
    assert found[1] == f"{fix}: Dropbox then serves the file itself."
