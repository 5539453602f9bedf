"""Membership dates an operator or the API enters stay within plausible bounds (17.9)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from coverage import services
from coverage.models import BenefitCategory, CategoryMembership
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.mark.parametrize("starts_on, ends_on, field, reason", [
    (D(1, 1, 1), D(9999, 12, 31), "starts_on", "before 01.01.1900"),
    (D(2020, 1, 1), D(9999, 12, 31), "ends_on", "more than 50 years ahead"),
    (D(2099, 1, 1), None, "starts_on", "more than 2 years ahead"),
])
def test_absurd_membership_dates_are_refused(hq_operator, starts_on, ends_on, field, reason):
    with pytest.raises(ValidationError) as error:
        services.membership_create(person=PersonFactory(),
                                   category=BenefitCategory.objects.get(code="disabled"),
                                   starts_on=starts_on, ends_on=ends_on, acting_user=hq_operator)
    assert reason in error.value.message_dict[field][0]
    assert not CategoryMembership.objects.exists()


def test_the_admin_form_names_the_field(hq_operator):
    client = Client()
    client.force_login(hq_operator)
    response = client.post("/admin/coverage/categorymembership/add/", {
        "person": PersonFactory().pk, "category": BenefitCategory.objects.get(code="disabled").pk,
        "starts_on": "2099-01-01", "ends_on": "", "source": "operator", "document": "№ 1"})
    assert response.status_code == 200
    assert "ahead" in response.context["adminform"].form.errors["starts_on"][0]
    assert not CategoryMembership.objects.exists()


def test_admin_edits_of_a_membership_go_through_the_service(hq_operator):
    membership = CategoryMembership.objects.create(
        person=PersonFactory(), category=BenefitCategory.objects.get(code="disabled"),
        starts_on=D(2025, 1, 1), source="operator", document="№ 1")
    client = Client()
    client.force_login(hq_operator)
    response = client.post(f"/admin/coverage/categorymembership/{membership.pk}/change/", {
        "person": membership.person_id, "category": membership.category_id,
        "starts_on": "2025-01-01", "ends_on": "2025-12-31", "source": "operator",
        "document": "№ 1, дубликат"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.ends_on, membership.document) == (D(2025, 12, 31), "№ 1, дубликат")
    latest = membership.history.first()
    assert latest.history_user == hq_operator
    assert {c.field for c in latest.diff_against(latest.prev_record).changes} == {
        "ends_on", "document"}
