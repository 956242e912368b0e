"""Individual income tax on wages: cumulative withholding and the year-end bonus.

Pure module implementing DOMAIN.md §4 (个人所得税法 2018; 国家税务总局公告2018年第61号,
2020年第13号, 2020年第19号, 2023年第30号). Per person, per employer (扣缴义务人), per
calendar year::

    cumulative taxable = cumulative income − cumulative tax-free income
                       − basic deduction (5,000 × months employed here this year)
                       − cumulative special deductions (养老, 医疗, 失业, tax-free fund)
                       − cumulative special additional deductions (专项附加扣除)
                       − cumulative other deductions (deductible annuity, 个人养老金, ...)
    cumulative tax     = cumulative taxable × rate − quick deduction   (annual table)
    this month's tax   = cumulative tax − tax withheld in earlier months; never below 0

Basic deduction: 5,000 × ``months_employed`` (the months from the later of January and the
month of hire to this month); a person whose first job is this year: 5,000 × the calendar
month number (2020年第13号); the 60,000 flag (with this employer all last year, taxable wages
≤ 60,000): 60,000 from January (2020年第19号).

**Year to date is a fold.** :class:`YearToDate` is the sum of the year's :class:`TaxRecord`
(one per payment: a month's line, or a correction run's line carrying differences), each
counted once: ``YearToDate.fold(year, records)`` rebuilds it from stored lines, and
:func:`tax_month` returns the new state for the next payment. So a payment split between a
month and a later correction run ends the year with the same cumulative figures.

**The floor is per month, as the client declares it.** All payments of one month (the
regular run and any correction run paid in the same month) are one declaration: the month's
tax is ``max(cumulative tax − withheld in earlier months, 0)``, and each payment withholds
what that figure adds to what the month's earlier payments withheld. A correction that lowers
the month's tax therefore gives back, within the month, tax its regular run withheld (a
negative tax on that payment; the month's total is never negative). Across months the
year's withheld total is the highest month-end cumulative tax so far, which is the cumulative
tax itself whenever the cumulative taxable income never went down; what was withheld in
excess is refunded at the annual reconciliation (汇算清缴), never during the year.

A draft run's basis is the fold of every *other* payment of the year up to its period (never
its own earlier result), so recomputing a draft never double-counts.

**The year-end bonus (全年一次性奖金)** is taxed on its own by the monthly table: bonus ÷ 12
picks the bracket (compared as bonus ≤ 12 × the bracket's bound, so no rounding of the
division moves a bonus across a boundary), tax = bonus × rate − quick deduction. It is not
wage income. The separate method may be used once a year per person (and until
``payroll.annual_bonus.separate_until``, 2027-12-31); any further bonus that year, a bonus the
person elected to merge, or one paid after the policy ends is added to wage income instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from typing import Any

from payroll.amounts import ZERO, AmountGroup, as_decimal, money, round_to

ANNUAL_TABLE_KEY = "payroll.annual_tax_table"
MONTHLY_TABLE_KEY = "payroll.monthly_tax_table"
BASIC_DEDUCTION_KEY = "payroll.basic_deduction"
ANNUAL_BONUS_KEY = "payroll.annual_bonus"


def _table(*rows: tuple[int | None, str, int]) -> list[dict[str, str | None]]:
    return [
        {"upto": None if upto is None else str(upto), "rate": rate, "quick": str(quick)}
        for upto, rate, quick in rows
    ]


DEFAULTS: dict[str, Any] = {
    # 综合所得 annual table (个人所得税法 2018, 附表一), used cumulatively for wages.
    ANNUAL_TABLE_KEY: _table(
        (36_000, "0.03", 0),
        (144_000, "0.10", 2_520),
        (300_000, "0.20", 16_920),
        (420_000, "0.25", 31_920),
        (660_000, "0.30", 52_920),
        (960_000, "0.35", 85_920),
        (None, "0.45", 181_920),
    ),
    # The monthly table (按月换算后的综合所得税率表), used for the year-end bonus.
    MONTHLY_TABLE_KEY: _table(
        (3_000, "0.03", 0),
        (12_000, "0.10", 210),
        (25_000, "0.20", 1_410),
        (35_000, "0.25", 2_660),
        (55_000, "0.30", 4_410),
        (80_000, "0.35", 7_160),
        (None, "0.45", 15_160),
    ),
    BASIC_DEDUCTION_KEY: {"monthly": "5000", "low_income_annual": "60000"},
    ANNUAL_BONUS_KEY: {"separate_until": "2027-12-31"},
}
DEFAULTS_FROM = date(2019, 1, 1)
SOURCES = {
    ANNUAL_TABLE_KEY: "个人所得税法（2018 修正）附表一；国家税务总局公告2018年第61号",
    MONTHLY_TABLE_KEY: "财税〔2018〕164号 按月换算后的综合所得税率表",
    BASIC_DEDUCTION_KEY: "个人所得税法 第六条；国家税务总局公告2020年第13号、第19号",
    ANNUAL_BONUS_KEY: "财政部 税务总局公告2023年第30号（执行至 2027 年 12 月 31 日）",
}


def ensure_defaults() -> None:
    """Seed the tax parameters (idempotent; needs an app context)."""
    from core.parameters import ensure_parameter

    for key, value in DEFAULTS.items():
        ensure_parameter(key, value, effective_from=DEFAULTS_FROM, source=SOURCES[key])


# --------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class Bracket:
    """One row of a tax table: up to ``upto`` (inclusive; None = no bound)."""

    upto: Decimal | None
    rate: Decimal
    quick_deduction: Decimal


@dataclass(frozen=True)
class TaxTable:
    """A progressive table, lowest bracket first, the last one without a bound."""

    brackets: tuple[Bracket, ...]

    def __post_init__(self) -> None:
        if not self.brackets or self.brackets[-1].upto is not None:
            raise ValueError("a tax table needs brackets and an unbounded last one")
        bounds = [b.upto for b in self.brackets[:-1]]
        if any(b is None for b in bounds) or bounds != sorted(bounds):  # type: ignore[type-var]
            raise ValueError("tax brackets must have ascending bounds")

    @classmethod
    def from_value(cls, value: Sequence[Mapping[str, Any]]) -> TaxTable:
        """Build from a parameter value: ``[{"upto": "36000", "rate": "0.03", "quick": "0"}]``."""
        return cls(
            tuple(
                Bracket(
                    None if row["upto"] is None else money(row["upto"]),
                    as_decimal(row["rate"]),
                    money(row["quick"]),
                )
                for row in value
            )
        )

    def bracket(self, amount: Decimal, per: int = 1) -> Bracket:
        """Return the bracket of ``amount`` ÷ ``per``, compared as amount ≤ per × bound."""
        if per == 1:  # the wage tax of every line: no multiplication by 1
            for bracket in self.brackets:
                upto = bracket.upto
                if upto is None or amount <= upto:
                    return bracket
        for bracket in self.brackets:
            if bracket.upto is None or amount <= bracket.upto * per:
                return bracket
        raise AssertionError("unreachable: the last bracket has no bound")

    def tax(self, amount: Decimal) -> Decimal:
        """Return amount × rate − quick deduction, half-up to the fen; 0 when amount ≤ 0."""
        if amount <= 0:
            return ZERO
        bracket = self.bracket(amount)
        return round_to(amount * bracket.rate - bracket.quick_deduction)


@dataclass(frozen=True)
class TaxParams:
    """The tax parameters in force for a period."""

    annual: TaxTable
    monthly: TaxTable
    #: 基本减除费用 per month (5,000)
    basic_monthly: Decimal
    #: the whole year's deduction granted from January under the 60,000 flag
    low_income_annual: Decimal
    #: last day a year-end bonus may be taxed separately; None: no end
    bonus_separate_until: date | None

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> TaxParams:
        """Build from parameter values by key; a missing key takes its default."""

        def get(key: str) -> Any:
            value = values.get(key)
            return DEFAULTS[key] if value is None else value

        basic = get(BASIC_DEDUCTION_KEY)
        until = get(ANNUAL_BONUS_KEY).get("separate_until")
        return cls(
            annual=TaxTable.from_value(get(ANNUAL_TABLE_KEY)),
            monthly=TaxTable.from_value(get(MONTHLY_TABLE_KEY)),
            basic_monthly=money(basic["monthly"]),
            low_income_annual=money(basic["low_income_annual"]),
            bonus_separate_until=date.fromisoformat(until) if until else None,
        )


# --------------------------------------------------------------------------- amounts


@dataclass(frozen=True)
class SpecialDeductions(AmountGroup):
    """专项扣除: the employee's social insurance and the tax-free part of the fund."""

    pension: Decimal = ZERO
    medical: Decimal = ZERO
    unemployment: Decimal = ZERO
    housing_fund: Decimal = ZERO


