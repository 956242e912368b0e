"""A whole year for three people, every figure worked out by hand below, asserted to the fen.

Parameters: the DOMAIN defaults, with a provincial average wage of 8,000 (bases 4,800 to
24,000) and a city average of 10,000 (fund and annuity bases up to 30,000).

张三 — 专技 2 级 (1,900), 薪级 50 (1,534), 基础性绩效 8,000, 奖励性绩效 2,000, 津贴 566:
gross 14,000.00 a month; bases 14,000, fund 12%; 其他扣款 50.00 a month.
  Deductions: 养老 1,120.00, 年金 560.00, 医疗 280.00, 失业 56.00, 公积金 1,680.00 = 3,696.00.
  Fund limit 12% × 14,000 = 1,680 (all tax-free); annuity limit 4% × 14,000 = 560.
  Taxable a month before 专项附加: 14,000 − 5,000 − (1,120 + 280 + 56 + 1,680) − 560 = 5,304.
  In May a child's education is declared since January (5 × 2,000 = 10,000 at once), then
  2,000 a month; in August 30,000 other pay (a big payment crossing into the 10% bracket);
  in December a 36,000.00 bonus (exactly on the first monthly boundary: 3%).

  month  cum. taxable                      cum. tax                    withheld  this month
  1      5,304                             159.12                      0         159.12
  2      10,608                            318.24                      159.12    159.12
  3      15,912                            477.36                      318.24    159.12
  4      21,216                            636.48                      477.36    159.12
  5      21,216 + 5,304 − 10,000 = 16,520  495.60                      636.48    0 (−140.88)
  6      16,520 + 3,304 = 19,824           594.72                      636.48    0 (−41.76)
  7      23,128                            693.84                      636.48    57.36
  8      23,128 + 33,304 = 56,432          5,643.20 − 2,520 = 3,123.20  693.84    2,429.36
  9      59,736                            3,453.60                    3,123.20  330.40
  10     63,040                            3,784.00                    3,453.60  330.40
  11     66,344                            4,114.40                    3,784.00  330.40
  12     69,648                            4,444.80                    4,114.40  330.40
  Bonus: 36,000 × 3% = 1,080.00.

李四 — hired 10 July from another employer (months employed 1–6): 管理 6 级 (850), 薪级 17
(341), 基础性绩效 6,000, 奖励性绩效 1,500, 津贴 309: gross 9,000.00; bases 9,000, fund 10%;
rent 1,500 a month.
  Deductions: 720.00 + 360.00 + 180.00 + 36.00 + 900.00 = 2,196.00 (fund limit 1,080).
  Taxable a month: 9,000 − 5,000 − (720 + 180 + 36 + 900) − 360 − 1,500 = 304 → 9.12 tax.
  In October a correction run pays July's missing 100.00 津贴: cumulative taxable
  4 × 304 + 100 = 1,316 → 39.48; October's tax is 39.48 − 27.36 (Jul–Sep) = 12.12, of
  which the regular run withheld 9.12, so the correction withholds 3.00 (net 97.00) and the
  client, seeing one October declaration of 9,100, computes the same. Nov 1,620 → 48.60
  (9.12); Dec 1,924 → 57.72 (9.12). Year 57.72 = 9.12 × 6 + 3.00, the same as if July had
  paid 9,100. December bonus 36,000.01 (one fen over: 10%): 3,600.001 − 210 = 3,390.00.

王五 — first job ever, hired 1 September: 专技 12 级 (590), 薪级 5 (125), 基础性绩效 4,000,
津贴 285: gross 5,000.00; bases 5,000, fund 12%: deductions 400 + 200 + 100 + 20 + 600 =
1,320.00. November: 40,000 other pay. December: a 2,000 bonus (3%: 60.00).
  Basic deduction 5,000 × calendar month: Sep 45,000 (income 5,000), Oct 50,000 (10,000),
  Nov 55,000 (55,000), Dec 60,000 (60,000): nothing taxable all year.
  (Counted by months employed instead, November would be 55,000 − 15,000 − 3 × 1,120 − 600
  = 36,040 → 3,604 − 2,520 = 1,084.00.)
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from payroll.compute import PayInputs, PayProfile, compute_line, correction_line, resolve_items
from payroll.excel_specs import Person, tax_bonus_row, tax_wages_row
from payroll.reconcile import TaxFigures
from payroll.tax import SpecialAdditional, YearToDate

D = Decimal

ZHANG = PayProfile(
    category="professional",
    grade=2,
    step=50,
    contribution_base=D("14000.00"),
    fund_base=D("14000.00"),
    fund_rate=D("0.12"),
    bank_account="6222000000000000001",
)
ZHANG_PAY = PayInputs(
    basic_performance=D("8000.00"),
    reward_performance=D("2000.00"),
    allowances=D("566.00"),
    other_deductions=D("50.00"),
)
LI = PayProfile(
    category="management",
    grade=6,
    step=17,
    contribution_base=D("9000.00"),
    fund_base=D("9000.00"),
    fund_rate=D("0.10"),
    bank_account="6222000000000000002",
)
LI_PAY = PayInputs(
    basic_performance=D("6000.00"),
    reward_performance=D("1500.00"),
    allowances=D("309.00"),
    special_additional=SpecialAdditional(housing_rent=D("1500.00")),
)
WANG = PayProfile(
    category="professional",
    grade=12,
    step=5,
    contribution_base=D("5000.00"),
    fund_base=D("5000.00"),
    fund_rate=D("0.12"),
    first_job_this_year=True,
    bank_account="6222000000000000003",
)
WANG_PAY = PayInputs(basic_performance=D("4000.00"), allowances=D("285.00"))


def zhang_inputs(month: int) -> PayInputs:
    pay = ZHANG_PAY
    if month == 5:
        pay = replace(pay, special_additional=SpecialAdditional(children_education=D("10000")))
    elif month > 5:
        pay = replace(pay, special_additional=SpecialAdditional(children_education=D("2000")))
    if month == 8:
        pay = replace(pay, other_pay=D("30000.00"))
    if month == 12:
        pay = replace(pay, bonus=D("36000.00"))
    return pay


def li_inputs(month: int) -> PayInputs:
    return replace(LI_PAY, bonus=D("36000.01")) if month == 12 else LI_PAY


def wang_inputs(month: int) -> PayInputs:
    if month == 11:
        return replace(WANG_PAY, other_pay=D("40000.00"))
    if month == 12:
        return replace(WANG_PAY, bonus=D("2000.00"))
    return WANG_PAY


def run(params, profile, inputs, months, *, correction=None):
    """Pay the months in order; ``correction`` = (month paid, month fixed, corrected inputs)."""
    ytd, lines, fixes = YearToDate(2025), {}, {}
    first = months[0]
    for month in months:
        line = compute_line(
            inputs(month),
            profile,
            params,
            year=2025,
            month=month,
            months_employed=month - first + 1,
            ytd=ytd,
        )
        lines[month], ytd = line, line.ytd
        if correction and correction[0] == month:
            _, fixed, new_inputs = correction
            fix = correction_line(
                lines[fixed].items,
                resolve_items(new_inputs, profile, params),
                profile,
                params,
                year=2025,
                month=month,
                months_employed=month - first + 1,
                ytd=ytd,
            )
            fixes[month], ytd = fix, fix.ytd
    return lines, fixes, ytd


def money(*values: str) -> list[Decimal]:
    return [D(v) for v in values]


@pytest.fixture
def zhang(params):
    return run(params, ZHANG, zhang_inputs, range(1, 13))


@pytest.fixture
def li(params):
    return run(
        params,
        LI,
        li_inputs,
        range(7, 13),
        correction=(10, 7, replace(LI_PAY, allowances=D("409.00"))),
    )


@pytest.fixture
def wang(params):
    return run(params, WANG, wang_inputs, range(9, 13))


def test_zhang_items(zhang):
    lines, _, _ = zhang
    jan = lines[1]
    assert [jan.items.post_wage, jan.items.step_wage] == money("1900.00", "1534.00")
    assert jan.gross == D("14000.00")
    assert list(jan.employee.as_dict().values()) == money(
        "1120.00", "560.00", "280.00", "56.00", "1680.00"
    )
    assert jan.employee.total == D("3696.00")
    # employer: 16% 2,240; 8% 1,120; 7% 980; 0.6% 84; fund 1,680
    assert list(jan.employer.as_dict().values()) == money(
        "2240.00", "1120.00", "980.00", "84.00", "1680.00"
    )
    assert lines[8].gross == D("44000.00")
    assert lines[12].gross == D("50000.00")


def test_zhang_tax_month_by_month(zhang):
    lines, _, ytd = zhang
    cumulative = [lines[m].tax.wage.cumulative_taxable for m in range(1, 13)]
    assert cumulative == money(
        "5304", "10608", "15912", "21216", "16520", "19824",
        "23128", "56432", "59736", "63040", "66344", "69648",
    )  # fmt: skip
    assert [lines[m].tax.wage.cumulative_tax for m in range(1, 13)] == money(
        "159.12", "318.24", "477.36", "636.48", "495.60", "594.72",
        "693.84", "3123.20", "3453.60", "3784.00", "4114.40", "4444.80",
    )  # fmt: skip
    assert [lines[m].income_tax for m in range(1, 13)] == money(
        "159.12", "159.12", "159.12", "159.12", "0.00", "0.00",
        "57.36", "2429.36", "330.40", "330.40", "330.40", "330.40",
    )  # fmt: skip
    assert lines[5].tax.wage.balance == D("-140.88")
    assert lines[6].tax.wage.balance == D("-41.76")
    assert lines[8].tax.wage.rate == D("0.10")
    assert lines[12].bonus_tax == D("1080.00")
    assert ytd.withheld == D("4444.80") == lines[12].tax.wage.cumulative_tax
    assert ytd.bonus_tax == D("1080.00")
    assert ytd.additional.children_education == D("24000.00")  # 10,000 + 7 × 2,000


def test_zhang_net_pay(zhang):
    lines, _, _ = zhang
    # regular month: 14,000 − 3,696 − 50 − tax = 10,254.00 − tax
    assert [lines[m].net_pay for m in range(1, 13)] == money(
        "10094.88", "10094.88", "10094.88", "10094.88", "10254.00", "10254.00",
        "10196.64", "37824.64", "9923.60", "9923.60", "9923.60", "44843.60",
    )  # fmt: skip
    # December: 50,000 − 3,696 − 50 − 330.40 − 1,080 = 44,843.60
    assert lines[12].total_deductions == D("5156.40")
    year_net = sum((lines[m].net_pay for m in range(1, 13)), D(0))
    # 234,000 − 12 × 3,696 − 12 × 50 − 4,444.80 − 1,080 = 183,523.20
    assert year_net == D("183523.20")


def test_li_mid_year_hire_with_a_correction(li):
    lines, fixes, ytd = li
    assert lines[7].gross == D("9000.00")
    assert lines[7].employee.total == D("2196.00")
    assert lines[7].tax.wage.cumulative_basic_deduction == D("5000")
    assert lines[12].tax.wage.cumulative_basic_deduction == D("30000")
    assert [lines[m].income_tax for m in range(7, 13)] == money(
        "9.12", "9.12", "9.12", "9.12", "9.12", "9.12"
    )
    fix = fixes[10]
    assert fix.gross == D("100.00") and fix.items.allowances == D("100.00")
    assert fix.employee.total == D("0.00")
    assert fix.tax.wage.cumulative_taxable == D("1316.00")
    assert fix.tax.wage.cumulative_basic_deduction == D("20000")  # October counted once
    assert fix.income_tax == D("3.00")
    assert fix.net_pay == D("97.00")
    assert lines[11].tax.wage.cumulative_tax == D("48.60")
    assert lines[12].tax.wage.cumulative_tax == D("57.72")
    assert ytd.withheld == D("57.72")  # 9.12 × 6 + 3.00
    assert lines[12].tax.bonus.rate == D("0.10")
    assert lines[12].bonus_tax == D("3390.00")
    # 45,000.01 − 2,196 − 9.12 − 3,390.00
    assert lines[12].net_pay == D("39404.89")
    assert [lines[m].net_pay for m in range(7, 12)] == [D("6794.88")] * 5


def test_li_correction_gives_the_same_year_as_paying_july_right(params, li):
    _, _, corrected_year = li

    def right(month):
        pay = li_inputs(month)
        return replace(pay, allowances=D("409.00")) if month == 7 else pay

    _, _, paid_right = run(params, LI, right, range(7, 13))
    for field in ("income", "withheld", "special", "additional", "other", "bonus_tax"):
        assert getattr(corrected_year, field) == getattr(paid_right, field), field
    assert paid_right.withheld == D("57.72")


def test_wang_first_job_pays_no_wage_tax(params, wang):
    lines, _, ytd = wang
    assert lines[9].gross == D("5000.00") and lines[9].employee.total == D("1320.00")
    assert [lines[m].tax.wage.cumulative_basic_deduction for m in range(9, 13)] == money(
        "45000", "50000", "55000", "60000"
    )
    assert [lines[m].income_tax for m in range(9, 13)] == [D("0.00")] * 4
    assert lines[11].tax.wage.cumulative_income == D("55000.00")
    assert lines[12].bonus_tax == D("60.00")
    assert [lines[m].net_pay for m in range(9, 13)] == money(
        "3680.00", "3680.00", "43680.00", "5620.00"
    )
    assert ytd.total_tax == D("60.00")
    # Counted by months employed, November would have withheld 1,084.00.
    lines, _, _ = run(params, replace(WANG, first_job_this_year=False), wang_inputs, range(9, 13))
    assert lines[11].income_tax == D("1084.00")


def test_institution_december_totals(zhang, li, wang):
    december = [zhang[0][12], li[0][12], wang[0][12]]
    assert sum((line.gross for line in december), D(0)) == D(
        "102000.01"
    )  # 50,000 + 45,000.01 + 7,000
    assert sum((line.income_tax for line in december), D(0)) == D("339.52")  # 330.40 + 9.12
    assert sum((line.bonus_tax for line in december), D(0)) == D("4530.00")  # 1,080 + 3,390 + 60


def test_year_rebuilt_from_stored_records(zhang, li):
    lines, _, ytd = zhang
    assert YearToDate.fold(2025, [lines[m].record for m in range(1, 13)]) == ytd
    lines, fixes, ytd = li
    records = [lines[m].record for m in range(7, 11)] + [fixes[10].record]
    records += [lines[m].record for m in (11, 12)]
    assert YearToDate.fold(2025, records) == ytd


def test_withholding_client_rows(zhang, li):
    person = Person("Z001", "张三", "11010519491231002X")
    row = tax_wages_row(zhang[0][5], person)
    assert row["income"] == D("14000.00")
    assert (row["pension"], row["medical"], row["unemployment"], row["housing_fund"]) == (
        D("1120.00"),
        D("280.00"),
        D("56.00"),
        D("1680.00"),
    )
    assert row["children_education"] == D("10000.00")  # cumulative to May
    assert row["annuity"] == D("560.00")
    assert tax_wages_row(zhang[0][12], person)["children_education"] == D("24000.00")
    assert tax_bonus_row(zhang[0][11], person) is None
    bonus = tax_bonus_row(li[0][12], Person("L002", "李四", "440524188001010014"))
    assert bonus["bonus"] == D("36000.01")


def test_a_month_with_a_correction_is_declared_once(li):
    lines, fixes, _ = li
    person = Person("L002", "李四", "440524188001010014")
    row = tax_wages_row([lines[10], fixes[10]], person)
    assert row["income"] == D("9100.00")  # 9,000 + the 100.00 correction
    assert row["pension"] == D("720.00") and row["housing_fund"] == D("900.00")
    assert row["housing_rent"] == D("6000.00")  # Jul–Oct 4 × 1,500
    # what the client will compute for October: 1,316 × 3% = 39.48; Jul–Sep withheld
    # 27.36; October's tax 12.12 = our two lines, 9.12 + 3.00
    figures = TaxFigures.from_wage_tax(fixes[10].tax.wage, "李四")
    assert (figures.cumulative_tax, figures.withheld_before, figures.balance) == (
        D("39.48"),
        D("27.36"),
        D("12.12"),
    )
    assert lines[10].income_tax + fixes[10].income_tax == D("12.12")
