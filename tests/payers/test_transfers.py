"""Person transfer requests (issue 18.3): «ИИН уже существует» names the person's region and
who to ask, a regional operator requests a transfer, head office approves or rejects it."""

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from payers import services
from payers.models import Person, PersonTransferRequest
from tests.factories import PersonFactory, PersonTransferRequestFactory, UserFactory
from tests.factories import region as region_of

pytestmark = pytest.mark.django_db
ALMATY, ASTANA, SHYMKENT = "750000000", "710000000", "790000000"
Status = PersonTransferRequest.Status


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


def person_form(iin, region):
    return {"iin": iin, "last_name": "Омаров", "first_name": "Арман", "middle_name": "",
            "citizenship": "citizen", "region": region.pk, "death_date": "",
            "activities-TOTAL_FORMS": "0", "activities-INITIAL_FORMS": "0",
            "employments-TOTAL_FORMS": "0", "employments-INITIAL_FORMS": "0"}


@pytest.fixture
def astana_person():
    return PersonFactory(region=region_of(ASTANA), last_name="Сапарова", first_name="Айгерим",
                         middle_name="Маратовна")


def test_duplicate_iin_on_the_admin_form_names_the_region_who_to_ask_and_the_request_link(
        almaty_operator, astana_person):
    client = client_of(almaty_operator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    response = client.post(reverse("admin:payers_person_add"),
                           person_form(astana_person.iin, region_of(ALMATY)))
    assert response.status_code == 200
    html = response.content.decode()
    errors = " ".join(response.context["adminform"].form.errors["iin"])
    assert "уже существует" in errors
    assert "«город Астана»" in errors  # the region's name in the page's language
    assert "центрального аппарата" in errors and "филиал" in errors
    link = reverse("admin:payers_persontransferrequest_add") + f"?iin={astana_person.iin}"
    assert link in html and "Запросить перевод" in html


def test_duplicate_iin_through_the_api_names_the_region(almaty_operator, astana_person):
    client = APIClient()
    client.force_authenticate(almaty_operator)
    with translation.override("ru"):
        response = client.post("/api/v1/persons/", {
            "iin": astana_person.iin, "last_name": "Омаров", "first_name": "Арман",
            "region": ALMATY}, format="json", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 400
    message = " ".join(response.json()["iin"])
    assert "уже существует" in message and "Астана" in message


def test_request_page_shows_only_the_minimum_of_the_other_regions_person(almaty_operator,
                                                                         astana_person):
    url = reverse("admin:payers_persontransferrequest_add") + f"?iin={astana_person.iin}"
    response = client_of(almaty_operator).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert astana_person.iin in html and "С. А. М." in html
    assert "Сапарова" not in html and "Айгерим" not in html
    # The person's own page stays closed to the requester.
    page = client_of(almaty_operator).get(
        reverse("admin:payers_person_change", args=[astana_person.pk]))
    assert page.status_code == 404


def test_request_flow_regional_asks_hq_approves_person_moves_with_history(
        almaty_operator, hq_operator, astana_person):
    add = reverse("admin:payers_persontransferrequest_add")
    response = client_of(almaty_operator).post(add, {
        "iin": astana_person.iin, "to_region": region_of(ALMATY).pk,
        "reason": "Переехала в Алматы"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    transfer = PersonTransferRequest.objects.get()
    assert (transfer.status, transfer.from_region.kato, transfer.to_region.kato,
            transfer.requested_by) == (Status.PENDING, ASTANA, ALMATY, almaty_operator)

    # The requester cannot approve.
    approve = reverse("admin:payers_persontransferrequest_approve", args=[transfer.pk])
    denied = client_of(almaty_operator).post(approve, {"confirmed": "yes", "note": ""})
    assert denied.status_code == 403
    assert client_of(hq_operator).post(approve, {"confirmed": "yes", "note": "Подтверждено"}
                                       ).status_code == 302
    transfer.refresh_from_db()
    astana_person.refresh_from_db()
    assert transfer.status == Status.APPROVED and transfer.decided_by == hq_operator
    assert transfer.decision_note == "Подтверждено"
    assert astana_person.region.kato == ALMATY
    history = astana_person.history.first()
    assert history.history_user == hq_operator
    assert f"№{transfer.pk}" in history.history_change_reason
    assert "Переехала в Алматы" in history.history_change_reason
    # The requester now sees the person.
    assert client_of(almaty_operator).get(
        reverse("admin:payers_person_change", args=[astana_person.pk])).status_code == 200


def test_reject_needs_a_note_and_leaves_the_person(hq_operator, almaty_operator):
    transfer = PersonTransferRequestFactory(requested_by=almaty_operator)
    reject = reverse("admin:payers_persontransferrequest_reject", args=[transfer.pk])
    client = client_of(hq_operator)
    assert client.post(reject, {"confirmed": "yes", "note": ""}).status_code == 200  # asked
    assert client.post(reject, {"confirmed": "yes", "note": "Нет документов"}
                       ).status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == Status.REJECTED and transfer.decision_note == "Нет документов"
    assert Person.objects.get(pk=transfer.person_id).region.kato == ASTANA


def test_requester_cancels_their_pending_request(almaty_operator):
    transfer = PersonTransferRequestFactory(requested_by=almaty_operator)
    services.transfer_request_cancel(transfer=transfer, acting_user=almaty_operator)
    transfer.refresh_from_db()
    assert transfer.status == Status.CANCELLED


def test_scope_requester_and_both_regions_see_it_a_third_region_does_not(
        almaty_operator, astana_operator, hq_operator):
    transfer = PersonTransferRequestFactory(requested_by=almaty_operator)
    shymkent_operator = UserFactory(username="shym_op", region=region_of(SHYMKENT),
                                    roles=["Regional operator"])
    url = reverse("admin:payers_persontransferrequest_change", args=[transfer.pk])
    for user in (almaty_operator, astana_operator, hq_operator):
        assert client_of(user).get(url).status_code == 200, user
    assert client_of(shymkent_operator).get(url).status_code == 404
    listing = client_of(shymkent_operator).get(
        reverse("admin:payers_persontransferrequest_changelist"))
    assert list(listing.context["cl"].result_list) == []
    hq_list = client_of(hq_operator).get(
        reverse("admin:payers_persontransferrequest_changelist"),
        {"status__exact": "pending", "q": transfer.person.iin})
    assert [r.pk for r in hq_list.context["cl"].result_list] == [transfer.pk]


def test_one_pending_request_per_person(almaty_operator):
    transfer = PersonTransferRequestFactory(requested_by=almaty_operator)
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonTransferRequest.objects.create(
            person=transfer.person, from_region=transfer.from_region,
            to_region=region_of(SHYMKENT), reason="x")
    # Through the service: a message, not a database error.
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.transfer_request_create(person=transfer.person, reason="ещё раз",
                                         acting_user=almaty_operator)
    # Once decided, a new request may be made.
    services.transfer_request_reject(transfer=transfer, note="нет", acting_user=None)
    again = services.transfer_request_create(person=transfer.person, reason="ещё раз",
                                             acting_user=almaty_operator)
    assert again.status == Status.PENDING


def test_dashboard_counts_pending_requests_for_head_office(hq_operator, almaty_operator):
    PersonTransferRequestFactory(requested_by=almaty_operator)
    response = client_of(hq_operator).get(reverse("admin:index"))
    html = response.content.decode()
    assert reverse("admin:payers_persontransferrequest_changelist") + \
        "?status__exact=pending" in html
    assert "Person transfer requests" in html
    regional = client_of(almaty_operator).get(reverse("admin:index")).content.decode()
    assert "?status__exact=pending" not in regional
