"""Demo data of monitoring (``manage.py seed_demo``): last month's cases of a generated
world (``monitoring.synthetic``: its own providers, tariffs and patients, with defects of
every kind planted), loaded through the case import and controlled, so the worklist, the
dashboard and the person page have something to show. PostgreSQL only (COPY)."""

from django.db import connection
from django.utils import timezone

from osms.core.periods import add_months, first_of_month

from .control import month_control
from .importer.service import case_import, case_import_run_create
from .synthetic import build_world
from .synthetic_month import month_rows


def seed(*, rng, persons, stdout):
    if connection.vendor != "postgresql":
        if stdout:
            stdout.write("monitoring: demo cases need PostgreSQL; skipped.")
        return
    month = add_months(first_of_month(timezone.localdate()), -1)
    seed_value = rng.randrange(1, 10 ** 6)
    world = build_world(persons=max(200, min(persons // 5, 20000)), month=month,
                        seed=seed_value)
    rows, planted = month_rows(world, seed=seed_value)
    run = case_import(run=case_import_run_create(file_name="demo", source="command"),
                      rows=rows)
    control = month_control(period=month)
    if stdout:
        stdout.write(f"monitoring: {run.cases_new} cases of {month:%m.%Y}, "
                     f"{sum(map(len, planted.values()))} planted defects; {control.accepted} "
                     f"accepted, {control.rejected} rejected, {control.to_review} to review.")
