"""REST endpoints of the registry: persons and organisations, region-scoped.

Writes go through ``payers.services`` (as the admin's do); their errors are answered by the
project's DRF exception handler (``osms.core.errors``): 400 naming the field, 403, or 409
when other rows still refer to a person being deleted.
"""

from rest_framework import serializers

from osms.core.api import RegionScopedViewSet
from osms.core.models import Region

from . import services
from .filters import OrganisationFilter, PersonFilter
from .models import Organisation, Person
from .validators import validate_iin


class RegionField(serializers.SlugRelatedField):
    """A region given and shown as its КАТО code, e.g. ``750000000`` for Almaty."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="kato", queryset=Region.objects.all(), **kwargs)


class PersonSerializer(serializers.ModelSerializer):
    region = RegionField()

    class Meta:
        model = Person
        fields = [
            "iin", "last_name", "first_name", "middle_name", "birth_date", "sex",
            "citizenship", "region", "death_date",
        ]
        read_only_fields = ["birth_date", "sex"]
        # No UniqueValidator: a repeated ИИН is refused by the service with the message that
        # names the person's region and who to ask (``Person.unique_error_message``).
        extra_kwargs = {"iin": {"validators": [validate_iin]}}

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            fields["iin"].read_only = True
        return fields

    def create(self, validated_data):
        return services.person_create(acting_user=self.context["request"].user,
                                      **validated_data)

    def update(self, instance, validated_data):
        return services.person_update(person=instance, acting_user=self.context["request"].user,
                                      **validated_data)


class OrganisationSerializer(serializers.ModelSerializer):
    region = RegionField()

    class Meta:
        model = Organisation
        fields = ["bin", "name", "kind", "region"]

    def create(self, validated_data):
        return services.organisation_create(acting_user=self.context["request"].user,
                                            **validated_data)


class PersonViewSet(RegionScopedViewSet):
    """Persons by ИИН. Filters: region (КАТО), citizenship, sex, birth dates, last name."""

    queryset = Person.objects.select_related("region")
    serializer_class = PersonSerializer
    lookup_field = "iin"
    filterset_class = PersonFilter

    def perform_destroy(self, instance):
        services.person_delete(person=instance, acting_user=self.request.user)


class OrganisationViewSet(RegionScopedViewSet):
    """Organisations by БИН. Filters: region (КАТО), kind, name."""

    queryset = Organisation.objects.select_related("region")
    serializer_class = OrganisationSerializer
    lookup_field = "bin"
    filterset_class = OrganisationFilter
    http_method_names = ["get", "post", "head", "options"]
