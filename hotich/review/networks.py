"""Allowed networks of an account (CIDR), and the caller's IP address checked against them."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from hotich.errors import BadInputError

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_network(text: str) -> str:
    """``192.168.1.0/24``, ``10.0.0.7`` (one address) or ``2001:db8::/32``, in canonical form;
    host bits are cleared (``192.168.1.5/24`` → ``192.168.1.0/24``)."""
    try:
        return str(ipaddress.ip_network(text.strip(), strict=False))
    except ValueError as e:
        raise BadInputError("users.bad_cidr", cidr=text) from e


def parse_ip(text: str | None) -> IpAddress | None:
    """The address, IPv4-mapped IPv6 (``::ffff:10.0.0.7``) as IPv4; None if not an address."""
    if not text:
        return None
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def canonical_ip(text: str | None) -> str | None:
    """The address as it is recorded (audit log, sessions); None when there is none."""
    address = parse_ip(text)
    return None if address is None else str(address)


def ip_allowed(ip: str | None, networks: Iterable[str]) -> bool:
    """True when no network is set, or ``ip`` is inside one of them (an unknown address is
    then refused)."""
    allowed = [ipaddress.ip_network(n) for n in networks]
    if not allowed:
        return True
    address = parse_ip(ip)
    return address is not None and any(address in network for network in allowed)
