import asyncio
import socket
from collections.abc import Sequence
from ipaddress import IPv4Address, IPv6Address, ip_address

import pytest

from validator.netguard import (
    NotPublic,
    ResolveError,
    Resolver,
    address_problem,
    check_public,
    is_public_address,
    literal_problem,
    system_resolver,
)


class FakeResolver:
    """Answers every name with chosen addresses, or raises a chosen error; records its calls."""

    def __init__(self, *addresses: str, error: BaseException | None = None) -> None:
        self.addresses = addresses
        self.error = error
        self.calls: list[tuple[str, int]] = []

    async def __call__(self, host: str, port: int) -> Sequence[str]:
        self.calls.append((host, port))
        if self.error is not None:
            raise self.error
        return self.addresses


def check(host: str, resolver: Resolver | None = None, port: int = 443) -> object:
    return asyncio.run(check_public(host, port, resolver=resolver))


NOT_PUBLIC = [
    ("127.0.0.1", "loopback"),
    ("127.255.255.254", "loopback"),
    ("10.0.0.1", "private address (10.0.0.0/8)"),
    ("172.16.0.1", "private address (172.16.0.0/12)"),
    ("172.31.255.255", "private address (172.16.0.0/12)"),
    ("192.168.1.10", "private address (192.168.0.0/16)"),
    ("169.254.169.254", "link-local"),
    ("100.64.0.1", "shared address space"),
    ("100.127.255.255", "shared address space"),
    ("0.0.0.0", "unspecified"),  # noqa: S104 - an address to judge, not to bind
    ("0.1.2.3", "this network"),
    ("192.0.0.8", "IETF protocol assignments"),
    ("192.0.2.1", "documentation"),
    ("198.51.100.7", "documentation"),
    ("203.0.113.9", "documentation"),
    ("198.18.0.1", "benchmarking"),
    ("224.0.0.1", "multicast"),
    ("239.255.255.250", "multicast"),
    ("240.0.0.1", "reserved"),
    ("255.255.255.255", "broadcast"),
    ("::1", "loopback"),
    ("::", "unspecified"),
    ("fe80::1", "link-local"),
    ("fe80::1%eth0", "link-local"),
    ("fec0::1", "site-local"),
    ("fc00::1", "unique local"),
    ("fd12:3456:789a::1", "unique local"),
    ("ff02::1", "multicast"),
    ("2001:db8::1", "documentation"),
    ("3fff::1", "documentation"),
    ("2001::1", "IETF protocol assignments"),  # Teredo
    ("100::1", "outside the IPv6 global unicast range"),  # discard-only
    ("::7f00:1", "outside the IPv6 global unicast range"),  # deprecated IPv4-compatible
    ("::ffff:127.0.0.1", "IPv4-mapped form of 127.0.0.1, a loopback"),
    ("::ffff:10.0.0.1", "IPv4-mapped form of 10.0.0.1, a private"),
    ("::ffff:169.254.169.254", "IPv4-mapped form of 169.254.169.254, a link-local"),
    ("64:ff9b::a00:1", "NAT64 form of 10.0.0.1"),
    ("2002:7f00:1::1", "6to4 address of 127.0.0.1"),
]

PUBLIC = [
    "8.8.8.8",
    "1.1.1.1",
    "93.184.215.14",
    "100.63.255.255",  # just below 100.64.0.0/10
    "100.128.0.0",  # just above it
    "172.15.255.255",  # just below 172.16.0.0/12
    "172.32.0.0",  # just above it
    "192.0.1.1",
    "198.20.0.1",  # above 198.18.0.0/15
    "223.255.255.255",  # just below multicast
    "2606:4700:4700::1111",
    "2001:4860:4860::8888",  # 2001:4860 is far above 2001::/23
    "2a00:1450:4001:80b::200e",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",  # a DNS64 network's view of 8.8.8.8
    "2002:808:808::1",
]


@pytest.mark.parametrize(("address", "reason"), NOT_PUBLIC)
def test_not_public_addresses(address: str, reason: str) -> None:
    assert not is_public_address(address)
    problem = address_problem("media.example.com", address)
    assert problem is not None
    assert reason in problem.reason
    assert ip_address(problem.address or "") == ip_address(address)


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses(address: str) -> None:
    assert is_public_address(address)
    assert is_public_address(ip_address(address))
    assert address_problem("media.example.com", address) is None


