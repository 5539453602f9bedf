"""REST endpoints: the eligibility check and the care catalogue."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from osms.core.drf import ScopedRateThrottle
from payers.validators import iin_problem

from .eligibility import (
    EligibilityError,
    check_eligibility,
    may_check_eligibility,
    subject_in_scope,
)
from .models import CareType


class CanCheckEligibility(permissions.BasePermission):
    def has_permission(self, request, view):
        return may_check_eligibility(request.user)


class EligibilityInput(serializers.Serializer):
    iin = serializers.CharField(max_length=12)
    date = serializers.DateField()
    care_type = serializers.CharField(max_length=40)
    # Not needed where the rules do not depend on the diagnosis (emergency care): the answer
    # says so (400 on icd10) when they do.
    icd10 = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")


class TraceStepOutput(serializers.Serializer):
    order = serializers.IntegerField()
    rule = serializers.CharField()
    funding_source = serializers.CharField()
    applied = serializers.BooleanField()
    reason = serializers.CharField()
    code = serializers.CharField(help_text="The rule in codes: #order care_type [list] → source.")


class EligibilityOutput(serializers.Serializer):
    covered = serializers.BooleanField()
    funding_source = serializers.ChoiceField(choices=["GOBMP", "OSMS"], allow_null=True)
    package_version = serializers.CharField()
    insured = serializers.BooleanField()
    insured_explanation = serializers.CharField(allow_blank=True)
    residency = serializers.CharField(allow_null=True)
    care_type = serializers.CharField()
    icd10 = serializers.CharField()
    trace = TraceStepOutput(many=True)


class EligibilityAPI(APIView):
    """Is this care covered for this person on this date, and by ГОБМП or ОСМС?

    400 names the field and the reason: unknown care code, malformed ICD-10 code,
    a date outside every published package version, an invalid ИИН. Answered as the
    status API answers: 403 without the coverage view permission, 404 for an ИИН not in
    the registry or of another region; throttled (``eligibility`` rate).
    """

    permission_classes = [CanCheckEligibility]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "eligibility"

    @extend_schema(request=EligibilityInput, responses={
        200: EligibilityOutput,
        404: OpenApiResponse(description="No person with this IIN in the caller's scope."),
    })
    def post(self, request):
        given = EligibilityInput(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        iin = data["iin"].strip()
        problem = iin_problem(iin)
        if problem:
            raise ValidationError({"iin": [str(problem)]})
        # Like the status API: a person of another region and an unknown ИИН look the same.
        if not subject_in_scope(user=request.user, iin=iin):
            raise NotFound(_("No person with this IIN."))
        try:
            result = check_eligibility(iin=data["iin"], on=data["date"],
                                       care_type=data["care_type"], icd10=data["icd10"])
        except EligibilityError as exc:
            raise ValidationError({exc.field: [exc.message]}) from exc
        return Response(EligibilityOutput(result.as_dict()).data)


class CareTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = CareType
        fields = ["code", "name_ru", "name_kk", "name_en", "form", "sort_order"]


class CareTypeViewSet(viewsets.ReadOnlyModelViewSet):
    """The care catalogue: stable codes with names in Russian, Kazakh and English."""

    queryset = CareType.objects.filter(is_active=True).order_by("sort_order", "code")
    serializer_class = CareTypeSerializer
    lookup_field = "code"
    pagination_class = None
    filter_backends = []
