"""Plain-language explanation of an allocation line, rendered in the user's language.

The algorithm stores facts (numbers and a limit code); this module turns them
into a sentence such as: "Requested 900, can deliver 900. Shares by score:
level 5.0 per point × score 80 = 400. Gets 400."
"""

from django.utils.translation import gettext as _

from osms.core.formatting import number, rate

from . import allocation


def _n(value):
    return "—" if value is None else number(value)


def explain(*, limit, facts, volume, proposed_volume=None):
    f = facts or {}
    parts = []
    if limit == allocation.LIMIT_INELIGIBLE:
        return _("Excluded: %(reason)s") % {"reason": f.get("reason") or "—"}
    if limit == allocation.LIMIT_ZERO_SCORE:
        return _("No rating score for the year: gets no volume by the algorithm.")
    parts.append(_("Score %(score)s; requested %(requested)s; own capacity %(own)s.") % {
        "score": _n(f.get("score")), "requested": _n(f.get("requested")),
        "own": _n(f.get("own_capacity"))})
    if f.get("coexecution_cap") is not None:
        parts.append(_("Co-executors may deliver at most %(cap)s of the volume "
                       "(declared %(coexec)s), so at most %(ceiling)s.") % {
            "cap": rate(f["coexecution_cap"]), "coexec": _n(f.get("coexecution_capacity")),
            "ceiling": _n(f.get("coexecution_ceiling"))})
    if limit == allocation.LIMIT_REQUESTED:
        parts.append(_("Gets the full requested volume."))
    elif limit == allocation.LIMIT_CAPACITY:
        parts.append(_("Limited by what it can deliver."))
    elif limit == allocation.LIMIT_COEXECUTION_CAP:
        parts.append(_("Limited by the co-execution cap."))
    elif limit == allocation.LIMIT_SHARE:
        parts.append(_("Demand exceeds the %(total)s units the plan and budget allow: the volume "
                       "is split in proportion to the score (exact share %(share)s, rounded to "
                       "whole units).") % {"total": _n(f.get("distributable_volume")),
                                          "share": _n(f.get("exact_share"))})
    if f.get("coexecuted_volume"):
        parts.append(_("Of it %(n)s by co-executors.") % {"n": _n(f["coexecuted_volume"])})
    parts.append(_("Proposed: %(v)s.") % {"v": _n(proposed_volume if proposed_volume is not None
                                             else volume)})
    if proposed_volume is not None and proposed_volume != volume:
        parts.append(_("Changed by the commission to %(v)s (see the adjustments).") % {"v": _n(volume)})
    return " ".join(str(p) for p in parts)


def explain_line(line):
    return explain(limit=line.limit, facts=line.facts, volume=line.volume,
                   proposed_volume=line.proposed_volume)
