"""Writes to the registry: one keyword-only, atomic function per action.

Every write records who did it in the model's history (django-simple-history),
and checks the acting user's region scope inside the transaction.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from osms.core.scoping import object_in_scope

from .models import Employment, Organisation, Person


def _save_audited(obj, *, acting_user, action, reason=""):
    obj.full_clean()
    obj._history_user = acting_user
    if reason:
        obj._change_reason = reason
    obj.save()
    if acting_user is not None and not object_in_scope(obj, acting_user, action):
        raise PermissionDenied(_("You may only write records of your own region."))
    return obj


@transaction.atomic
def person_create(*, iin, last_name, first_name, region, middle_name="", citizenship=None,
                  death_date=None, acting_user=None, reason=""):
    person = Person(
        iin=iin,
        last_name=last_name,
        first_name=first_name,
        middle_name=middle_name or "",
        region=region,
        death_date=death_date,
    )
    if citizenship:
        person.citizenship = citizenship
    return _save_audited(person, acting_user=acting_user, action="add", reason=reason)


@transaction.atomic
def person_update(*, person, acting_user=None, reason="", **changes):
    """Change a person's fields; returns the person (unchanged fields are no-ops)."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if acting_user is not None and not object_in_scope(person, acting_user, "change"):
        raise PermissionDenied(_("You may only change records of your own region."))
    changed = {k: v for k, v in changes.items() if getattr(person, k) != v}
    if not changed:
        return person
    for field, value in changed.items():
        setattr(person, field, value)
    return _save_audited(person, acting_user=acting_user, action="change", reason=reason)


@transaction.atomic
def organisation_create(*, bin, name, region, kind=Organisation.Kind.EMPLOYER,
                        acting_user=None, reason=""):
    org = Organisation(bin=bin, name=name, region=region, kind=kind)
    return _save_audited(org, acting_user=acting_user, action="add", reason=reason)


@transaction.atomic
def employment_start(*, employer, employee, started_on, acting_user=None):
    employment = Employment(employer=employer, employee=employee, started_on=started_on)
    return _save_audited(employment, acting_user=acting_user, action="add")
