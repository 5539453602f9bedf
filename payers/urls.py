from rest_framework.routers import DefaultRouter

from .api import OrganisationViewSet, PersonViewSet

router = DefaultRouter()
router.register("persons", PersonViewSet, basename="person")
router.register("organisations", OrganisationViewSet, basename="organisation")

urlpatterns = router.urls
