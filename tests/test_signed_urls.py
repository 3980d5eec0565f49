import base64
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from validator.signed_urls import (
    MAX_V4_LIFETIME,
    ExpiryKind,
    SignedExpiry,
    expiry,
    expiry_problem,
)

NOON = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
NOON_UNIX = 1795867200  # NOON as Unix seconds

FAKE_HEX_SIG = "a3f1" * 16
FAKE_B64_SIG = "RmFrZVNpZ25hdHVyZQ%2B%2F%3D"  # base64 text, percent-encoded
FAKE_CF_SIG = "ZmFrZS1jbG91ZGZyb250~c2lnbmF0dXJl-Zm9y~dGVzdHM_"  # CloudFront alphabet


def s3_v4(date: str = "20261128T120000Z", expires: str = "3600", **extra: str) -> str:
    query = {
        "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
        "X-Amz-Credential": "AKIAIOSFODNN7EXAMPLE%2F20261128%2Fus-east-1%2Fs3%2Faws4_request",
        "X-Amz-Date": date,
        "X-Amz-Expires": expires,
        "X-Amz-SignedHeaders": "host",
        **extra,
        "X-Amz-Signature": FAKE_HEX_SIG,
    }
    return "https://pins-media.s3.us-east-1.amazonaws.com/spring/hero.jpg?" + "&".join(
        f"{name}={value}" for name, value in query.items()
    )


def cloudfront_policy(policy: object) -> str:
    raw = base64.b64encode(json.dumps(policy).encode()).decode()
    return raw.translate(str.maketrans("+=/", "-_~"))


def custom_policy_url(policy_param: str) -> str:
    return (
        "https://d111111abcdef8.cloudfront.net/pins/hero.jpg"
        f"?Policy={policy_param}&Signature={FAKE_CF_SIG}&Key-Pair-Id=K2JCJMDEHXQW5F"
    )


def statement(epoch: object) -> dict[str, object]:
    return {
        "Resource": "https://d111111abcdef8.cloudfront.net/pins/*",
        "Condition": {"DateLessThan": {"AWS:EpochTime": epoch}},
    }


def azure(se: str, *, extra: str = "") -> str:
    return (
        "https://pinsmedia.blob.core.windows.net/pins/hero.jpg"
        f"?sv=2025-05-05&st=2026-11-27T11%3A00%3A00Z&se={se}&sr=b&sp=r{extra}&sig={FAKE_B64_SIG}"
    )


