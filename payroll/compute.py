"""One person-month of pay: from the items finance gives to the wide pay line (DOMAIN §3–§4).

Pure module. The steps, each usable alone:

1. :func:`resolve_items` — :class:`PayInputs` (a 月度工资 row: blank items are None) and the
   person's :class:`PayProfile` → :class:`PayItems`: every pay item, the five employee
   deductions, the employer's contributions and the tax-relevant parts (tax-free fund,
   deductible annuity, taxable excesses). A blank 岗位工资/薪级工资 comes from the scale tables,
   a blank insurance or fund item from the floored/capped base and the rate; an item given
   is taken as given and named in ``PayItems.given`` (never silently recomputed).
2. :func:`finish_line` — the items, the year to date and the period → :class:`PayLine`:
   个人所得税 by cumulative withholding, 年终奖个税, 扣款合计, 实发工资, every cumulative tax
   figure, the problems, and the new year to date.

:func:`compute_line` runs both. A correction run's line is :func:`correction_line`: the
difference between the corrected and the original items of a past month (each computed with
that month's own parameters), paid and taxed in the correction's period.

Totals: 应发合计 = 岗位工资 + 薪级工资 + 基础性绩效 + 奖励性绩效 + 津贴补贴 + 其他应发 + 全年一次性奖金;
扣款合计 = the five employee deductions + 个人所得税 + 年终奖个税 + 其他扣款; 实发工资 = 应发合计 −
扣款合计. Every amount is a Decimal with two places; each item is rounded on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal
from typing import Any

from core.i18n import msg
from core.money import FEN
from payroll import scales
from payroll.amounts import ZERO, cached_value
from payroll.contributions import (
    Contributions,
    annuity_deduction,
    contribution_base,
    employee_contributions,
    employer_contributions,
    fund_base,
    fund_rate_in_range,
    fund_tax,
)
from payroll.params import PayrollParams
from payroll.problems import Problem, error, warning
from payroll.tax import (
    BonusTreatment,
    MonthTax,
    OtherDeductions,
    SpecialAdditional,
    SpecialDeductions,
    TaxPeriod,
    TaxRecord,
    WagePayment,
    YearToDate,
    tax_month,
)

#: The pay items (应发), in the order of the 月度工资 sheet.
EARNINGS = (
    "post_wage",
    "step_wage",
    "basic_performance",
    "reward_performance",
    "allowances",
    "other_pay",
    "bonus",
)
#: The five employee deductions, in the order of the sheet.
DEDUCTIONS = ("pension", "annuity", "medical", "unemployment", "housing_fund")
#: Items that may be left blank to be computed (and are flagged when given).
COMPUTABLE = ("post_wage", "step_wage", *DEDUCTIONS)


def _fen(value: Decimal, name: str) -> Decimal:
    """Return an amount with exactly two places; refuse one with fractions of a fen."""
    if value is ZERO:  # the default of every item: most of them on most lines
        return ZERO
    if type(value) is not Decimal:
        if isinstance(value, int) and not isinstance(value, bool):
            value = Decimal(value)
        elif not isinstance(value, Decimal):
            raise TypeError(f"{name} must be a Decimal, not {type(value).__name__}")
    quantized = value.quantize(FEN)
    if quantized != value:
        raise ValueError(f"{name} = {value} has fractions of a fen")
    return quantized + ZERO  # no "-0.00"


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class PayInputs:
    """One person-month as finance gives it; a None item is computed.

    ``special_additional`` is what this month adds to the year's 专项附加扣除 (a late
    declaration brings its earlier months; the client's cumulative export converts with
    ``payroll.tax.additional_increment``). ``tax_deductions`` are the other tax deductions
    besides the annuity (个人养老金, 商业健康保险, 税延养老保险, 其他); its ``annuity`` is
    ignored, the deductible annuity is computed. ``other_deductions`` (其他扣款) is taken
    from pay and is not a tax deduction. ``tax_free_income`` is the part of the pay items
    that is exempt (本期免税收入).
    """

    post_wage: Decimal | None = None
    step_wage: Decimal | None = None
    basic_performance: Decimal = ZERO
    reward_performance: Decimal = ZERO
    allowances: Decimal = ZERO
    other_pay: Decimal = ZERO
    bonus: Decimal = ZERO
    pension: Decimal | None = None
    annuity: Decimal | None = None
    medical: Decimal | None = None
    unemployment: Decimal | None = None
    housing_fund: Decimal | None = None
    special_additional: SpecialAdditional = field(default_factory=SpecialAdditional)
    other_deductions: Decimal = ZERO
    tax_free_income: Decimal = ZERO
    tax_deductions: OtherDeductions = field(default_factory=OtherDeductions)


@dataclass(frozen=True)
class PayProfile:
    """What payroll knows about the person for the month (HR's post and step as of the
    period, finance's money settings, the tax flags, the bank account)."""

    category: str | None = None
    grade: int | None = None
    step: int | None = None
    #: previous-year average monthly wage declared as the base (before floor and cap)
    contribution_base: Decimal | None = None
    fund_base: Decimal | None = None
    fund_rate: Decimal | None = None
    #: in the 职业年金 (staff on the establishment); False: annuity 0 on both sides
    annuity: bool = True
    first_job_this_year: bool = False
    #: the 60,000-from-January flag
    low_income: bool = False
    #: the person chose to merge the year-end bonus into wage income
    merge_bonus: bool = False
    bank_account: str | None = None


# --------------------------------------------------------------------------- items


@dataclass(frozen=True)
class PayItems:
    """Every amount of a person-month before tax."""

    post_wage: Decimal
    step_wage: Decimal
    basic_performance: Decimal
    reward_performance: Decimal
    allowances: Decimal
    other_pay: Decimal
    bonus: Decimal
    employee: Contributions
    employer: Contributions
    other_deductions: Decimal
    tax_free_income: Decimal
    special_additional: SpecialAdditional
    #: the other tax deductions, ``annuity`` being the deductible part of the annuity
    tax_deductions: OtherDeductions
    #: the employee's fund up to 12% × the capped base (a special deduction)
    fund_tax_free: Decimal
    #: the employer's fund above the limit: added to taxable wage income
    employer_fund_excess: Decimal
    #: the employee's fund above the limit (not deducted, so it stays taxable)
    employee_fund_excess: Decimal
    #: the employee's annuity above 4% of the capped base (not deducted)
    annuity_excess: Decimal
    #: bases used after floor and cap (None when unknown)
    contribution_base: Decimal | None = None
    fund_base: Decimal | None = None
    #: items taken as given rather than computed (names from COMPUTABLE)
    given: frozenset[str] = frozenset()
    problems: tuple[Problem, ...] = ()

    @cached_value
    def gross(self) -> Decimal:
        """Return 应发合计: the seven pay items."""
        return sum((getattr(self, name) for name in EARNINGS), ZERO)

    @property
    def wage_income(self) -> Decimal:
        """Return the wage income of the period: gross without the bonus, plus the
        employer's taxable fund excess (a bonus not taxed separately is added by the tax)."""
        return self.gross - self.bonus + self.employer_fund_excess

    @property
    def taxable_fund_excess(self) -> Decimal:
        return self.employee_fund_excess + self.employer_fund_excess

    def wage_payment(self) -> WagePayment:
        """Return what this line adds to the year's wage tax figures."""
        return WagePayment(
            income=self.wage_income,
            tax_free_income=self.tax_free_income,
            special=SpecialDeductions(
                pension=self.employee.pension,
                medical=self.employee.medical,
                unemployment=self.employee.unemployment,
                housing_fund=self.fund_tax_free,
            ),
            additional=self.special_additional,
            other=self.tax_deductions,
        )


_ITEM_AMOUNTS = tuple(
    f.name
    for f in fields(PayItems)
    if f.name not in ("contribution_base", "fund_base", "given", "problems")
)


def difference(corrected: PayItems, original: PayItems) -> PayItems:
    """Return what a correction pays: every amount of ``corrected`` minus ``original``.

    Every item of the result counts as given (a correction's amounts are not recomputed);
    the bases are the corrected ones; the problems are left to the correction's own line.
    """
    amounts: dict[str, Any] = {
        name: getattr(corrected, name) - getattr(original, name) for name in _ITEM_AMOUNTS
    }
    return PayItems(
        **amounts,
        contribution_base=corrected.contribution_base,
        fund_base=corrected.fund_base,
        given=frozenset(COMPUTABLE),
    )


_MISSING_POST = error("missing_post", msg("没有岗位等级，无法计算岗位工资"))
_MISSING_STEP = error("missing_step", msg("没有薪级，无法计算薪级工资"))


def _scale_item(
    given: Decimal | None,
    name: str,
    amounts: Mapping[tuple[str, int], Decimal],
    explain: Callable[[Mapping[str, Any], str, int], Decimal],
    table: Mapping[str, Any],
    category: str | None,
    key: int | None,
    missing: Problem,
    problems: list[Problem],
) -> tuple[Decimal, bool]:
    """Return (amount, given): the given amount, or the table's (``explain(table, ...)``
    raises why not)."""
    if given is not None:
        return _fen(given, name), True
    if category is None or key is None:
        problems.append(missing)
        return ZERO, False
    found = amounts.get((category, key))
    if found is not None:
        return found, False
    try:
        return explain(table, category, key), False
    except scales.ScaleError as exc:
        problems.append(error(f"{name}_not_in_table", exc.message))
        return ZERO, False


def resolve_items(inputs: PayInputs, profile: PayProfile, params: PayrollParams) -> PayItems:
    """Return every pay item and deduction of a person-month, computing the blank ones."""
    problems: list[Problem] = []
    given: set[str] = set()
    cp = params.contributions

    post, was_given = _scale_item(
        inputs.post_wage,
        "post_wage",
        params.post_wage_amounts,
        scales.post_wage,
        params.post_wages,
        profile.category,
        profile.grade,
        _MISSING_POST,
        problems,
    )
    if was_given:
        given.add("post_wage")
    step, was_given = _scale_item(
        inputs.step_wage,
        "step_wage",
        params.step_wage_amounts,
        scales.step_wage,
        params.step_wages,
        profile.category,
        profile.step,
        _MISSING_STEP,
        problems,
    )
    if was_given:
        given.add("step_wage")

    # Bases: floored and capped; None when the profile has none.
    base_used: Decimal | None = None
    if profile.contribution_base is not None:
        base = contribution_base(_fen(profile.contribution_base, "contribution_base"), cp)
        base_used = base.used
        if base.below_floor:
            problems.append(
                warning(
                    "base_below_floor",
                    msg(
                        "缴费基数 %(base)s 低于下限 %(limit)s，按下限计算",
                        base=base.declared,
                        limit=base.used,
                    ),
                )
            )
        elif base.above_cap:
            problems.append(
                warning(
                    "base_above_cap",
                    msg(
                        "缴费基数 %(base)s 高于上限 %(limit)s，按上限计算",
                        base=base.declared,
                        limit=base.used,
                    ),
                )
            )
    fund_used: Decimal | None = None
    if profile.fund_base is not None:
        fbase = fund_base(_fen(profile.fund_base, "fund_base"), cp)
        fund_used = fbase.used
        if fbase.above_cap:
            problems.append(
                warning(
                    "fund_base_above_cap",
                    msg(
                        "公积金基数 %(base)s 高于上限 %(limit)s，按上限计算",
                        base=fbase.declared,
                        limit=fbase.used,
                    ),
                )
            )
    rate = profile.fund_rate
    if inputs.housing_fund is None and rate is not None and not fund_rate_in_range(rate, cp):
        problems.append(
            error(
                "fund_rate_out_of_range",
                msg(
                    "公积金比例 %(rate)s 不在 %(low)s–%(high)s 之间",
                    rate=rate,
                    low=cp.fund_rate_min,
                    high=cp.fund_rate_max,
                ),
            )
        )

    # Computed contributions on the bases (zero where a base is missing).
    computed_employee = employee_contributions(
        base_used if base_used is not None else ZERO,
        fund_used if fund_used is not None else ZERO,
        rate if rate is not None else ZERO,
        cp,
        annuity=profile.annuity,
    )
    employer = employer_contributions(
        base_used if base_used is not None else ZERO,
        fund_used if fund_used is not None else ZERO,
        rate if rate is not None else ZERO,
        cp,
        annuity=profile.annuity,
    )
    given_values = inputs.__dict__  # the frozen dataclass's fields, read without getattr
    if all(given_values[name] is None for name in DEDUCTIONS):
        employee = computed_employee  # the usual case: every deduction computed
    else:
        chosen: dict[str, Decimal] = {}
        for name in DEDUCTIONS:
            value = given_values[name]
            if value is not None:
                chosen[name] = _fen(value, name)
                given.add(name)
            else:
                chosen[name] = getattr(computed_employee, name)
        employee = Contributions(**chosen)

    insurance_computed = [n for n in DEDUCTIONS[:4] if n not in given]
    if base_used is None and insurance_computed:
        problems.append(error("missing_contribution_base", msg("没有缴费基数，无法计算社会保险")))
    elif base_used is None:
        problems.append(
            warning(
                "employer_not_computed",
                msg("没有缴费基数，单位缴纳的社会保险未计算"),
            )
        )
    if "housing_fund" not in given:
        if fund_used is None:
            problems.append(error("missing_fund_base", msg("没有公积金基数，无法计算住房公积金")))
        if rate is None:
            problems.append(error("missing_fund_rate", msg("没有公积金比例，无法计算住房公积金")))
    else:
        # The fund centre's statement has both sides at the same rate.
        employer = replace(employer, housing_fund=employee.housing_fund)

    # Tax limits. Without a base the limit cannot be checked: the widest one is used.
    if fund_used is None and employee.housing_fund:
        problems.append(
            warning(
                "fund_limit_unchecked",
                msg("没有公积金基数，无法核对公积金免税限额，已按上限计算"),
            )
        )
    on_fund = fund_tax(
        employee.housing_fund,
        employer.housing_fund,
        fund_used if fund_used is not None else cp.fund_base_cap,
        cp,
    )
    if on_fund.taxable_excess > 0:
        problems.append(
            warning(
                "fund_excess",
                msg(
                    "住房公积金超过免税限额 %(limit)s，超出的 %(excess)s 元计入工资薪金收入",
                    limit=on_fund.limit,
                    excess=on_fund.taxable_excess,
                ),
            )
        )
    on_annuity = annuity_deduction(
        employee.annuity, base_used if base_used is not None else cp.annuity_base_cap, cp
    )
    if on_annuity.excess > 0:
        problems.append(
            warning(
                "annuity_excess",
                msg(
                    "职业年金个人缴费超过扣除限额 %(limit)s，超出的 %(excess)s 元不得税前扣除",
                    limit=on_annuity.limit,
                    excess=on_annuity.excess,
                ),
            )
        )

    given_other = inputs.tax_deductions
    other_names = OtherDeductions.field_names()[1:]  # annuity is the first
    if all(getattr(given_other, name) is ZERO for name in other_names):
        tax_deductions = OtherDeductions(on_annuity.deductible)  # the usual case: none given
    else:
        tax_deductions = OtherDeductions(
            on_annuity.deductible,
            *[_fen(getattr(given_other, name), f"tax_deductions.{name}") for name in other_names],
        )
    given_additional = inputs.special_additional
    additional_names = SpecialAdditional.field_names()
    if type(given_additional) is SpecialAdditional and all(
        getattr(given_additional, name) is ZERO for name in additional_names
    ):
        additional = given_additional  # nothing declared: already zero to the fen
    else:
        additional = SpecialAdditional(
            *[
                _fen(getattr(given_additional, name), f"special_additional.{name}")
                for name in additional_names
            ]
        )
    return PayItems(
        post_wage=post,
        step_wage=step,
        basic_performance=_fen(inputs.basic_performance, "basic_performance"),
        reward_performance=_fen(inputs.reward_performance, "reward_performance"),
        allowances=_fen(inputs.allowances, "allowances"),
        other_pay=_fen(inputs.other_pay, "other_pay"),
        bonus=_fen(inputs.bonus, "bonus"),
        employee=employee,
        employer=employer,
        other_deductions=_fen(inputs.other_deductions, "other_deductions"),
        tax_free_income=_fen(inputs.tax_free_income, "tax_free_income"),
        special_additional=additional,
        tax_deductions=tax_deductions,
        fund_tax_free=on_fund.tax_free,
        employer_fund_excess=on_fund.employer_excess,
        employee_fund_excess=on_fund.employee_excess,
        annuity_excess=on_annuity.excess,
        contribution_base=base_used,
        fund_base=fund_used,
        given=frozenset(given),
        problems=tuple(problems),
    )


# --------------------------------------------------------------------------- the line


@dataclass(frozen=True)
class PayLine:
    """The wide line of one person in one run: items, totals, tax and problems."""

    items: PayItems
    tax: MonthTax
    problems: tuple[Problem, ...]

    @property
    def gross(self) -> Decimal:
        """应发合计."""
        return self.items.gross

    @property
    def employee(self) -> Contributions:
        """The five employee deductions."""
        return self.items.employee

    @property
    def employer(self) -> Contributions:
        """The employer's contributions (for the budget and the centres)."""
        return self.items.employer

    @property
    def income_tax(self) -> Decimal:
        """个人所得税 (on wages, by cumulative withholding)."""
        return self.tax.income_tax

    @property
    def bonus_tax(self) -> Decimal:
        """年终奖个税."""
        return self.tax.bonus_income_tax

    @cached_value
    def total_deductions(self) -> Decimal:
        """扣款合计."""
        return (
            self.items.employee.total
            + self.income_tax
            + self.bonus_tax
            + self.items.other_deductions
        )

    @cached_value
    def net_pay(self) -> Decimal:
        """实发工资."""
        return self.gross - self.total_deductions

    @property
    def ytd(self) -> YearToDate:
        """The year to date after this line."""
        return self.tax.ytd

    @property
    def record(self) -> TaxRecord:
        """What to store so that ``YearToDate.fold`` can rebuild the year."""
        return self.tax.record

    @property
    def blocking(self) -> bool:
        """Whether any problem must be fixed before approval."""
        return any(p.blocking for p in self.problems)

    def as_dict(self) -> dict[str, Any]:
        """Return the line flat, one key per column of the wide pay line."""
        # Plain reads of each part once (this builds every line of a run).
        items, tax = self.items, self.tax
        wage = tax.wage
        fields_ = items.__dict__
        employee, employer = fields_["employee"], fields_["employer"]
        row: dict[str, Any] = {name: fields_[name] for name in EARNINGS}
        row["gross"] = items.gross
        row.update(employee.as_dict())
        row["special_additional"] = fields_["special_additional"].total
        row["income_tax"] = wage.tax
        row["bonus_tax"] = tax.bonus.tax if tax.bonus is not None else ZERO
        row["other_deductions"] = fields_["other_deductions"]
        row["total_deductions"] = self.total_deductions
        row["net_pay"] = self.net_pay
        for key, value in employer.as_dict().items():
            row["employer_" + key] = value
        row["employer_total"] = employer.total
        row["contribution_base"] = fields_["contribution_base"]
        row["fund_base"] = fields_["fund_base"]
        row["tax_free_income"] = fields_["tax_free_income"]
        row["fund_tax_free"] = fields_["fund_tax_free"]
        row["taxable_fund_excess"] = (
            fields_["employee_fund_excess"] + fields_["employer_fund_excess"]
        )
        row["deductible_annuity"] = fields_["tax_deductions"].annuity
        row["annuity_excess"] = fields_["annuity_excess"]
        row["wage_income"] = tax.record.wage.income
        row["bonus_treatment"] = tax.bonus_treatment.value
        row["cumulative_income"] = wage.cumulative_income
        row["cumulative_tax_free_income"] = wage.cumulative_tax_free_income
        row["cumulative_basic_deduction"] = wage.cumulative_basic_deduction
        row["cumulative_special"] = wage.cumulative_special.total
        row["cumulative_additional"] = wage.cumulative_additional.total
        row["cumulative_other"] = wage.cumulative_other.total
        row["cumulative_taxable"] = wage.cumulative_taxable
        row["tax_rate"] = wage.rate
        row["quick_deduction"] = wage.quick_deduction
        row["cumulative_tax"] = wage.cumulative_tax
        row["withheld_before"] = wage.withheld_before
        row["tax_balance"] = wage.balance
        row["given"] = sorted(fields_["given"])
        return row

    def columns(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """Return ``as_dict`` split for storage: (the line's own columns, the rest as JSON).

        The first holds the keys of :data:`STORED_COLUMNS` as ``as_dict`` gives them, the
        second every other key of ``as_dict``, in its order, Decimals as text and ``given``
        as a sorted list: the same values as splitting ``as_dict``, without building it
        (every line of a run is stored).
        """
        items, tax = self.items, self.tax
        wage = tax.wage
        fields_ = items.__dict__
        employee = fields_["employee"].__dict__
        employer = fields_["employer"]
        theirs = employer.__dict__
        bonus = tax.bonus
        columns = {
            "post_wage": fields_["post_wage"],
            "step_wage": fields_["step_wage"],
            "basic_performance": fields_["basic_performance"],
            "reward_performance": fields_["reward_performance"],
            "allowances": fields_["allowances"],
            "other_pay": fields_["other_pay"],
            "bonus": fields_["bonus"],
            "gross": items.gross,
            "pension": employee["pension"],
            "annuity": employee["annuity"],
            "medical": employee["medical"],
            "unemployment": employee["unemployment"],
            "housing_fund": employee["housing_fund"],
            "special_additional": fields_["special_additional"].total,
            "income_tax": wage.tax,
            "bonus_tax": bonus.tax if bonus is not None else ZERO,
            "other_deductions": fields_["other_deductions"],
            "total_deductions": self.total_deductions,
            "net_pay": self.net_pay,
            "employer_pension": theirs["pension"],
            "employer_annuity": theirs["annuity"],
            "employer_medical": theirs["medical"],
            "employer_unemployment": theirs["unemployment"],
            "employer_housing_fund": theirs["housing_fund"],
            "employer_total": employer.total,
            "contribution_base": fields_["contribution_base"],
            "fund_base": fields_["fund_base"],
            "wage_income": tax.record.wage.income,
            "cumulative_income": wage.cumulative_income,
            "cumulative_taxable": wage.cumulative_taxable,
            "cumulative_tax": wage.cumulative_tax,
            "withheld_before": wage.withheld_before,
        }
        detail = {
            "tax_free_income": str(fields_["tax_free_income"]),
            "fund_tax_free": str(fields_["fund_tax_free"]),
            "taxable_fund_excess": str(
                fields_["employee_fund_excess"] + fields_["employer_fund_excess"]
            ),
            "deductible_annuity": str(fields_["tax_deductions"].annuity),
            "annuity_excess": str(fields_["annuity_excess"]),
            "bonus_treatment": tax.bonus_treatment.value,
            "cumulative_tax_free_income": str(wage.cumulative_tax_free_income),
            "cumulative_basic_deduction": str(wage.cumulative_basic_deduction),
            "cumulative_special": str(wage.cumulative_special.total),
            "cumulative_additional": str(wage.cumulative_additional.total),
            "cumulative_other": str(wage.cumulative_other.total),
            "tax_rate": str(wage.rate),
            "quick_deduction": str(wage.quick_deduction),
            "tax_balance": str(wage.balance),
            "given": sorted(fields_["given"]),
        }
        return columns, detail


#: The keys of ``PayLine.as_dict`` that are columns of the stored line (``PayLine.columns``).
STORED_COLUMNS = (
    *EARNINGS,
    "gross",
    *DEDUCTIONS,
    "special_additional",
    "income_tax",
    "bonus_tax",
    "other_deductions",
    "total_deductions",
    "net_pay",
    "employer_pension",
    "employer_annuity",
    "employer_medical",
    "employer_unemployment",
    "employer_housing_fund",
    "employer_total",
    "contribution_base",
    "fund_base",
    "wage_income",
    "cumulative_income",
    "cumulative_taxable",
    "cumulative_tax",
    "withheld_before",
)


_BONUS_REASONS = {
    BonusTreatment.ELECTED_WAGE: msg("本人选择并入综合所得"),
    BonusTreatment.REPEATED: msg("本年已单独计税过一次全年一次性奖金"),
    BonusTreatment.POLICY_ENDED: msg("全年一次性奖金单独计税政策已到期"),
    BonusTreatment.NEGATIVE: msg("冲减的全年一次性奖金"),
}


def finish_line(
    items: PayItems,
    profile: PayProfile,
    params: PayrollParams,
    *,
    year: int,
    month: int,
    months_employed: int,
    ytd: YearToDate,
    correction: bool = False,
) -> PayLine:
    """Return the pay line: the tax of this payment on top of ``ytd``, totals, problems.

    ``ytd`` is the fold of every earlier payment of the year to this person by this
    employer (never this line's own earlier result); ``months_employed`` counts the months
    from the later of January and the month of hire up to ``month``
    (``payroll.tax.months_employed``). A ``correction`` line (补扣) may have a negative net
    pay: it is recovered from the period's pay, a warning rather than an error.
    """
    period = TaxPeriod(
        year,
        month,
        months_employed,
        first_job_this_year=profile.first_job_this_year,
        low_income=profile.low_income,
    )
    month_tax = tax_month(
        ytd,
        period,
        items.wage_payment(),
        params.tax,
        bonus=items.bonus,
        merge_bonus=profile.merge_bonus,
    )
    line = PayLine(items, month_tax, items.problems)
    problems = list(items.problems)
    reason = _BONUS_REASONS.get(month_tax.bonus_treatment)
    if reason is not None:
        problems.append(
            warning(
                "bonus_as_wage",
                msg(
                    "全年一次性奖金 %(bonus)s 元并入工资薪金计税：%(reason)s",
                    bonus=items.bonus,
                    reason=reason,
                ),
            )
        )
    if month_tax.wage.balance < 0:
        problems.append(
            warning(
                "tax_over_withheld",
                msg(
                    "累计应纳税额 %(due)s 低于已预缴 %(withheld)s，本月不扣税，多缴部分在年度汇算时退还",
                    due=month_tax.wage.cumulative_tax,
                    withheld=month_tax.wage.withheld_before,
                ),
            )
        )
    if month_tax.income_tax < 0:
        problems.append(
            warning(
                "tax_given_back",
                msg(
                    "同月更正后本月个人所得税减少，退还本月已预扣的 %(amount)s 元",
                    amount=-month_tax.income_tax,
                ),
            )
        )
    if line.net_pay < 0 and correction:
        problems.append(
            warning(
                "correction_recovered",
                msg("更正实发为负数（%(net)s），须从本期工资中扣回", net=line.net_pay),
            )
        )
    elif line.net_pay < 0:
        problems.append(
            error("negative_net_pay", msg("实发工资为负数（%(net)s）", net=line.net_pay))
        )
    if line.net_pay > 0 and not (profile.bank_account or "").strip():
        problems.append(error("missing_bank_account", msg("没有银行账号，无法发放工资")))
    if len(problems) == len(items.problems):
        return line
    return PayLine(items, month_tax, tuple(problems))


def compute_line(
    inputs: PayInputs,
    profile: PayProfile,
    params: PayrollParams,
    *,
    year: int,
    month: int,
    months_employed: int,
    ytd: YearToDate | None = None,
) -> PayLine:
    """Return one person-month: :func:`resolve_items` then :func:`finish_line`."""
    items = resolve_items(inputs, profile, params)
    return finish_line(
        items,
        profile,
        params,
        year=year,
        month=month,
        months_employed=months_employed,
        ytd=ytd if ytd is not None else YearToDate(year),
    )


def correction_line(
    original: PayItems,
    corrected: PayItems,
    profile: PayProfile,
    params: PayrollParams,
    *,
    year: int,
    month: int,
    months_employed: int,
    ytd: YearToDate,
) -> PayLine:
    """Return a correction run's line: the differences (补发/补扣), taxed in its period.

    ``original`` is the locked line's items, ``corrected`` the same month recomputed with
    its own month's parameters and the corrected inputs; ``params``, ``year`` and ``month``
    are those of the correction run, whose tax counts the difference exactly once.
    """
    return finish_line(
        difference(corrected, original),
        profile,
        params,
        year=year,
        month=month,
        months_employed=months_employed,
        ytd=ytd,
        correction=True,
    )


__all__ = [
    "COMPUTABLE",
    "DEDUCTIONS",
    "EARNINGS",
    "PayInputs",
    "PayItems",
    "PayLine",
    "PayProfile",
    "STORED_COLUMNS",
    "compute_line",
    "correction_line",
    "difference",
    "finish_line",
    "resolve_items",
]
