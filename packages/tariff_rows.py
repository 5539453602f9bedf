"""What each kind of tariff file holds, and the check of one row (docs/formats/tariffs.md).

``SPECS[kind]`` lists the file's columns with their type; ``Spec.row(cells, refs)`` turns a
row into the staged values or raises ``Reject(field, reason)``. Cells may be CSV texts or
xlsx values (numbers, dates).
"""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from osms.core import bounds, uploads

from .models import (
    TariffBedDay,
    TariffCaseRate,
    TariffPhcCoefficient,
    TariffPhcNorm,
    TariffServicePrice,
)

SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")


class Reject(Exception):
    def __init__(self, field, reason):
        super().__init__(reason)
        self.field, self.reason = field, str(reason)


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # text, slug, int, money, coef, date, care_type, region, choice
    required: bool = False
    max_length: int = 300
    choices: tuple = ()

    @property
    def staged(self):
        return f"{self.name}_id" if self.type in ("care_type", "region") else self.name

    @property
    def sql_type(self):
        return {"int": "integer", "money": "numeric(14,2)", "coef": "numeric(8,4)",
                "date": "date", "care_type": "bigint", "region": "bigint"}.get(self.type, "text")


def _number(value, column, places, digits):
    if isinstance(value, int | float) and not isinstance(value, bool):
        text = repr(value)
    else:
        text = str(value).replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise Reject(column.name, _("%(value)r is not a number.") % {"value": str(value)[:40]}
                     ) from None
    if not number.is_finite():
        raise Reject(column.name, _("%(value)r is not a number.") % {"value": str(value)[:40]})
    if number <= 0:
        raise Reject(column.name, _("Must be positive, got %(value)s.") % {"value": text[:40]})
    if number != number.quantize(Decimal(1).scaleb(-places)):
        raise Reject(column.name, _("At most %(n)d decimal places, got %(value)s.") % {
            "n": places, "value": text[:40]})
    if number >= Decimal(10) ** (digits - places):
        raise Reject(column.name, _("Too large: %(value)s.") % {"value": text[:40]})
    return number


def _date(value, column):
    if isinstance(value, datetime.datetime):
        day = value.date()
    elif isinstance(value, datetime.date):
        day = value
    else:
        text = str(value).strip()
        for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
            try:
                day = datetime.datetime.strptime(text, fmt).date()
                break
            except ValueError:
                continue
        else:
            raise Reject(column.name, _("%(value)r is not a date (YYYY-MM-DD or DD.MM.YYYY).")
                         % {"value": text[:40]})
    problem = bounds.date_problem(day, label=column.name)
    if problem:
        raise Reject(column.name, problem)
    return day


def parse(column, value, refs):
    """One cell as the staged value (None when empty and allowed)."""
    text = uploads.cell_text(value)
    if text == "":
        if column.required:
            raise Reject(column.name, _("%(column)s is required.") % {"column": column.name})
        return "" if column.type in ("text", "choice") else None
    kind = column.type
    if kind in ("text", "slug"):
        if len(text) > column.max_length:
            raise Reject(column.name, _("Longer than %(n)d characters.") % {
                "n": column.max_length})
        if kind == "slug" and not SLUG.match(text):
            raise Reject(column.name, _("Only letters, digits, - and _ are allowed."))
        return text
    if kind == "choice":
        if text not in column.choices:
            raise Reject(column.name, _("Unknown value “%(value)s”; expected one of "
                                        "%(choices)s.") % {
                "value": text[:40], "choices": ", ".join(c or "—" for c in column.choices)})
        return text
    if kind == "int":
        if not text.isdigit() or int(text) > 32767:
            raise Reject(column.name, _("%(value)r is not a whole number (0–32767).") % {
                "value": text[:40]})
        return int(text)
    if kind == "money":
        return _number(value, column, 2, 14)
    if kind == "coef":
        return _number(value, column, 4, 8)
    if kind == "date":
        return _date(value, column)
    if kind == "care_type":
        found = refs["care_types"].get(text)
        if found is None:
            raise Reject(column.name, _("Unknown type of care code %(code)s.") % {
                "code": text[:40]})
        return found
    found = refs["regions"].get(text)  # region
    if found is None:
        raise Reject(column.name, _("Unknown region KATO code %(code)s.") % {"code": text[:20]})
    return found


def _coefficient(values):
    if values["kind"] == "density" and values["region_id"] is None:
        raise Reject("region", _("A density coefficient needs its region."))
    if values["kind"] == "age_sex" and (values["age_from"] is None or values["age_to"] is None
                                        or values["age_to"] < values["age_from"]):
        raise Reject("age_from", _("An age/sex coefficient needs its age band (age_from ≤ "
                                   "age_to)."))


def _severity(values):
    if values["severity"] < 1:
        raise Reject("severity", _("The severity level starts at 1."))


@dataclass(frozen=True)
class Spec:
    model: type
    columns: tuple
    key: tuple  # staged names of the effective key (valid_from is added)
    check: object = None

    @property
    def names(self):
        return tuple(c.name for c in self.columns)

    @property
    def required(self):
        return tuple(c.name for c in self.columns if c.required)

    @property
    def staged(self):
        return tuple(c.staged for c in self.columns)

    def row(self, cells, refs):
        values = {c.staged: parse(c, cells.get(c.name, ""), refs) for c in self.columns}
        if values["valid_to"] is not None and values["valid_to"] < values["valid_from"]:
            raise Reject("valid_to", _("The end date is before the start date."))
        if self.check is not None:
            self.check(values)
        return tuple(values[c.staged] for c in self.columns)


DATES = (Column("valid_from", "date", required=True), Column("valid_to", "date"))
NAME = Column("name", "text", required=True)
CARE = Column("care_type", "care_type", required=True)

SPECS = {
    "phc_norm": Spec(TariffPhcNorm, (
        Column("region", "region"), Column("amount", "money", required=True), *DATES,
        Column("legal_basis", "text")), key=("region_id",)),
    "phc_coefficient": Spec(TariffPhcCoefficient, (
        Column("kind", "choice", required=True, choices=("density", "age_sex")),
        Column("region", "region"), Column("age_from", "int"), Column("age_to", "int"),
        Column("sex", "choice", choices=("", "M", "F")), Column("value", "coef", required=True),
        *DATES), key=("kind", "region_id", "age_from", "age_to", "sex"), check=_coefficient),
    "case_rate": Spec(TariffCaseRate, (
        Column("code", "text", required=True, max_length=20), NAME, CARE,
        Column("severity", "int", required=True), Column("cost_weight", "coef"),
        Column("amount", "money", required=True), *DATES),
        key=("code", "care_type_id", "severity"), check=_severity),
    "service_price": Spec(TariffServicePrice, (
        Column("code", "text", required=True, max_length=30), NAME, CARE,
        Column("price", "money", required=True), *DATES), key=("code",)),
    "bed_day": Spec(TariffBedDay, (
        Column("profile", "slug", required=True, max_length=60), NAME, CARE,
        Column("rate", "money", required=True), *DATES), key=("profile",)),
}
