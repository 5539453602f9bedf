"""Contracts from an approved protocol, amendments, monthly acts, deductions, payments due.

Money rule of a monthly act (item with annual sum S, month m of the contract year):
plan to date = S × m / 12; accepted = min(claimed, plan to date − accepted before),
never below 0; the rest of the claim is over-execution, withheld; payment due =
accepted − quality deductions (deductions never exceed what was accepted).
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Sum
from django.utils.translation import gettext as _

from osms.core.services import require_scope, save_audited

from ..extensions import act_source_for
from ..models import (
    Campaign,
    Contract,
    ContractAmendment,
    ContractItem,
    ExecutionAct,
    Protocol,
    QualityDeduction,
)
from .common import delete_checked, field_error, only_draft

CENT = Decimal("0.01")


def contract_number(*, region, year, provider):
    return f"{region.kato[:2]}-{year}-{provider.bin}"


@transaction.atomic
def contracts_from_protocol(*, protocol, acting_user=None):
    """One annual contract per provider (reused), one item per type of care; idempotent."""
    protocol = Protocol.objects.select_for_update(of=("self",)).select_related(
        "campaign__region", "campaign__care_type").get(pk=protocol.pk)
    require_scope(protocol, acting_user, "view")
    if protocol.status != Protocol.Status.APPROVED:
        raise field_error("protocol", _("The protocol is not approved."))
    campaign = protocol.campaign
    items = []
    for line in protocol.allocation.lines.filter(volume__gt=0).select_related("provider"):
        contract = Contract.objects.filter(provider=line.provider, region=campaign.region,
                                           year=campaign.year).first()
        if contract is None:
            contract = save_audited(Contract(
                number=contract_number(region=campaign.region, year=campaign.year,
                                       provider=line.provider),
                provider=line.provider, region=campaign.region, year=campaign.year,
            ), acting_user=acting_user, action="add")
        item = ContractItem.objects.filter(contract=contract, care_type=campaign.care_type).first()
        if item is not None:
            if item.protocol_id != protocol.pk:
                raise field_error("protocol", _("Contract %(n)s already has %(care)s from "
                                                "protocol %(p)s.") % {
                    "n": contract.number, "care": campaign.care_type, "p": item.protocol.number})
            items.append(item)
            continue
        items.append(save_audited(ContractItem(
            contract=contract, care_type=campaign.care_type, protocol=protocol,
            volume=line.volume, unit_price=campaign.unit_price, amount=line.amount,
        ), acting_user=acting_user, action="add"))
    return items


@transaction.atomic
def contract_sign(*, contract, signed_on, acting_user=None):
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    require_scope(contract, acting_user, "change")
    if contract.status == Contract.Status.SIGNED:
        return contract
    if not contract.items.exists():
        raise field_error("items", _("The contract has no items."))
    contract.status = Contract.Status.SIGNED
    contract.signed_on = signed_on
    save_audited(contract, acting_user=acting_user, action="change", reason=_("Signed"))
    for protocol in Protocol.objects.filter(contract_items__contract=contract).distinct():
        pending = Contract.objects.filter(items__protocol=protocol).exclude(
            status=Contract.Status.SIGNED)
        if not pending.exists():
            Campaign.objects.filter(pk=protocol.campaign_id).update(
                status=Campaign.Status.CONTRACTED)
    return contract


def amendment_check(*, item, new_volume, reason):
    """An additional agreement gives its reason and never goes below what was accepted."""
    if not (reason or "").strip():
        raise field_error("reason", _("Give the reason for the amendment."))
    if new_volume is None:
        return
    new_amount = (item.unit_price * new_volume).quantize(CENT)
    accepted = item.acts.aggregate(a=Sum("amount_accepted"))["a"] or Decimal("0")
    if new_amount < accepted:
        raise field_error("new_volume", _("The new sum %(new)s is below the %(acc)s already "
                                          "accepted.") % {"new": new_amount, "acc": accepted})


def contract_delete_check(*, contract):
    only_draft(contract, _("A signed contract is not deleted: amend or terminate it."))


@transaction.atomic
def contract_delete(*, contract, acting_user=None):
    """Delete a contract prepared from a protocol but not signed (its items go with it)."""
    delete_checked(contract, acting_user=acting_user,
                   check=lambda row: contract_delete_check(contract=row))


@transaction.atomic
def contract_amend(*, item, new_volume, reason, signed_on, acting_user=None):
    """An additional agreement: new volume and sum; never below what was already accepted."""
    item = ContractItem.objects.select_for_update(of=("self",)).select_related("contract").get(pk=item.pk)
    require_scope(item, acting_user, "change")
    amendment_check(item=item, new_volume=new_volume, reason=reason)
    new_amount = (item.unit_price * new_volume).quantize(CENT)
    number = (item.contract.amendments.aggregate(n=Max("number"))["n"] or 0) + 1
    amendment = ContractAmendment(
        contract=item.contract, item=item, number=number, signed_on=signed_on,
        old_volume=item.volume, new_volume=new_volume, old_amount=item.amount,
        new_amount=new_amount, reason=reason.strip(), created_by=acting_user,
    )
    save_audited(amendment, acting_user=acting_user, action="add")
    item.volume, item.amount = new_volume, new_amount
    save_audited(item, acting_user=acting_user, action="change",
                 reason=_("Amendment %(n)d: %(r)s") % {"n": number, "r": reason.strip()})
    return amendment


def plan_to_date(item, period):
    return (item.amount * period.month / 12).quantize(CENT)


def _recompute(act, *, from_cases=False):
    item = act.item
    before = (item.acts.filter(period__lt=act.period).aggregate(a=Sum("amount_accepted"))["a"]
              or Decimal("0"))
    if not from_cases:  # an act built from cases keeps the cases' claim (act_build)
        act.amount_claimed = (item.unit_price * act.volume_delivered).quantize(CENT)
    act.plan_to_date = plan_to_date(item, act.period)
    room = max(Decimal("0"), act.plan_to_date - before)
    act.amount_accepted = min(act.amount_claimed, room)
    act.over_execution_withheld = act.amount_claimed - act.amount_accepted
    deductions = act.deductions.aggregate(a=Sum("amount"))["a"] if act.pk else None
    act.quality_deductions = deductions or Decimal("0")
    act.amount_due = act.amount_accepted - act.quality_deductions


def act_check(*, item, period):
    """A month's act: of a signed contract, for a month of its year, recorded in order,
    and changed only while draft."""
    contract = item.contract
    if contract.status != Contract.Status.SIGNED:
        raise field_error("item", _("The contract is not signed."))
    if period.day != 1 or period.year != contract.year:
        raise field_error("period", _("The month must be the first day of a month of %(y)d.")
                          % {"y": contract.year})
    if item.acts.filter(period__gt=period).exists():
        raise field_error("period", _("Acts of later months exist; record months in order."))
    if item.acts.filter(period=period).exclude(status=ExecutionAct.Status.DRAFT).exists():
        raise field_error("period", _("The act for %(m)s is already approved.")
                          % {"m": period.strftime("%m.%Y")})


@transaction.atomic
def act_record(*, item, period, volume_delivered, acting_user=None):
    """Record (or re-record, while draft) a month's execution; computes what is payable."""
    item = ContractItem.objects.select_for_update(of=("self",)).select_related("contract").get(pk=item.pk)
    require_scope(item, acting_user, "change")
    act_check(item=item, period=period)
    if act_source_for(item) is not None:
        raise field_error("volume_delivered", _(
            "This item has case data: its acts are built from the cases, not typed in."))
    act = ExecutionAct.objects.filter(item=item, period=period).first()
    act = act or ExecutionAct(item=item, period=period)
    act.volume_delivered = volume_delivered
    _recompute(act)
    if act.quality_deductions > act.amount_accepted:
        raise field_error("volume_delivered", _("Quality deductions exceed the accepted sum."))
    return save_audited(act, acting_user=acting_user, action="change")


