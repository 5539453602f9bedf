"""Effective-dated lookups of the money rules: one function per kind (docs/domain.md §3).

A row applies from its ``valid_from`` until the next row of the same key. Business
code asks these functions; it never holds a rate, a cap or a year itself.
"""

import datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from osms.core.periods import add_months

from .models import ContributionRate, PayerType, PenaltyRule, ReferenceKind, ReferenceValue


class RateNotFound(LookupError):
    """No row of the schedule applies on the date asked."""

    def __init__(self, message, *, field="period"):
        super().__init__(message)
        self.field = field


def reference_value(*, kind, period, region=None) -> Decimal:
    """The value of ``kind`` (mzp, mrp, average_wage, …) in force on ``period``."""
    queryset = ReferenceValue.objects.filter(kind=kind)
    queryset = queryset.filter(region=region) if region is not None else queryset.filter(
        region__isnull=True
    )
    row = queryset.latest_on(period)
    if row is None:
        label = ReferenceKind(kind).label if kind in ReferenceKind.values else kind
        where = f" ({region})" if region is not None else ""
        raise RateNotFound(
            _("No %(kind)s%(where)s is recorded for %(period)s.")
            % {"kind": label, "where": where, "period": f"{period:%m.%Y}"},
            field="region" if region is not None else "period",
        )
    return row.value


def reference_history(*, kind, region=None):
    """[(valid_from, value)] ascending, for bulk work that needs every change."""
    queryset = ReferenceValue.objects.filter(kind=kind)
    queryset = queryset.filter(region=region) if region is not None else queryset.filter(
        region__isnull=True
    )
    return list(queryset.order_by("valid_from").values_list("valid_from", "value"))


def schedule_on(*, payer_type, period) -> list[ContributionRate]:
    """The lines a payer type owes for ``period``: the latest row of each line kind."""
    if payer_type not in PayerType.values:
        raise RateNotFound(
            _("Unknown payer type %(value)s.") % {"value": payer_type}, field="payer_type"
        )
    # The latest row of each line kind (the schedule's key is payer type × kind).
    rows = list(ContributionRate.objects.filter(payer_type=payer_type).valid_on(period)
                .order_by("kind"))
    if not rows:
        first = (
            ContributionRate.objects.filter(payer_type=payer_type)
            .order_by("valid_from")
            .values_list("valid_from", flat=True)
            .first()
        )
        raise RateNotFound(
            _("No contribution schedule for %(type)s in %(period)s; the first applies from "
              "%(first)s.")
            % {"type": payer_type, "period": f"{period:%m.%Y}",
               "first": f"{first:%m.%Y}" if first else "—"}
        )
    return rows


def penalty_rule_on(*, day: datetime.date) -> PenaltyRule:
    rule = PenaltyRule.objects.latest_on(day)
    if rule is None:
        raise RateNotFound(_("No penalty rule applies on %(day)s.") % {"day": day})
    return rule


def due_date(*, period: datetime.date, due_day: int) -> datetime.date:
    """The due date of a period: ``due_day`` of the following month."""
    return add_months(period, 1).replace(day=due_day)
