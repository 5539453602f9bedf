import io
import random
from decimal import Decimal

import pytest

from purchasing import demo
from purchasing.models import Allocation, Campaign, Contract, ExecutionAct, Provider

pytestmark = pytest.mark.django_db


def test_demo_seeds_every_region_within_budget_and_is_idempotent():
    out = io.StringIO()
    demo.seed(rng=random.Random(2026), persons=100, stdout=out)
    assert Campaign.objects.count() == 20
    assert Provider.objects.count() >= 80
    for run in Allocation.objects.select_related("campaign"):
        assert run.total_amount <= run.campaign.budget
        assert run.total_volume == run.distributable_volume  # capacity exceeds the plan
    astana = Campaign.objects.get(region__kato="710000000")
    assert astana.status == Campaign.Status.CONTRACTED
    assert Contract.objects.filter(region__kato="710000000", status="signed").exists()
    january = ExecutionAct.objects.filter(period__month=1)
    assert all(a.over_execution_withheld > Decimal("0") for a in january)
    almaty = Campaign.objects.get(region__kato="750000000")
    assert almaty.commission.members.get(role="chair").user.username == "almaty_commission"
    demo.seed(rng=random.Random(2026), persons=100, stdout=out)
    assert Campaign.objects.count() == 20 and "skipped" in out.getvalue()
