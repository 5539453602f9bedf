"""REST endpoints of purchasing, region-scoped; writes go through the services.

Reads: providers, campaigns, applications, allocations (with lines and their
explanations), protocols, contracts (with items) and execution acts. Writes:
``POST applications/`` (submit), ``POST allocation-lines/{id}/adjust/``,
``POST protocols/{id}/vote/``, ``POST protocols/{id}/approve/``, ``POST acts/``.
A service's ``ValidationError`` / ``PermissionDenied`` is answered 400 / 403 by the project's
DRF exception handler (``osms.core.errors``), with the service's own words.
"""

from django.utils.translation import gettext as _
from rest_framework import permissions, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from osms.core.api import RegionScopedReadOnlyViewSet, RegionScopedViewSet
from osms.core.scoping import scope_queryset

from . import services
from .explain import explain_line
from .models import (
    Allocation,
    AllocationLine,
    Application,
    Campaign,
    Contract,
    ContractItem,
    ExecutionAct,
    Protocol,
    Provider,
)


class ProviderSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="kato", read_only=True)

    class Meta:
        model = Provider
        fields = ["id", "bin", "name", "ownership", "region", "kato", "locality", "staff_count",
                  "attached_population", "inclusion", "inclusion_checked_on", "refusal_reason"]


class CampaignSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="kato", read_only=True)
    care_type = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Campaign
        fields = ["id", "year", "region", "care_type", "title", "unit", "planned_volume",
                  "unit_price", "budget", "status", "announced_on", "applications_deadline"]


class ApplicationSerializer(serializers.ModelSerializer):
    campaign = serializers.PrimaryKeyRelatedField(queryset=Campaign.objects.all())
    provider = serializers.PrimaryKeyRelatedField(queryset=Provider.objects.all())

    class Meta:
        model = Application
        fields = ["id", "campaign", "provider", "requested_volume", "coexecution_volume",
                  "coexecutors", "status", "problems", "submitted_at"]
        read_only_fields = ["status", "problems", "submitted_at"]

    def get_fields(self):
        fields = super().get_fields()
        user = self.context["request"].user
        fields["campaign"].queryset = Campaign.objects.for_user(user, "view")
        fields["provider"].queryset = Provider.objects.for_user(user, "view")
        return fields

    def create(self, validated_data):
        return services.application_submit(acting_user=self.context["request"].user,
                                           **validated_data)


class LineSerializer(serializers.ModelSerializer):
    provider = serializers.CharField(source="provider.name")
    bin = serializers.CharField(source="provider.bin")
    explanation = serializers.SerializerMethodField()

    class Meta:
        model = AllocationLine
        fields = ["id", "rank", "provider", "bin", "score", "requested_volume", "ceiling",
                  "limit", "proposed_volume", "volume", "amount", "explanation"]

    def get_explanation(self, obj) -> str:
        return explain_line(obj)


class AllocationSerializer(serializers.ModelSerializer):
    lines = LineSerializer(many=True, read_only=True)

    class Meta:
        model = Allocation
        fields = ["id", "campaign", "version", "algorithm", "inputs_digest", "status",
                  "distributable_volume", "total_volume", "total_amount", "lines"]


class ProtocolSerializer(serializers.ModelSerializer):
    class Meta:
        model = Protocol
        fields = ["id", "number", "campaign", "allocation", "status", "decision",
                  "approved_at"]


class ItemSerializer(serializers.ModelSerializer):
    care_type = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = ContractItem
        fields = ["id", "care_type", "volume", "unit_price", "amount", "protocol"]


class ContractSerializer(serializers.ModelSerializer):
    items = ItemSerializer(many=True, read_only=True)
    region = serializers.SlugRelatedField(slug_field="kato", read_only=True)

    class Meta:
        model = Contract
        fields = ["id", "number", "provider", "region", "year", "status", "signed_on", "items"]


class ActSerializer(serializers.ModelSerializer):
    item = serializers.PrimaryKeyRelatedField(queryset=ContractItem.objects.all())

    class Meta:
        model = ExecutionAct
        fields = ["id", "item", "period", "volume_delivered", "amount_claimed", "plan_to_date",
                  "amount_accepted", "over_execution_withheld", "quality_deductions",
                  "amount_due", "status"]
        read_only_fields = [f for f in fields if f not in ("item", "period", "volume_delivered")]

    def get_fields(self):
        fields = super().get_fields()
        fields["item"].queryset = ContractItem.objects.for_user(self.context["request"].user,
                                                                "change")
        return fields

    def create(self, validated_data):
        return services.act_record(acting_user=self.context["request"].user,
                                   **validated_data)


