"""The person page's section (``payers.extensions.PERSON_PANELS``): the person's statement
of paid care."""

from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from ..selectors import statement_of_care

ROWS = 30


def person_care_panel(request, person):
    if not request.user.has_perm("monitoring.view_case"):
        return ""
    cases = list(statement_of_care(user=request.user, iin=person.iin)[:ROWS])
    if not cases:
        return format_html("<h3>{}</h3><p>{}</p>", _("Care received"),
                           _("No paid cases."))
    rows = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                                "<td>{}</td><td>{}</td></tr>", (
        (c.service_date.strftime("%d.%m.%Y"), c.provider.name, c.care_type.name, c.icd10[:3],
         c.payable, c.funding_source, c.get_outcome_display()) for c in cases))
    head = format_html_join("", "<th>{}</th>", ((h,) for h in (
        _("date"), _("provider"), _("type of care"), _("diagnosis group"), _("amount"),
        _("funding source"), _("outcome"))))
    return format_html("<h3>{}</h3><table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>",
                       _("Care received"), head, rows)


person_panels = [person_care_panel]
