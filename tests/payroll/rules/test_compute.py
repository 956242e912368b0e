"""One person-month: items computed or given, totals, problems, corrections."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from payroll.compute import (
    COMPUTABLE,
    PayInputs,
    PayProfile,
    compute_line,
    correction_line,
    difference,
    resolve_items,
)
from payroll.tax import OtherDeductions, SpecialAdditional, YearToDate

D = Decimal

# 专技 1 级 (2,800) at step 39 (1,024); base 20,000 within the test cap of 24,000.
PROFILE = PayProfile(
    category="professional",
    grade=1,
    step=39,
    contribution_base=D("20000.00"),
    fund_base=D("20000.00"),
    fund_rate=D("0.12"),
    bank_account="6222020200000000001",
)
# 2,800 + 1,024 + 10,000 + 5,000 + 1,176 = 20,000
INPUTS = PayInputs(
    basic_performance=D("10000.00"),
    reward_performance=D("5000.00"),
    allowances=D("1176.00"),
    special_additional=SpecialAdditional(children_education=D("2000.00")),
)


def codes(line_or_items):
    return {p.code for p in line_or_items.problems}


def year(params, inputs=INPUTS, profile=PROFILE, months=range(1, 13)):
    ytd, lines = YearToDate(2025), {}
    for month in months:
        line = compute_line(
            inputs,
            profile,
            params,
            year=2025,
            month=month,
            months_employed=month - months[0] + 1,
            ytd=ytd,
        )
        ytd = line.ytd
        lines[month] = line
    return lines


def test_domains_worked_check_through_the_pay_line(params):
    lines = year(params)
    jan = lines[1]
    assert (jan.items.post_wage, jan.items.step_wage) == (D("2800.00"), D("1024.00"))
    assert jan.gross == D("20000.00")
    assert jan.employee.total == D("5280.00")  # 1,600 + 800 + 400 + 80 + 2,400
    taxes = [lines[m].income_tax for m in range(1, 13)]
    assert taxes == [D("231.60")] * 4 + [D("413.60")] + [D("772.00")] * 7
    assert sum(taxes) == D("6744.00") == lines[12].ytd.withheld
    assert jan.net_pay == D("14488.40")  # 20,000 − 5,280 − 231.60
    assert lines[12].net_pay == D("13948.00")  # 20,000 − 5,280 − 772
    assert jan.items.given == frozenset()
    assert jan.problems == ()


def test_employer_contributions_are_on_the_line(params):
    line = year(params, months=[1])[1]
    # 20,000 × 16%, 8%, 7%, 0.6%; fund at the person's 12%
    assert line.employer.as_dict() == {
        "pension": D("3200.00"),
        "annuity": D("1600.00"),
        "medical": D("1400.00"),
        "unemployment": D("120.00"),
        "housing_fund": D("2400.00"),
    }
    assert line.employer.total == D("8720.00")


def test_given_items_are_taken_as_given_and_flagged(params):
    inputs = replace(INPUTS, post_wage=D("3000.00"), pension=D("1234.56"), housing_fund=D("0.00"))
    items = resolve_items(inputs, PROFILE, params)
    assert items.post_wage == D("3000.00")
    assert items.step_wage == D("1024.00")
    assert items.employee.pension == D("1234.56")
    assert items.employee.housing_fund == D("0.00")  # a given 0 is not "blank"
    assert items.employee.medical == D("400.00")
    assert items.given == {"post_wage", "pension", "housing_fund"}
    # the employer's fund follows the given one (the centre's statement, same rate)
    assert items.employer.housing_fund == D("0.00")
    assert items.employer.pension == D("3200.00")


def test_every_computable_item_can_be_given(params):
    inputs = replace(INPUTS, **{name: D("1.00") for name in COMPUTABLE})
    items = resolve_items(inputs, PayProfile(bank_account="1"), params)
    assert items.given == frozenset(COMPUTABLE)
    assert not [p for p in items.problems if p.blocking]


def test_general_worker_and_worker_steps(params):
    profile = replace(PROFILE, category="worker", grade=6, step=40)
    items = resolve_items(INPUTS, profile, params)
    assert (items.post_wage, items.step_wage) == (D("540.00"), D("915.00"))


def test_missing_post_and_step_are_errors(params):
    items = resolve_items(INPUTS, replace(PROFILE, grade=None, step=None), params)
    assert {"missing_post", "missing_step"} <= codes(items)
    assert items.post_wage == items.step_wage == D("0.00")


def test_a_post_outside_the_table_is_an_error(params):
    items = resolve_items(INPUTS, replace(PROFILE, category="management", grade=12), params)
    problem = next(p for p in items.problems if p.code == "post_wage_not_in_table")
    assert str(problem.message) == "岗位工资表中没有管理 12 级"
    assert problem.blocking


def test_missing_bases_are_errors_unless_the_items_are_given(params):
    profile = replace(PROFILE, contribution_base=None, fund_base=None, fund_rate=None)
    items = resolve_items(INPUTS, profile, params)
    assert {"missing_contribution_base", "missing_fund_base", "missing_fund_rate"} <= codes(items)
    given = replace(
        INPUTS,
        pension=D("800"),
        annuity=D("400"),
        medical=D("200"),
        unemployment=D("40"),
        housing_fund=D("1200"),
    )
    items = resolve_items(given, profile, params)
    assert not [p for p in items.problems if p.blocking]
    assert {"employer_not_computed", "fund_limit_unchecked"} <= codes(items)


@pytest.mark.parametrize(
    ("base", "code", "used", "text"),
    [
        ("3000.00", "base_below_floor", "4800.00", "缴费基数 3000.00 低于下限 4800.00，按下限计算"),
        (
            "30000.00",
            "base_above_cap",
            "24000.00",
            "缴费基数 30000.00 高于上限 24000.00，按上限计算",
        ),
    ],
)
def test_a_base_outside_floor_or_cap_is_used_clamped_and_reported(params, base, code, used, text):
    items = resolve_items(INPUTS, replace(PROFILE, contribution_base=D(base)), params)
    problem = next(p for p in items.problems if p.code == code)
    assert not problem.blocking and str(problem.message) == text
    assert items.contribution_base == D(used)
    assert items.employee.pension == (D(used) * D("0.08")).quantize(D("0.01"))


def test_fund_base_above_cap_and_rate_out_of_range(params):
    profile = replace(PROFILE, fund_base=D("40000.00"), fund_rate=D("0.15"))
    items = resolve_items(INPUTS, profile, params)
    assert {"fund_base_above_cap", "fund_rate_out_of_range"} <= codes(items)
    assert items.fund_base == D("30000.00")


def test_housing_fund_excess_is_taxed(params):
    # The centre charged 3,000 on each side on a 20,000 base: the limit is 2,400.
    inputs = replace(INPUTS, housing_fund=D("3000.00"), special_additional=SpecialAdditional())
    line = year(params, inputs=inputs, months=[1])[1]
    items = line.items
    assert items.fund_tax_free == D("2400.00")
    assert (items.employee_fund_excess, items.employer_fund_excess) == (D("600.00"), D("600.00"))
    assert "fund_excess" in codes(line)
    # income 20,000 + the employer's 600 = 20,600; special 1,600 + 400 + 80 + 2,400 = 4,480;
    # annuity 800: 20,600 − 5,000 − 4,480 − 800 = 10,320 × 3% = 309.60
    assert line.record.wage.income == D("20600.00")
    assert line.tax.wage.cumulative_taxable == D("10320.00")
    assert line.income_tax == D("309.60")
    # pay: 20,000 − (1,600 + 800 + 400 + 80 + 3,000) − 309.60
    assert line.net_pay == D("13810.40")


def test_annuity_above_the_cap_is_not_deducted(params):
    # base 30,000 is capped at 24,000; the centre charged 1,400 annuity: 4% × 24,000 = 960
    inputs = replace(INPUTS, annuity=D("1400.00"))
    items = resolve_items(inputs, replace(PROFILE, contribution_base=D("30000")), params)
    assert items.tax_deductions.annuity == D("960.00")
    assert items.annuity_excess == D("440.00")
    assert "annuity_excess" in codes(items)


def test_staff_outside_the_annuity(params):
    items = resolve_items(INPUTS, replace(PROFILE, annuity=False), params)
    assert items.employee.annuity == items.employer.annuity == D("0.00")
    assert items.tax_deductions.annuity == D("0.00")


def test_other_tax_deductions_are_kept_and_the_annuity_computed(params):
    inputs = replace(
        INPUTS,
        tax_deductions=OtherDeductions(annuity=D("999"), private_pension=D("1000.00")),
    )
    items = resolve_items(inputs, PROFILE, params)
    assert items.tax_deductions == OtherDeductions(
        annuity=D("800.00"), private_pension=D("1000.00")
    )


def test_negative_net_pay_and_missing_bank_account(params):
    inputs = replace(INPUTS, other_deductions=D("30000.00"))
    line = year(params, inputs=inputs, months=[1])[1]
    assert line.net_pay < 0
    assert "negative_net_pay" in codes(line) and line.blocking
    line = year(params, profile=replace(PROFILE, bank_account=" "), months=[1])[1]
    problem = next(p for p in line.problems if p.code == "missing_bank_account")
    assert str(problem.message) == "没有银行账号，无法发放工资"


def test_over_withholding_is_shown(params):
    lines = year(params, months=[1, 2])
    inputs = replace(INPUTS, special_additional=SpecialAdditional(housing_loan_interest=D("20000")))
    line = compute_line(
        inputs, PROFILE, params, year=2025, month=3, months_employed=3, ytd=lines[2].ytd
    )
    assert line.income_tax == D("0.00")
    assert "tax_over_withheld" in codes(line)
    assert not line.blocking


def test_bonus_as_wage_is_shown(params):
    line = compute_line(
        replace(INPUTS, bonus=D("1000.00")),
        replace(PROFILE, merge_bonus=True),
        params,
        year=2025,
        month=1,
        months_employed=1,
    )
    problem = next(p for p in line.problems if p.code == "bonus_as_wage")
    assert str(problem.message) == "全年一次性奖金 1000.00 元并入工资薪金计税：本人选择并入综合所得"
    assert line.bonus_tax == 0


def test_totals(params):
    line = compute_line(
        replace(INPUTS, bonus=D("36000.00"), other_deductions=D("12.34"), other_pay=D("0.66")),
        PROFILE,
        params,
        year=2025,
        month=1,
        months_employed=1,
    )
    assert line.gross == D("56000.66")
    assert line.bonus_tax == D("1080.00")
    # 5,280 + 231.62 (the 0.66 other pay: 7,720.66 × 3% = 231.6198) + 1,080 + 12.34
    assert line.income_tax == D("231.62")
    assert line.total_deductions == D("6603.96")
    assert line.net_pay == D("49396.70")
    row = line.as_dict()
    assert row["gross"] == line.gross and row["net_pay"] == line.net_pay
    assert row["bonus_treatment"] == "separate"


def test_amounts_must_be_whole_fen(params):
    with pytest.raises(ValueError):
        resolve_items(replace(INPUTS, allowances=D("1.005")), PROFILE, params)
    with pytest.raises(TypeError):
        resolve_items(replace(INPUTS, allowances=1.5), PROFILE, params)


def test_a_correction_pays_and_taxes_the_difference_once(params):
    # March paid 1,176 allowances; it should have been 3,176. Corrected in May.
    lines = year(params, months=[1, 2, 3, 4, 5])
    original = lines[3].items
    corrected = resolve_items(replace(INPUTS, allowances=D("3176.00")), PROFILE, params)
    diff = difference(corrected, original)
    assert diff.allowances == D("2000.00") and diff.gross == D("2000.00")
    assert diff.employee.total == D("0.00")  # the bases did not change
    assert diff.given == frozenset(COMPUTABLE)
    fix = correction_line(
        original,
        corrected,
        PROFILE,
        params,
        year=2025,
        month=5,
        months_employed=5,
        ytd=lines[5].ytd,
    )
    # cumulative taxable after May's line: 38,600; plus 2,000 = 40,600 → 1,540.00;
    # withheld 1,340.00: the correction withholds 200.00 (10% of 2,000)
    assert fix.tax.wage.cumulative_taxable == D("40600.00")
    assert fix.income_tax == D("200.00")
    assert fix.net_pay == D("1800.00")
    assert fix.ytd.income == D("102000.00")


def test_a_same_month_correction_that_lowers_tax_gives_it_back(params):
    jan = year(params, months=[1])[1]
    assert jan.income_tax == D("231.60")
    original = jan.items
    corrected = resolve_items(replace(INPUTS, allowances=D("0.00")), PROFILE, params)
    fix = correction_line(
        original, corrected, PROFILE, params, year=2025, month=1, months_employed=1, ytd=jan.ytd
    )
    # January becomes 7,720 − 1,176 = 6,544 × 3% = 196.32: 35.28 of the 231.60 goes back
    assert fix.income_tax == D("-35.28")
    assert fix.net_pay == D("-1140.72")  # −1,176 + 35.28: a 补扣 line
    assert {"tax_given_back", "correction_recovered"} <= codes(fix)
    assert not fix.blocking  # recovered from the period's pay, not an error
