"""Per-person amounts for a pay period that higher packages hand to a payroll run.

A school allocates its reward-performance pool (奖励性绩效) by the plan its staff congress
adopted; a hospital allocates its performance pool by an approved scheme. Neither knows
payroll's tables, and payroll must not import them: each declares an :class:`InputProvider`
in its ``module.py`` under ``provides={"payroll_inputs": [...]}``, and a run collects what
the providers give for its institution and period.

Only items payroll takes from outside are allowed (``ITEMS``); an amount is ``Decimal``,
rounded half-up to the fen, never negative. Two providers filling the same item for the same
person add up, and each amount keeps its source so a payslip line can be traced.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from core.errors import Refusal
from core.i18n import msg
from core.modules import platform
from core.money import round_half_up

#: Pay items a provider may fill (the 月度工资 columns payroll accepts from other modules).
ITEMS = ("reward_performance", "basic_performance", "allowance", "other_pay")


@dataclass(frozen=True)
class PayInput:
    """One amount for one employment in one period, with where it came from."""

    employment_id: int
    item: str
    amount: Decimal
    #: e.g. "schools.reward_plan:12", shown beside the figure
    source: str
    note: Any = None


@dataclass(frozen=True)
class InputProvider:
    """A package that hands amounts to payroll runs."""

    key: str
    label: Any
    owner: str
    #: ``(institution_id, period "YYYY-MM") -> PayInput values`` for that institution
    provide: Callable[[int, str], Iterable[PayInput]]


@dataclass
class CollectedInputs:
    """What the providers gave for one run: amounts per employment and item, with sources."""

    amounts: dict[int, dict[str, Decimal]] = field(default_factory=dict)
    sources: dict[int, dict[str, list[str]]] = field(default_factory=dict)

    def add(self, value: PayInput) -> None:
        items = self.amounts.setdefault(value.employment_id, {})
        items[value.item] = items.get(value.item, Decimal("0")) + value.amount
        self.sources.setdefault(value.employment_id, {}).setdefault(value.item, []).append(
            value.source
        )


def providers() -> list[InputProvider]:
    """Return the providers the loaded modules declare."""
    return list(platform().provided("payroll_inputs"))


def _checked(provider: InputProvider, value: PayInput) -> PayInput:
    if value.item not in ITEMS:
        raise Refusal(
            msg(
                "「%(source)s」提供的工资项目「%(item)s」不被接受",
                source=provider.key,
                item=value.item,
            )
        )
    amount = Decimal(value.amount)
    if amount < 0:
        raise Refusal(
            msg(
                "「%(source)s」为第 %(employment)s 号聘用记录提供了负数金额 %(amount)s",
                source=provider.key,
                employment=value.employment_id,
                amount=amount,
            )
        )
    return PayInput(
        value.employment_id, value.item, round_half_up(amount), value.source, value.note
    )


def collect(institution_id: int, period: str) -> CollectedInputs:
    """Return every provider's amounts for an institution's pay period, checked and summed."""
    collected = CollectedInputs()
    for provider in providers():
        for value in provider.provide(institution_id, period):
            collected.add(_checked(provider, value))
    return collected
