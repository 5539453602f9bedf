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


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """MD5 instead of PBKDF2 for the tests' users: PBKDF2's 1 000 000 iterations cost 0.4 s per
    password here, and fixtures make thousands of users (Django's testing docs advise the
    same). Subprocesses (workers, commands) keep the real hashers."""
    from django.test.utils import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Connections of other threads (the live server's) close after each request instead of
    idling for ``CONN_MAX_AGE``: a kill test copies its database as a template, which
    PostgreSQL refuses while another session is connected (tests/kill)."""
    from django.conf import settings

    for database in settings.DATABASES.values():
        database["CONN_MAX_AGE"] = 0


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


def _deserialize_in_bulk(self, data):
    """``serialized_rollback``'s reload, one INSERT per 2 000 rows instead of two queries per
    row: the migrations' reference data (regions, rates, policy, the 12 000+ ICD-10 codes)
    come back in about a second, not forty (Django's own loop saves row by row).

    The tables are emptied first, so the reload gives the migrated state whatever ran
    before: a transactional test without ``serialized_rollback`` ends with a flush whose
    post-migrate signals re-create groups and permissions under new ids, on which Django's
    update-or-insert reload fails (``auth_group_name_key``)."""
    from io import StringIO

    from django.core import serializers
    from django.core.management.color import no_style
    from django.db import transaction

    alias = self.connection.alias
    tables, batch, current = set(), [], [None]

    def flush():
        if batch:
            current[0]._base_manager.using(alias).bulk_create(batch, batch_size=2000)
            batch.clear()

    existing = self.connection.introspection.django_table_names(only_existing=True,
                                                                include_views=False)
    with transaction.atomic(using=alias), self.connection.constraint_checks_disabled():
        with self.connection.cursor() as cursor:
            for statement in self.connection.ops.sql_flush(no_style(), existing,
                                                           allow_cascade=True):
                cursor.execute(statement)
        for item in serializers.deserialize("json", StringIO(data), using=alias):
            model = type(item.object)
            tables.add(model._meta.db_table)
            if item.m2m_data or model._meta.parents:
                flush()
                item.save()
                continue
            if model is not current[0]:
                flush()
                current[0] = model
            batch.append(item.object)
        flush()
        self.connection.check_constraints(table_names=tables)


def pytest_configure(config):
    from django.db.backends.base.creation import BaseDatabaseCreation

    BaseDatabaseCreation.deserialize_db_from_string = _deserialize_in_bulk