class ServiceActionMixin:
    """Custom actions are authorised by their service (seat, permission, region); the
    object itself is looked up in the user's *view* scope, so another region's row is 404."""

    service_actions = ()

    def get_permissions(self):
        if self.action in self.service_actions:
            return [permissions.IsAuthenticated()]
        return super().get_permissions()

    def get_queryset(self):
        if self.action in self.service_actions:
            return scope_queryset(self.queryset.all(), self.request.user, "view")
        return super().get_queryset()


READ = ["get", "head", "options"]


class ProviderViewSet(RegionScopedViewSet):
    queryset = Provider.objects.select_related("region")
    serializer_class = ProviderSerializer
    http_method_names = READ
    filterset_fields = ["inclusion", "ownership", "locality"]


class CampaignViewSet(RegionScopedViewSet):
    queryset = Campaign.objects.select_related("region", "care_type")
    serializer_class = CampaignSerializer
    http_method_names = READ
    filterset_fields = ["year", "status"]


class ApplicationViewSet(RegionScopedViewSet):
    queryset = Application.objects.select_related("campaign", "provider")
    serializer_class = ApplicationSerializer
    http_method_names = [*READ, "post"]
    filterset_fields = ["campaign", "status"]


class AllocationViewSet(RegionScopedViewSet):
    queryset = Allocation.objects.prefetch_related("lines__provider")
    serializer_class = AllocationSerializer
    http_method_names = READ
    filterset_fields = ["campaign", "status"]


class AdjustInput(serializers.Serializer):
    """The input of an adjustment; its rules (limits, a written reason) are line_adjust's."""

    volume = serializers.IntegerField()
    reason = serializers.CharField(allow_blank=True, default="")


class AllocationLineViewSet(ServiceActionMixin, RegionScopedReadOnlyViewSet):
    queryset = AllocationLine.objects.select_related("provider")
    serializer_class = LineSerializer
    service_actions = ("adjust",)

    @action(detail=True, methods=["post"])
    def adjust(self, request, pk=None):
        line = self.get_object()
        data = AdjustInput(data=request.data)
        data.is_valid(raise_exception=True)
        line = services.line_adjust(line=line, new_volume=data.validated_data["volume"],
                                    reason=data.validated_data["reason"], acting_user=request.user)
        return Response(LineSerializer(line).data)


class VoteInput(serializers.Serializer):
    choice = serializers.ChoiceField(choices=["for", "against", "abstain"])
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ProtocolViewSet(ServiceActionMixin, RegionScopedReadOnlyViewSet):
    queryset = Protocol.objects.select_related("campaign")
    serializer_class = ProtocolSerializer
    service_actions = ("vote", "approve")

    @action(detail=True, methods=["post"])
    def vote(self, request, pk=None):
        protocol = self.get_object()
        data = VoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        meeting = protocol.campaign.meetings.filter(status="open").order_by("-held_on").first()
        if meeting is None:
            raise ValidationError({"meeting": [_("No open meeting for this campaign.")]})
        vote = services.vote_cast(meeting=meeting, user=request.user,
                                  choice=data.validated_data["choice"],
                                  comment=data.validated_data["comment"])
        return Response({"member": vote.member.full_name, "choice": vote.choice})

    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        protocol = services.protocol_approve(protocol=self.get_object(),
                                             acting_user=request.user)
        return Response(ProtocolSerializer(protocol).data)


class ContractViewSet(RegionScopedViewSet):
    queryset = Contract.objects.select_related("region").prefetch_related("items__care_type")
    serializer_class = ContractSerializer
    http_method_names = READ
    filterset_fields = ["year", "status", "provider"]


class ExecutionActViewSet(RegionScopedViewSet):
    queryset = ExecutionAct.objects.all()
    serializer_class = ActSerializer
    http_method_names = [*READ, "post"]
    filterset_fields = ["item", "period", "status"]
