"""DRF defaults named in settings (kept apart from viewsets to avoid an import cycle)."""

from rest_framework import permissions, throttling
from rest_framework.pagination import CursorPagination

from .clientip import client_ip


class ModelPermissions(permissions.DjangoModelPermissions):
    """Django model permissions, with GET requiring ``view`` (DRF's default does not)."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }


class IdCursorPagination(CursorPagination):
    """Stable, COUNT-free pagination for lists of millions of rows."""

    ordering = "id"
    page_size_query_param = "page_size"
    max_page_size = 1000


class _ClientIpMixin:
    """Anonymous callers are told apart by ``client_ip`` (X-Forwarded-For only from our
    proxy), never by a header the caller may rotate."""

    def get_ident(self, request):
        return client_ip(request)


class AnonRateThrottle(_ClientIpMixin, throttling.AnonRateThrottle):
    """Default for anonymous callers (``anon`` rate), per client address."""


class UserRateThrottle(_ClientIpMixin, throttling.UserRateThrottle):
    """Default for signed-in callers (``user`` rate), per user."""


class ScopedRateThrottle(_ClientIpMixin, throttling.ScopedRateThrottle):
    """A view's own rate (``throttle_scope``): per user, or per client address."""


class TokenRateThrottle(_ClientIpMixin, throttling.SimpleRateThrottle):
    """The token endpoint: per client address, whatever username is tried."""

    scope = "token"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class SchemaAccess(permissions.BasePermission):
    """The OpenAPI schema and docs: anybody when ``API_SCHEMA_PUBLIC`` (DEBUG by default),
    else a signed-in user."""

    def has_permission(self, request, view):
        from django.conf import settings

        if getattr(settings, "API_SCHEMA_PUBLIC", False):
            return True
        return bool(request.user and request.user.is_authenticated)
