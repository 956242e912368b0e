"""Social insurance and housing fund (五险一金, DOMAIN.md §4): bases, rates and tax limits.

Pure module. Every amount is ``Decimal``, each item rounded half-up on its own (to the fen by
default; the quantum per item is the parameter ``payroll.item_rounding``, since some fund
centres round to the yuan).

- Contribution base (养老, 职业年金, 医疗, 失业): the employee's previous-year average monthly
  wage, floored at 60% and capped at 300% of the previous-year provincial average wage.
- Housing-fund base: capped at 3× the city's previous-year average monthly wage; the rate
  (the same for employee and employer) lies within ``hr.fund_rate_range`` (5%–12%).
- Tax: of each side's fund contribution only 12% × the capped base is tax-free; the excess
  is taxable wage (财税〔2006〕10号). Of the employee's annuity only 4% of its base, the base
  capped at 3× the city average wage, is deductible (财税〔2013〕103号).

The rates and wages are dated parameters read into :class:`ContributionParams` by
``ContributionParams.from_values``; ``DEFAULTS`` holds the seeded values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import Any

from payroll.amounts import FEN, ZERO, AmountGroup, as_decimal, money, round_to

RATES_KEY = "payroll.contribution_rates"
BASE_LIMITS_KEY = "payroll.contribution_base_limits"
AVERAGE_WAGES_KEY = "payroll.average_wages"
HOUSING_FUND_KEY = "payroll.housing_fund"
ANNUITY_DEDUCTION_KEY = "payroll.annuity_deduction"
ROUNDING_KEY = "payroll.item_rounding"
#: HR owns the allowed fund rates (checked on the roster too); payroll reads the same key.
FUND_RATE_RANGE_KEY = "hr.fund_rate_range"

#: The social-insurance items, in the order of the pay line and of DOMAIN §4's table.
INSURANCE_ITEMS = ("pension", "annuity", "medical", "unemployment")
ITEMS = (*INSURANCE_ITEMS, "housing_fund")

DEFAULTS: dict[str, Any] = {
    # 机关事业单位基本养老 8%/16%, 职业年金 4%/8% (国发〔2015〕2号, 国办发〔2015〕18号);
    # 医疗 2% / about 7% employer (Chengdu, verify yearly); 失业 0.4%/0.6%.
    RATES_KEY: {
        "pension": {"employee": "0.08", "employer": "0.16"},
        "annuity": {"employee": "0.04", "employer": "0.08"},
        "medical": {"employee": "0.02", "employer": "0.07"},
        "unemployment": {"employee": "0.004", "employer": "0.006"},
    },
    BASE_LIMITS_KEY: {"floor_ratio": "0.60", "cap_ratio": "3.00"},
    # Previous-year average monthly wages; example figures, replace with the published ones.
    AVERAGE_WAGES_KEY: {"province": "6697", "city": "9796"},
    HOUSING_FUND_KEY: {"base_cap_ratio": "3", "tax_free_rate": "0.12"},
    ANNUITY_DEDUCTION_KEY: {"rate": "0.04", "base_cap_ratio": "3"},
    ROUNDING_KEY: {item: "0.01" for item in ITEMS},
}
#: The value HR seeds for FUND_RATE_RANGE_KEY, used when the store has none.
FUND_RATE_RANGE_DEFAULT = {"min": "0.05", "max": "0.12"}
DEFAULTS_FROM = date(2019, 1, 1)
SOURCES = {
    RATES_KEY: "国发〔2015〕2号；国办发〔2015〕18号；成都市医保、失业保险费率（每年核实）",
    BASE_LIMITS_KEY: "缴费基数下限 60%、上限 300%（省上年度全口径城镇单位就业人员平均工资）",
    AVERAGE_WAGES_KEY: "示例值：四川省、成都市上年度职工月平均工资，须按当年公布数据更新",
    HOUSING_FUND_KEY: "建金管〔2005〕5号；财税〔2006〕10号（12% 以内免税）",
    ANNUITY_DEDUCTION_KEY: "财税〔2013〕103号（个人缴费 4% 以内扣除，基数不超过 3 倍社平工资）",
    ROUNDING_KEY: "各项缴费分别四舍五入到分（DOMAIN.md §4）",
}


def ensure_defaults() -> None:
    """Seed the contribution parameters (idempotent; needs an app context)."""
    from core.parameters import ensure_parameter

    for key, value in DEFAULTS.items():
        ensure_parameter(key, value, effective_from=DEFAULTS_FROM, source=SOURCES[key])


# --------------------------------------------------------------------------- parameters


@dataclass(frozen=True)
class Rates:
    """The employee's and the employer's rate of one item."""

    employee: Decimal
    employer: Decimal


@dataclass(frozen=True)
class ContributionParams:
    """The contribution parameters in force for a month, as exact Decimals."""

    rates: Mapping[str, Rates]
    floor_ratio: Decimal
    cap_ratio: Decimal
    province_average: Decimal
    city_average: Decimal
    fund_base_cap_ratio: Decimal
    fund_tax_free_rate: Decimal
    fund_rate_min: Decimal
    fund_rate_max: Decimal
    annuity_deduction_rate: Decimal
    annuity_base_cap_ratio: Decimal
    rounding: Mapping[str, Decimal]

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> ContributionParams:
        """Build from parameter values by key; a missing key takes its default."""

        def get(key: str) -> Any:
            value = values.get(key)
            if value is not None:
                return value
            return FUND_RATE_RANGE_DEFAULT if key == FUND_RATE_RANGE_KEY else DEFAULTS[key]

        rates = get(RATES_KEY)
        limits = get(BASE_LIMITS_KEY)
        wages = get(AVERAGE_WAGES_KEY)
        fund = get(HOUSING_FUND_KEY)
        fund_range = get(FUND_RATE_RANGE_KEY)
        annuity = get(ANNUITY_DEDUCTION_KEY)
        rounding = {**DEFAULTS[ROUNDING_KEY], **get(ROUNDING_KEY)}
        return cls(
            rates={
                item: Rates(
                    as_decimal(rates[item]["employee"]), as_decimal(rates[item]["employer"])
                )
                for item in INSURANCE_ITEMS
            },
            floor_ratio=as_decimal(limits["floor_ratio"]),
            cap_ratio=as_decimal(limits["cap_ratio"]),
            province_average=money(wages["province"]),
            city_average=money(wages["city"]),
            fund_base_cap_ratio=as_decimal(fund["base_cap_ratio"]),
            fund_tax_free_rate=as_decimal(fund["tax_free_rate"]),
            fund_rate_min=as_decimal(fund_range["min"]),
            fund_rate_max=as_decimal(fund_range["max"]),
            annuity_deduction_rate=as_decimal(annuity["rate"]),
            annuity_base_cap_ratio=as_decimal(annuity["base_cap_ratio"]),
            rounding={item: as_decimal(rounding[item]) for item in ITEMS},
        )

    @cached_property
    def base_floor(self) -> Decimal:
        """Return the lowest contribution base: 60% of the provincial average wage."""
        return round_to(self.province_average * self.floor_ratio)

    @cached_property
    def base_cap(self) -> Decimal:
        """Return the highest contribution base: 300% of the provincial average wage."""
        return round_to(self.province_average * self.cap_ratio)

    @cached_property
    def fund_base_cap(self) -> Decimal:
        """Return the highest housing-fund base: 3× the city average wage."""
        return round_to(self.city_average * self.fund_base_cap_ratio)

    @cached_property
    def annuity_base_cap(self) -> Decimal:
        """Return the highest annuity base for the tax deduction: 3× the city average wage."""
        return round_to(self.city_average * self.annuity_base_cap_ratio)


# --------------------------------------------------------------------------- amounts


@dataclass(frozen=True)
class Contributions(AmountGroup):
    """One side's (employee's or employer's) five items for a month."""

    pension: Decimal = ZERO
    annuity: Decimal = ZERO
    medical: Decimal = ZERO
    unemployment: Decimal = ZERO
    housing_fund: Decimal = ZERO

    @property
    def insurance(self) -> Decimal:
        """Return the four social-insurance items without the housing fund."""
        return self.pension + self.annuity + self.medical + self.unemployment


