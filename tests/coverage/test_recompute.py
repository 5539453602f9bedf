"""The nightly job: crash recovery, incremental picks, history rows, the command."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from coverage import recompute, services
from coverage.models import (
    CoverageHistory,
    CoverageStatus,
    RecomputeChunk,
    RecomputeRun,
)
from tests.coverage.helpers import member, pay, pay_months
from tests.factories import PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgresql]  # the recomputation runs on PostgreSQL

D = datetime.date


def test_crash_mid_run_leaves_no_half_chunk_and_the_next_run_finishes(monkeypatch):
    persons = [PersonFactory() for _ in range(9)]
    for person in persons[::2]:
        pay_months(person, D(2026, 1, 1), D(2026, 10, 1))
    original = recompute.process_next_chunk
    calls = {"n": 0}

    def die(*args):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1/0")

    def crash_on_third_chunk(run):
        calls["n"] += 1
        if calls["n"] == 3:
            # dies after the chunk's statement wrote its history and status rows
            monkeypatch.setattr(recompute, "_close_chunk", die)
        return original(run)

    monkeypatch.setattr(recompute, "process_next_chunk", crash_on_third_chunk)
    with pytest.raises(Exception, match="division by zero"):
        services.status_recompute(on=D(2026, 11, 23), full=True, chunk_size=3)
    run = RecomputeRun.objects.get()
    assert run.status == RecomputeRun.Status.RUNNING
    assert run.chunks_done == 2
    # the crashed chunk wrote neither history nor status rows
    crashed = RecomputeChunk.objects.get(run=run, done_at__isnull=True)
    assert not CoverageHistory.objects.filter(person_id__gte=crashed.lo,
                                              person_id__lt=crashed.hi).exists()
    assert CoverageStatus.objects.count() == 6
    monkeypatch.undo()
    finished = services.status_recompute(on=D(2026, 11, 23), chunk_size=3)
    assert finished.pk == run.pk and finished.status == RecomputeRun.Status.DONE
    assert CoverageStatus.objects.count() == 9
    assert CoverageHistory.objects.count() == 9
    assert CoverageStatus.objects.filter(insured=True, basis="payments").count() == 5


def test_incremental_run_picks_new_payments_memberships_and_due_rechecks():
    payer, idle, pensioner = (PersonFactory() for _ in range(3))
    child = PersonFactory(born=D(2008, 11, 30))
    pay_months(payer, D(2026, 1, 1), D(2026, 10, 1))
    full = services.status_recompute(on=D(2026, 11, 23), full=True)
    assert full.mode == RecomputeRun.Mode.FULL and full.persons == 4
    # nothing new on the same day: nobody is looked at
    same = services.status_recompute(on=D(2026, 11, 23))
    assert same.mode == RecomputeRun.Mode.INCREMENTAL and same.persons == 0
    pay(idle, D(2026, 11, 1), paid_on=D(2026, 11, 24))
    member(pensioner, "pensioners", D(2026, 11, 20))
    # 30 November: the child turns 18 (recheck due), new payment and membership
    run = services.status_recompute(on=D(2026, 11, 30))
    assert run.mode == RecomputeRun.Mode.INCREMENTAL
    assert run.persons == 3
    assert run.transitions == {"benefit_category→uninsured": 1, "uninsured→benefit_category": 1,
                               "uninsured→payments": 1}
    statuses = {s.person_id: s for s in CoverageStatus.objects.all()}
    assert statuses[child.id].insured is False
    assert statuses[pensioner.id].basis == "benefit_category"
    assert statuses[idle.id].basis == "payments"
    assert CoverageStatus.objects.get(person=idle).months() == [D(2026, 11, 1)]
    # the month turns: payer's basis moves from payments to grace
    december = services.status_recompute(on=D(2026, 12, 1))
    assert statuses[payer.id].basis == "payments"
    assert CoverageStatus.objects.get(person=payer).basis == "grace"
    assert december.transitions["payments→grace"] >= 1
    history = CoverageHistory.objects.filter(person=payer).order_by("changed_on")
    assert [h.reason for h in history] == ["new→payments", "payments→grace"]
    assert history.last().old_valid_until == history.last().valid_until == D(2027, 1, 31)


def test_reversal_cancels_a_paid_month():
    person = PersonFactory()
    payments = pay_months(person, D(2026, 8, 1), D(2026, 10, 1))
    services.status_recompute(on=D(2026, 11, 23), full=True)
    assert CoverageStatus.objects.get(person=person).valid_until == D(2027, 1, 31)
    last = payments[-1]
    from payers.models import Payment

    Payment.objects.create(person=person, iin=person.iin, payer_code=person.iin,
                           period=last.period, kind=last.kind, knp=last.knp, amount=-last.amount,
                           paid_on=D(2026, 11, 24), document_no="REV1", reverses=last)
    services.status_recompute(on=D(2026, 11, 25))
    assert CoverageStatus.objects.get(person=person).valid_until == D(2026, 12, 31)


def test_incremental_chunks_hold_only_the_touched_persons():
    persons = [PersonFactory() for _ in range(20)]
    for person in persons:
        pay_months(person, D(2026, 6, 1), D(2026, 10, 1))
    full = services.status_recompute(on=D(2026, 11, 23), full=True, chunk_size=2)
    assert full.chunks_total == 10
    for person in persons[1:4]:
        pay(person, D(2026, 11, 1), paid_on=D(2026, 11, 24))
    run = services.status_recompute(on=D(2026, 11, 25), chunk_size=2)
    chunks = [(c.lo, c.hi, c.persons, c.person_ids) for c in run.chunks.order_by("lo")]
    assert chunks == [(persons[1].id, persons[2].id + 1, 2, None),
                      (persons[3].id, persons[3].id + 1, 1, None)]  # the lists are cleared
    assert run.persons == 3 and run.chunks_done == 2


def test_a_few_thousand_touched_persons_are_shared_out_in_a_chunk_per_core(monkeypatch):
    persons = [PersonFactory() for _ in range(60)]  # 9 touched: not most of them
    services.status_recompute(on=D(2026, 11, 23), full=True)
    monkeypatch.setattr(recompute, "TOUCHED_MIN", 2)
    for person in persons[:9]:
        pay(person, D(2026, 11, 1), paid_on=D(2026, 11, 24))
    run = services.status_recompute(on=D(2026, 11, 25))
    assert [len(c.person_ids or []) for c in run.chunks.all()] == [0, 0]  # cleared
    assert [c.persons for c in run.chunks.order_by("lo")] == [5, 4]  # 9 / 2 → 5 and 4


def test_when_most_persons_are_due_the_incremental_run_scans_id_ranges(monkeypatch):
    persons = [PersonFactory() for _ in range(10)]
    for person in persons[:8]:
        pay_months(person, D(2026, 6, 1), D(2026, 10, 1))
    services.status_recompute(on=D(2026, 11, 23), full=True)
    monkeypatch.setattr(recompute, "TOUCHED_CHUNK", 3)
    run = services.status_recompute(on=D(2026, 12, 1), chunk_size=4)  # 8 rechecks due
    assert run.mode == RecomputeRun.Mode.INCREMENTAL
    assert [c.person_ids for c in run.chunks.all()] == [None, None, None]  # 10 ids by 4
    assert run.persons == 10 and run.transitions == {"payments→grace": 8}
    pay(persons[0], D(2026, 11, 1), paid_on=D(2026, 12, 2))
    run = services.status_recompute(on=D(2026, 12, 2), chunk_size=4)
    assert [c.person_ids for c in run.chunks.all()] == [None] and run.persons == 1


def test_a_person_changed_in_the_registry_is_recomputed():
    person = PersonFactory()
    pay_months(person, D(2026, 6, 1), D(2026, 10, 1))
    services.status_recompute(on=D(2026, 11, 23), full=True)
    person.death_date = D(2026, 11, 20)
    person.save()
    run = services.status_recompute(on=D(2026, 11, 24))
    assert run.persons == 1 and run.transitions == {"payments→uninsured": 1}


def test_a_deleted_membership_is_recomputed_by_the_next_incremental_run():
    person = PersonFactory()
    membership = member(person, "pensioners", D(2020, 1, 1))
    services.status_recompute(on=D(2026, 11, 23), full=True)
    assert CoverageStatus.objects.get(person=person).recheck_on is None  # open-ended
    membership.delete()
    run = services.status_recompute(on=D(2026, 11, 24))
    assert run.transitions == {"benefit_category→uninsured": 1}


def test_policy_change_between_runs_forces_a_full_run():
    PersonFactory()
    services.status_recompute(on=D(2025, 12, 30), full=True)
    run = services.status_recompute(on=D(2026, 1, 2))
    assert run.mode == RecomputeRun.Mode.FULL


def test_command_reports_counts_and_rejects_bad_date(capsys):
    person = PersonFactory()
    pay_months(person, D(2026, 6, 1), D(2026, 10, 1))
    call_command("recompute_statuses", "--on", "2026-11-23", "--full")
    out = capsys.readouterr().out
    assert "1 persons, 1 changed" in out and "new→payments: 1" in out
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("recompute_statuses", "--on", "23.11.2026")
    call_command("recompute_statuses", "--on", "2026-11-23", "--rebuild")
    assert CoverageStatus.objects.get(person=person).months() == [D(2026, m, 1) for m in range(6, 11)]


def test_nightly_task_with_helper_workers_finishes_the_run():
    from coverage.tasks import recompute_statuses_task

    for _ in range(5):
        pay_months(PersonFactory(), D(2026, 6, 1), D(2026, 10, 1))
    result = recompute_statuses_task.delay(on="2026-11-23", full=True, helpers=2).get()
    run = RecomputeRun.objects.get(pk=result["run"])
    assert run.status == RecomputeRun.Status.DONE and result["persons"] == 5
    assert CoverageStatus.objects.filter(basis="payments").count() == 5


def test_a_chunk_commits_without_waiting_for_the_disk_and_compresses_its_page_images():
    with connection.cursor() as cursor:
        settings = recompute._chunk_settings(cursor)
        cursor.execute("SELECT has_parameter_privilege('wal_compression', 'SET')")
        may_compress = cursor.fetchone()[0]
    assert "SET LOCAL synchronous_commit = off" in settings
    compression = [s for s in settings if "wal_compression" in s]
    assert compression == (["SET LOCAL wal_compression = lz4"] if may_compress else []) or \
        compression == ["SET LOCAL wal_compression = pglz"]


@pytest.mark.parametrize(("touched", "chunk_size", "sizes"), [
    (10_050, 100_000, [3_350, 3_350, 3_350]),  # not 5 000, 5 000 and 50
    (50_000, 100_000, [5_000] * 10),
    (1_000, 100_000, [500, 500]),               # a chunk per core
    (999, 100_000, [999]),                      # not when that leaves fewer than 500 each
    (9, 4, [3, 3, 3]),
    (1, 100_000, [1]),
])
def test_touched_persons_are_cut_into_chunks_of_one_size(touched, chunk_size, sizes):
    size = recompute._touched_chunk_size(touched, chunk_size)
    cut = [min(size, touched - start) for start in range(0, touched, size)]
    assert cut == sizes
