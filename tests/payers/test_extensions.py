"""What other apps contribute to payers, found by module, not patched in at import time."""

import datetime

import pytest

from payers.extensions import OBLIGATION_SOURCES, PERSON_PANELS, ObligationSource


def test_person_page_sections_in_app_order():
    contributors = [(label, item.__name__) for label, item in PERSON_PANELS.contributors()]
    assert contributors == [("payers", "person_payments_panel"),
                            ("coverage", "person_coverage_panel"),
                            ("packages", "person_package_panel"),
                            ("monitoring", "person_care_panel")]


@pytest.mark.django_db
def test_arrears_obligations_come_from_the_declarations():
    [(label, source)] = OBLIGATION_SOURCES.contributors()
    assert label == "reconciliation" and isinstance(source, ObligationSource)
    sql, params = source.select(periods=[datetime.date(2026, 1, 1)])
    assert sql.lstrip().startswith("WITH terms") and "SELECT" in sql
    assert params[0] == datetime.date(2026, 1, 1)
    assert {"employer_deduction", "employee_contribution"} <= set(params)
    assert source.select(periods=[]) == ("", [])
