"""Which address a request comes from, for the pages' rate limit and the sign-in lockout.

`X-Forwarded-For` is written by whoever sends the request, so it is read only as far as
TRUSTED_PROXY_COUNT (env `PROXY_COUNT`) says: each trusted proxy appends the address that
connected to it, so with N proxies in front the client is the N-th entry from the right,
and everything left of it is the client's own writing. With 0 (the default) the header is
ignored and the address is REMOTE_ADDR, which a client cannot choose.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's address as the nearest untrusted hop: REMOTE_ADDR, or the entry of
    `X-Forwarded-For` that the farthest trusted proxy added. If the header has fewer entries
    than there are trusted proxies, its left-most; if that entry is not an address, REMOTE_ADDR
    (a trusted proxy writes only addresses)."""
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = settings.TRUSTED_PROXY_COUNT
    if trusted <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    if not hops:
        return remote
    candidate = hops[-min(trusted, len(hops))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def address_group(address: str) -> str:
    """What one client is counted by: an IPv4 address, or an IPv6 address's /64 network, since
    one home or office line is given a whole /64 and can pick a new address in it at will."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)