@transaction.atomic
def act_build(*, item, period, acting_user=None):
    """Build (or rebuild, while draft) a month's act from the item's case data: claimed =
    the source's amount; the plan-to-date rule withholds the excess as for a typed act; the
    source's deductions replace those it gave before (capped at the accepted sum)."""
    item = ContractItem.objects.select_for_update(of=("self",)).select_related("contract").get(pk=item.pk)
    require_scope(item, acting_user, "change")
    act_check(item=item, period=period)
    source = act_source_for(item)
    if source is None:
        raise field_error("item", _("This item has no case data; record its act by volume."))
    claim = source.claim(item=item, period=period)
    act = ExecutionAct.objects.filter(item=item, period=period).first()
    act = act or ExecutionAct(item=item, period=period)
    act.volume_delivered, act.amount_claimed = claim.volume, claim.amount
    if act.pk:  # the source's earlier deductions give way to its current ones
        act.deductions.filter(reason__startswith=f"{source.name}: ").delete()
    _recompute(act, from_cases=True)
    act = save_audited(act, acting_user=acting_user, action="change",
                       reason=_("Built from %(s)s") % {"s": source.name})
    room = act.amount_accepted - act.quality_deductions
    for indicator, amount, reason in claim.deductions:
        amount = min(Decimal(amount), room)
        if amount <= 0:
            break
        save_audited(QualityDeduction(act=act, indicator=indicator[:200], amount=amount,
                                      reason=f"{source.name}: {reason}", created_by=acting_user),
                     acting_user=acting_user, action="add")
        room -= amount
    _recompute(act, from_cases=True)
    return save_audited(act, acting_user=acting_user, action="change")


