"""Admin views that start jobs or post money: GET only asks, read-only roles get 403,
the head-office operator's confirmed POST acts (issue 17.2)."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client

from payers import tasks
from payers.models import Payment, SuspensePayment
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

ARREARS = "/admin/payers/arrear/recompute/"
MATCH = "/admin/payers/suspensepayment/match-registered/"


def client_for(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def confirmed_post(client, url):
    """POST the confirmation page's form back, with its CSRF token."""
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, {"confirmed": "yes",
                             "csrfmiddlewaretoken": page.context["csrf_token"]})


@pytest.fixture
def queued(monkeypatch):
    calls = []
    monkeypatch.setattr(tasks.arrears_recompute_task, "delay",
                        lambda *args, **kwargs: calls.append((args, kwargs)))
    return calls


@pytest.fixture
def open_suspense(db):
    person = PersonFactory()
    from payers.models import ImportRun

    run = ImportRun.objects.create(file_name="orders.csv", source=ImportRun.Source.COMMAND)
    return SuspensePayment.objects.create(
        iin=person.iin, last_name="Омарова", first_name="Айгуль", payer_code=person.iin,
        period=datetime.date(2026, 1, 1), knp="122", amount=Decimal("4250.00"),
        paid_on=datetime.date(2026, 2, 10), document_no="SP-1", import_run=run, line_no=1,
        kind="self_payer")


def test_arrears_recompute_get_only_asks(hq_operator, queued):
    page = client_for(hq_operator).get(ARREARS)
    assert page.status_code == 200
    assert "Recompute every arrear" in page.content.decode()
    assert queued == []


def test_arrears_recompute_needs_a_confirmed_csrf_checked_post(hq_operator, queued):
    client = client_for(hq_operator)
    assert client.post(ARREARS, {"confirmed": "yes"}).status_code == 403  # no CSRF token
    page = client.get(ARREARS)
    unconfirmed = client.post(ARREARS, {"csrfmiddlewaretoken": page.context["csrf_token"]})
    assert unconfirmed.status_code == 200 and queued == []
    assert confirmed_post(client, ARREARS).status_code == 302
    assert len(queued) == 1


@pytest.mark.parametrize("role", ["auditor", "analyst", "almaty_operator"])
def test_arrears_recompute_refused_to_other_roles(role, request, queued):
    client = client_for(request.getfixturevalue(role))
    assert client.get(ARREARS).status_code == 403
    assert client.post(ARREARS, {"confirmed": "yes"}).status_code == 403
    assert queued == []


def test_match_registered_get_posts_no_money(hq_operator, open_suspense):
    assert client_for(hq_operator).get(MATCH).status_code == 200
    open_suspense.refresh_from_db()
    assert open_suspense.status == SuspensePayment.Status.OPEN
    assert not Payment.objects.exists()


@pytest.mark.parametrize("role", ["auditor", "analyst"])
def test_match_registered_refused_to_read_only_roles(role, request, open_suspense):
    client = client_for(request.getfixturevalue(role))
    assert client.get(MATCH).status_code == 403
    assert client.post(MATCH, {"confirmed": "yes"}).status_code == 403
    assert not Payment.objects.exists()


def test_match_registered_confirmed_posts_the_payment(hq_operator, open_suspense):
    assert confirmed_post(client_for(hq_operator), MATCH).status_code == 302
    open_suspense.refresh_from_db()
    assert open_suspense.status == SuspensePayment.Status.MATCHED
    payment = Payment.objects.get()
    assert (payment.iin, payment.amount, payment.posted_by) == (
        open_suspense.iin, Decimal("4250.00"), hq_operator)


def test_match_selected_action_needs_the_match_permission(analyst, hq_operator, open_suspense):
    data = {"action": "match_selected", "_selected_action": [open_suspense.pk]}
    client = Client()
    client.force_login(analyst)
    client.post("/admin/payers/suspensepayment/", data)
    assert not Payment.objects.exists()
    client.force_login(hq_operator)
    client.post("/admin/payers/suspensepayment/", data)
    assert Payment.objects.get().amount == Decimal("4250.00")


def test_only_head_office_operators_hold_the_job_permissions():
    from osms.core.roles import declared_permissions

    holders = {role for role, perms in declared_permissions().items()
               for perm in perms if perm in {("payers", "recompute_arrear"),
                                            ("payers", "match_suspensepayment")}}
    assert holders == {"HQ operator"}
