"""The expectations of the matrix, one function per kind of request."""

from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import reverse

from .state import watch

DENIED = (403, 404)
_rf = RequestFactory()


def clients(data):
    """One signed-in client per user (the session lives as long as the dataset)."""
    made = {"anonymous": Client(raise_request_exception=False)}
    for key, user in data.users.items():
        client = Client(raise_request_exception=False)
        client.force_login(user)
        made[key] = client
    return made


def object_for(route, data, where):
    if route.model is None or not route.takes_object:
        return None
    return data.row(route.model, where)


def url_for(route, obj, term=""):
    if route.takes_history:
        record = obj.history.order_by("-history_id").first() if hasattr(obj, "history") else None
        args = [obj.pk, record.history_id if record else 0]
        url = reverse(f"admin:{route.name}", args=args)
    elif route.takes_object:
        pattern_kwargs = _kwarg_name(route)
        url = reverse(f"admin:{route.name}", kwargs={pattern_kwargs: obj.pk})
    else:
        url = reverse(f"admin:{route.name}")
    if route.query:
        url += "?" + route.query.format(term=term)
    return url


def _kwarg_name(route):
    model_admin = admin.site._registry[route.model]
    for pattern in model_admin.urls:
        if getattr(pattern, "name", None) == route.name:
            return next(iter(pattern.pattern.converters))
    raise LookupError(route.name)


def expected_allowed(route, user, obj):
    """What the model admin's own permission methods say for a standard view."""
    model_admin = admin.site._registry[route.model]
    request = _rf.get("/")
    request.user = user
    if obj is not None and not model_admin.get_queryset(request).filter(pk=obj.pk).exists():
        return False
    if route.view == "add":
        return model_admin.has_add_permission(request)
    if route.view == "delete":
        return model_admin.has_delete_permission(request, obj)
    return model_admin.has_view_or_change_permission(request, obj)


def fetch(client, url, method="get", data=None):
    """(response, tables written) — any write by a GET is a finding."""
    with watch() as writes:
        response = getattr(client, method)(url, data or {})
    return response, writes


def denied(response, view):
    """403/404; Django's admin sends a missing (hidden) row of a national model to the
    admin index with a message; an add page may send to its upload page."""
    if response.status_code in DENIED:
        return True
    target = response.get("Location", "") if response.status_code == 302 else None
    return target == "/admin/" or (view == "add" and target is not None)


def listed_pks(response):
    context = getattr(response, "context", None)
    if context is None:
        return None
    try:
        changelist = context["cl"]
    except KeyError:
        return None
    return {obj.pk for obj in changelist.result_list}
