"""The ledger partitioned by period (payers.partitions, migration 0009).

A populated plain ledger converts with its rows, sums, source-row key, immutability,
references and idempotent re-import; a period-bounded query reads one partition; the
beat job creates partitions ahead and moves rows out of the default partition; an old
month detaches into the archive schema and stays immutable there.
"""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Sum

from osms.celery import BEAT_SCHEDULE
from payers import partitions
from payers.imports import payment_import
from payers.models import ImportRun, Payment, RefundApplication
from tests.factories import PaymentFactory, PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgresql]

SAMPLES = Path(__file__).resolve().parents[2] / "payers" / "samples"

MANY = """
INSERT INTO payers_payment (person_id, iin, payer_code, period, kind, knp, amount, paid_on,
    document_no, note, posted_at)
SELECT %(person)s, %(iin)s, %(iin)s, (date '2025-01-01' + make_interval(months => g %% 18))::date,
       'self_payer', '122', 1000 + g, date '2026-02-10', 'MANY-' || g, '', now()
FROM generate_series(1, 360) g
"""


def relkind():
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = 'payers_payment'::regclass")
        return cursor.fetchone()[0]


def snapshot():
    rows = Payment.objects.order_by("id").values_list(
        "id", "period", "person_id", "knp", "payer_code", "document_no", "amount", "reverses_id")
    return list(rows), Payment.objects.aggregate(s=Sum("amount"))["s"]


def refused(sql, params=(), match=None):
    with pytest.raises(DatabaseError, match=match), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute(sql, params)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_a_populated_plain_ledger_converts_with_everything_kept(tmp_path):
    person = PersonFactory()
    with connection.cursor() as cursor:
        cursor.execute(MANY, {"person": person.pk, "iin": person.iin})
    original = Payment.objects.order_by("id").first()
    PaymentFactory(person=person, amount=Decimal("-100.00"), reverses=original,
                   document_no="REV-1", period=datetime.date(2026, 3, 1))
    refund = RefundApplication.objects.create(
        payment=original, applicant_code=person.iin, amount=Decimal("50.00"), reason="twice",
        submitted_on=datetime.date(2026, 4, 1))
    first = payment_import(path=str(SAMPLES / "payments_sample.csv"))
    assert first.status == ImportRun.Status.DONE, first.error
    before = snapshot()

    with connection.cursor() as cursor:  # back to the plain table of migration 0008
        partitions.ledger_to_plain(cursor)
    assert relkind() == "r" and snapshot() == before
    with connection.cursor() as cursor:
        partitions.ledger_to_partitioned(cursor, today=datetime.date(2026, 12, 3))
    assert relkind() == "p"
    assert snapshot() == before
    assert before[1] == Decimal("-100.00") + sum(1000 + g for g in range(1, 361)) + sum(
        first.payments_posted().values_list("amount", flat=True))
    names = {p["name"] for p in partitions.ledger_partitions()}
    assert {"payers_payment_p2025_01", "payers_payment_p2026_06", "payers_payment_p2027_12",
            "payers_payment_default"} <= names

    # The id sequence continues; the source-row key, immutability and references hold.
    later = PaymentFactory(person=person, period=datetime.date(2026, 5, 1))
    assert later.pk > max(row[0] for row in before[0])
    refused("INSERT INTO payers_payment (person_id, iin, payer_code, period, kind, knp, amount,"
            " paid_on, document_no, note, posted_at) SELECT person_id, iin, payer_code, period,"
            " kind, knp, amount, paid_on, document_no, note, now() FROM payers_payment "
            "WHERE id = %s", [original.pk],
            match=r"\(period, person_id, knp, payer_code, document_no\)=")
    refused("UPDATE payers_payment SET amount = 1 WHERE id = %s", [original.pk],
            match="immutable ledger")
    refused("DELETE FROM payers_payment WHERE id = %s", [later.pk], match="immutable ledger")
    refused("UPDATE payers_refundapplication SET payment_id = %s WHERE id = %s",
            [10**9, refund.pk], match="payment 1000000000 does not exist")
    refused("UPDATE payers_suspensepayment SET payment_id = %s WHERE id = "
            "(SELECT min(id) FROM payers_suspensepayment)", [10**9 + 1],
            match="payment 1000000001 does not exist")
    refused("INSERT INTO payers_payment (person_id, iin, payer_code, period, kind, knp, amount,"
            " paid_on, document_no, note, posted_at) VALUES (%s, 'x', 'x', '2026-01-01', "
            "'self_payer', '122', 1, '2026-01-01', 'NOBODY', '', now())", [10**9],
            match="person 1000000000 does not exist")
    # Re-importing the same file posts nothing.
    again = payment_import(path=str(SAMPLES / "payments_sample.csv"))
    assert (again.status, again.loaded) == (ImportRun.Status.DONE, 0)
    assert Payment.objects.count() == len(before[0]) + 1


