"""The admin index page: cards and bar charts that each app contributes.

A project app may define ``dashboard.py`` with ``dashboard_panels(request)``
returning a list of panels: ``{"title", "cards": [{"label", "value", "note"}],
"bars": [{"label", "value", "share" (0..100), "target" (0..100, optional)}]}``.
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .extensions import DASHBOARD_PANELS


def collect_panels(request):
    panels = []
    for provider in DASHBOARD_PANELS:
        panels.extend(provider(request))
    return panels


def dashboard_callback(request, context):
    context["osms_panels"] = collect_panels(request)
    return context


def environment_callback(request):
    if settings.DEBUG:
        return [_("Demo / development"), "warning"]
    return [_("Production"), "danger"]


def dashboard_panels(request):
    """Core's own panel: failed and stuck runs of every job (``osms.core.health_panel``)."""
    from .health_panel import failed_jobs_panel

    return failed_jobs_panel(request)
