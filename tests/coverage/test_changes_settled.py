"""A membership or person change committed late is never skipped by incremental runs.

Writers hold a shared advisory lock until they commit (``osms.core.changes``); a run
opens at a moment when none is in flight and records it; the next run looks at the
changes after that moment.
"""

import datetime

import psycopg
import pytest
from django.db import connection

from coverage import services
from coverage.models import CoverageStatus, RecomputeRun
from osms.core.changes import settled_moment
from osms.core.locks import lock_key
from tests.coverage.helpers import member
from tests.factories import PersonFactory

D = datetime.date


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_settled_moment_waits_for_a_membership_write_in_flight():
    params = connection.get_connection_params()
    with psycopg.connect(**params) as writer:
        writer.execute("SELECT pg_advisory_xact_lock_shared(%s)", [lock_key("memberships")])
        with psycopg.connect(**params, autocommit=True) as job:
            job.execute("SET lock_timeout = '200ms'")
            with pytest.raises(psycopg.errors.LockNotAvailable):
                job.execute("SELECT pg_advisory_xact_lock(%s)", [lock_key("memberships")])
        writer.rollback()
    assert settled_moment("memberships", "registry") is not None


@pytest.mark.postgresql
@pytest.mark.django_db
def test_a_change_stamped_before_the_run_but_seen_after_it_is_picked_up_next_time():
    person = PersonFactory()
    first = services.status_recompute(on=D(2026, 11, 23), full=True)
    assert first.changes_until is not None and first.changes_until <= first.started_at
    # A membership stamped between the moment the run settled and the moment it opened
    # (a feed that committed late) is after ``changes_until``: the next run sees it.
    membership = member(person, "pensioners", D(2026, 11, 1))
    type(membership).objects.filter(pk=membership.pk).update(
        changed_at=first.changes_until + datetime.timedelta(microseconds=1))
    second = services.status_recompute(on=D(2026, 11, 23))
    assert second.mode == RecomputeRun.Mode.INCREMENTAL
    assert second.since == first.changes_until
    assert CoverageStatus.objects.get(person=person).basis == "benefit_category"
