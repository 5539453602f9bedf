"""Monitoring's contribution to purchasing's acts (``purchasing.extensions.ACT_SOURCES``):
a contract item with cases has its monthly act built from them.

claim = the item's cases of the month that the control accepted or sent to review (a
reviewed case is paid less its review's deduction), each at its amount by the tariff;
deductions = one per review of those cases that an expert concluded with a deduction.
"""

from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from purchasing.extensions import ActClaim, ActSource

from . import selectors
from .models import Case, Review


def has_data(*, item):
    return Case.objects.filter(contract_item=item).exists()


def claim(*, item, period):
    cases = selectors.paid_cases(item=item, period=period)
    totals = selectors.paid_totals(cases)
    reviews = (Review.objects.filter(case__in=cases, deduction__gt=0)
               .filter(~Q(status=Review.Status.OPEN))
               .select_related("case").order_by("case_id"))
    deductions = tuple(
        (_("Expert review of case %(n)s") % {"n": r.case.case_number}, r.deduction,
         r.conclusion or r.get_status_display())
        for r in reviews)
    return ActClaim(volume=totals["n"], amount=totals["amount"] or Decimal("0"),
                    deductions=deductions)


# ``name`` prefixes the reasons of the deductions it adds (a rebuild replaces those).
act_sources = [ActSource(name="monitoring", has_data=has_data, claim=claim)]
