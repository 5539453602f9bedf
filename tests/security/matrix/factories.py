"""Rows for the access matrix: one row per region of every region-owned model, and a row of
every other model the admin shows.

``EXPLICIT`` holds the hard cases (valid ИИН/БИН, ledger rows with triggers, rows whose
rules a generic value breaks); every other model is filled from its fields by ``generic``
(choices → the first one, text → a marker unique to the region, dates → 2026-01-01,
foreign keys → a row of the same region). A model that neither can make fails
``test_every_model_has_rows`` with the message saying to add a maker to ``EXPLICIT``.
"""

import datetime
import itertools
import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from osms.core.models import Region, User
from osms.core.scoping import is_region_scoped

_serial = itertools.count(1)
MARKER = {"750000000": "QZALM", "710000000": "QZAST"}


def region_of_marker(region):
    return MARKER.get(region.kato, "QZNAT") if region is not None else "QZNAT"


# --- the hard cases ------------------------------------------------------------------------
def _person(r):
    from tests.factories import PersonFactory

    return PersonFactory(region=r)


def _organisation(r):
    from tests.factories import OrganisationFactory

    return OrganisationFactory(region=r)


def _activity(r):
    from tests.factories import ActivityFactory

    return ActivityFactory(person=_person(r))


def _employment(r):
    from tests.factories import EmploymentFactory

    return EmploymentFactory(employee=_person(r), employer=_organisation(r))


def _payment(r):
    from tests.factories import PaymentFactory

    return PaymentFactory(person=_person(r))


def _refund(r):
    from payers.models import RefundApplication

    payment = _payment(r)
    return RefundApplication.objects.create(payment=payment, applicant_code=payment.payer_code,
                                            amount=Decimal("100.00"), reason="Excess",
                                            submitted_on=payment.paid_on)


def _arrear(r):
    from payers.models import Arrear

    person = _person(r)
    return Arrear.objects.create(
        person=person, payer_code=person.iin, period=datetime.date(2025, 1, 1),
        kind="self_employed", expected=Decimal("5950"), paid=Decimal("0"),
        paid_late=Decimal("0"), debt=Decimal("5950"), due_on=datetime.date(2025, 2, 25),
        days_overdue=10, penalty=Decimal("12.34"), as_of=datetime.date(2025, 3, 7))


def _transfer_request(r):
    """A request into ``r`` of a person of a third region (Shymkent), made by nobody of the
    matrix: only the region it goes to makes it visible (``region_scope``)."""
    from payers.models import PersonTransferRequest

    third = Region.objects.get(kato="790000000")
    return PersonTransferRequest.objects.create(
        person=_person(third), from_region=third, to_region=r,
        reason=f"{region_of_marker(r)}{next(_serial):05d}")


def _membership(r):
    from tests.coverage.helpers import member

    return member(_person(r), "disabled", datetime.date(2026, 1, 1))


def _recon(name):
    def make(r):
        from . import reconciliation_rows

        return getattr(reconciliation_rows, name)(r)

    return make


def _periodic_task(_r):
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    every, _created = IntervalSchedule.objects.get_or_create(every=1, period="days")
    return PeriodicTask.objects.create(name=f"QZNAT task {next(_serial)}", task="osms.noop",
                                       interval=every)


def _phc_coefficient(_r):
    from packages.models import TariffPhcCoefficient

    return TariffPhcCoefficient.objects.create(
        valid_from=datetime.date(2026, 1, 1), kind="density", region=Region.objects.first(),
        value=Decimal("1.1"))


def _provider_account(r):
    """A user of its own (the generic maker would bind the first user, e.g. head office, to
    a provider, and a provider's account sees only its provider's cases)."""
    from monitoring.models import ProviderAccount
    from purchasing.models import Provider
    from tests.factories import UserFactory

    provider = Provider._base_manager.filter(region=r).order_by("pk").first()
    if provider is None:
        raise CannotMake("monitoring.provideraccount: no provider in the region yet")
    user = UserFactory(username=f"{region_of_marker(r).lower()}prov{next(_serial)}", region=r)
    return ProviderAccount.objects.create(user=user, provider=provider)


def _case(r):
    """A case the control accepted (the person's statement lists paid cases only), of its
    person's ИИН (the case lists search by a 12-digit ИИН or БИН)."""
    from monitoring.models import Case, CaseDecision
    from tests.factories import PersonFactory

    case = generic(Case, r, Rows())
    person = case.person if case.person_id else PersonFactory(region=r)
    Case.objects.filter(pk=case.pk).update(person=person, iin=person.iin)
    CaseDecision.objects.update_or_create(case=case, defaults={"period": case.period,
                                                               "outcome": "accepted"})
    case.refresh_from_db()
    return case


def _case_decision(r):
    """The control's decision on the region's case (made with the case)."""
    from monitoring.models import Case, CaseDecision

    case = Case._base_manager.filter(region=r).order_by("pk").first() or _case(r)
    decision, _made = CaseDecision.objects.get_or_create(
        case=case, defaults={"period": case.period, "outcome": "accepted"})
    return decision


