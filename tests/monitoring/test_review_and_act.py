"""Expert review (findings, one dispute, history) and the act built from cases: the
plan-to-date rule withholds over-execution and review deductions become quality
deductions; an act can no longer be typed in for an item with case data."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from monitoring import services
from monitoring.models import Case, Review
from osms.core.roles import EXPERT
from purchasing import services as purchasing
from purchasing.models import ContractItem
from purchasing.services.contracts import plan_to_date
from tests.factories import UserFactory
from tests.monitoring.month import control, loaded_month

pytestmark = [pytest.mark.django_db, pytest.mark.postgresql]


def test_review_deductions_flow_into_the_act(tmp_path):
    world, _rows, _planted, _run = loaded_month(tmp_path, persons=200, seed=21)
    control(world.month)
    expert = UserFactory(username="expert", region=world.region, roles=[EXPERT])
    review = (Review.objects.filter(case__decision__outcome="review", case__decision__risk_score__gt=0,
                                    case__contract_item__isnull=False)
              .select_related("case").order_by("id").first())
    assert review is not None and review.reason == "risk"
    case = review.case
    finding = services.finding_add(review=review, defect_code="D03", note="КЗГ завышена",
                                   acting_user=expert)
    assert finding.amount == (case.payable * Decimal("0.3")).quantize(Decimal("0.01"))
    services.review_conclude(review=review, conclusion="Степень тяжести завышена",
                             acting_user=expert)
    services.review_dispute(review=review, reason="Не согласны", acting_user=expert)
    with pytest.raises(ValidationError):
        services.review_dispute(review=review, reason="Ещё раз", acting_user=expert)
    review = services.dispute_decide(review=review, decision="Оставить", acting_user=expert)
    assert review.deduction == finding.amount
    assert [h.status for h in review.history.order_by("history_id")] == [
        "open", "concluded", "disputed", "closed"]  # opened by the control run

    item = ContractItem.objects.get(pk=case.contract_item_id)
    paid = Case.objects.filter(contract_item=item, period=world.month,
                               decision__outcome__in=("accepted", "review"))
    claimed = sum(c.payable for c in paid)
    item.amount = (claimed * 6).quantize(Decimal("0.01"))  # plan to date below the claim
    item.save()
    with pytest.raises(ValidationError):
        purchasing.act_record(item=item, period=world.month, volume_delivered=5)
    act = purchasing.act_build(item=item, period=world.month)
    plan = plan_to_date(item, world.month)
    assert act.volume_delivered == paid.count()
    assert act.amount_claimed == claimed
    assert act.amount_accepted == min(claimed, plan)
    assert act.over_execution_withheld == claimed - min(claimed, plan)
    assert act.quality_deductions == finding.amount
    assert act.amount_due == act.amount_accepted - finding.amount
    again = purchasing.act_build(item=item, period=world.month)
    assert again.quality_deductions == finding.amount and again.deductions.count() == 1


def test_patient_report_sends_the_case_to_review_with_the_highest_risk(tmp_path):
    world, _rows, _planted, _run = loaded_month(tmp_path, persons=120, seed=4)
    control(world.month)
    case = Case.objects.filter(decision__outcome="accepted", period=world.month).order_by("id").first()
    top = max(Case.objects.filter(period=world.month).values_list("decision__risk_score", flat=True))
    services.care_not_received(case=case, text="Не был в клинике")
    case.refresh_from_db()
    assert case.outcome == "review" and case.risk_score > top
    assert case.review.reason == "patient" and "PATIENT_REPORT" in case.risk_reasons
    control(world.month)  # a re-run keeps the case under review
    case.refresh_from_db()
    assert case.outcome == "review"
