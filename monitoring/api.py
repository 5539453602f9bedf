"""REST endpoints of monitoring.

- ``/api/v1/monitoring/cases/``: a provider's account lists and submits its own cases
  (POST a JSON list in the file's columns, docs/formats/cases.md; rows of another
  provider are refused row by row); Fund users list the cases of their region;
- ``/api/v1/monitoring/statement/{iin}/``: a person's statement of paid care, for partner
  systems (the e-government personal account);
- ``/api/v1/monitoring/statement/{iin}/not-received/``: the person's confirmed «I did not
  receive this care» for one case: the case goes to review with the highest risk.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from osms.core.api import RegionScopedMixin
from osms.core.scoping import user_has_model_permission
from purchasing.models import Provider

from . import selectors, services
from .importer.readers import COLUMNS
from .importer.service import case_import, case_import_run_create
from .models import Case, Outcome, PatientReport

MAX_ROWS = 10000


class CaseOutput(serializers.ModelSerializer):
    provider_bin = serializers.CharField(source="provider.bin", read_only=True)
    care_type = serializers.CharField(source="care_type.code", read_only=True)
    failed_rules = serializers.SerializerMethodField()
    # the control's decision (CaseDecision; none: pending), read through the case's properties
    amount_expected = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True,
                                               allow_null=True)
    outcome = serializers.ChoiceField(choices=Outcome.choices, read_only=True)
    funding_source = serializers.CharField(read_only=True)

    class Meta:
        model = Case
        fields = ("id", "provider_bin", "case_number", "care_type", "form", "iin", "icd10",
                  "kzg_code", "severity", "admitted_on", "discharged_on", "service_date",
                  "period", "amount_claimed", "amount_expected", "outcome", "funding_source",
                  "failed_rules")

    def get_failed_rules(self, obj) -> list[str]:
        return [v.rule_code for v in obj.verdicts.all()]


class CaseRowInput(serializers.Serializer):
    provider_bin = serializers.CharField(max_length=12)
    case_number = serializers.CharField(max_length=40)
    care_type = serializers.CharField(max_length=40)
    form = serializers.CharField(max_length=10)
    iin = serializers.CharField(max_length=12)
    icd10 = serializers.CharField(max_length=10)
    icd10_secondary = serializers.CharField(max_length=200, required=False, allow_blank=True)
    kzg_code = serializers.CharField(max_length=20, required=False, allow_blank=True)
    severity = serializers.CharField(max_length=2, required=False, allow_blank=True)
    bed_profile = serializers.CharField(max_length=40, required=False, allow_blank=True)
    admitted_on = serializers.CharField(max_length=10, required=False, allow_blank=True)
    discharged_on = serializers.CharField(max_length=10, required=False, allow_blank=True)
    service_date = serializers.CharField(max_length=10, required=False, allow_blank=True)
    services = serializers.CharField(max_length=500, required=False, allow_blank=True)
    tariff = serializers.CharField(max_length=20)
    amount_claimed = serializers.CharField(max_length=20)


class SubmitOutput(serializers.Serializer):
    run = serializers.IntegerField()
    rows = serializers.IntegerField()
    cases_new = serializers.IntegerField()
    cases_repeated = serializers.IntegerField()
    rejects = serializers.ListField(child=serializers.DictField())


class CaseViewSet(RegionScopedMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                  viewsets.GenericViewSet):
    """A provider's account sees only its provider's cases; Fund users their region's."""

    queryset = selectors.decided(Case.objects.select_related("provider", "care_type")
                                 .prefetch_related("verdicts").order_by("-id"))
    serializer_class = CaseOutput

    def get_queryset(self):
        queryset = super().get_queryset()
        provider = selectors.provider_of(self.request.user)
        return queryset.filter(provider_id=provider) if provider else queryset

    @extend_schema(request=CaseRowInput(many=True), responses=SubmitOutput)
    def create(self, request, *args, **kwargs):
        provider = selectors.provider_of(request.user)
        if provider is None:
            raise PermissionDenied(_("Only a provider's account submits cases."))
        rows = request.data if isinstance(request.data, list) else None
        if not rows:
            raise ValidationError({"cases": _("Send a non-empty JSON list of cases.")})
        if len(rows) > MAX_ROWS:
            raise ValidationError({"cases": _("At most %(n)d cases per request.") % {
                "n": MAX_ROWS}})
        serializer = CaseRowInput(data=rows, many=True)
        serializer.is_valid(raise_exception=True)
        values = [[row.get(c, "") for c in COLUMNS] for row in serializer.validated_data]
        run = case_import_run_create(file_name=_("API submission"), source="api",
                                     acting_user=request.user,
                                     provider=Provider.objects.get(pk=provider))
        run = case_import(run=run, rows=values)
        if run.status != "done":
            raise ValidationError({"cases": run.error})
        rejects = [{"row": r.row_number - 1, "field": r.field, "reason": r.reason}
                   for r in run.rejects.order_by("row_number")]
        return Response(SubmitOutput({"run": run.pk, "rows": run.rows_total,
                                      "cases_new": run.cases_new,
                                      "cases_repeated": run.cases_repeated,
                                      "rejects": rejects}).data, status=201)


