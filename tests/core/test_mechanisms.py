"""The shared mechanisms of ``osms.core``: dated lookup, error translation, locks, tasks."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework.exceptions import PermissionDenied as DrfPermissionDenied
from rest_framework.exceptions import ValidationError as DrfValidationError

from osms.celery import BEAT_SCHEDULE, app
from osms.core import errors, locks
from osms.core.extensions import DASHBOARD_PANELS


def test_error_messages_name_the_field():
    exc = ValidationError({"iin": ["Check digit does not match."], "__all__": ["Whole row."]})
    assert errors.error_messages(exc) == ["iin: Check digit does not match.", "Whole row."]
    assert errors.error_messages(ValidationError("Plain.")) == ["Plain."]


def test_to_drf_keeps_fields_and_status():
    drf = errors.to_drf(ValidationError({"amount": ["Must be positive."]}))
    assert isinstance(drf, DrfValidationError)
    assert drf.detail["amount"][0] == "Must be positive."
    assert isinstance(errors.to_drf(PermissionDenied("Not yours.")), DrfPermissionDenied)


def test_every_lock_has_a_distinct_key():
    keys = [key for key, _doc in locks.LOCKS.values()]
    assert len(keys) == len(set(keys))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.postgresql
def test_try_lock_sees_a_lock_held_elsewhere():
    import psycopg
    from django.db import connection, transaction

    dsn = connection.get_connection_params()
    other = psycopg.connect(**{k: v for k, v in dsn.items() if k != "cursor_factory"})
    try:
        other.execute("SELECT pg_advisory_lock(%s, %s)", [locks.lock_key("reconcile_period")
                                                          & 0x7FFF_FFFF, 202601])
        with transaction.atomic():
            assert locks.try_xact_lock("reconcile_period", sub=202601) is False
            assert locks.try_xact_lock("reconcile_period", sub=202602) is True
    finally:
        other.close()


def test_task_names_follow_the_pattern():
    """``<app label>.<service>`` for a function ``<service>_task`` (osms/celery.py)."""
    app.loader.import_default_modules()
    ours = {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}
    assert ours
    for name, task in ours.items():
        function = task.run.__name__
        assert function.endswith("_task"), name
        assert name.split(".", 1)[1] == function.removesuffix("_task"), name
        assert name.split(".")[0] == task.run.__module__.split(".")[-2], name


def test_beat_schedule_names_real_tasks():
    app.loader.import_default_modules()
    for entry in BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks


def test_dashboard_panels_are_found_by_module():
    labels = [label for label, _provider in DASHBOARD_PANELS.contributors()]
    assert {"payers", "coverage", "reconciliation"} <= set(labels)


@pytest.mark.django_db
def test_valid_on_schedule_and_interval():
    """A schedule row applies until the next row of its key; an interval row to its end."""
    from packages.models import PackageVersion
    from payers.models import ReferenceValue

    mzp = ReferenceValue.objects.filter(kind="mzp", region__isnull=True)
    assert [r.value for r in mzp.valid_on(datetime.date(2026, 3, 1))] == [85000]
    assert [r.value for r in mzp.valid_on(datetime.date(2023, 3, 1))] == [70000]
    from osms.core.dated import EffectiveDatedQuerySet

    day = datetime.date(2026, 3, 1)
    in_force = EffectiveDatedQuerySet(model=PackageVersion).valid_on(day)
    assert in_force.exists()
    for version in PackageVersion.objects.all():
        assert (version in in_force) == version.valid_on(day)


def test_bounds_name_the_reason():
    from osms.core import bounds

    assert "before 01.01.1900" in bounds.date_problem(datetime.date(0o1, 1, 1), label="Paid on")
    assert "in the future" in bounds.date_problem(
        bounds.today() + datetime.timedelta(days=1), label="Death date", not_future=True)
    assert "years ahead" in bounds.date_problem(datetime.date(9999, 12, 31), label="To")
    assert bounds.date_problem(datetime.date(2026, 1, 1), label="From") is None
    assert "5000 characters" in bounds.text_problem("x" * 5000, label="Document")
