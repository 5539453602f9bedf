"""Ledger services: manual entries, reversing entries and the suspense queue.

A posted payment never changes. A correction is a reversing entry (negative
amount, ``reverses`` set, document ``REV-<id>-<n>``), at most the amount still
standing; a payment in suspense is matched to a person (posted) or returned.
Every service locks what it changes, records the acting user and returns the
rows it wrote.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from osms.core import bounds
from osms.core.locks import xact_lock
from osms.core.periods import add_months, first_of_month
from osms.core.services import lock_for_change, require_scope, save_audited

from .models import Activity, KnpCode, Payment, PaymentKind, Person, SuspensePayment
from .selectors import issued_payment_id


def ledger_write_lock():
    """Hold the ledger's write lock (shared) until the transaction ends: called inside every
    transaction that posts payments (``Payment.save``, imports). ``osms.core.locks`` names it."""
    xact_lock("ledger_write", shared=True)


def settled_payment_watermark() -> int:
    """The highest payment id such that every payment with a lower or equal id is committed.

    Jobs that fold "payments since the last run" by id (``id > previous watermark``)
    read it, so that a payment committed late with a lower id is never skipped. It waits
    for ledger writes in progress (an import's posting transaction) to finish: they hold
    the lock shared, this takes it exclusively for a moment. With no posting in flight,
    every id the ledger's sequence has issued is a committed payment or none (a rolled-back
    one), so the sequence's last value is such a watermark: read in constant time, where
    ``MAX(id)`` plans and probes every monthly partition (``issued_payment_id``).
    """
    with transaction.atomic():
        xact_lock("ledger_write")
        return issued_payment_id()


def standing_amount(payment) -> Decimal:
    """What is left of a payment after its reversals and refunds."""
    reversed_total = payment.reversals.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    return payment.amount + reversed_total


def kind_for(*, knp, payer_code, iin, person, period) -> str:
    """The ledger kind of a KNP; a 122 paid for oneself is an entrepreneur's or a self-payer's."""
    code = KnpCode.objects.filter(knp=knp).first()
    if code is None:
        raise ValidationError({"knp": _("Unknown KNP %(knp)s.") % {"knp": knp}})
    if code.kind != PaymentKind.EMPLOYEE_CONTRIBUTION or payer_code != iin:
        return code.kind
    next_month = add_months(period, 1)
    active = Activity.objects.filter(person=person, started_on__lt=next_month).exclude(
        ended_on__lt=period
    )
    return PaymentKind.SELF_EMPLOYED if active.exists() else PaymentKind.SELF_PAYER


@transaction.atomic
def payment_post(*, person: Person, payer_code, period, knp, amount, paid_on, document_no,
                 acting_user=None, note="") -> Payment:
    """Post one payment by hand (e.g. from a paper order); same key rules as imports."""
    amount = Decimal(amount)
    if amount <= 0:
        raise ValidationError({"amount": _("A payment amount must be positive.")})
    period = first_of_month(period)
    payment = Payment(
        person=person, iin=person.iin, payer_code=payer_code, period=period,
        kind=kind_for(knp=knp, payer_code=payer_code, iin=person.iin, person=person,
                      period=period),
        knp=knp, amount=amount, paid_on=paid_on, document_no=document_no,
        posted_by=acting_user, note=note,
    )
    return save_audited(payment, acting_user=acting_user, action="add")


def _reversal(*, payment, amount, acting_user, note, paid_on):
    count = payment.reversals.count() + 1
    entry = Payment(
        person_id=payment.person_id, iin=payment.iin, payer_code=payment.payer_code,
        period=payment.period, kind=payment.kind, knp=payment.knp, amount=-amount,
        paid_on=paid_on, document_no=f"REV-{payment.pk}-{count}", reverses=payment,
        posted_by=acting_user, note=note,
    )
    entry.save()
    return entry


@transaction.atomic
def payment_reverse(*, payment: Payment, reason: str, acting_user=None, amount=None,
                    on: datetime.date | None = None) -> Payment:
    """Post a reversing entry for ``amount`` (default: all that still stands)."""
    payment = lock_for_change(Payment, payment.pk, acting_user=acting_user, action="view")
    if payment.reverses_id is not None:
        raise ValidationError(_("A reversing entry cannot itself be reversed."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the reversal.")})
    too_long = bounds.text_problem(reason, label=_("The reason"))
    if too_long:  # it becomes the entry's note: refused, never cut
        raise ValidationError({"reason": too_long})
    standing = standing_amount(payment)
    amount = standing if amount is None else Decimal(amount)
    if amount <= 0 or amount > standing:
        raise ValidationError({"amount": _(
            "The reversal must be positive and at most the %(standing)s still standing."
        ) % {"standing": standing}})
    return _reversal(payment=payment, amount=amount, acting_user=acting_user, note=reason,
                     paid_on=on or timezone.localdate())


@transaction.atomic
def suspense_match(*, suspense: SuspensePayment, person: Person, acting_user=None,
                   note="") -> Payment:
    """Post a suspense payment to ``person`` (whose ИИН must be the one paid for)."""
    suspense = SuspensePayment.objects.select_for_update().get(pk=suspense.pk)
    if suspense.status != SuspensePayment.Status.OPEN:
        raise ValidationError(_("This payment is no longer waiting in suspense."))
    if person.iin != suspense.iin:
        raise ValidationError({"person": _(
            "The payment is for IIN %(iin)s; a payment is never moved to another person's IIN."
        ) % {"iin": suspense.iin}})
    payment = Payment.objects.filter(  # the source-row key of the ledger
        period=suspense.period, person=person, knp=suspense.knp,
        payer_code=suspense.payer_code, document_no=suspense.document_no,
    ).first()
    if payment is None:  # not already posted by a later import of the same rows
        payment = Payment(
            person=person, iin=suspense.iin, payer_code=suspense.payer_code,
            period=suspense.period,
            kind=kind_for(knp=suspense.knp, payer_code=suspense.payer_code, iin=suspense.iin,
                          person=person, period=suspense.period),
            knp=suspense.knp, amount=suspense.amount, paid_on=suspense.paid_on,
            document_no=suspense.document_no, import_run_id=suspense.import_run_id,
            posted_by=acting_user, note=_("From suspense #%(id)s") % {"id": suspense.pk},
        )
        payment.save()
    require_scope(payment, acting_user, "view")
    suspense.status = SuspensePayment.Status.MATCHED
    suspense.payment = payment
    suspense.resolved_by = acting_user
    suspense.resolved_at = timezone.now()
    suspense.note = note
    save_audited(suspense, acting_user=acting_user, action="change", validate=False)
    return payment


@transaction.atomic
def suspense_return(*, suspense: SuspensePayment, note: str, acting_user=None
                    ) -> SuspensePayment:
    """Send a suspense payment back to the payer through the State Corporation."""
    suspense = SuspensePayment.objects.select_for_update().get(pk=suspense.pk)
    if suspense.status != SuspensePayment.Status.OPEN:
        raise ValidationError(_("This payment is no longer waiting in suspense."))
    if not note.strip():
        raise ValidationError({"note": _("Give the reason for returning the payment.")})
    suspense.status = SuspensePayment.Status.RETURNED
    suspense.resolved_by = acting_user
    suspense.resolved_at = timezone.now()
    suspense.note = note
    return save_audited(suspense, acting_user=acting_user, action="change", validate=False)


def suspense_match_registered(*, acting_user=None, limit=10000) -> int:
    """Match every open suspense payment whose ИИН is now in the registry; returns the count."""
    open_rows = SuspensePayment.objects.filter(
        status=SuspensePayment.Status.OPEN,
        iin__in=Person.objects.values("iin"),
    ).order_by("id")[:limit]
    matched = 0
    persons = {}
    for suspense in open_rows:
        person = persons.get(suspense.iin) or Person.objects.get(iin=suspense.iin)
        persons[suspense.iin] = person
        suspense_match(suspense=suspense, person=person, acting_user=acting_user,
                       note=_("Matched automatically: the IIN is now registered."))
        matched += 1
    return matched
