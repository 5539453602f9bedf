"""The worklist's state-changing admin views ask first and act only on a confirmed POST.

Issuing notices, marking resolved, assigning and starting a reconciliation: GET (or
choosing the action on the list) shows the question and changes nothing, the auditor and
the analyst cannot act, the operator's confirmed POST acts. The pages that read a
``?period=`` answer a bad one with the reason, never a server error.
"""

import datetime

import pytest
from django.urls import reverse

from reconciliation.models import Discrepancy, EmployerNotice, ReconciliationRun
from reconciliation.reconcile import reconcile_period

from .helpers import JAN

CONFIRM_TEMPLATE = "admin/osms/confirm_action.html"
BAD_PERIODS = ["abc", "2026-13", "2026-00-01", "0001-01", "2099-01", "99999-01", "%00",
               "2026-01-32", "' OR 1=1 --", "2026-1" * 200]


def asks(response):
    return response.status_code == 200 and CONFIRM_TEMPLATE in [t.name for t in
                                                                response.templates]


@pytest.fixture
def reconciled(month):
    reconcile_period(period=JAN)
    return month


def _open_of_employer(month):
    return Discrepancy.objects.filter(employer=month["employer"], status="new")


def _state(month):
    rows = Discrepancy.objects.filter(employer=month["employer"]).order_by("pk")
    return (EmployerNotice.objects.count(),
            list(rows.values_list("status", "assignee_id")))


@pytest.mark.parametrize("name", ["issue_notices", "mark_resolved", "assign_to_me"])
def test_worklist_actions_ask_first_and_only_the_operator_acts(client, reconciled, name,
                                                               hq_operator, auditor, analyst):
    url = reverse("admin:reconciliation_discrepancy_changelist")
    chosen = {"action": name,
              "_selected_action": list(_open_of_employer(reconciled).values_list("pk",
                                                                                 flat=True))}
    before = _state(reconciled)
    for reader in (auditor, analyst):
        client.force_login(reader)
        assert not asks(client.post(url, {**chosen, "confirmed": "yes"}))
        assert _state(reconciled) == before
    client.force_login(hq_operator)
    assert asks(client.post(url, {**chosen, "index": 0}))
    assert _state(reconciled) == before
    assert client.post(url, {**chosen, "confirmed": "yes"}, follow=True).status_code == 200
    after = _state(reconciled)
    assert after != before
    if name == "issue_notices":
        assert after[0] == 1 and {s for s, _a in after[1]} == {"notified"}
    elif name == "mark_resolved":
        assert {s for s, _a in after[1]} == {"resolved"}
    else:
        assert {a for _s, a in after[1]} == {hq_operator.pk}


def test_reconcile_a_period_asks_for_it_and_needs_the_permission(client, month, hq_operator,
                                                                auditor, analyst):
    url = reverse("admin:reconciliation_reconciliationrun_run_period")
    for reader in (auditor, analyst):
        client.force_login(reader)
        assert client.get(url).status_code == 403
        assert client.post(url, {"period": "2026-01", "confirmed": "yes"}).status_code == 403
    client.force_login(hq_operator)
    assert asks(client.get(url))
    assert asks(client.get(url, {"period": "2026-01"}))
    assert not ReconciliationRun.objects.exists()
    for bad in BAD_PERIODS:
        response = client.post(url, {"period": bad, "confirmed": "yes"})
        assert asks(response), bad  # the question again, with the reason under the field
        assert response.context["form"].errors["period"]
    assert not ReconciliationRun.objects.exists()
    response = client.post(url, {"period": "2026-01", "confirmed": "yes"})
    assert response.status_code == 302
    run = ReconciliationRun.objects.get()
    assert (run.period.isoformat(), run.status, run.created_by) == ("2026-01-01", "done",
                                                                    hq_operator)


@pytest.mark.parametrize("page", ["admin:reconciliation_discrepancy_by_employer",
                                  "admin:reconciliation_collectionsummary_export_all_xlsx"])
def test_period_pages_answer_bad_values_with_the_reason(client, reconciled, hq_operator, page):
    client.force_login(hq_operator)
    url = reverse(page)
    for bad in BAD_PERIODS:
        response = client.get(url, {"period": bad})
        assert response.status_code in (302, 400), (bad, response.status_code)
        shown = [str(m) for m in response.wsgi_request._messages]
        assert shown and ("YYYY-MM" in shown[0] or "The period" in shown[0]), (bad, shown)
    for good in ("2026-01", "2026-01-01"):
        response = client.get(url, {"period": good})
        assert response.status_code == 200
    by_employer = client.get(reverse("admin:reconciliation_discrepancy_by_employer"),
                             {"period": "2026-01"})
    if page.endswith("by_employer"):
        assert reconciled["employer"].bin in by_employer.content.decode()


def test_the_period_form_takes_a_month_as_printed_or_as_iso(db):
    from reconciliation.admin.forms import PeriodForm

    for typed in ("01.2026", "2026-01", " 01.2026 ", "2026-01-01"):
        form = PeriodForm({"period": typed})
        assert form.is_valid(), (typed, form.errors)
        assert form.cleaned_data["period"] == datetime.date(2026, 1, 1)
    for typed in ("1.2026", "13.2026", "01.26", "2026.01", "январь 2026"):
        form = PeriodForm({"period": typed})
        assert not form.is_valid()
        assert form.errors["period"] == [
            "Write the period as a month, MM.YYYY or YYYY-MM (e.g. 01.2026 or 2026-01); "
            f"got “{typed.strip()}”."]
    form = PeriodForm({"period": "01.2099"})
    assert not form.is_valid() and "The period" in form.errors["period"][0]
