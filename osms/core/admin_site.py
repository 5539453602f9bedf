"""The admin site: Unfold's, with the application list built once per request.

Django's ``each_context`` (``available_apps``) and the sidebar (``osms.core.navigation``)
both ask for the list on every admin page; each build checks four permissions and reverses
two URLs per model (about a hundred models), so building it twice cost ≈ 20 ms a page.
"""

from django.apps import AppConfig
from django.contrib import admin
from django.contrib.admin import sites
from unfold.sites import UnfoldAdminSite


class OsmsAdminSite(UnfoldAdminSite):
    def get_app_list(self, request, app_label=None):
        if app_label is not None:
            return super().get_app_list(request, app_label)
        cached = getattr(request, "_osms_app_list", None)
        if cached is None:
            cached = super().get_app_list(request)
            request._osms_app_list = cached
        return cached


class UnfoldConfig(AppConfig):
    """Unfold's app (templates, static files, template tags) with our site as the default,
    as Unfold's own ``DefaultAppConfig`` installs ``UnfoldAdminSite``."""

    name = "unfold"
    label = "unfold"

    def ready(self):
        site = OsmsAdminSite()
        admin.site = site
        sites.site = site
