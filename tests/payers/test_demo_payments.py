"""The demo payments go through the real import and leave debts for the arrears list."""

import datetime
import random

import pytest

from payers.demo import seed_registry
from payers.demo_payments import seed_payments
from payers.models import Arrear, Payment, SuspensePayment

pytestmark = pytest.mark.django_db


def test_demo_payments_are_plausible_and_deterministic():
    seed_registry(rng=random.Random(7), persons=800)
    run = seed_payments(rng=random.Random(7), today=datetime.date(2026, 11, 1))
    assert run.status == "done", run.error
    assert run.rejected == 2 and SuspensePayment.objects.count() == 5
    kinds = set(Payment.objects.values_list("kind", flat=True))
    assert {"employer_deduction", "employee_contribution", "self_employed"} <= kinds
    periods = Payment.objects.values_list("period", flat=True)
    assert min(periods) == datetime.date(2024, 11, 1)
    assert max(periods) == datetime.date(2026, 10, 1)
    assert Arrear.objects.filter(debt__gt=0).exists()
    assert not Payment.objects.filter(amount__lte=0).exists()
