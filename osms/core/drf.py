"""DRF defaults named in settings (kept apart from viewsets to avoid an import cycle)."""

from rest_framework import permissions, throttling
from rest_framework.pagination import CursorPagination

from .clientip import client_ip
from .throttles import FixedWindowMixin


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


class _ClientIpMixin(FixedWindowMixin):
    """Anonymous callers are told apart by ``client_ip`` (X-Forwarded-For only from our
    proxy), never by a header the caller may rotate; requests counted per fixed window
    (``osms.core.throttles``: one cache operation per request)."""

    def get_ident(self, request):
        return client_ip(request)


class AnonRateThrottle(_ClientIpMixin, throttling.AnonRateThrottle):
    """Default for anonymous callers (``anon`` rate), per client address."""


class UserRateThrottle(_ClientIpMixin, throttling.UserRateThrottle):
    """Default for signed-in callers (``user`` rate), per user."""


class ScopedRateThrottle(_ClientIpMixin, throttling.ScopedRateThrottle):
    """A view's own rate (``throttle_scope``): per user, or per client address."""

    def allow_request(self, request, view):
        # As DRF's: the rate is the view's scope's, read per request.
        self.scope = getattr(view, self.scope_attr, None)
        if not self.scope:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


class AddressScopedRateThrottle(ScopedRateThrottle):
    """A view's own rate per client address, whoever is signed in (the health check)."""

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


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


_ERROR_CODES = {
    "400": "The request is invalid; the body names each field and the reason.",
    "401": "Not signed in (no or a bad token).",
    "403": "Signed in, but not allowed to do this.",
    "404": "No such row (or one of another region), or an invalid page cursor.",
    "409": "The row is referenced by others and cannot be deleted.",
    "429": "Too many requests (throttled) or sign-in locked out.",
}


def error_responses(result, generator, request, public):
    """drf-spectacular post-processing hook: every operation documents the error answers the
    project's handlers give (``osms.core.errors.drf_exception_handler``, the throttles,
    the JSON 404 of ``api_not_found``), with their JSON body."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = {
        "type": "object",
        "description": "{\"detail\": message} or {field: [messages]}",
        "additionalProperties": True,
    }
    body = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            codes = ["400", "401", "403", "429"]
            if "{" in path or method == "get":
                codes.append("404")
            if method == "delete":
                codes.append("409")
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(code, {"description": _ERROR_CODES[code], "content": body})
    return result
