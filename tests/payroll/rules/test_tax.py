"""Cumulative withholding and the year-end bonus, with figures worked out by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from payroll.tax import (
    DEFAULTS,
    BonusTreatment,
    OtherDeductions,
    SpecialAdditional,
    SpecialDeductions,
    TaxParams,
    TaxPeriod,
    TaxTable,
    WagePayment,
    YearToDate,
    bonus_tax,
    months_employed,
    tax_month,
    withhold_wages,
)

D = Decimal
TAX = TaxParams.from_values({})


def run_year(payments, *, start=1, first_job=False, low_income=False, year=2025, bonuses=None):
    """Pay ``payments`` (month -> WagePayment) in order; return (taxes by month, final ytd)."""
    ytd = YearToDate(year)
    taxes, results = {}, {}
    for month, payment in payments.items():
        result = tax_month(
            ytd,
            TaxPeriod(year, month, month - start + 1, first_job, low_income),
            payment,
            TAX,
            bonus=(bonuses or {}).get(month, D(0)),
        )
        ytd = result.ytd
        taxes[month] = result.income_tax
        results[month] = result
    return taxes, ytd, results


def wage(income, special="0", additional="0", other="0"):
    return WagePayment(
        D(income),
        special=SpecialDeductions(pension=D(special)),
        additional=SpecialAdditional(children_education=D(additional)),
        other=OtherDeductions(annuity=D(other)),
    )


# --------------------------------------------------------------------------- DOMAIN §4


def test_domains_worked_check():
    # gross 20,000; 8% + 2% + 0.4% + 12% fund = 4,480 special deductions; annuity 4% = 800;
    # special additional 2,000: taxable 20,000 − 5,000 − 4,480 − 800 − 2,000 = 7,720 a month.
    payment = WagePayment(
        D("20000.00"),
        special=SpecialDeductions(D("1600.00"), D("400.00"), D("80.00"), D("2400.00")),
        additional=SpecialAdditional(children_education=D("2000.00")),
        other=OtherDeductions(annuity=D("800.00")),
    )
    taxes, ytd, results = run_year({m: payment for m in range(1, 13)})
    # Jan–Apr: 7,720 × m × 3%, 231.60 each (Apr cumulative 30,880 → 926.40)
    # May: 38,600 × 10% − 2,520 = 1,340.00; 1,340.00 − 926.40 = 413.60
    # Jun–Dec: 7,720 × 10% = 772.00 each
    assert [taxes[m] for m in range(1, 13)] == [D("231.60")] * 4 + [D("413.60")] + [D("772.00")] * 7
    assert ytd.withheld == D("6744.00")
    assert results[12].wage.cumulative_taxable == D("92640.00")
    assert results[12].wage.cumulative_tax == D("6744.00")  # 92,640 × 10% − 2,520
    assert results[5].wage.rate == D("0.10") and results[5].wage.quick_deduction == D("2520")


def test_tax_tables_are_domains():
    annual = [(r["upto"], r["rate"], r["quick"]) for r in DEFAULTS["payroll.annual_tax_table"]]
    assert annual == [
        ("36000", "0.03", "0"),
        ("144000", "0.10", "2520"),
        ("300000", "0.20", "16920"),
        ("420000", "0.25", "31920"),
        ("660000", "0.30", "52920"),
        ("960000", "0.35", "85920"),
        (None, "0.45", "181920"),
    ]
    monthly = [(r["upto"], r["rate"], r["quick"]) for r in DEFAULTS["payroll.monthly_tax_table"]]
    assert monthly == [
        ("3000", "0.03", "0"),
        ("12000", "0.10", "210"),
        ("25000", "0.20", "1410"),
        ("35000", "0.25", "2660"),
        ("55000", "0.30", "4410"),
        ("80000", "0.35", "7160"),
        (None, "0.45", "15160"),
    ]


@pytest.mark.parametrize(
    ("taxable", "tax"),
    [
        ("36000.00", "1080.00"),  # 3%
        ("36000.01", "1080.00"),  # 3,600.001 − 2,520 = 1,080.001
        ("144000.00", "11880.00"),  # 14,400 − 2,520
        ("144000.01", "11880.00"),  # 28,800.002 − 16,920
        ("300000.00", "43080.00"),  # 60,000 − 16,920
        ("420000.00", "73080.00"),  # 105,000 − 31,920
        ("660000.00", "145080.00"),  # 198,000 − 52,920
        ("960000.00", "250080.00"),  # 336,000 − 85,920
        ("1000000.00", "268080.00"),  # 450,000 − 181,920
        ("0.00", "0.00"),
        ("-5.00", "0.00"),
    ],
)
def test_annual_table(taxable, tax):
    assert TAX.annual.tax(D(taxable)) == D(tax)


# --------------------------------------------------------------------------- the bonus


@pytest.mark.parametrize(
    ("bonus", "rate", "tax"),
    [
        # each boundary of the monthly table × 12, then one fen above it
        ("36000.00", "0.03", "1080.00"),  # 36,000 × 3%
        ("36000.01", "0.10", "3390.00"),  # 3,600.001 − 210
        ("144000.00", "0.10", "14190.00"),  # 14,400 − 210
        ("144000.01", "0.20", "27390.00"),  # 28,800.002 − 1,410
        ("300000.00", "0.20", "58590.00"),  # 60,000 − 1,410
        ("300000.01", "0.25", "72340.00"),  # 75,000.0025 − 2,660
        ("420000.00", "0.25", "102340.00"),  # 105,000 − 2,660
        ("420000.01", "0.30", "121590.00"),  # 126,000.003 − 4,410
        ("660000.00", "0.30", "193590.00"),  # 198,000 − 4,410
        ("660000.01", "0.35", "223840.00"),  # 231,000.0035 − 7,160
        ("960000.00", "0.35", "328840.00"),  # 336,000 − 7,160
        ("960000.01", "0.45", "416840.00"),  # 432,000.0045 − 15,160
        ("2000.00", "0.03", "60.00"),
        ("50000.00", "0.10", "4790.00"),  # 50,000 ÷ 12 = 4,166.67: 5,000 − 210
    ],
)
def test_bonus_tax_on_both_sides_of_each_monthly_boundary(bonus, rate, tax):
    result = bonus_tax(D(bonus), TAX.monthly)
    assert (result.rate, result.tax) == (D(rate), D(tax))


def test_bonus_lookup_does_not_round_the_division():
    # 36,000.01 ÷ 12 = 3,000.0008…, shown as 3,000.00, but above the 3,000 bound
    result = bonus_tax(D("36000.01"), TAX.monthly)
    assert result.monthly_average == D("3000.00")
    assert result.rate == D("0.10")


def test_no_bonus_no_tax():
    assert bonus_tax(D("0"), TAX.monthly).tax == 0


def test_bonus_is_not_cumulative_wage_income():
    payments = {m: wage("10000") for m in range(1, 13)}
    plain, plain_ytd, _ = run_year(payments)
    with_bonus, ytd, results = run_year(payments, bonuses={12: D("36000.00")})
    assert with_bonus == plain
    assert ytd.income == plain_ytd.income == D("120000")
    assert results[12].bonus.tax == D("1080.00")
    assert results[12].bonus_treatment is BonusTreatment.SEPARATE
    assert ytd.bonus == D("36000.00") and ytd.bonus_tax == D("1080.00")
    assert ytd.total_tax == plain_ytd.withheld + D("1080.00")


def test_a_second_bonus_in_the_year_is_wage_income():
    payments = {m: wage("10000") for m in range(1, 13)}
    _, ytd, results = run_year(payments, bonuses={6: D("12000.00"), 12: D("6000.00")})
    assert results[6].bonus_treatment is BonusTreatment.SEPARATE
    assert results[6].bonus.tax == D("360.00")  # 12,000 ÷ 12 = 1,000: 3%
    assert results[12].bonus_treatment is BonusTreatment.REPEATED
    assert results[12].bonus is None
    # December wages: cumulative income 126,000 (120,000 + 6,000), basic 60,000:
    # 66,000 × 10% − 2,520 = 4,080; withheld to November: 55,000 → 2,980 → 1,100.00
    assert results[12].wage.cumulative_income == D("126000")
    assert results[12].income_tax == D("1100.00")
    assert ytd.bonus_payments == 1 and ytd.bonus == D("12000.00")


def test_a_person_may_merge_the_bonus_into_wages():
    ytd = YearToDate(2025)
    result = tax_month(
        ytd, TaxPeriod(2025, 1, 1), wage("10000"), TAX, bonus=D("20000"), merge_bonus=True
    )
    assert result.bonus_treatment is BonusTreatment.ELECTED_WAGE
    # 30,000 − 5,000 = 25,000 × 3% = 750
    assert result.income_tax == D("750.00")
    assert result.bonus_income_tax == 0


def test_separate_bonus_ends_with_2027():
    period_2028 = TaxPeriod(2028, 1, 1)
    result = tax_month(YearToDate(2028), period_2028, wage("10000"), TAX, bonus=D("20000"))
    assert result.bonus_treatment is BonusTreatment.POLICY_ENDED
    assert result.wage.cumulative_income == D("30000")
    in_2027 = tax_month(
        YearToDate(2027), TaxPeriod(2027, 12, 12), wage("10000"), TAX, bonus=D("20000")
    )
    assert in_2027.bonus_treatment is BonusTreatment.SEPARATE


def test_a_negative_bonus_correction_reduces_wage_income():
    result = tax_month(
        YearToDate(2025), TaxPeriod(2025, 3, 3), wage("10000"), TAX, bonus=D("-1000")
    )
    assert result.bonus_treatment is BonusTreatment.NEGATIVE
    assert result.wage.cumulative_income == D("9000")


# --------------------------------------------------------------------------- special cases


def test_first_job_this_year_deducts_five_thousand_per_calendar_month():
    # Hired in October, first job ever, 30,000 a month.
    payments = {10: wage("30000"), 11: wage("30000"), 12: wage("30000")}
    taxes, ytd, results = run_year(payments, start=10, first_job=True)
    # Oct: 30,000 − 5,000 × 10 < 0 → 0
    # Nov: 60,000 − 55,000 = 5,000 × 3% = 150.00
    # Dec: 90,000 − 60,000 = 30,000 × 3% = 900.00; 900 − 150 = 750.00
    assert taxes == {10: D("0.00"), 11: D("150.00"), 12: D("750.00")}
    assert results[10].wage.cumulative_basic_deduction == D("50000")
    # Without the rule, 5,000 × months employed (1, 2, 3):
    # Oct 25,000 × 3% = 750; Nov 50,000 → 2,480 (1,730); Dec 75,000 → 4,980 (2,500)
    taxes, _, _ = run_year(payments, start=10)
    assert taxes == {10: D("750.00"), 11: D("1730.00"), 12: D("2500.00")}


def test_the_sixty_thousand_flag_deducts_the_whole_year_from_january():
    payments = {m: wage("10000") for m in range(1, 13)}
    taxes, ytd, results = run_year(payments, low_income=True)
    # 10,000 × m − 60,000: nothing to tax until July.
    # Jul 10,000 → 300; Aug 20,000 → 600; Sep 30,000 → 900; Oct 40,000 → 1,480;
    # Nov 50,000 → 2,480; Dec 60,000 → 3,480
    assert [taxes[m] for m in range(1, 13)] == [D("0.00")] * 6 + [
        D("300.00"),
        D("300.00"),
        D("300.00"),
        D("580.00"),
        D("1000.00"),
        D("1000.00"),
    ]
    assert results[1].wage.cumulative_basic_deduction == D("60000")
    assert ytd.withheld == D("3480.00")
    # Without it, tax from January (5,000 × 3% = 150.00), the same year total.
    taxes, plain, _ = run_year(payments)
    assert taxes[1] == D("150.00")
    assert plain.withheld == D("3480.00")


def test_a_late_declaration_can_bring_the_month_below_what_was_withheld():
    payments = {m: wage("10000") for m in range(1, 13)}
    # Declared in May for a child since January: 5 × 2,000 at once, then 2,000 a month.
    payments[5] = wage("10000", additional="10000")
    for m in range(6, 13):
        payments[m] = wage("10000", additional="2000")
    taxes, ytd, results = run_year(payments)
    # Jan–Apr: 5,000 a month × 3% = 150.00; withheld 600.00
    # May: 25,000 − 10,000 = 15,000 → 450.00 < 600.00: nothing this month
    # Jun: 30,000 − 12,000 = 18,000 → 540.00 < 600.00: nothing
    # Jul: 35,000 − 14,000 = 21,000 → 630.00: 30.00
    # Aug–Dec: 3,000 more a month → 90.00 each; Dec 36,000 → 1,080.00
    assert [taxes[m] for m in range(1, 13)] == [D("150.00")] * 4 + [
        D("0.00"),
        D("0.00"),
        D("30.00"),
    ] + [D("90.00")] * 5
    assert results[5].wage.balance == D("-150.00")
    assert results[6].wage.balance == D("-60.00")
    assert results[12].wage.cumulative_tax == D("1080.00") == ytd.withheld


def test_a_mid_year_hire_deducts_only_the_months_employed():
    payments = {m: wage("12000") for m in range(7, 13)}
    taxes, ytd, results = run_year(payments, start=7)
    # months employed 1..6: 7,000 a month taxable. Jul–Nov: × 3% = 210.00 each (35,000 by
    # November → 1,050.00); Dec: 42,000 × 10% − 2,520 = 1,680.00, so 630.00
    assert list(taxes.values()) == [D("210.00")] * 5 + [D("630.00")]
    assert results[12].wage.cumulative_basic_deduction == D("30000")
    assert ytd.withheld == D("1680.00")


@pytest.mark.parametrize(
    ("month", "hired", "left", "months"),
    [
        (1, date(2020, 5, 1), None, 1),
        (12, date(2020, 5, 1), None, 12),
        (7, date(2025, 7, 31), None, 1),
        (12, date(2025, 7, 10), None, 6),
        (6, date(2025, 7, 10), None, 0),
        (11, date(2025, 3, 1), date(2025, 9, 30), 7),
        (11, date(2024, 3, 1), date(2024, 9, 30), 0),
        (5, date(2026, 1, 1), None, 0),
    ],
)
def test_months_employed(month, hired, left, months):
    assert months_employed(2025, month, hired, left) == months


def test_period_refuses_impossible_months():
    with pytest.raises(ValueError):
        TaxPeriod(2025, 3, 4)
    with pytest.raises(ValueError):
        TaxPeriod(2025, 13, 1)
    with pytest.raises(ValueError):
        TaxPeriod(2025, 3, 0)


def test_year_to_date_refuses_another_year_and_going_back():
    ytd = YearToDate(2024)
    with pytest.raises(ValueError):
        withhold_wages(ytd, TaxPeriod(2025, 1, 1), wage("1"), TAX)
    later = tax_month(YearToDate(2025), TaxPeriod(2025, 5, 5), wage("1"), TAX).ytd
    with pytest.raises(ValueError):
        tax_month(later, TaxPeriod(2025, 4, 4), wage("1"), TAX)


def test_the_year_to_date_is_a_fold_of_the_stored_records():
    payments = {
        m: wage("15000", special="1000", additional="500", other="100") for m in range(1, 7)
    }
    _, ytd, results = run_year(payments, bonuses={3: D("5000")})
    rebuilt = YearToDate.fold(2025, [results[m].record for m in range(1, 7)])
    assert rebuilt == ytd
    assert rebuilt.payments == 6 and rebuilt.last_month == 6


def test_two_payments_in_one_month_do_not_count_the_month_twice():
    ytd = YearToDate(2025)
    first = tax_month(ytd, TaxPeriod(2025, 1, 1), wage("10000"), TAX)
    second = tax_month(first.ytd, TaxPeriod(2025, 1, 1), wage("2000"), TAX)
    # 12,000 − 5,000 (one month) = 7,000 → 210; 150 withheld on the first
    assert second.wage.cumulative_basic_deduction == D("5000")
    assert (first.income_tax, second.income_tax) == (D("150.00"), D("60.00"))


def test_tax_table_must_be_well_formed():
    with pytest.raises(ValueError):
        TaxTable.from_value([{"upto": "100", "rate": "0.1", "quick": "0"}])
    with pytest.raises(ValueError):
        TaxTable.from_value(
            [
                {"upto": "200", "rate": "0.1", "quick": "0"},
                {"upto": "100", "rate": "0.2", "quick": "10"},
                {"upto": None, "rate": "0.3", "quick": "20"},
            ]
        )


def test_parameters_can_be_replaced_by_a_new_version():
    params = TaxParams.from_values(
        {"payroll.basic_deduction": {"monthly": "6000", "low_income_annual": "72000"}}
    )
    result = withhold_wages(YearToDate(2030), TaxPeriod(2030, 2, 2), wage("10000"), params)
    assert result.cumulative_basic_deduction == D("12000")
    assert replace(params, bonus_separate_until=None).bonus_separate_until is None


def test_a_correction_in_the_same_month_can_give_back_that_months_tax():
    first = tax_month(YearToDate(2025), TaxPeriod(2025, 1, 1), wage("10000"), TAX)
    assert first.income_tax == D("150.00")  # 5,000 × 3%
    # a 补扣 of 2,000 in a correction run of the same month: 3,000 × 3% = 90 for the month
    second = tax_month(first.ytd, TaxPeriod(2025, 1, 1), wage("-2000"), TAX)
    assert second.income_tax == D("-60.00")
    assert second.wage.withheld_before == D("0.00")  # 累计已预缴税额: earlier months only
    assert second.wage.withheld_this_month == D("150.00")
    assert second.wage.month_tax == D("90.00")
    assert second.ytd.withheld == D("90.00")
    # in a later month what was over-withheld stays until the annual reconciliation
    later = tax_month(first.ytd, TaxPeriod(2025, 2, 2), wage("3000"), TAX)
    # 13,000 − 10,000 = 3,000 → 90.00 < 150.00
    assert later.income_tax == D("0.00")
    assert later.wage.balance == D("-60.00")
    assert later.ytd.withheld == D("150.00")
