"""Providers (inclusion, rating), applications' validation, commission composition."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from packages.models import CareType
from purchasing import services
from purchasing.explain import explain_line
from purchasing.models import Application, CommissionMember, Provider, ProviderLicence
from tests.factories import next_bin
from tests.purchasing.scenario import YEAR, build, make_provider

pytestmark = pytest.mark.django_db


def test_inclusion_refused_names_each_failed_criterion(almaty):
    provider = Provider.objects.create(bin=next_bin(), name="ТОО «Без лицензии»",
                                       ownership="private", region=almaty, kato="751110000",
                                       locality="city", staff_count=0)
    with translation.override("en"):
        check = services.provider_check_inclusion(provider=provider,
                                                  on=datetime.date(2025, 11, 1))
    provider.refresh_from_db()
    assert check.included is False and provider.inclusion == Provider.Inclusion.REFUSED
    assert [c["code"] for c in check.criteria if not c["passed"]] == [
        "licence", "equipment", "staffing"]
    assert "no licence valid on 2025-11-01" in provider.refusal_reason


def test_rating_score_is_the_weighted_mean_of_components(almaty):
    provider = make_provider(almaty, "Р", care_type=CareType.objects.get(code="phc"))
    rating = services.provider_rate(
        provider=provider, year=YEAR, on=datetime.date(2025, 12, 1),
        values={"quality": 90, "throughput": 70, "staffing": 80, "equipment": 60,
                "complaints": 100})
    # 0.35×90 + 0.25×70 + 0.15×80 + 0.15×60 + 0.10×100 = 80.0
    assert rating.score == Decimal("80.00")
    assert rating.components.get(component__code="quality").points == Decimal("31.500")
    with pytest.raises(ValidationError, match="Missing rating components: staffing"):
        services.provider_rate(provider=provider, year=YEAR, on=datetime.date(2025, 12, 1),
                               values={"quality": 1, "throughput": 1, "equipment": 1,
                                       "complaints": 1})


def test_application_over_capacity_or_without_licence_is_rejected_with_reasons(almaty):
    scenario = build(almaty, prefix="app", allocate=False, open_meeting=False)
    campaign = scenario.campaign
    campaign.status = "announced"
    campaign.save()
    provider = scenario.providers[0]
    submitted = datetime.datetime(2025, 12, 2, 9, 0, tzinfo=datetime.UTC)
    with translation.override("en"):
        application = services.application_submit(campaign=campaign, provider=provider,
                                                  requested_volume=7000, submitted_at=submitted)
        assert application.status == Application.Status.REJECTED
        assert application.problems == [
            "Requested 7000 exceeds the capacity 6000 plus co-executors 0."]
        ProviderLicence.objects.filter(provider=provider).update(
            valid_until=datetime.date(2025, 12, 31))
        application = services.application_submit(campaign=campaign, provider=provider,
                                                  requested_volume=100, submitted_at=submitted)
        assert "No licence" in application.problems[0]
        late = datetime.datetime(2025, 12, 16, 9, 0, tzinfo=datetime.UTC)
        with pytest.raises(ValidationError, match="deadline 2025-12-15 has passed"):
            services.application_submit(campaign=campaign, provider=provider,
                                        requested_volume=100, submitted_at=late)


def test_rejected_application_gets_zero_with_the_reason_in_the_allocation(almaty):
    scenario = build(almaty, prefix="rej", allocate=False, open_meeting=False)
    Application.objects.filter(provider=scenario.providers[2]).update(
        status="rejected", problems=["Лицензия отозвана"])
    run = services.allocation_run(campaign=scenario.campaign)
    line = run.lines.get(provider=scenario.providers[2])
    assert line.volume == 0 and line.limit == "ineligible"
    assert "Лицензия отозвана" in explain_line(line)
    assert sorted(run.lines.values_list("volume", flat=True)) == [0, 4286, 5714]


def test_composition_rules_fund_share_deputy_chair_and_region(almaty, astana):
    scenario = build(almaty, prefix="cmp", allocate=False, open_meeting=False)
    commission = scenario.commission
    on = datetime.date(2025, 10, 1)
    assert services.composition_problems(commission, on) == []
    # Two more Fund members: 3 of 9 voting members = 33 % > 25 %.
    for index in range(2):
        CommissionMember.objects.create(commission=commission, full_name=f"Фонд {index}",
                                        organisation_name="ФСМС", body="fund", role="member")
    deputy = commission.members.get(role="deputy_chair")
    deputy.is_deputy_head_or_above = False
    deputy.save()
    member = commission.members.filter(role="member", user__isnull=False).first()
    member.user.region = astana
    member.user.save()
    with translation.override("en"):
        problems = services.composition_problems(commission, on)
        assert problems == [
            f"Deputy chair {deputy.full_name} must be at least a deputy head of the health "
            "department.",
            "Fund staff are 3 of 9 voting members; at most 25% are allowed.",
            f"{member.full_name}'s user account belongs to another region.",
        ]
        # Before 2023 the Fund could hold 40 %: the share rule is effective-dated data.
        old = services.composition_problems(commission, datetime.date(2022, 6, 1))
        assert not any("Fund staff" in p for p in old)
