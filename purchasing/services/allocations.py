"""Running the allocation, audited adjustments by the commission, the protocol decision."""

import hashlib
import json
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from osms.core.bounds import MAX_LONG_TEXT, text_problem
from osms.core.services import require_scope, save_audited

from .. import allocation as algorithm
from ..models import (
    Allocation,
    AllocationAdjustment,
    AllocationLine,
    Application,
    Campaign,
    CommissionMember,
    Meeting,
    Protocol,
    Provider,
    ProviderCapacity,
    ProviderRating,
    Vote,
)
from .campaigns import coexecution_cap, year_start
from .commissions import quorum, recusals
from .common import field_error, require_seat

Role = CommissionMember.Role


def allocation_inputs(campaign):
    """The algorithm's inputs for a campaign, read from the database."""
    on = year_start(campaign.year)
    applications = list(
        Application.objects.filter(campaign=campaign)
        .exclude(status=Application.Status.WITHDRAWN)
        .select_related("provider").order_by("id")
    )
    provider_ids = [a.provider_id for a in applications]
    scores = dict(ProviderRating.objects.filter(provider_id__in=provider_ids, year=campaign.year)
                  .values_list("provider_id", "score"))
    capacity = dict(ProviderCapacity.objects.filter(
        provider_id__in=provider_ids, care_type=campaign.care_type, year=campaign.year
    ).values_list("provider_id", "annual_volume"))
    candidates = []
    for app in applications:
        reasons = list(app.problems) if app.status == Application.Status.REJECTED else []
        if app.provider.inclusion != Provider.Inclusion.INCLUDED and not reasons:
            reasons.append(_("The provider is not in the database of health subjects."))
        candidates.append(algorithm.Candidate(
            key=app.pk, provider_id=app.provider_id,
            score=scores.get(app.provider_id, Decimal("0")),
            requested=app.requested_volume, own_capacity=capacity.get(app.provider_id, 0),
            coexecution_capacity=app.coexecution_volume,
            coexecution_cap=coexecution_cap(care_type=campaign.care_type,
                                            locality=app.provider.locality, on=on),
            eligible=not reasons, ineligible_reason="; ".join(reasons),
        ))
    facts = algorithm.Campaign(planned_volume=campaign.planned_volume,
                               unit_price=campaign.unit_price, budget=campaign.budget)
    return facts, candidates


