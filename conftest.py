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


# Tests of 15 s or more (subprocess workers, kills, browsers, whole-registry sweeps), started
# first: run last, one of them kept a worker busy for minutes after the other had finished.
SLOW_FIRST = (
    "tests/security/test_schemathesis.py", "tests/purchasing/test_bad_input.py",
    "tests/reconciliation/test_bad_input.py", "tests/ops/", "tests/kill/",
    "tests/scale/test_fanout_kill.py", "tests/scale/test_reconcile_fanout_kill.py",
    "tests/scale/test_replica.py", "tests/coverage/test_agreement.py",
    "tests/test_quickstart.py", "tests/test_samples.py", "tests/exports/test_browser_export.py",
    "tests/ux/test_screenshots.py", "tests/purchasing/test_browser_review.py",
    "tests/monitoring/test_agreement.py",
)


def _django_group(item):
    """pytest-django's order: database tests, then transactional ones (each ends with the
    database flushed, so none may run before a database test), then the rest."""
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    if (marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"))
            or "transactional_db" in fixtures or "live_server" in fixtures):
        return 1
    return 0 if marker or "db" in fixtures else 2


def pytest_collection_modifyitems(config, items):
    """The slow tests first within pytest-django's groups (stable order otherwise);
    PostgreSQL-only tests are deselected (not skipped) on the SQLite fallback."""
    from django.db import connection

    items.sort(key=lambda item: (_django_group(item), not item.nodeid.startswith(SLOW_FIRST)))
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


def _flush_filled_tables_only(sql_flush):
    """A transactional test's flush (and ``serialized_rollback``'s reload) truncates every
    table: about 180 tables with their indexes and the ledger's partitions, 1.5–5 s each
    time, twice per transactional test. Only tables that hold a row need it: one query
    finds them (``EXISTS`` on each), and an empty table is left alone, except that CASCADE
    empties the tables referencing a filled one (PostgreSQL truncates a referenced table
    only together with them; they were in the list anyway)."""

    def flush_filled(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if self.connection.vendor == "postgresql" and tables and not reset_sequences:
            quote = self.quote_name
            probe = " UNION ALL ".join(
                f"SELECT %s WHERE EXISTS (SELECT 1 FROM {quote(table)})" for table in tables)
            with self.connection.cursor() as cursor:
                cursor.execute(probe, list(tables))
                tables = [row[0] for row in cursor.fetchall()]
            allow_cascade = True
        return sql_flush(self, style, tables, reset_sequences=reset_sequences,
                         allow_cascade=allow_cascade)

    return flush_filled


def pytest_configure(config):
    from django.db.backends.base.creation import BaseDatabaseCreation
    from django.db.backends.postgresql.operations import DatabaseOperations

    BaseDatabaseCreation.deserialize_db_from_string = _deserialize_in_bulk
    DatabaseOperations.sql_flush = _flush_filled_tables_only(DatabaseOperations.sql_flush)