@dataclass(frozen=True)
class SpecialAdditional(AmountGroup):
    """专项附加扣除 by category, as the withholding client lists them.

    ``unclassified`` holds an amount known only as a total (the 月度工资 import has one
    专项附加扣除 column); the client's own export gives the categories.
    """

    children_education: Decimal = ZERO
    continuing_education: Decimal = ZERO
    housing_loan_interest: Decimal = ZERO
    housing_rent: Decimal = ZERO
    elderly_support: Decimal = ZERO
    infant_care: Decimal = ZERO
    unclassified: Decimal = ZERO


@dataclass(frozen=True)
class OtherDeductions(AmountGroup):
    """其他扣除: the deductible annuity, 个人养老金, 商业健康保险, 税延养老保险, 其他."""

    annuity: Decimal = ZERO
    private_pension: Decimal = ZERO
    health_insurance: Decimal = ZERO
    deferred_pension: Decimal = ZERO
    other: Decimal = ZERO


#: zero groups, shared (the groups are immutable): where a fold starts
_NO_SPECIAL = SpecialDeductions()
_NO_ADDITIONAL = SpecialAdditional()
_NO_OTHER = OtherDeductions()


@dataclass(frozen=True)
class WagePayment:
    """What one payment adds to the year's wage figures (all may be negative in a correction).

    ``income`` is 本期收入: the wage items (not a separately taxed bonus) plus the employer's
    taxable fund excess; the employee's fund and annuity excesses stay in it because only the
    deductible parts appear in ``special`` and ``other``. ``additional`` is what this payment
    adds to the year's 专项附加扣除 (a late declaration brings the earlier months with it).
    """

    income: Decimal
    tax_free_income: Decimal = ZERO
    special: SpecialDeductions = field(default_factory=SpecialDeductions)
    additional: SpecialAdditional = field(default_factory=SpecialAdditional)
    other: OtherDeductions = field(default_factory=OtherDeductions)

    def __add__(self, other: WagePayment) -> WagePayment:
        """Return two payments as one (a month's regular and correction runs, declared once)."""
        if not isinstance(other, WagePayment):
            return NotImplemented
        return WagePayment(
            self.income + other.income,
            self.tax_free_income + other.tax_free_income,
            self.special + other.special,
            self.additional + other.additional,
            self.other + other.other,
        )


