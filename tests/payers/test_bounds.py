"""Absurd values are refused with the field and the reason, never stored nor cut (17.9)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from rest_framework.test import APIClient

from osms.core import bounds
from payers import ledger, services
from payers.models import Payment, Person
from payers.validators import make_iin
from tests.factories import PaymentFactory, PersonFactory, region

pytestmark = pytest.mark.django_db
D = datetime.date


def born_in_2030():
    return next(iin for serial in range(1, 100)
                if (iin := make_iin(D(2030, 5, 17), "M", serial)))


def api_for(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_an_iin_encoding_a_birth_in_the_future_is_refused_by_the_api(hq_operator):
    response = api_for(hq_operator).post("/api/v1/persons/", {
        "iin": born_in_2030(), "last_name": "Будущий", "first_name": "Арман",
        "region": "750000000"}, format="json")
    assert response.status_code == 400
    assert "17.05.2030" in response.json()["iin"][0] and "future" in response.json()["iin"][0]
    assert not Person.objects.exists()


def test_an_iin_encoding_a_birth_in_the_future_is_refused_in_the_admin(hq_operator):
    client = Client()
    client.force_login(hq_operator)
    response = client.post("/admin/payers/person/add/", {
        "iin": born_in_2030(), "last_name": "Будущий", "first_name": "Арман",
        "middle_name": "", "citizenship": "citizen", "region": region().pk, "death_date": "",
        "activities-TOTAL_FORMS": "0", "activities-INITIAL_FORMS": "0",
        "employments-TOTAL_FORMS": "0", "employments-INITIAL_FORMS": "0"})
    assert response.status_code == 200
    assert "future" in response.context["adminform"].form.errors["iin"][0]


@pytest.mark.parametrize("death_date, reason", [
    (bounds.today() + datetime.timedelta(days=1), "in the future"),
    (D(1980, 1, 1), "before the birth date"),
    (D(1, 1, 1), "before 01.01.1900"),
])
def test_implausible_death_dates_are_refused(hq_operator, death_date, reason):
    person = PersonFactory()
    with pytest.raises(ValidationError) as error:
        services.person_update(person=person, death_date=death_date, acting_user=hq_operator)
    assert reason in error.value.message_dict["death_date"][0]
    person.refresh_from_db()
    assert person.death_date is None


def test_api_names_the_death_date_in_the_future(hq_operator):
    person = PersonFactory()
    tomorrow = bounds.today() + datetime.timedelta(days=1)
    response = api_for(hq_operator).patch(f"/api/v1/persons/{person.iin}/",
                                          {"death_date": tomorrow.isoformat()}, format="json")
    assert response.status_code == 400
    assert "in the future" in response.json()["death_date"][0]


@pytest.mark.parametrize("field, value, reason", [
    ("paid_on", D(1, 1, 1), "before 01.01.2017"),
    ("paid_on", bounds.today() + datetime.timedelta(days=3), "in the future"),
    ("period", D(2099, 1, 1), "years ahead"),
])
def test_a_manual_payment_with_an_absurd_date_is_refused(hq_operator, field, value, reason):
    person = PersonFactory()
    values = {"period": D(2026, 1, 1), "paid_on": D(2026, 2, 10), field: value}
    with pytest.raises(ValidationError) as error:
        ledger.payment_post(person=person, payer_code=person.iin, knp="122",
                            amount=Decimal("4250"), document_no="P-1", acting_user=hq_operator,
                            **values)
    assert reason in error.value.message_dict[field][0]
    assert not Payment.objects.exists()


def post_payment(user, **overrides):
    person = PersonFactory()
    client = Client()
    client.force_login(user)
    data = {"person": person.pk, "payer_code": person.iin, "period": "2026-01-01", "knp": "122",
            "amount": "4250", "paid_on": "2026-02-10", "document_no": "P-1", "note": ""}
    return client.post("/admin/payers/payment/add/", {**data, **overrides})


def test_the_admin_shows_the_payment_date_error_on_the_form(hq_operator):
    response = post_payment(hq_operator, paid_on="0001-01-01")
    assert response.status_code == 200
    assert "before 01.01.2017" in response.context["adminform"].form.errors["paid_on"][0]
    assert not Payment.objects.exists()


def test_a_service_error_is_shown_on_the_admin_form_not_as_403(hq_operator):
    """``payment_post`` refuses an unknown KNP: the form comes back with the reason."""
    response = post_payment(hq_operator, knp="999")
    assert response.status_code == 200
    assert "Unknown KNP 999." in response.content.decode()
    assert not Payment.objects.exists()


def test_a_long_reversal_reason_is_refused_not_cut(hq_operator):
    payment = PaymentFactory()
    with pytest.raises(ValidationError) as error:
        ledger.payment_reverse(payment=payment, reason="x" * 5000, acting_user=hq_operator)
    assert "5000 characters" in error.value.message_dict["reason"][0]
    assert not Payment.objects.filter(reverses=payment).exists()
