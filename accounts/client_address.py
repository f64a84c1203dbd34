"""The address of the client a request came from, seen through trusted reverse proxies.

Behind a reverse proxy every request arrives from the proxy's address, so limits keyed by
``REMOTE_ADDR`` would put every user in one bucket. ``TRUSTED_PROXIES`` lists the proxies'
addresses (or networks); only a request that arrives from one of them has its
``X-Forwarded-For`` read, from the right (the hop nearest to us) to the left, skipping
trusted proxies: the first address that isn't one is the client. A header sent by anyone
else, including a client talking to the app directly, changes nothing.
"""

from __future__ import annotations

import functools
import ipaddress

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.lru_cache(maxsize=8)
def _trusted_networks(values: tuple[str, ...]) -> tuple[Network, ...]:
    """``TRUSTED_PROXIES`` as networks (settings checked each entry at start-up)."""
    return tuple(ipaddress.ip_network(value.strip(), strict=False) for value in values)


def _is_trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(request) -> str:
    """The client's IP address: ``REMOTE_ADDR``, or what trusted proxies say it was."""
    return _client(
        request.META.get("REMOTE_ADDR", ""), request.META.get("HTTP_X_FORWARDED_FOR", "")
    )


def client_address_of_scope(scope: dict) -> str:
    """The same for a WebSocket's ASGI scope (its peer and its ``X-Forwarded-For``)."""
    remote = (scope.get("client") or ("", 0))[0] or ""
    forwarded = b",".join(
        value for name, value in scope.get("headers", ()) if name.lower() == b"x-forwarded-for"
    )
    return _client(remote, forwarded.decode("latin-1"))


def _client(remote: str, forwarded: str) -> str:
    networks = _trusted_networks(tuple(settings.TRUSTED_PROXIES))
    if not _is_trusted(remote, networks):
        return remote
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    address = remote
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            break  # a hop that isn't an address: trust nothing further left
        address = hop
        if not _is_trusted(hop, networks):
            break
    return address
