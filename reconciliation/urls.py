from rest_framework.routers import SimpleRouter

from .api import CollectionSummaryViewSet, DiscrepancyViewSet

router = SimpleRouter()
router.register("reconciliation/discrepancies", DiscrepancyViewSet, basename="discrepancy")
router.register("reconciliation/collections", CollectionSummaryViewSet,
                basename="collection-summary")

urlpatterns = router.urls
