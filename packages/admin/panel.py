"""The package section of the person page (``payers.extensions.PERSON_PANELS``): the version in
force today and a link to the eligibility tool filled in for this person."""

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from ..selectors import version_on


def person_package_panel(request, person):
    if request is None or not request.user.has_perm("packages.view_packageversion"):
        return ""
    today = timezone.localdate()
    version = version_on(on=today)
    url = reverse("admin:packages_packageversion_eligibility_tool")
    query = urlencode({"iin": person.iin, "date": today.isoformat()})
    return format_html(
        '<p class="mt-2">{}: <b>{}</b>. <a class="underline" href="{}?{}">{}</a></p>',
        _("Benefit package in force today"), version.name if version else "—", url, query,
        _("Check eligibility for this person"),
    )


person_panels = [person_package_panel]
