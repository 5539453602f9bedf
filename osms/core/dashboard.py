"""The admin index page: cards and bar charts that each app contributes.

A project app may define ``dashboard.py`` with ``dashboard_panels(request)``
returning a list of panels: ``{"title", "cards": [{"label", "value", "note"}],
"bars": [{"label", "value", "share" (0..100), "target" (0..100, optional)}]}``.
"""

from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .roles import PROJECT_APPS


def collect_panels(request):
    panels = []
    for config in apps.get_app_configs():
        if config.label not in PROJECT_APPS:
            continue
        try:
            module = import_module(f"{config.name}.dashboard")
        except ModuleNotFoundError:
            continue
        provider = getattr(module, "dashboard_panels", None)
        if provider is not None:
            panels.extend(provider(request))
    return panels


def dashboard_callback(request, context):
    context["osms_panels"] = collect_panels(request)
    return context


def environment_callback(request):
    if settings.DEBUG:
        return [_("Demo / development"), "warning"]
    return [_("Production"), "danger"]
