"""专项附加扣除 (DOMAIN.md §4, 国发〔2023〕13号): monthly amounts from a standing declaration.

Pure module. Finance keeps, per person, what the employee declared (children, a mortgage or
rent, elderly parents, ...); :func:`monthly_amounts` turns it into the month's deductions by
category with the standard amounts in force (the parameter
``payroll.special_additional_standards``), and :func:`catch_up` brings the months missed by a
late declaration (declared in May for a child since January: 5 months at once). Serious
illness (大病医疗) is settled only at the annual reconciliation and is not withheld.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from core.i18n import msg
from payroll.amounts import ZERO, money, round_to
from payroll.problems import Problem, error
from payroll.tax import SpecialAdditional

STANDARDS_KEY = "payroll.special_additional_standards"

DEFAULTS: dict[str, Any] = {
    STANDARDS_KEY: {
        "children_education": "2000",  # per child
        "infant_care": "2000",  # per child under 3
        "continuing_education_degree": "400",  # per month, at most 48 months
        "continuing_education_certificate": "3600",  # once, in the year of the certificate
        "housing_loan_interest": "1000",
        "housing_rent": "1500",  # 成都 (provincial capital)
        "elderly_support_only_child": "3000",
        "elderly_support_share_max": "1500",  # a sibling's share of the 3,000
    }
}
DEFAULTS_FROM = date(2023, 1, 1)
SOURCES = {STANDARDS_KEY: "国发〔2023〕13号；国发〔2018〕41号（住房租金按成都市标准）"}

_HALF_OR_WHOLE = (Decimal("0.5"), Decimal(1))


def ensure_defaults() -> None:
    """Seed the standard amounts (idempotent; needs an app context)."""
    from core.parameters import ensure_parameter

    for key, value in DEFAULTS.items():
        ensure_parameter(key, value, effective_from=DEFAULTS_FROM, source=SOURCES[key])


@dataclass(frozen=True)
class Standards:
    """The standard monthly amounts in force."""

    children_education: Decimal
    infant_care: Decimal
    continuing_education_degree: Decimal
    continuing_education_certificate: Decimal
    housing_loan_interest: Decimal
    housing_rent: Decimal
    elderly_support_only_child: Decimal
    elderly_support_share_max: Decimal

    @classmethod
    def from_value(cls, value: Mapping[str, Any] | None) -> Standards:
        merged = {**DEFAULTS[STANDARDS_KEY], **(value or {})}
        return cls(**{name: money(merged[name]) for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Declaration:
    """What an employee declared, as finance keeps it (all optional)."""

    children: int = 0
    #: 1 (one parent claims all) or 0.5 (each parent half)
    children_share: Decimal = Decimal(1)
    infants: int = 0
    infants_share: Decimal = Decimal(1)
    continuing_degree: bool = False
    #: the certificate's 3,600 is taken once, in the month finance chooses
    certificate_this_month: bool = False
    housing_loan: bool = False
    housing_rent: bool = False
    elderly_only_child: bool = False
    #: a non-only child's monthly share of the 3,000 (at most 1,500)
    elderly_share: Decimal | None = None


def monthly_amounts(
    declaration: Declaration, standards: Standards
) -> tuple[SpecialAdditional, list[Problem]]:
    """Return the month's 专项附加扣除 by category and what is wrong with the declaration.

    A mortgage and rent in the same month are refused: the mortgage interest is kept and
    the rent dropped. A sibling's elderly share above the maximum is cut to it.
    """
    problems: list[Problem] = []
    for count, share, label in (
        (declaration.children, declaration.children_share, msg("子女教育")),
        (declaration.infants, declaration.infants_share, msg("3岁以下婴幼儿照护")),
    ):
        if count < 0 or (count and share not in _HALF_OR_WHOLE):
            problems.append(
                error(
                    "special_share",
                    msg(
                        "%(item)s的扣除比例只能是 100%% 或 50%%（现为 %(share)s）",
                        item=label,
                        share=share,
                    ),
                )
            )
    children = round_to(standards.children_education * max(declaration.children, 0))
    children = round_to(children * min(declaration.children_share, Decimal(1)))
    infants = round_to(standards.infant_care * max(declaration.infants, 0))
    infants = round_to(infants * min(declaration.infants_share, Decimal(1)))

    continuing = ZERO
    if declaration.continuing_degree:
        continuing += standards.continuing_education_degree
    if declaration.certificate_this_month:
        continuing += standards.continuing_education_certificate

    loan = standards.housing_loan_interest if declaration.housing_loan else ZERO
    rent = standards.housing_rent if declaration.housing_rent else ZERO
    if loan and rent:
        problems.append(
            error(
                "loan_and_rent",
                msg("住房贷款利息和住房租金不能在同一月份同时扣除，已只扣住房贷款利息"),
            )
        )
        rent = ZERO

    if declaration.elderly_only_child:
        elderly = standards.elderly_support_only_child
    elif declaration.elderly_share is not None:
        elderly = money(declaration.elderly_share)
        if elderly > standards.elderly_support_share_max or elderly < 0:
            problems.append(
                error(
                    "elderly_share",
                    msg(
                        "非独生子女赡养老人每月分摊额 %(share)s 超出 0–%(max)s",
                        share=elderly,
                        max=standards.elderly_support_share_max,
                    ),
                )
            )
            elderly = min(max(elderly, ZERO), standards.elderly_support_share_max)
    else:
        elderly = ZERO

    amounts = SpecialAdditional(
        children_education=children,
        continuing_education=continuing,
        housing_loan_interest=loan,
        housing_rent=rent,
        elderly_support=elderly,
        infant_care=infants,
    )
    return amounts, problems


def catch_up(monthly: SpecialAdditional, months: int) -> SpecialAdditional:
    """Return ``months`` months of a monthly deduction at once (a late declaration)."""
    if months < 0:
        raise ValueError("months must not be negative")
    return monthly.times(months)


__all__ = [
    "DEFAULTS",
    "STANDARDS_KEY",
    "Declaration",
    "Standards",
    "catch_up",
    "ensure_defaults",
    "monthly_amounts",
]