def deduction_check(*, act, amount):
    """A deduction: on a draft act, positive, at most what was accepted less earlier ones."""
    if act.status != ExecutionAct.Status.DRAFT:
        raise field_error("act", _("The act is already approved."))
    if amount is None:
        return
    amount = Decimal(amount)
    if amount <= 0:
        raise field_error("amount", _("A deduction is a positive sum."))
    if act.quality_deductions + amount > act.amount_accepted:
        raise field_error("amount", _("Deductions %(d)s would exceed the accepted %(a)s.") % {
            "d": act.quality_deductions + amount, "a": act.amount_accepted})


@transaction.atomic
def deduction_add(*, act, indicator, amount, reason, acting_user=None):
    act = ExecutionAct.objects.select_for_update().get(pk=act.pk)
    require_scope(act, acting_user, "change")
    deduction_check(act=act, amount=amount)
    deduction = save_audited(QualityDeduction(act=act, indicator=indicator,
                                              amount=Decimal(amount), reason=reason,
                                              created_by=acting_user),
                             acting_user=acting_user, action="add")
    _recompute(act, from_cases=act_source_for(act.item) is not None)
    save_audited(act, acting_user=acting_user, action="change",
                 reason=_("Quality deduction: %(i)s") % {"i": indicator})
    return deduction


def act_delete_check(*, act):
    only_draft(act, _("Only a draft act can be deleted; this one is “%(status)s”."))


@transaction.atomic
def act_delete(*, act, acting_user=None):
    delete_checked(act, acting_user=acting_user, check=lambda row: act_delete_check(act=row))


@transaction.atomic
def act_approve(*, act, acting_user=None):
    act = ExecutionAct.objects.select_for_update().get(pk=act.pk)
    require_scope(act, acting_user, "change")
    if act.status != ExecutionAct.Status.DRAFT:
        return act
    act.status = ExecutionAct.Status.APPROVED
    return save_audited(act, acting_user=acting_user, action="change",
                        reason=_("Approved: payment due"))


@transaction.atomic
def act_mark_paid(*, act, paid_on, acting_user=None):
    act = ExecutionAct.objects.select_for_update().get(pk=act.pk)
    require_scope(act, acting_user, "change")
    if act.status != ExecutionAct.Status.APPROVED:
        raise field_error("status", _("Only an approved act can be paid."))
    act.status, act.paid_on = ExecutionAct.Status.PAID, paid_on
    return save_audited(act, acting_user=acting_user, action="change", reason=_("Paid"))
