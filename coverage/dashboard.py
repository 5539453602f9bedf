"""The coverage panel of the admin index: insured share by region and basis vs the target."""

from django.core.cache import cache
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from osms.core.formatting import rate
from osms.core.models import Region
from osms.core.scoping import user_region_id

from .models import Basis
from .selectors import insured_share, last_run

TARGET_PERCENT = 95  # docs/domain.md §5: 90–95 % of the population by 2026
CACHE_SECONDS = 600
# The risk lists of the status list (coverage.admin.computed.RiskFilter), one link each.
RISKS = [("losing", _lazy("losing status within 30 days")),
         ("turning18", _lazy("turning 18 next month")),
         ("category_ending", _lazy("category ending within 30 days")),
         ("uninsured", _lazy("not insured"))]


def _percent(part, whole):
    return round(100.0 * part / whole, 1) if whole else 0.0


def _panel_data(user, run_id):
    key = f"coverage-dashboard:{run_id}:{user_region_id(user) or 'all'}"
    data = cache.get(key)
    if data is None:
        by_region, by_basis = insured_share(user=user)
        data = {"by_region": by_region, "by_basis": by_basis}
        cache.set(key, data, CACHE_SECONDS)
    return data


def dashboard_panels(request):
    user = request.user
    if not user.has_perm("coverage.view_coveragestatus"):
        return []
    run = last_run()
    if run is None:
        card = {"label": _("Last recomputation"), "value": "—"}
        if user.has_perm("coverage.start_recomputerun") and user.is_head_office:
            card.update(url=reverse("admin:coverage_recomputerun_start_full"),
                        link=_("Recompute everyone"))
        else:
            card["note"] = _("Head office starts the first recomputation.")
        return [{"key": "coverage", "title": _("Insured status"), "cards": [card]}]
    data = _panel_data(user, run.pk)
    regions = {r.kato: r for r in Region.objects.all()}
    statuses = reverse("admin:coverage_coveragestatus_changelist")
    total = sum(r["total"] for r in data["by_region"])
    insured = sum(r["insured"] for r in data["by_region"])
    share = _percent(insured, total)
    cards = [
        {"label": _("Insured"), "value": rate(share / 100),
         "note": _("target %(t)d %%") % {"t": TARGET_PERCENT}},
        {"label": _("Persons"), "value": number_format(total, force_grouping=True),
         "note": _("insured: %(n)s") % {"n": number_format(insured, force_grouping=True)}},
        {"label": _("Last recomputation"), "value": f"{run.on:%d.%m.%Y}",
         "note": _("%(mode)s, %(changed)s changes") % {"mode": run.get_mode_display(),
                                                    "changed": run.changed}},
    ]
    bars = []
    for r in data["by_region"]:
        region = regions.get(r["person__region__kato"])
        bars.append({
            "label": region.name if region else r["person__region__kato"],
            "value": rate(_percent(r["insured"], r["total"]) / 100),
            "share": _percent(r["insured"], r["total"]), "target": TARGET_PERCENT,
            "url": f"{statuses}?person__region__id__exact={region.pk}" if region else "",
        })
    cards.append({"label": _("At risk"), "value": "",
                  "links": [(label, f"{statuses}?risk={key}") for key, label in RISKS]})
    labels = dict(Basis.choices)
    basis_bars = [
        {"label": labels.get(r["basis"], r["basis"]),
         "value": number_format(r["count"], force_grouping=True),
         "share": _percent(r["count"], total),
         "url": f"{statuses}?basis__exact={r['basis']}" if r["basis"] else ""}
        for r in data["by_basis"]
    ]
    return [
        {"key": "coverage", "title": _("Insured share by region (target %(t)d %%)") % {
            "t": TARGET_PERCENT}, "cards": cards, "bars": bars},
        {"key": "coverage-basis", "title": _("Insured persons by basis, share of population"),
         "bars": basis_bars},
    ]