SIGNED = [
    pytest.param(
        s3_v4(), NOON + timedelta(hours=1), "SigV4", "X-Amz-Date + X-Amz-Expires", id="s3-v4"
    ),
    pytest.param(
        s3_v4(expires="604800"),
        NOON + timedelta(days=7),
        "SigV4",
        "X-Amz-Date + X-Amz-Expires",
        id="s3-v4-seven-days",
    ),
    pytest.param(
        s3_v4(expires="1"),
        NOON + timedelta(seconds=1),
        "SigV4",
        "X-Amz-Date + X-Amz-Expires",
        id="s3-v4-one-second",
    ),
    pytest.param(
        s3_v4(**{"X-Amz-Security-Token": "IQoJb3JpZ2luX2VjEFAKE%2F%2F%2F%2F"}) + "#t=2",
        NOON + timedelta(hours=1),
        "SigV4",
        "X-Amz-Date + X-Amz-Expires",
        id="s3-v4-sts-fragment",
    ),
    pytest.param(
        "https://pins-media.s3.amazonaws.com/hero.jpg?x-amz-algorithm=AWS4-HMAC-SHA256"
        "&x-amz-credential=AKIAIOSFODNN7EXAMPLE%2F20261128%2Feu-west-1%2Fs3%2Faws4_request"
        f"&x-amz-date=20261128T120000Z&x-amz-expires=900&x-amz-signedheaders=host&x-amz-signature={FAKE_HEX_SIG}",
        NOON + timedelta(minutes=15),
        "SigV4",
        "x-amz-date + x-amz-expires",
        id="s3-v4-lower-case",
    ),
    pytest.param(
        "https://4f1e.r2.cloudflarestorage.com/pins/clip.mp4?X-Amz-Algorithm=AWS4-HMAC-SHA256"
        "&X-Amz-Credential=3f1e%2F20261128%2Fauto%2Fs3%2Faws4_request&X-Amz-Date=20261128T120000Z"
        f"&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature={FAKE_HEX_SIG}",
        NOON + timedelta(days=1),
        "SigV4",
        "X-Amz-Date + X-Amz-Expires",
        id="r2-s3-compatible",
    ),
    pytest.param(
        "https://pins-media.s3.amazonaws.com/hero.jpg"
        f"?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires={NOON_UNIX}&Signature={FAKE_B64_SIG}",
        NOON,
        "SigV2",
        "Expires",
        id="s3-v2",
    ),
    pytest.param(
        "https://d111111abcdef8.cloudfront.net/pins/hero.jpg"
        f"?Expires={NOON_UNIX}&Signature={FAKE_CF_SIG}&Key-Pair-Id=K2JCJMDEHXQW5F",
        NOON,
        "CloudFront signed URL (canned policy)",
        "Expires",
        id="cloudfront-canned",
    ),
    pytest.param(
        custom_policy_url(cloudfront_policy({"Statement": [statement(NOON_UNIX)]})),
        NOON,
        "CloudFront signed URL (custom policy)",
        "Policy (DateLessThan)",
        id="cloudfront-custom-policy",
    ),
    pytest.param(
        custom_policy_url(
            cloudfront_policy({"Statement": [statement(NOON_UNIX + 60), statement(NOON_UNIX)]})
        ),
        NOON,
        "custom policy",
        "Policy (DateLessThan)",
        id="cloudfront-policy-earliest-statement",
    ),
    pytest.param(
        "https://storage.googleapis.com/pins-bucket/hero.jpg"
        f"?GoogleAccessId=signer%40pins-prod.iam.gserviceaccount.com&Expires={NOON_UNIX}"
        f"&Signature={FAKE_B64_SIG}",
        NOON,
        "Cloud Storage signed URL (V2)",
        "Expires",
        id="gcs-v2",
    ),
    pytest.param(
        "https://storage.googleapis.com/pins-bucket/hero.jpg?X-Goog-Algorithm=GOOG4-RSA-SHA256"
        "&X-Goog-Credential=signer%40pins-prod.iam.gserviceaccount.com%2F20261128%2Fauto%2Fstorage%2Fgoog4_request"
        "&X-Goog-Date=20261128T120000Z&X-Goog-Expires=900&X-Goog-SignedHeaders=host"
        f"&X-Goog-Signature={FAKE_HEX_SIG}",
        NOON + timedelta(minutes=15),
        "Cloud Storage signed URL (V4)",
        "X-Goog-Date + X-Goog-Expires",
        id="gcs-v4",
    ),
    pytest.param(
        "https://pins-bucket.storage.googleapis.com/hero.jpg?x-goog-algorithm=GOOG4-RSA-SHA256"
        "&x-goog-date=20261128T120000Z&x-goog-expires=604800&x-goog-signedheaders=host"
        f"&x-goog-signature={FAKE_HEX_SIG}",
        NOON + timedelta(days=7),
        "Cloud Storage signed URL (V4)",
        "x-goog-date + x-goog-expires",
        id="gcs-v4-lower-case",
    ),
    pytest.param(azure("2026-11-28T12%3A00%3A00Z"), NOON, "Azure", "se", id="azure-encoded"),
    pytest.param(azure("2026-11-28T12:00:00Z"), NOON, "Azure", "se", id="azure-plain"),
    pytest.param(
        azure("2026-11-28"), datetime(2026, 11, 28, tzinfo=UTC), "Azure", "se", id="azure-date-only"
    ),
    pytest.param(
        azure("2026-11-28T12:30Z"), NOON + timedelta(minutes=30), "Azure", "se", id="azure-minutes"
    ),
    pytest.param(
        azure("2026-11-28T12:00:00.1234567Z"),
        NOON + timedelta(microseconds=123456),
        "Azure",
        "se",
        id="azure-fraction",
    ),
    pytest.param(azure("2026-11-28T13:00:00%2B01:00"), NOON, "Azure", "se", id="azure-offset"),
    pytest.param(azure("2026-11-28t12:00:00z"), NOON, "Azure", "se", id="azure-lower-case-t-z"),
    pytest.param(
        azure(
            "2026-11-29T00:00:00Z",
            extra="&skoid=7f3c&sktid=72f9&skt=2026-11-27T10%3A00%3A00Z"
            "&ske=2026-11-28T12%3A00%3A00Z&sks=b&skv=2025-05-05",
        ),
        NOON,
        "Azure",
        "ske",
        id="azure-user-delegation-key-earlier",
    ),
    pytest.param(
        azure("2026-11-28T12:00:00Z", extra="&ske=2026-11-30T00%3A00%3A00Z"),
        NOON,
        "Azure",
        "se",
        id="azure-user-delegation-se-earlier",
    ),
    pytest.param(
        "https://pinsmedia.blob.core.windows.net/pins/hero.jpg"
        f"?SV=2025-05-05&SE=2026-11-28T12%3A00%3A00Z&SR=b&SP=r&SIG={FAKE_B64_SIG}",
        NOON,
        "Azure",
        "SE",
        id="azure-upper-case-names",
    ),
    pytest.param(
        s3_v4() + "&X-Amz-Expires=3600",
        NOON + timedelta(hours=1),
        "SigV4",
        "X-Amz-Date + X-Amz-Expires",
        id="repeated-with-same-value",
    ),
    pytest.param(
        s3_v4(expires="86400") + f"&sv=2025-05-05&se=2026-11-28T12%3A00%3A00Z&sig={FAKE_B64_SIG}",
        NOON,
        "Azure",
        "se",
        id="two-schemes-earliest-wins",
    ),
]