@pytest.mark.parametrize("text", ["", "example.com", "1.2.3", "::g", "10.0.0.1%eth0"])
def test_is_public_address_wants_an_address(text: str) -> None:
    with pytest.raises(ValueError, match="does not appear to be"):
        is_public_address(text)


LITERALS = [
    pytest.param("127.0.0.1", "127.0.0.1", "127.0.0.1 is a loopback address", id="loopback"),
    pytest.param("[::1]", "::1", "[::1] is the loopback address (::1)", id="ipv6-loopback"),
    pytest.param("::1", "::1", "::1 is the loopback", id="ipv6-without-brackets"),
    pytest.param(
        "169.254.169.254", "169.254.169.254", "is a link-local address", id="cloud-metadata"
    ),
    pytest.param("10.0.0.1", "10.0.0.1", "10.0.0.1 is a private address", id="private"),
    pytest.param(
        "::ffff:127.0.0.1", "::ffff:127.0.0.1", "IPv4-mapped form of 127.0.0.1", id="mapped"
    ),
    pytest.param(
        "[::ffff:127.0.0.1]",
        "::ffff:127.0.0.1",
        "IPv4-mapped form of 127.0.0.1",
        id="mapped-brackets",
    ),
    pytest.param("100.64.0.1", "100.64.0.1", "shared address space", id="cgnat"),
    pytest.param("[fe80::1%25eth0]", "fe80::1", "is a link-local address", id="ipv6-zone"),
    pytest.param("2130706433", "127.0.0.1", "2130706433 means 127.0.0.1", id="decimal-ipv4"),
    pytest.param("127.1", "127.0.0.1", "127.1 means 127.0.0.1, a loopback", id="short-ipv4"),
    pytest.param("0x7f.0.0.1", "127.0.0.1", "means 127.0.0.1", id="hex-ipv4"),
    pytest.param("0177.0.0.1", "127.0.0.1", "means 127.0.0.1", id="octal-ipv4"),
    pytest.param("10.0.0.1.", "10.0.0.1", "private", id="trailing-dot"),
    pytest.param("localhost", None, "localhost is a loopback name", id="localhost"),
    pytest.param("LocalHost.", None, "loopback name", id="localhost-case-and-dot"),
    pytest.param("media.localhost", None, "loopback name", id="localhost-subdomain"),
    pytest.param("nas.local", None, "multicast DNS", id="mdns"),
    pytest.param("cdn.corp.internal", None, ".internal", id="internal"),
    pytest.param("printer.home.arpa", None, ".home.arpa", id="home-arpa"),
    pytest.param("fileserver", None, "single-label name", id="single-label"),
]


@pytest.mark.parametrize(("host", "address", "message"), LITERALS)
def test_literal_problem(host: str, address: str | None, message: str) -> None:
    problem = literal_problem(host)
    assert problem is not None
    assert problem.host == host
    assert problem.address == address
    assert message in problem.message


@pytest.mark.parametrize(
    "host",
    [
        "8.8.8.8",
        "[2606:4700:4700::1111]",
        "cdn.example.com",
        "pins-media.s3.us-east-1.amazonaws.com",
        "localhost.example.com",  # only the localhost name itself, and its subdomains
        "local.example.com",
        "256.1.1.1",  # not an address: a (bad) name, for DNS to refuse
        "1.2.3.4 extra",  # inet_aton would read 1.2.3.4 and ignore the rest
        "",
    ],
)
def test_literal_problem_leaves_the_rest_to_dns(host: str) -> None:
    assert literal_problem(host) is None


# --- check_public with a chosen resolver ---------------------------------------------------------


@pytest.mark.parametrize(
    "addresses",
    [
        pytest.param(["93.184.215.14"], id="one-ipv4"),
        pytest.param(["2606:2800:21f:cb07:6820:80da:af6b:8b2c"], id="one-ipv6"),
        pytest.param(["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"], id="dual-stack"),
    ],
)
def test_public_name_passes(addresses: list[str]) -> None:
    resolver = FakeResolver(*addresses)
    assert check("cdn.example.com", resolver, port=8443) is None
    assert resolver.calls == [("cdn.example.com", 8443)]


