"""Demo purchasing data (``manage.py seed_demo``): providers and one PHC campaign per region.

Set-based: providers, licences, capacities, ratings, commissions and members,
campaigns and applications are written with ``bulk_create`` per table; then the
allocation algorithm runs once per region. Almaty's allocation is left under
review with an open meeting, its commission chaired by the demo user
``almaty_commission`` (so the review page can be tried); Astana's protocol is
approved, contracted and executed for three months (the monitoring chart).
Deterministic for ``rng``; skipped when providers already exist.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from osms.core.models import Region, User
from packages.selectors import care_type_list
from payers.validators import make_bin

from . import services
from .models import (
    Application,
    Campaign,
    Commission,
    CommissionMember,
    InclusionCheck,
    Protocol,
    Provider,
    ProviderCapacity,
    ProviderLicence,
    ProviderRating,
    RatingComponent,
    RatingScore,
    Vote,
)

YEAR = 2027
ANNOUNCED = datetime.date(2026, 10, 1)
DEADLINE = datetime.date(2026, 11, 15)
DEMO_PRICE = Decimal("14400.00")  # used only when no PHC tariff is in force
MEMBERS = [
    ("chair", "fund", "Директор филиала ФСМС", False),
    ("deputy_chair", "health_department", "Заместитель руководителя УЗ", True),
    ("member", "atameken", "Эксперт НПП «Атамекен»", False),
    ("member", "ngo", "Представитель НПО", False),
    ("member", "medical_control", "Департамент КМФК", False),
    ("member", "sanitary_control", "Департамент СЭК", False),
    ("member", "local_executive", "Акимат", False),
    ("secretary", "fund", "Главный специалист филиала", False),
]
NAMES = ["Городская поликлиника №", "ТОО «Медицинский центр", "ГКП на ПХВ «Поликлиника",
         "ТОО «Семейный врач", "ТОО «Клиника здоровья"]


def _bins(count, start):
    serial, result = start, []
    while len(result) < count:
        value = make_bin(2004, 1 + serial % 12, serial)
        serial += 1
        if value:
            result.append(value)
    return result


def _price(phc, region):
    from .tariffs import unit_price

    for on in (datetime.date(YEAR, 1, 1), ANNOUNCED):  # next year's tariff, else today's
        try:
            return unit_price(care_type=phc, region=region, on=on)
        except ValidationError:
            continue
    return DEMO_PRICE, "demo price"  # no tariff data in this database


@transaction.atomic
def seed(*, rng, persons, stdout):
    if Provider.objects.exists():
        stdout.write("purchasing: providers exist, skipped")
        return
    phc = care_type_list().get(code="phc")
    regions = list(Region.objects.order_by("kato"))
    components = list(RatingComponent.objects.valid_on(datetime.date(YEAR - 1, 12, 1)))
    per_region = [rng.randint(4, 6) for _ in regions]
    bins = iter(_bins(sum(per_region), 40000))
    providers = []
    for region, count in zip(regions, per_region, strict=True):
        for index in range(count):
            providers.append(Provider(
                bin=next(bins), name=f"{NAMES[index % len(NAMES)]} {index + 1}» ({region.center})",
                ownership="state" if index == 0 else "private", region=region,
                kato=f"{region.kato[:2]}{rng.randint(1000000, 9999999)}",
                locality="city" if region.kind == "city" or index % 2 == 0 else "district",
                staff_count=rng.randint(30, 400), attached_population=0,
                has_required_equipment=True, inclusion=Provider.Inclusion.INCLUDED,
                inclusion_checked_on=ANNOUNCED))
    providers = Provider.objects.bulk_create(providers)
    by_region = {}
    for provider in providers:
        by_region.setdefault(provider.region_id, []).append(provider)
    planned = {r.pk: max(1000, r.population // 20) for r in regions}
    capacities, licences, checks, ratings = [], [], [], []
    for region in regions:
        group = by_region[region.pk]
        for provider in group:
            own = int(planned[region.pk] * rng.uniform(0.25, 0.45))
            provider.attached_population = own
            capacities.append(ProviderCapacity(provider=provider, care_type=phc, year=YEAR,
                                               annual_volume=own))
            licences.append(ProviderLicence(provider=provider, care_type=phc,
                                            number=f"KZ{provider.bin[-8:]}",
                                            issued_on=datetime.date(2015, 1, 1)))
            checks.append(InclusionCheck(provider=provider, checked_on=ANNOUNCED, included=True,
                                         criteria=[{"code": c, "passed": True, "detail": "demo"}
                                                   for c in ("licence", "equipment", "staffing")]))
            ratings.append(ProviderRating(provider=provider, year=YEAR, computed_on=ANNOUNCED))
    Provider.objects.bulk_update(providers, ["attached_population"])
    ProviderCapacity.objects.bulk_create(capacities)
    ProviderLicence.objects.bulk_create(licences)
    InclusionCheck.objects.bulk_create(checks)
    ratings = ProviderRating.objects.bulk_create(ratings)
    scores, total_weight = [], sum(c.weight for c in components)
    for rating in ratings:
        values = {c.code: Decimal(rng.randint(40, 100)) for c in components}
        for c in components:
            scores.append(RatingScore(rating=rating, component=c, value=values[c.code],
                                      weight=c.weight, points=values[c.code] * c.weight))
        rating.score = (sum(values[c.code] * c.weight for c in components)
                        / total_weight).quantize(Decimal("0.01"))
    RatingScore.objects.bulk_create(scores)
    ProviderRating.objects.bulk_update(ratings, ["score"])
    commissions = Commission.objects.bulk_create(
        Commission(kind="regional", region=r, name=f"Региональная комиссия — {r.name_ru}",
                   status=Commission.Status.FORMED, formed_on=datetime.date(2026, 9, 1))
        for r in regions)
    chair_user = _demo_chair()
    members = []
    for commission in commissions:
        for role, body, position, deputy in MEMBERS:
            user = chair_user if role == "chair" and commission.region_id == chair_user.region_id \
                else None
            members.append(CommissionMember(
                commission=commission, full_name=f"{position} ({commission.region.center})",
                organisation_name=position, body=body, position=position,
                is_deputy_head_or_above=deputy, role=role, user=user))
    CommissionMember.objects.bulk_create(members)
    campaigns = []
    for region, commission in zip(regions, commissions, strict=True):
        price, source = _price(phc, region)
        campaigns.append(Campaign(
            year=YEAR, region=region, care_type=phc, unit="attached persons",
            planned_volume=planned[region.pk], unit_price=price, tariff_source=source,
            budget=(price * planned[region.pk]).quantize(Decimal("0.01")),
            status=Campaign.Status.CLOSED, announced_on=ANNOUNCED,
            applications_deadline=DEADLINE, commission=commission,
            title=f"ПМСП {YEAR} — {region.name_ru}"))
    campaigns = Campaign.objects.bulk_create(campaigns)
    submitted = datetime.datetime(2026, 11, 1, 10, 0, tzinfo=datetime.UTC)
    Application.objects.bulk_create(
        Application(campaign=campaign, provider=provider,
                    requested_volume=int(provider.attached_population * rng.uniform(0.9, 1.0)),
                    submitted_at=submitted)
        for campaign in campaigns for provider in by_region[campaign.region_id])
    for campaign in campaigns:
        services.allocation_run(campaign=campaign)
    _review_and_contract(campaigns, stdout)
    stdout.write(f"purchasing: {len(providers)} providers, {len(campaigns)} campaigns")


def _demo_chair():
    almaty = Region.objects.get(kato="750000000")
    user, _created = User.objects.get_or_create(
        username="almaty_commission", defaults={"region": almaty, "is_staff": True})
    return user


def _review_and_contract(campaigns, stdout):
    by_kato = {c.region.kato: c for c in campaigns}
    almaty = by_kato["750000000"]
    seats = list(almaty.commission.members.all())
    services.meeting_open(campaign=almaty, held_on=datetime.date(2026, 11, 20), present=seats)
    astana = by_kato["710000000"]
    seats = list(astana.commission.members.all())
    meeting = services.meeting_open(campaign=astana, held_on=datetime.date(2026, 11, 20),
                                    present=seats)
    run = astana.allocations.get()
    Vote.objects.bulk_create(Vote(meeting=meeting, member=m, choice="for")
                             for m in seats if m.can_vote)
    protocol = Protocol.objects.get(allocation=run)
    protocol.status, protocol.meeting = Protocol.Status.APPROVED, meeting
    protocol.decision = services.protocol_tally(protocol, meeting)
    protocol.save()
    run.status = "approved"
    run.save(update_fields=["status"])
    astana.status = Campaign.Status.APPROVED
    astana.save(update_fields=["status"])
    for item in services.contracts_from_protocol(protocol=protocol):
        services.contract_sign(contract=item.contract, signed_on=datetime.date(2026, 12, 20))
        monthly = item.volume // 12
        for month, factor in ((1, Decimal("1.10")), (2, Decimal("0.95")), (3, Decimal("1.0"))):
            act = services.act_record(item=item, period=datetime.date(YEAR, month, 1),
                                      volume_delivered=int(monthly * factor))
            services.act_approve(act=act)
    stdout.write("purchasing: Almaty under review, Astana contracted with three months of acts")
