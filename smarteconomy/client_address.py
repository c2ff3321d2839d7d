"""The address of the client behind the TLS proxy, for django-axes' lockout (``AXES_CLIENT_IP_CALLABLE``).

Behind the proxy every request comes from the proxy's address; the client's is in X-Forwarded-For, which the proxy
appends to (nginx: ``proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for``). Only the entries added by
trusted proxies can be believed: with ``TRUSTED_PROXY_COUNT`` proxies in front (``DJANGO_TRUSTED_PROXY_COUNT``),
the client is the count-th entry from the right; whatever a client wrote itself stands to the left of it and is
ignored. With no proxy configured (0, the embedded set-up) the header is ignored altogether."""

import ipaddress

from django.conf import settings


def client_ip(request):
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        return remote  # not through the configured proxies (a direct request on the server itself)
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
