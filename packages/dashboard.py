"""Admin index panel: the package in force today and the size of the catalogue."""

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import CareType, DiseaseList, Icd10Code
from .selectors import version_on


def dashboard_panels(request):
    if not request.user.has_perm("packages.view_packageversion"):
        return []
    today = timezone.localdate()
    version = version_on(on=today)
    return [{
        "key": "packages",
        "title": _("Benefit package"),
        "cards": [
            {"label": _("Version in force"), "value": version.code if version else "—",
             "note": version.name if version else _("No published version covers today.")},
            {"label": _("Rules"), "value": version.rules.count() if version else 0},
            {"label": _("Types of care"), "value": CareType.objects.filter(is_active=True).count()},
            {"label": _("ICD-10 codes"), "value": Icd10Code.objects.count(),
             "note": _("Disease lists: %(n)s") % {"n": DiseaseList.objects.count()}},
        ],
    }]
