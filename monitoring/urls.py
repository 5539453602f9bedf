from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import CaseViewSet, NotReceivedView, StatementView

router = SimpleRouter()
router.register("cases", CaseViewSet, basename="monitoring-case")

urlpatterns = [
    path("statement/<str:iin>/", StatementView.as_view(), name="monitoring-statement"),
    path("statement/<str:iin>/not-received/", NotReceivedView.as_view(),
         name="monitoring-not-received"),
    *router.urls,
]
