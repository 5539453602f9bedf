"""The project's URLs. Uploaded and exported files are never served from a public path
(no ``/media/``, in DEBUG neither): each download is a view that checks its owner or a
permission (``osms.exports`` download centre)."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from osms.core.api import TokenView
from osms.core.health_views import HealthView

api_v1 = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script, so the
    # Content-Security-Policy needs no exception.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("payers.urls")),
    path("", include("coverage.urls")),
    path("", include("reconciliation.urls")),
    path("", include("packages.urls")),
    path("purchasing/", include("purchasing.urls")),
    path("monitoring/", include("monitoring.urls")),
]

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("health/", HealthView.as_view(), name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
]

handler404 = "osms.core.api.api_not_found"
handler500 = "osms.core.api.api_server_error"