@dataclass(frozen=True)
class Base:
    """A base as declared and as used after the floor and cap."""

    declared: Decimal
    used: Decimal

    @property
    def below_floor(self) -> bool:
        return self.used > self.declared

    @property
    def above_cap(self) -> bool:
        return self.used < self.declared


def contribution_base(declared: Decimal, params: ContributionParams) -> Base:
    """Return the contribution base floored at 60% and capped at 300% of the province's."""
    used = min(max(declared, params.base_floor), params.base_cap)
    return Base(declared, used)


def fund_base(declared: Decimal, params: ContributionParams) -> Base:
    """Return the housing-fund base capped at 3× the city's average wage."""
    return Base(declared, min(declared, params.fund_base_cap))


def fund_rate_in_range(rate: Decimal, params: ContributionParams) -> bool:
    """Return whether a housing-fund rate lies within the allowed range (5%–12%)."""
    return params.fund_rate_min <= rate <= params.fund_rate_max


def _side(
    base: Decimal,
    fund_base_used: Decimal,
    fund_rate: Decimal,
    params: ContributionParams,
    side: str,
    annuity: bool,
) -> Contributions:
    """Return one side's five items: ``base`` × each rate, the fund at ``fund_rate``, each
    rounded half-up to its quantum (``round_to``; the usual fen without the quantum check)."""
    rates = params.rates
    rounding = params.rounding
    values = []
    for item in ITEMS:
        if item == "annuity" and not annuity:
            values.append(ZERO)
            continue
        if item == "housing_fund":
            amount = fund_base_used * fund_rate
        else:
            amount = base * getattr(rates[item], side)
        quantum = rounding[item]
        if quantum == FEN:
            values.append(amount.quantize(FEN, ROUND_HALF_UP) + ZERO)  # round_to(amount)
        else:
            values.append(round_to(amount, quantum))
    return Contributions._build(values)


