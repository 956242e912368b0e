"""Properties of the payroll arithmetic over random years, payments and pay lines."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from core.money import round_half_up
from payroll.amounts import is_fen
from payroll.compute import (
    DEDUCTIONS,
    EARNINGS,
    PayInputs,
    PayProfile,
    compute_line,
    correction_line,
    resolve_items,
)
from payroll.params import PayrollParams
from payroll.tax import (
    OtherDeductions,
    SpecialAdditional,
    SpecialDeductions,
    TaxParams,
    TaxPeriod,
    WagePayment,
    YearToDate,
    basic_deduction,
    bonus_tax,
    tax_month,
)
from tests.payroll.rules.conftest import TEST_AVERAGES

D = Decimal
TAX = TaxParams.from_values({})
PARAMS = PayrollParams.from_values({"payroll.average_wages": TEST_AVERAGES})
SETTINGS = settings(max_examples=200, deadline=None, database=None)
#: years and pay lines cost more to draw and run
YEARS = settings(max_examples=100, deadline=None, database=None)
FEW = settings(max_examples=50, deadline=None, database=None)


def fen(low: str | int = 0, high: str | int = 100_000) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=D(low), max_value=D(high), places=2)


@st.composite
def payments(draw, *, monotone: bool = False, corrections: bool = False) -> WagePayment:
    """A payment; ``monotone``: its income covers 5,000 and every deduction, so the
    cumulative taxable income never goes down; ``corrections``: may be negative."""
    special = SpecialDeductions(pension=draw(fen(0, 3000)), housing_fund=draw(fen(0, 3000)))
    additional = SpecialAdditional(
        children_education=draw(st.sampled_from([D(0), D(1000), D(2000), D(10000)])),
        housing_rent=draw(fen(0, 1500)),
    )
    other = OtherDeductions(annuity=draw(fen(0, 1200)))
    if monotone:
        floor = D(5000) + special.total + additional.total + other.total
        income = floor + draw(fen(0, 150_000))
    elif corrections:
        income = draw(fen(-20_000, 200_000))
    else:
        income = draw(fen(0, 200_000))
    return WagePayment(income, special=special, additional=additional, other=other)


@st.composite
def years(draw, *, monotone: bool = False, corrections: bool = False):
    """A year of payments: (month, payment) in order, from a hire month, some months twice."""
    start = draw(st.integers(1, 12))
    schedule = []
    for month in range(start, 13):
        for _ in range(draw(st.sampled_from([1, 1, 1, 2]))):
            schedule.append((month, draw(payments(monotone=monotone, corrections=corrections))))
    flags = draw(st.sampled_from([(False, False), (True, False), (False, True)]))
    return start, schedule, flags


def pay_year(start, schedule, flags, year=2025):
    ytd, results = YearToDate(year), []
    for month, payment in schedule:
        period = TaxPeriod(year, month, month - start + 1, *flags)
        result = tax_month(ytd, period, payment, TAX)
        results.append(result)
        ytd = result.ytd
    return ytd, results


# --------------------------------------------------------------------------- tax


@YEARS
@given(years(corrections=True))
def test_tax_is_never_negative_for_a_month(year):
    start, schedule, flags = year
    _, results = pay_year(start, schedule, flags)
    by_month: dict[int, Decimal] = {}
    for (month, _), result in zip(schedule, results, strict=True):
        by_month[month] = by_month.get(month, D(0)) + result.income_tax
        assert result.wage.month_tax >= 0  # the month so far, after each payment
        if result.wage.withheld_this_month == 0:
            assert result.income_tax >= 0  # only a month's later payment may give back
    assert all(total >= 0 for total in by_month.values())


@SETTINGS
@given(fen(-1_000_000, 5_000_000))
def test_bonus_tax_is_never_negative_and_never_above_the_bonus(bonus):
    tax = bonus_tax(bonus, TAX.monthly).tax
    assert tax >= 0
    assert tax <= max(bonus, D(0))


@YEARS
@given(years(corrections=True))
def test_withheld_is_the_highest_month_end_cumulative_tax(year):
    """After each payment: withheld = max(withheld by the end of last month, cumulative tax),
    so at each month's end it is the highest month-end cumulative tax so far."""
    start, schedule, flags = year
    ytd, results = pay_year(start, schedule, flags)
    highest = D(0)  # the highest month-end cumulative tax before the current month
    current_month, month_end = None, D(0)
    for (month, _), result in zip(schedule, results, strict=True):
        if month != current_month:
            highest = max(highest, month_end)
            current_month = month
        wage = result.wage
        # the cumulative tax is the annual table on the cumulative figures, recomputed here
        state = result.ytd
        period = TaxPeriod(2025, month, month - start + 1, *flags)
        taxable = (
            state.income
            - state.tax_free_income
            - basic_deduction(period, TAX)
            - state.special.total
            - state.additional.total
            - state.other.total
        )
        assert wage.cumulative_taxable == max(taxable, D(0))
        assert wage.cumulative_tax == TAX.annual.tax(taxable)
        assert wage.withheld_before == highest
        assert state.withheld == max(highest, wage.cumulative_tax)
        month_end = wage.cumulative_tax
    assert ytd.withheld == max(highest, month_end)


