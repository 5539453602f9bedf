"""The worklist's rules live in the services: the admin form and the API answer alike.

Writing off without a reason, an impossible transition, another region's assignee and a
note longer than any note: the admin's change form shows the service's words, the API
answers 400 with the same words, and nothing changes.
"""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from reconciliation.models import Discrepancy
from reconciliation.reconcile import reconcile_period
from tests.admin_forms import change_form_data

from .helpers import JAN

WRITE_OFF = "Writing off needs a reason in the note."
NOT_ALLOWED = "A discrepancy cannot go from “Resolved” to “New”."


@pytest.fixture
def discrepancy(month):
    reconcile_period(period=JAN)
    return Discrepancy.objects.get(iin=month["p"][4].iin, type="underpaid")


def admin_errors(response):
    form = response.context["adminform"].form
    return sorted(e for errors in form.errors.values() for e in errors)


def test_rules_answer_the_same_in_the_admin_and_the_api(client, discrepancy, almaty_operator,
                                                        astana_operator):
    client.force_login(almaty_operator)
    url = reverse("admin:reconciliation_discrepancy_change", args=[discrepancy.pk])
    data = change_form_data(client.get(url))
    api = APIClient()
    api.force_authenticate(almaty_operator)
    transition = f"/api/v1/reconciliation/discrepancies/{discrepancy.pk}/transition/"

    response = client.post(url, {**data, "status": "written_off", "new_note": ""})
    assert response.status_code == 200 and admin_errors(response) == [WRITE_OFF]
    answer = api.post(transition, {"status": "written_off"}, format="json")
    assert answer.status_code == 400 and answer.json() == {"notes": [WRITE_OFF]}

    long_note = "x" * 4001
    too_long = "The note is 4001 characters long; at most 4000 are allowed."
    response = client.post(url, {**data, "new_note": long_note})
    assert response.status_code == 200 and admin_errors(response) == [too_long]
    answer = api.post(transition, {"status": "resolved", "note": long_note}, format="json")
    assert answer.status_code == 400 and answer.json() == {"notes": [too_long]}

    response = client.post(url, {**data, "assignee": astana_operator.pk})
    assert response.status_code == 200  # not even offered: another region's user
    assert Discrepancy.objects.get(pk=discrepancy.pk).assignee is None

    assert client.post(url, {**data, "status": "resolved", "new_note": "Paid"}).status_code == 302
    response = client.post(url, {**change_form_data(client.get(url)), "status": "new"})
    assert response.status_code == 200 and admin_errors(response) == [NOT_ALLOWED]
    answer = api.post(transition, {"status": "new"}, format="json")
    assert answer.status_code == 400 and answer.json() == {"status": [NOT_ALLOWED]}
    stored = Discrepancy.objects.get(pk=discrepancy.pk)
    assert (stored.status, stored.notes.endswith("Paid")) == ("resolved", True)
    assert list(stored.events.order_by("id").values_list("action", flat=True)) == [
        "note", "status"]
