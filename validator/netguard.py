"""Refuse media hosts that Pinterest's crawler could never reach, before fetching them.

Pinterest fetches media from its own servers, over the public internet. A URL whose host is, or
resolves to, a private, loopback, link-local or otherwise non-public address works on the author's
laptop or in the office and fails for Pinterest with "Unable to reach the URL" (code 2786). Saying
so is more useful than fetching it: the fetch from here would succeed and hide the problem. The
same check keeps a validator running in CI from being pointed at the machine's own services or at
a cloud metadata endpoint (169.254.169.254) by a calendar row.

The address table is written out here rather than taken from ``ipaddress``'s ``is_global`` and
``is_private``: those answers changed between Python patch releases (3.11 still calls multicast
224.0.0.1 global), and each range here needs its own words for the message. It follows the IANA
IPv4 and IPv6 special-purpose address registries; IPv6 outside 2000::/3 is not assigned for
global unicast at all. Addresses that embed an IPv4 address (IPv4-mapped ``::ffff:a.b.c.d``, the
NAT64 prefix ``64:ff9b::/96``, 6to4 ``2002::/16``) are judged by the address they embed, so that
``::ffff:127.0.0.1`` is loopback while a DNS64 network's ``64:ff9b::808:808`` is public.

A name that cannot be resolved is not a verdict on the host: ``check_public`` returns a
``ResolveError`` value, distinct from ``NotPublic``, so that the caller reports the URL as
unreachable (possibly temporarily) rather than as private.

DNS rebinding: ``check_public`` checks the addresses the name resolves to now; the HTTP client
resolves the name again when it connects, and a name with a very short TTL can answer a public
address here and a private one there. This module does not pretend to close that gap, because it
does not make the connection. The gap matters little for the first purpose (the URLs come from the
user's own files, and the answer predicts what Pinterest will see). For the second, only the code
that connects can close it, by checking the address it actually reached: ``address_problem(host,
peer_ip)`` on the peer of the open connection (with httpx, ``response.extensions["network_stream"]
.get_extra_info("server_addr")``) before reading the body. Through an HTTP proxy that peer is the
proxy, and the proxy resolves the name itself. Every redirect is a new host and needs
``check_public`` again, so redirects must be followed by hand, not by the client.
"""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

__all__ = [
    "NotPublic",
    "ResolveError",
    "Resolver",
    "address_problem",
    "check_public",
    "is_public_address",
    "literal_problem",
    "system_resolver",
]

#: Resolves ``(host, port)`` to IP address strings; raises ``OSError`` when the name does not
#: resolve. Injectable so that tests choose the addresses.
Resolver = Callable[[str, int], Awaitable[Sequence[str]]]


@dataclass(frozen=True, slots=True)
class NotPublic:
    """A host Pinterest cannot fetch from, and why.

    ``address`` is the offending address in its usual text form, or ``None`` when the name alone
    decides (``localhost``). ``reason`` is a noun phrase naming the kind of address and its range
    ("a loopback address (127.0.0.0/8)"); ``message`` puts the three together.
    """

    host: str
    address: str | None
    reason: str

    @property
    def message(self) -> str:
        """One sentence for a finding: "10.0.0.5 is a private address (10.0.0.0/8)"."""
        if self.address is None:
            return f"{self.host} is {self.reason}"
        if _literal(self.host) is None:
            return f"{self.host} resolves to {self.address}, {self.reason}"
        if _bare(self.host).partition("%")[0].lower() == self.address:
            return f"{self.host} is {self.reason}"
        return f"{self.host} means {self.address}, {self.reason}"  # 2130706433, 127.1, ...


@dataclass(frozen=True, slots=True)
class ResolveError:
    """The host name did not resolve: the URL is unreachable, which says nothing about privacy.

    ``temporary`` is true when the resolver said to try again later (``EAI_AGAIN``, a timeout),
    so that the caller can present the failure as retryable.
    """

    host: str
    reason: str
    temporary: bool = False


def is_public_address(ip: IPv4Address | IPv6Address | str) -> bool:
    """Whether Pinterest's crawler could connect to ``ip`` over the internet.

    A string must be an IP address (an IPv6 zone such as ``%eth0`` is allowed); anything else
    raises ``ValueError``, since a host name has no answer without DNS.
    """
    address = ip if isinstance(ip, IPv4Address | IPv6Address) else ip_address(ip)
    return _classify(address) is None


def address_problem(host: str, address: IPv4Address | IPv6Address | str) -> NotPublic | None:
    """A ``NotPublic`` when ``address`` (which ``host`` resolved or connected to) is not public.

    This is the check to run on the peer of an open connection, which closes the DNS-rebinding gap
    that resolving in advance leaves open. ``ValueError`` if ``address`` is not an IP address.
    """
    parsed = address if isinstance(address, IPv4Address | IPv6Address) else ip_address(address)
    reason = _classify(parsed)
    if reason is None:
        return None
    return NotPublic(host, _text(parsed), reason)