@YEARS
@given(years(monotone=True))
def test_withheld_equals_the_cumulative_tax_at_every_month(year):
    _, results = pay_year(*year)
    for result in results:
        assert result.ytd.withheld == result.wage.cumulative_tax


@YEARS
@given(years(), st.data())
def test_more_income_never_lowers_the_cumulative_tax(year, data):
    start, schedule, flags = year
    index = data.draw(st.integers(0, len(schedule) - 1))
    extra = data.draw(fen(0, 100_000))
    _, before = pay_year(start, schedule, flags)
    month, payment = schedule[index]
    richer = list(schedule)
    richer[index] = (month, replace(payment, income=payment.income + extra))
    _, after = pay_year(start, richer, flags)
    for old, new in zip(before, after, strict=True):
        assert new.wage.cumulative_tax >= old.wage.cumulative_tax
    assert after[-1].ytd.withheld >= before[-1].ytd.withheld


@SETTINGS
@given(fen(-10_000, 2_000_000), fen(0, 100_000))
def test_tables_are_monotone(amount, extra):
    assert TAX.annual.tax(amount + extra) >= TAX.annual.tax(amount)
    assert bonus_tax(amount + extra, TAX.monthly).tax >= bonus_tax(amount, TAX.monthly).tax


@SETTINGS
@given(fen(0, 2_000_000))
def test_the_cumulative_table_has_no_cliff(amount):
    # one more fen of cumulative income costs at most 45% of a fen, plus rounding
    step = TAX.annual.tax(amount + D("0.01")) - TAX.annual.tax(amount)
    assert D(0) <= step <= D("0.01")


@YEARS
@given(years(monotone=True), st.data())
def test_splitting_a_payment_across_a_correction_gives_the_same_year(year, data):
    start, schedule, flags = year
    index = data.draw(st.integers(0, len(schedule) - 1))
    month, payment = schedule[index]
    floor = D(5000) + payment.special.total + payment.additional.total + payment.other.total
    moved = data.draw(fen(0, payment.income - floor))
    later = data.draw(st.integers(index, len(schedule) - 1))
    split = list(schedule)
    split[index] = (month, replace(payment, income=payment.income - moved))
    # the correction run pays the rest in a later (or the same) month, after that month's line
    split.insert(later + 1, (schedule[later][0], WagePayment(moved)))
    whole, _ = pay_year(start, schedule, flags)
    parts, _ = pay_year(start, split, flags)
    assert parts.income == whole.income
    assert parts.withheld == whole.withheld
    assert parts.special == whole.special and parts.additional == whole.additional


@YEARS
@given(years(corrections=True), st.data())
def test_splitting_keeps_the_year_end_figures_even_when_taxable_income_falls(year, data):
    start, schedule, flags = year
    index = data.draw(st.integers(0, len(schedule) - 1))
    month, payment = schedule[index]
    moved = data.draw(fen(-10_000, 10_000))
    split = list(schedule)
    split[index] = (month, replace(payment, income=payment.income - moved))
    split.append((12, WagePayment(moved)))
    whole, whole_results = pay_year(start, schedule, flags)
    parts, parts_results = pay_year(start, split, flags)
    assert parts.income == whole.income
    assert parts_results[-1].wage.cumulative_tax == whole_results[-1].wage.cumulative_tax
    # what was withheld never falls short of the year's tax on either path
    assert parts.withheld >= parts_results[-1].wage.cumulative_tax


@YEARS
@given(years(corrections=True))
def test_the_year_to_date_is_the_fold_of_the_records(year):
    ytd, results = pay_year(*year)
    assert YearToDate.fold(2025, [r.record for r in results]) == ytd


# --------------------------------------------------------------------------- pay lines


@st.composite
def profiles(draw) -> PayProfile:
    category = draw(st.sampled_from(["management", "professional", "worker"]))
    grades = {"management": 10, "professional": 13, "worker": 6}[category]
    steps = 40 if category == "worker" else 65
    return PayProfile(
        category=category,
        grade=draw(st.integers(1, grades)),
        step=draw(st.integers(1, steps)),
        contribution_base=draw(fen(1000, 40_000)),
        fund_base=draw(fen(1000, 40_000)),
        fund_rate=draw(st.sampled_from([D("0.05"), D("0.08"), D("0.1"), D("0.12")])),
        annuity=draw(st.booleans()),
        bank_account="6222",
        merge_bonus=draw(st.booleans()),
    )