def test_temporary_credentials_end_a_url_36_hours_after_signing_at_the_latest() -> None:
    # A week's X-Amz-Expires signed in a Lambda passed for a pin published in five days: the
    # URL dies with the role's session, hours after signing (S3 user guide, presigned URLs).
    token = {"X-Amz-Security-Token": "IQoJb3JpZ2luX2VjEFAKE%2F%2F%2F%2F"}
    found = expiry(s3_v4(expires="604800", **token))
    assert found is not None
    assert found.expires_at == NOON + timedelta(hours=36)
    assert found.scheme == "S3 presigned URL (SigV4, temporary credentials)"
    assert found.parameter == "X-Amz-Date + 36 hours at most: it carries X-Amz-Security-Token"
    assert found.hint is not None
    assert "IAM user's access key" in found.hint
    verdict = expiry_problem(
        s3_v4(expires="604800", **token),
        now=NOON,
        publish_at=NOON + timedelta(days=5),
        margin=timedelta(hours=24),
    )
    assert verdict is not None
    assert verdict.kind is ExpiryKind.EXPIRES_BEFORE_PUBLISH
    # Without the token, the same URL lives its week; so does one of another S3-compatible
    # store, whose sessions live as long as it says (MinIO's, Ceph's).
    other = s3_v4(expires="604800", **token).replace("s3.us-east-1.amazonaws.com", "minio.example")
    for url in (s3_v4(expires="604800"), other):
        week = expiry(url)
        assert week is not None
        assert week.expires_at == NOON + timedelta(days=7)
    # A fully qualified host (a trailing dot) is AWS's all the same.
    rooted = s3_v4(expires="604800", **token).replace(".amazonaws.com/", ".amazonaws.com./")
    assert rooted != s3_v4(expires="604800", **token)
    found = expiry(rooted)
    assert found is not None
    assert found.expires_at == NOON + timedelta(hours=36)


