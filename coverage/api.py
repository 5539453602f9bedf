"""The status API: ``GET /api/v1/coverage/<iin>/?on=YYYY-MM-DD``.

Answers whether a person is insured on a date, the basis, until when and why,
with no names nor amounts. 400 for an invalid ИИН or date, 404 for an ИИН not
in the registry (or, for a regional user, not in their region); throttled per
client (``partner`` rate).

Decided from the row the nightly run stored (``coverage.stored``: the same answer as the
live decision, one statement, which also writes the personal-data access log's row);
the token's user and permissions come from process memos
(``osms.core.memo``), the throttle counts per fixed window (``osms.core.throttles``).
"""

import datetime

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from osms.core.access_log import PersonalDataAccess, Viewer
from osms.core.drf import ScopedRateThrottle
from osms.core.memo import MemoTokenAuthentication, user_has_perm
from osms.core.scoping import user_region_id
from payers.validators import iin_problem

from .facts import PolicyMissing
from .stored import api_status


class CanViewCoverage(BasePermission):
    def has_permission(self, request, view):
        return user_has_perm(request.user, "coverage.view_coveragestatus")


class CoverageOutput(serializers.Serializer):
    iin = serializers.CharField()
    on = serializers.DateField()
    insured = serializers.BooleanField()
    basis = serializers.CharField(allow_null=True)
    valid_until = serializers.DateField(allow_null=True)
    explanation = serializers.CharField()


class CoverageStatusView(APIView):
    authentication_classes = [MemoTokenAuthentication, SessionAuthentication]
    permission_classes = [CanViewCoverage]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "partner"

    @extend_schema(
        parameters=[OpenApiParameter("on", OpenApiTypes.DATE, description="Date (default today)")],
        responses={200: CoverageOutput},
    )
    def get(self, request, iin):
        problem = iin_problem(iin)
        if problem:
            raise ValidationError({"iin": [str(problem)]})
        on = timezone.localdate()
        if request.query_params.get("on"):
            try:
                on = datetime.date.fromisoformat(request.query_params["on"])
            except ValueError:
                raise ValidationError({"on": ["Use a date as YYYY-MM-DD."]}) from None
        try:
            found = api_status(iin=iin, on=on, region_id=user_region_id(request.user),
                               log=Viewer.of(request, what=PersonalDataAccess.What.STATUS_API))
        except PolicyMissing as exc:
            raise ValidationError({"on": [str(exc)]}) from None
        if found is None:
            raise NotFound("No person with this IIN.")
        _person_id, result, _stored = found
        return Response(CoverageOutput({
            "iin": result.iin, "on": result.on, "insured": result.insured,
            "basis": result.basis, "valid_until": result.valid_until,
            "explanation": result.explanation,
        }).data)
