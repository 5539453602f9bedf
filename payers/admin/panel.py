"""The payments section of the person page (``payers.extensions.PERSON_PANELS``)."""

from django.db.models import Sum
from django.template.loader import render_to_string

from ..models import Arrear


def person_payments_panel(request, person):
    """The last 12 payments and the arrears as last computed."""
    arrears = Arrear.objects.filter(person=person)
    totals = arrears.aggregate(debt=Sum("debt"), penalty=Sum("penalty"))
    return render_to_string("payers/person_payments_panel.html", {
        "payments": person.payments.order_by("-period", "-id")[:12],
        "debt": totals["debt"], "penalty": totals["penalty"],
        "as_of": arrears.values_list("as_of", flat=True).first()}, request=request)


person_panels = [person_payments_panel]
