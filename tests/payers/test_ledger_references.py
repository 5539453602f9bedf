"""The ledger's references hold on PostgreSQL without per-row foreign keys (migration 0007).

One statement-level trigger checks every inserted payment's person, posting user and
reversed payment, and locks the persons and users as a foreign key would; persons and
users with payments cannot be deleted, and their ids never change.
"""

import psycopg
import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction

from osms.core.locks import lock_key
from payers import ledger
from payers.models import Payment
from tests.factories import PaymentFactory, PersonFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgresql]

INSERT = """
INSERT INTO payers_payment (person_id, iin, payer_code, period, kind, knp, amount, paid_on,
    document_no, note, posted_at, posted_by_id, reverses_id)
VALUES (%s, '871008401427', '871008401427', '2026-01-01', 'self_payer', '122', %s,
        '2026-02-10', %s, '', now(), %s, %s)
"""


def raw_insert(person_id, *, document_no="RAW-1", amount="4250.00", posted_by=None,
               reverses=None):
    with connection.cursor() as cursor:
        cursor.execute(INSERT, [person_id, amount, document_no, posted_by, reverses])


def test_a_payment_for_a_person_not_in_the_registry_is_refused():
    person = PersonFactory()
    with pytest.raises(IntegrityError, match=f"person {person.pk + 1000} does not exist"), \
            transaction.atomic():
        raw_insert(person.pk + 1000)
    raw_insert(person.pk)
    assert Payment.objects.filter(person=person).count() == 1


def test_one_unknown_person_refuses_the_whole_statement():
    persons = [PersonFactory() for _ in range(3)]
    values = ", ".join(
        f"({p}, '871008401427', '871008401427', '2026-01-01', 'self_payer', '122', 4250, "
        f"'2026-02-10', 'MULTI-{p}', '', now())"
        for p in [persons[0].pk, persons[1].pk, 10**9, persons[2].pk])
    with pytest.raises(IntegrityError, match="person 1000000000 does not exist"), \
            transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO payers_payment (person_id, iin, payer_code, period, kind, "
                       "knp, amount, paid_on, document_no, note, posted_at) VALUES " + values)
    assert not Payment.objects.exists()


def test_posting_user_and_reversed_payment_must_exist():
    person = PersonFactory()
    user = UserFactory()
    with pytest.raises(IntegrityError, match="user"), transaction.atomic():
        raw_insert(person.pk, posted_by=user.pk + 1000)
    with pytest.raises(IntegrityError, match="reversed payment"), transaction.atomic():
        raw_insert(person.pk, amount="-10.00", reverses=10**9)
    original = PaymentFactory(person=person)
    raw_insert(person.pk, document_no="REV-1", amount="-10.00", posted_by=user.pk,
               reverses=original.pk)
    assert ledger.standing_amount(original) == original.amount - 10


def test_a_person_or_user_with_payments_cannot_be_deleted_even_in_raw_sql():
    user = UserFactory()
    payment = PaymentFactory(posted_by=user)
    idle = PersonFactory()
    with pytest.raises(IntegrityError, match="referred to by payments"), \
            transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM payers_person WHERE id IN (%s, %s)",
                       [idle.pk, payment.person_id])
    user_table = get_user_model()._meta.db_table
    with pytest.raises(IntegrityError, match="posted_by_id"), \
            transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {user_table} WHERE id = %s", [user.pk])
    with pytest.raises(IntegrityError, match="never changes"), \
            transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE payers_person SET id = id + 100000 WHERE id = %s",
                       [payment.person_id])
    with connection.cursor() as cursor:  # a person without payments may go
        cursor.execute("DELETE FROM payers_person WHERE id = %s", [idle.pk])
        assert cursor.rowcount == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_persons_paid_for_are_locked_until_the_posting_commits():
    """As a foreign key does: nobody can delete the person while the payment is uncommitted."""
    person = PersonFactory()
    params = connection.get_connection_params()
    with transaction.atomic():
        PaymentFactory(person=person)
        with psycopg.connect(**params, autocommit=True) as other:
            other.execute("SET lock_timeout = '200ms'")
            with pytest.raises(psycopg.errors.LockNotAvailable):
                other.execute("DELETE FROM payers_person WHERE id = %s", [person.pk])
    with psycopg.connect(**params, autocommit=True) as other, \
            pytest.raises(psycopg.errors.ForeignKeyViolation):
        other.execute("DELETE FROM payers_person WHERE id = %s", [person.pk])


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_raw_insert_without_the_ledger_lock_locks_the_person_row():
    person = PersonFactory()
    params = connection.get_connection_params()
    with transaction.atomic():
        raw_insert(person.pk)
        with psycopg.connect(**params, autocommit=True) as other:
            other.execute("SET lock_timeout = '200ms'")
            with pytest.raises(psycopg.errors.LockNotAvailable, match="row|tuple|relation"):
                other.execute("SELECT 1 FROM payers_person WHERE id = %s FOR UPDATE",
                              [person.pk])
    assert Payment.objects.filter(person=person).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_settled_watermark_waits_for_a_posting_in_progress():
    """A payment whose id is below the watermark is committed: folds by id miss nothing."""
    PaymentFactory()
    params = connection.get_connection_params()
    with psycopg.connect(**params) as writer:
        with writer.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock_shared(%s)", [lock_key("ledger_write")])
        with psycopg.connect(**params, autocommit=True) as reader:
            reader.execute("SET lock_timeout = '200ms'")
            with pytest.raises(psycopg.errors.LockNotAvailable):
                reader.execute("SELECT pg_advisory_xact_lock(%s)", [lock_key("ledger_write")])
        writer.rollback()
    watermark = ledger.settled_payment_watermark()
    assert watermark >= Payment.objects.latest("id").pk
    assert PaymentFactory().pk > watermark  # the next posting is above it: never skipped


@pytest.mark.django_db
def test_the_watermark_is_the_last_id_issued_rolled_back_or_not():
    """A posting rolled back leaves its id unused; the watermark may pass it (nothing to
    skip there), and is read from the sequence, not from a scan of the partitions."""
    kept = PaymentFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        lost = PaymentFactory()
        raise RuntimeError("the import failed")
    assert not Payment.objects.filter(pk=lost.pk).exists()
    assert ledger.settled_payment_watermark() == lost.pk > kept.pk


@pytest.mark.django_db
def test_a_sequence_that_caches_ids_falls_back_to_the_highest_id():
    """With a cache, a session may issue a lower id after the sequence shows a higher one:
    then the watermark is the highest id of the ledger, as before."""
    kept = PaymentFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        PaymentFactory()
        raise RuntimeError("the import failed")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence('payers_payment', 'id')")
        cursor.execute(f"ALTER SEQUENCE {cursor.fetchone()[0]} CACHE 20")
    assert ledger.settled_payment_watermark() == kept.pk