@pytest.mark.parametrize(("url", "expires_at", "scheme", "parameter"), SIGNED)
def test_expiry_reads_each_scheme(
    url: str, expires_at: datetime, scheme: str, parameter: str
) -> None:
    found = expiry(url)
    assert found is not None
    assert found.expires_at == expires_at
    assert found.expires_at.tzinfo is UTC
    assert scheme in found.scheme
    assert found.parameter == parameter


NOT_SIGNED = [
    pytest.param("https://cdn.example.com/pins/hero.jpg", id="no-query"),
    pytest.param("https://cdn.example.com/pins/hero.jpg?w=1000&fmt=jpg", id="unrelated-query"),
    pytest.param(f"https://cdn.example.com/hero.jpg?expires={NOON_UNIX}", id="bare-expires"),
    pytest.param("https://cdn.example.com/hero.jpg?se=2026-11-28&sp=r", id="se-without-sig"),
    # Every Azure SAS carries its signed version: a shop's se and sig alone are its own.
    pytest.param("https://shop.example.com/a.jpg?se=2020-01-01&sig=abc", id="se-sig-without-sv"),
    pytest.param(
        f"https://cdn.example.com/hero.jpg?Policy={cloudfront_policy({'Statement': []})}",
        id="policy-without-key-pair-id",
    ),
    pytest.param(
        "https://cdn.example.com/hero.jpg#X-Amz-Date=20261128T120000Z&X-Amz-Expires=60",
        id="parameters-in-fragment-only",
    ),
    pytest.param("", id="empty"),
    pytest.param("?", id="only-question-mark"),
    pytest.param("https://[::1/hero.jpg?X-Amz-Date=bad", id="broken-ipv6-host"),
]


@pytest.mark.parametrize("url", NOT_SIGNED)
def test_expiry_is_none_without_a_signature(url: str) -> None:
    assert expiry(url) is None


