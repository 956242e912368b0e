"""五险一金: rates, the floor and cap of the bases, per-item rounding, the tax limits."""

from __future__ import annotations

from decimal import Decimal

import pytest

from payroll.contributions import (
    DEFAULTS,
    ContributionParams,
    Contributions,
    annuity_deduction,
    contribution_base,
    employee_contributions,
    employer_contributions,
    fund_base,
    fund_rate_in_range,
    fund_tax,
)
from tests.payroll.rules.conftest import TEST_AVERAGES

D = Decimal


@pytest.fixture
def cp() -> ContributionParams:
    # province 8,000: floor 4,800, cap 24,000; city 10,000: fund and annuity bases ≤ 30,000
    return ContributionParams.from_values({"payroll.average_wages": TEST_AVERAGES})


def test_rates_are_domains_table():
    rates = DEFAULTS["payroll.contribution_rates"]
    assert rates["pension"] == {"employee": "0.08", "employer": "0.16"}
    assert rates["annuity"] == {"employee": "0.04", "employer": "0.08"}
    assert rates["medical"] == {"employee": "0.02", "employer": "0.07"}
    assert rates["unemployment"] == {"employee": "0.004", "employer": "0.006"}


def test_limits_come_from_the_average_wages(cp):
    assert cp.base_floor == D("4800.00")  # 8,000 × 60%
    assert cp.base_cap == D("24000.00")  # 8,000 × 300%
    assert cp.fund_base_cap == D("30000.00")  # 10,000 × 3
    assert cp.annuity_base_cap == D("30000.00")
    assert (cp.fund_rate_min, cp.fund_rate_max) == (D("0.05"), D("0.12"))


def test_limits_are_rounded_to_the_fen():
    cp = ContributionParams.from_values(
        {"payroll.average_wages": {"province": "6697", "city": 9796}}
    )
    assert cp.base_floor == D("4018.20")  # 6,697 × 0.6
    assert cp.base_cap == D("20091.00")
    assert cp.fund_base_cap == D("29388.00")


@pytest.mark.parametrize(
    ("declared", "used", "below", "above"),
    [
        ("3000.00", "4800.00", True, False),
        ("4799.99", "4800.00", True, False),
        ("4800.00", "4800.00", False, False),
        ("12345.67", "12345.67", False, False),
        ("24000.00", "24000.00", False, False),
        ("24000.01", "24000.00", False, True),
        ("50000.00", "24000.00", False, True),
    ],
)
def test_contribution_base_is_floored_and_capped(cp, declared, used, below, above):
    base = contribution_base(D(declared), cp)
    assert base.used == D(used)
    assert (base.below_floor, base.above_cap) == (below, above)


def test_fund_base_is_capped_but_not_floored(cp):
    assert fund_base(D("35000"), cp).used == D("30000.00")
    assert fund_base(D("35000"), cp).above_cap
    assert fund_base(D("2000.00"), cp).used == D("2000.00")


def test_fund_rate_range(cp):
    assert fund_rate_in_range(D("0.05"), cp) and fund_rate_in_range(D("0.12"), cp)
    assert not fund_rate_in_range(D("0.04"), cp)
    assert not fund_rate_in_range(D("0.13"), cp)


def test_employee_items_at_domain_rates(cp):
    items = employee_contributions(D("20000.00"), D("20000.00"), D("0.12"), cp)
    # 20,000 × 8% = 1,600; × 4% = 800; × 2% = 400; × 0.4% = 80; fund × 12% = 2,400
    assert items == Contributions(D("1600.00"), D("800.00"), D("400.00"), D("80.00"), D("2400.00"))
    assert items.total == D("5280.00")
    assert items.insurance == D("2880.00")


def test_employer_items_at_domain_rates(cp):
    items = employer_contributions(D("20000.00"), D("20000.00"), D("0.12"), cp)
    # × 16% = 3,200; × 8% = 1,600; × 7% = 1,400; × 0.6% = 120; fund at the same 12%
    assert items == Contributions(
        D("3200.00"), D("1600.00"), D("1400.00"), D("120.00"), D("2400.00")
    )


