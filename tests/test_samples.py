"""The sample import files match the quick start's demo: loading each into a freshly seeded
demo registry posts rows and rejects (or holds) only the rows the sample keeps as
deliberate bad examples (``payers.demo_samples.BAD_EXAMPLES``)."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command

from coverage.models import CategoryFeedRun, CategoryMembership
from packages.models import TariffCaseRate
from payers import demo_samples
from payers.models import ImportRun, Payment, SuspensePayment
from reconciliation.models import DeclarationImportRun, Discrepancy

pytestmark = pytest.mark.django_db


def test_each_sample_loads_into_the_quickstart_demo(capsys):
    call_command("seed_demo", persons=3000, seed=2026, only_registry=True)
    # The committed files are what the generator makes from this registry.
    call_command("demo_samples", check=True)
    payments_before = Payment.objects.count()

    call_command("import_payments", str(demo_samples.PAYMENTS))
    run = ImportRun.objects.latest("pk")
    assert (run.status, run.rows_total, run.loaded, run.suspense, run.rejected) == (
        ImportRun.Status.DONE, 30, 29, 1, 0)
    assert Payment.objects.count() == payments_before + 29
    assert SuspensePayment.objects.filter(iin__endswith="390002").count() == 1  # the stranger
    november = Payment.objects.filter(period=datetime.date(2026, 11, 1))
    assert sum(november.values_list("amount", flat=True)) == Decimal("558350.00")

    call_command("import_payments", str(demo_samples.PAYMENTS_XLSX))  # the same payments
    again = ImportRun.objects.latest("pk")
    assert (again.status, again.loaded, again.duplicates) == (ImportRun.Status.DONE, 0, 30)

    call_command("import_category_feed", str(demo_samples.CATEGORY_FEED), partner="labour_is")
    feed = CategoryFeedRun.objects.latest("pk")
    assert (feed.rows_total, feed.rows_loaded, feed.rows_rejected) == (10, 8, 2)
    assert sorted(feed.rejects.values_list("row_number", "field")) == [
        (10, "iin"), (11, "category")]
    assert CategoryMembership.objects.filter(feed_run=feed).count() == 8

    call_command("import_declarations", str(demo_samples.DECLARATIONS))
    declarations = DeclarationImportRun.objects.latest("pk")
    assert (declarations.rows_read, declarations.inserted) == (14, 13)
    assert list(declarations.rejects.values_list("row_no", "field")) == [(15, "employer_bin")]

    # November reconciled: the one employee declared and not paid for, both kinds, no more.
    call_command("reconcile", period="2026-11")
    assert sorted(Discrepancy.objects.values_list("iin", "kind", "type")) == [
        ("071220600000", "employee_contribution", "declared_not_paid"),
        ("071220600000", "employer_deduction", "declared_not_paid")]

    call_command("import_tariffs", "case_rate", str(demo_samples.TARIFFS))
    assert TariffCaseRate.objects.filter(valid_from=datetime.date(2027, 1, 1)).count() == 5
    capsys.readouterr()
