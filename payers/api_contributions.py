"""Public, throttled contributions calculator: GET /api/v1/contributions/calculate/."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from osms.core.drf import ScopedRateThrottle
from osms.core.models import Region
from osms.core.periods import parse_month

from .calculator import CalculationError, calculate, clean_income
from .models import PayerType


def parse_period(value):
    """``MM.YYYY`` (as printed) or ``YYYY-MM`` → first day of the month; raises
    CalculationError(field="period")."""
    try:
        return parse_month(value)
    except ValueError:
        raise CalculationError(
            _("Give the month as MM.YYYY or YYYY-MM (01–12), e.g. 01.2026 or 2026-01."),
            field="period") from None


def calculation_as_dict(result):
    return {
        "period": f"{result.period:%Y-%m}",
        "payer_type": result.payer_type,
        "income": None if result.income is None else f"{result.income:.2f}",
        "lines": [
            {"kind": line.kind, "base": f"{line.base:.2f}", "rate": f"{line.rate:.4f}",
             "amount": f"{line.amount:.2f}"}
            for line in result.lines
        ],
        "total": f"{result.total:.2f}",
    }


_Line = inline_serializer(
    "CalculationLine",
    many=True,
    fields={"kind": serializers.CharField(), "base": serializers.CharField(),
     "rate": serializers.CharField(), "amount": serializers.CharField()},
)


class CalculateView(APIView):
    """What a payer owes for a month: one line per obligation, amounts to the tiyn."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "public"

    @extend_schema(
        parameters=[
            OpenApiParameter("payer_type", OpenApiTypes.STR, required=True,
                             enum=PayerType.values),
            OpenApiParameter("period", OpenApiTypes.STR, required=True,
                             description="MM.YYYY or YYYY-MM, e.g. 01.2026 or 2026-01"),
            OpenApiParameter("income", OpenApiTypes.DECIMAL, required=False,
                             description="Monthly income; not needed for fixed bases."),
            OpenApiParameter("region", OpenApiTypes.STR, required=False,
                             description="KATO code; for local_budget only."),
        ],
        responses=inline_serializer(
            "Calculation",
            {"period": serializers.CharField(), "payer_type": serializers.CharField(),
             "income": serializers.CharField(allow_null=True), "lines": _Line,
             "total": serializers.CharField()},
        ),
    )
    def get(self, request):
        params = request.query_params
        errors = {}
        payer_type = (params.get("payer_type") or "").strip()
        if payer_type not in PayerType.values:
            errors["payer_type"] = [
                _("Unknown payer type %(value)s; expected one of: %(choices)s.")
                % {"value": payer_type or "—", "choices": ", ".join(PayerType.values)}
            ]
        period = None
        try:
            period = parse_period(params.get("period"))
        except CalculationError as exc:
            errors["period"] = [str(exc)]
        region = None
        kato = (params.get("region") or "").strip()
        if kato:
            region = Region.objects.filter(kato=kato).first()
            if region is None:
                errors["region"] = [_("Unknown region KATO code %(code)s.") % {"code": kato}]
        income = params.get("income")
        if income is not None:
            try:
                clean_income(income)
            except CalculationError as exc:
                errors["income"] = [str(exc)]
        if errors:
            return Response(errors, status=400)
        try:
            result = calculate(payer_type=payer_type, period=period, income=income, region=region)
        except CalculationError as exc:
            return Response({exc.field: [str(exc)]}, status=400)
        return Response(calculation_as_dict(result))
