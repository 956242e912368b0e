"""Recruitment records: a plan the school council approves, and the candidates it takes.

The hired people themselves are HR's (``hr.models.Employment`` with identity 员额); a
candidate only keeps the link to the employment its hire created.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models import Money, TimestampMixin

#: a score or a weight: 0.00–100.00
Score = Numeric(5, 2)


class PlanStatus:
    """Where a recruitment plan stands; only an approved plan takes candidates."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"

    LABELS = {
        DRAFT: _l("草稿"),
        SUBMITTED: _l("理事会审议中"),
        APPROVED: _l("理事会已批准"),
        REJECTED: _l("理事会未通过"),
    }


class CandidateStatus:
    """Where a candidate stands."""

    APPLIED = "applied"
    OFFERED = "offered"
    HIRED = "hired"

    LABELS = {APPLIED: _l("报名"), OFFERED: _l("已发录用通知"), HIRED: _l("已聘用")}


class RecruitmentPlan(TimestampMixin, db.Model):
    """A plan to hire ``count`` teachers of one subject and stage on contract (员额)."""

    __tablename__ = "school_recruitment_plans"
    __table_args__ = (
        CheckConstraint("count > 0", name="count"),
        CheckConstraint(
            "weight_written + weight_interview + weight_trial = 100",
            name="weights",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    #: 学科, e.g. 数学
    subject: Mapped[str] = mapped_column(String(40))
    #: a ``schools.stages.Stage`` value
    stage: Mapped[str] = mapped_column(String(16))
    count: Mapped[int] = mapped_column(Integer)
    requirements: Mapped[str] = mapped_column(Text, default="")
    #: the pay band offered, a year
    pay_low: Mapped[Decimal] = mapped_column(Money)
    pay_high: Mapped[Decimal] = mapped_column(Money)
    #: weights of the three scores in percent; they sum to 100
    weight_written: Mapped[Decimal] = mapped_column(Score)
    weight_interview: Mapped[Decimal] = mapped_column(Score)
    weight_trial: Mapped[Decimal] = mapped_column(Score)
    #: a ``PlanStatus`` value
    status: Mapped[str] = mapped_column(String(16), default=PlanStatus.DRAFT)
    #: the council motion deciding the plan (governance's ``gov_motions``)
    motion_id: Mapped[int | None] = mapped_column(ForeignKey("gov_motions.id"), index=True)
    #: the council resolution's number (文号) once approved
    resolution_ref: Mapped[str | None] = mapped_column(String(64))
    decided_on: Mapped[date | None] = mapped_column(Date)
    #: the posting (公示) of the results: its first and last day (``recruitment.posting``)
    posted_on: Mapped[date | None] = mapped_column(Date)
    posting_ends_on: Mapped[date | None] = mapped_column(Date)

    candidates: Mapped[list[Candidate]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="Candidate.id"
    )

    @property
    def is_approved(self) -> bool:
        return self.status == PlanStatus.APPROVED

    def __repr__(self) -> str:
        return f"<RecruitmentPlan {self.id} {self.subject} {self.status}>"


class Candidate(TimestampMixin, db.Model):
    """One applicant to a plan, with the three scores (None until given)."""

    __tablename__ = "school_recruitment_candidates"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("school_recruitment_plans.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(64))
    citizen_id: Mapped[str] = mapped_column(String(18))
    written: Mapped[Decimal | None] = mapped_column(Score)
    interview: Mapped[Decimal | None] = mapped_column(Score)
    trial: Mapped[Decimal | None] = mapped_column(Score)
    #: a ``CandidateStatus`` value
    status: Mapped[str] = mapped_column(String(16), default=CandidateStatus.APPLIED)
    #: the HR employment the hire created
    employment_id: Mapped[int | None] = mapped_column(ForeignKey("employments.id"))

    plan: Mapped[RecruitmentPlan] = relationship(back_populates="candidates")
    employment = relationship("Employment")

    def __repr__(self) -> str:
        return f"<Candidate {self.id} {self.status}>"