@dataclass(frozen=True)
class TaxPeriod:
    """The month a payment is made in and the facts about the person that month."""

    year: int
    month: int
    #: months employed by this employer this year, up to and including this month
    months_employed: int
    #: first wage income of the person's life this year (公告2020年第13号)
    first_job_this_year: bool = False
    #: with this employer all last year, taxable wages ≤ 60,000 (公告2020年第19号)
    low_income: bool = False

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"month {self.month} out of range")
        if not 1 <= self.months_employed <= self.month:
            raise ValueError(
                f"months employed {self.months_employed} must be 1..{self.month} in month"
                f" {self.month}"
            )

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)


def months_employed(year: int, month: int, hired_on: date, left_on: date | None = None) -> int:
    """Return the months employed in ``year`` up to ``month``: from the later of January and
    the month of hire, to the earlier of ``month`` and the month of leaving (0 if none)."""
    first = 1 if hired_on.year < year else (hired_on.month if hired_on.year == year else 13)
    last = month
    if left_on is not None:
        if left_on.year < year:
            return 0
        if left_on.year == year:
            last = min(last, left_on.month)
    return max(last - first + 1, 0)


def basic_deduction(period: TaxPeriod, params: TaxParams) -> Decimal:
    """Return the cumulative 减除费用 for the period (5,000 × months, or the special cases)."""
    if period.low_income:
        return params.low_income_annual
    months = period.month if period.first_job_this_year else period.months_employed
    return params.basic_monthly * months


