"""The admin sidebar (Unfold ``SIDEBAR["navigation"]``): the operator's tools first, then
every application and model the user may see, as the admin lists them.

Tools are pages that are not a model's list (the contributions calculator, the eligibility
check). Each app contributes its own in ``<app>/tools.py`` as ``admin_tools``, a list of
``Tool``; its ``permission`` is a function of the request (a module-level function, so a
test can call it) and decides whether the link is shown. The page itself checks the same
function: a hidden link is never the only guard.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import admin
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .extensions import ExtensionPoint

ADMIN_TOOLS = ExtensionPoint(
    "admin tools", module="tools", attribute="admin_tools",
    signature="list of osms.core.navigation.Tool(title, icon, url_name, permission)")


@dataclass(frozen=True)
class Tool:
    title: str
    icon: str  # a Material Symbols name
    url_name: str  # e.g. "admin:payers_calculator"
    permission: Callable  # (request) -> bool


def tools_for(request):
    """The tools this request's user may use, in app order."""
    return [tool for tool in ADMIN_TOOLS if tool.permission(request)]


def sidebar_navigation(request):
    """Unfold's navigation: a «Tools» group, then one group per application with its models
    (the default admin list, kept whole)."""
    groups = []
    tools = tools_for(request)
    if tools:
        groups.append({
            "title": _("Tools"),
            "items": [{"title": tool.title, "icon": tool.icon, "link": reverse(tool.url_name),
                       "permission": tool.permission} for tool in tools],
        })
    for app in admin.site.get_app_list(request):  # built once per request (admin_site)
        items = [{"title": model["name"], "link": model["admin_url"]}
                 for model in app["models"] if model.get("admin_url")]
        if items:
            groups.append({"title": app["name"], "items": items})
    return groups
