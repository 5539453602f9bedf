"""The nightly arrears job rebuilds only what changed when that is exact (issue 19, item 6).

Proved by what each run wrote (the run record's counts, the rows' ids left alone) and by a
full rebuild giving the same table; a run as of a new day, or after a change of rates or
obligations the watermarks cannot place, rebuilds the whole table."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command

from payers import tasks
from payers.arrears import arrears_recompute
from payers.models import Activity, Arrear, ArrearsRun, ReferenceKind, ReferenceValue
from payers.services import activity_update
from tests.factories import ActivityFactory, PaymentFactory

pytestmark = pytest.mark.django_db
D = datetime.date
AS_OF = D(2025, 6, 15)  # January … April due (May's due date, 25.06, not yet)
APRIL = D(2025, 4, 1)


def pay(person, period, paid_on, amount="5950.00"):
    return PaymentFactory(person=person, period=period, paid_on=paid_on, kind="self_employed",
                          amount=Decimal(amount))


def nightly(as_of=AS_OF, full=False):
    rows = tasks.arrears_recompute_task.delay(as_of=as_of.isoformat(), full=full).get()
    run = ArrearsRun.objects.order_by("-id").first()
    assert run.rows == rows
    return run


def table():
    """{pk: values}: what each row holds (the pk tells whether it was rewritten)."""
    return {a.pk: (a.person_id, a.payer_code, a.period, a.kind, a.expected, a.paid,
                   a.paid_late, a.debt, a.due_on, a.days_overdue, a.penalty, a.as_of)
            for a in Arrear.objects.all()}


@pytest.fixture
def entrepreneurs():
    """Six entrepreneurs from January 2025, who paid January on time and nothing since."""
    people = [ActivityFactory(started_on=D(2025, 1, 10)).person for _ in range(6)]
    for person in people:
        pay(person, D(2025, 1, 1), D(2025, 2, 20))
    return people


def test_the_nightly_job_after_a_months_payments_rebuilds_only_the_persons_paid(
        entrepreneurs):
    first = nightly()
    assert (first.mode, first.reason) == ("full", "no earlier run to continue from")
    before = table()
    assert first.rows == len(before) == 6 * 3  # February, March, April unpaid
    paid = entrepreneurs[:2]
    for person in paid:  # April's file: two persons paid April, late
        pay(person, APRIL, D(2025, 6, 2))

    run = nightly()

    after = table()
    mine = {pk: row for pk, row in after.items() if row[0] in {p.pk for p in paid}}
    assert (run.mode, run.persons, run.reason) == ("incremental", 2, "")
    assert run.rows == len(mine) == 2 * 3  # their April rows now: paid late, a penalty
    assert not set(mine) & set(before)  # rewritten
    others = {pk: row for pk, row in after.items() if pk not in mine}
    assert others == {pk: row for pk, row in before.items() if row[0] not in
                      {p.pk for p in paid}}  # every other row as it was, same id
    april = [row for row in mine.values() if row[2] == APRIL]
    assert all(row[7] == 0 and row[6] == Decimal("5950.00") and row[10] > 0 for row in april)
    # the same as a rebuild of the whole table
    full = nightly(full=True)
    assert (full.mode, full.reason) == ("full", "asked for")
    assert sorted(table().values()) == sorted(after.values())

    # no new payments: nothing is written
    kept = table()
    again = nightly()
    assert (again.mode, again.persons, again.rows) == ("incremental", 0, 0)
    assert table() == kept


def test_a_new_day_rebuilds_the_whole_table_because_debts_accrue_penalties(entrepreneurs):
    nightly()
    yesterday = table()
    run = nightly(as_of=AS_OF + datetime.timedelta(days=1))
    assert (run.mode, run.reason) == ("full", "another day")
    today = table()
    assert not set(today) & set(yesterday)
    # nobody paid, yet every row changed: one more day overdue, a larger penalty
    by_key = {row[:4]: row for row in yesterday.values()}
    for row in today.values():
        old = by_key[row[:4]]
        assert row[9] == old[9] + 1 and row[10] > old[10]


def test_changes_the_watermarks_cannot_place_rebuild_the_whole_table(entrepreneurs):
    nightly()
    ReferenceValue.objects.create(kind=ReferenceKind.NB_BASE_RATE, valid_from=D(2025, 5, 1),
                                  value=Decimal("18.00"))
    assert nightly().reason == "rates, rules or schedules changed"
    Activity.objects.bulk_create([Activity(person=entrepreneurs[0], kind="lawyer",
                                           tax_regime="general", started_on=D(2025, 3, 1))])
    assert nightly().reason == "activities added or deleted in bulk"
    assert nightly().mode == "incremental"
    arrears_recompute(as_of=AS_OF, since=D(2025, 4, 1))  # a partial table (the demo's)
    assert nightly().reason == "the last run rebuilt only later periods"


def test_an_activity_changed_through_the_registry_rebuilds_its_person(entrepreneurs):
    nightly()
    activity = Activity.objects.get(person=entrepreneurs[3])
    activity_update(activity=activity, started_on=D(2025, 3, 5), reason="corrected")
    before = table()

    run = nightly()

    assert (run.mode, run.persons) == ("incremental", 1)
    assert run.rows == 2  # March and April only now
    assert {row[2] for row in table().values() if row[0] == entrepreneurs[3].pk} == {
        D(2025, 3, 1), APRIL}
    others = {pk: row for pk, row in table().items() if row[0] != entrepreneurs[3].pk}
    assert others == {pk: row for pk, row in before.items() if row[0] != entrepreneurs[3].pk}
    result = sorted(table().values())
    arrears_recompute(as_of=AS_OF)
    assert sorted(table().values()) == result


def test_the_command_runs_the_job_and_says_how(entrepreneurs, capsys):
    call_command("arrears", "--as-of", AS_OF.isoformat())
    call_command("arrears", "--as-of", AS_OF.isoformat())
    call_command("arrears", "--as-of", AS_OF.isoformat(), "--full")
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "Arrears as of 15.06.2025: full rebuild (no earlier run to continue from), "
        "18 rows written.",
        "Arrears as of 15.06.2025: incremental, 0 persons changed, 0 rows written.",
        "Arrears as of 15.06.2025: full rebuild (asked for), 18 rows written."]
