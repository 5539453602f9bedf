"""The ledger folded into paid-month bits: exactly the months ``facts.person_facts`` finds paid."""

import datetime
import random
from decimal import Decimal

import pytest
from django.db import connection

from coverage import recompute, services
from coverage.facts import person_facts
from coverage.models import CoverageStatus, PaidMonths, RecomputeChunk, RecomputeRun
from payers.models import Payment
from tests.coverage.helpers import pay, pay_months
from tests.coverage.population import generate
from tests.factories import PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgresql]  # the recomputation runs on PostgreSQL

D = datetime.date
ON = D(2026, 11, 23)


def bits(person):
    row = CoverageStatus.objects.filter(person=person).first()
    return (row.months(), row.prepaid_months()) if row else ([], [])


def ledger(person):
    """The paid and prepaid months as the rules module reads them from the ledger."""
    months = person_facts(person).paid_months
    return ([m.period for m in months],
            [m.period for m in months if m.first_paid_on < m.period])


def reverse(payment, amount=None):
    return Payment.objects.create(
        person_id=payment.person_id, iin=payment.iin, payer_code=payment.payer_code,
        period=payment.period, kind=payment.kind, knp=payment.knp,
        amount=-(amount or payment.amount), paid_on=ON, reverses=payment,
        document_no=f"REV-{payment.pk}-{Payment.objects.filter(reverses=payment).count() + 1}")


def test_a_reversal_clears_the_month_and_a_new_payment_sets_it_again():
    person = PersonFactory()
    payments = pay_months(person, D(2026, 8, 1), D(2026, 10, 1))
    services.status_recompute(on=ON, full=True)
    reverse(payments[1], amount=Decimal("1000.00"))  # partial: still paid
    services.status_recompute(on=ON)
    assert bits(person)[0] == [D(2026, 8, 1), D(2026, 9, 1), D(2026, 10, 1)]
    reverse(payments[1], amount=Decimal("3250.00"))  # the rest: September is unpaid
    run = services.status_recompute(on=ON)
    assert bits(person)[0] == [D(2026, 8, 1), D(2026, 10, 1)]
    assert run.transitions == {"payments→grace": 1}  # paid through August only
    pay(person, D(2026, 9, 1), paid_on=ON)
    services.status_recompute(on=ON)
    assert bits(person) == ledger(person)
    assert bits(person)[0] == [D(2026, 8, 1), D(2026, 9, 1), D(2026, 10, 1)]


def test_late_payment_for_a_month_before_the_first_bit_and_far_ahead():
    person = PersonFactory()
    pay_months(person, D(2026, 6, 1), D(2026, 10, 1))
    services.status_recompute(on=ON, full=True)
    first = CoverageStatus.objects.get(person=person).first_month
    pay(person, D(2012, 3, 1), paid_on=ON)  # years before the first bit
    pay(person, D(2031, 1, 1), paid_on=ON)  # years after the last
    run = services.status_recompute(on=ON)
    row = CoverageStatus.objects.get(person=person)
    assert row.first_month < first
    assert row.months() == [D(2012, 3, 1)] + [D(2026, m, 1) for m in range(6, 11)] + [
        D(2031, 1, 1)]
    assert row.prepaid_months() == [D(2031, 1, 1)]
    assert run.persons == 1  # only the person with new payments


