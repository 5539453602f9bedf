"""Purchasing answers bad input with 4xx or a message, never a server error (17.8).

Every purchasing list with bad filters, every object page with bad ids, the review page's
forms, the monitoring page's year, and every API list and write action with bad values.
"""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from osms.core.models import User
from purchasing import services
from tests.bad_input import BAD_JSON, BAD_VALUES, Prober, probe_admin_lists_and_objects
from tests.purchasing.scenario import vote_all

pytestmark = pytest.mark.django_db

API = ("providers", "campaigns", "applications", "allocations", "allocation-lines",
       "protocols", "contracts", "execution-acts")
API_FILTERS = ("year", "status", "campaign", "period", "item", "provider", "inclusion",
               "page", "page_size", "ordering")


@pytest.fixture
def contracted(almaty_scenario):
    s = almaty_scenario
    vote_all(s)
    services.protocol_approve(protocol=s.protocol, acting_user=s.chair)
    return s, services.contracts_from_protocol(protocol=s.protocol)


@pytest.fixture
def root(db):
    return User.objects.create_superuser("root", "root@example.kz", "pass-Word-123")


def test_admin_pages_answer_bad_input_without_a_server_error(client, contracted, root):
    s, _items = contracted
    client.force_login(root)
    probe = Prober(client)
    probe_admin_lists_and_objects(probe, "purchasing")
    assert probe("get", reverse("admin:purchasing_campaign_history", args=["abc"])
                 ).status_code == 404
    # A NUL byte anywhere in a request is refused before any view (osms.core.security).
    assert probe("get", reverse("admin:purchasing_campaign_changelist"),
                 {"status": "\x00"}).status_code == 400
    monitoring = reverse("admin:purchasing_contract_monitoring")
    for value in BAD_VALUES:
        response = probe("get", monitoring, {"year": value})
        if "\x00" in value:  # refused before any view (osms.core.security)
            assert response.status_code == 400
            continue
        assert response.status_code == 200 and list(response.context["messages"]), value
    review = reverse("admin:purchasing_allocation_review", args=[s.allocation.pk])
    line = s.allocation.lines.first()
    for value in BAD_VALUES:
        probe("post", review, {"action": "adjust", "line": value})
        probe("post", review, {"action": "adjust", "line": line.pk,
                               f"line{line.pk}-volume": value,
                               f"line{line.pk}-reason": "достаточно длинная причина"})
        probe("post", review, {"action": "adjust", "line": line.pk,
                               f"line{line.pk}-volume": 1, f"line{line.pk}-reason": value})
        probe("post", review, {"action": "vote", "choice": value})
        probe("post", review, {"action": value})
    assert probe.failures == []


def test_api_answers_bad_input_without_a_server_error(contracted, root):
    s, items = contracted
    api = APIClient()
    api.force_authenticate(root)
    probe = Prober(api)
    for prefix in API:
        for name in API_FILTERS:
            for value in BAD_VALUES[:4] + ["1e400"]:
                probe("get", f"/api/v1/purchasing/{prefix}/", {name: value})
        probe("get", f"/api/v1/purchasing/{prefix}/abc/")
        probe("get", f"/api/v1/purchasing/{prefix}/99999999999999999999/")
    line = s.allocation.lines.first()
    for value in BAD_JSON:
        for url, body in (
            (f"/api/v1/purchasing/allocation-lines/{line.pk}/adjust/",
             {"volume": value, "reason": "достаточно длинная причина"}),
            (f"/api/v1/purchasing/allocation-lines/{line.pk}/adjust/",
             {"volume": 1, "reason": value}),
            (f"/api/v1/purchasing/protocols/{s.protocol.pk}/vote/",
             {"choice": value, "comment": value}),
            ("/api/v1/purchasing/execution-acts/",
             {"item": items[0].pk, "period": value, "volume_delivered": value}),
            ("/api/v1/purchasing/applications/",
             {"campaign": s.campaign.pk, "provider": s.providers[0].pk,
              "requested_volume": value, "coexecutors": value}),
        ):
            response = probe("post", url, body, format="json")
            assert response.status_code in (400, 403, 404, 409), (url, body, response.status_code)
    assert probe.failures == []