# --------------------------------------------------------------------------- year to date


@dataclass(frozen=True)
class TaxRecord:
    """What one payment contributed to the year: store it with the pay line, fold it back."""

    month: int
    wage: WagePayment
    #: wage tax withheld on this payment (negative: given back within its month)
    withheld: Decimal
    #: the bonus taxed separately on this payment (0 if none) and its tax
    bonus: Decimal = ZERO
    bonus_tax: Decimal = ZERO


@dataclass(frozen=True)
class YearToDate:
    """The year's cumulative figures before the next payment (per person, per employer)."""

    year: int
    #: the latest month folded in (0: nothing yet); payments never go back in time
    last_month: int = 0
    payments: int = 0
    income: Decimal = ZERO
    tax_free_income: Decimal = ZERO
    special: SpecialDeductions = field(default_factory=SpecialDeductions)
    additional: SpecialAdditional = field(default_factory=SpecialAdditional)
    other: OtherDeductions = field(default_factory=OtherDeductions)
    #: wage tax withheld so far this year
    withheld: Decimal = ZERO
    #: the part of ``withheld`` withheld in ``last_month``
    month_withheld: Decimal = ZERO
    #: separately taxed bonuses so far, how many payments carried one, and their tax
    bonus: Decimal = ZERO
    bonus_payments: int = 0
    bonus_tax: Decimal = ZERO

    def add(self, record: TaxRecord) -> YearToDate:
        """Return the state after one more payment."""
        if record.month < self.last_month:
            raise ValueError(
                f"payment of month {record.month} after month {self.last_month}: fold in order"
            )
        wage = record.wage
        return YearToDate(
            self.year,
            record.month,
            self.payments + 1,
            self.income + wage.income,
            self.tax_free_income + wage.tax_free_income,
            self.special + wage.special,
            self.additional + wage.additional,
            self.other + wage.other,
            self.withheld + record.withheld,
            (self.month_withheld if record.month == self.last_month else ZERO) + record.withheld,
            self.bonus + record.bonus,
            self.bonus_payments + (1 if record.bonus else 0),
            self.bonus_tax + record.bonus_tax,
        )

    @classmethod
    def fold(cls, year: int, records: Iterable[TaxRecord]) -> YearToDate:
        """Return the state after the year's payments, in the order they were made."""
        # One pass summing each figure (the same sums, in the same order, as adding the
        # records one by one with ``add``, without building the state in between).
        last_month = payments = bonus_payments = 0
        income = tax_free = withheld = month_withheld = bonus = bonus_tax = ZERO
        special, additional, other = _NO_SPECIAL, _NO_ADDITIONAL, _NO_OTHER
        for record in records:
            month = record.month
            if month < last_month:
                raise ValueError(
                    f"payment of month {month} after month {last_month}: fold in order"
                )
            wage = record.wage
            income += wage.income
            tax_free += wage.tax_free_income
            special = special + wage.special
            additional = additional + wage.additional
            other = other + wage.other
            withheld += record.withheld
            month_withheld = (month_withheld if month == last_month else ZERO) + record.withheld
            bonus += record.bonus
            if record.bonus:
                bonus_payments += 1
            bonus_tax += record.bonus_tax
            last_month = month
            payments += 1
        return cls(
            year,
            last_month,
            payments,
            income,
            tax_free,
            special,
            additional,
            other,
            withheld,
            month_withheld,
            bonus,
            bonus_payments,
            bonus_tax,
        )

    def withheld_before(self, month: int) -> Decimal:
        """Return the wage tax withheld in the months before ``month``."""
        if month == self.last_month:
            return self.withheld - self.month_withheld
        return self.withheld

    @property
    def total_tax(self) -> Decimal:
        """Return all tax withheld this year: wages and the bonus."""
        return self.withheld + self.bonus_tax


# --------------------------------------------------------------------------- computing


