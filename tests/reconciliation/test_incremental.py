"""Incremental work in proportion to change (issue 19, item 6): one employer reconciled
again touches that employer's lines, discrepancies and collection parts only; a run in
chunks gives what a run in one piece gives; the arrears rebuilt after new payments touch
only the persons paid for. Proved by what each run wrote (its counters, the rows it
stamped, the ids it left alone), not by timing."""

import datetime
from decimal import Decimal

import pytest

from payers.arrears import arrears_after_payments, arrears_recompute
from payers.models import Arrear, Payment
from payers.selectors import last_payment_id
from reconciliation.models import (
    CollectionPart,
    CollectionSummary,
    Discrepancy,
    FoundLine,
    ReconciliationChunk,
)
from reconciliation.reconcile import reconcile_period

from .helpers import D121, D122, JAN, pay
from .test_declared_arrears import declare

pytestmark = pytest.mark.django_db

SUMMARY_FIELDS = ("region_id", "payer_type", "expected", "declared", "collected", "persons")
DISCREPANCY_FIELDS = ("employer_bin", "iin", "kind", "type", "amount", "status", "notes")


def _summary():
    return sorted(CollectionSummary.objects.filter(period=JAN).values_list(*SUMMARY_FIELDS),
                  key=repr)


def _discrepancies():
    return sorted(Discrepancy.objects.filter(period=JAN).values_list(*DISCREPANCY_FIELDS),
                  key=repr)


def test_one_employer_again_touches_only_that_employers_rows(month):
    almaty, astana, p = month["employer"], month["astana"], month["p"]
    first = reconcile_period(period=JAN)
    Discrepancy.objects.filter(iin=p[4].iin).update(notes="звонили")
    almaty_rows = dict(Discrepancy.objects.filter(employer_bin=almaty.bin)
                       .values_list("pk", "last_run_id"))
    almaty_parts = set(CollectionPart.objects.filter(employer_bin=almaty.bin)
                       .values_list("pk", flat=True))
    pay(p[13], astana, JAN, D122, "700")  # Astana's employee: 700 ₸ overpaid now

    run = reconcile_period(period=JAN, employers=[astana.bin])

    assert run.employers == [astana.bin] and run.chunks_total == 1
    assert (run.declarations, run.found, run.new, run.cleared) == (1, 1, 1, 0)
    assert run.by_type == {"overpaid": 1}
    new = Discrepancy.objects.get(iin=p[13].iin)
    assert (new.type, new.amount, new.first_run_id) == ("overpaid", Decimal("700.00"), run.pk)
    # the other employer's discrepancies and parts were not rewritten
    assert dict(Discrepancy.objects.filter(employer_bin=almaty.bin)
                .values_list("pk", "last_run_id")) == almaty_rows
    assert set(almaty_rows.values()) == {first.pk}
    assert set(CollectionPart.objects.filter(employer_bin=almaty.bin)
               .values_list("pk", flat=True)) == almaty_parts
    assert set(CollectionPart.objects.filter(run=run).values_list("employer_bin", flat=True)
               ) == {astana.bin}
    assert not FoundLine.objects.exists()
    # and the period's state is the one a whole-period run finds
    incremental = (_summary(), _discrepancies())
    whole = reconcile_period(period=JAN)
    assert (whole.new, whole.cleared) == (0, 0)
    assert (_summary(), _discrepancies()) == incremental
    assert Discrepancy.objects.get(iin=p[4].iin, type="underpaid").notes == "звонили"


def test_the_first_run_of_a_period_for_one_employer_is_a_whole_period_run(month):
    run = reconcile_period(period=JAN, employers=[month["astana"].bin])
    assert run.employers is None and run.found == 11


