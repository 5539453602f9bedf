"""Refunds of erroneous or excess payments (order 478; docs/domain.md §3).

The payer applies (``refund_apply``); the person paid for consents
(``refund_consent``); the Fund decides (``refund_decide``: approve, or refuse
with reasons); an approved refund is paid back through the State Corporation and
posted as a reversing entry of the payment (``refund_execute``). Each step
locks the application, checks its state and records the acting user (history).
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from osms.core.services import lock_for_change, require_scope, save_audited

from .ledger import _reversal, standing_amount
from .models import Payment, RefundApplication
from .validators import bin_problem, iin_problem

Status = RefundApplication.Status


def _pending_total(payment, exclude=None):
    pending = RefundApplication.objects.filter(
        payment=payment, status__in=[Status.SUBMITTED, Status.CONSENTED, Status.APPROVED]
    )
    if exclude is not None:
        pending = pending.exclude(pk=exclude.pk)
    return pending.aggregate(total=Sum("amount"))["total"] or Decimal("0")


def _save(application, acting_user, reason):
    return save_audited(application, acting_user=acting_user, action="change", reason=reason)


def _locked(application, status, acting_user):
    application = lock_for_change(RefundApplication, application.pk, acting_user=acting_user)
    if application.status not in status:
        raise ValidationError(_("The application is %(status)s: this step does not apply.")
                              % {"status": application.get_status_display()})
    return application


@transaction.atomic
def refund_apply(*, payment: Payment, applicant_code: str, amount, reason: str,
                 submitted_on: datetime.date | None = None, acting_user=None
                 ) -> RefundApplication:
    payment = lock_for_change(Payment, payment.pk, acting_user=acting_user, action="view")
    if payment.reverses_id is not None:
        raise ValidationError({"payment": _("A reversing entry cannot be refunded.")})
    if applicant_code != payment.payer_code:
        raise ValidationError({"applicant_code": _(
            "Only the payer (%(payer)s) may apply for a refund of this payment."
        ) % {"payer": payment.payer_code}})
    if bin_problem(applicant_code) and iin_problem(applicant_code):
        raise ValidationError({"applicant_code": _("Not a valid BIN or IIN.")})
    amount = Decimal(amount)
    available = standing_amount(payment) - _pending_total(payment)
    if amount <= 0 or amount > available:
        raise ValidationError({"amount": _(
            "The refund must be positive and at most %(available)s (what stands of the "
            "payment, less refunds already applied for)."
        ) % {"available": available}})
    if not reason.strip():
        raise ValidationError({"reason": _("State the grounds for the refund.")})
    application = RefundApplication(
        payment=payment, applicant_code=applicant_code, amount=amount, reason=reason,
        submitted_on=submitted_on or timezone.localdate(),
    )
    require_scope(application, acting_user, "add")
    return save_audited(application, acting_user=acting_user, action="add",
                        reason=_("Application submitted"))


@transaction.atomic
def refund_consent(*, application: RefundApplication, consent_on: datetime.date,
                   consent_document: str, acting_user=None) -> RefundApplication:
    """Record the consent of the person paid for (needed before any decision)."""
    application = _locked(application, [Status.SUBMITTED], acting_user)
    if not consent_document.strip():
        raise ValidationError({"consent_document": _("Name the consent document.")})
    if consent_on < application.submitted_on - datetime.timedelta(days=365):
        raise ValidationError({"consent_on": _("The consent is older than a year.")})
    application.consent_on = consent_on
    application.consent_document = consent_document
    application.status = Status.CONSENTED
    return _save(application, acting_user, _("Consent of the person paid for received"))


@transaction.atomic
def refund_decide(*, application: RefundApplication, approve: bool, acting_user=None,
                  refusal_reason: str = "", decided_on: datetime.date | None = None
                  ) -> RefundApplication:
    """Approve, or refuse with reasons. Refusing needs no consent; approving does."""
    allowed = [Status.CONSENTED] if approve else [Status.SUBMITTED, Status.CONSENTED]
    application = _locked(application, allowed, acting_user)
    if not approve and not refusal_reason.strip():
        raise ValidationError({"refusal_reason": _("A refusal must give its reasons.")})
    application.status = Status.APPROVED if approve else Status.REFUSED
    application.refusal_reason = "" if approve else refusal_reason
    application.decided_on = decided_on or timezone.localdate()
    application.decided_by = acting_user
    return _save(application, acting_user, _("Approved") if approve else _("Refused"))


@transaction.atomic
def refund_execute(*, application: RefundApplication, paid_on: datetime.date | None = None,
                   acting_user=None) -> Payment:
    """Post the refund as a reversing entry of the payment; returns the entry."""
    application = _locked(application, [Status.APPROVED], acting_user)
    payment = Payment.objects.select_for_update().get(pk=application.payment_id)
    if application.amount > standing_amount(payment):
        raise ValidationError(_("Less of the payment stands than the approved refund."))
    entry = _reversal(
        payment=payment, amount=application.amount, acting_user=acting_user,
        note=_("Refund, application #%(id)s") % {"id": application.pk},
        paid_on=paid_on or timezone.localdate(),
    )
    application.refund_entry = entry
    application.status = Status.REFUNDED
    _save(application, acting_user, _("Refunded"))
    return entry