@pytest.mark.parametrize(
    ("addresses", "offending", "reason"),
    [
        pytest.param(["10.1.2.3"], "10.1.2.3", "private", id="private-ipv4"),
        pytest.param(
            ["93.184.215.14", "10.1.2.3"], "10.1.2.3", "private", id="public-then-private"
        ),
        pytest.param(["127.0.0.1", "93.184.215.14"], "127.0.0.1", "loopback", id="private-first"),
        pytest.param(
            ["2606:4700::6810:84e5", "fd00::5"], "fd00::5", "unique local", id="ipv6-mixed"
        ),
        pytest.param(
            ["::ffff:169.254.169.254"], "::ffff:169.254.169.254", "link-local", id="mapped-metadata"
        ),
        pytest.param(
            ["93.184.215.14", "fe80::1%eth0"],
            "fe80::1%eth0",
            "link-local",
            id="ipv6-link-local-with-zone",
        ),
    ],
)
def test_any_private_address_refuses_the_name(
    addresses: list[str], offending: str, reason: str
) -> None:
    problem = check("media.rebind.example", FakeResolver(*addresses))
    assert isinstance(problem, NotPublic)
    assert problem.host == "media.rebind.example"
    assert problem.address == offending
    assert reason in problem.reason
    assert problem.message.startswith(f"media.rebind.example resolves to {offending}, ")


@pytest.mark.parametrize(
    ("error", "temporary", "reason"),
    [
        pytest.param(
            socket.gaierror(socket.EAI_NONAME, "Name or service not known"),
            False,
            "Name or service not known",
            id="no-such-name",
        ),
        pytest.param(
            socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution"),
            True,
            "Temporary failure",
            id="try-again",
        ),
        pytest.param(TimeoutError(), True, "timed out", id="timeout"),
        pytest.param(OSError("network is unreachable"), False, "unreachable", id="other-os-error"),
        pytest.param(
            UnicodeError("encoding with 'idna' codec failed"),
            False,
            "not a valid DNS name",
            id="idna-refuses-name",
        ),
    ],
)
def test_resolution_failure_is_not_a_privacy_verdict(
    error: BaseException, temporary: bool, reason: str
) -> None:
    result = check("media.example.com", FakeResolver(error=error))
    assert isinstance(result, ResolveError)
    assert result.host == "media.example.com"
    assert result.temporary is temporary
    assert reason in result.reason


def test_no_addresses_is_a_resolve_error() -> None:
    result = check("media.example.com", FakeResolver())
    assert isinstance(result, ResolveError)


def test_empty_host_is_a_resolve_error_without_a_lookup() -> None:
    resolver = FakeResolver("93.184.215.14")
    assert isinstance(check("  ", resolver), ResolveError)
    assert resolver.calls == []


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", NotPublic("127.0.0.1", "127.0.0.1", "a loopback address (127.0.0.0/8)")),
        ("[::1]", NotPublic("[::1]", "::1", "the loopback address (::1)")),
        ("8.8.8.8", None),
        ("[2606:4700:4700::1111]", None),
        (
            "localhost",
            NotPublic("localhost", None, "a loopback name (localhost always means this machine)"),
        ),
    ],
)
def test_literals_need_no_lookup(host: str, expected: NotPublic | None) -> None:
    resolver = FakeResolver(error=AssertionError("no lookup expected"))
    assert check(host, resolver) == expected
    assert resolver.calls == []


def test_the_resolver_gets_the_trimmed_host_and_port() -> None:
    resolver = FakeResolver("93.184.215.14")
    check(" cdn.example.com ", resolver, port=80)
    assert resolver.calls == [("cdn.example.com", 80)]


def test_peer_address_check_closes_the_rebinding_gap() -> None:
    # The name passed check_public; the connection then landed on a private address.
    problem = address_problem("media.rebind.example", IPv4Address("10.9.8.7"))
    assert problem is not None
    assert (
        problem.message
        == "media.rebind.example resolves to 10.9.8.7, a private address (10.0.0.0/8)"
    )
    assert address_problem("media.rebind.example", IPv6Address("2606:4700::1")) is None


# --- the real resolver, offline ------------------------------------------------------------------


def test_real_resolver_on_localhost() -> None:
    addresses = asyncio.run(system_resolver("localhost", 443))
    assert addresses
    assert all(ip_address(address).is_loopback for address in addresses)
    assert not any(is_public_address(address) for address in addresses)
    assert len(addresses) == len(set(addresses))
    problem = check("localhost")  # the default resolver; refused by name before any lookup
    assert isinstance(problem, NotPublic)
    assert problem.address is None
