"""SIGKILL of the status recomputation mid-run; the next run ends exactly as an
uninterrupted one (statuses, paid months, history, run totals)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connections

from coverage import services
from coverage.models import RecomputeRun
from payers.models import Payment
from tests.coverage.helpers import member, pay_months
from tests.coverage.population import generate

from .helpers import (
    connect,
    database_name,
    finish,
    kill_and_reap,
    rows,
    sessions_waiting_on_a_lock,
    start,
    twin_database,
    wait_for,
)

pytestmark = [pytest.mark.postgresql,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]

BEFORE = datetime.date(2026, 9, 20)
ON = datetime.date(2026, 11, 23)
CHUNK = 100
STATUS = ("SELECT person_id, as_of, insured, basis, valid_until, category_code, "
          "last_paid_period, recheck_on, first_month, paid::text, prepaid::text, "
          "booked::text FROM coverage_coveragestatus")
HISTORY = ("SELECT person_id, changed_on, old_insured, old_basis, old_valid_until, insured, "
           "basis, valid_until, reason FROM coverage_coveragehistory h "
           "JOIN coverage_recomputerun r ON r.id = h.run_id WHERE r.on = %s")
RUN = ("SELECT on_date, mode, status, chunks_total, chunks_done, persons, changed, "
       "transitions::text FROM (SELECT \"on\" AS on_date, * FROM coverage_recomputerun) r "
       "WHERE on_date = %s")


def _new_data(persons):
    """A night's worth of changes after the first run: payments, a membership, a reversal."""
    for person in persons[::7]:
        pay_months(person, datetime.date(2026, 9, 1), datetime.date(2026, 11, 1),
                   paid_on=datetime.date(2026, 11, 10))
    member(persons[5], "pensioners", datetime.date(2026, 10, 1))
    first = Payment.objects.filter(person=persons[14]).order_by("id").first()
    if first is not None:
        Payment.objects.create(
            person=first.person, iin=first.iin, payer_code=first.payer_code,
            period=first.period, kind=first.kind, knp=first.knp, amount=-first.amount,
            paid_on=ON, reverses=first, document_no=f"R-{first.document_no}")


def test_a_killed_recomputation_resumes_to_the_uninterrupted_result():
    persons = generate(seed=29, size=330, around=ON)
    services.status_recompute(on=BEFORE, full=True, chunk_size=CHUNK)
    _new_data(persons)
    victim = persons[250]  # in the third chunk of person ids
    pay_months(victim, datetime.date(2026, 10, 1), datetime.date(2026, 11, 1),
               amount=Decimal("5000.00"), paid_on=datetime.date(2026, 11, 12))
    args = ("recompute_statuses", "--on", ON.isoformat(), "--full", "--chunk-size", str(CHUNK))

    with twin_database() as twin:
        uninterrupted = start(twin, *args)  # the same night, uninterrupted, alongside
        name = database_name()
        with connect(name, autocommit=True) as observer, connect(name) as holder:
            # the job will need this row in its third chunk: it waits there
            holder.execute("SELECT 1 FROM coverage_coveragestatus WHERE person_id = %s "
                           "FOR UPDATE", [victim.pk])
            job = start(name, *args)
            try:
                def midway():
                    run = observer.execute(
                        "SELECT chunks_done, chunks_total FROM coverage_recomputerun "
                        "WHERE status = 'running' AND \"on\" = %s", [ON]).fetchone()
                    return run if run and run[0] >= 2 and sessions_waiting_on_a_lock(
                        observer, name) else None

                done, total = wait_for(midway, what="the run to be mid-way", process=job)
                assert 2 <= done < total
                kill_and_reap(job, observer, name, holder)
            finally:
                if job.poll() is None:
                    job.kill()
            interrupted = observer.execute(
                "SELECT status, chunks_done FROM coverage_recomputerun WHERE \"on\" = %s",
                [ON]).fetchone()
            assert interrupted == ("running", done)  # the killed chunk left nothing
        connections.close_all()

        resumed = services.status_recompute(on=ON, full=True, chunk_size=CHUNK)  # again
        finish(uninterrupted)
        assert resumed.status == RecomputeRun.Status.DONE
        assert RecomputeRun.objects.filter(on=ON).count() == 1  # resumed, not a second run
        connections.close_all()
        assert rows(name, STATUS) == rows(twin, STATUS)
        assert rows(name, HISTORY, [ON]) == rows(twin, HISTORY, [ON])
        assert rows(name, RUN, [ON]) == rows(twin, RUN, [ON])
        assert len(rows(name, STATUS)) == len(persons)
