"""Every dated parameter payroll reads, gathered into one value for a month's computation.

Pure module except ``ensure_defaults`` (which seeds the store). The payroll operations read
the values in force on the first day of the period and build :class:`PayrollParams` once
per run::

    from core.parameters import parameter
    params = PayrollParams.from_lookup(lambda key: parameter(key, period_start))

A rate or table change is a new parameter version from a date, so recomputing a past month
with the parameters of its own date never rewrites it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

from hr.appraisals.grading import DEFAULTS as APPRAISAL_DEFAULTS
from hr.posts.promotion import DEFAULTS as PROMOTION_DEFAULTS
from hr.posts.promotion import STARTING_STEPS_KEY
from payroll import contributions, scales, special_deductions, tax
from payroll.contributions import ContributionParams
from payroll.special_deductions import Standards
from payroll.tax import TaxParams

STEP_MAX_KEY = "hr.salary_step_max"

#: payroll's own parameters with their seeded values
DEFAULTS: dict[str, Any] = {
    **scales.DEFAULTS,
    **contributions.DEFAULTS,
    **tax.DEFAULTS,
    **special_deductions.DEFAULTS,
}
#: HR's parameters payroll reads too (HR seeds them)
HR_KEYS: dict[str, Any] = {
    STARTING_STEPS_KEY: PROMOTION_DEFAULTS[STARTING_STEPS_KEY],
    STEP_MAX_KEY: APPRAISAL_DEFAULTS[STEP_MAX_KEY],
    contributions.FUND_RATE_RANGE_KEY: contributions.FUND_RATE_RANGE_DEFAULT,
}
#: every key ``PayrollParams.from_values`` reads
PARAMETER_KEYS: tuple[str, ...] = (*DEFAULTS, *HR_KEYS)


@dataclass(frozen=True)
class PayrollParams:
    """The parameters in force for one period, parsed once."""

    post_wages: Mapping[str, Any]
    step_wages: Mapping[str, Any]
    starting_steps: Mapping[str, Any]
    step_max: Mapping[str, int]
    contributions: ContributionParams
    tax: TaxParams
    special_standards: Standards

    @classmethod
    def from_values(cls, values: Mapping[str, Any] | None = None) -> PayrollParams:
        """Build from parameter values by key; a missing (or None) key takes its default."""
        values = values or {}

        def get(key: str) -> Any:
            value = values.get(key)
            if value is not None:
                return value
            return DEFAULTS[key] if key in DEFAULTS else HR_KEYS[key]

        return cls(
            post_wages=get(scales.POST_WAGE_KEY),
            step_wages=get(scales.STEP_WAGE_KEY),
            starting_steps=get(STARTING_STEPS_KEY),
            step_max={k: int(v) for k, v in get(STEP_MAX_KEY).items()},
            contributions=ContributionParams.from_values(values),
            tax=TaxParams.from_values(values),
            special_standards=Standards.from_value(get(special_deductions.STANDARDS_KEY)),
        )

    @cached_property
    def post_wage_amounts(self) -> dict[tuple[str, int], Decimal]:
        """The 岗位工资 table parsed once: (category, grade) -> amount."""
        return scales.amounts_by_key(self.post_wages)

    @cached_property
    def step_wage_amounts(self) -> dict[tuple[str, int], Decimal]:
        """The 薪级工资 table parsed once: (category, step) -> amount."""
        return scales.amounts_by_key(self.step_wages)

    @classmethod
    def from_lookup(cls, lookup: Callable[[str], Any]) -> PayrollParams:
        """Build by calling ``lookup(key)`` for every key (None: use the default)."""
        return cls.from_values({key: lookup(key) for key in PARAMETER_KEYS})


def ensure_defaults() -> None:
    """Seed every payroll parameter with its DOMAIN default (idempotent; app context)."""
    for module in (scales, contributions, tax, special_deductions):
        module.ensure_defaults()


__all__ = ["DEFAULTS", "PARAMETER_KEYS", "PayrollParams", "ensure_defaults"]
