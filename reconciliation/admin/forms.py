"""Forms of the reconciliation admin: the period asked for by its pages and its job."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from osms.core.bounds import EARLIEST_PAYMENT_DATE, date_problem
from osms.core.periods import parse_month


def parse_period(value):
    """The first day of the month typed as ММ.ГГГГ or ГГГГ-ММ (``osms.core.periods.
    parse_month``; a date ГГГГ-ММ-ДД of that month is still taken, as links carry it).

    Periods reconciled start with the first month of contributions (2017) and end with
    the current month: anything else is a typing error, answered with the reason.
    """
    value = (value or "").strip()
    try:
        period = parse_month(value)
    except ValueError:
        try:
            period = datetime.datetime.strptime(value, "%Y-%m-%d").date().replace(day=1)
        except ValueError:
            raise forms.ValidationError(
                _("Write the period as a month, MM.YYYY or YYYY-MM (e.g. 01.2026 or 2026-01); "
                  "got “%(value)s”.") % {"value": value[:20]}) from None
    problem = date_problem(period, label=_("The period"), earliest=EARLIEST_PAYMENT_DATE,
                           not_future=True)
    if problem:
        raise forms.ValidationError(problem)
    return period


class PeriodForm(forms.Form):
    period = forms.CharField(label=_("Period (MM.YYYY or YYYY-MM)"))

    def clean_period(self):
        return parse_period(self.cleaned_data["period"])


def period_filter(request):
    """(period or None, error or None) from the page's ``?period=`` (absent: no filter)."""
    if not request.GET.get("period"):
        return None, None
    form = PeriodForm(request.GET)
    if form.is_valid():
        return form.cleaned_data["period"], None
    return None, "; ".join(form.errors["period"])
