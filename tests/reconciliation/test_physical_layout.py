"""How the reconciliation's rows lie on disk (docs/scale.md): declaration lines written in
БИН order, so a chunk's BIN range reads its own pages; the staged rows of a run keyed to
their run and chunk without database constraints (the writing chunk holds both locked)."""

import datetime
import random

import pytest
from django.db import connection

from reconciliation import reconcile
from reconciliation.models import CollectionPart, Declaration, FoundLine, ReconciliationRun
from tests.factories import OrganisationFactory, PersonFactory

from .helpers import declaration_line, import_lines

pytestmark = pytest.mark.django_db
JAN = datetime.date(2026, 1, 1)


def _physical_order():
    """The lines of the table in the order a sequential scan returns them."""
    order = " ORDER BY ctid" if connection.vendor == "postgresql" else " ORDER BY rowid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT employer_bin, iin FROM {Declaration._meta.db_table}{order}")
        return cursor.fetchall()


@pytest.fixture
def planned_as_at_scale():
    """A file of a few rows gets joins whose output happens to follow the registry's order
    (a tiny organisations table scanned as the outer side); a real file, thousands of rows
    beside a registry of thousands of employers, is the outer side and keeps the file's
    order. Plan as at scale: the staged rows first."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET enable_mergejoin = off; SET enable_hashjoin = off")
        yield
        cursor.execute("RESET enable_mergejoin; RESET enable_hashjoin")


def test_an_imported_file_is_written_in_bin_order_whatever_order_its_rows_come_in(
    planned_as_at_scale,
):
    employers = sorted(OrganisationFactory.create_batch(3), key=lambda o: o.bin)
    persons = PersonFactory.create_batch(4)
    # the file's rows in an order that is neither the BINs' nor the registry's
    lines = [declaration_line(e.bin, p.iin, JAN, "300000", "9000", "6000")
             for e in employers for p in persons]
    random.Random(19).shuffle(lines)
    run = import_lines(lines)
    assert (run.inserted, run.rejected) == (12, 0)
    written = _physical_order()
    assert written == sorted(written)
    assert [bin_ for bin_, _ in written[::4]] == [e.bin for e in employers]


def _foreign_keys(model):
    constraints = connection.introspection.get_constraints(
        connection.cursor(), model._meta.db_table)
    return {c["columns"][0]: c["foreign_key"][0]
            for c in constraints.values() if c["foreign_key"]}


@pytest.mark.postgresql
def test_staged_findings_and_parts_carry_their_run_without_a_database_constraint():
    assert "run_id" not in _foreign_keys(FoundLine)
    assert "chunk_id" not in _foreign_keys(FoundLine)
    assert "run_id" not in _foreign_keys(CollectionPart)
    # the region of a part is durable data and stays checked by the database
    assert _foreign_keys(CollectionPart)["region_id"] == "core_region"


def test_deleting_a_run_still_deletes_its_staged_findings_and_parts(month):
    run = reconcile.run_open(period=JAN, chunk_size=1)
    assert reconcile.process_next_chunk(run)
    assert FoundLine.objects.filter(run_id=run.pk).exists()
    assert CollectionPart.objects.filter(run_id=run.pk).exists()
    ReconciliationRun.objects.filter(pk=run.pk).delete()
    assert not FoundLine.objects.filter(run_id=run.pk).exists()
    assert not CollectionPart.objects.filter(run_id=run.pk).exists()
