"""Reconciliation rules refuse absurd dates and notes with the field and the reason (17.9)."""

import pytest
from django.urls import reverse

from reconciliation.models import ReconciliationRule

pytestmark = pytest.mark.django_db


def test_a_rule_refuses_absurd_dates_and_notes(client, hq_operator):
    client.force_login(hq_operator)
    add = reverse("admin:reconciliation_reconciliationrule_add")
    before = ReconciliationRule.objects.count()
    base = {"tolerance": "1.00", "other_period_window": 12, "note": ""}
    for day, reason in (("0001-01-01", "is before 01.01.2017"),
                        ("2099-01-01", "years ahead")):
        response = client.post(add, {**base, "valid_from": day})
        assert response.status_code == 200
        assert reason in response.context["adminform"].form.errors["valid_from"][0]
    response = client.post(add, {**base, "valid_from": "2027-01-01", "note": "н" * 4001})
    assert response.context["adminform"].form.errors["note"] == [
        "Note is 4001 characters long; at most 4000 are allowed."]
    assert ReconciliationRule.objects.count() == before
    assert client.post(add, {**base, "valid_from": "2027-01-01"}).status_code == 302
