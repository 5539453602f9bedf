"""The ledger is immutable; corrections reverse; refunds need consent and a decision."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction

from payers import ledger, refunds
from payers.models import Payment, RefundApplication, SuspensePayment
from tests.factories import ActivityFactory, PaymentFactory, PersonFactory, region

pytestmark = pytest.mark.django_db
D = datetime.date


def test_a_posted_payment_cannot_be_changed_or_deleted():
    payment = PaymentFactory()
    payment.amount = Decimal("1.00")
    with pytest.raises(ValidationError):
        payment.save()
    with pytest.raises(ValidationError):
        payment.delete()


@pytest.mark.postgresql  # the immutability trigger exists on PostgreSQL only
def test_the_database_refuses_update_and_delete_of_the_ledger():
    payment = PaymentFactory()
    with pytest.raises(DatabaseError), transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(amount=Decimal("1.00"))
    with pytest.raises(DatabaseError), transaction.atomic():
        Payment.objects.filter(pk=payment.pk)._raw_delete(Payment.objects.db)
    assert Payment.objects.get(pk=payment.pk).amount == Decimal("4250.00")


def test_reversal_is_a_negative_entry_and_never_exceeds_what_stands(hq_operator):
    payment = PaymentFactory(amount=Decimal("5950.00"))
    part = ledger.payment_reverse(payment=payment, amount="950.00", reason="Wrong period",
                                  acting_user=hq_operator)
    assert (part.amount, part.reverses, part.posted_by) == (Decimal("-950.00"), payment,
                                                             hq_operator)
    assert ledger.standing_amount(payment) == Decimal("5000.00")
    with pytest.raises(ValidationError):
        ledger.payment_reverse(payment=payment, amount="5000.01", reason="x")
    rest = ledger.payment_reverse(payment=payment, reason="Duplicate order")
    assert rest.amount == Decimal("-5000.00")
    assert ledger.standing_amount(payment) == 0
    with pytest.raises(ValidationError):
        ledger.payment_reverse(payment=rest, reason="x")


def test_regional_operator_cannot_reverse_another_regions_payment(astana_operator):
    payment = PaymentFactory()  # Almaty person
    with pytest.raises(PermissionDenied):
        ledger.payment_reverse(payment=payment, reason="x", acting_user=astana_operator)


def test_manual_post_derives_the_kind_and_refuses_a_second_identical_row():
    person = ActivityFactory(started_on=D(2025, 1, 1)).person
    payment = ledger.payment_post(person=person, payer_code=person.iin, period=D(2026, 3, 9),
                                  knp="122", amount="5950.00", paid_on=D(2026, 4, 1),
                                  document_no="P-1")
    assert (payment.kind, payment.period) == ("self_employed", D(2026, 3, 1))
    with pytest.raises(ValidationError):
        ledger.payment_post(person=person, payer_code=person.iin, period=D(2026, 3, 1),
                            knp="122", amount="5950.00", paid_on=D(2026, 4, 1),
                            document_no="P-1")


def _suspense(iin, **extra):
    from payers.imports import import_run_create

    run = import_run_create(file_name="x.csv", source="command")
    values = dict(iin=iin, payer_code=iin, period=D(2026, 5, 1), kind="self_payer", knp="122",
                  amount=Decimal("4250.00"), paid_on=D(2026, 6, 1), document_no="S-1",
                  import_run=run, line_no=2)
    values.update(extra)
    return SuspensePayment.objects.create(**values)


def test_suspense_match_posts_once_and_return_closes(hq_operator):
    person = PersonFactory()
    suspense = _suspense(person.iin)
    payment = ledger.suspense_match(suspense=suspense, person=person, acting_user=hq_operator)
    assert payment.amount == Decimal("4250.00") and payment.person == person
    suspense.refresh_from_db()
    assert suspense.status == "matched" and suspense.payment == payment
    assert suspense.history.first().history_user == hq_operator
    with pytest.raises(ValidationError):
        ledger.suspense_match(suspense=suspense, person=person)
    other = _suspense("871008401427", document_no="S-2")
    with pytest.raises(ValidationError):
        ledger.suspense_match(suspense=other, person=person)  # another person's ИИН
    ledger.suspense_return(suspense=other, note="Unknown IIN, returned", acting_user=hq_operator)
    other.refresh_from_db()
    assert other.status == "returned"


def test_suspense_match_registered_matches_only_known_iins():
    _suspense("871008401427")
    _suspense("900101300811", document_no="S-9")
    PersonFactory(iin="871008401427")
    assert ledger.suspense_match_registered() == 1
    assert Payment.objects.get().iin == "871008401427"


def test_refund_workflow_apply_consent_decide_refund(hq_operator):
    employer = "120540000011"
    payment = PaymentFactory(payer_code=employer, knp="121", kind="employer_deduction",
                             amount=Decimal("9000.00"))
    application = refunds.refund_apply(payment=payment, applicant_code=employer,
                                       amount="3000.00", reason="Paid twice",
                                       acting_user=hq_operator)
    with pytest.raises(ValidationError):  # no decision before the person's consent
        refunds.refund_decide(application=application, approve=True)
    with pytest.raises(ValidationError):  # more than stands, counting pending applications
        refunds.refund_apply(payment=payment, applicant_code=employer, amount="6000.01",
                             reason="x")
    refunds.refund_consent(application=application, consent_on=D(2026, 3, 1),
                           consent_document="Consent № 17", acting_user=hq_operator)
    refunds.refund_decide(application=application, approve=True, acting_user=hq_operator)
    entry = refunds.refund_execute(application=application, paid_on=D(2026, 3, 20),
                                   acting_user=hq_operator)
    application.refresh_from_db()
    assert application.status == RefundApplication.Status.REFUNDED
    assert (entry.amount, entry.reverses_id) == (Decimal("-3000.00"), payment.pk)
    assert ledger.standing_amount(payment) == Decimal("6000.00")
    statuses = [h.status for h in application.history.order_by("history_id")]
    assert statuses == ["submitted", "consented", "approved", "refunded"]


def test_refund_only_by_the_payer_and_refusal_needs_reasons():
    payment = PaymentFactory(payer_code="120540000011", amount=Decimal("9000.00"))
    with pytest.raises(ValidationError):
        refunds.refund_apply(payment=payment, applicant_code=payment.iin, amount="1",
                             reason="x")
    application = refunds.refund_apply(payment=payment, applicant_code="120540000011",
                                       amount="100", reason="Excess")
    with pytest.raises(ValidationError):
        refunds.refund_decide(application=application, approve=False)
    refunds.refund_decide(application=application, approve=False,
                          refusal_reason="The payment matches the declaration")
    application.refresh_from_db()
    assert application.status == "refused"
    with pytest.raises(ValidationError):
        refunds.refund_execute(application=application)


def test_person_region_scopes_payments(almaty_operator, astana_operator):
    PaymentFactory()
    PaymentFactory(person=PersonFactory(region=region("710000000")))
    assert Payment.objects.for_user(almaty_operator).count() == 1
    assert Payment.objects.for_user(astana_operator).count() == 1
