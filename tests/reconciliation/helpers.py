"""Builders for reconciliation tests: payments in the ledger and declaration files."""

import datetime
import io
import itertools
from decimal import Decimal

from payers.models import Payment
from reconciliation.importer import declarations_import

JAN = datetime.date(2026, 1, 1)
DEC = datetime.date(2025, 12, 1)
D121, D122 = "employer_deduction", "employee_contribution"
_documents = itertools.count(1)
KNP = {"employer_deduction": "121", "employee_contribution": "122"}
HEADER = "employer_bin;iin;period;income;osms_deduction;osms_contribution;ipn;social_tax;opv;so"


def pay(person, employer, period, kind, amount, *, reverses=None):
    return Payment.objects.create(
        person=person,
        iin=person.iin,
        payer_code=employer.bin if hasattr(employer, "bin") else employer,
        period=period,
        kind=kind,
        knp=KNP[kind],
        amount=Decimal(amount),
        paid_on=period + datetime.timedelta(days=40),
        document_no=f"PP-{next(_documents)}",
        reverses=reverses,
    )


def pay_both(person, employer, period, deduction, contribution):
    pay(person, employer, period, "employer_deduction", deduction)
    pay(person, employer, period, "employee_contribution", contribution)


def declaration_line(employer_bin, iin, period, income, deduction, contribution, *,
                     ipn="0", social_tax="0", opv="0", so="0"):
    return (f"{employer_bin};{iin};{period:%Y-%m};{income};{deduction};{contribution};"
            f"{ipn};{social_tax};{opv};{so}")


def csv_bytes(lines, header=HEADER):
    return ("\n".join([header, *lines]) + "\n").encode()


def import_lines(lines, *, name="declarations.csv", user=None):
    return declarations_import(
        stream=io.BytesIO(csv_bytes(lines)), file_name=name, source="command",
        acting_user=user,
    )
