"""Operators' pages: calculator, upload with progress, ledger read-only, scoped lists."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client

from payers.models import ImportRun, Payment, RefundApplication
from tests.factories import PaymentFactory, PersonFactory, region

pytestmark = pytest.mark.django_db
SAMPLE = Path(__file__).resolve().parents[2] / "payers" / "samples" / "payments_sample.csv"


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_calculator_page_shows_the_lines(hq_operator):
    response = client_for(hq_operator).get(
        "/admin/payers/contributionrate/calculator/",
        {"payer_type": "employee", "period": "2026-01", "income": "2000000"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "60000" in body.replace("\xa0", "").replace(" ", "") and "34000" in body.replace(
        "\xa0", "").replace(" ", "")


def test_calculator_page_names_a_bad_period(hq_operator):
    response = client_for(hq_operator).get(
        "/admin/payers/contributionrate/calculator/",
        {"payer_type": "employee", "period": "2010-01", "income": "1"})
    assert response.status_code == 200
    assert response.context["result"] is None
    assert response.context["form"].errors


def test_upload_runs_the_import_and_shows_the_run(hq_operator, django_capture_on_commit_callbacks):
    client = client_for(hq_operator)
    assert client.get("/admin/payers/importrun/add/").status_code == 302
    with open(SAMPLE, "rb") as handle, django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/payers/importrun/upload/", {"file": handle})
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.DONE, run.error
    assert (run.source, run.created_by, run.rows_total) == ("admin", hq_operator, 30)
    page = client.get(f"/admin/payers/importrun/{run.pk}/change/")
    assert page.status_code == 200 and "100 %" in page.content.decode()


def test_payments_are_read_only_and_scoped(almaty_operator, astana_operator):
    payment = PaymentFactory()
    almaty, astana = client_for(almaty_operator), client_for(astana_operator)
    assert almaty.get("/admin/payers/payment/").status_code == 200
    assert almaty.get(f"/admin/payers/payment/{payment.pk}/change/").status_code == 200
    assert astana.get(f"/admin/payers/payment/{payment.pk}/change/").status_code == 404
    assert almaty.post(f"/admin/payers/payment/{payment.pk}/delete/").status_code == 403


def test_reverse_from_the_payment_page(hq_operator):
    payment = PaymentFactory(amount=Decimal("4250.00"))
    response = client_for(hq_operator).post(
        f"/admin/payers/payment/{payment.pk}/reverse/", {"amount": "250", "reason": "Excess"})
    assert response.status_code == 302
    assert Payment.objects.get(reverses=payment).amount == Decimal("-250.00")


def test_refund_steps_from_the_admin(hq_operator):
    payment = PaymentFactory(payer_code="120540000011", amount=Decimal("9000.00"))
    client = client_for(hq_operator)
    response = client.post("/admin/payers/refundapplication/add/", {
        "payment": payment.pk, "applicant_code": "120540000011", "amount": "9000.00",
        "reason": "Paid for the wrong person", "submitted_on": "2026-03-01"})
    assert response.status_code == 302
    application = RefundApplication.objects.get()
    base = f"/admin/payers/refundapplication/{application.pk}"
    client.post(f"{base}/consent/", {"consent_on": "2026-03-02", "consent_document": "№ 5"})
    client.post(f"{base}/decide/", {"approve": "yes"})
    client.post(f"{base}/execute/", {"paid_on": "2026-03-10"})
    application.refresh_from_db()
    assert application.status == "refunded"
    assert application.refund_entry.amount == Decimal("-9000.00")


@pytest.mark.parametrize("url", [
    "/admin/payers/referencevalue/", "/admin/payers/contributionrate/",
    "/admin/payers/knpcode/", "/admin/payers/penaltyrule/", "/admin/payers/arrear/",
    "/admin/payers/suspensepayment/", "/admin/payers/paymentreject/",
    "/admin/payers/importrun/", "/admin/payers/refundapplication/",
])
def test_lists_open_for_head_office(hq_operator, url):
    assert client_for(hq_operator).get(url).status_code == 200


def test_arrears_list_is_region_scoped(almaty_operator):
    from payers.arrears import arrears_recompute
    from tests.factories import ActivityFactory

    ActivityFactory(started_on=datetime.date(2025, 1, 1))
    ActivityFactory(started_on=datetime.date(2025, 1, 1),
                    person=PersonFactory(region=region("710000000")))
    arrears_recompute(as_of=datetime.date(2025, 3, 1))
    response = client_for(almaty_operator).get("/admin/payers/arrear/")
    assert response.status_code == 200
    rows = response.context["cl"].result_list
    assert {a.person.region.kato for a in rows} == {"750000000"}


def test_history_pages_of_ledger_models_open(hq_operator):
    payment = PaymentFactory()
    client = client_for(hq_operator)
    assert client.get(f"/admin/payers/payment/{payment.pk}/history/").status_code == 200


def test_person_page_shows_payments_and_debt(hq_operator):
    payment = PaymentFactory(amount=Decimal("4250.00"))
    page = client_for(hq_operator).get(f"/admin/payers/person/{payment.person.pk}/change/")
    assert page.status_code == 200
    assert "4250" in page.content.decode().replace("\xa0", "").replace(",", ".")
