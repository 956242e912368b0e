"""Writes of the lump-sum budget: draft it from the formula, approve it, record spending.

The draft is computed, never typed: 员额 and students per stage come from the school year's
recorded enrolment (``schools.queries.allowance_for``), the rates from the parameter
``schools.lump_sum`` in force on the year's first day, the earmarked projects from the
person drafting. Once the council has approved it (its resolution's 文号) it is fixed, and
spending is recorded against it: within the budget year, on one of its lines, and beyond a
line's budget only with a council decision.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from core import audit
from core.extensions import db
from core.i18n import msg
from core.money import to_money
from schools import queries as school_queries
from schools.budget import queries
from schools.findings import SchoolsRefusal
from schools.lumpsum import BudgetLine, EarmarkedProject, line_label, lump_sum, spending_refusal
from schools.models import (
    BudgetStatus,
    EnrolmentSource,
    SchoolBudget,
    SchoolBudgetLine,
    SchoolProfile,
    SchoolSpending,
)
from schools.stages import school_year_label

#: the most earmarked projects a budget lists
MAX_PROJECTS = 20


def _projects(projects: Iterable[tuple[str, Any]]) -> list[EarmarkedProject]:
    found = []
    for name, amount in projects:
        name = (name or "").strip()
        if not name and amount in (None, ""):
            continue
        if not name:
            raise SchoolsRefusal(msg("请填写专项名称"), field="projects")
        try:
            value = to_money(amount)
        except (TypeError, ValueError, ArithmeticError):
            raise SchoolsRefusal(
                msg("专项「%(name)s」的金额不是有效金额", name=name), field="projects"
            ) from None
        found.append(EarmarkedProject(name[:128], value))
    if len(found) > MAX_PROJECTS:
        raise SchoolsRefusal(msg("专项最多 %(n)d 项", n=MAX_PROJECTS), field="projects")
    return found


def draft_budget(
    profile: SchoolProfile, year: int, projects: Iterable[tuple[str, Any]], *, today: date
) -> SchoolBudget:
    """Compute (or compute again) a school year's lump sum as a draft."""
    if not profile.is_lump_sum:
        raise SchoolsRefusal(msg("只有“两自一包”学校实行经费包干"))
    enrolment = school_queries.enrolment_year(profile.institution_id, year)
    if enrolment is None:
        raise SchoolsRefusal(
            msg(
                "请先填报%(year)s的学生数：包干经费按员额和学生数核定", year=school_year_label(year)
            )
        )
    budget = queries.budget_of(profile.institution_id, year)
    if budget is not None and budget.is_approved:
        raise SchoolsRefusal(msg("该学年的包干预算已经理事会批准，不能再改"))
    report = school_queries.allowance_for(profile, enrolment, today).report
    result = lump_sum(
        {figure.stage: figure.allowance for figure in report.stages},
        {figure.stage: figure.students for figure in report.stages},
        queries.lump_sum_rules(year),
        _projects(projects),
    )
    if budget is None:
        budget = SchoolBudget(institution_id=profile.institution_id, year=year)
        db.session.add(budget)
    budget.status = BudgetStatus.DRAFT
    budget.terms = [
        {
            "line": term.line.value,
            "stage": term.stage.value if term.stage else None,
            "quantity": term.quantity,
            "rate": str(term.rate),
            "amount": str(term.amount),
            "name": term.name,
        }
        for term in result.terms
    ]
    budget.lines = [
        SchoolBudgetLine(line=line, amount=amount) for line, amount in result.budget().items()
    ]
    db.session.flush()
    audit.record(
        "school_budget.draft",
        budget,
        institution_id=profile.institution_id,
        summary=f"{year}–{year + 1} 学年包干经费 {result.total} 元",
        changes={line: [None, str(amount)] for line, amount in result.budget().items()},
    )
    return budget


def approve_budget(budget: SchoolBudget, decision_ref: str, approved_on: date) -> SchoolBudget:
    """Record the council's approval of a draft (its resolution's 文号 and date)."""
    if budget.is_approved:
        raise SchoolsRefusal(msg("该预算已经批准"))
    decision_ref = (decision_ref or "").strip()
    if not decision_ref:
        raise SchoolsRefusal(msg("请填写理事会决议文号"), field="decision_ref")
    budget.status = BudgetStatus.APPROVED
    budget.decision_ref = decision_ref[:64]
    budget.approved_on = approved_on
    db.session.flush()
    audit.record(
        "school_budget.approve",
        budget,
        institution_id=budget.institution_id,
        summary=f"{budget.year}–{budget.year + 1} 学年包干预算 {decision_ref}",
        changes={"status": [BudgetStatus.DRAFT, BudgetStatus.APPROVED]},
    )
    return budget


def check_spending(
    budget: SchoolBudget,
    line: str,
    spent_on: date,
    amount: Decimal,
    decision_ref: str | None,
    spent: Mapping[str, Decimal],
) -> None:
    """Refuse spending that is not on an approved budget's line, in its year, within budget."""
    if not budget.is_approved:
        raise SchoolsRefusal(msg("预算尚未经理事会批准，不能登记支出"))
    amounts = budget.amounts()
    if line not in amounts:
        raise SchoolsRefusal(msg("预算中没有「%(line)s」科目", line=line_label(line)), field="line")
    months = queries.budget_rules(budget.year).months(budget.year)
    if (spent_on.year, spent_on.month) not in months:
        first, last = months[0], months[-1]
        raise SchoolsRefusal(
            msg(
                "支出日期应在预算年度 %(y1)d 年 %(m1)d 月至 %(y2)d 年 %(m2)d 月之间",
                y1=first[0],
                m1=first[1],
                y2=last[0],
                m2=last[1],
            ),
            field="spent_on",
        )
    if amount == 0:
        raise SchoolsRefusal(msg("金额不能为 0"), field="amount")
    refusal = spending_refusal(
        line,
        amounts[line],
        spent.get(line, Decimal("0.00")),
        amount,
        council_approved=bool((decision_ref or "").strip()),
    )
    if refusal is not None:
        raise SchoolsRefusal(refusal, field="decision_ref")


def record_spending(
    budget: SchoolBudget,
    data: Mapping[str, Any],
    *,
    source: str = EnrolmentSource.FORM,
    actor: Any = None,
    spent: dict[str, Decimal] | None = None,
) -> SchoolSpending:
    """Record one spending; ``spent`` (the totals so far, by line) is kept up to date if given."""
    amount = to_money(data["amount"])
    line = str(data["line"])
    decision_ref = (data.get("decision_ref") or "").strip() or None
    totals = spent if spent is not None else queries.spent_by_line(budget)
    check_spending(budget, line, data["spent_on"], amount, decision_ref, totals)
    description = (data.get("description") or "").strip()
    if not description:
        raise SchoolsRefusal(msg("请填写摘要"), field="description")
    item = SchoolSpending(
        budget_id=budget.id,
        institution_id=budget.institution_id,
        line=line,
        spent_on=data["spent_on"],
        amount=amount,
        description=description[:255],
        decision_ref=decision_ref,
        source=source,
    )
    db.session.add(item)
    db.session.flush()
    totals[line] = totals.get(line, Decimal("0.00")) + amount
    audit.record(
        "school_spending.record",
        item,
        institution_id=budget.institution_id,
        summary=f"{BudgetLine(line).label.id} {amount} 元：{description[:60]}",
        actor=actor,
    )
    return item
