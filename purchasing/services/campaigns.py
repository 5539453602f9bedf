"""Campaign life cycle and providers' applications, validated against capacity and licences."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from osms.core.bounds import year_problem
from osms.core.services import require_scope, save_audited

from .. import tariffs
from ..models import Application, Campaign, CoExecutionCap, Provider, ProviderCapacity
from .common import delete_checked, field_error, only_draft


def year_start(year):
    return datetime.date(year, 1, 1)


# What an announced campaign no longer changes: the plan the providers applied to.
FROZEN_AFTER_DRAFT = ("year", "region", "care_type", "unit", "planned_volume", "unit_price",
                      "budget", "commission")


def campaign_price(*, year, region, care_type, planned_volume, tariff="", unit_price=None,
                   budget=None):
    """(unit price, its source, budget) of a planned campaign.

    The price entered, or the tariff in force on 1 January of the year; the budget entered,
    or price × planned volume.
    """
    problem = year_problem(year, label=_("Year"))
    if problem:
        raise field_error("year", problem)
    source = _("entered by the operator")
    if unit_price is None:
        try:
            unit_price, source = tariffs.unit_price(
                care_type=care_type, region=region, on=year_start(year), tariff=tariff or "")
        except ValueError:  # "case:A01:x": the severity is not a number
            raise field_error("tariff", _(
                "Write the tariff as case:<КЗГ>:<severity>, service:<code> or "
                "bedday:<profile>.")) from None
    unit_price = Decimal(unit_price)
    if budget is None:
        budget = (unit_price * planned_volume).quantize(Decimal("0.01"))
    return unit_price, source, Decimal(budget)


@transaction.atomic
def campaign_create(*, year, region, care_type, planned_volume, applications_deadline,
                    unit="cases", tariff="", unit_price=None, budget=None, commission=None,
                    title="", acting_user=None):
    """Plan a campaign; without ``unit_price`` the price comes from the tariffs in force."""
    unit_price, source, budget = campaign_price(
        year=year, region=region, care_type=care_type, planned_volume=planned_volume,
        tariff=tariff, unit_price=unit_price, budget=budget)
    campaign = Campaign(
        year=year, region=region, care_type=care_type, planned_volume=planned_volume,
        unit=unit, unit_price=unit_price, tariff_source=source, budget=budget,
        applications_deadline=applications_deadline, commission=commission, title=title,
    )
    return campaign_save(campaign=campaign, acting_user=acting_user)


@transaction.atomic
def campaign_save(*, campaign, acting_user=None, reason=""):
    """Save a new or edited campaign; once announced, its plan stays as it was announced."""
    if campaign.pk is None:
        require_scope(campaign, acting_user, "add")
        return save_audited(campaign, acting_user=acting_user, action="add", reason=reason)
    stored = Campaign.objects.select_for_update().get(pk=campaign.pk)
    require_scope(stored, acting_user, "change")
    if stored.status != Campaign.Status.DRAFT:
        changed = [name for name in FROZEN_AFTER_DRAFT
                   if getattr(stored, Campaign._meta.get_field(name).attname)
                   != getattr(campaign, Campaign._meta.get_field(name).attname)]
        if changed:
            raise ValidationError({name: _("The campaign is announced; its plan no longer "
                                          "changes.") for name in changed})
    campaign.status = stored.status
    return save_audited(campaign, acting_user=acting_user, action="change", reason=reason)


def campaign_delete_check(*, campaign):
    only_draft(campaign, _("Only a draft campaign can be deleted; this one is “%(status)s”."))


@transaction.atomic
def campaign_delete(*, campaign, acting_user=None):
    """Delete a campaign still being planned (an announced one has applications and a trail)."""
    delete_checked(campaign, acting_user=acting_user,
                   check=lambda row: campaign_delete_check(campaign=row))


def _set_status(campaign, status, *, allowed_from, acting_user, reason, **fields):
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    require_scope(campaign, acting_user, "change")
    if campaign.status not in allowed_from:
        raise field_error("status", _("The campaign is %(status)s; this step is not possible.")
                          % {"status": campaign.get_status_display()})
    campaign.status = status
    for name, value in fields.items():
        setattr(campaign, name, value)
    return save_audited(campaign, acting_user=acting_user, action="change", reason=reason)


@transaction.atomic
def campaign_announce(*, campaign, announced_on, acting_user=None):
    campaign = Campaign.objects.select_related("commission").get(pk=campaign.pk)
    if campaign.commission_id is None:
        raise field_error("commission", _("Assign the region's commission before announcing."))
    if campaign.commission.status != "formed":
        raise field_error("commission", _("The commission is not formed yet."))
    return _set_status(campaign, Campaign.Status.ANNOUNCED, allowed_from={Campaign.Status.DRAFT},
                       acting_user=acting_user, reason=_("Announced"), announced_on=announced_on)


@transaction.atomic
def campaign_close(*, campaign, acting_user=None):
    return _set_status(campaign, Campaign.Status.CLOSED, allowed_from={Campaign.Status.ANNOUNCED},
                       acting_user=acting_user, reason=_("Applications closed"))


def coexecution_cap(*, care_type, locality, on):
    row = CoExecutionCap.objects.filter(care_type=care_type, locality=locality).latest_on(on)
    return None if row is None else row.max_share


def application_problems(*, campaign, provider, requested_volume, coexecution_volume):
    """Why an application cannot take part (empty list: it can)."""
    on = year_start(campaign.year)
    problems = []
    if provider.inclusion != Provider.Inclusion.INCLUDED:
        problems.append(_("The provider is not in the database of health subjects (%(s)s).")
                        % {"s": provider.get_inclusion_display()})
    if not provider.licences.filter(care_type=campaign.care_type).valid_on(on).exists():
        problems.append(_("No licence for %(care)s valid on %(date)s.")
                        % {"care": campaign.care_type, "date": on.isoformat()})
    capacity = ProviderCapacity.objects.filter(
        provider=provider, care_type=campaign.care_type, year=campaign.year).first()
    own = capacity.annual_volume if capacity else 0
    cap = coexecution_cap(care_type=campaign.care_type, locality=provider.locality, on=on)
    if coexecution_volume and cap is None:
        problems.append(_("Co-executors are not allowed for this type of care."))
    if coexecution_volume > requested_volume:
        problems.append(_("The co-executed volume %(c)d exceeds the requested volume %(r)d.")
                        % {"c": coexecution_volume, "r": requested_volume})
    deliverable = own + (coexecution_volume if cap is not None else 0)
    if requested_volume > deliverable:
        problems.append(_("Requested %(r)d exceeds the capacity %(own)d plus co-executors "
                          "%(c)d.") % {"r": requested_volume, "own": own, "c": coexecution_volume})
    return problems


def application_check(*, campaign, provider, requested_volume, submitted_on):
    """Errors that stop an application from being recorded at all (ValidationError)."""
    if campaign.status != Campaign.Status.ANNOUNCED:
        raise field_error("campaign", _("The campaign is not accepting applications."))
    if submitted_on > campaign.applications_deadline:
        raise field_error("campaign", _("The deadline %(date)s has passed.")
                          % {"date": campaign.applications_deadline.isoformat()})
    if provider.region_id != campaign.region_id:
        raise field_error("provider", _("The provider is registered in another region."))
    if requested_volume is None or requested_volume <= 0:
        raise field_error("requested_volume", _("The requested volume must be positive."))


@transaction.atomic
def application_submit(*, campaign, provider, requested_volume, coexecution_volume=0,
                       coexecutors="", submitted_at=None, acting_user=None):
    """Record (or replace) a provider's application; a failing one is kept as rejected."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    require_scope(campaign, acting_user, "view")
    submitted_at = submitted_at or timezone.now()
    application_check(campaign=campaign, provider=provider, requested_volume=requested_volume,
                      submitted_on=timezone.localdate(submitted_at))
    problems = application_problems(campaign=campaign, provider=provider,
                                    requested_volume=requested_volume,
                                    coexecution_volume=coexecution_volume)
    application = Application.objects.filter(campaign=campaign, provider=provider).first()
    application = application or Application(campaign=campaign, provider=provider)
    application.requested_volume = requested_volume
    application.coexecution_volume = coexecution_volume
    application.coexecutors = coexecutors
    application.submitted_at = submitted_at
    application.submitted_by = acting_user
    application.problems = problems
    application.status = Application.Status.REJECTED if problems else Application.Status.ACCEPTED
    action = "change" if application.pk else "add"
    return save_audited(application, acting_user=acting_user, action=action)


@transaction.atomic
def application_withdraw(*, application, acting_user=None):
    application = Application.objects.select_for_update().get(pk=application.pk)
    require_scope(application, acting_user, "change")
    if application.campaign.status != Campaign.Status.ANNOUNCED:
        raise field_error("status", _("Applications can be withdrawn only while accepted."))
    application.status = Application.Status.WITHDRAWN
    return save_audited(application, acting_user=acting_user, action="change",
                        reason=_("Withdrawn"))
