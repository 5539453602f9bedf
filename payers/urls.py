from django.urls import path
from rest_framework.routers import DefaultRouter

from .api import OrganisationViewSet, PersonViewSet
from .api_contributions import CalculateView

router = DefaultRouter()
router.register("persons", PersonViewSet, basename="person")
router.register("organisations", OrganisationViewSet, basename="organisation")

urlpatterns = [
    path("contributions/calculate/", CalculateView.as_view(), name="contributions-calculate"),
    *router.urls,
]
