"""The recruitment plan as a motion subject (议案事项) of the school council.

Registered in ``schools.module`` under ``provides={"motion_subjects": ...}``: governance
resolves (institution, plan id) through :func:`_resolve`, which finds only the school's own
plans, so a motion of one school can never decide another school's plan. When the motion
is decided, :func:`on_decided` moves the plan: passed -> approved (with the resolution's
number), rejected -> rejected, no decision (closed without quorum, referred) -> back to a
draft that can be submitted again.
"""

from __future__ import annotations

from typing import Any

from flask import has_request_context, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.extensions import db
from institutions.governance.models import Motion, MotionStatus
from institutions.governance.subjects import SubjectKind
from schools.recruitment.models import PlanStatus, RecruitmentPlan

KEY = "schools.recruitment_plan"


def plan_in(institution_id: int, obj_id: Any) -> RecruitmentPlan | None:
    """Return the institution's plan numbered ``obj_id`` (None if it has none such)."""
    if not str(obj_id).isdigit():
        return None
    return db.session.scalar(
        select(RecruitmentPlan).where(
            RecruitmentPlan.id == int(obj_id), RecruitmentPlan.institution_id == institution_id
        )
    )


def _resolve(institution_id: int, obj_id: str) -> tuple[str, str | None] | None:
    plan = plan_in(institution_id, obj_id)
    if plan is None:
        return None
    url = None
    if has_request_context():
        url = url_for(
            "schools.recruitment_plan", institution_id=institution_id, recruitment_id=plan.id
        )
    return f"教师招聘计划 第 {plan.id} 号（{plan.subject} {plan.count} 名）", url


def on_decided(motion: Motion, *, outcome: Any, resolution: Any) -> None:
    """Move the plan the motion decided."""
    plan = plan_in(motion.institution_id, motion.subject_id)
    if plan is None or plan.motion_id != motion.id or plan.status != PlanStatus.SUBMITTED:
        return  # an older motion on the plan, or the plan was decided already
    if resolution is not None:
        plan.status = PlanStatus.APPROVED
        plan.resolution_ref = resolution.document_number
        plan.decided_on = resolution.passed_at.date()
    elif motion.status == MotionStatus.REJECTED:
        plan.status = PlanStatus.REJECTED
    else:
        plan.status = PlanStatus.DRAFT
        plan.motion_id = None
    db.session.flush()


SUBJECT = SubjectKind(
    key=KEY,
    label=_l("教师招聘计划"),
    owner="schools",
    resolve=_resolve,
    on_decided=on_decided,
)
