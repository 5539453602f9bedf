"""The API's base classes: model permissions, cursor pagination, region scope.

``RegionScopedViewSet`` is the API twin of the admin mixin: it maps the HTTP
method to an action (GET→view, POST→add, PUT/PATCH→change, DELETE→delete),
filters by ``for_user``, and after a write re-checks *inside the transaction*
that the saved row is still in the user's region, so nobody writes a row into
another region (NetBox's pattern).
"""

from django.db import transaction
from rest_framework import viewsets
from rest_framework.exceptions import PermissionDenied

from .drf import IdCursorPagination, ModelPermissions
from .scoping import object_in_scope, scope_queryset

__all__ = ["IdCursorPagination", "ModelPermissions", "RegionScopedViewSet"]

METHOD_ACTIONS = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}


class RegionScopedViewSet(viewsets.ModelViewSet):
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
