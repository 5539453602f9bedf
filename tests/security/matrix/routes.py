"""Every admin URL and every API operation, read from the URL conf, the admin registry and
the OpenAPI schema (so a new route is in the matrix without editing a test)."""

import re
from dataclasses import dataclass

from django.contrib import admin
from django.urls import URLPattern

STANDARD = ("changelist", "add", "change", "delete", "history")
OBJECT_KWARGS = {"object_id", "pk", "id"}
# Site-level admin URLs: (name, query). Logout ends the session (POST only in Django 5).
SITE = [("index", ""), ("search", "s={term}"), ("jsi18n", ""), ("password_change", ""),
        ("password_change_done", "")]


@dataclass(frozen=True)
class AdminRoute:
    model: object  # None for site-level URLs
    name: str  # URL name without "admin:"
    view: str  # "changelist", "change", …, or the custom view's suffix
    takes_object: bool
    takes_history: bool = False
    query: str = ""

    @property
    def id(self):
        return self.name

    @property
    def standard(self):
        return self.view in STANDARD


def _suffix(model, name):
    prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
    return name[len(prefix):] if name.startswith(prefix) else name


def admin_routes():
    routes = [AdminRoute(None, name, name, False, query=query) for name, query in SITE]
    seen = set()
    for model, model_admin in admin.site._registry.items():
        for pattern in model_admin.urls:
            if not isinstance(pattern, URLPattern) or not pattern.name:
                continue  # the catch-all redirect "<path:object_id>/" has no name
            if pattern.name in seen:
                continue
            seen.add(pattern.name)
            kwargs = set(getattr(pattern.pattern, "converters", {}))
            unknown = kwargs - OBJECT_KWARGS
            assert not unknown, (
                f"admin URL {pattern.name} takes {unknown}: teach "
                "tests/security/matrix/routes.py which row to pass")
            history = bool(re.search(r"history/\(", str(pattern.pattern)))
            routes.append(AdminRoute(model, pattern.name, _suffix(model, pattern.name),
                                     bool(kwargs) or history, takes_history=history))
    return routes


@dataclass(frozen=True)
class ApiOperation:
    path: str  # /api/v1/persons/{iin}/
    method: str
    operation_id: str

    @property
    def id(self):
        return f"{self.method} {self.path}"

    @property
    def takes_object(self):
        return "{" in self.path


def api_operations():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                operations.append(ApiOperation(path, method.upper(), operation["operationId"]))
    return operations
