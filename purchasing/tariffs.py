"""The unit price of a campaign from the packages app's effective-dated tariffs.

One lookup per tariff kind, by date; the price and a human-readable source are
copied onto the campaign so a later tariff change never rewrites a purchase.
- ``phc``: per-capita norm (regional, else national) × the region's density
  coefficient × 12 months: the price of one attached person for a year;
- a КЗГ code (``case:<code>:<severity>``), a service code (``service:<code>``) or a
  bed profile (``bedday:<profile>``): that tariff's amount.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from packages import selectors as tariffs


def unit_price(*, care_type, region, on, tariff=""):
    """(price, source) for one unit of the campaign's volume; ValidationError if none."""
    if not tariff and care_type.code == "phc":
        norm = tariffs.phc_norm_on(on=on, region=region)
        if norm is None:
            raise ValidationError({"tariff": _("No PHC per-capita norm in force on %(date)s.")
                                   % {"date": on.isoformat()}})
        factor = tariffs.phc_density_coefficient(on=on, region=region)
        price = (norm.amount * factor * 12).quantize(Decimal("0.01"))
        return price, _("PHC norm %(norm)s × density %(k)s × 12 months") % {
            "norm": norm.amount, "k": factor}
    kind, _sep, rest = tariff.partition(":")
    if kind == "case":
        code, _sep, severity = rest.partition(":")
        row = tariffs.case_rate_on(code=code, severity=int(severity or 1), on=on,
                                   care_type=care_type)
        if row:
            return row.amount, _("КЗГ %(code)s, severity %(s)s") % {"code": code, "s": row.severity}
    elif kind == "service":
        row = tariffs.service_price_on(code=rest, on=on)
        if row:
            return row.price, _("Service %(code)s") % {"code": rest}
    elif kind == "bedday":
        row = tariffs.bed_day_rate_on(profile=rest, on=on)
        if row:
            return row.rate, _("Bed-day, profile %(p)s") % {"p": rest}
    raise ValidationError({"tariff": _("No tariff %(t)s for %(care)s in force on %(date)s.")
                           % {"t": tariff or care_type.code, "care": care_type.code,
                              "date": on.isoformat()}})
