"""DRF defaults named in settings (kept apart from viewsets to avoid an import cycle)."""

from rest_framework import permissions
from rest_framework.pagination import CursorPagination


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
