"""Shared fixtures: users of each role, bound to a region or to head office."""

import pytest
from django.utils import translation

from osms.core.roles import ANALYST, AUDITOR, COMMISSION_MEMBER, HQ_OPERATOR, REGIONAL_OPERATOR
from tests.factories import UserFactory, region

ALMATY = "750000000"
ASTANA = "710000000"


@pytest.fixture
def almaty(db):
    return region(ALMATY)


@pytest.fixture
def astana(db):
    return region(ASTANA)


@pytest.fixture
def hq_operator(db):
    return UserFactory(username="hq", roles=[HQ_OPERATOR])


@pytest.fixture
def almaty_operator(almaty):
    return UserFactory(username="almaty_op", region=almaty, roles=[REGIONAL_OPERATOR])


@pytest.fixture
def astana_operator(astana):
    return UserFactory(username="astana_op", region=astana, roles=[REGIONAL_OPERATOR])


@pytest.fixture
def almaty_commission_member(almaty):
    return UserFactory(username="almaty_cm", region=almaty, roles=[COMMISSION_MEMBER])


@pytest.fixture
def analyst(db):
    return UserFactory(username="analyst", roles=[ANALYST])


@pytest.fixture
def almaty_analyst(almaty):
    return UserFactory(username="almaty_analyst", region=almaty, roles=[ANALYST])


@pytest.fixture
def auditor(db):
    return UserFactory(username="auditor", roles=[AUDITOR])


@pytest.fixture(autouse=True)
def english_messages(settings):
    """Tests read messages in English; tests of the Russian/Kazakh UI switch explicitly."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests are deselected (not skipped) on the SQLite fallback."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    kept = [item for item in items if item.get_closest_marker("postgresql") is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept


@pytest.fixture(autouse=True)
def fresh_memos():
    """Process memos (``osms.core.memo``) forget what a rolled-back test wrote."""
    from osms.core.memo import clear_all

    clear_all()
    yield
    clear_all()
