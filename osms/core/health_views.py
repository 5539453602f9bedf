"""``GET /health/``: the health report as JSON, 200 when healthy, 503 with the failing
checks otherwise. No login (monitoring calls it), nothing personal in it, throttled per
client address (``health`` rate, ``HEALTH_THROTTLE``)."""

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .drf import AddressScopedRateThrottle
from .health import health_report


class HealthView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [AddressScopedRateThrottle]
    throttle_scope = "health"

    @extend_schema(exclude=True)
    def get(self, request):
        report = health_report()
        return Response(report, status=200 if report["status"] == "ok" else 503,
                        headers={"Cache-Control": "no-store"})