MALFORMED = [
    pytest.param(s3_v4(date="2026-11-28T12:00:00Z"), id="v4-date-extended-format"),
    pytest.param(s3_v4(date="20261128T120000"), id="v4-date-without-z"),
    pytest.param(s3_v4(date="20261332T120000Z"), id="v4-date-impossible"),
    pytest.param(s3_v4(date="20261128T246000Z"), id="v4-time-impossible"),
    pytest.param(s3_v4(expires="abc"), id="v4-expires-text"),
    pytest.param(s3_v4(expires=""), id="v4-expires-empty"),
    pytest.param(s3_v4(expires="0"), id="v4-expires-zero"),
    pytest.param(s3_v4(expires="604801"), id="v4-expires-over-seven-days"),
    pytest.param(s3_v4(expires="-60"), id="v4-expires-negative"),
    pytest.param(s3_v4(expires="3600.5"), id="v4-expires-fraction"),
    pytest.param(s3_v4(expires="\u0663\u0666\u0660\u0660"), id="v4-expires-non-ascii-digits"),
    pytest.param(s3_v4() + "&X-Amz-Expires=60", id="v4-expires-repeated-differently"),
    pytest.param(
        "https://b.s3.amazonaws.com/k.jpg?X-Amz-Date=20261128T120000Z&X-Amz-Signature=00",
        id="v4-date-without-expires",
    ),
    pytest.param(
        "https://b.s3.amazonaws.com/k.jpg?X-Amz-Expires=3600&X-Amz-Signature=00",
        id="v4-expires-without-date",
    ),
    pytest.param(
        "https://storage.googleapis.com/b/k.jpg?X-Goog-Date=20261128T120000Z&X-Goog-Expires=604801",
        id="goog-v4-over-seven-days",
    ),
    pytest.param(
        "https://b.s3.amazonaws.com/k.jpg?AWSAccessKeyId=AKIA&Expires=tomorrow&Signature=x",
        id="v2-expires-text",
    ),
    pytest.param(
        "https://b.s3.amazonaws.com/k.jpg?AWSAccessKeyId=AKIA&Expires=-1&Signature=x",
        id="v2-expires-negative",
    ),
    pytest.param(
        "https://b.s3.amazonaws.com/k.jpg?AWSAccessKeyId=AKIA&Expires=999999999999&Signature=x",
        id="v2-expires-past-year-9999",
    ),
    pytest.param(
        "https://b.s3.amazonaws.com/k.jpg?AWSAccessKeyId=AKIA&Expires=1e9&Signature=x",
        id="v2-expires-exponent",
    ),
    pytest.param(custom_policy_url("not*base64"), id="policy-not-base64"),
    pytest.param(custom_policy_url(base64.b64encode(b"{oops").decode()), id="policy-not-json"),
    pytest.param(custom_policy_url(base64.b64encode(b"\xff\xfe").decode()), id="policy-not-utf8"),
    pytest.param(custom_policy_url(cloudfront_policy([1, 2])), id="policy-not-object"),
    pytest.param(custom_policy_url(cloudfront_policy({"Statement": []})), id="policy-no-statement"),
    pytest.param(
        custom_policy_url(cloudfront_policy({"Statement": [{"Resource": "*"}]})),
        id="policy-no-date-less-than",
    ),
    pytest.param(
        custom_policy_url(cloudfront_policy({"Statement": [statement(str(NOON_UNIX))]})),
        id="policy-epoch-as-string",
    ),
    pytest.param(
        custom_policy_url(cloudfront_policy({"Statement": [statement(True)]})),
        id="policy-epoch-boolean",
    ),
    pytest.param(
        custom_policy_url(cloudfront_policy({"Statement": [statement(-5)]})),
        id="policy-epoch-negative",
    ),
    pytest.param(
        custom_policy_url(cloudfront_policy({"Statement": [statement(NOON_UNIX), "x"]})),
        id="policy-one-statement-unreadable",
    ),
    pytest.param(
        custom_policy_url(base64.b64encode(b"[" * 200_000).decode()), id="policy-deep-nesting"
    ),
    pytest.param(azure("2026-11-28T12:00:00"), id="azure-time-without-zone"),
    pytest.param(azure("28%2F11%2F2026"), id="azure-day-first"),
    pytest.param(azure("2026-02-30"), id="azure-impossible-date"),
    pytest.param(azure("2026-11-28T25:00Z"), id="azure-impossible-hour"),
    pytest.param(azure("2026-11-28T12:00:00%2B24:00"), id="azure-offset-out-of-range"),
    pytest.param(azure("2026-11-28T12:00:00%2B01:75"), id="azure-offset-minutes"),
    pytest.param(azure("1795867200"), id="azure-unix-seconds"),
    pytest.param(azure("2026-11-28T12:00:00Z", extra="&ske=soon"), id="azure-ske-malformed"),
    pytest.param(azure("2026-11-28") + "&se=2026-11-29", id="azure-se-repeated-differently"),
]


@pytest.mark.parametrize("url", MALFORMED)
def test_expiry_is_none_when_unreadable(url: str) -> None:
    assert expiry(url) is None


def test_a_readable_scheme_survives_an_unreadable_one() -> None:
    url = s3_v4(expires="oops") + f"&sv=2025-05-05&se=2026-11-28T12%3A00%3A00Z&sig={FAKE_B64_SIG}"
    found = expiry(url)
    assert found is not None
    assert found.parameter == "se"


@given(st.text())
def test_expiry_never_raises_on_any_text(text: str) -> None:
    expiry(text)


_NAMES = st.sampled_from(
    [
        "X-Amz-Date",
        "X-Amz-Expires",
        "x-goog-date",
        "X-Goog-Expires",
        "Expires",
        "Signature",
        "Key-Pair-Id",
        "GoogleAccessId",
        "AWSAccessKeyId",
        "Policy",
        "se",
        "ske",
        "sig",
    ]
)


