"""From applications to an approved protocol: values, audit, votes, conflicts."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from purchasing import services
from purchasing.explain import explain_line
from purchasing.models import AllocationAdjustment, ConflictDeclaration, Protocol
from purchasing.services.allocations import allocation_inputs, inputs_digest
from tests.purchasing.scenario import vote_all

pytestmark = pytest.mark.django_db


def test_allocation_splits_ten_thousand_by_score(almaty_scenario):
    run = almaty_scenario.allocation
    lines = list(run.lines.order_by("rank"))
    assert [(ln.provider.name[-1], ln.volume) for ln in lines] == [
        ("А", 4445), ("Б", 3333), ("В", 2222)]
    assert [ln.amount for ln in lines] == [
        Decimal("55562500.00"), Decimal("41662500.00"), Decimal("27775000.00")]
    assert run.total_amount == Decimal("125000000.00") == almaty_scenario.campaign.budget
    assert "split in proportion to the score" in explain_line(lines[0])


def test_rerun_with_same_inputs_gives_same_digest_and_volumes(almaty_scenario):
    first = almaty_scenario.allocation
    again = services.allocation_run(campaign=almaty_scenario.campaign)
    assert again.version == 2 and again.inputs_digest == first.inputs_digest
    assert list(again.lines.order_by("rank").values_list("volume", flat=True)) == list(
        first.lines.order_by("rank").values_list("volume", flat=True))
    first.refresh_from_db()
    assert first.status == "superseded"
    assert inputs_digest(*allocation_inputs(almaty_scenario.campaign)) == first.inputs_digest


def test_adjustment_needs_a_reason_and_is_audited(almaty_scenario):
    line = almaty_scenario.allocation.lines.get(rank=1)
    member = almaty_scenario.users["m2"]
    with pytest.raises(ValidationError) as error:
        services.line_adjust(line=line, new_volume=4000, reason="", acting_user=member)
    assert "reason" in error.value.message_dict
    services.line_adjust(line=line, new_volume=4000,
                         reason="Кадровый дефицит по данным проверки", acting_user=member)
    adjustment = AllocationAdjustment.objects.get(line=line)
    assert (adjustment.old_volume, adjustment.new_volume) == (4445, 4000)
    assert (adjustment.old_amount, adjustment.new_amount) == (
        Decimal("55562500.00"), Decimal("50000000.00"))
    assert adjustment.user == member
    line.refresh_from_db()
    assert line.history.first().history_change_reason == "Кадровый дефицит по данным проверки"
    assert line.history.first().history_user == member
    almaty_scenario.allocation.refresh_from_db()
    assert almaty_scenario.allocation.total_volume == 9555


def test_adjustment_limits_ceiling_total_and_membership(almaty_scenario, almaty_operator):
    line = almaty_scenario.allocation.lines.get(rank=3)
    member = almaty_scenario.users["m2"]
    with pytest.raises(ValidationError, match="at most 6000"):
        services.line_adjust(line=line, new_volume=6001, reason="больше по просьбе",
                             acting_user=member)
    with pytest.raises(ValidationError, match="above the 10000"):
        services.line_adjust(line=line, new_volume=2300, reason="больше по просьбе",
                             acting_user=member)
    with pytest.raises(PermissionDenied):
        services.line_adjust(line=line, new_volume=2000, reason="оператор не член комиссии",
                             acting_user=almaty_operator)


def test_member_of_another_region_cannot_adjust(almaty_scenario, astana_scenario):
    line = almaty_scenario.allocation.lines.get(rank=1)
    with pytest.raises(PermissionDenied):
        services.line_adjust(line=line, new_volume=100, reason="чужой регион пытается",
                             acting_user=astana_scenario.users["m2"])


def test_conflicted_member_vote_does_not_count_for_that_provider(almaty_scenario):
    scenario = almaty_scenario
    provider_a = scenario.providers[0]
    # Four of seven vote for, three against; one "for" voter declared a tie to provider A.
    ConflictDeclaration.objects.create(member=scenario.members[2], provider=provider_a,
                                       nature="супруг — учредитель", declared_on=datetime.date(2025, 12, 1))
    for index, member in enumerate(scenario.members[:7]):
        services.vote_cast(meeting=scenario.meeting, user=member.user,
                           choice="for" if index < 4 else "against")
    tally = services.protocol_tally(scenario.protocol, scenario.meeting)
    row_a = next(r for r in tally["lines"] if r["provider"] == provider_a.name)
    assert (row_a["for"], row_a["against"], row_a["eligible"], row_a["recused"]) == (3, 3, 6, 1)
    assert row_a["passed"] is False
    row_b = tally["lines"][1]
    assert (row_b["for"], row_b["against"], row_b["passed"]) == (4, 3, True)
    with pytest.raises(ValidationError, match="No majority"):
        services.protocol_approve(protocol=scenario.protocol, acting_user=scenario.chair)


def test_secretary_does_not_vote_and_only_chair_approves(almaty_scenario):
    scenario = almaty_scenario
    with pytest.raises(PermissionDenied):
        services.vote_cast(meeting=scenario.meeting, user=scenario.users["secretary"],
                           choice="for")
    vote_all(scenario)
    with pytest.raises(PermissionDenied):
        services.protocol_approve(protocol=scenario.protocol, acting_user=scenario.users["m2"])
    protocol = services.protocol_approve(protocol=scenario.protocol, acting_user=scenario.chair)
    assert protocol.status == Protocol.Status.APPROVED
    assert protocol.decision["quorum"] == {"present": 7, "total": 7, "required": 5,
                                           "reached": True}
    scenario.campaign.refresh_from_db()
    assert scenario.campaign.status == "approved"
    with pytest.raises(ValidationError, match="no longer under review"):
        services.line_adjust(line=scenario.allocation.lines.first(), new_volume=1,
                             reason="после утверждения", acting_user=scenario.chair)


def test_adjustment_after_votes_requires_voting_again(almaty_scenario):
    scenario = almaty_scenario
    vote_all(scenario)
    services.line_adjust(line=scenario.allocation.lines.get(rank=2), new_volume=3000,
                         reason="Снижение по итогам выезда", acting_user=scenario.chair)
    assert scenario.meeting.votes.count() == 0
    with pytest.raises(ValidationError, match="No majority"):
        services.protocol_approve(protocol=scenario.protocol, acting_user=scenario.chair)


def test_no_quorum_blocks_approval(almaty_scenario):
    scenario = almaty_scenario
    scenario.meeting.present.set(scenario.members[:4])
    for member in scenario.members[:4]:
        services.vote_cast(meeting=scenario.meeting, user=member.user, choice="for")
    with pytest.raises(ValidationError, match="No quorum: 4 of 7"):
        services.protocol_approve(protocol=scenario.protocol, acting_user=scenario.chair)


def test_explanation_reads_in_russian_and_kazakh(almaty_scenario):
    line = almaty_scenario.allocation.lines.get(rank=1)
    with translation.override("ru"):
        assert explain_line(line).startswith(
            "Балл 80; запрошено 6\xa0000; собственная мощность 6\xa0000.")
        assert "пропорционально баллу" in explain_line(line)
    with translation.override("kk"):
        assert "балға пропорционал бөлінді" in explain_line(line)