def literal_problem(host: str) -> NotPublic | None:
    """What the host alone shows, without DNS: a non-public IP literal or a local-only name.

    ``host`` is the URL's host, with or without the brackets of an IPv6 literal. Besides literals in
    every numeric form the system resolver turns into an address (``127.1``, ``0x7f000001`` and
    ``2130706433`` all mean 127.0.0.1 to ``getaddrinfo``), it refuses ``localhost`` and its
    subdomains (RFC 6761), the private-use suffixes ``.local`` (mDNS), ``.internal`` and
    ``.home.arpa``, and single-label names (``http://nas/``), which only the local resolver's
    search domains complete. ``None`` means only DNS can tell.
    """
    literal = _literal(host)
    if literal is not None:
        return address_problem(host, literal)
    name = _bare(host).lower().removesuffix(".")
    if not name:
        return None  # no host at all: the URL checks report that
    if name == "localhost" or name.endswith(".localhost"):
        return NotPublic(host, None, "a loopback name (localhost always means this machine)")
    for suffix, reason in _LOCAL_SUFFIXES:
        if name.endswith(suffix):
            return NotPublic(host, None, reason)
    if "." not in name:
        return NotPublic(
            host, None, "a single-label name, completed only by this network's DNS search domains"
        )
    return None


async def check_public(
    host: str, port: int, *, resolver: Resolver | None = None
) -> NotPublic | ResolveError | None:
    """Whether Pinterest could reach ``host``: ``None`` if every address it resolves to is public.

    Literals and local-only names are decided without DNS (``literal_problem``). Otherwise the name
    is resolved with ``resolver`` (default: the running loop's ``getaddrinfo``, see
    ``system_resolver``) and refused if ANY address is not public: the HTTP client may connect
    to any of them, and a name with one private address is misconfigured for the public internet.
    A name that does not resolve gives a ``ResolveError``, never a ``NotPublic``.

    Callers wanting a time limit wrap the call in ``asyncio.timeout``; see the module docstring for
    what this check cannot see (DNS rebinding, redirects, proxies).
    """
    bare = _bare(host)
    if not bare:
        return ResolveError(host, "the URL names no host")
    problem = literal_problem(host)
    if problem is not None:
        return problem
    if _literal(host) is not None:
        return None  # a public literal: nothing to resolve
    resolve = resolver if resolver is not None else system_resolver
    try:
        addresses = await resolve(bare, port)
    except UnicodeError:  # raised by the IDNA codec before any lookup
        return ResolveError(
            host, "not a valid DNS name (a label is empty, too long or unencodable)"
        )
    except OSError as exc:
        return ResolveError(host, _os_reason(exc), temporary=_is_temporary(exc))
    if not addresses:
        return ResolveError(host, "the name has no addresses")
    for address in addresses:
        problem = address_problem(host, address)
        if problem is not None:
            return problem
    return None