def test_a_run_in_chunks_equals_a_run_in_one_piece(month):
    one = reconcile_period(period=JAN)
    assert one.chunks_total == 1
    state = (_summary(), _discrepancies())
    many = reconcile_period(period=JAN, chunk_size=1)
    assert many.chunks_total == 2 == ReconciliationChunk.objects.filter(
        run=many, done_at__isnull=False).count()
    assert (many.found, many.new, many.cleared, many.declarations, many.payments) == (
        one.found, 0, 0, one.declarations, one.payments)
    assert many.by_type == one.by_type
    assert (_summary(), _discrepancies()) == state


def test_a_run_that_dies_half_way_shows_nothing_and_is_superseded(month, monkeypatch):
    from reconciliation import reconcile

    first = reconcile_period(period=JAN)
    state = (_summary(), _discrepancies())
    pay(month["p"][1], month["employer"], JAN, D122, "100")
    half = reconcile.run_open(period=JAN, chunk_size=1)
    assert reconcile.process_next_chunk(half)  # one chunk of two done, then the worker dies
    assert FoundLine.objects.filter(run=half).exists()
    assert (_summary(), _discrepancies()) == state  # nothing of it is visible
    again = reconcile_period(period=JAN)
    half.refresh_from_db()
    assert half.status == "failed" and f"#{again.pk}" in half.error
    assert not FoundLine.objects.exists()
    assert not CollectionPart.objects.filter(run=half).exists()
    assert again.new == 1 and first.status == "done"
    assert not reconcile.process_next_chunk(half)  # a late worker of it finds nothing to do


def test_the_arrears_after_new_payments_touch_only_the_persons_paid_for():
    from tests.factories import OrganisationFactory, PersonFactory

    day = datetime.date
    employer = OrganisationFactory()
    people = [PersonFactory() for _ in range(4)]
    for person in people:
        declare(employer, person, "300000")
    as_of = day(2026, 3, 31)
    arrears_recompute(as_of=as_of)
    before = {row.pk: (row.person_id, row.kind, row.debt) for row in Arrear.objects.all()}
    assert len(before) == 8  # 121 and 122 owed by each
    mark = last_payment_id()
    for kind, amount in ((D121, "9000.00"), (D122, "2000.00")):
        Payment.objects.create(
            person=people[0], iin=people[0].iin, payer_code=employer.bin, period=JAN,
            kind=kind, knp="121" if kind == D121 else "122", amount=Decimal(amount),
            paid_on=day(2026, 3, 10), document_no=f"LATE-{kind}")

    written = arrears_after_payments(as_of=as_of, after_id=mark)

    def rows():
        return {a.pk: (a.person_id, a.kind, a.expected, a.paid, a.debt, a.penalty)
                for a in Arrear.objects.all()}

    after = rows()
    mine = {pk: value for pk, value in after.items() if value[0] == people[0].pk}
    # two rows written: 122 short by 4 000, 121 paid late (its penalty)
    assert written == len(mine) == 2
    assert sorted((v[1], v[4]) for v in mine.values()) == [
        (D122, Decimal("4000.00")), (D121, Decimal("0.00"))]
    assert not set(mine) & set(before)  # rewritten
    others = {pk: value for pk, value in after.items() if pk not in mine}
    assert set(others) == {pk for pk, v in before.items() if v[0] != people[0].pk}
    assert all(others[pk][4] == before[pk][2] for pk in others)  # left as they were
    # the same as a rebuild of the whole table
    arrears_recompute(as_of=as_of)
    assert sorted(rows().values(), key=repr) == sorted(after.values(), key=repr)


def test_new_arrears_for_another_day_rebuild_the_whole_table():
    from tests.factories import OrganisationFactory, PersonFactory

    employer = OrganisationFactory()
    person = PersonFactory()
    declare(employer, person, "300000")
    arrears_recompute(as_of=datetime.date(2026, 3, 31))
    assert arrears_after_payments(as_of=datetime.date(2026, 4, 1), after_id=0) == 2
    assert set(Arrear.objects.values_list("as_of", flat=True)) == {datetime.date(2026, 4, 1)}