def inputs_digest(facts, candidates):
    payload = {
        "algorithm": algorithm.ALGORITHM_VERSION,
        "campaign": [facts.planned_volume, str(facts.unit_price), str(facts.budget)],
        "candidates": sorted(
            [c.key, c.provider_id, str(c.score), c.requested, c.own_capacity,
             c.coexecution_capacity, None if c.coexecution_cap is None else str(c.coexecution_cap),
             c.eligible, c.ineligible_reason]
            for c in candidates
        ),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


@transaction.atomic
def allocation_run(*, campaign, acting_user=None):
    """Run the algorithm on a closed campaign; earlier proposals are superseded."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    require_scope(campaign, acting_user, "change")
    if campaign.status not in (Campaign.Status.CLOSED, Campaign.Status.ALLOCATED):
        raise field_error("status", _("Close the applications before allocating."))
    facts, candidates = allocation_inputs(campaign)
    if not candidates:
        raise field_error("applications", _("The campaign has no applications."))
    shares = algorithm.allocate(facts, candidates)
    Allocation.objects.filter(campaign=campaign, status=Allocation.Status.PROPOSED).update(
        status=Allocation.Status.SUPERSEDED)
    version = (campaign.allocations.aggregate(v=Max("version"))["v"] or 0) + 1
    run = Allocation.objects.create(
        campaign=campaign, version=version, algorithm=algorithm.ALGORITHM_VERSION,
        inputs_digest=inputs_digest(facts, candidates),
        distributable_volume=facts.distributable_volume,
        total_volume=sum(s.volume for s in shares),
        total_amount=sum((s.amount for s in shares), Decimal("0.00")),
        created_by=acting_user,
    )
    scores = {c.key: c.score for c in candidates}
    lines = [
        AllocationLine(
            allocation=run, application_id=s.key, provider_id=s.provider_id, rank=s.rank,
            score=scores[s.key], requested_volume=s.facts["requested"], ceiling=s.ceiling,
            limit=s.limit, proposed_volume=s.volume, proposed_amount=s.amount,
            volume=s.volume, amount=s.amount, facts=s.facts,
        )
        for s in shares
    ]
    bulk_create_with_history(lines, AllocationLine, default_user=acting_user,
                             default_change_reason=_("Proposed by the algorithm"))
    Protocol.objects.create(
        allocation=run, campaign=campaign,
        number=f"{campaign.region.kato[:2]}-{campaign.year}-{campaign.care_type.code}-{version}",
    )
    campaign.status = Campaign.Status.ALLOCATED
    save_audited(campaign, acting_user=acting_user, action="change",
                 reason=_("Allocation run %(v)d") % {"v": version})
    return run


def _open_meeting(campaign):
    return campaign.meetings.filter(status=Meeting.Status.OPEN).order_by("-held_on", "-id").first()


@transaction.atomic
def line_adjust(*, line, new_volume, reason, acting_user):
    """A commission member changes a provider's volume; a written reason is required."""
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise field_error("reason", _("Write the reason for the change (at least 10 characters)."))
    problem = text_problem(reason, label=_("The reason"), max_length=MAX_LONG_TEXT)
    if problem:
        raise field_error("reason", problem)
    line = AllocationLine.objects.select_for_update(of=("self",)).select_related(
        "allocation__campaign__commission", "provider").get(pk=line.pk)
    require_scope(line, acting_user, "change")
    run = Allocation.objects.select_for_update().get(pk=line.allocation_id)
    campaign = run.campaign
    require_seat(user=acting_user, commission=campaign.commission)
    if run.status != Allocation.Status.PROPOSED:
        raise field_error("volume", _("This allocation is no longer under review."))
    if new_volume < 0:
        raise field_error("volume", _("The volume must not be negative."))
    if new_volume > line.ceiling:
        raise field_error("volume", _("%(p)s may get at most %(max)d (requested %(r)d, capacity "
                                      "and caps).") % {"p": line.provider.name,
                                                       "max": line.ceiling,
                                                       "r": line.requested_volume})
    others = run.lines.exclude(pk=line.pk).aggregate(v=Sum("volume"))["v"] or 0
    if others + new_volume > run.distributable_volume:
        raise field_error("volume", _("The total would be %(t)d, above the %(max)d the plan and "
                                      "budget allow.") % {"t": others + new_volume,
                                                          "max": run.distributable_volume})
    if new_volume == line.volume:
        return line
    new_amount = (campaign.unit_price * new_volume).quantize(Decimal("0.01"))
    AllocationAdjustment.objects.create(
        line=line, old_volume=line.volume, new_volume=new_volume, old_amount=line.amount,
        new_amount=new_amount, reason=reason, user=acting_user,
    )
    line.volume, line.amount = new_volume, new_amount
    save_audited(line, acting_user=acting_user, action="change", reason=reason)
    totals = run.lines.aggregate(v=Sum("volume"), a=Sum("amount"))
    run.total_volume, run.total_amount = totals["v"] or 0, totals["a"] or Decimal("0")
    run.save(update_fields=["total_volume", "total_amount"])
    meeting = _open_meeting(campaign)
    if meeting is not None:
        # Votes were cast on the allocation before this change: they must be cast again.
        for vote in Vote.objects.filter(meeting=meeting):
            vote._history_user = acting_user
            vote._change_reason = _("Allocation changed: vote again")
            vote.delete()
    return line


def protocol_tally(protocol, meeting=None):
    """Votes per line, excluding members with a declared conflict with that provider."""
    meeting = meeting or protocol.meeting or _open_meeting(protocol.campaign)
    if meeting is None:
        return {"meeting": None, "quorum": None, "lines": [], "passed": False}
    present, total, required, reached = quorum(meeting)
    votes = {v.member_id: v.choice for v in meeting.votes.all()}
    present_ids = set(meeting.present.exclude(role=Role.SECRETARY).values_list("pk", flat=True))
    lines = list(protocol.allocation.lines.select_related("provider").order_by("rank"))
    recused = recusals(meeting, [ln.provider_id for ln in lines])
    rows = []
    for ln in lines:
        eligible = present_ids - recused[ln.provider_id]
        cast = [votes[m] for m in eligible if m in votes]
        yes = cast.count(Vote.Choice.FOR)
        no = cast.count(Vote.Choice.AGAINST)
        rows.append({"line": ln.pk, "provider": ln.provider.name, "for": yes, "against": no,
                     "abstain": cast.count(Vote.Choice.ABSTAIN), "eligible": len(eligible),
                     "recused": len(recused[ln.provider_id] & present_ids),
                     "passed": yes * 2 > len(eligible)})
    return {"meeting": meeting.pk, "quorum": {"present": present, "total": total,
                                              "required": required, "reached": reached},
            "lines": rows, "passed": reached and all(r["passed"] for r in rows)}


@transaction.atomic
def protocol_approve(*, protocol, acting_user):
    """The chair (or deputy chair) approves the protocol once the vote carries every line."""
    protocol = Protocol.objects.select_for_update().get(pk=protocol.pk)
    if not acting_user.has_perm("purchasing.approve_protocol"):
        raise PermissionDenied(_("You may not approve protocols."))
    require_scope(protocol, acting_user, "view")
    run = Allocation.objects.select_for_update().get(pk=protocol.allocation_id)
    campaign = Campaign.objects.select_for_update().get(pk=protocol.campaign_id)
    require_seat(user=acting_user, commission=campaign.commission,
                 roles=[Role.CHAIR, Role.DEPUTY_CHAIR],
                 message=_("Only the chair or a deputy chair signs the protocol."))
    if protocol.status == Protocol.Status.APPROVED:
        return protocol
    if run.status != Allocation.Status.PROPOSED:
        raise field_error("allocation", _("This allocation was superseded by a later run."))
    meeting = _open_meeting(campaign)
    tally = protocol_tally(protocol, meeting)
    if meeting is None:
        raise field_error("meeting", _("Open a meeting of the commission first."))
    if not tally["quorum"]["reached"]:
        raise field_error("meeting", _("No quorum: %(p)d of %(t)d voting members present, %(r)d "
                                       "needed.") % {"p": tally["quorum"]["present"],
                                                     "t": tally["quorum"]["total"],
                                                     "r": tally["quorum"]["required"]})
    failing = [r["provider"] for r in tally["lines"] if not r["passed"]]
    if failing:
        raise ValidationError(_("No majority for: %(names)s.") % {"names": ", ".join(failing)})
    protocol.status = Protocol.Status.APPROVED
    protocol.meeting = meeting
    protocol.decision = tally
    protocol.approved_at = timezone.now()
    protocol.approved_by = acting_user
    save_audited(protocol, acting_user=acting_user, action="view", reason=_("Approved"))
    run.status = Allocation.Status.APPROVED
    run.save(update_fields=["status"])
    meeting.status = Meeting.Status.CLOSED
    meeting.save(update_fields=["status"])
    campaign.status = Campaign.Status.APPROVED
    campaign._history_user = acting_user  # members approve; they do not edit campaigns
    campaign._change_reason = _("Protocol approved")
    campaign.save(update_fields=["status"])
    return protocol
