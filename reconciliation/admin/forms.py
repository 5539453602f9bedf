"""Forms of the reconciliation admin: the period asked for by its pages and its job."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from osms.core.bounds import EARLIEST_PAYMENT_DATE, date_problem


def parse_period(value):
    """The first day of the month written as YYYY-MM (or a date YYYY-MM-DD of that month).

    Periods reconciled start with the first month of contributions (2017) and end with
    the current month: anything else is a typing error, answered with the reason.
    """
    value = (value or "").strip()
    for pattern in ("%Y-%m", "%Y-%m-%d"):
        try:
            day = datetime.datetime.strptime(value, pattern).date()
            break
        except ValueError:
            continue
    else:
        raise forms.ValidationError(_("Write the period as YYYY-MM, e.g. 2026-01."))
    period = day.replace(day=1)
    problem = date_problem(period, label=_("The period"), earliest=EARLIEST_PAYMENT_DATE,
                           not_future=True)
    if problem:
        raise forms.ValidationError(problem)
    return period


class PeriodForm(forms.Form):
    period = forms.CharField(label=_("Period (YYYY-MM)"))

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
