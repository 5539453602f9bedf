"""SIGKILL of the worker in the middle of a payment import, a category feed and a
declaration import (issue 17); the next run of the same file ends exactly as an
uninterrupted one: the same ledger (count, sum, rows), memberships, declarations.

Mid-way is made certain, not timed: the test inserts, in a transaction it keeps open, a row
with the natural key of one line of the file; the job's set-based insert reaches that key
and waits on the unique index, with the earlier work of its transaction done. It is killed
there; the holder then rolls back, so the next run finds nothing in the way.
"""

import datetime

import pytest
from django.db import connections

from coverage.models import BenefitCategory
from tests.factories import OrganisationFactory, PersonFactory

from .helpers import (
    connect,
    database_name,
    finish,
    kill_and_reap,
    manage,
    rows,
    sessions_waiting_on_a_lock,
    start,
    twin_database,
    wait_for,
)

pytestmark = [pytest.mark.postgresql,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]

EMPLOYER = "990440000494"


def _interrupted(tmp_path, args, *, block, status_sql):
    """Run the job on a twin to its end and on the test database until it waits on the
    blocking row, kill it there, then run it again; returns (name, twin) still open."""
    name = database_name()
    with connect(name, autocommit=True) as observer, connect(name) as holder:
        holder.execute(*block)
        job = start(name, *args)
        try:
            def midway():
                running = observer.execute(status_sql).fetchone()
                return running if running and sessions_waiting_on_a_lock(observer, name) \
                    else None

            wait_for(midway, what="the import to wait mid-way", process=job)
            kill_and_reap(job, observer, name, holder)
        finally:
            if job.poll() is None:
                job.kill()
    connections.close_all()
    manage(name, *args)  # the next run of the same file
    return name


def test_a_killed_payment_import_posts_the_file_exactly_once_on_the_next_run(
        tmp_path, monkeypatch):
    persons = [PersonFactory() for _ in range(40)]
    lines = ["payer_id,iin,last_name,first_name,period,knp,amount,paid_on,document_no"]
    for month in range(1, 11):
        for n, person in enumerate(persons):
            lines.append(f"{EMPLOYER},{person.iin},Иванов,Руслан,{month:02d}2026,121,"
                         f"{1000 + n}.50,2026-11-02,PP-{month}-{n}")
    path = tmp_path / "payments.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setenv("PAYMENTS_IMPORT_CHUNK_ROWS", "60")  # 7 chunks
    victim = persons[5]  # in the 8th month's lines: the 6th chunk
    block = ("INSERT INTO payers_payment (person_id, iin, payer_code, period, kind, knp, "
             "amount, paid_on, document_no, note, posted_at) VALUES (%s, %s, %s, %s, "
             "'employee_contribution', '121', 1, '2026-11-02', 'PP-8-5', '', now())",
             [victim.pk, victim.iin, EMPLOYER, datetime.date(2026, 8, 1)])
    ledger = ("SELECT iin, period, knp, amount::text, document_no, payer_code, kind "
              "FROM payers_payment")
    with twin_database() as twin:
        uninterrupted = start(twin, "import_payments", str(path))
        name = _interrupted(tmp_path, ("import_payments", str(path)), block=block,
                            status_sql="SELECT id FROM payers_importrun "
                                       "WHERE status = 'running'")
        finish(uninterrupted)
        assert rows(name, ledger) == rows(twin, ledger)
        assert len(rows(name, ledger)) == 400
        totals = "SELECT count(*), sum(amount)::text FROM payers_payment"
        assert rows(name, totals) == rows(twin, totals) == [(400, "408000.00")]
        leftovers = ("SELECT count(*) FROM pg_class WHERE relname LIKE 'payment\\_prep\\_%%' "
                     "AND relpersistence = 'u'")
        assert rows(name, leftovers) == [(0,)]  # the killed run's prepared chunks are gone


