"""A region's purchasing scenario built through the services, as an operator would.

Almaty (city, PHC cap 50 %): three included providers with ratings 80 / 60 / 40,
a lawful commission of 7 voting members plus a secretary, a PHC campaign for 2026
of 10 000 attached persons at 12 500 ₸ (budget 125 000 000 ₸), three
applications, closed and allocated, and an open meeting with everyone present.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from osms.core.roles import COMMISSION_MEMBER
from packages.models import CareType
from purchasing import services
from purchasing.models import (
    Commission,
    CommissionMember,
    Provider,
    ProviderCapacity,
    ProviderLicence,
)
from tests.factories import UserFactory, next_bin

YEAR = 2026
PRICE = Decimal("12500.00")

MEMBERS = [
    # role, body, deputy head or above
    ("chair", "fund", False),
    ("deputy_chair", "health_department", True),
    ("member", "atameken", False),
    ("member", "ngo", False),
    ("member", "medical_control", False),
    ("member", "sanitary_control", False),
    ("member", "local_executive", False),
    ("secretary", "fund", False),
]


@dataclass
class Scenario:
    region: object
    care_type: object
    commission: object
    members: list
    providers: list
    campaign: object
    allocation: object = None
    meeting: object = None
    users: dict = field(default_factory=dict)

    @property
    def chair(self):
        return self.users["chair"]

    @property
    def protocol(self):
        return self.allocation.protocol


def make_provider(region, name, *, own=4000, score=80, locality="city", care_type=None):
    provider = Provider.objects.create(
        bin=next_bin(), name=name, ownership="private", region=region,
        kato=region.kato[:2] + "1110000", locality=locality, staff_count=40,
        attached_population=own, has_required_equipment=True,
    )
    ProviderLicence.objects.create(provider=provider, care_type=care_type, number=f"L-{name}",
                                   issued_on=datetime.date(2019, 1, 1))
    ProviderCapacity.objects.create(provider=provider, care_type=care_type, year=YEAR,
                                    annual_volume=own)
    services.provider_check_inclusion(provider=provider, on=datetime.date(2025, 11, 1))
    services.provider_rate(provider=provider, year=YEAR, on=datetime.date(2025, 12, 1),
                           values={code: score for code in
                                   ("quality", "throughput", "staffing", "equipment",
                                    "complaints")})
    provider.refresh_from_db()
    return provider


def build(region, *, prefix="alm", allocate=True, open_meeting=True):
    phc = CareType.objects.get(code="phc")
    commission = Commission.objects.create(kind="regional", region=region,
                                           name=f"Комиссия {region.name_ru}")
    users, members = {}, []
    for index, (role, body, deputy_head) in enumerate(MEMBERS):
        user = UserFactory(username=f"{prefix}_{role}_{index}", region=region,
                           roles=[COMMISSION_MEMBER])
        members.append(CommissionMember.objects.create(
            commission=commission, full_name=f"Член {index} {region.name_ru}",
            organisation_name=body, body=body, role=role, is_deputy_head_or_above=deputy_head,
            user=user))
        users.setdefault(role, user)
        users[f"m{index}"] = user
    services.commission_form(commission=commission, formed_on=datetime.date(2025, 10, 1))
    providers = [
        make_provider(region, f"{prefix}-Поликлиника А", own=6000, score=80, care_type=phc),
        make_provider(region, f"{prefix}-Поликлиника Б", own=6000, score=60, care_type=phc),
        make_provider(region, f"{prefix}-Поликлиника В", own=6000, score=40, care_type=phc),
    ]
    campaign = services.campaign_create(
        year=YEAR, region=region, care_type=phc, planned_volume=10000, unit="attached persons",
        unit_price=PRICE, applications_deadline=datetime.date(2025, 12, 15),
        commission=commission)
    services.campaign_announce(campaign=campaign, announced_on=datetime.date(2025, 11, 15))
    submitted = datetime.datetime(2025, 12, 1, 10, 0, tzinfo=datetime.UTC)
    for provider in providers:
        services.application_submit(campaign=campaign, provider=provider, requested_volume=6000,
                                    submitted_at=submitted)
    services.campaign_close(campaign=campaign)
    scenario = Scenario(region, phc, commission, members, providers, campaign, users=users)
    if allocate:
        scenario.allocation = services.allocation_run(campaign=campaign)
    if open_meeting:
        scenario.meeting = services.meeting_open(campaign=campaign,
                                                 held_on=datetime.date(2025, 12, 20),
                                                 present=members)
    campaign.refresh_from_db()
    return scenario


def vote_all(scenario, choice="for"):
    for member in scenario.members:
        if member.role != "secretary":
            services.vote_cast(meeting=scenario.meeting, user=member.user, choice=choice)
