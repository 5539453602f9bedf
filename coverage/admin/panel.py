"""The coverage section of the person page (``payers.extensions.PERSON_PANELS``)."""

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from ..facts import PolicyMissing
from ..models import Basis, CoverageStatus
from ..selectors import memberships_of, person_coverage, status_history

TIMELINE_ROWS = 24


def person_coverage_panel(request, person):
    try:
        result = person_coverage(person=person, on=timezone.localdate())
    except PolicyMissing as exc:
        return format_html("<p>{}</p>", str(exc))
    return render_to_string("coverage/person_panel.html", {
        "result": result,
        "basis_label": dict(Basis.choices).get(result.basis, ""),
        "stored": CoverageStatus.objects.filter(person=person).first(),
        "memberships": list(memberships_of(person=person)),
        "history": list(status_history(person=person)[:TIMELINE_ROWS]),
    }, request=request) or _("No coverage data.")


person_panels = [person_coverage_panel]
