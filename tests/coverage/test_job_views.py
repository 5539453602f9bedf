"""Starting a recomputation from the admin: GET only asks, read-only roles get 403, a
head-office operator's confirmed, CSRF-checked POST queues it (issue 17.2)."""

import pytest
from django.test import Client

from coverage import tasks

pytestmark = pytest.mark.django_db

URLS = ["/admin/coverage/recomputerun/start/", "/admin/coverage/recomputerun/start-full/"]


def client_for(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


@pytest.fixture
def queued(monkeypatch):
    calls = []
    monkeypatch.setattr(tasks.recompute_statuses_task, "delay",
                        lambda *args, **kwargs: calls.append(kwargs))
    return calls


@pytest.mark.parametrize("url", URLS)
def test_get_only_asks(url, hq_operator, queued):
    page = client_for(hq_operator).get(url)
    assert page.status_code == 200 and 'name="confirmed"' in page.content.decode()
    assert queued == []


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("role", ["auditor", "analyst", "almaty_operator"])
def test_other_roles_get_403(url, role, request, queued):
    client = client_for(request.getfixturevalue(role))
    assert client.get(url).status_code == 403
    assert client.post(url, {"confirmed": "yes"}).status_code == 403
    assert queued == []


@pytest.mark.parametrize("url, full", list(zip(URLS, [False, True], strict=True)))
def test_confirmed_post_queues_the_run(url, full, hq_operator, queued):
    client = client_for(hq_operator)
    token = client.get(url).context["csrf_token"]
    assert client.post(url, {"confirmed": "yes"}).status_code == 403  # no CSRF token
    assert queued == []
    assert client.post(url, {"confirmed": "yes", "csrfmiddlewaretoken": token}).status_code == 302
    assert queued == [{"full": full, "acting_user_id": hq_operator.pk}]
