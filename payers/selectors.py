"""Reads of the registry: querysets scoped to the user's region."""

from .models import Organisation, Person


def person_list(*, user, filters=None):
    queryset = Person.objects.for_user(user).select_related("region")
    if filters:
        from .filters import PersonFilter

        queryset = PersonFilter(filters, queryset=queryset).qs
    return queryset


def person_by_iin(*, user, iin):
    return person_list(user=user).filter(iin=iin).first()


def organisation_list(*, user, filters=None):
    queryset = Organisation.objects.for_user(user).select_related("region")
    if filters:
        from .filters import OrganisationFilter

        queryset = OrganisationFilter(filters, queryset=queryset).qs
    return queryset