def test_a_period_bounded_query_reads_only_its_partition():
    person = PersonFactory()
    with connection.cursor() as cursor:
        cursor.execute(MANY, {"person": person.pk, "iin": person.iin})
    partitions.ledger_partitions_ensure(months=[datetime.date(2025, m, 1) for m in (3, 4)])
    plan = Payment.objects.filter(
        period__gte=datetime.date(2025, 3, 1), period__lt=datetime.date(2025, 4, 1)).explain()
    assert "payers_payment_p2025_03" in plan
    assert "payers_payment_p2025_04" not in plan and "payers_payment_default" not in plan
    assert Payment.objects.filter(period=datetime.date(2025, 3, 1)).count() == 20


def test_the_beat_job_creates_months_ahead_and_moves_rows_out_of_the_default():
    assert BEAT_SCHEDULE["payers-ledger-partitions"]["task"] == "payers.ledger_partitions_ensure"
    far = PaymentFactory(period=datetime.date(2031, 5, 1))  # no partition yet: the default
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM payers_payment_default")
        assert [row[0] for row in cursor.fetchall()] == [far.pk]
    result = partitions.ledger_partitions_ensure(today=datetime.date(2031, 1, 15), ahead=2)
    assert result["moved"] == 1
    assert {"payers_payment_p2031_03", "payers_payment_p2031_05"} <= set(result["created"])
    assert "payers_payment_p2031_04" not in result["created"]  # neither ahead nor in default
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM payers_payment_default")
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT id FROM payers_payment_p2031_05")
        assert cursor.fetchone()[0] == far.pk
    refused("DELETE FROM payers_payment_p2031_05", match="immutable ledger")
    again = partitions.ledger_partitions_ensure(today=datetime.date(2031, 1, 15), ahead=2)
    assert again == {"created": [], "moved": 0}


def test_an_old_month_detaches_to_the_archive_and_stays_immutable(capsys):
    months = [datetime.date(2018, m, 1) for m in (1, 2, 3)]
    old = PaymentFactory(period=months[0])
    partitions.ledger_partitions_ensure(months=months)
    PaymentFactory(person=old.person, period=months[1], reverses=old,
                   amount=Decimal("-1.00"), document_no="REV-OLD")
    kept = [PaymentFactory(period=months[2], document_no=f"D{n}").pk for n in range(2)]
    with pytest.raises(ValidationError, match="within the last 60 months"):
        partitions.ledger_partition_detach(month=datetime.date(2024, 1, 1))
    for month in months[:2]:  # a payment and its reversal in another month
        with pytest.raises(ValidationError, match="referred to"):
            partitions.ledger_partition_detach(month=month)
    call_command("ledger_partitions", "--detach", "2018-03")
    assert "payers_archive.payers_payment_p2018_03" in capsys.readouterr().out
    assert not Payment.objects.filter(period=months[2]).exists()
    assert Payment.objects.filter(period__in=months[:2]).count() == 2
    refused("UPDATE payers_archive.payers_payment_p2018_03 SET amount = 2",
            match="immutable ledger")
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM payers_archive.payers_payment_p2018_03 ORDER BY id")
        assert [row[0] for row in cursor.fetchall()] == kept


def test_the_command_lists_and_creates_partitions(capsys):
    call_command("ledger_partitions")
    out = capsys.readouterr().out
    assert "payers_payment_default" in out and "partitions:" in out
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO payers_refundapplication (payment_id, applicant_code, "
                       "amount, reason, submitted_on, status, consent_document, "
                       "refusal_reason, created_at) VALUES (%s, '1', 1, 'x', '2026-01-01', "
                       "'submitted', '', '', now())", [10**9])
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
