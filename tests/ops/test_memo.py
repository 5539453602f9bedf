"""The status API's memos drop what an edit changes; the fixed-window throttle counts."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from osms.core.memo import ProcessMemo
from osms.core.throttles import _count
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(hq_operator):
    token = Token.objects.create(user=hq_operator)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client, token, hq_operator


def status(client, person):
    return client.get(f"/api/v1/coverage/{person.iin}/").status_code


def test_a_deleted_token_is_refused_at_once(partner):
    client, token, _user = partner
    person = PersonFactory()
    assert status(client, person) == 200
    token.delete()
    assert status(client, person) == 401


def test_a_deactivated_user_is_refused_at_once(partner):
    client, _token, user = partner
    person = PersonFactory()
    assert status(client, person) == 200
    user.is_active = False
    user.save()
    assert status(client, person) == 401


def test_a_permission_taken_from_the_role_is_refused_at_once(partner):
    client, _token, user = partner
    person = PersonFactory()
    assert status(client, person) == 200
    group = user.groups.get()
    group.permissions.remove(Permission.objects.get(codename="view_coveragestatus"))
    assert status(client, person) == 403
    user.groups.set([Group.objects.create(name="nothing")])
    assert status(client, person) == 403


def test_another_workers_edit_is_seen_through_the_shared_generation():
    memo = ProcessMemo("test-shared", check_every=0)
    reads = []
    assert memo.get("k", lambda: reads.append(1) or "first") == "first"
    assert memo.get("k", lambda: reads.append(1) or "second") == "first"
    cache.set(memo.key, 41)  # another process bumped the generation
    assert memo.get("k", lambda: reads.append(1) or "third") == "third"
    assert len(reads) == 2


def test_the_fixed_window_counts_one_per_request():
    cache.clear()
    assert [_count(cache, "throttle_test:1", 60) for _ in range(3)] == [1, 2, 3]


def test_the_fixed_window_on_redis_is_one_counter_with_an_expiry():
    redis = pytest.importorskip("redis")
    from django.core.cache.backends.redis import RedisCache

    backend = RedisCache("redis://127.0.0.1:6379/13", {})
    try:
        backend.delete("throttle_test:redis")
        assert [_count(backend, "throttle_test:redis", 60) for _ in range(3)] == [1, 2, 3]
        key = backend.make_and_validate_key("throttle_test:redis")
        assert 0 < backend._cache.get_client(key).ttl(key) <= 60
        backend.delete("throttle_test:redis")
    except redis.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
