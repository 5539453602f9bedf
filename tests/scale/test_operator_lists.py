"""Admin lists of tables that grow with the population stay flat (issue 19, item 7).

No list filter reads its choices from a scan of the big table (``SELECT DISTINCT`` of a plain
field, or related-only choices), and every search by ИИН is served by indexes: the test
captures the queries of each list searched by an ИИН and reads their plans with sequential
scans disabled — a plan that still scans the big table has no index to use.
"""

import re

import pytest
from django.contrib import admin
from django.contrib.admin.filters import (
    AllValuesFieldListFilter,
    FieldListFilter,
    RelatedFieldListFilter,
    RelatedOnlyFieldListFilter,
)
from django.contrib.admin.utils import get_fields_from_path
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import PaymentFactory, PersonFactory

# Tables that grow with the population (or the ledger): label → table.
BIG = {
    "payers.Payment": "payers_payment", "payers.Person": "payers_person",
    "payers.PaymentReject": "payers_paymentreject",
    "payers.SuspensePayment": "payers_suspensepayment", "payers.Arrear": "payers_arrear",
    "payers.Activity": "payers_activity", "payers.Employment": "payers_employment",
    "payers.RefundApplication": "payers_refundapplication",
    "payers.Organisation": "payers_organisation",
    "coverage.CoverageStatus": "coverage_coveragestatus",
    "coverage.CoverageHistory": "coverage_coveragehistory",
    "coverage.CategoryMembership": "coverage_categorymembership",
    "reconciliation.Declaration": "reconciliation_declaration",
    "reconciliation.Discrepancy": "reconciliation_discrepancy",
    "exports.ExportJob": "exports_exportjob",
}


def filter_class(model, spec):
    if isinstance(spec, str):
        field = get_fields_from_path(model, spec)[-1]
        return field, next(cls for test, cls in FieldListFilter._field_list_filters
                           if test(field))
    if isinstance(spec, (tuple, list)):
        return get_fields_from_path(model, spec[0])[-1], spec[1]
    return None, spec


def test_no_filter_of_a_big_list_takes_its_choices_from_a_big_table():
    checked = 0
    for model, model_admin in admin.site._registry.items():
        if model._meta.label not in BIG:
            continue
        for spec in model_admin.list_filter:
            field, cls = filter_class(model, spec)
            checked += 1
            assert not issubclass(cls, (AllValuesFieldListFilter, RelatedOnlyFieldListFilter)), (
                f"{model._meta.label}: the filter {spec!r} reads DISTINCT values of the table")
            if issubclass(cls, RelatedFieldListFilter):
                assert field.related_model._meta.label not in BIG, (
                    f"{model._meta.label}: the filter {spec!r} lists every row of a big table")
    assert checked >= 25


@pytest.mark.django_db
def test_the_payment_list_takes_knp_choices_from_the_reference_table(admin_client):
    PaymentFactory(knp="122")
    with CaptureQueriesContext(connection) as queries:
        page = admin_client.get(reverse("admin:payers_payment_changelist"))
    assert page.status_code == 200
    assert not [q["sql"] for q in queries if "DISTINCT" in q["sql"].upper()
                and "payers_payment" in q["sql"]]
    body = page.content.decode()
    for code in ("121", "122"):  # from payers_knpcode, seeded by payers migration 0004
        assert f"knp={code}" in body
    filtered = admin_client.get(reverse("admin:payers_payment_changelist") + "?knp=121")
    assert filtered.status_code == 200 and not filtered.context["cl"].queryset.exists()
    assert admin_client.get(reverse("admin:payers_payment_changelist") + "?knp=122"
                            ).context["cl"].queryset.count() == 1


SEARCHES = [
    # (list, search term with {iin}, table that must not be scanned)
    ("payers_payment", "{iin}", "payers_payment"),
    ("payers_payment", "{iin} DOC-1", "payers_payment"),
    ("payers_suspensepayment", "{iin}", "payers_suspensepayment"),
    ("coverage_coveragestatus", "{iin}", "coverage_coveragestatus"),
    ("coverage_coveragehistory", "{iin}", "coverage_coveragehistory"),
    ("coverage_categorymembership", "{iin}", "coverage_categorymembership"),
    ("reconciliation_declaration", "{iin}", "reconciliation_declaration"),
    ("reconciliation_discrepancy", "{iin}", "reconciliation_discrepancy"),
    ("payers_activity", "{iin}", "payers_activity"),
    ("payers_employment", "{iin}", "payers_employment"),
    ("payers_person", "{iin}", "payers_person"),
]


