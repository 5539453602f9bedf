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


def registered_person(*, iin, only=None):
    """The registry's person with this ИИН, whatever the region, or None.

    For answers about a person's rights that any caller may ask (eligibility, insured
    status); ``only``: the fields the caller reads, when it needs a few.
    """
    queryset = Person.objects.filter(iin=iin)
    if only:
        queryset = queryset.only(*only)
    return queryset.first()


def organisation_list(*, user, filters=None):
    queryset = Organisation.objects.for_user(user).select_related("region")
    if filters:
        from .filters import OrganisationFilter

        queryset = OrganisationFilter(filters, queryset=queryset).qs
    return queryset