def test_prepaid_is_the_first_positive_payment_before_the_month():
    person = PersonFactory()
    early = pay(person, D(2027, 1, 1), paid_on=D(2026, 12, 20))
    pay(person, D(2027, 2, 1), paid_on=D(2027, 2, 1))  # paid on its first day: not prepaid
    pay(person, D(2027, 3, 1), paid_on=D(2027, 2, 28))
    services.status_recompute(on=ON, full=True)
    assert bits(person) == ([D(2027, 1, 1), D(2027, 2, 1), D(2027, 3, 1)],
                            [D(2027, 1, 1), D(2027, 3, 1)])
    payments = list(Payment.objects.filter(person=person).order_by("id"))
    Payment.objects.bulk_create([Payment(
        person=person, iin=p.iin, payer_code=p.payer_code, period=p.period, kind=p.kind,
        knp=p.knp, amount=p.amount, paid_on=p.paid_on, document_no=f"X{p.document_no}")
        for p in payments[1:]])  # the same months paid again, folded incrementally
    reverse(payments[2])
    services.status_recompute(on=ON)
    assert bits(person) == ledger(person) == (
        [D(2027, 1, 1), D(2027, 2, 1), D(2027, 3, 1)], [D(2027, 1, 1), D(2027, 3, 1)])
    # January paid again late, the early payment reversed: still paid (net > 0) and still
    # prepaid, as person_facts takes the first positive payment, reversed or not
    pay(person, D(2027, 1, 1), paid_on=D(2027, 1, 15))
    reverse(early)
    services.status_recompute(on=ON)
    assert bits(person) == ledger(person)
    assert bits(person)[1] == [D(2027, 1, 1), D(2027, 3, 1)]
    reverse(Payment.objects.get(person=person, period=D(2027, 1, 1), paid_on=D(2027, 1, 15)))
    services.status_recompute(on=ON)
    assert bits(person) == ledger(person)
    assert bits(person) == ([D(2027, 2, 1), D(2027, 3, 1)], [D(2027, 3, 1)])


def test_a_month_reversed_in_an_earlier_run_is_decided_by_the_ledger():
    person = PersonFactory()
    early = pay(person, D(2027, 1, 1), paid_on=D(2026, 12, 20))
    services.status_recompute(on=ON, full=True)
    reverse(early)
    services.status_recompute(on=ON)
    row = CoverageStatus.objects.get(person=person)
    assert row.months() == [] and row.booked_months() == [D(2027, 1, 1)]
    # paid again after it began: paid, and prepaid by the reversed early payment
    pay(person, D(2027, 1, 1), paid_on=D(2027, 1, 10))
    services.status_recompute(on=ON)
    assert bits(person) == ledger(person) == ([D(2027, 1, 1)], [D(2027, 1, 1)])


def test_a_paid_month_paid_again_early_becomes_prepaid():
    person = PersonFactory()
    pay(person, D(2027, 2, 1), paid_on=D(2027, 2, 5))
    services.status_recompute(on=ON, full=True)
    assert bits(person) == ([D(2027, 2, 1)], [])
    pay(person, D(2027, 2, 1), paid_on=D(2027, 1, 25))
    pay(person, D(2027, 3, 1), paid_on=D(2027, 3, 2))  # a month without earlier rows
    services.status_recompute(on=ON)
    assert bits(person) == ledger(person) == ([D(2027, 2, 1), D(2027, 3, 1)], [D(2027, 2, 1)])
    assert CoverageStatus.objects.get(person=person).booked_months() == [D(2027, 2, 1),
                                                                    D(2027, 3, 1)]


def test_penalties_and_budget_payments_set_no_bit_and_touch_nobody():
    person = PersonFactory()
    pay_months(person, D(2026, 6, 1), D(2026, 10, 1))
    services.status_recompute(on=ON, full=True)
    pay(person, D(2026, 11, 1), kind="penalty", paid_on=ON)
    pay(person, D(2026, 11, 1), kind="state", paid_on=ON)
    run = services.status_recompute(on=ON)
    assert run.persons == 0
    assert bits(person)[0] == [D(2026, m, 1) for m in range(6, 11)]


