"""Who is calling: the client's address, believing ``X-Forwarded-For`` only from our proxy.

Anybody can send ``X-Forwarded-For``; a throttle or a login lockout keyed on it is reset by
rotating the header. The header is read only when the connection comes from an address in
``settings.TRUSTED_PROXIES`` (addresses or networks of the TLS proxy in front of gunicorn);
then the right-most address that is not itself a trusted proxy is the client (the left
part of the header is whatever the client wrote). The throttles (``osms.core.drf``) and the
login lockout (django-axes, ``AXES_CLIENT_IP_CALLABLE``) both ask this function.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(proxies):
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def _trusted(address):
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_ip(request):
    """The caller's address: REMOTE_ADDR, or the forwarded one when our proxy sent it."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    if not _trusted(remote):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for address in reversed([a.strip() for a in forwarded.split(",") if a.strip()]):
        if not _trusted(address):
            try:
                return str(ipaddress.ip_address(address))
            except ValueError:
                return remote  # garbage from the client: fall back to the proxy's address
    return remote


def axes_client_ip(request):
    """django-axes' ``AXES_CLIENT_IP_CALLABLE``."""
    return client_ip(request)