@dataclass(frozen=True)
class WageTax:
    """Every cumulative figure of one payment's wage tax (the tax detail sheet's row)."""

    period: TaxPeriod
    cumulative_income: Decimal
    cumulative_tax_free_income: Decimal
    cumulative_basic_deduction: Decimal
    cumulative_special: SpecialDeductions
    cumulative_additional: SpecialAdditional
    cumulative_other: OtherDeductions
    #: never below 0
    cumulative_taxable: Decimal
    rate: Decimal
    quick_deduction: Decimal
    #: 累计应纳税额
    cumulative_tax: Decimal
    #: 累计已预缴税额: withheld in the months before this one
    withheld_before: Decimal
    #: withheld by earlier payments of this same month (a regular run before a correction)
    withheld_this_month: Decimal
    #: 应补(退)税额 of the month before the floor: negative when more was withheld in earlier
    #: months than is due so far
    balance: Decimal
    #: tax withheld on this payment: the month's floored balance less what the month's
    #: earlier payments withheld (negative only to give some of that back)
    tax: Decimal

    @property
    def cumulative_deductions(self) -> Decimal:
        """Return everything subtracted from income except tax-free income."""
        return (
            self.cumulative_basic_deduction
            + self.cumulative_special.total
            + self.cumulative_additional.total
            + self.cumulative_other.total
        )

    @property
    def withheld_after(self) -> Decimal:
        """Return the year's wage tax withheld after this payment."""
        return self.withheld_before + self.withheld_this_month + self.tax

    @property
    def month_tax(self) -> Decimal:
        """Return the month's tax after this payment (never negative)."""
        return self.withheld_this_month + self.tax


def withhold_wages(
    ytd: YearToDate, period: TaxPeriod, payment: WagePayment, params: TaxParams
) -> WageTax:
    """Return the wage tax of one payment by cumulative withholding (DOMAIN §4)."""
    if ytd.year != period.year:
        raise ValueError(f"year-to-date of {ytd.year} used for a payment in {period.year}")
    if period.month < ytd.last_month:
        raise ValueError(f"payment in month {period.month} after month {ytd.last_month}")
    income = ytd.income + payment.income
    tax_free = ytd.tax_free_income + payment.tax_free_income
    special = ytd.special + payment.special
    additional = ytd.additional + payment.additional
    other = ytd.other + payment.other
    basic = basic_deduction(period, params)
    taxable = income - tax_free - basic - special.total - additional.total - other.total
    taxable = max(taxable, ZERO)
    bracket = params.annual.bracket(taxable)
    # ``params.annual.tax(taxable)``, on the bracket just found
    cumulative_tax = (
        round_to(taxable * bracket.rate - bracket.quick_deduction) if taxable > 0 else ZERO
    )
    before = ytd.withheld_before(period.month)
    this_month = ytd.withheld - before
    balance = cumulative_tax - before
    return WageTax(
        period=period,
        cumulative_income=income,
        cumulative_tax_free_income=tax_free,
        cumulative_basic_deduction=basic,
        cumulative_special=special,
        cumulative_additional=additional,
        cumulative_other=other,
        cumulative_taxable=taxable,
        rate=bracket.rate,
        quick_deduction=bracket.quick_deduction,
        cumulative_tax=cumulative_tax,
        withheld_before=before,
        withheld_this_month=this_month,
        balance=balance,
        tax=max(balance, ZERO) - this_month,
    )


@dataclass(frozen=True)
class BonusTax:
    """The separate tax on a year-end bonus."""

    bonus: Decimal
    #: bonus ÷ 12, rounded to the fen for display (the bracket is chosen without rounding)
    monthly_average: Decimal
    rate: Decimal
    quick_deduction: Decimal
    tax: Decimal


def bonus_tax(bonus: Decimal, table: TaxTable) -> BonusTax:
    """Return the tax on a year-end bonus taxed on its own by the monthly ``table``."""
    if bonus <= 0:
        return BonusTax(bonus, ZERO, ZERO, ZERO, ZERO)
    bracket = table.bracket(bonus, per=12)
    tax = max(round_to(bonus * bracket.rate - bracket.quick_deduction), ZERO)
    return BonusTax(bonus, round_to(bonus / 12), bracket.rate, bracket.quick_deduction, tax)


