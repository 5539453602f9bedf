"""Checking one row of a persons or organisations file (docs/formats/registry.md).

``PERSONS`` and ``ORGANISATIONS`` say which columns a file has and turn a row into the
staged values or into a reject ``(field, reason)``. The checks are the registry's own
(``payers.validators``, ``osms.core.bounds``): the reason names the rule that failed.
"""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from osms.core import bounds

from ..models import Citizenship, Organisation
from ..validators import CENTURY_SEX, bin_problem, iin_problem

NAME_MAX = 100
# Labels translated only when a message is shown (not once per row of a big file).
LAST, FIRST, MIDDLE = (gettext_lazy("Last name"), gettext_lazy("First name"),
                       gettext_lazy("Middle name"))
NAME, DEATH = gettext_lazy("Name"), gettext_lazy("The date of death")
ORGANISATION_NAME_MAX = 300


CITIZENSHIPS, KINDS = frozenset(Citizenship.values), frozenset(Organisation.Kind.values)


class Reject(Exception):
    def __init__(self, field, reason):
        super().__init__(reason)
        self.field, self.reason = field, str(reason)


def parse_date(text, field, label):
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            value = datetime.datetime.strptime(text, fmt).date()
            break
        except ValueError:
            continue
    else:
        raise Reject(field, _("“%(value)s” is not a date (YYYY-MM-DD or DD.MM.YYYY).") % {
            "value": text[:40]})
    problem = bounds.date_problem(value, label=label, not_future=True)
    if problem:
        raise Reject(field, problem)
    return value


def text(values, field, *, required, max_length, label):
    value = values.get(field, "")
    if required and not value:
        raise Reject(field, _("%(label)s is required.") % {"label": label})
    if len(value) > max_length:
        raise Reject(field, _("%(label)s is longer than %(n)d characters.") % {
            "label": label, "n": max_length})
    return value


def region_id(values, regions, scope_region_id):
    code = values.get("region", "")
    if not code:
        raise Reject("region", _("Region (KATO code) is required."))
    found = regions.get(code)
    if found is None:
        raise Reject("region", _("Unknown region KATO code %(code)s.") % {"code": code[:20]})
    if scope_region_id is not None and found != scope_region_id:
        raise Reject("region", _("You may only import rows of your own region."))
    return found


def person_values(values, *, regions, scope_region_id, today):
    iin = values.get("iin", "")
    problem = iin_problem(iin)
    if problem:
        raise Reject("iin", problem)
    century, sex = CENTURY_SEX[iin[6]]  # a valid ИИН: its birth date exists
    birth = datetime.date(century + int(iin[0:2]), int(iin[2:4]), int(iin[4:6]))
    if birth > today:
        raise Reject("iin", _("The IIN encodes a birth date in the future (%(day)s).") % {
            "day": birth.strftime("%d.%m.%Y")})
    last = text(values, "last_name", required=True, max_length=NAME_MAX, label=LAST)
    first = text(values, "first_name", required=True, max_length=NAME_MAX, label=FIRST)
    middle = text(values, "middle_name", required=False, max_length=NAME_MAX, label=MIDDLE)
    citizenship = values.get("citizenship", "") or "citizen"
    if citizenship not in CITIZENSHIPS:
        raise Reject("citizenship", _("Unknown citizenship “%(value)s”; expected one of "
                                      "%(choices)s.") % {
            "value": citizenship[:40], "choices": ", ".join(Citizenship.values)})
    region = region_id(values, regions, scope_region_id)
    death = parse_date(values.get("death_date", ""), "death_date", DEATH)
    if death is not None and death < birth:
        raise Reject("death_date", _("The date of death is before the birth date in the IIN."))
    return (iin, last, first, middle, birth, sex, str(citizenship), region, death)


def organisation_values(values, *, regions, scope_region_id, today):
    key = values.get("bin", "")
    if bin_problem(key) and iin_problem(key):
        raise Reject("bin", bin_problem(key))
    name = text(values, "name", required=True, max_length=ORGANISATION_NAME_MAX, label=NAME)
    kind = values.get("kind", "") or "employer"
    if kind not in KINDS:
        raise Reject("kind", _("Unknown kind “%(value)s”; expected one of %(choices)s.") % {
            "value": kind[:40], "choices": ", ".join(Organisation.Kind.values)})
    return (key, name, str(kind), region_id(values, regions, scope_region_id))


@dataclass(frozen=True)
class Spec:
    """What a registry file holds and where it goes."""

    key: str  # the natural key column (iin / bin)
    columns: tuple  # the file's columns
    required: tuple
    staged: tuple  # (column, SQL type) of the staged values, the key first
    compared: tuple  # the staged columns an update may change
    values: object  # function(values, regions=, scope_region_id=, today=) -> tuple | Reject


PERSONS = Spec(
    key="iin",
    columns=("iin", "last_name", "first_name", "middle_name", "citizenship", "region",
             "death_date", "birth_date", "sex"),
    required=("iin", "last_name", "first_name", "region"),
    staged=(("iin", "text"), ("last_name", "text"), ("first_name", "text"),
            ("middle_name", "text"), ("birth_date", "date"), ("sex", "text"),
            ("citizenship", "text"), ("region_id", "bigint"), ("death_date", "date")),
    compared=("last_name", "first_name", "middle_name", "citizenship", "region_id",
              "death_date"),
    values=person_values,
)
ORGANISATIONS = Spec(
    key="bin",
    columns=("bin", "name", "kind", "region"),
    required=("bin", "name", "region"),
    staged=(("bin", "text"), ("name", "text"), ("kind", "text"), ("region_id", "bigint")),
    compared=("name", "kind", "region_id"),
    values=organisation_values,
)
