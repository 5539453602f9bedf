"""Test factories for every app, in one place (factory_boy)."""

import datetime
import itertools
from decimal import Decimal

import factory
from django.contrib.auth.models import Group

from osms.core.models import Region, User
from payers.models import Activity, ActivityKind, Employment, Organisation, Person, TaxRegime
from payers.validators import make_bin, make_iin

_iin_serials = itertools.count(1)
_bin_serials = itertools.count(1)


def next_iin(birth_date=datetime.date(1987, 10, 8), sex="F"):
    while True:
        iin = make_iin(birth_date, sex, next(_iin_serials) % 10000)
        if iin:
            return iin


def next_bin(year=2015, month=3):
    while True:
        value = make_bin(year, month, next(_bin_serials) % 100000)
        if value:
            return value


def region(kato="750000000"):
    return Region.objects.get(kato=kato)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", "pass-Word-123")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or ():
            self.groups.add(Group.objects.get(name=role))
        self.save()


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    class Params:
        born = datetime.date(1987, 10, 8)
        female = True

    iin = factory.LazyAttribute(lambda o: next_iin(o.born, "F" if o.female else "M"))
    last_name = factory.Faker("last_name", locale="ru_RU")
    first_name = factory.Faker("first_name", locale="ru_RU")
    middle_name = ""
    region = factory.LazyFunction(lambda: region("750000000"))


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    bin = factory.LazyFunction(next_bin)
    name = factory.Sequence(lambda n: f"ТОО «Компания {n}»")
    kind = Organisation.Kind.EMPLOYER
    region = factory.LazyFunction(lambda: region("750000000"))


class EmploymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employment

    employer = factory.SubFactory(OrganisationFactory)
    employee = factory.SubFactory(PersonFactory)
    started_on = datetime.date(2020, 1, 1)


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    person = factory.SubFactory(PersonFactory)
    kind = ActivityKind.INDIVIDUAL_ENTREPRENEUR
    tax_regime = TaxRegime.SIMPLIFIED
    started_on = datetime.date(2021, 1, 1)


# --- Contributions (payers ledger) ---------------------------------------------------------
class PaymentFactory(factory.django.DjangoModelFactory):
    """A posted payment; immutable once saved (use payers.ledger services to correct it)."""

    class Meta:
        model = "payers.Payment"

    person = factory.SubFactory(PersonFactory)
    iin = factory.LazyAttribute(lambda o: o.person.iin)
    payer_code = factory.LazyAttribute(lambda o: o.person.iin)
    period = datetime.date(2026, 1, 1)
    kind = "self_payer"
    knp = "122"
    amount = factory.LazyFunction(lambda: Decimal("4250.00"))
    paid_on = datetime.date(2026, 2, 10)
    document_no = factory.Sequence(lambda n: f"DOC-{n}")


class PersonTransferRequestFactory(factory.django.DjangoModelFactory):
    """A pending request to move a person of Astana to Almaty."""

    class Meta:
        model = "payers.PersonTransferRequest"

    person = factory.SubFactory(PersonFactory, region=factory.LazyFunction(
        lambda: region("710000000")))
    from_region = factory.LazyAttribute(lambda o: o.person.region)
    to_region = factory.LazyFunction(lambda: region("750000000"))
    reason = "Переехал на постоянное место жительства"
