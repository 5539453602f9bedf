from django.urls import path

from .api import CoverageStatusView

urlpatterns = [
    path("coverage/<str:iin>/", CoverageStatusView.as_view(), name="coverage-status"),
]
