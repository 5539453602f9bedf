"""Writes to the registry: one keyword-only, atomic function per action.

The admin (page and inlines) and the API call these, so every write leaves the same
trail: the model permission and region checked (``osms.core.services``), the row locked
for a change, the acting user and the reason in the history (django-simple-history), and
the registry's change lock held by ``Person`` writes (``osms.core.changes``).
"""

from django.db import transaction

from osms.core.services import delete_audited, require_scope, save_audited, update_audited

from .models import Activity, Employment, Organisation, Person


def _create(obj, *, acting_user, reason=""):
    require_scope(obj, acting_user, "add")
    return save_audited(obj, acting_user=acting_user, action="add", reason=reason)


@transaction.atomic
def person_create(*, iin, last_name, first_name, region, middle_name="", citizenship=None,
                  death_date=None, acting_user=None, reason=""):
    person = Person(iin=iin, last_name=last_name, first_name=first_name,
                    middle_name=middle_name or "", region=region, death_date=death_date)
    if citizenship:
        person.citizenship = citizenship
    return _create(person, acting_user=acting_user, reason=reason)


@transaction.atomic
def person_update(*, person, acting_user=None, reason="", **changes):
    """Change a person's fields; returns the person (unchanged fields are no-ops)."""
    return update_audited(Person, person.pk, acting_user=acting_user, reason=reason, changes=changes)


@transaction.atomic
def person_delete(*, person, acting_user=None, reason=""):
    """Remove a person entered by mistake; refused (``ProtectedError``) once paid for."""
    return delete_audited(Person, person.pk, acting_user=acting_user, reason=reason)


@transaction.atomic
def organisation_create(*, bin, name, region, kind=Organisation.Kind.EMPLOYER,
                        acting_user=None, reason=""):
    org = Organisation(bin=bin, name=name, region=region, kind=kind)
    return _create(org, acting_user=acting_user, reason=reason)


@transaction.atomic
def organisation_update(*, organisation, acting_user=None, reason="", **changes):
    return update_audited(Organisation, organisation.pk, acting_user=acting_user, reason=reason,
                   changes=changes)


@transaction.atomic
def organisation_delete(*, organisation, acting_user=None, reason=""):
    """Refused (``ProtectedError``) while employments refer to it."""
    return delete_audited(Organisation, organisation.pk, acting_user=acting_user, reason=reason)


@transaction.atomic
def activity_create(*, person, kind, tax_regime, started_on, ended_on=None, acting_user=None,
                    reason=""):
    """Register a person's activity as an entrepreneur or private practitioner."""
    activity = Activity(person=person, kind=kind, tax_regime=tax_regime, started_on=started_on,
                        ended_on=ended_on)
    return _create(activity, acting_user=acting_user, reason=reason)


@transaction.atomic
def activity_update(*, activity, acting_user=None, reason="", **changes):
    return update_audited(Activity, activity.pk, acting_user=acting_user, reason=reason,
                   changes=changes)


@transaction.atomic
def activity_delete(*, activity, acting_user=None, reason=""):
    return delete_audited(Activity, activity.pk, acting_user=acting_user, reason=reason)


@transaction.atomic
def employment_create(*, employer, employee, started_on, ended_on=None, acting_user=None,
                      reason=""):
    employment = Employment(employer=employer, employee=employee, started_on=started_on,
                            ended_on=ended_on)
    return _create(employment, acting_user=acting_user, reason=reason)


@transaction.atomic
def employment_update(*, employment, acting_user=None, reason="", **changes):
    return update_audited(Employment, employment.pk, acting_user=acting_user, reason=reason,
                   changes=changes)


@transaction.atomic
def employment_delete(*, employment, acting_user=None, reason=""):
    return delete_audited(Employment, employment.pk, acting_user=acting_user, reason=reason)
