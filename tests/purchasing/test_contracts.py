"""Contracts from the protocol; monthly acts: over-execution withheld, deductions, payments."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from purchasing import selectors, services
from purchasing.models import Campaign, Contract, ExecutionAct
from tests.purchasing.scenario import vote_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def contracted(almaty_scenario):
    scenario = almaty_scenario
    vote_all(scenario)
    services.protocol_approve(protocol=scenario.protocol, acting_user=scenario.chair)
    items = services.contracts_from_protocol(protocol=scenario.protocol)
    for item in items:
        services.contract_sign(contract=item.contract, signed_on=datetime.date(2025, 12, 28))
    return scenario, {item.contract.provider.name[-1]: item for item in items}


def test_contracts_carry_protocol_volumes_and_sums(contracted, hq_operator):
    scenario, items = contracted
    assert {k: (i.volume, i.amount) for k, i in items.items()} == {
        "А": (4445, Decimal("55562500.00")), "Б": (3333, Decimal("41662500.00")),
        "В": (2222, Decimal("27775000.00"))}
    assert items["А"].contract.number == f"75-2026-{scenario.providers[0].bin}"
    scenario.campaign.refresh_from_db()
    assert scenario.campaign.status == Campaign.Status.CONTRACTED
    again = services.contracts_from_protocol(protocol=scenario.protocol)
    assert sorted(i.pk for i in again) == sorted(i.pk for i in items.values())
    assert Contract.objects.count() == 3


def test_over_execution_is_withheld_and_deductions_reduce_payment(contracted):
    _scenario, items = contracted
    item = items["Б"]  # 3 333 persons a year at 12 500: 41 662 500, plan per month 3 471 875
    january = services.act_record(item=item, period=datetime.date(2026, 1, 1),
                                  volume_delivered=300)
    assert january.amount_claimed == Decimal("3750000.00")
    assert january.plan_to_date == Decimal("3471875.00")
    assert january.amount_accepted == Decimal("3471875.00")
    assert january.over_execution_withheld == Decimal("278125.00")
    services.deduction_add(act=january, indicator="Необоснованная госпитализация",
                           amount=Decimal("50000.00"), reason="Экспертиза качества, случай 17")
    january.refresh_from_db()
    assert january.quality_deductions == Decimal("50000.00")
    assert january.amount_due == Decimal("3421875.00")
    services.act_approve(act=january)
    # February under plan: room = 6 943 750 − 3 471 875; claim 200 × 12 500 fits entirely.
    february = services.act_record(item=item, period=datetime.date(2026, 2, 1),
                                   volume_delivered=200)
    assert (february.amount_accepted, february.over_execution_withheld) == (
        Decimal("2500000.00"), Decimal("0.00"))
    with pytest.raises(ValidationError, match="later months"):
        services.act_record(item=item, period=datetime.date(2026, 1, 1), volume_delivered=1)
    with pytest.raises(ValidationError, match="exceed"):
        services.deduction_add(act=february, indicator="x", amount=Decimal("2500000.01"),
                               reason="больше принятого")
    services.act_approve(act=february)
    due = ExecutionAct.objects.filter(item=item, status=ExecutionAct.Status.APPROVED)
    assert sum(a.amount_due for a in due) == Decimal("5921875.00")


def test_amendment_changes_volume_and_sum_never_below_accepted(contracted):
    _scenario, items = contracted
    item = items["В"]
    services.act_record(item=item, period=datetime.date(2026, 1, 1), volume_delivered=100)
    amendment = services.contract_amend(item=item, new_volume=2500, reason="Рост прикрепления",
                                        signed_on=datetime.date(2026, 2, 1))
    item.refresh_from_db()
    assert (amendment.number, amendment.old_volume, amendment.new_volume) == (1, 2222, 2500)
    assert item.amount == Decimal("31250000.00")
    with pytest.raises(ValidationError, match="below"):
        services.contract_amend(item=item, new_volume=99, reason="Сокращение",
                                signed_on=datetime.date(2026, 3, 1))


def test_monitoring_report_per_region_and_provider(contracted, hq_operator, client):
    _scenario, items = contracted
    services.act_record(item=items["А"], period=datetime.date(2026, 1, 1), volume_delivered=370)
    rows = selectors.execution_report(user=hq_operator, year=2026,
                                      group_by=("contract__region__name_ru",))
    assert len(rows) == 1
    assert rows[0]["plan"] == Decimal("125000000.00")
    assert rows[0]["accepted"] == Decimal("4625000.00")
    assert round(rows[0]["executed_share"], 2) == 3.70
    client.force_login(hq_operator)
    page = client.get("/admin/purchasing/contract/monitoring/?year=2026")
    assert page.status_code == 200
    assert 'data-row="город Алматы"' in page.content.decode()