def test_a_killed_category_feed_loads_every_membership_once_on_the_next_run(tmp_path):
    persons = [PersonFactory() for _ in range(60)]
    pensioners = BenefitCategory.objects.get(code="pensioners")
    lines = ["iin;category;starts_on;ends_on;document"]
    lines += [f"{p.iin};pensioners;2026-0{1 + n % 9}-01;;решение {n}"
              for n, p in enumerate(persons)]
    path = tmp_path / "feed.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    victim = persons[40]
    block = ("INSERT INTO coverage_categorymembership (person_id, category_id, starts_on, "
             "source, document, changed_at) VALUES (%s, %s, %s, 'feed', '', now())",
             [victim.pk, pensioners.pk, datetime.date(2026, 1 + 40 % 9, 1)])
    memberships = ("SELECT p.iin, m.starts_on, m.ends_on, m.document, m.source FROM "
                   "coverage_categorymembership m JOIN payers_person p ON p.id = m.person_id")
    args = ("import_category_feed", str(path), "--partner", "labour_is")
    with twin_database() as twin:
        uninterrupted = start(twin, *args)
        name = _interrupted(tmp_path, args, block=block,
                            status_sql="SELECT id FROM coverage_categoryfeedrun "
                                       "WHERE status = 'running'")
        finish(uninterrupted)
        assert rows(name, memberships) == rows(twin, memberships)
        assert len(rows(name, memberships)) == 60
        runs = ("SELECT status, rows_total, rows_loaded, rows_unchanged, rows_rejected "
                "FROM coverage_categoryfeedrun")
        assert rows(name, runs) == rows(twin, runs) == [("done", 60, 60, 0, 0)]
        history = "SELECT count(*) FROM coverage_historicalcategorymembership"
        assert rows(name, history) == rows(twin, history) == [(60,)]


def test_a_killed_declaration_import_loads_every_line_once_on_the_next_run(tmp_path):
    employer = OrganisationFactory()
    persons = [PersonFactory() for _ in range(50)]
    header = ("employer_bin;iin;period;income;osms_deduction;osms_contribution;ipn;"
              "social_tax;opv;so")
    first = tmp_path / "first.csv"
    first.write_text(f"{header}\n{employer.bin};{persons[0].iin};2026-01;100;2;2;10;9;10;5\n",
                     encoding="utf-8")
    manage(database_name(), "import_declarations", str(first))  # a run the holder can cite
    lines = [header] + [f"{employer.bin};{p.iin};2026-{m:02d};{200000 + n}.00;4000;4000;"
                        f"18000;19000;20000;7000" for m in (2, 3) for n, p in enumerate(persons)]
    path = tmp_path / "declarations.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    victim = persons[30]
    block = ("INSERT INTO reconciliation_declaration (employer_bin, iin, period, income, "
             "osms_deduction, osms_contribution, ipn, social_tax, opv, so, employer_id, "
             "person_id, import_run_id, row_no) SELECT %s, %s, '2026-03-01', 1, 0, 0, 0, 0, "
             "0, 0, %s, NULL, MIN(id), 1 FROM reconciliation_declarationimportrun",
             [employer.bin, victim.iin, employer.pk])
    declarations = ("SELECT employer_bin, iin, period, income::text, opv::text, "
                    "person_id IS NULL FROM reconciliation_declaration")
    args = ("import_declarations", str(path))
    with twin_database() as twin:
        uninterrupted = start(twin, *args)
        name = _interrupted(tmp_path, args, block=block,
                            status_sql="SELECT id FROM reconciliation_declarationimportrun "
                                       "WHERE status = 'running'")
        finish(uninterrupted)
        assert rows(name, declarations) == rows(twin, declarations)
        count = "SELECT count(*), sum(income)::text FROM reconciliation_declaration"
        assert rows(name, count) == rows(twin, count) == [(101, "20002550.00")]
        done = ("SELECT inserted, updated, rejected FROM reconciliation_declarationimportrun "
                "WHERE status = 'done' AND file_name = 'declarations.csv'")
        assert rows(name, done) == rows(twin, done) == [(100, 0, 0)]
