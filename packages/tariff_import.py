"""Import a tariff file (Excel or CSV) and list its errors by row and column."""

from dataclasses import dataclass

import tablib
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .resources import (
    TariffBedDayResource,
    TariffCaseRateResource,
    TariffPhcCoefficientResource,
    TariffPhcNormResource,
    TariffServicePriceResource,
)

RESOURCES = {
    "phc_norm": TariffPhcNormResource,
    "phc_coefficient": TariffPhcCoefficientResource,
    "case_rate": TariffCaseRateResource,
    "service_price": TariffServicePriceResource,
    "bed_day": TariffBedDayResource,
}


@dataclass
class RowError:
    row: int | None
    field: str
    message: str

    def __str__(self):
        where = _("row %(n)s") % {"n": self.row} if self.row else _("file")
        return f"{where}, {self.field or '—'}: {self.message}"


@dataclass
class ImportOutcome:
    errors: list
    new: int
    updated: int
    skipped: int

    @property
    def ok(self):
        return not self.errors


def read_dataset(content, file_format):
    if file_format == "xlsx":
        return tablib.Dataset().load(content, format="xlsx")
    text = content.decode("utf-8-sig") if isinstance(content, bytes) else content
    return tablib.Dataset().load(text, format="csv")


def tariff_import(*, kind, content, file_format="xlsx", acting_user=None, dry_run=False):
    """Import a whole file or nothing; the outcome lists every error by row and column.

    Row numbers are those of the spreadsheet (the header is row 1).
    """
    resource = RESOURCES[kind](user=acting_user)
    try:
        dataset = read_dataset(content, file_format)
    except Exception as exc:  # tablib raises many kinds for an unreadable file
        return ImportOutcome([RowError(None, "", _("The file cannot be read: %(e)s") % {
            "e": exc})], 0, 0, 0)
    try:
        result = resource.import_data(dataset, dry_run=dry_run, raise_errors=False,
                                      use_transactions=True, user=acting_user)
    except ValidationError as exc:
        return ImportOutcome([RowError(None, "", m) for m in exc.messages], 0, 0, 0)
    errors = [RowError(None, "", str(e.error)) for e in result.base_errors]
    for invalid in result.invalid_rows:
        for field, messages in invalid.field_specific_errors.items():
            errors += [RowError(invalid.number + 1, field, str(m)) for m in messages]
        errors += [RowError(invalid.number + 1, "", str(m))
                   for m in invalid.non_field_specific_errors]
    for number, row_errors in result.row_errors():
        errors += [RowError(number + 1, "", str(e.error)) for e in row_errors]
    totals = result.totals
    return ImportOutcome(errors, totals.get("new", 0), totals.get("update", 0),
                         totals.get("skip", 0))
