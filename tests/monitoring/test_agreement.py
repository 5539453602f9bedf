"""The set-based control answers as the eligibility engine (``/api/v1/eligibility/``) on a
generated month: covered or not, and from which source, case by case."""

import pytest

from monitoring.models import Case
from packages.eligibility import check_eligibility
from tests.monitoring.month import control, loaded_month

pytestmark = [pytest.mark.django_db, pytest.mark.postgresql]

COVERAGE_RULES = {"AFTER_DEATH", "NOT_INSURED", "NOT_IN_PACKAGE"}


def test_control_agrees_with_eligibility_engine(tmp_path):
    world, _rows, _planted, _run = loaded_month(tmp_path, persons=240, seed=9)
    control(world.month)
    cases = (Case.objects.filter(period=world.month, person__isnull=False)
             .exclude(verdicts__rule_code="UNKNOWN_ICD10")
             .select_related("care_type").prefetch_related("verdicts").order_by("id"))
    sample = list(cases[::3])
    assert len(sample) > 150
    sources, disagreements = set(), []
    for case in sample:
        answer = check_eligibility(iin=case.iin, on=case.service_date,
                                   care_type=case.care_type.code, icd10=case.icd10)
        failed = {v.rule_code for v in case.verdicts.all()} & COVERAGE_RULES
        got = (not failed, case.funding_source or None)
        if got != (answer.covered, answer.funding_source):
            disagreements.append((case.case_number, got, answer.covered,
                                  answer.funding_source))
        sources.add(answer.funding_source)
    assert disagreements == []
    assert {"OSMS", "GOBMP", None} <= sources