def employee_contributions(
    base: Decimal,
    fund_base_used: Decimal,
    fund_rate: Decimal,
    params: ContributionParams,
    *,
    annuity: bool = True,
) -> Contributions:
    """Return the employee's five items on bases already floored and capped.

    ``annuity`` is False for staff outside the 职业年金 (e.g. contract staff in the
    enterprise scheme): their annuity is 0.
    """
    return _side(base, fund_base_used, fund_rate, params, "employee", annuity)


def employer_contributions(
    base: Decimal,
    fund_base_used: Decimal,
    fund_rate: Decimal,
    params: ContributionParams,
    *,
    annuity: bool = True,
) -> Contributions:
    """Return the employer's five items (the fund at the same rate as the employee's)."""
    return _side(base, fund_base_used, fund_rate, params, "employer", annuity)


@dataclass(frozen=True)
class FundTax:
    """How the housing fund is taxed this month."""

    #: 12% × the capped base: the most either side may pay tax-free
    limit: Decimal
    #: the employee's contribution up to the limit: deducted as a special deduction
    tax_free: Decimal
    #: the employee's contribution above the limit: not deducted, so it stays taxable
    employee_excess: Decimal
    #: the employer's contribution above the limit: added to taxable wage income
    employer_excess: Decimal

    @property
    def taxable_excess(self) -> Decimal:
        return self.employee_excess + self.employer_excess


def fund_tax(
    employee_fund: Decimal,
    employer_fund: Decimal,
    declared_fund_base: Decimal,
    params: ContributionParams,
) -> FundTax:
    """Split each side's fund contribution into its tax-free part and taxable excess.

    The limit is ``tax_free_rate`` (12%) of the base capped at 3× the city average, rounded
    half-up to the fen. A negative contribution (a correction taking some back) is all
    "tax-free": it reverses a deduction, it does not create an excess.
    """
    limit = round_to(fund_base(declared_fund_base, params).used * params.fund_tax_free_rate)
    tax_free = min(employee_fund, limit)
    return FundTax(
        limit=limit,
        tax_free=tax_free,
        employee_excess=employee_fund - tax_free,
        employer_excess=max(employer_fund - limit, ZERO),
    )


@dataclass(frozen=True)
class AnnuityDeduction:
    """How much of the employee's annuity contribution reduces taxable income."""

    #: 4% of the base capped at 3× the city average wage
    limit: Decimal
    deductible: Decimal
    #: the part above the limit: not deducted, so it stays taxable
    excess: Decimal


def annuity_deduction(
    employee_annuity: Decimal, base: Decimal, params: ContributionParams
) -> AnnuityDeduction:
    """Return the deductible part of the employee's 职业年金: at most 4% of its base (the
    pension base used), the base capped at 3× the city average wage."""
    capped = min(base, params.annuity_base_cap)
    limit = round_to(capped * params.annuity_deduction_rate)
    deductible = min(employee_annuity, limit)
    return AnnuityDeduction(limit, deductible, employee_annuity - deductible)


__all__ = [
    "DEFAULTS",
    "FUND_RATE_RANGE_KEY",
    "INSURANCE_ITEMS",
    "ITEMS",
    "AnnuityDeduction",
    "Base",
    "ContributionParams",
    "Contributions",
    "FundTax",
    "Rates",
    "annuity_deduction",
    "contribution_base",
    "employee_contributions",
    "employer_contributions",
    "ensure_defaults",
    "fund_base",
    "fund_rate_in_range",
    "fund_tax",
]
