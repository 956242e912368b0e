"""Reads of the lump-sum budget: a school year's budget, its spending and its execution."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from core.extensions import db
from core.parameters import parameter
from schools.lumpsum import (
    BUDGET_KEY,
    LUMP_SUM_KEY,
    BudgetRules,
    Execution,
    LumpSumRules,
    Spending,
    Surplus,
    execution,
    surplus,
)
from schools.models import SchoolBudget, SchoolSpending
from schools.queries import FIRST_MONTH


def rules_date(year: int) -> date:
    """The date whose parameters a school year's budget uses: the year's first day."""
    return date(year, FIRST_MONTH, 1)


def lump_sum_rules(year: int) -> LumpSumRules:
    return LumpSumRules.from_value(parameter(LUMP_SUM_KEY, rules_date(year)))


def budget_rules(year: int) -> BudgetRules:
    return BudgetRules.from_value(parameter(BUDGET_KEY, rules_date(year)))


def budgets(institution_id: int) -> list[SchoolBudget]:
    return list(
        db.session.scalars(
            select(SchoolBudget)
            .where(SchoolBudget.institution_id == institution_id)
            .order_by(SchoolBudget.year.desc())
        )
    )


def budget_of(institution_id: int, year: int) -> SchoolBudget | None:
    return db.session.scalar(
        select(SchoolBudget).where(
            SchoolBudget.institution_id == institution_id, SchoolBudget.year == year
        )
    )


def spendings(budget: SchoolBudget) -> list[SchoolSpending]:
    return list(
        db.session.scalars(
            select(SchoolSpending)
            .where(SchoolSpending.budget_id == budget.id)
            .order_by(SchoolSpending.spent_on, SchoolSpending.id)
        )
    )


def spent_by_line(budget: SchoolBudget) -> dict[str, Decimal]:
    """Return {line: amount spent so far} (one query)."""
    rows = db.session.execute(
        select(SchoolSpending.line, func.sum(SchoolSpending.amount))
        .where(SchoolSpending.budget_id == budget.id)
        .group_by(SchoolSpending.line)
    )
    return {line: Decimal(total or 0).quantize(Decimal("0.01")) for line, total in rows}


@dataclass(frozen=True)
class BudgetFigures:
    """A budget's execution by line and month, its alerts, and the year-end balance."""

    budget: SchoolBudget
    rules: BudgetRules
    execution: Execution
    surplus: Surplus
    spendings: list[SchoolSpending]


def figures(budget: SchoolBudget) -> BudgetFigures:
    rules = budget_rules(budget.year)
    items = spendings(budget)
    result = execution(
        budget.amounts(),
        [Spending(s.line, (s.spent_on.year, s.spent_on.month), s.amount) for s in items],
        rules.months(budget.year),
        rules,
    )
    return BudgetFigures(budget, rules, result, surplus(result, rules), items)
