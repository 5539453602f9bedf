"""The calculator reproduces docs/domain.md §3 to the tenge, through the service and the API."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from payers.calculator import CalculationError, calculate
from payers.models import ReferenceKind, ReferenceValue

pytestmark = pytest.mark.django_db

D = datetime.date

# docs/domain.md §3 worked example: income → (2025 employer, 2025 employee, 2026 employer, 2026 employee)
WORKED_EXAMPLE = [
    (300_000, 9_000, 6_000, 9_000, 6_000),
    (850_000, 25_500, 17_000, 25_500, 17_000),
    (1_200_000, 25_500, 17_000, 36_000, 24_000),
    (2_000_000, 25_500, 17_000, 60_000, 34_000),
]


@pytest.mark.parametrize("income,er25,ee25,er26,ee26", WORKED_EXAMPLE)
def test_worked_example_dec_2025_vs_jan_2026(income, er25, ee25, er26, ee26):
    dec = calculate(payer_type="employee", period=D(2025, 12, 1), income=Decimal(income))
    jan = calculate(payer_type="employee", period=D(2026, 1, 1), income=Decimal(income))
    assert dec.amount_of("employer_deduction") == er25
    assert dec.amount_of("employee_contribution") == ee25
    assert jan.amount_of("employer_deduction") == er26
    assert jan.amount_of("employee_contribution") == ee26
    assert jan.total == er26 + ee26


@pytest.fixture
def api():
    return APIClient()


@pytest.mark.parametrize("income,er25,ee25,er26,ee26", WORKED_EXAMPLE)
def test_worked_example_through_the_api(api, income, er25, ee25, er26, ee26):
    for period, er, ee in (("2025-12", er25, ee25), ("2026-01", er26, ee26)):
        response = api.get("/api/v1/contributions/calculate/",
                           {"payer_type": "employee", "income": income, "period": period})
        assert response.status_code == 200, response.content
        body = response.json()
        assert [line["kind"] for line in body["lines"]] == [
            "employer_deduction", "employee_contribution"]
        assert body["lines"][0]["amount"] == f"{er}.00"
        assert body["lines"][1]["amount"] == f"{ee}.00"
        assert body["total"] == f"{er + ee}.00"


def test_api_answer_shape_is_the_documented_one(api):
    response = api.get("/api/v1/contributions/calculate/",
                       {"payer_type": "employee", "income": "1000000", "period": "2026-01"})
    assert response.json() == {
        "period": "2026-01", "payer_type": "employee", "income": "1000000.00",
        "lines": [
            {"kind": "employer_deduction", "base": "1000000.00", "rate": "0.0300",
             "amount": "30000.00"},
            {"kind": "employee_contribution", "base": "1000000.00", "rate": "0.0200",
             "amount": "20000.00"},
        ],
        "total": "50000.00",
    }


@pytest.mark.parametrize("payer_type,period,amount", [
    ("individual_entrepreneur", D(2020, 6, 1), "2975.00"),
    ("individual_entrepreneur", D(2023, 3, 1), "4900.00"),
    ("individual_entrepreneur", D(2024, 1, 1), "5950.00"),
    ("private_practice", D(2026, 1, 1), "5950.00"),
    ("self_payer", D(2022, 5, 1), "3000.00"),
    ("self_payer", D(2023, 5, 1), "3500.00"),
    ("self_payer", D(2026, 2, 1), "4250.00"),
])
def test_fixed_monthly_amounts_of_domain_md(payer_type, period, amount):
    result = calculate(payer_type=payer_type, period=period, income=None)
    assert result.total == Decimal(amount)
    assert len(result.lines) == 1


def test_income_is_ignored_for_a_fixed_base():
    assert calculate(payer_type="self_payer", period=D(2026, 1, 1),
                     income=Decimal("999999")).total == Decimal("4250.00")


def test_employee_rates_before_and_after_each_change():
    income = Decimal("100000")
    at = {p: calculate(payer_type="employee", period=p, income=income) for p in (
        D(2017, 6, 1), D(2017, 7, 1), D(2017, 12, 1), D(2018, 1, 1), D(2019, 12, 1),
        D(2020, 1, 1), D(2020, 12, 1), D(2021, 1, 1), D(2021, 12, 1), D(2022, 1, 1))
        if p >= D(2017, 7, 1)}
    assert at[D(2017, 7, 1)].amount_of("employer_deduction") == Decimal("1000.00")
    assert at[D(2017, 12, 1)].amount_of("employer_deduction") == Decimal("1000.00")
    assert at[D(2018, 1, 1)].amount_of("employer_deduction") == Decimal("1500.00")
    assert at[D(2019, 12, 1)].amount_of("employee_contribution") == 0
    assert at[D(2020, 1, 1)].amount_of("employer_deduction") == Decimal("2000.00")
    assert at[D(2020, 1, 1)].amount_of("employee_contribution") == Decimal("1000.00")
    assert at[D(2021, 1, 1)].amount_of("employee_contribution") == Decimal("2000.00")
    assert at[D(2022, 1, 1)].amount_of("employer_deduction") == Decimal("3000.00")


def test_period_before_the_first_schedule_is_refused():
    with pytest.raises(CalculationError) as error:
        calculate(payer_type="employee", period=D(2017, 6, 1), income=Decimal("100000"))
    assert error.value.field == "period"


def test_state_contribution_uses_the_average_wage_two_years_back():
    wage_2024 = ReferenceValue.objects.get(kind=ReferenceKind.AVERAGE_WAGE,
                                           valid_from=D(2024, 1, 1)).value
    result = calculate(payer_type="state", period=D(2026, 3, 1), income=None)
    assert result.lines[0].base == wage_2024
    assert result.total == (wage_2024 * Decimal("0.02")).quantize(Decimal("0.01"))
    assert calculate(payer_type="state", period=D(2027, 1, 1),
                     income=None).lines[0].rate == Decimal("0.0220")
    assert calculate(payer_type="state", period=D(2037, 6, 1),
                     income=None).lines[0].rate == Decimal("0.0470")


def test_local_budget_needs_a_region_and_its_average_wage(almaty):
    with pytest.raises(CalculationError) as error:
        calculate(payer_type="local_budget", period=D(2026, 1, 1), income=None)
    assert error.value.field == "region"
    ReferenceValue.objects.create(kind=ReferenceKind.REGIONAL_AVERAGE_WAGE, region=almaty,
                                  valid_from=D(2024, 1, 1), value=Decimal("550000"))
    result = calculate(payer_type="local_budget", period=D(2026, 1, 1), income=None,
                       region=almaty)
    assert result.total == Decimal("11000.00")


def test_an_operator_correction_applies_from_its_date():
    ReferenceValue.objects.create(kind=ReferenceKind.MZP, valid_from=D(2026, 7, 1),
                                  value=Decimal("100000"))
    june = calculate(payer_type="self_payer", period=D(2026, 6, 1), income=None)
    july = calculate(payer_type="self_payer", period=D(2026, 7, 1), income=None)
    assert (june.total, july.total) == (Decimal("4250.00"), Decimal("5000.00"))


@pytest.mark.parametrize("params,field", [
    ({"payer_type": "employee", "income": "-1", "period": "2026-01"}, "income"),
    ({"payer_type": "employee", "income": "abc", "period": "2026-01"}, "income"),
    ({"payer_type": "employee", "income": "1.001", "period": "2026-01"}, "income"),
    ({"payer_type": "pirate", "income": "1", "period": "2026-01"}, "payer_type"),
    ({"payer_type": "employee", "income": "1", "period": "2026-13"}, "period"),
    ({"payer_type": "employee", "income": "1", "period": "1.2026"}, "period"),
    ({"payer_type": "employee", "income": "1", "period": "13.2026"}, "period"),
    ({"payer_type": "employee", "income": "1", "period": "2026-01-15"}, "period"),
    ({"payer_type": "employee", "income": "1", "period": "2010-01"}, "period"),
    ({"payer_type": "employee", "period": "2026-01"}, "income"),
    ({"payer_type": "local_budget", "period": "2026-01", "region": "999"}, "region"),
])
def test_bad_input_answers_400_naming_the_field(api, params, field):
    response = api.get("/api/v1/contributions/calculate/", params)
    assert response.status_code == 400
    assert field in response.json(), response.json()


def test_the_api_takes_the_month_as_printed_too(api):
    """ММ.ГГГГ as the admin and the notices print it, or ГГГГ-ММ (issue 18.4)."""
    printed, iso = (api.get("/api/v1/contributions/calculate/",
                            {"payer_type": "employee", "income": "1000000", "period": period})
                    for period in ("01.2026", "2026-01"))
    assert printed.status_code == 200, printed.content
    assert printed.json() == iso.json()
    bad = api.get("/api/v1/contributions/calculate/",
                  {"payer_type": "employee", "income": "1", "period": "2026/01"})
    assert "MM.YYYY or YYYY-MM" in bad.json()["period"][0]


@settings(max_examples=60, deadline=None)
@given(income=st.decimals(min_value=0, max_value=10_000_000, places=2),
       month=st.integers(min_value=1, max_value=12),
       year=st.integers(min_value=2022, max_value=2027))
def test_employee_amounts_are_rate_times_capped_base(income, month, year):
    result = calculate(payer_type="employee", period=D(year, month, 1), income=income)
    mzp = {2022: 60_000, 2023: 70_000}.get(year, 85_000)  # docs/domain.md §3
    cap_er = Decimal(40 if year >= 2026 else 10) * mzp
    cap_ee = Decimal(20 if year >= 2026 else 10) * mzp
    expected_er = (min(income, cap_er) * Decimal("0.03")).quantize(Decimal("0.01"),
                                                                  rounding="ROUND_HALF_UP")
    expected_ee = (min(income, cap_ee) * Decimal("0.02")).quantize(Decimal("0.01"),
                                                                  rounding="ROUND_HALF_UP")
    assert result.amount_of("employer_deduction") == expected_er
    assert result.amount_of("employee_contribution") == expected_ee
    assert result.total <= cap_er * Decimal("0.03") + cap_ee * Decimal("0.02")
