"""The admin index page: cards and bar charts that each app contributes.

A project app may define ``dashboard.py`` with ``dashboard_panels(request)``
returning a list of panels: ``{"title", "cards": [{"label", "value", "note"}],
"bars": [{"label", "value", "share" (0..100), "target" (0..100, optional)}]}``.
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .extensions import DASHBOARD_PANELS
from .replica import replica_configured, replica_reads


def collect_panels(request):
    panels = []
    for provider in DASHBOARD_PANELS:
        panels.extend(provider(request))
    return panels


def dashboard_callback(request, context):
    # The aggregates of every panel read on the read replica when there is one
    # (osms.core.replica); the page says how far behind it is.
    with replica_reads():
        context["osms_panels"] = collect_panels(request)
    return context


def environment_callback(request):
    if settings.DEBUG:
        return [_("Demo / development"), "warning"]
    return [_("Production"), "danger"]


def dashboard_panels(request):
    """Core's own panels: failed and stuck runs of every job (``osms.core.health_panel``)
    and, with a read replica, its replication lag."""
    from .health_panel import failed_jobs_panel

    return failed_jobs_panel(request) + replica_panel(request)


def replica_panel(request):
    """The read replica's lag (seconds behind the primary), for staff, when configured."""
    from .health import check_replica

    user = getattr(request, "user", None)
    if not replica_configured() or user is None or not user.is_staff:
        return []
    check = check_replica()
    if "lag_seconds" in check:
        value = _("%(seconds)s s") % {"seconds": check["lag_seconds"]}
    else:
        value = _("unreachable")
    note = "" if check["ok"] else _("Exports, reports and these figures may be out of date.")
    return [{"key": "replica", "title": _("Read replica"),
             "cards": [{"label": _("Replication lag"), "value": value, "note": note}]}]