@given(st.lists(st.tuples(_NAMES, st.text()), max_size=8))
def test_expiry_never_raises_on_signature_like_queries(pairs: list[tuple[str, str]]) -> None:
    result = expiry("https://b.example.com/k.jpg?" + "&".join(f"{n}={v}" for n, v in pairs))
    assert result is None or result.expires_at.tzinfo is UTC


@given(
    st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(9000, 1, 1)).map(
        lambda moment: moment.replace(microsecond=0, tzinfo=UTC)
    ),
    st.integers(min_value=1, max_value=604800),
)
def test_sigv4_deadline_is_date_plus_lifetime(signed_at: datetime, lifetime: int) -> None:
    found = expiry(s3_v4(date=signed_at.strftime("%Y%m%dT%H%M%SZ"), expires=str(lifetime)))
    assert found == SignedExpiry(
        signed_at + timedelta(seconds=lifetime),
        "S3 presigned URL (SigV4)",
        "X-Amz-Date + X-Amz-Expires",
        MAX_V4_LIFETIME,
    )


# --- expiry_problem ------------------------------------------------------------------------------

ONE_HOUR_URL = s3_v4()  # signed at NOON for an hour
EXPIRES = NOON + timedelta(hours=1)
MARGIN = timedelta(minutes=30)


def test_unsigned_url_has_no_problem() -> None:
    assert (
        expiry_problem("https://cdn.example.com/a.jpg", now=NOON, publish_at=None, margin=MARGIN)
        is None
    )


@pytest.mark.parametrize(
    ("now", "gap"),
    [
        pytest.param(EXPIRES, timedelta(0), id="at-the-deadline"),
        pytest.param(EXPIRES + timedelta(seconds=1), timedelta(seconds=1), id="one-second-late"),
        pytest.param(EXPIRES + timedelta(days=3), timedelta(days=3), id="days-late"),
    ],
)
def test_expired(now: datetime, gap: timedelta) -> None:
    verdict = expiry_problem(ONE_HOUR_URL, now=now, publish_at=None, margin=MARGIN)
    assert verdict is not None
    assert verdict.kind is ExpiryKind.EXPIRED
    assert verdict.gap == gap
    assert verdict.reference == now
    assert not verdict.from_publish
    assert verdict.expiry.expires_at == EXPIRES


def test_expired_wins_over_publish_time() -> None:
    verdict = expiry_problem(
        ONE_HOUR_URL,
        now=EXPIRES + timedelta(hours=2),
        publish_at=EXPIRES + timedelta(days=1),
        margin=MARGIN,
    )
    assert verdict is not None
    assert verdict.kind is ExpiryKind.EXPIRED
    assert verdict.gap == timedelta(hours=2)


@pytest.mark.parametrize(
    ("publish_at", "gap"),
    [
        pytest.param(EXPIRES, timedelta(0), id="publish-at-the-deadline"),
        pytest.param(EXPIRES + timedelta(seconds=1), timedelta(seconds=1), id="one-second-after"),
        pytest.param(EXPIRES + timedelta(days=2), timedelta(days=2), id="days-after"),
    ],
)
def test_expires_before_publish(publish_at: datetime, gap: timedelta) -> None:
    verdict = expiry_problem(ONE_HOUR_URL, now=NOON, publish_at=publish_at, margin=MARGIN)
    assert verdict is not None
    assert verdict.kind is ExpiryKind.EXPIRES_BEFORE_PUBLISH
    assert verdict.gap == gap
    assert verdict.reference == publish_at
    assert verdict.from_publish


