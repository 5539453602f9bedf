"""Computed columns, DISTINCT lists, and the two csv paths writing the same file."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from osms.exports import csv_copy, services
from osms.exports.services import export_request
from payers.models import Organisation, Payment, PaymentKind
from tests.factories import EmploymentFactory, OrganisationFactory, PersonFactory

from .conftest import read_csv, read_xlsx
from .payments_admin import site


def _grant(user, *codenames):
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def employers(almaty):
    big = OrganisationFactory(name="ТОО «Большой»", region=almaty)
    small = OrganisationFactory(name="ИП «Малый»", region=almaty)
    shared = PersonFactory(region=almaty)
    EmploymentFactory(employer=big, employee=shared)
    EmploymentFactory(employer=big, employee=PersonFactory(region=almaty))
    EmploymentFactory(employer=small, employee=shared)
    return big, small, shared


def test_annotations_methods_and_callables_become_typed_columns(analyst, employers, export_media):
    big, small, _shared = employers
    user = _grant(analyst, "view_organisation")
    job = export_request(acting_user=user, model_admin=site._registry[Organisation],
                         querystring="o=2", file_format="xlsx")
    header, *rows = next(iter(read_xlsx(export_media / job.file.name).values()))
    assert header == ("BIN", "name", "Employees", "Name in capitals", "Note", "Large employer")
    assert rows == [
        (big.bin, "ТОО «Большой»", 2, "ТОО «БОЛЬШОЙ»", "2 on payroll", True),
        (small.bin, "ИП «Малый»", 1, "ИП «МАЛЫЙ»", "1 on payroll", False),
    ] or rows == [
        (small.bin, "ИП «Малый»", 1, "ИП «МАЛЫЙ»", "1 on payroll", False),
        (big.bin, "ТОО «Большой»", 2, "ТОО «БОЛЬШОЙ»", "2 on payroll", True),
    ]


def test_a_search_across_a_to_many_relation_keeps_every_row_once(analyst, employers, export_media):
    _big, _small, shared = employers
    user = _grant(analyst, "view_organisation")
    for file_format in ("xlsx", "csv"):
        job = export_request(acting_user=user, model_admin=site._registry[Organisation],
                             querystring=f"q={shared.iin}", file_format=file_format)
        assert job.rows_done == 2, file_format


@pytest.fixture
def tricky_ledger(almaty):
    person = PersonFactory(region=almaty, last_name="=Формулова", middle_name="")
    Payment.objects.bulk_create([
        Payment(person=person, iin=person.iin, payer_code="150340000019",
                period=datetime.date(2026, 1, 1), kind=PaymentKind.EMPLOYER_DEDUCTION, knp="121",
                amount=Decimal("102000.00"), paid_on=datetime.date(2026, 1, 25),
                document_no='doc "1", line\nbreak'),
        Payment(person=person, iin=person.iin, payer_code="150340000019",
                period=datetime.date(2026, 2, 1), kind=PaymentKind.SELF_PAYER, knp="122",
                amount=Decimal("4250.50"), paid_on=datetime.date(2026, 2, 20), document_no="d2"),
    ])
    return person


def _payments_csv(user, export_media):
    job = export_request(acting_user=user, model_admin=site._registry[Payment],
                         querystring="o=4", file_format="csv")
    return read_csv(export_media / job.file.name)


@pytest.mark.postgresql  # the COPY path
def test_copy_and_python_csv_paths_write_the_same_values(
    analyst, tricky_ledger, export_media, monkeypatch, settings
):
    settings.EXPORTS_PROGRESS_EVERY = 1  # no query may interleave with the COPY (it hung once)
    user = _grant(analyst, "view_payment")
    copies = []
    real_copy = services.write_csv_by_copy
    monkeypatch.setattr(services, "write_csv_by_copy",
                        lambda *a, **k: copies.append(1) or real_copy(*a, **k))
    by_copy = _payments_csv(user, export_media)
    assert copies == [1]
    monkeypatch.setattr(csv_copy, "SMALL_RELATED_ROWS", 0)  # persons no longer "small"
    by_python = _payments_csv(user, export_media)
    assert copies == [1]  # the second export took the Python path
    assert by_copy == by_python
    header, first, second = by_copy
    assert header == ["IIN paid for", "person", "period", "kind", "amount", "paid on", "posted"]
    assert first[1].startswith("'=Формулова")  # a formula-looking name is neutralised
    assert (first[2], first[3], first[4]) == ("2026-02-01", "Self-payer", "4250.50")
    assert second[4] == "102000.00"
    posted = datetime.datetime.fromisoformat(first[6])
    assert posted.tzinfo is None  # local time, as the list shows it


@pytest.mark.postgresql  # the COPY path
def test_a_csv_export_never_counts_a_whole_table(analyst, tricky_ledger, export_media):
    """A column keyed to another table is spelled out in SQL when that table is small; the
    check counts at most one row past the limit (it counted the whole ledger: 16 s at 5 M)."""
    user = _grant(analyst, "view_payment")
    with CaptureQueriesContext(connection) as queries:
        _payments_csv(user, export_media)
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert counts
    assert all("LIMIT" in sql for sql in counts), counts
