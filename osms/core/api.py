"""The API's base classes: model permissions, cursor pagination, region scope.

``RegionScopedViewSet`` is the API twin of the admin mixin: it maps the HTTP
method to an action (GET→view, POST→add, PUT/PATCH→change, DELETE→delete),
filters by ``for_user``, and after a write re-checks *inside the transaction*
that the saved row is still in the user's region, so nobody writes a row into
another region (NetBox's pattern).
"""

from django.db import transaction
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from .drf import IdCursorPagination, ModelPermissions, TokenRateThrottle
from .scoping import object_in_scope, scope_queryset
from .security import lockout_message

__all__ = [
    "IdCursorPagination", "ModelPermissions", "RegionScopedReadOnlyViewSet",
    "RegionScopedViewSet", "TokenView",
]

METHOD_ACTIONS = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}


class RegionScopedMixin:
    def get_queryset(self):
        action = METHOD_ACTIONS.get(self.request.method, "view")
        return scope_queryset(super().get_queryset(), self.request.user, action)

    def _check_saved_in_scope(self, instance, action):
        if not object_in_scope(instance, self.request.user, action):
            raise PermissionDenied("You may only write records of your own region.")

    def perform_create(self, serializer):
        with transaction.atomic():
            serializer.save()
            self._check_saved_in_scope(serializer.instance, "add")

    def perform_update(self, serializer):
        with transaction.atomic():
            serializer.save()
            self._check_saved_in_scope(serializer.instance, "change")


class RegionScopedViewSet(RegionScopedMixin, viewsets.ModelViewSet):
    """Read and write; narrow the verbs with ``http_method_names`` (the schema follows)."""


class RegionScopedReadOnlyViewSet(RegionScopedMixin, viewsets.ReadOnlyModelViewSet):
    """List and detail only (plus the ``@action`` routes a viewset declares): no create,
    update or delete is routed, so the schema advertises no operation that answers 405."""


class TokenView(ObtainAuthToken):
    """``POST /api/v1/auth/token/``: a token for a username and password.

    Throttled per client address (``token`` rate) and guarded by the login lockout: after
    ``LOGIN_FAILURE_LIMIT`` failures for one username from one address the pair answers 429
    with the lockout message until the cool-off ends or an administrator unlocks it.
    """

    throttle_classes = [TokenRateThrottle]

    @extend_schema(request=AuthTokenSerializer, responses={
        200: inline_serializer("Token", {"token": serializers.CharField()}),
        400: OpenApiResponse(description="Wrong username or password."),
        429: OpenApiResponse(description="Locked out or throttled."),
    })
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        valid = serializer.is_valid()
        if getattr(request, "axes_locked_out", False):
            return Response({"detail": lockout_message()}, status=429)
        if not valid:
            raise ValidationError(serializer.errors)
        token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})


def api_not_found(request, exception):
    """``handler404``: a JSON body under /api/ (clients parse JSON), the admin's page elsewhere."""
    from django.http import JsonResponse
    from django.views.defaults import page_not_found

    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return page_not_found(request, exception)


def api_server_error(request):
    """``handler500``: a JSON body under /api/ with no detail of the failure (it is logged)."""
    from django.http import JsonResponse
    from django.views.defaults import server_error

    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Server error."}, status=500)
    return server_error(request)