EXPLICIT = {
    "packages.tariffphccoefficient": _phc_coefficient,
    "django_celery_beat.periodictask": _periodic_task,
    "core.region": lambda r: r,
    "payers.person": _person,
    "payers.organisation": _organisation,
    "payers.activity": _activity,
    "payers.employment": _employment,
    "payers.payment": _payment,
    "payers.refundapplication": _refund,
    "payers.arrear": _arrear,
    "payers.persontransferrequest": _transfer_request,
    "coverage.categorymembership": _membership,
    "reconciliation.declaration": _recon("declaration"),
    "reconciliation.discrepancy": _recon("discrepancy"),
    "reconciliation.employernotice": _recon("notice"),
    "reconciliation.collectionsummary": _recon("summary"),
    "monitoring.provideraccount": _provider_account,
    "monitoring.case": _case,
    "monitoring.casedecision": _case_decision,
}


def purchasing_tree(region, prefix):
    """The purchasing models of one region at once: commission, campaign, applications,
    allocation, protocol approved, contracts signed (tests/purchasing/scenario.py)."""
    from purchasing import services
    from tests.purchasing.scenario import build, vote_all

    scenario = build(region, prefix=prefix)
    line = scenario.allocation.lines.get(rank=1)
    services.line_adjust(line=line, new_volume=4000, reason="Снижение по итогам проверки",
                         acting_user=scenario.chair)
    vote_all(scenario)
    services.protocol_approve(protocol=scenario.protocol, acting_user=scenario.chair)
    for item in services.contracts_from_protocol(protocol=scenario.protocol):
        services.contract_sign(contract=item.contract, signed_on=datetime.date(2025, 12, 28))
    return scenario


# --- everything else, from the model's fields ------------------------------------------------
class CannotMake(Exception):
    pass


def _text(field, region):
    marker = f"{region_of_marker(region)}{next(_serial):05d}"
    limit = getattr(field, "max_length", None) or 200
    if isinstance(field, models.EmailField):
        return f"{marker.lower()}@example.kz"[:limit]
    if isinstance(field, models.SlugField):
        return marker.lower()[:limit]
    return marker[:limit] if limit >= len(marker) else str(next(_serial))[-limit:]


def _value(field, region):
    if field.choices:
        return field.choices[0][0]
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, models.DecimalField):
        return Decimal("1")
    if isinstance(field, models.IntegerField | models.FloatField):
        return next(_serial) % 1000 + 1 if field.unique else 1
    if isinstance(field, models.DateTimeField):
        return timezone.now()
    if isinstance(field, models.DateField):
        return datetime.date(2026, 1, 1)
    if isinstance(field, models.DurationField):
        return datetime.timedelta(0)
    if isinstance(field, models.UUIDField):
        return uuid.uuid4()
    if isinstance(field, models.JSONField):
        return {}
    if isinstance(field, models.FileField):
        return ""
    if isinstance(field, models.CharField | models.TextField):
        return _text(field, region)
    if isinstance(field, models.GenericIPAddressField):
        return "192.0.2.1"
    raise CannotMake(f"no generic value for {field.__class__.__name__} {field.name}")


def generic(model, region, rows):
    """Create one row of ``model`` in ``region`` (None: national) from its fields."""
    path_head = model.region_lookup.split("__")[0] if is_region_scoped(model) else None
    values = {}
    for field in model._meta.concrete_fields:
        if field.primary_key and isinstance(field, models.AutoField | models.BigAutoField):
            continue
        optional = field.null or field.has_default() or (
            field.blank and isinstance(field, models.CharField | models.TextField))
        if optional and field.name != path_head:
            continue
        if field.is_relation:
            related = field.related_model
            if related is Region:
                values[field.name] = region or Region.objects.first()
            elif is_region_scoped(related) and region is not None:
                values[field.name] = rows.get(related, region)
            elif related is User:
                values[field.name] = User.objects.filter(is_superuser=False).first()
            else:
                values[field.name] = (related._base_manager.first()
                                      or rows.get(related, None))
        else:
            values[field.attname] = _value(field, region)
    try:
        with transaction.atomic():
            return model._base_manager.create(**values)
    except (IntegrityError, ValidationError, ValueError, TypeError) as exc:
        raise CannotMake(f"{model._meta.label}: {exc}") from exc


class Rows:
    """Finds or makes the row of a model in a region (None: a national row)."""

    def __init__(self):
        self.failures = {}

    def get(self, model, region):
        manager = model._base_manager
        if is_region_scoped(model) and region is not None:
            found = manager.filter(**{model.region_lookup: region.pk}).order_by("pk").first()
        else:
            found = manager.order_by("pk").first()
        if found is not None:
            return found
        maker = EXPLICIT.get(model._meta.label_lower)
        try:
            return maker(region) if maker else generic(model, region, self)
        except CannotMake as exc:
            self.failures[model._meta.label_lower] = str(exc)
            return None
