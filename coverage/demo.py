"""Demo category memberships for the demo registry (``manage.py seed_demo``).

Pensioners from the pension age, people with disabilities, full-time students of
18–22, mothers on childcare leave, registered unemployed and welfare levels D/E
(from 2026, local budgets), non-working kandases — in plausible shares, written
with one COPY (PostgreSQL) or bulk_create. Deterministic for ``rng``. Then a
full status recomputation as of the demo date on PostgreSQL.
"""

import datetime

from django.db import connection

from osms.core.periods import add_years
from payers.demo import DEMO_TODAY
from payers.selectors import person_rows

from .models import BenefitCategory, CategoryMembership, MembershipSource

PENSION_AGE = {"M": 63, "F": 61}  # 2026 (verify: the women's age rises by steps)
# code → (share among eligible persons, eligible(age, sex, citizenship))
SHARES = {
    "disabled": (0.04, lambda age, sex, cit: age >= 18),
    "students": (0.45, lambda age, sex, cit: 18 <= age <= 22),
    "childcare_leave": (0.12, lambda age, sex, cit: sex == "F" and 20 <= age <= 38),
    "unemployed": (0.03, lambda age, sex, cit: 18 <= age < 60),
    "welfare_d": (0.03, lambda age, sex, cit: 18 <= age < 60),
    "welfare_e": (0.008, lambda age, sex, cit: 18 <= age < 60),
    "kandas_non_working": (0.5, lambda age, sex, cit: cit == "kandas" and age >= 18),
}


def _rows(rng, today, categories):
    persons = person_rows("id", "birth_date", "sex", "citizenship")
    for person_id, born, sex, citizenship in persons.iterator(chunk_size=10000):
        if citizenship == "foreign_temporary":
            continue
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        if age >= PENSION_AGE[sex]:
            yield (person_id, categories["pensioners"], add_years(born, PENSION_AGE[sex]), None)
            continue
        for code, (share, eligible) in SHARES.items():
            if eligible(age, sex, citizenship) and rng.random() < share:
                starts = today - datetime.timedelta(days=rng.randint(20, 900))
                if code in ("welfare_d", "welfare_e", "unemployed"):
                    starts = max(starts, datetime.date(2026, 1, 1))
                ends = None
                if code in ("students", "childcare_leave", "unemployed") or rng.random() < 0.2:
                    ends = today + datetime.timedelta(days=rng.randint(-60, 400))
                    ends = max(ends, starts)
                yield (person_id, categories[code], starts, ends)
                break


def seed(*, rng, persons, stdout=None):
    categories = dict(BenefitCategory.objects.values_list("code", "id"))
    rows = [(pid, cid, starts, ends, MembershipSource.FEED, "demo")
            for pid, cid, starts, ends in _rows(rng, DEMO_TODAY, categories)]
    columns = ["person_id", "category_id", "starts_on", "ends_on", "source", "document",
               "changed_at"]
    now = datetime.datetime.now(datetime.UTC)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            table = CategoryMembership._meta.db_table
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row((*row, now))
    else:
        CategoryMembership.objects.bulk_create(
            [CategoryMembership(person_id=r[0], category_id=r[1], starts_on=r[2], ends_on=r[3],
                                source=r[4], document=r[5]) for r in rows],
            batch_size=2000, ignore_conflicts=True)
    if stdout is not None:
        stdout.write(f"coverage: {len(rows)} category memberships")
    if connection.vendor == "postgresql":
        from .services import status_recompute

        run = status_recompute(on=DEMO_TODAY, full=True)
        if stdout is not None:
            stdout.write(f"coverage: statuses of {run.persons} persons as of {run.on}")
