"""Property tests over every importer (issue 17): whatever the file — random bytes, UTF-16,
cp1251, BOMs, any separator, huge fields, formula cells, absurd dates, missing or repeated
columns, short rows, broken xlsx — the import ends ``done`` or ``failed`` with a message,
no exception escapes, a failed file loads nothing, a done file loads exactly what its run
counts, and text (a formula too) is stored as written."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Sum
from hypothesis import given
from hypothesis import strategies as st

from coverage.feeds import category_feed_import
from coverage.models import CategoryMembership
from packages.models import TariffServicePrice
from packages.tariff_import import tariff_import
from payers.imports import payment_import
from payers.imports.registry import registry_import
from payers.models import Organisation, Payment, Person, RegistryImportRun, SuspensePayment
from reconciliation.importer import declarations_import
from reconciliation.models import Declaration
from tests.factories import OrganisationFactory, PersonFactory, UserFactory

from .files import FORMULA, FUZZ, import_file, write

pytestmark = pytest.mark.django_db

IIN = "871008401427"
VALID_IIN = st.sampled_from([IIN, "900101300811", "871008401428"])
DATE = st.dates(datetime.date(1990, 1, 1), datetime.date(2026, 10, 31)).map(str)
MONEY = st.decimals(min_value=1, max_value=10**6, places=2).map(str)


@pytest.fixture
def world(db):
    person = PersonFactory(iin=IIN)
    employer = OrganisationFactory()
    return {"person": person, "employer": employer, "user": UserFactory(is_superuser=True)}


def finished(status, error):
    assert status in ("done", "failed"), status
    if status == "failed":
        assert error.strip(), "a failed import says why"


PERSONS = {"iin": VALID_IIN, "last_name": st.sampled_from(["Ахметова", FORMULA]),
           "first_name": st.just("Айгерим"), "middle_name": st.just(""),
           "citizenship": st.sampled_from(["citizen", "kandas", "martian"]),
           "region": st.sampled_from(["750000000", "710000000", "1"]), "death_date": DATE}


@FUZZ
@given(content=import_file(PERSONS))
def test_persons_file(world, tmp_path, content):
    before = (Person.objects.count(), Person.history.count())
    run = RegistryImportRun.objects.create(kind="persons", file_name="p.csv",
                                           created_by=world["user"])
    run = registry_import(run=run, path=write(tmp_path, content))
    finished(run.status, run.error)
    if run.status == "failed":
        assert (Person.objects.count(), Person.history.count()) == before
        return
    assert run.inserted + run.updated + run.unchanged + run.rows_rejected == run.rows_total
    assert Person.objects.count() == before[0] + run.inserted
    assert Person.history.count() == before[1] + run.inserted + run.updated
    assert run.rejects.count() == run.rows_rejected
    assert all(r.reason and r.row_number >= 2 for r in run.rejects.all())
    formulas = Person.objects.filter(last_name__startswith="=HYPERLINK")
    assert set(formulas.values_list("last_name", flat=True)) <= {FORMULA}  # text, as written


ORGANISATIONS = {"bin": st.sampled_from(["060540000018", "060540000016"]),
                 "name": st.sampled_from(["ТОО «Дала»", FORMULA]),
                 "kind": st.sampled_from(["employer", "bank"]),
                 "region": st.sampled_from(["750000000", "x"])}


@FUZZ
@given(content=import_file(ORGANISATIONS))
def test_organisations_file(world, tmp_path, content):
    before = Organisation.objects.count()
    run = RegistryImportRun.objects.create(kind="organisations", file_name="o.csv")
    run = registry_import(run=run, path=write(tmp_path, content))
    finished(run.status, run.error)
    expected = before if run.status == "failed" else before + run.inserted
    assert Organisation.objects.count() == expected


PAYMENTS = {"payer_id": st.sampled_from(["120540000011", IIN, "1"]), "iin": VALID_IIN,
            "last_name": st.just(FORMULA), "first_name": st.just("А"),
            "period": st.sampled_from(["102026", "132026", "000001", "092026"]),
            "knp": st.sampled_from(["121", "122", "999"]), "amount": MONEY,
            "paid_on": DATE, "document_no": st.sampled_from(["PP-1", "PP-2", ""])}


@FUZZ
@given(content=import_file(PAYMENTS))
def test_payments_file(world, tmp_path, content):
    def totals():
        return (Payment.objects.count(), Payment.objects.aggregate(s=Sum("amount"))["s"],
                SuspensePayment.objects.count())

    before = totals()
    run = payment_import(path=write(tmp_path, content))
    finished(run.status, run.error)
    if run.status == "failed":
        assert totals() == before
        return
    assert run.loaded + run.rejected + run.suspense + run.duplicates == run.rows_total
    assert Payment.objects.count() == before[0] + run.loaded
    assert SuspensePayment.objects.count() == before[2] + run.suspense
    assert all(p.amount > 0 for p in Payment.objects.filter(import_run=run))


FEEDS = {"iin": VALID_IIN, "category": st.sampled_from(["pensioners", "students", "nope"]),
         "starts_on": DATE, "ends_on": st.one_of(st.just(""), DATE),
         "document": st.sampled_from(["", FORMULA, "решение 1"])}


@FUZZ
@given(content=import_file(FEEDS))
def test_category_feed(world, tmp_path, content):
    before = CategoryMembership.objects.count()
    run = category_feed_import(path=write(tmp_path, content), file_name="f.csv",
                               partner="labour_is")
    finished(run.status, run.error)
    if run.status == "failed":
        assert CategoryMembership.objects.count() == before
        return
    assert run.rows_loaded + run.rows_unchanged + run.rows_rejected == run.rows_total
    for membership in CategoryMembership.objects.all():
        assert datetime.date(1900, 1, 1) <= membership.starts_on <= datetime.date(2029, 12, 31)
        if membership.document.startswith("=HYPERLINK"):
            assert membership.document == FORMULA


DECLARATIONS = {"employer_bin": st.sampled_from(["060540000018", "1"]), "iin": VALID_IIN,
                "period": st.sampled_from(["2026-09", "13.2026", "092026", "2099-01"]),
                **{f: MONEY for f in ("income", "osms_deduction", "osms_contribution", "ipn",
                                      "social_tax", "opv", "so")}}


@FUZZ
@given(content=import_file(DECLARATIONS))
def test_declarations_file(world, tmp_path, content):
    if not Organisation.objects.filter(bin="060540000018").exists():
        OrganisationFactory(bin="060540000018")  # the employer of the valid rows
    before = Declaration.objects.count()
    run = declarations_import(path=write(tmp_path, content), file_name="d.csv",
                              source="command")
    finished(run.status, run.error)
    if run.status == "failed" or run.already_loaded:
        assert Declaration.objects.count() == before
        return
    assert run.inserted + run.updated + run.unchanged + run.rejected == run.rows_read
    assert Declaration.objects.count() == before + run.inserted
    assert all(d.period <= datetime.date(2026, 12, 1) for d in Declaration.objects.all())


TARIFFS = {"code": st.sampled_from(["A01.001", "A01.002"]), "name": st.just(FORMULA),
           "care_type": st.sampled_from(["consultative_diagnostic", "spa"]),
           "price": MONEY, "valid_from": DATE, "valid_to": st.one_of(st.just(""), DATE)}


@FUZZ
@given(content=import_file(TARIFFS))
def test_tariff_file_all_or_nothing(world, tmp_path, content):
    before = TariffServicePrice.objects.count()
    outcome = tariff_import(kind="service_price", path=str(write(tmp_path, content)))
    run = outcome.run
    finished(run.status, run.error)
    if not outcome.ok:
        assert TariffServicePrice.objects.count() == before  # one bad row: nothing saved
        assert all(str(error) for error in outcome.errors)
        return
    assert TariffServicePrice.objects.count() == before + outcome.new
    formulas = TariffServicePrice.objects.filter(name__startswith="=HYPERLINK")
    assert set(formulas.values_list("name", flat=True)) <= {FORMULA}
    assert all(p.price > Decimal(0) for p in TariffServicePrice.objects.all())
