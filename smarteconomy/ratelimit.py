"""A fixed-window limit on attempts per client address, kept in the project's cache (Redis in production, shared by
every worker), for the public pages that answer a guess (the permit tracking page).

The address is the one django-axes uses (smarteconomy.client_address: X-Forwarded-For believed only for the
configured proxies). An IPv6 client is counted per /64, the block one subscriber usually holds. When the cache is
unavailable the attempt is allowed (and the cache logs a warning): the page stays usable, as with cached pages."""

import ipaddress

from django.core.cache import cache

from .client_address import client_ip


def client_key(request):
    address = client_ip(request) or "unknown"
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def attempt_allowed(request, *, scope, limit, window):
    """Count one attempt of the client in ``scope``; False when it is over ``limit`` attempts within ``window``
    seconds of its first one."""
    key = f"ratelimit:{scope}:{client_key(request)}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired (or evicted) between add and incr: this attempt starts a new window
        cache.set(key, 1, timeout=window)
        count = 1
    if count is None:  # the cache did not answer
        return True
    return count <= limit
