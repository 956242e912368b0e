"""What the lump-sum budgets report upward, for a whole scope at once.

Each provider reads every school of the scope in one statement: the approved budget of a school year by line, the spending recorded against it and
the cost of the school's approved and paid payroll runs in the budget year's months (the
personnel line, as on the school's page, ``schools.budget.queries``). Schools without an
approved budget for the year are absent. The budget rules (the budget year's months, what
happens to a project's balance) are read once per request for every year asked, so the two
providers together add one query to a page, not two.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from flask import g, has_app_context
from sqlalchemy import Select, func, literal, select, union_all

from core.extensions import db
from core.money import round_half_up
from core.parameters import ParameterVersion
from payroll.runs.models import PayRun
from payroll.runs.states import LOCKED
from schools.budget.queries import rules_date
from schools.lumpsum import BUDGET_KEY, BudgetLine, BudgetRules, divide_balances
from schools.models import BudgetStatus, SchoolBudget, SchoolBudgetLine, SchoolSpending
from schools.queries import school_year_of

BUDGET = "budget"
SPENT = "spent"
ZERO = Decimal("0.00")
_CACHE = "schools_budget_rule_versions"


def _versions() -> list[ParameterVersion]:
    """Return the general versions of the budget rules, newest first (once per request)."""
    found = g.get(_CACHE) if has_app_context() else None
    if found is None:
        found = list(
            db.session.scalars(
                select(ParameterVersion)
                .where(ParameterVersion.key == BUDGET_KEY, ParameterVersion.scope == "")
                .order_by(ParameterVersion.effective_from.desc())
            )
        )
        if has_app_context():
            setattr(g, _CACHE, found)
    return found


def budget_rules(year: int) -> BudgetRules:
    """Return the budget rules of a school year (as ``schools.budget.queries.budget_rules``)."""
    on = rules_date(year)
    value = next(
        (
            v.value
            for v in _versions()
            if v.effective_from <= on and (v.effective_to is None or v.effective_to >= on)
        ),
        None,
    )
    return BudgetRules.from_value(value)


def line_figures(
    ids: Select, year: int, upto: date | None = None
) -> dict[int, dict[str, tuple[Decimal, Decimal]]]:
    """Return ``{institution_id: {line: (budget, spent)}}`` of the approved budgets of a
    school year, with spending up to ``upto`` (the whole year when None), in one statement."""
    months = budget_rules(year).months(year)
    if upto is not None:
        months = [m for m in months if m <= (upto.year, upto.month)]
    periods = [f"{y:04d}-{m:02d}" for y, m in months]
    approved = (
        select(SchoolBudget.id, SchoolBudget.institution_id)
        .where(
            SchoolBudget.institution_id.in_(ids.scalar_subquery()),
            SchoolBudget.year == year,
            SchoolBudget.status == BudgetStatus.APPROVED,
        )
        .subquery()
    )
    budgeted = (
        select(
            approved.c.institution_id,
            SchoolBudgetLine.line,
            literal(BUDGET).label("what"),
            func.sum(SchoolBudgetLine.amount).label("amount"),
        )
        .join(SchoolBudgetLine, SchoolBudgetLine.budget_id == approved.c.id)
        .group_by(approved.c.institution_id, SchoolBudgetLine.line)
    )
    recorded = (
        select(
            approved.c.institution_id,
            SchoolSpending.line,
            literal(SPENT).label("what"),
            func.sum(SchoolSpending.amount).label("amount"),
        )
        .join(SchoolSpending, SchoolSpending.budget_id == approved.c.id)
        .group_by(approved.c.institution_id, SchoolSpending.line)
    )
    if upto is not None:
        recorded = recorded.where(SchoolSpending.spent_on <= upto)
    payroll = (
        select(
            PayRun.institution_id,
            literal(BudgetLine.PERSONNEL.value).label("line"),
            literal(SPENT).label("what"),
            func.sum(PayRun.gross + PayRun.employer_total).label("amount"),
        )
        .where(
            PayRun.institution_id.in_(select(approved.c.institution_id)),
            PayRun.status.in_(sorted(LOCKED)),
            PayRun.period.in_(periods),
        )
        .group_by(PayRun.institution_id)
    )
    budgets: dict[int, dict[str, Decimal]] = {}
    spent: dict[int, dict[str, Decimal]] = {}
    for institution_id, line, what, amount in db.session.execute(
        union_all(budgeted, recorded, payroll)
    ):
        target = budgets if what == BUDGET else spent
        lines = target.setdefault(institution_id, {})
        lines[line] = lines.get(line, ZERO) + Decimal(amount or 0).quantize(ZERO)
    # spending on a line the budget does not have is not counted (as on the school's page)
    return {
        institution_id: {
            line: (amount, spent.get(institution_id, {}).get(line, ZERO))
            for line, amount in lines.items()
        }
        for institution_id, lines in budgets.items()
    }


def execution_rate(ids: Select, on: date) -> Mapping[int, Decimal]:
    """Return the share of this school year's approved lump sum spent by ``on``, in percent
    with one decimal (schools with a budget above zero)."""
    found = {}
    for institution_id, lines in line_figures(ids, school_year_of(on), on).items():
        budget = sum((b for b, _s in lines.values()), ZERO)
        spent = sum((s for _b, s in lines.values()), ZERO)
        if budget > 0:
            found[institution_id] = round_half_up(100 * spent / budget, Decimal("0.1"))
    return found


def year_end_surplus(ids: Select, on: date) -> Mapping[int, Decimal]:
    """Return what each school keeps (结余留用) of the last school year ended before ``on``;
    negative: a deficit."""
    year = school_year_of(on) - 1
    rules = budget_rules(year)
    return {
        institution_id: divide_balances(
            {line: budget - spent for line, (budget, spent) in lines.items()}, rules
        ).retained
        for institution_id, lines in line_figures(ids, year).items()
    }
