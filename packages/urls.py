from django.urls import path
from rest_framework.routers import DefaultRouter

from .api import CareTypeViewSet, EligibilityAPI

router = DefaultRouter()
router.register("packages/care-types", CareTypeViewSet, basename="care-type")

urlpatterns = [
    path("eligibility/", EligibilityAPI.as_view(), name="eligibility"),
    *router.urls,
]
