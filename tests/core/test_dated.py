"""``osms.core.dated``: one lookup of effective-dated rows for every app.

Interval rows (package versions, tariffs, coverage policy, purchasing rules, licences,
activities), schedules (rates, reference values, reconciliation rules), the condition
through a relation, the rows changing between two dates and the overlap check.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from osms.core.dated import in_force_q
from tests.factories import ActivityFactory, EmploymentFactory, PersonFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def test_interval_rows_in_force_include_both_ends():
    person = PersonFactory()
    activity = ActivityFactory(person=person, started_on=D(2024, 3, 1), ended_on=D(2024, 8, 31))
    from payers.models import Activity

    mine = Activity.objects.filter(person=person)
    assert [mine.valid_on(day).exists() for day in
            (D(2024, 2, 29), D(2024, 3, 1), D(2024, 8, 31), D(2024, 9, 1))] == [
        False, True, True, False]
    activity.ended_on = None
    activity.save()
    assert mine.valid_on(D(2099, 1, 1)).exists()


def test_a_relation_reaches_the_rows_in_force():
    """``in_force_q(Model, day, through=…)`` is ``valid_on`` of the related rows."""
    from packages.models import PackageRule, PackageVersion

    for day in (D(2025, 6, 1), D(2026, 1, 1), D(2026, 7, 1)):
        through = set(PackageRule.objects.filter(in_force_q(PackageVersion, day,
                                                            through="version")))
        direct = set(PackageRule.objects.filter(version__in=PackageVersion.objects.valid_on(day)))
        assert through == direct and through


def test_a_schedule_has_no_condition_through_a_relation():
    from payers.models import ReferenceValue

    with pytest.raises(TypeError, match="schedule"):
        in_force_q(ReferenceValue, D(2026, 1, 1))


def test_latest_on_a_schedule_is_the_row_valid_on_that_day():
    from payers.models import ReferenceValue

    mzp = ReferenceValue.objects.filter(kind="mzp", region__isnull=True)
    starts = sorted(mzp.values_list("valid_from", flat=True))
    assert len(starts) > 2
    for day in [starts[0] - datetime.timedelta(days=1), *starts,
                *(s + datetime.timedelta(days=40) for s in starts)]:
        valid = list(mzp.valid_on(day))
        assert len(valid) == (0 if day < starts[0] else 1)
        assert mzp.latest_on(day) == (valid[0] if valid else None)


def test_rows_changing_between_two_days():
    """A row comes into force on its start and goes out of force the day after its end."""
    from coverage.models import BenefitCategory, CategoryTerm

    category = BenefitCategory.objects.create(code="test_dated", name_ru="т", name_kk="т",
                                              name_en="t")
    CategoryTerm.objects.create(category=category, valid_from=D(2030, 1, 1),
                                valid_to=D(2030, 6, 30), payer="republican", partner="derived")
    mine = CategoryTerm.objects.filter(category=category)
    assert mine.changing_between(D(2029, 12, 31), D(2030, 1, 1)).exists()
    assert not mine.changing_between(D(2030, 1, 1), D(2030, 6, 30)).exists()
    assert mine.changing_between(D(2030, 6, 30), D(2030, 7, 1)).exists()
    assert not mine.changing_between(D(2030, 7, 1), D(2031, 1, 1)).exists()
    assert mine.changing_between(D(2029, 1, 1), D(2031, 1, 1)).exists()


def test_terms_of_one_category_must_not_overlap():
    from coverage.models import BenefitCategory, CategoryTerm

    category = BenefitCategory.objects.create(code="test_overlap", name_ru="т", name_kk="т",
                                              name_en="t")
    CategoryTerm.objects.create(category=category, valid_from=D(2030, 1, 1),
                                payer="republican", partner="derived")
    later = CategoryTerm(category=category, valid_from=D(2031, 1, 1), payer="republican",
                         partner="derived")
    with pytest.raises(ValidationError, match="overlaps another term"):
        later.full_clean()


def test_tariffs_overlap_only_within_their_key(db):
    """The key's foreign keys compare by id; another care type is another key."""
    from packages.models import CareType, TariffCaseRate

    phc, other = CareType.objects.order_by("code")[:2]
    TariffCaseRate.objects.create(code="K1", name="k", care_type=phc, severity=1,
                                  amount=Decimal("100.00"), valid_from=D(2030, 1, 1))
    same = TariffCaseRate(code="K1", name="k", care_type=phc, severity=1,
                          amount=Decimal("120.00"), valid_from=D(2030, 6, 1))
    with pytest.raises(ValidationError, match="Overlaps another row"):
        same.full_clean()
    TariffCaseRate(code="K1", name="k", care_type=other, severity=1, amount=Decimal("120.00"),
                   valid_from=D(2030, 6, 1)).full_clean()


def test_purchasing_rules_of_one_key_must_not_overlap():
    from purchasing.models import CompositionRule

    rule = CompositionRule.objects.filter(commission_kind="regional").latest_on(D(2026, 1, 1))
    assert rule.max_fund_share == Decimal("0.2500")
    assert CompositionRule.objects.filter(commission_kind="regional").latest_on(
        D(2022, 6, 1)).max_fund_share == Decimal("0.4000")
    overlapping = CompositionRule(
        commission_kind="regional", valid_from=D(2024, 1, 1), max_fund_share=Decimal("0.3"),
        quorum_share=Decimal("0.6667"), deputy_chair_body="x")
    with pytest.raises(ValidationError, match="Overlaps another row"):
        overlapping.full_clean()


def test_licences_and_employments_are_interval_rows_under_their_own_names():
    from packages.models import CareType
    from purchasing.models import Provider, ProviderLicence

    person = PersonFactory()
    EmploymentFactory(employee=person, started_on=D(2020, 1, 1), ended_on=D(2020, 12, 31))
    assert person.employments.valid_on(D(2020, 12, 31)).exists()
    assert not person.employments.valid_on(D(2021, 1, 1)).exists()
    provider = Provider.objects.create(bin="150340000019", name="P", ownership="private",
                                       region=person.region, staff_count=1)
    ProviderLicence.objects.create(provider=provider, care_type=CareType.objects.first(),
                                   number="L-1", issued_on=D(2019, 1, 1),
                                   valid_until=D(2025, 12, 31))
    assert provider.licences.valid_on(D(2025, 12, 31)).exists()
    assert not provider.licences.valid_on(D(2026, 1, 1)).exists()
    assert not provider.licences.valid_on(D(2018, 12, 31)).exists()
