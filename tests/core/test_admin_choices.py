"""Every FK/M2M choice on every admin page and inline is confined to a regional user's
region: region-owned rows, regions and user accounts (issue 17.7)."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import models
from django.test import RequestFactory

from osms.core.admin_mixins import OsmsInlineMixin, OsmsModelAdmin
from osms.core.models import Region
from osms.core.scoping import is_region_scoped
from tests.factories import OrganisationFactory, PersonFactory, UserFactory, region

ALMATY, ASTANA = "750000000", "710000000"


def every_admin():
    """Each model admin of ours and an instance of each of its inlines."""
    for model_admin in admin.site._registry.values():
        if not isinstance(model_admin, OsmsModelAdmin):
            continue
        yield model_admin
        for inline_class in model_admin.inlines:
            yield inline_class(model_admin.model, admin.site)


def scoped_relations(admin_obj):
    for field in admin_obj.model._meta.get_fields():
        if not (field.is_relation and field.concrete) or field.remote_field is None:
            continue
        related = field.remote_field.model
        if related is Region or related is get_user_model() or is_region_scoped(related):
            yield field


def test_every_inline_is_a_scoped_inline():
    loose = [f"{type(a).__module__}.{type(a).__name__}" for a in every_admin()
             if isinstance(a, admin.options.InlineModelAdmin)
             and not isinstance(a, OsmsInlineMixin)]
    assert loose == []


@pytest.mark.django_db
def test_every_choice_field_is_confined_to_the_users_region():
    almaty_user = UserFactory(region=region(ALMATY), is_superuser=False)
    astana_rows = {
        Region: region(ASTANA),
        get_user_model(): UserFactory(region=region(ASTANA)),
    }
    PersonFactory(region=region(ASTANA))
    OrganisationFactory(region=region(ASTANA))
    request = RequestFactory().get("/")
    request.user = almaty_user
    checked, leaks = 0, []
    for admin_obj in every_admin():
        for field in scoped_relations(admin_obj):
            if isinstance(field, models.ManyToManyField):
                formfield = admin_obj.formfield_for_manytomany(field, request)
            else:
                formfield = admin_obj.formfield_for_foreignkey(field, request)
            if formfield is None:
                continue
            checked += 1
            related = field.remote_field.model
            queryset = formfield.queryset
            if related is get_user_model():
                outside = queryset.exclude(region__kato=ALMATY)
            else:
                lookup = related.region_lookup
                outside = queryset.exclude(**{lookup: region(ALMATY).pk})
            if outside.exists() or (related in astana_rows
                                    and astana_rows[related] in queryset):
                leaks.append(f"{admin_obj.model._meta.label}.{field.name}")
    assert leaks == []
    assert checked > 40
