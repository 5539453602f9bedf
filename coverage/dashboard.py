"""The coverage panel of the admin index: insured share by region and basis vs the target."""

from django.core.cache import cache
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from osms.core.models import Region
from osms.core.scoping import user_region_id

from .models import Basis
from .selectors import insured_share, last_run

TARGET_PERCENT = 95  # docs/domain.md §5: 90–95 % of the population by 2026
CACHE_SECONDS = 600


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
        return [{"key": "coverage", "title": _("Insured status"),
                 "cards": [{"label": _("Last recomputation"), "value": "—",
                            "note": _("Run: python manage.py recompute_statuses --full")}]}]
    data = _panel_data(user, run.pk)
    names = {r.kato: r.name for r in Region.objects.all()}
    total = sum(r["total"] for r in data["by_region"])
    insured = sum(r["insured"] for r in data["by_region"])
    share = _percent(insured, total)
    cards = [
        {"label": _("Insured"), "value": f"{share} %",
         "note": _("target %(t)d %%") % {"t": TARGET_PERCENT}},
        {"label": _("Persons"), "value": number_format(total, force_grouping=True),
         "note": _("insured: %(n)s") % {"n": number_format(insured, force_grouping=True)}},
        {"label": _("Last recomputation"), "value": f"{run.on:%d.%m.%Y}",
         "note": _("%(mode)s, %(changed)s changes") % {"mode": run.get_mode_display(),
                                                    "changed": run.changed}},
    ]
    bars = [
        {"label": names.get(r["person__region__kato"], r["person__region__kato"]),
         "value": f"{_percent(r['insured'], r['total'])} %",
         "share": _percent(r["insured"], r["total"]), "target": TARGET_PERCENT}
        for r in data["by_region"]
    ]
    labels = dict(Basis.choices)
    basis_bars = [
        {"label": labels.get(r["basis"], r["basis"]),
         "value": number_format(r["count"], force_grouping=True),
         "share": _percent(r["count"], total)}
        for r in data["by_basis"]
    ]
    return [
        {"key": "coverage", "title": _("Insured share by region (target %(t)d %%)") % {
            "t": TARGET_PERCENT}, "cards": cards, "bars": bars},
        {"key": "coverage-basis", "title": _("Insured persons by basis, share of population"),
         "bars": basis_bars},
    ]
