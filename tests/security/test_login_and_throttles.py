"""Issue 17.6: login lockout on the admin and the token endpoint; throttles that a client
cannot reset by rotating X-Forwarded-For; every endpoint throttled."""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import override_settings
from rest_framework.test import APIClient

from osms.core.clientip import client_ip
from tests.factories import UserFactory

TOKEN = "/api/v1/auth/token/"
LOGIN = "/admin/login/"
PASSWORD = "pass-Word-123"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def operator(db):
    return UserFactory(username="locked_op")


def _token(api, password, **headers):
    return api.post(TOKEN, {"username": "locked_op", "password": password}, format="json",
                    **headers)


@override_settings(AXES_FAILURE_LIMIT=3)
def test_token_endpoint_locks_the_username_after_three_failures(operator):
    api = APIClient()
    assert _token(api, PASSWORD).status_code == 200
    assert [_token(api, "wrong").status_code for _ in range(3)] == [400, 400, 429]
    locked = _token(api, PASSWORD)
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.json()["detail"]
    assert "token" not in locked.json()
    # Rotating X-Forwarded-For does not help: the header is not believed without a proxy.
    assert _token(api, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 429
    # The documented unlock command frees the username.
    call_command("axes_reset_username", "locked_op")
    assert _token(api, PASSWORD).status_code == 200


@override_settings(AXES_FAILURE_LIMIT=3)
def test_admin_login_locks_with_a_clear_message(client, operator):
    for _ in range(3):
        response = client.post(LOGIN, {"username": "locked_op", "password": "wrong"})
    assert response.status_code == 429
    response = client.post(LOGIN, {"username": "locked_op", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another username from the same address is not locked (username + address).
    other = UserFactory(username="other_op")
    response = client.post(LOGIN, {"username": other.username, "password": PASSWORD})
    assert response.status_code == 302


def test_public_calculator_throttle_ignores_rotated_forwarded_for(db, monkeypatch):
    from osms.core.drf import ScopedRateThrottle

    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES",
                        {**ScopedRateThrottle.THROTTLE_RATES, "public": "3/min"})
    api = APIClient()
    query = {"payer_type": "self_employed", "period": "2026-01"}
    codes = [api.get("/api/v1/contributions/calculate/", query,
                     HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code for n in range(5)]
    assert 429 not in codes[:3] and codes[3:] == [429, 429]


def test_token_endpoint_is_throttled_per_address(db, monkeypatch):
    from osms.core.drf import TokenRateThrottle

    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES",
                        {**TokenRateThrottle.THROTTLE_RATES, "token": "2/min"})
    api = APIClient()
    codes = [api.post(TOKEN, {"username": f"guess{n}", "password": "x"}, format="json",
                      HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code for n in range(3)]
    assert codes == [400, 400, 429]


def test_forwarded_for_is_believed_only_from_a_trusted_proxy(rf, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    direct = rf.get("/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(direct) == "198.51.100.7"
    proxied = rf.get("/", REMOTE_ADDR="10.0.0.2",
                     HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7, 10.0.0.3")
    # The left part is whatever the client wrote; the right-most untrusted hop is the client.
    assert client_ip(proxied) == "198.51.100.7"
    garbage = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="not-an-address")
    assert client_ip(garbage) == "10.0.0.2"


def test_every_api_view_is_throttled():
    """A view that sets throttle_classes = [] (or DRF's token view's ()) is caught here."""
    from django.urls import get_resolver

    def views(patterns):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                yield from views(pattern.url_patterns)
            else:
                yield str(pattern.pattern), pattern.callback

    unthrottled = []
    for route, callback in views(get_resolver("osms.urls").url_patterns):
        cls = getattr(callback, "cls", None)
        if cls is None or not hasattr(cls, "throttle_classes"):
            continue
        if not cls.throttle_classes:
            unthrottled.append(route)
    assert unthrottled == []
