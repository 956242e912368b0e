"""What schools put on the home page of a school's principal's office and HR: what is pending."""

from __future__ import annotations

from sqlalchemy import func, select

from core.extensions import db
from core.home import Section
from core.i18n import msg
from core.ids import china_today
from core.permissions import scope_for
from institutions.indicators import ids_select
from institutions.models import Institution, InstitutionKind
from schools import indicators, queries
from schools.models import (
    BudgetStatus,
    EnrolmentYear,
    RewardAllocation,
    RewardStatus,
    SchoolBudget,
    SchoolProfile,
)
from schools.permissions import SCHOOLS_BUDGET, SCHOOLS_MANAGE
from schools.stages import school_year_label

#: more schools than this (a city-wide account) is not a personal to-do list
MAX_SCHOOLS = 20


def pending(user) -> Section | None:
    """Per school: profile missing, this year's enrolment, shortfall (for the principal's office
    and HR); a draft budget or reward allocation waiting (for the principal's office and
    finance)."""
    manage = scope_for(user, SCHOOLS_MANAGE).institution_ids
    budget = scope_for(user, SCHOOLS_BUDGET).institution_ids
    ids = manage | budget
    if not ids:
        return None
    today = china_today()
    year = queries.school_year_of(today)
    schools = db.session.scalars(
        select(Institution)
        .where(Institution.id.in_(sorted(ids)), Institution.kind == InstitutionKind.SCHOOL.value)
        .order_by(Institution.name)
        .limit(MAX_SCHOOLS)
    ).all()
    if not schools:
        return None
    school_ids = [s.id for s in schools]
    profiled = set(
        db.session.scalars(
            select(SchoolProfile.institution_id).where(SchoolProfile.institution_id.in_(school_ids))
        )
    )
    entered = set(
        db.session.scalars(
            select(EnrolmentYear.institution_id).where(
                EnrolmentYear.institution_id.in_(school_ids), EnrolmentYear.year == year
            )
        )
    )
    short = indicators.shortfall(ids_select(school_ids), today)
    draft_budgets = dict(
        db.session.execute(
            select(SchoolBudget.institution_id, func.max(SchoolBudget.year))
            .where(
                SchoolBudget.institution_id.in_(school_ids),
                SchoolBudget.status == BudgetStatus.DRAFT,
            )
            .group_by(SchoolBudget.institution_id)
        ).all()
    )
    draft_rewards = dict(
        db.session.execute(
            select(RewardAllocation.institution_id, func.min(RewardAllocation.id))
            .where(
                RewardAllocation.institution_id.in_(school_ids),
                RewardAllocation.status == RewardStatus.DRAFT,
            )
            .group_by(RewardAllocation.institution_id)
        ).all()
    )
    rows = []
    for school in schools:
        items = []
        if school.id in budget:
            if school.id in draft_budgets:
                items.append(("budget", msg("包干预算待理事会批准")))
            if school.id in draft_rewards:
                items.append(("reward", msg("奖励性绩效分配待确定")))
        if school.id not in manage:
            rows.append((school, items))
            continue
        if school.id not in profiled:
            items.append(("profile", msg("尚未填写学校概况")))
        elif school.id not in entered:
            items.append(("enrolment", msg("%(year)s学生数未填报", year=school_year_label(year))))
        if short.get(school.id):
            items.append(("shortfall", msg("教职工缺 %(n)d 人", n=short[school.id])))
        rows.append((school, items))
    return Section(
        "schools/_home.html",
        {"rows": rows, "year": year, "rewards": draft_rewards, "budgets": draft_budgets},
        order=35,
    )
