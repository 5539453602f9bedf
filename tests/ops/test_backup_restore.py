"""The documented backup and restore (docs/operations.md) brings back the same ledger.

``pg_dump --format=custom`` of a database with a populated ledger and computed statuses,
``pg_restore`` into a new database, and the checks the runbook lists: payments per period
(count and sum), statuses, run records, the ledger's immutability trigger, sequences that
go on after the restored ids.
"""

import datetime
import shutil
import subprocess

import pytest
from django.db import connections

from coverage import services
from tests.coverage.population import generate
from tests.kill.helpers import connect, database_name, database_url, rows

pytestmark = [pytest.mark.postgresql,
              pytest.mark.django_db(transaction=True, serialized_rollback=True),
              pytest.mark.skipif(not shutil.which("pg_dump"), reason="needs pg_dump")]

ON = datetime.date(2026, 11, 23)
LEDGER = ("SELECT period, kind, count(*), sum(amount), count(*) FILTER (WHERE amount < 0) "
          "FROM payers_payment GROUP BY period, kind")
STATUSES = ("SELECT insured, basis, count(*), count(DISTINCT valid_until), "
            "md5(string_agg(person_id::text || paid::text, ',' ORDER BY person_id)) "
            "FROM coverage_coveragestatus GROUP BY insured, basis")
COUNTS = ("SELECT (SELECT count(*) FROM payers_person), (SELECT count(*) FROM "
          "coverage_categorymembership), (SELECT count(*) FROM coverage_coveragehistory), "
          "(SELECT count(*) FROM coverage_recomputerun WHERE status = 'done'), "
          "(SELECT count(*) FROM packages_icd10code)")


def test_a_custom_format_dump_restores_the_same_ledger(tmp_path):
    generate(seed=41, size=150, around=ON)
    services.status_recompute(on=ON, full=True)
    connections.close_all()
    source = database_name()
    restored = f"{source}_restored"
    dump = tmp_path / "osms.dump"
    subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--file={dump}",
                    database_url(source)], check=True, timeout=120)
    with connect("postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{restored}"')
    try:
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "--jobs=2",
                        f"--dbname={database_url(restored)}", str(dump)],
                       check=True, timeout=180)
        ledger = rows(source, LEDGER)
        assert len(ledger) > 20 and any(r[4] for r in ledger)  # months, kinds, reversals
        assert rows(restored, LEDGER) == ledger
        assert rows(restored, STATUSES) == rows(source, STATUSES)
        assert rows(restored, COUNTS) == rows(source, COUNTS)
        with connect(restored, autocommit=True) as conn:
            # the ledger is still immutable, and new rows get new ids
            with pytest.raises(Exception, match="immutable ledger"):
                conn.execute("UPDATE payers_payment SET amount = 0 "
                             "WHERE id = (SELECT min(id) FROM payers_payment)")
            top = conn.execute("SELECT max(id) FROM payers_payment").fetchone()[0]
            assert conn.execute("SELECT nextval(pg_get_serial_sequence('payers_payment', "
                                "'id'))").fetchone()[0] > top
    finally:
        with connect("postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