class BonusTreatment(StrEnum):
    """How a payment's 全年一次性奖金 is taxed."""

    NONE = "none"  # no bonus in this payment
    SEPARATE = "separate"  # on its own by the monthly table
    ELECTED_WAGE = "elected_wage"  # the person chose to merge it into wages
    REPEATED = "repeated"  # the separate method was already used this year: wage income
    POLICY_ENDED = "policy_ended"  # paid after the separate method ends: wage income
    NEGATIVE = "negative"  # a correction taking a bonus back: wage income


def bonus_treatment(
    ytd: YearToDate, period: TaxPeriod, bonus: Decimal, params: TaxParams, *, merge: bool
) -> BonusTreatment:
    """Decide whether this payment's bonus is taxed separately or added to wage income."""
    if bonus == 0:
        return BonusTreatment.NONE
    if bonus < 0:
        return BonusTreatment.NEGATIVE
    if params.bonus_separate_until is not None and period.first_day > params.bonus_separate_until:
        return BonusTreatment.POLICY_ENDED
    if merge:
        return BonusTreatment.ELECTED_WAGE
    if ytd.bonus_payments:
        return BonusTreatment.REPEATED
    return BonusTreatment.SEPARATE


@dataclass(frozen=True)
class MonthTax:
    """The tax of one payment: wages, the bonus, and the state for the next payment."""

    wage: WageTax
    bonus_treatment: BonusTreatment
    #: None unless the bonus is taxed separately
    bonus: BonusTax | None
    #: what to store with the line (``YearToDate.fold`` rebuilds the state from these)
    record: TaxRecord
    #: the year to date before this payment (``ytd`` adds the record when asked for)
    before: YearToDate = field(repr=False, compare=False)

    @cached_property
    def ytd(self) -> YearToDate:
        """Return the year to date after this payment (the basis of the next one)."""
        return self.before.add(self.record)

    @property
    def income_tax(self) -> Decimal:
        """Return 个人所得税 (on wages) withheld on this payment."""
        return self.wage.tax

    @property
    def bonus_income_tax(self) -> Decimal:
        """Return 年终奖个税 withheld on this payment."""
        return self.bonus.tax if self.bonus is not None else ZERO


def tax_month(
    ytd: YearToDate,
    period: TaxPeriod,
    payment: WagePayment,
    params: TaxParams,
    *,
    bonus: Decimal = ZERO,
    merge_bonus: bool = False,
) -> MonthTax:
    """Return the wage tax and the bonus tax of one payment, and the new year to date.

    ``payment`` holds the wage figures without the bonus; a bonus that is not taxed
    separately (see :func:`bonus_treatment`) is added to its income here.
    """
    treatment = bonus_treatment(ytd, period, bonus, params, merge=merge_bonus)
    separate = treatment is BonusTreatment.SEPARATE
    if bonus and not separate:
        payment = replace(payment, income=payment.income + bonus)
    wage = withhold_wages(ytd, period, payment, params)
    on_bonus = bonus_tax(bonus, params.monthly) if separate else None
    record = TaxRecord(
        month=period.month,
        wage=payment,
        withheld=wage.tax,
        bonus=bonus if separate else ZERO,
        bonus_tax=on_bonus.tax if on_bonus is not None else ZERO,
    )
    return MonthTax(wage, treatment, on_bonus, record, ytd)


def additional_increment(cumulative: SpecialAdditional, ytd: YearToDate) -> SpecialAdditional:
    """Return what a cumulative 专项附加扣除 figure (the client's export) adds this payment."""
    return cumulative - ytd.additional


__all__ = [
    "DEFAULTS",
    "BonusTax",
    "BonusTreatment",
    "Bracket",
    "MonthTax",
    "OtherDeductions",
    "SpecialAdditional",
    "SpecialDeductions",
    "TaxParams",
    "TaxPeriod",
    "TaxRecord",
    "TaxTable",
    "WagePayment",
    "WageTax",
    "YearToDate",
    "additional_increment",
    "basic_deduction",
    "bonus_tax",
    "bonus_treatment",
    "ensure_defaults",
    "months_employed",
    "tax_month",
    "withhold_wages",
]