async def system_resolver(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to for a TCP connection, IPv4 and IPv6, in resolver order.

    The running loop's ``getaddrinfo`` answers from the same sources as the HTTP client's own
    lookup (``/etc/hosts``, the system's DNS), so what is checked is what would be connected to.
    """
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    unique = dict.fromkeys(str(sockaddr[0]) for *_, sockaddr in infos)
    return list(unique)


# --- The address table --------------------------------------------------------------------------

_V4_BLOCKS: tuple[tuple[IPv4Network, str], ...] = tuple(
    (IPv4Network(network), reason)
    for network, reason in (
        ("0.0.0.0/32", "the unspecified address (on Linux, connecting to it reaches this host)"),
        ("0.0.0.0/8", 'in 0.0.0.0/8 ("this network"), never a destination on the internet'),
        ("10.0.0.0/8", "a private address (10.0.0.0/8)"),
        ("100.64.0.0/10", "in the shared address space 100.64.0.0/10 (carrier-grade NAT)"),
        ("127.0.0.0/8", "a loopback address (127.0.0.0/8)"),
        ("169.254.0.0/16", "a link-local address (169.254.0.0/16, home of cloud metadata)"),
        ("172.16.0.0/12", "a private address (172.16.0.0/12)"),
        ("192.0.0.0/24", "reserved for IETF protocol assignments (192.0.0.0/24)"),
        ("192.0.2.0/24", "a documentation address (192.0.2.0/24)"),
        ("192.168.0.0/16", "a private address (192.168.0.0/16)"),
        ("198.18.0.0/15", "a benchmarking address (198.18.0.0/15)"),
        ("198.51.100.0/24", "a documentation address (198.51.100.0/24)"),
        ("203.0.113.0/24", "a documentation address (203.0.113.0/24)"),
        ("224.0.0.0/4", "a multicast address (224.0.0.0/4)"),
        ("255.255.255.255/32", "the broadcast address"),
        ("240.0.0.0/4", "reserved (240.0.0.0/4)"),
    )
)

_V6_BLOCKS: tuple[tuple[IPv6Network, str], ...] = tuple(
    (IPv6Network(network), reason)
    for network, reason in (
        ("::/128", "the unspecified address (on Linux, connecting to it reaches this host)"),
        ("::1/128", "the loopback address (::1)"),
        ("fe80::/10", "a link-local address (fe80::/10)"),
        ("fec0::/10", "a site-local address (fec0::/10, deprecated)"),
        ("fc00::/7", "a unique local address (fc00::/7), private to its network"),
        ("ff00::/8", "a multicast address (ff00::/8)"),
        ("2001::/23", "reserved for IETF protocol assignments (2001::/23)"),
        ("2001:db8::/32", "a documentation address (2001:db8::/32)"),
        ("3fff::/20", "a documentation address (3fff::/20)"),
    )
)

_GLOBAL_UNICAST = IPv6Network("2000::/3")
_NAT64 = IPv6Network("64:ff9b::/96")

_LOCAL_SUFFIXES = (
    (".local", "a multicast DNS name (.local), which resolves only on its own network"),
    (".internal", "a private-use name (.internal), never delegated in public DNS"),
    (".home.arpa", "a home-network name (.home.arpa), never delegated in public DNS"),
)


def _classify(address: IPv4Address | IPv6Address) -> str | None:
    """Why ``address`` is not public, as a noun phrase, or ``None`` when it is."""
    if isinstance(address, IPv4Address):
        return next((reason for net, reason in _V4_BLOCKS if address in net), None)
    embedded = _embedded_ipv4(address)
    if embedded is not None:
        kind, inner = embedded
        inner_reason = _classify(inner)
        return None if inner_reason is None else f"{kind} {inner}, {inner_reason}"
    for net, reason in _V6_BLOCKS:
        if address in net:
            return reason
    if address not in _GLOBAL_UNICAST:
        return "outside the IPv6 global unicast range 2000::/3 (reserved or unassigned)"
    return None


def _embedded_ipv4(address: IPv6Address) -> tuple[str, IPv4Address] | None:
    """The IPv4 address an IPv6 address stands for, when it is one of the forms that embed one."""
    if address.ipv4_mapped is not None:
        return "an IPv4-mapped form of", address.ipv4_mapped
    if address in _NAT64:
        return "a NAT64 form of", IPv4Address(int(address) & 0xFFFFFFFF)
    if address.sixtofour is not None:
        return "a 6to4 address of", address.sixtofour
    return None


def _text(address: IPv4Address | IPv6Address) -> str:
    """The address as people write it: IPv4-mapped in dotted form on every Python version."""
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        zone = f"%{address.scope_id}" if address.scope_id else ""
        return f"::ffff:{address.ipv4_mapped}{zone}"
    return str(address)


# --- Host text ----------------------------------------------------------------------------------

# The numeric IPv4 forms inet_aton (and so getaddrinfo) accepts: one to four parts, each decimal,
# octal (leading 0) or hex (0x). Checked first because inet_aton ignores text after a space.
_LEGACY_IPV4 = re.compile(r"(?:0x[0-9a-f]*|\d+)(?:\.(?:0x[0-9a-f]*|\d+)){0,3}", re.I | re.ASCII)


def _bare(host: str) -> str:
    """``host`` without surrounding whitespace and without the brackets of an IPv6 literal."""
    host = host.strip()
    if host.startswith("[") and host.endswith("]"):
        return host[1:-1]
    return host


def _literal(host: str) -> IPv4Address | IPv6Address | None:
    """The IP address ``host`` spells, in any form a resolver accepts, or ``None`` for a name."""
    text = _bare(host)
    if not text:
        return None
    address, percent, _zone = text.partition("%")  # an IPv6 zone, "%25eth0" in a URL
    try:
        parsed = ip_address(address)
    except ValueError:
        parsed = None
    if parsed is not None:
        return parsed if not percent or isinstance(parsed, IPv6Address) else None
    if percent or _LEGACY_IPV4.fullmatch(text.removesuffix(".")) is None:
        return None
    try:
        return IPv4Address(socket.inet_aton(text.removesuffix(".")))
    except OSError:  # a part out of range: "256.1.1.1" is a (bad) name, not an address
        return None


def _os_reason(exc: OSError) -> str:
    """The resolver's own words ("Name or service not known"), without the errno prefix."""
    if isinstance(exc, TimeoutError):
        return "name resolution timed out"
    return exc.strerror or str(exc) or type(exc).__name__


def _is_temporary(exc: OSError) -> bool:
    if isinstance(exc, TimeoutError):
        return True
    try_again: int | None = getattr(socket, "EAI_AGAIN", None)  # absent on some platforms
    return isinstance(exc, socket.gaierror) and try_again is not None and exc.errno == try_again
