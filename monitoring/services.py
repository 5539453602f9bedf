"""Writes of monitoring: the expert's review steps, the provider's dispute, the patient's
report. Each step is audited (simple-history on reviews and findings: who, when, why).

Review workflow: open → (findings) → concluded → disputed (once, by the provider) →
closed (the dispute decided: findings upheld or withdrawn). The deduction of a review is
the sum of its findings' amounts (case amount × the defect's deduction share), at most
the case amount; it becomes a quality deduction of the month's act (``act_sources``).
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from osms.core.periods import last_day
from osms.core.services import require_scope, save_audited

from . import selectors
from .models import (
    Case,
    CaseDecision,
    Defect,
    Outcome,
    PatientReport,
    ProviderAccount,
    Review,
    ReviewFinding,
)

CENT = Decimal("0.01")


def _locked(review, acting_user):
    review = Review.objects.select_for_update().select_related("case").get(pk=review.pk)
    require_scope(review, acting_user, "change")
    return review


def _refresh_deduction(review):
    total = (review.findings.filter(withdrawn=False).aggregate(s=Sum("amount"))["s"]
             or Decimal("0"))
    review.deduction = min(total, review.case.payable)


def defect_on(*, code, case):
    """The classifier's row of ``code`` in force in the case's month, or a field error."""
    defect = Defect.objects.filter(code=code).valid_on(last_day(case.period)).first()
    if defect is None:
        raise ValidationError({"defect": _("No defect %(c)s in force for %(m)s.") % {
            "c": code, "m": case.period.strftime("%m.%Y")}})
    return defect


@transaction.atomic
def finding_add(*, review, defect_code, note="", acting_user=None):
    review = _locked(review, acting_user)
    if review.status != Review.Status.OPEN:
        raise ValidationError({"defect": _("Findings are recorded while the review is open.")})
    defect = defect_on(code=defect_code, case=review.case)
    amount = (review.case.payable * defect.deduction_share).quantize(CENT)
    finding = save_audited(ReviewFinding(review=review, defect=defect, note=note, amount=amount),
                           acting_user=acting_user, action="add")
    if review.expert_id is None:
        review.expert = acting_user
    _refresh_deduction(review)
    save_audited(review, acting_user=acting_user, action="change",
                 reason=_("Finding %(c)s") % {"c": defect.code})
    return finding


@transaction.atomic
def review_conclude(*, review, conclusion, acting_user=None):
    review = _locked(review, acting_user)
    if review.status != Review.Status.OPEN:
        raise ValidationError({"conclusion": _("The review is already concluded.")})
    if not str(conclusion or "").strip():
        raise ValidationError({"conclusion": _("Write the conclusion.")})
    review.status, review.conclusion = Review.Status.CONCLUDED, conclusion.strip()
    review.expert = review.expert or acting_user
    _refresh_deduction(review)
    CaseDecision.objects.filter(case_id=review.case_id).update(outcome=Outcome.ACCEPTED)
    return save_audited(review, acting_user=acting_user, action="change", reason=_("Concluded"))


def _provider_may(review, acting_user):
    account = ProviderAccount.objects.filter(user=acting_user).first()
    if account is not None and account.provider_id != review.case.provider_id:
        raise PermissionDenied(_("Only the case's provider may dispute its review."))


@transaction.atomic
def review_dispute(*, review, reason, acting_user=None):
    """The provider disputes the conclusion, once, with a reason."""
    review = Review.objects.select_for_update().select_related("case").get(pk=review.pk)
    _provider_may(review, acting_user)
    require_scope(review, acting_user, "change")
    if review.dispute_reason:
        raise ValidationError({"reason": _("The review has been disputed already.")})
    if review.status != Review.Status.CONCLUDED:
        raise ValidationError({"reason": _("Only a concluded review can be disputed.")})
    if not str(reason or "").strip():
        raise ValidationError({"reason": _("Give the reason of the dispute.")})
    review.status, review.dispute_reason = Review.Status.DISPUTED, reason.strip()
    return save_audited(review, acting_user=acting_user, action="change",
                        reason=_("Disputed by the provider"))


@transaction.atomic
def dispute_decide(*, review, decision, withdraw=(), acting_user=None):
    """Decide the dispute: the findings named in ``withdraw`` (ids) are withdrawn."""
    review = _locked(review, acting_user)
    if review.status != Review.Status.DISPUTED:
        raise ValidationError({"decision": _("The review is not disputed.")})
    if not str(decision or "").strip():
        raise ValidationError({"decision": _("Write the decision.")})
    for finding in review.findings.filter(pk__in=list(withdraw)):
        finding.withdrawn = True
        save_audited(finding, acting_user=acting_user, action="change",
                     reason=_("Withdrawn after the dispute"))
    review.status, review.dispute_decision = Review.Status.CLOSED, decision.strip()
    _refresh_deduction(review)
    return save_audited(review, acting_user=acting_user, action="change",
                        reason=_("Dispute decided"))


@transaction.atomic
def care_not_received(*, case, text="", channel="api", acting_user=None):
    """The person's confirmed «I did not receive this care»: recorded, and the case goes to
    review with the highest risk (a review opened now if it has none)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    report = save_audited(PatientReport(case=case, channel=channel, text=str(text)[:2000]),
                          acting_user=acting_user, action="view", validate=False)
    top = selectors.highest_risk(period=case.period)
    decision = selectors.decision_of(case) or CaseDecision(case=case, period=case.period)
    reasons = list(decision.risk_reasons or [])
    if "PATIENT_REPORT" not in reasons:
        reasons.append("PATIENT_REPORT")
    decision.outcome, decision.risk_reasons = Outcome.REVIEW, reasons
    decision.risk_score = max(top, decision.risk_score) + Decimal("1")
    decision.save()
    review = Review.objects.filter(case=case).first()
    if review is None:
        # opened on the person's behalf: whoever may record the report may open it
        review = save_audited(Review(case=case, reason=Review.Reason.PATIENT),
                              acting_user=None, action="add",
                              reason=_("The patient reported the care did not happen"),
                              validate=False)
    elif review.status in (Review.Status.CONCLUDED, Review.Status.CLOSED):
        review.status = Review.Status.OPEN
        review.reason = Review.Reason.PATIENT
        save_audited(review, acting_user=acting_user, action="change", validate=False,
                     reason=_("Reopened: the patient reported the care did not happen"))
    return report

