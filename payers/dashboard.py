"""Dashboard panel of the registry: persons by region (planner estimates, no full COUNT)."""

from django.core.cache import cache
from django.db.models import Count
from django.utils.translation import gettext as _

from osms.core.paginator import bounded_count
from osms.core.scoping import user_region_id

from .models import Organisation, Person


def dashboard_panels(request):
    return transfer_panel(request) + registry_panel(request)


def transfer_panel(request):
    """Head office: the persons' transfer requests waiting for a decision, linked to the list."""
    from django.urls import reverse

    from osms.core.formatting import number

    from .models import PersonTransferRequest

    user = request.user
    if not user.has_perm("payers.decide_persontransferrequest"):
        return []
    pending = PersonTransferRequest.Status.PENDING
    count = PersonTransferRequest.objects.for_user(user).filter(status=pending).count()
    url = reverse("admin:payers_persontransferrequest_changelist") + f"?status__exact={pending}"
    return [{"key": "transfers", "title": _("Person transfer requests"), "cards": [{
        "label": _("Waiting for a decision"), "value": number(count),
        "note": _("Regional operators ask to move a person registered in another region."),
        "url": url, "link": _("Open the requests")}]}]


def registry_panel(request):
    user = request.user
    if not user.has_perm("payers.view_person"):
        return []
    persons = Person.objects.for_user(user)
    total, exact = bounded_count(persons)
    organisations, org_exact = bounded_count(Organisation.objects.for_user(user))
    cards = [
        {"label": _("Persons in the registry"), "value": f"{'' if exact else '≈ '}{total:,}".replace(",", " ")},
        {"label": _("Organisations"), "value": f"{'' if org_exact else '≈ '}{organisations:,}".replace(",", " ")},
    ]
    bars = []
    if user_region_id(user) is None and total <= 2_000_000:
        rows = cache.get_or_set(
            "dashboard:persons-by-region",
            lambda: list(persons.values("region__kato", "region__name_ru", "region__name_kk",
                                        "region__name_en").annotate(n=Count("id")).order_by("-n")),
            600,
        )
        top = max((r["n"] for r in rows), default=0) or 1
        from django.utils.translation import get_language

        lang = (get_language() or "ru")[:2]
        for row in rows:
            bars.append({
                "label": row.get(f"region__name_{lang}") or row["region__name_ru"],
                "value": f"{row['n']:,}".replace(",", " "),
                "share": 100 * row["n"] / top,
            })
    return [{"key": "registry", "title": _("Registry"), "cards": cards, "bars": bars}]
