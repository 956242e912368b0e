"""Reads of the recruitment pages."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.extensions import db
from institutions.governance.models import Meeting, MeetingStatus
from schools.recruitment.models import Candidate, CandidateStatus, RecruitmentPlan


def plans(institution_id: int) -> list[RecruitmentPlan]:
    """Return the school's plans, newest first, with their candidates."""
    return list(
        db.session.scalars(
            select(RecruitmentPlan)
            .where(RecruitmentPlan.institution_id == institution_id)
            .options(selectinload(RecruitmentPlan.candidates))
            .order_by(RecruitmentPlan.id.desc())
        )
    )


def plan_or_none(institution_id: int, plan_id: int) -> RecruitmentPlan | None:
    return db.session.scalar(
        select(RecruitmentPlan).where(
            RecruitmentPlan.id == plan_id, RecruitmentPlan.institution_id == institution_id
        )
    )


def candidate_or_none(plan: RecruitmentPlan, candidate_id: int) -> Candidate | None:
    return db.session.scalar(
        select(Candidate).where(Candidate.id == candidate_id, Candidate.plan_id == plan.id)
    )


def open_meetings(institution_id: int) -> list[Meeting]:
    """Return the school council's meetings a plan can still go to (not concluded)."""
    return list(
        db.session.scalars(
            select(Meeting)
            .where(
                Meeting.institution_id == institution_id,
                Meeting.status != MeetingStatus.CONCLUDED,
            )
            .order_by(Meeting.scheduled_at)
        )
    )


def filed_hires(institution_id: int) -> list[Candidate]:
    """Return the hires to file (备案) with the education bureau, newest first."""
    return list(
        db.session.scalars(
            select(Candidate)
            .join(RecruitmentPlan)
            .where(
                RecruitmentPlan.institution_id == institution_id,
                Candidate.status == CandidateStatus.HIRED,
            )
            .options(selectinload(Candidate.employment))
            .order_by(Candidate.id.desc())
        )
    )
