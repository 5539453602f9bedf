import django_filters

from .models import Citizenship, Organisation, Person, Sex


class PersonFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(field_name="region__kato", label="region KATO code")
    citizenship = django_filters.ChoiceFilter(choices=Citizenship.choices)
    sex = django_filters.ChoiceFilter(choices=Sex.choices)
    born_after = django_filters.DateFilter(field_name="birth_date", lookup_expr="gte")
    born_before = django_filters.DateFilter(field_name="birth_date", lookup_expr="lte")
    last_name = django_filters.CharFilter(lookup_expr="istartswith")
    alive = django_filters.BooleanFilter(field_name="death_date", lookup_expr="isnull")

    class Meta:
        model = Person
        fields = ["iin"]


class OrganisationFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(field_name="region__kato", label="region KATO code")
    kind = django_filters.ChoiceFilter(choices=Organisation.Kind.choices)
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Organisation
        fields = ["bin"]
