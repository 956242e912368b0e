"""Reads of the lump-sum budget: a school year's budget, its spending and its execution.

Personnel spending (人员经费) comes from payroll on its own: every approved or paid run of
the school (regular and correction runs) counts in its pay period's month, at what it cost
the school: gross pay plus the employer's contributions (insurance, fund, annuity), the same
items the staff cost per head of the formula covers. Runs not yet approved do not count, so
the execution and its alerts move when the second finance officer approves a run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from core.extensions import db
from core.parameters import parameter
from payroll.runs.models import PayRun
from payroll.runs.states import LOCKED
from schools.lumpsum import (
    BUDGET_KEY,
    LUMP_SUM_KEY,
    BudgetLine,
    BudgetRules,
    Execution,
    LumpSumRules,
    Month,
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


def _period(month: Month) -> str:
    return f"{month[0]:04d}-{month[1]:02d}"


def payroll_by_month(institution_id: int, months: list[Month]) -> dict[Month, Decimal]:
    """Return {month: what the school's approved and paid payroll runs cost} (one query).

    The cost of a run is its gross pay plus the employer's contributions (its kept totals).
    """
    by_period = {_period(month): month for month in months}
    rows = db.session.execute(
        select(PayRun.period, func.sum(PayRun.gross), func.sum(PayRun.employer_total))
        .where(
            PayRun.institution_id == institution_id,
            PayRun.status.in_(sorted(LOCKED)),
            PayRun.period.in_(sorted(by_period)),
        )
        .group_by(PayRun.period)
    )
    found = {}
    for period, gross, employer in rows:
        amount = (Decimal(gross or 0) + Decimal(employer or 0)).quantize(Decimal("0.01"))
        if amount:
            found[by_period[period]] = amount
    return found


def payroll_spending(budget: SchoolBudget) -> dict[Month, Decimal]:
    """Return the budget year's personnel spending from payroll, by month (none without a
    personnel line)."""
    if BudgetLine.PERSONNEL.value not in budget.amounts():
        return {}
    return payroll_by_month(budget.institution_id, budget_rules(budget.year).months(budget.year))


def spent_by_line(budget: SchoolBudget) -> dict[str, Decimal]:
    """Return {line: amount spent so far}, payroll's personnel spending included (two
    queries)."""
    rows = db.session.execute(
        select(SchoolSpending.line, func.sum(SchoolSpending.amount))
        .where(SchoolSpending.budget_id == budget.id)
        .group_by(SchoolSpending.line)
    )
    spent = {line: Decimal(total or 0).quantize(Decimal("0.01")) for line, total in rows}
    payroll = sum(payroll_spending(budget).values(), Decimal("0.00"))
    if payroll:
        line = BudgetLine.PERSONNEL.value
        spent[line] = spent.get(line, Decimal("0.00")) + payroll
    return spent


@dataclass(frozen=True)
class BudgetFigures:
    """A budget's execution by line and month, its alerts, and the year-end balance."""

    budget: SchoolBudget
    rules: BudgetRules
    execution: Execution
    surplus: Surplus
    spendings: list[SchoolSpending]
    #: personnel spending from approved and paid payroll runs, by month
    payroll: dict[Month, Decimal]


def figures(budget: SchoolBudget) -> BudgetFigures:
    rules = budget_rules(budget.year)
    items = spendings(budget)
    payroll = payroll_spending(budget)
    result = execution(
        budget.amounts(),
        [Spending(s.line, (s.spent_on.year, s.spent_on.month), s.amount) for s in items]
        + [
            Spending(BudgetLine.PERSONNEL.value, month, amount)
            for month, amount in sorted(payroll.items())
        ],
        rules.months(budget.year),
        rules,
    )
    return BudgetFigures(budget, rules, result, surplus(result, rules), items, payroll)