def test_incremental_folds_equal_the_ledger_and_a_rebuild():
    rng = random.Random(5)
    persons = generate(seed=3, size=90, around=ON)
    services.status_recompute(on=ON, full=True)
    for batch in range(4):
        for person in rng.sample(persons, 30):
            month = D(2026, 11, 1) if rng.random() < 0.5 else D(rng.randint(2014, 2028),
                                                                   rng.randint(1, 12), 1)
            if rng.random() < 0.4:
                standing = Payment.objects.filter(person=person, reverses__isnull=True,
                                                  kind="employer_deduction").first()
                if standing is not None and not standing.reversals.exists():
                    reverse(standing)
                    continue
            pay(person, month, paid_on=month + datetime.timedelta(days=rng.randint(-40, 40)))
        services.status_recompute(on=ON + datetime.timedelta(days=batch))
    incremental = {p.id: bits(p) for p in persons}
    assert incremental == {p.id: ledger(p) for p in persons}
    statuses = dict(CoverageStatus.objects.values_list("person_id", "valid_until"))
    run = services.status_recompute(on=ON + datetime.timedelta(days=3), rebuild=True)
    assert run.mode == RecomputeRun.Mode.FULL and run.changed == 0
    assert {p.id: bits(p) for p in persons} == incremental
    assert dict(CoverageStatus.objects.values_list("person_id", "valid_until")) == \
        statuses


def test_each_chunk_folds_its_own_months_and_a_crashed_one_keeps_them(monkeypatch):
    first, second = PersonFactory(), PersonFactory()
    for person in (first, second):
        pay_months(person, D(2026, 6, 1), D(2026, 9, 1))
    services.status_recompute(on=ON, full=True)
    for person in (first, second):
        pay(person, D(2026, 10, 1), paid_on=ON)
    original, calls = recompute.process_next_chunk, {"n": 0}

    def crash_on_second_chunk(run):
        calls["n"] += 1
        if calls["n"] == 2:
            monkeypatch.setattr(recompute, "_close_chunk", lambda *args: 1 / 0)
        return original(run)

    monkeypatch.setattr(recompute, "process_next_chunk", crash_on_second_chunk)
    with pytest.raises(ZeroDivisionError):
        services.status_recompute(on=ON, chunk_size=1)
    pending = RecomputeChunk.objects.filter(done_at__isnull=True).values_list(
        "fold_person_ids", "fold_months")
    assert list(pending) == [([second.id], [2026 * 12 + 9])]  # October 2026
    assert bits(first)[0][-1] == D(2026, 10, 1) and bits(second)[0][-1] == D(2026, 9, 1)
    monkeypatch.undo()
    run = services.status_recompute(on=ON, chunk_size=1)
    assert run.status == RecomputeRun.Status.DONE
    assert not RecomputeChunk.objects.filter(fold_person_ids__isnull=False).exists()
    assert bits(second) == ledger(second)
    assert CoverageStatus.objects.get(person=second).valid_until == D(2027, 1, 31)


def test_rebuild_by_word_columns_equals_rebuild_by_sorted_words(monkeypatch):
    from coverage import fold

    persons = generate(seed=8, size=60, around=ON)
    pay(persons[0], D(1999, 1, 1), paid_on=ON)  # a wide ledger: many words for one person

    def months(person):
        row = CoverageStatus.objects.get(person=person)
        return row.months(), row.prepaid_months(), row.booked_months()

    services.status_recompute(on=ON, rebuild=True)
    assert not PaidMonths.objects.exists()  # the staging table is emptied with the run
    columns = {p.id: months(p) for p in persons}
    monkeypatch.setattr(fold, "FEW_WORDS", 0)
    services.status_recompute(on=ON, rebuild=True)
    assert {p: months(p) for p in columns} == columns
    assert {p.id: bits(p) for p in persons} == {p.id: ledger(p) for p in persons}
    assert CoverageStatus.objects.get(person=persons[0]).first_month == 1999 * 12 // 64 * 64


def test_payments_above_the_settled_watermark_wait_for_the_next_run(monkeypatch):
    person = PersonFactory()
    pay_months(person, D(2026, 6, 1), D(2026, 9, 1))
    services.status_recompute(on=ON, full=True)
    late = pay(person, D(2026, 10, 1), paid_on=ON)
    monkeypatch.setattr(recompute, "settled_payment_watermark", lambda: late.pk - 1)
    run = services.status_recompute(on=ON)
    assert run.payment_watermark == late.pk - 1 and run.persons == 0
    monkeypatch.undo()
    run = services.status_recompute(on=ON)
    assert run.payment_watermark == late.pk and run.persons == 1
    assert bits(person)[0][-1] == D(2026, 10, 1)


