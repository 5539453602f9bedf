"""Makers of one region-owned reconciliation row (for the access matrix)."""

import datetime
from decimal import Decimal

from tests.factories import OrganisationFactory, PersonFactory

JAN = datetime.date(2026, 1, 1)


def _run():
    from reconciliation.models import ReconciliationRun

    return ReconciliationRun.objects.create(period=JAN, trigger="manual",
                                            tolerance=Decimal("1.00"), status="done")


def declaration(r):
    from reconciliation.models import Declaration, DeclarationImportRun

    employer, person = OrganisationFactory(region=r), PersonFactory(region=r)
    run = DeclarationImportRun.objects.create(file_name="m.csv", checksum="m", source="command",
                                              status="done")
    zero = Decimal("0")
    return Declaration.objects.create(
        employer_bin=employer.bin, iin=person.iin, period=JAN, income=Decimal("300000"),
        osms_deduction=Decimal("9000"), osms_contribution=Decimal("6000"), ipn=zero,
        social_tax=zero, opv=zero, so=zero, employer=employer, person=person, import_run=run,
        row_no=2)


def discrepancy(r):
    from reconciliation.models import Discrepancy

    employer, person, run = OrganisationFactory(region=r), PersonFactory(region=r), _run()
    return Discrepancy.objects.create(
        period=JAN, employer_bin=employer.bin, iin=person.iin, kind="employer_deduction",
        type="declared_not_paid", employer=employer, person=person, region=r,
        declared_amount=Decimal("9000"), paid_amount=Decimal("0"), amount=Decimal("9000"),
        first_run=run, last_run=run)


def notice(r):
    from reconciliation.models import EmployerNotice

    employer = OrganisationFactory(region=r)
    return EmployerNotice.objects.create(number=f"202601-{employer.bin}-1", employer=employer,
                                         region=r, period=JAN, lines=[], total=Decimal("0"))


def summary(r):
    from reconciliation.models import CollectionSummary

    return CollectionSummary.objects.create(period=JAN, region=r, payer_type="self_payer",
                                            collected=Decimal("4250"), persons=1, run=_run())
