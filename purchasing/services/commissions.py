"""Forming a commission (composition rules), conflicts of interest, meetings and votes."""

import math
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from osms.core.bounds import MAX_LONG_TEXT, text_problem
from osms.core.services import require_scope, save_audited

from ..models import (
    Commission,
    CommissionKind,
    CommissionMember,
    CompositionRule,
    ConflictDeclaration,
    Meeting,
    MemberBody,
    Vote,
)
from .common import field_error, require_seat

Role = CommissionMember.Role
PUBLIC_BODIES = {MemberBody.ATAMEKEN, MemberBody.NGO}


def composition_rule(*, kind, on):
    return CompositionRule.objects.filter(commission_kind=kind).latest_on(on)


def composition_problems(commission, on):
    """Every composition rule the commission breaks on ``on`` (empty: lawful)."""
    rule = composition_rule(kind=commission.kind, on=on)
    if rule is None:
        return [_("No composition rule is in force on %(date)s.") % {"date": on.isoformat()}]
    members = list(commission.members.filter(active=True).select_related("user"))
    voting = [m for m in members if m.can_vote]
    problems = []
    chairs = [m for m in members if m.role == Role.CHAIR]
    if len(chairs) != 1:
        problems.append(_("There must be exactly one chair (found %(n)d).") % {"n": len(chairs)})
    deputies = [m for m in members if m.role == Role.DEPUTY_CHAIR]
    if not deputies:
        problems.append(_("There is no deputy chair."))
    for deputy in deputies:
        if deputy.body != rule.deputy_chair_body:
            problems.append(_("Deputy chair %(name)s must come from: %(body)s.") % {
                "name": deputy.full_name, "body": MemberBody(rule.deputy_chair_body).label})
        elif commission.kind == CommissionKind.REGIONAL and not deputy.is_deputy_head_or_above:
            problems.append(_("Deputy chair %(name)s must be at least a deputy head of the "
                              "health department.") % {"name": deputy.full_name})
    secretaries = [m for m in members if m.role == Role.SECRETARY]
    if len(secretaries) != 1:
        problems.append(_("There must be exactly one secretary (found %(n)d).")
                        % {"n": len(secretaries)})
    if len(voting) < rule.min_voting_members:
        problems.append(_("%(n)d voting members; at least %(min)d are required.")
                        % {"n": len(voting), "min": rule.min_voting_members})
    fund = [m for m in voting if m.body == MemberBody.FUND]
    if voting and Decimal(len(fund)) / Decimal(len(voting)) > rule.max_fund_share:
        problems.append(_("Fund staff are %(n)d of %(total)d voting members; at most %(share)s "
                          "are allowed.") % {"n": len(fund), "total": len(voting),
                                             "share": f"{rule.max_fund_share:.0%}"})
    if not any(m.body in PUBLIC_BODIES for m in voting):
        problems.append(_("No member from «Atameken» or a non-governmental organisation."))
    for member in members:
        if (member.user_id and commission.region_id
                and member.user.region_id != commission.region_id):
            problems.append(_("%(name)s's user account belongs to another region.")
                            % {"name": member.full_name})
    return problems


@transaction.atomic
def commission_form(*, commission, formed_on, acting_user=None):
    """Check the composition; a lawful commission becomes formed, else a ValidationError."""
    commission = Commission.objects.select_for_update().get(pk=commission.pk)
    require_scope(commission, acting_user, "change")
    problems = composition_problems(commission, formed_on)
    commission.composition_report = problems
    if problems:
        commission.save(update_fields=["composition_report"])
        raise ValidationError(problems)
    commission.status = Commission.Status.FORMED
    commission.formed_on = formed_on
    return save_audited(commission, acting_user=acting_user, action="change",
                        reason=_("Formed: composition checked"))


@transaction.atomic
def commission_save(*, commission, acting_user=None, reason=""):
    action = "change" if commission.pk else "add"
    require_scope(commission, acting_user, action)
    return save_audited(commission, acting_user=acting_user, action=action, reason=reason)


def member_check(*, commission, user):
    """A member's user account belongs to the commission's region (the republican
    commission: a head-office account); another region's account is refused."""
    if user is None or commission is None:
        return
    if user.region_id != commission.region_id:
        raise field_error("user", _("This user account belongs to another region than the "
                                    "commission."))


@transaction.atomic
def member_save(*, member, acting_user=None, reason=""):
    """Save a new or edited commission member (the user account checked against the region)."""
    action = "change" if member.pk else "add"
    require_scope(member, acting_user, action)
    member_check(commission=member.commission, user=member.user)
    return save_audited(member, acting_user=acting_user, action=action, reason=reason)


