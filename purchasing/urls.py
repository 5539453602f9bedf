from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.register("providers", api.ProviderViewSet, basename="purchasing-provider")
router.register("campaigns", api.CampaignViewSet, basename="purchasing-campaign")
router.register("applications", api.ApplicationViewSet, basename="purchasing-application")
router.register("allocations", api.AllocationViewSet, basename="purchasing-allocation")
router.register("allocation-lines", api.AllocationLineViewSet, basename="purchasing-allocation-line")
router.register("protocols", api.ProtocolViewSet, basename="purchasing-protocol")
router.register("contracts", api.ContractViewSet, basename="purchasing-contract")
router.register("execution-acts", api.ExecutionActViewSet, basename="purchasing-execution-act")

urlpatterns = [*router.urls]