class StatementRow(serializers.Serializer):
    case = serializers.IntegerField(source="id")
    date = serializers.DateField(source="service_date")
    provider = serializers.CharField(source="provider.name")
    care_type = serializers.CharField(source="care_type.code")
    diagnosis_group = serializers.SerializerMethodField()
    amount = serializers.DecimalField(source="payable", max_digits=14, decimal_places=2)
    funding_source = serializers.CharField()

    def get_diagnosis_group(self, obj) -> str:
        return obj.icd10[:3]


class NotReceivedInput(serializers.Serializer):
    case = serializers.IntegerField()
    text = serializers.CharField(max_length=2000, required=False, allow_blank=True)


def _statement_user(request):
    if selectors.provider_of(request.user) is not None:
        raise PermissionDenied(_("A provider's account has no access to statements."))
    if not user_has_model_permission(request.user, Case, "view"):
        raise PermissionDenied(_("You have no permission to do this."))


class StatementView(APIView):
    """The paid cases of a person (date, provider, care type, diagnosis group, amount,
    funding source). 404 when the user may see none of the person's cases."""

    queryset = Case.objects.none()

    @extend_schema(responses=StatementRow(many=True))
    def get(self, request, iin):
        _statement_user(request)
        rows = list(selectors.statement_of_care(user=request.user, iin=str(iin)[:12])[:1000])
        if not rows:
            raise NotFound(_("No paid care of this person that you may see."))
        return Response(StatementRow(rows, many=True).data)


class NotReceivedView(APIView):
    """The person's confirmed «I did not receive this care» for one of their cases."""

    queryset = Case.objects.none()  # the {iin} names a case's patient
    permission_classes = [IsAuthenticated]  # checked below: view cases, add patient reports

    @extend_schema(request=NotReceivedInput, responses={201: None})
    def post(self, request, iin):
        _statement_user(request)
        if not user_has_model_permission(request.user, PatientReport, "add"):
            raise PermissionDenied(_("You have no permission to do this."))
        cases = Case.objects.for_user(request.user, "view").filter(iin=str(iin)[:12])
        if not cases.exists():
            raise NotFound(_("No such case of this person."))
        data = NotReceivedInput(data=request.data)
        data.is_valid(raise_exception=True)
        case = cases.filter(pk=data.validated_data["case"]).first()
        if case is None:
            raise NotFound(_("No such case of this person."))
        report = services.care_not_received(case=case, text=data.validated_data.get("text", ""),
                                            acting_user=request.user)
        return Response({"report": report.pk, "case": case.pk}, status=201)