@transaction.atomic
def member_delete(*, member, acting_user=None):
    require_scope(member, acting_user, "delete")
    member._history_user = acting_user
    member.delete()


def conflict_check(*, nature):
    if not (nature or "").strip():
        raise field_error("nature", _("Describe the interest."))


@transaction.atomic
def conflict_declare(*, member, provider, nature, declared_on, acting_user=None):
    require_scope(member, acting_user, "view")
    conflict_check(nature=nature)
    declaration = ConflictDeclaration(member=member, provider=provider, nature=nature.strip(),
                                      declared_on=declared_on)
    return conflict_save(declaration=declaration, acting_user=acting_user)


@transaction.atomic
def conflict_save(*, declaration, acting_user=None):
    action = "change" if declaration.pk else "add"
    require_scope(declaration, acting_user, action)
    conflict_check(nature=declaration.nature)
    return save_audited(declaration, acting_user=acting_user, action=action)


def meeting_check(*, campaign, present, commission=None):
    """A meeting is of the campaign's formed commission, with members of that commission."""
    formed = Commission.objects.filter(pk=campaign.commission_id,
                                       status=Commission.Status.FORMED).first()
    if formed is None:
        raise field_error("commission", _("The campaign has no formed commission."))
    if commission is not None and commission.pk != formed.pk:
        raise field_error("commission", _("The campaign is reviewed by %(c)s.")
                          % {"c": formed.name})
    strangers = [m for m in present if m.commission_id != formed.pk or not m.active]
    if strangers:
        raise field_error("present", _("Not members of this commission: %(names)s.")
                          % {"names": ", ".join(m.full_name for m in strangers)})
    return formed


@transaction.atomic
def meeting_open(*, campaign, held_on, present, acting_user=None):
    """Open a meeting of the campaign's commission with the members present."""
    present = list(present)
    commission = meeting_check(campaign=campaign, present=present)
    meeting = Meeting(commission=commission, campaign=campaign, held_on=held_on)
    save_audited(meeting, acting_user=acting_user, action="add")
    Meeting.objects.filter(campaign=campaign, status=Meeting.Status.OPEN).exclude(
        pk=meeting.pk).update(status=Meeting.Status.CLOSED)
    meeting.present.set(present)
    return meeting


@transaction.atomic
def meeting_save(*, meeting, present, acting_user=None):
    """An edited meeting (its date, status, the members present)."""
    require_scope(meeting, acting_user, "change")
    present = list(present)
    meeting_check(campaign=meeting.campaign, present=present, commission=meeting.commission)
    save_audited(meeting, acting_user=acting_user, action="change")
    meeting.present.set(present)
    return meeting


def quorum(meeting):
    """(voting members present, voting members, required, reached)."""
    rule = composition_rule(kind=meeting.commission.kind, on=meeting.held_on)
    voting = meeting.commission.members.filter(active=True).exclude(role=Role.SECRETARY)
    total = voting.count()
    present = meeting.present.filter(active=True).exclude(role=Role.SECRETARY).count()
    share = rule.quorum_share if rule else Decimal("1")
    required = math.ceil(Decimal(total) * share)
    return present, total, required, total > 0 and present >= required


@transaction.atomic
def vote_cast(*, meeting, user, choice, comment=""):
    """A present voting member votes on the meeting's allocation (re-voting replaces)."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != Meeting.Status.OPEN:
        raise field_error("meeting", _("The meeting is closed."))
    seat = require_seat(user=user, commission=meeting.commission)
    if not seat.can_vote:
        raise PermissionDenied(_("The secretary does not vote."))
    if not meeting.present.filter(pk=seat.pk).exists():
        raise PermissionDenied(_("Only members present at the meeting vote."))
    if choice not in Vote.Choice.values:
        raise field_error("choice", _("Unknown vote %(c)s.") % {"c": choice})
    problem = text_problem(comment, label=_("The comment"), max_length=MAX_LONG_TEXT)
    if problem:
        raise field_error("comment", problem)
    vote = Vote.objects.filter(meeting=meeting, member=seat).first() or Vote(
        meeting=meeting, member=seat)
    vote.choice = choice
    vote.comment = comment
    vote._history_user = user
    vote.save()
    return vote


def recusals(meeting, provider_ids):
    """{provider_id: {member_id, …}} of members who declared a tie to that provider."""
    result = {pid: set() for pid in provider_ids}
    for member_id, provider_id in ConflictDeclaration.objects.filter(
        member__commission=meeting.commission, provider_id__in=provider_ids
    ).values_list("member_id", "provider_id"):
        result[provider_id].add(member_id)
    return result
