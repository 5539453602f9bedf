"""Writes to the package: copy and publish versions, copy disease lists.

Keyword-only, atomic, audited through django-simple-history (``acting_user``) with the
model permission checked (``osms.core.services``; package data is national, not regional).
An operator adds the 2027 package without a release: copy 2026 as a draft,
edit its rules and lists in the admin, publish it (which closes 2026 on the
day before 2027 starts).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from osms.core.services import lock_for_change, require_scope, save_audited

from .models import DiseaseList, DiseaseListItem, PackageRule, PackageVersion


def _save(obj, *, acting_user, reason):
    """A new row needs the add permission, a change the change permission."""
    action = "add" if obj.pk is None else "change"
    require_scope(obj, acting_user, action)
    return save_audited(obj, acting_user=acting_user, action=action, reason=reason)


@transaction.atomic
def package_version_copy(*, source, code, valid_from, valid_to=None, name_ru=None, name_kk=None,
                         name_en=None, acting_user=None):
    """A draft copy of ``source`` with the same rules, to be edited and then published."""
    copy = PackageVersion(
        code=code, valid_from=valid_from, valid_to=valid_to,
        name_ru=name_ru or f"{source.name_ru} ({code})",
        name_kk=name_kk or (f"{source.name_kk} ({code})" if source.name_kk else ""),
        name_en=name_en or (f"{source.name_en} ({code})" if source.name_en else ""),
        legal_basis=source.legal_basis, is_published=False,
    )
    _save(copy, acting_user=acting_user,
          reason=_("Copied from version %(code)s") % {"code": source.code})
    rules = [
        PackageRule(version=copy, order=rule.order, care_type_id=rule.care_type_id,
                    disease_list_id=rule.disease_list_id, funding_source=rule.funding_source,
                    entitlement=rule.entitlement, legal_basis=rule.legal_basis)
        for rule in source.rules.order_by("order")
    ]
    PackageRule.objects.bulk_create(rules)
    return copy


@transaction.atomic
def package_version_publish(*, version, acting_user=None, close_previous=True):
    """Publish a draft; the open-ended version before it is closed the day before.

    Published versions never overlap, so every date has at most one answer.
    """
    # Lock every published version: two publications cannot interleave.
    published = list(PackageVersion.objects.select_for_update().filter(is_published=True))
    version = lock_for_change(PackageVersion, version.pk, acting_user=acting_user)
    if version.is_published:
        return version
    if not version.rules.exists():
        raise ValidationError(_("Version %(code)s has no rules; add them before publishing.")
                              % {"code": version.code})
    if close_previous:
        for previous in published:
            if previous.valid_to is None and previous.valid_from < version.valid_from:
                previous.valid_to = version.valid_from - datetime.timedelta(days=1)
                _save(previous, acting_user=acting_user,
                      reason=_("Closed by the publication of version %(code)s")
                      % {"code": version.code})
    version.is_published = True
    return _save(version, acting_user=acting_user, reason=_("Published"))


@transaction.atomic
def package_version_unpublish(*, version, acting_user=None):
    version = lock_for_change(PackageVersion, version.pk, acting_user=acting_user)
    if not version.is_published:
        return version
    version.is_published = False
    return _save(version, acting_user=acting_user, reason=_("Withdrawn"))


@transaction.atomic
def disease_list_copy(*, source, code, acting_user=None):
    """A copy of a disease list with its items, to edit for a new package version."""
    copy = DiseaseList(code=code, name_ru=f"{source.name_ru} ({code})",
                       name_kk=source.name_kk, name_en=source.name_en, source=source.source)
    _save(copy, acting_user=acting_user,
          reason=_("Copied from list %(code)s") % {"code": source.code})
    DiseaseListItem.objects.bulk_create(
        DiseaseListItem(disease_list=copy, number=item.number, code=item.code,
                        name_ru=item.name_ru, name_kk=item.name_kk, name_en=item.name_en,
                        icd10_ranges=item.icd10_ranges)
        for item in source.items.all()
    )
    return copy
