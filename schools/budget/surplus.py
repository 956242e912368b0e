"""The year-end surplus (结余) as a motion subject (议案事项) of the school council.

Finance or the principal's office proposes how a closed school year's surplus divides
(carried over for development, teacher rewards within the cap: ``schools.surplus``) and puts
it on a council meeting's agenda; governance resolves (institution, plan id) through
:func:`_resolve`, which finds only the school's own plans, and :func:`on_decided` moves the
plan when the motion is decided: passed -> decided (with the resolution's number), rejected
-> rejected (a new division may be proposed), no decision -> back to a draft.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from flask import has_request_context, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core import audit
from core.extensions import db
from core.i18n import msg
from core.money import to_money
from core.parameters import parameter
from institutions.governance.models import GovernanceError, Meeting, Motion, MotionStatus
from institutions.governance.subjects import SubjectKind, propose_motion
from schools.budget import queries
from schools.findings import SchoolsRefusal
from schools.models import SchoolBudget, SurplusPlan, SurplusStatus
from schools.stages import school_year_label
from schools.surplus import SURPLUS_KEY, SurplusRules, use_refusals

KEY = "schools.budget_surplus"
#: a year's budget and its spending are decided matters (预算决算)
MOTION_KIND = "budget"


def surplus_rules(year: int) -> SurplusRules:
    return SurplusRules.from_value(parameter(SURPLUS_KEY, queries.rules_date(year)))


def plan_of(budget: SchoolBudget) -> SurplusPlan | None:
    return db.session.scalar(select(SurplusPlan).where(SurplusPlan.budget_id == budget.id))


def plan_in(institution_id: int, obj_id: Any) -> SurplusPlan | None:
    """Return the institution's surplus plan numbered ``obj_id`` (None if it has none such)."""
    if not str(obj_id).isdigit():
        return None
    return db.session.scalar(
        select(SurplusPlan).where(
            SurplusPlan.id == int(obj_id), SurplusPlan.institution_id == institution_id
        )
    )


def year_ended(budget: SchoolBudget, today: date) -> bool:
    """Whether the budget year's last month is over."""
    last = queries.budget_rules(budget.year).months(budget.year)[-1]
    return (today.year, today.month) > last


def submit(
    budget: SchoolBudget,
    data: Mapping[str, Any],
    meeting: Meeting,
    *,
    today: date,
    actor: Any = None,
) -> SurplusPlan:
    """Put a division of a closed year's surplus before the council as a motion subject."""
    if meeting.institution_id != budget.institution_id:
        raise SchoolsRefusal(msg("会议不属于本单位"), field="meeting_id")
    if not budget.is_approved:
        raise SchoolsRefusal(msg("预算尚未经理事会批准，没有结余可以分配"))
    if not year_ended(budget, today):
        raise SchoolsRefusal(msg("预算年度结束后才能决定结余的使用"))
    plan = plan_of(budget)
    if plan is not None and plan.status in (SurplusStatus.SUBMITTED, SurplusStatus.APPROVED):
        raise SchoolsRefusal(msg("该学年结余的使用已提交理事会"))
    try:
        carry_over, rewards = to_money(data["carry_over"]), to_money(data["rewards"])
    except (KeyError, TypeError, ValueError, ArithmeticError):
        raise SchoolsRefusal(msg("请填写有效金额"), field="carry_over") from None
    retained = queries.figures(budget).surplus.retained
    errors = use_refusals(retained, carry_over, rewards, surplus_rules(budget.year))
    if "retained" in errors:
        raise SchoolsRefusal(errors["retained"])
    if errors:
        raise SchoolsRefusal(errors=errors)
    if plan is None:
        plan = SurplusPlan(institution_id=budget.institution_id, budget_id=budget.id)
        db.session.add(plan)
    plan.retained, plan.carry_over, plan.rewards = retained, carry_over, rewards
    plan.status = SurplusStatus.DRAFT
    db.session.flush()
    year = school_year_label(budget.year)
    try:
        motion = propose_motion(
            KEY,
            budget.institution_id,
            plan.id,
            meeting=meeting,
            title=f"关于{year}包干经费结余使用的议案",
            text=(
                f"{year}包干经费结余 {retained} 元（学校留用），拟结转下一学年用于学校发展 "
                f"{carry_over} 元，用于教师奖励 {rewards} 元。"
            ),
            actor=actor,
        )
    except GovernanceError as error:
        raise SchoolsRefusal(str(error), field="meeting_id") from None
    plan.motion_id = motion.id
    plan.status = SurplusStatus.SUBMITTED
    db.session.flush()
    audit.record(
        "school_surplus.submit",
        plan,
        institution_id=budget.institution_id,
        summary=f"{year} 结余 {retained} 元：结转 {carry_over} 元，奖励 {rewards} 元",
        changes={"status": [SurplusStatus.DRAFT, SurplusStatus.SUBMITTED]},
        actor=actor,
    )
    return plan


def _resolve(institution_id: int, obj_id: str) -> tuple[str, str | None] | None:
    plan = plan_in(institution_id, obj_id)
    if plan is None:
        return None
    url = None
    if has_request_context():
        url = url_for("schools.budget", institution_id=institution_id, year=plan.budget.year)
    return f"{school_year_label(plan.budget.year)}包干经费结余 {plan.retained} 元的使用", url


def on_decided(motion: Motion, *, outcome: Any, resolution: Any) -> None:
    """Move the surplus plan the motion decided."""
    plan = plan_in(motion.institution_id, motion.subject_id)
    if plan is None or plan.motion_id != motion.id or plan.status != SurplusStatus.SUBMITTED:
        return  # an older motion on the plan, or it was decided already
    if resolution is not None:
        plan.status = SurplusStatus.APPROVED
        plan.resolution_ref = resolution.document_number
        plan.decided_on = resolution.passed_at.date()
    elif motion.status == MotionStatus.REJECTED:
        plan.status = SurplusStatus.REJECTED
    else:
        plan.status = SurplusStatus.DRAFT
        plan.motion_id = None
    db.session.flush()


SUBJECT = SubjectKind(
    key=KEY,
    label=_l("包干经费结余使用"),
    owner="schools",
    resolve=_resolve,
    motion_kind=MOTION_KIND,
    on_decided=on_decided,
)