@pytest.mark.parametrize(
    ("now", "publish_at", "margin", "reference", "from_publish"),
    [
        pytest.param(
            EXPIRES - MARGIN, None, MARGIN, EXPIRES - MARGIN, False, id="now-exactly-margin"
        ),
        pytest.param(
            EXPIRES - timedelta(seconds=1),
            None,
            MARGIN,
            EXPIRES - timedelta(seconds=1),
            False,
            id="now-one-second-left",
        ),
        pytest.param(
            NOON,
            EXPIRES - timedelta(minutes=10),
            MARGIN,
            EXPIRES - timedelta(minutes=10),
            True,
            id="publish-within-margin",
        ),
        pytest.param(
            NOON + timedelta(minutes=50),
            NOON - timedelta(days=1),
            MARGIN,
            NOON + timedelta(minutes=50),
            False,
            id="publish-time-in-the-past-uses-now",
        ),
        pytest.param(
            EXPIRES - timedelta(seconds=1),
            None,
            timedelta(seconds=1),
            EXPIRES - timedelta(seconds=1),
            False,
            id="one-second-margin",
        ),
    ],
)
def test_expires_soon(
    now: datetime,
    publish_at: datetime | None,
    margin: timedelta,
    reference: datetime,
    from_publish: bool,
) -> None:
    verdict = expiry_problem(ONE_HOUR_URL, now=now, publish_at=publish_at, margin=margin)
    assert verdict is not None
    assert verdict.kind is ExpiryKind.EXPIRES_SOON
    assert verdict.reference == reference
    assert verdict.from_publish is from_publish
    assert verdict.gap == EXPIRES - reference
    assert timedelta(0) < verdict.gap <= margin
    assert verdict.margin == margin


@pytest.mark.parametrize(
    ("now", "publish_at", "margin"),
    [
        pytest.param(
            EXPIRES - MARGIN - timedelta(seconds=1), None, MARGIN, id="just-outside-margin"
        ),
        pytest.param(NOON, None, timedelta(0), id="zero-margin"),
        pytest.param(NOON, EXPIRES - MARGIN - timedelta(seconds=1), MARGIN, id="publish-in-time"),
    ],
)
def test_no_problem(now: datetime, publish_at: datetime | None, margin: timedelta) -> None:
    assert expiry_problem(ONE_HOUR_URL, now=now, publish_at=publish_at, margin=margin) is None


def test_any_time_zone_compares_by_instant() -> None:
    paris = timezone(timedelta(hours=1))
    now = datetime(2026, 11, 28, 14, 0, 1, tzinfo=paris)  # 13:00:01 UTC, a second late
    verdict = expiry_problem(ONE_HOUR_URL, now=now, publish_at=None, margin=MARGIN)
    assert verdict is not None
    assert verdict.kind is ExpiryKind.EXPIRED
    assert verdict.gap == timedelta(seconds=1)


@pytest.mark.parametrize(
    ("now", "publish_at", "margin", "message"),
    [
        pytest.param(datetime(2026, 11, 28, 12), None, MARGIN, "now must be", id="naive-now"),
        pytest.param(
            NOON, datetime(2026, 11, 29), MARGIN, "publish_at must be", id="naive-publish"
        ),
        pytest.param(NOON, None, timedelta(seconds=-1), "margin", id="negative-margin"),
    ],
)
def test_programming_errors_raise(
    now: datetime, publish_at: datetime | None, margin: timedelta, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        expiry_problem(ONE_HOUR_URL, now=now, publish_at=publish_at, margin=margin)


def test_a_signing_date_at_the_end_of_time_is_unreadable_not_a_crash() -> None:
    url = (
        "https://b.s3.amazonaws.com/a.jpg?X-Amz-Date=99991231T235959Z&X-Amz-Expires=604800"
        "&X-Amz-Signature=abc&X-Amz-Credential=x"
    )
    assert expiry(url) is None


def test_a_percent_encoded_parameter_name_is_still_read() -> None:
    """The shortcut for cache busters (no deadline name in the query) never hides one spelled
    with percent escapes: ``%45xpires`` is ``Expires``."""
    url = "https://b.s3.amazonaws.com/a.jpg?X-Amz-Date=20300101T000000Z&X-Amz-%45xpires=60"
    found = expiry(url)
    assert found is not None
    assert found.expires_at == datetime(2030, 1, 1, 0, 1, tzinfo=UTC)
    assert expiry("https://cdn.example.com/a.jpg?v=1699999999&width=800") is None