@st.composite
def inputs(draw) -> PayInputs:
    maybe = st.none() | fen(0, 3000)
    return PayInputs(
        post_wage=draw(st.none() | fen(500, 3000)),
        step_wage=draw(st.none() | fen(50, 3000)),
        basic_performance=draw(fen(0, 20_000)),
        reward_performance=draw(fen(0, 20_000)),
        allowances=draw(fen(0, 5000)),
        other_pay=draw(fen(0, 50_000)),
        bonus=draw(st.sampled_from([D(0), D(0), D("36000.00"), D("36000.01")]) | fen(0, 100_000)),
        pension=draw(maybe),
        annuity=draw(maybe),
        medical=draw(maybe),
        unemployment=draw(maybe),
        housing_fund=draw(maybe),
        special_additional=SpecialAdditional(children_education=draw(fen(0, 4000))),
        other_deductions=draw(fen(0, 500)),
    )


def _line(inputs_, profile, month=1, ytd=None):
    return compute_line(
        inputs_, profile, PARAMS, year=2025, month=month, months_employed=month, ytd=ytd
    )


@YEARS
@given(inputs(), profiles())
def test_every_amount_is_whole_fen(inputs_, profile):
    row = _line(inputs_, profile).as_dict()
    for key, value in row.items():
        if isinstance(value, Decimal) and key != "tax_rate":
            assert is_fen(value), (key, value)


@YEARS
@given(inputs(), profiles())
def test_each_computed_item_is_rounded_on_its_own(inputs_, profile):
    items = resolve_items(inputs_, profile, PARAMS)
    cp = PARAMS.contributions
    for name in DEDUCTIONS:
        if name in items.given:
            continue
        if name == "housing_fund":
            expected = round_half_up(items.fund_base * profile.fund_rate)
        elif name == "annuity" and not profile.annuity:
            expected = D("0.00")
        else:
            expected = round_half_up(items.contribution_base * cp.rates[name].employee)
        assert getattr(items.employee, name) == expected, name


@YEARS
@given(inputs(), profiles())
def test_the_sum_of_the_items_is_the_total(inputs_, profile):
    line = _line(inputs_, profile)
    items = line.items
    assert line.gross == sum((getattr(items, name) for name in EARNINGS), D(0))
    assert line.total_deductions == (
        sum((getattr(items.employee, name) for name in DEDUCTIONS), D(0))
        + line.income_tax
        + line.bonus_tax
        + items.other_deductions
    )
    assert line.net_pay == line.gross - line.total_deductions
    assert line.employer.total == sum(line.employer.as_dict().values(), D(0))
    row = line.as_dict()
    assert row["gross"] - row["total_deductions"] == row["net_pay"]


@FEW
@given(st.lists(st.tuples(inputs(), profiles()), min_size=1, max_size=8))
def test_run_totals_are_the_sums_of_the_lines(people):
    lines = [_line(i, p) for i, p in people]
    gross = sum((line.gross for line in lines), D(0))
    parts = sum((sum((getattr(line.items, n) for n in EARNINGS), D(0)) for line in lines), D(0))
    assert gross == parts
    net = sum((line.net_pay for line in lines), D(0))
    assert net == gross - sum((line.total_deductions for line in lines), D(0))


@FEW
@given(inputs(), profiles(), fen(0, 30_000), st.integers(1, 11), st.data())
def test_a_correction_line_gives_the_same_year_as_paying_right(
    inputs_, profile, extra, month, data
):
    """Pay ``month`` short by ``extra`` allowances, correct it in a later month: the year's
    income and cumulative tax are those of paying it right (withheld too when the path of
    cumulative taxable income never falls, which holds for steady monthly pay)."""
    assume(inputs_.bonus == 0)
    later = data.draw(st.integers(month, 12))
    short = inputs_
    right = replace(inputs_, allowances=inputs_.allowances + extra)

    def pay(for_month):
        return right if for_month == month else short

    ytd_right = YearToDate(2025)
    for m in range(1, 13):
        ytd_right = _line(pay(m), profile, m, ytd_right).ytd

    ytd, original = YearToDate(2025), None
    for m in range(1, 13):
        line = _line(short, profile, m, ytd)
        ytd = line.ytd
        if m == month:
            original = line.items
        if m == later:
            fix = correction_line(
                original,
                resolve_items(right, profile, PARAMS),
                profile,
                PARAMS,
                year=2025,
                month=m,
                months_employed=m,
                ytd=ytd,
            )
            ytd = fix.ytd
    assert ytd.income == ytd_right.income
    assert ytd.special == ytd_right.special and ytd.other == ytd_right.other
    final_right = TAX.annual.tax(
        ytd_right.income
        - D(60000)
        - ytd_right.special.total
        - ytd_right.additional.total
        - ytd_right.other.total
    )
    assert ytd.withheld >= final_right
    assert ytd_right.withheld >= final_right
    steady = resolve_items(short, profile, PARAMS).wage_payment()
    monthly = (
        steady.income
        - D(5000)
        - steady.special.total
        - steady.additional.total
        - steady.other.total
    )
    if monthly >= 0:  # the cumulative taxable income never falls: nothing over-withheld
        assert ytd.withheld == ytd_right.withheld == final_right
