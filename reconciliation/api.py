"""REST endpoints: the worklist (read, and workflow transitions) and the summaries."""

from rest_framework import permissions, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from osms.core.api import RegionScopedReadOnlyViewSet
from osms.core.scoping import scope_queryset

from . import services
from .models import CollectionSummary, Discrepancy


class DiscrepancySerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="kato", read_only=True)
    assignee = serializers.SlugRelatedField(slug_field="username", read_only=True,
                                            allow_null=True)

    class Meta:
        model = Discrepancy
        fields = ["id", "period", "employer_bin", "iin", "kind", "type", "region", "income",
                  "declared_amount", "paid_amount", "expected_amount", "amount",
                  "other_period", "status", "assignee", "notes"]
        read_only_fields = fields


class TransitionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Discrepancy.Status.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CanChangeDiscrepancy(permissions.BasePermission):
    def has_permission(self, request, view):
        return request.user.has_perm("reconciliation.change_discrepancy")


class DiscrepancyViewSet(RegionScopedReadOnlyViewSet):
    queryset = Discrepancy.objects.select_related("region", "assignee").order_by("id")
    serializer_class = DiscrepancySerializer
    filterset_fields = ["period", "status", "type", "kind", "employer_bin", "iin"]

    def get_queryset(self):
        if self.action == "transition":
            # A transition changes the row: scope by "change", not by POST's "add".
            return scope_queryset(self.queryset.all(), self.request.user, "change")
        return super().get_queryset()

    @action(detail=True, methods=["post"], permission_classes=[CanChangeDiscrepancy],
            serializer_class=TransitionSerializer)
    def transition(self, request, pk=None):
        """Move the discrepancy to another status (writing off needs a note)."""
        discrepancy = self.get_object()
        data = TransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # A service error is answered 400 / 403 by the project's DRF exception handler.
        updated = services.discrepancy_set_status(
            discrepancy=discrepancy, status=data.validated_data["status"],
            note=data.validated_data["note"], acting_user=request.user,
        )
        return Response(DiscrepancySerializer(updated).data)


class CollectionSummarySerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="kato", read_only=True)

    class Meta:
        model = CollectionSummary
        fields = ["period", "region", "payer_type", "expected", "declared", "collected",
                  "persons"]
        read_only_fields = fields


class CollectionSummaryViewSet(RegionScopedReadOnlyViewSet):
    queryset = CollectionSummary.objects.select_related("region").order_by("id")
    serializer_class = CollectionSummarySerializer
    filterset_fields = ["period", "payer_type"]
