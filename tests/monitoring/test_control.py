"""The set-based control finds exactly the defects planted in a generated month."""

import pytest

from monitoring.models import Case, CaseService, Review
from tests.monitoring.month import control, found, loaded_month

pytestmark = [pytest.mark.django_db, pytest.mark.postgresql]


def test_planted_defects_found_exactly(tmp_path):
    world, rows, planted, run = loaded_month(tmp_path)
    assert run.status == "done", run.error
    assert run.rows_total == len(rows) and run.rows_rejected == 0
    assert run.cases_new == len(rows)
    result = control(world.month)
    assert found(world.month) == planted
    assert set(planted) >= {"PATIENT_UNKNOWN", "DUPLICATE_SERVICE", "OVERLAPPING_STAY",
                            "OUTPATIENT_DURING_STAY", "SEX_DIAGNOSIS", "AGE_DIAGNOSIS"}
    rejected = set().union(*(v for k, v in planted.items()
                             if k not in ("SEX_DIAGNOSIS", "AGE_DIAGNOSIS")))
    got = set(Case.objects.filter(decision__outcome="rejected").values_list("provider__bin",
                                                                   "case_number"))
    assert got == rejected
    assert result.rejected == len(rejected)
    assert result.cases == len(rows)
    assert Review.objects.count() == result.to_review > 0
    assert CaseService.objects.count() >= len([r for r in rows if r[13]])
    # the rules are dated data: a rule ended before the month is not applied on a re-run
    from monitoring.models import ControlRule
    from osms.core.periods import add_months

    ControlRule.objects.filter(code="AMOUNT_MISMATCH").update(
        valid_to=add_months(world.month, -1))
    rerun = control(world.month)
    assert "AMOUNT_MISMATCH" not in rerun.rules
    assert found(world.month) == {k: v for k, v in planted.items() if k != "AMOUNT_MISMATCH"}
    assert not Case.objects.filter(case_number__in=[n for _b, n in planted["AMOUNT_MISMATCH"]],
                                   decision__outcome="rejected").exists()