def test_staff_outside_the_annuity_pay_none(cp):
    assert employee_contributions(D("9000"), D("9000"), D("0.1"), cp, annuity=False).annuity == 0
    assert employer_contributions(D("9000"), D("9000"), D("0.1"), cp, annuity=False).annuity == 0


def test_each_item_is_rounded_on_its_own(cp):
    items = employee_contributions(D("5000.06"), D("0"), D("0.12"), cp)
    # 400.0048 → 400.00; 200.0024 → 200.00; 100.0012 → 100.00; 20.00024 → 20.00
    assert items.insurance == D("720.00")
    # whereas 14.4% of the base rounded once would be 720.00864 → 720.01
    assert (D("5000.06") * D("0.144")).quantize(D("0.01")) == D("720.01")


def test_rounding_is_half_up(cp):
    # 4,800.25 × 2% = 96.0050 → 96.01 (banker's rounding would give 96.00)
    assert employee_contributions(D("4800.25"), D("0"), D("0.12"), cp).medical == D("96.01")


def test_fund_rounded_to_the_yuan_when_the_parameter_says_so():
    cp = ContributionParams.from_values(
        {"payroll.average_wages": TEST_AVERAGES, "payroll.item_rounding": {"housing_fund": "1"}}
    )
    items = employee_contributions(D("5004.17"), D("5004.17"), D("0.12"), cp)
    assert items.housing_fund == D("601.00")  # 600.5004 → 601 yuan
    assert items.pension == D("400.33")  # 400.3336, still to the fen
    assert str(items.housing_fund) == "601.00"


def test_fund_excess_over_twelve_percent_is_taxable(cp):
    # base 20,000: limit 12% × 20,000 = 2,400; each side paid 3,000 (e.g. given by the centre)
    tax = fund_tax(D("3000.00"), D("3000.00"), D("20000.00"), cp)
    assert tax.limit == D("2400.00")
    assert tax.tax_free == D("2400.00")
    assert tax.employee_excess == D("600.00")
    assert tax.employer_excess == D("600.00")
    assert tax.taxable_excess == D("1200.00")


def test_fund_limit_uses_the_capped_base(cp):
    # base 40,000 capped at 30,000: limit 3,600
    tax = fund_tax(D("4800.00"), D("4800.00"), D("40000.00"), cp)
    assert tax.limit == D("3600.00")
    assert tax.tax_free == D("3600.00")
    assert tax.taxable_excess == D("2400.00")


def test_fund_within_the_limit_is_all_tax_free(cp):
    tax = fund_tax(D("1000.00"), D("1000.00"), D("10000.00"), cp)
    assert (tax.tax_free, tax.taxable_excess) == (D("1000.00"), D("0.00"))


def test_a_negative_fund_correction_creates_no_excess(cp):
    tax = fund_tax(D("-200.00"), D("-200.00"), D("10000.00"), cp)
    assert (tax.tax_free, tax.employee_excess, tax.employer_excess) == (D("-200.00"), 0, 0)


def test_annuity_deduction_is_capped_at_four_percent_of_three_city_averages(cp):
    # base 35,000 capped at 30,000: limit 1,200; 1,400 paid: 200 not deductible
    found = annuity_deduction(D("1400.00"), D("35000.00"), cp)
    assert (found.limit, found.deductible, found.excess) == (
        D("1200.00"),
        D("1200.00"),
        D("200.00"),
    )
    below = annuity_deduction(D("400.00"), D("10000.00"), cp)
    assert (below.deductible, below.excess) == (D("400.00"), D("0.00"))


def test_parameters_accept_json_numbers():
    cp = ContributionParams.from_values(
        {
            "payroll.contribution_rates": {
                "pension": {"employee": 0.08, "employer": 0.16},
                "annuity": {"employee": "0.04", "employer": "0.08"},
                "medical": {"employee": 0.02, "employer": 0.065},
                "unemployment": {"employee": 0.004, "employer": 0.006},
            },
            "hr.fund_rate_range": {"min": 0.05, "max": 0.12},
        }
    )
    assert cp.rates["medical"].employer == D("0.065")
    assert cp.rates["unemployment"].employee == D("0.004")
    assert cp.fund_rate_max == D("0.12")
