"""A generated month with planted defects, loaded and controlled (shared by the tests)."""

import datetime
from collections import defaultdict

from django.utils import timezone

from monitoring.control import month_control
from monitoring.importer.service import case_import, case_import_run_create
from monitoring.models import Case, CaseVerdict
from monitoring.synthetic import build_world
from monitoring.synthetic_month import month_rows, write_csv
from osms.core.periods import add_months, first_of_month


def last_month():
    return add_months(first_of_month(timezone.localdate()), -1)


def loaded_month(tmp_path, *, persons=300, seed=5):
    month = last_month()
    world = build_world(persons=persons, month=month, seed=seed)
    rows, planted = month_rows(world, seed=seed)
    path = tmp_path / "cases.csv"
    write_csv(rows, path)
    run = case_import(run=case_import_run_create(file_name="cases.csv", source="command"),
                      path=str(path))
    return world, rows, planted, run


def found(period):
    """{rule code: {(БИН, case number)}} of the verdicts of the month."""
    result = defaultdict(set)
    for code, bin_, number in CaseVerdict.objects.filter(case__period=period).values_list(
            "rule_code", "case__provider__bin", "case__case_number"):
        result[code].add((bin_, number))
    return dict(result)


def control(period, **kwargs):
    return month_control(period=period, today=kwargs.pop("today", None)
                         or datetime.date.today(), **kwargs)


__all__ = ["Case", "control", "found", "last_month", "loaded_month"]