@pytest.mark.django_db
@pytest.mark.postgresql
@pytest.mark.parametrize("changelist, term, table", SEARCHES)
def test_a_search_by_iin_is_served_by_indexes(admin_client, changelist, term, table):
    person = PersonFactory()
    PaymentFactory(person=person, document_no="DOC-1")
    term = term.format(iin=person.iin)
    with CaptureQueriesContext(connection) as queries:
        page = admin_client.get(reverse(f"admin:{changelist}_changelist"), {"q": term})
    if changelist == "payers_person":  # an exact ИИН opens the record (issue 18)
        assert page.status_code == 302 and page.url.endswith(f"/{person.pk}/change/")
    else:
        assert page.status_code == 200
    # Every query of the big table while the list is searched (the ИИН itself, or the ids
    # it was resolved to): none may need a scan of it.
    searched = [q["sql"] for q in queries if f'FROM "{table}"' in q["sql"]
                and (person.iin in q["sql"] or f"IN ({person.pk}" in q["sql"])
                and q["sql"].lstrip().upper().startswith("SELECT")]
    assert searched, f"no query of {table} searched for the ИИН"
    for sql in searched:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert f"Seq Scan on {table}" not in plan, plan
        assert "Seq Scan on payers_person " not in plan, plan


@pytest.mark.django_db
def test_a_search_that_is_not_an_iin_finds_nothing_and_says_why(admin_client):
    payment = PaymentFactory(document_no="DOC-9")
    page = admin_client.get(reverse("admin:payers_payment_changelist"), {"q": "DOC-9"},
                            follow=True)
    body = page.content.decode()
    assert page.status_code == 200 and "exact IIN (12 digits)" in body
    assert not page.context["cl"].queryset.exists()
    page = admin_client.get(reverse("admin:payers_payment_changelist"),
                            {"q": f"{payment.iin} DOC-9"})
    assert list(page.context["cl"].queryset) == [payment]


FIRST_PAGES = [(label.split(".")[0].lower() + "_" + label.split(".")[1].lower(), table)
               for label, table in BIG.items()]


@pytest.mark.django_db
@pytest.mark.postgresql
@pytest.mark.parametrize("changelist, table", FIRST_PAGES)
def test_the_first_page_of_a_big_list_reads_an_index_in_its_order(admin_client, changelist,
                                                                   table):
    """The page's rows come in the list's order from an index, stopping after a page: no
    sort of the whole table (an incremental sort of small groups is fine)."""
    PaymentFactory()
    with CaptureQueriesContext(connection) as queries:
        page = admin_client.get(reverse(f"admin:{changelist}_changelist"))
    assert page.status_code == 200
    # The rows' query (a one-page list is read without LIMIT: the page's is added).
    listed = [q["sql"] if " LIMIT " in q["sql"] else q["sql"] + " LIMIT 100" for q in queries
              if f'FROM "{table}"' in q["sql"] and " ORDER BY " in q["sql"]]
    assert listed, f"no page query of {table}"
    for sql in listed:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("EXPLAIN " + sql)
            plan = [row[0] for row in cursor.fetchall()]
        full_sorts = [line for line in plan if re.match(r"(->\s+)?Sort\s+\(", line.strip())]
        assert not full_sorts, "\n".join(plan)


@pytest.mark.django_db
@pytest.mark.postgresql
@pytest.mark.parametrize("params, index", [({"knp": "123"}, "knp_id_idx"),
                                           ({"kind__exact": "penalty"}, "kind_id_idx"),
                                           ({"kind__exact": "self_payer"}, "kind_id_idx")])
def test_the_payment_list_filtered_by_a_rare_knp_or_kind_reads_its_partial_index(
        admin_client, params, index):
    PaymentFactory()
    with CaptureQueriesContext(connection) as queries:
        page = admin_client.get(reverse("admin:payers_payment_changelist"), params)
    assert page.status_code == 200
    [sql] = [q["sql"] + " LIMIT 100" for q in queries if 'FROM "payers_payment"' in q["sql"]
             and " ORDER BY " in q["sql"]]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert index in plan and "Seq Scan on payers_payment" not in plan, plan
