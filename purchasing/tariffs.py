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
from django.db.models import Q
from django.utils.translation import gettext as _


def _active(queryset, on):
    return queryset.filter(valid_from__lte=on).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))


def unit_price(*, care_type, region, on, tariff=""):
    """(price, source) for one unit of the campaign's volume; ValidationError if none."""
    from packages.models import (
        TariffBedDay,
        TariffCaseRate,
        TariffPhcCoefficient,
        TariffPhcNorm,
        TariffServicePrice,
    )

    if not tariff and care_type.code == "phc":
        norms = _active(TariffPhcNorm.objects, on)
        norm = norms.filter(region=region).first() or norms.filter(region__isnull=True).first()
        if norm is None:
            raise ValidationError({"tariff": _("No PHC per-capita norm in force on %(date)s.")
                                   % {"date": on.isoformat()}})
        coefficient = _active(TariffPhcCoefficient.objects, on).filter(
            kind="density", region=region).first()
        factor = coefficient.value if coefficient else Decimal("1")
        price = (norm.amount * factor * 12).quantize(Decimal("0.01"))
        return price, _("PHC norm %(norm)s × density %(k)s × 12 months") % {
            "norm": norm.amount, "k": factor}
    kind, _sep, rest = tariff.partition(":")
    if kind == "case":
        code, _sep, severity = rest.partition(":")
        row = _active(TariffCaseRate.objects, on).filter(
            code=code, care_type=care_type, severity=int(severity or 1)).first()
        if row:
            return row.amount, _("КЗГ %(code)s, severity %(s)s") % {"code": code, "s": row.severity}
    elif kind == "service":
        row = _active(TariffServicePrice.objects, on).filter(code=rest).first()
        if row:
            return row.price, _("Service %(code)s") % {"code": rest}
    elif kind == "bedday":
        row = _active(TariffBedDay.objects, on).filter(profile=rest).first()
        if row:
            return row.rate, _("Bed-day, profile %(p)s") % {"p": rest}
    raise ValidationError({"tariff": _("No tariff %(t)s for %(care)s in force on %(date)s.")
                           % {"t": tariff or care_type.code, "care": care_type.code,
                              "date": on.isoformat()}})