def test_migration_converts_the_paid_month_rows():
    import importlib

    migration = importlib.import_module("coverage.migrations.0004_paid_month_bits")
    person, other = PersonFactory(), PersonFactory()
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE coverage_paidmonth (person_id bigint, period date, "
                       "amount numeric(14, 2), first_paid_on date)")
        cursor.execute(
            "INSERT INTO coverage_paidmonth VALUES (%(p)s, '2019-12-01', 10, '2020-01-20'), "
            "(%(p)s, '2026-10-01', 10, '2026-09-30'), (%(p)s, '2026-11-01', 0, '2026-11-20'), "
            "(%(o)s, '2026-11-01', 5, '2026-12-20')", {"p": person.pk, "o": other.pk})
        cursor.execute(migration.CONVERT)
        cursor.execute("DROP TABLE coverage_paidmonth")
    row = PaidMonths.objects.get(person=person)
    assert (row.months(), row.prepaid_months()) == ([D(2019, 12, 1), D(2026, 10, 1)],
                                                    [D(2026, 10, 1)])
    assert row.booked_months() == [
        D(2019, 12, 1), D(2026, 10, 1), D(2026, 11, 1)]  # November: rows netting to 0
    assert PaidMonths.objects.get(person=other).months() == [D(2026, 11, 1)]


def test_status_and_paid_month_pages_keep_room_for_updates_and_chunk_lists_are_not_compressed():
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reloptions FROM pg_class WHERE relname IN "
                       "('coverage_coveragestatus', 'coverage_paidmonths') ORDER BY relname")
        assert cursor.fetchall() == [("coverage_coveragestatus", ["fillfactor=90"]),
                                     ("coverage_paidmonths", ["fillfactor=90"])]
        cursor.execute("SELECT attname, attstorage FROM pg_attribute WHERE attrelid = "
                       "'coverage_recomputechunk'::regclass AND atttypid = 'bigint[]'::regtype "
                       "ORDER BY attname")
        assert cursor.fetchall() == [("fold_flags", "e"), ("fold_months", "e"),
                                     ("fold_person_ids", "e"), ("person_ids", "e"),
                                     ("person_sources", "e")]


def test_migration_moves_the_bits_into_the_status_rows_and_rechecks_the_undecided():
    import importlib

    migration = importlib.import_module("coverage.migrations.0008_status_holds_paid_months")
    decided, undecided = PersonFactory(), PersonFactory()
    for person in (decided, undecided):
        pay_months(person, D(2026, 8, 1), D(2026, 10, 1))
    services.status_recompute(on=ON, full=True)
    CoverageStatus.objects.filter(person=undecided).delete()  # paid, never decided yet
    with connection.cursor() as cursor:  # the bits as a run before 0008 left them
        cursor.execute("INSERT INTO coverage_paidmonths (person_id, first_month, paid, prepaid, "
                       "booked) SELECT person_id, first_month, paid, prepaid, booked FROM "
                       "coverage_coveragestatus WHERE person_id = %s", [decided.pk])
        cursor.execute("UPDATE coverage_coveragestatus SET first_month = NULL, paid = NULL, "
                       "prepaid = NULL, booked = NULL")
        cursor.execute("INSERT INTO coverage_paidmonths VALUES (%s, %s, B'111', B'000', B'111')",
                       [undecided.pk, 2026 * 12 + 7])
        for statement in migration.MOVE:
            cursor.execute(statement)
    assert not PaidMonths.objects.exists()
    assert bits(decided)[0] == bits(undecided)[0] == [D(2026, m, 1) for m in (8, 9, 10)]
    waiting = CoverageStatus.objects.get(person=undecided)
    assert not waiting.insured and waiting.recheck_on < ON  # due at the next run
    run = services.status_recompute(on=ON)
    assert run.persons == 1 and run.transitions == {"uninsured→payments": 1}
    assert CoverageStatus.objects.get(person=undecided).valid_until == D(2027, 1, 31)
