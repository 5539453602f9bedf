import io
import random

import pytest

from monitoring import demo
from monitoring.models import Case, CaseVerdict

pytestmark = [pytest.mark.django_db, pytest.mark.postgresql]


def test_demo_loads_and_controls_a_month():
    out = io.StringIO()
    demo.seed(rng=random.Random(2026), persons=1000, stdout=out)
    assert Case.objects.count() > 1000
    assert CaseVerdict.objects.filter(rule_code="OVERLAPPING_STAY").count() == 3
    assert "planted defects" in out.getvalue()
