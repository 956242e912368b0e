"""What the hospitals module keeps: monthly pay records for the identity-gap analysis, and
performance schemes with their indicator figures and the amounts they allocate.

Staff, departments, posts and contracts are HR's (``hr.models``); this package reads them and
keeps only what 两转一去 adds.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models import Money, TimestampMixin, UTCDateTime

#: The pay components a monthly pay record holds, in 月度工资 order (DOMAIN.md §9).
PAY_COMPONENTS = ("post_pay", "scale_pay", "basic_performance", "reward_performance", "allowances")


class PayRecord(TimestampMixin, db.Model):
    """One person's pay for one month, by component, with the month's performance score.

    Imported from the hospital's monthly pay table (月度工资) so the identity gaps on one
    post can be found (``hospitals.paygap``). A month imported again replaces the person's
    record for that month.
    """

    __tablename__ = "hospital_pay_records"
    __table_args__ = (
        UniqueConstraint("employment_id", "period"),
        Index("ix_hospital_pay_records_institution_period", "institution_id", "period"),
        CheckConstraint("performance_score IS NULL OR performance_score >= 0", name="score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    employment_id: Mapped[int] = mapped_column(ForeignKey("employments.id"))
    #: the pay month, "YYYY-MM"
    period: Mapped[str] = mapped_column(String(7))
    #: 岗位工资
    post_pay: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    #: 薪级工资
    scale_pay: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    #: 基础性绩效
    basic_performance: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    #: 奖励性绩效
    reward_performance: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    #: 津贴补贴
    allowances: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    #: 绩效分值 of the month (None: not scored)
    performance_score: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))

    employment = relationship("Employment")

    def __repr__(self) -> str:
        return f"<PayRecord {self.employment_id} {self.period}>"


class SchemeStatus(StrEnum):
    """Where a performance scheme stands."""

    DRAFT = "draft"  # indicators and figures may change
    ALLOCATED = "allocated"  # amounts computed, to be submitted to the council
    SUBMITTED = "submitted"  # before the council (a motion whose subject it is); locked
    APPROVED = "approved"  # the council passed it; locked; the amounts go to the month's run


class PerformanceScheme(TimestampMixin, db.Model):
    """岗位绩效方案 of one hospital for one pay month: the pool and the weighted indicators."""

    __tablename__ = "performance_schemes"
    __table_args__ = (
        UniqueConstraint("institution_id", "period"),
        CheckConstraint("pool >= 0", name="pool_not_negative"),
        CheckConstraint("floor IS NULL OR floor >= 0", name="floor_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    #: the pay month whose run pays it, "YYYY-MM"
    period: Mapped[str] = mapped_column(String(7))
    #: the approved 奖励性绩效 total to allocate
    pool: Mapped[Decimal] = mapped_column(Money)
    #: the least anyone may be allocated (None: no floor)
    floor: Mapped[Decimal | None] = mapped_column(Money)
    #: a ``SchemeStatus`` value
    status: Mapped[str] = mapped_column(String(16), default=SchemeStatus.DRAFT.value)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: the council motion deciding the allocation (提交理事会审议); the latest one
    motion_id: Mapped[int | None] = mapped_column(ForeignKey("gov_motions.id"))
    #: the number of the resolution that approved it
    resolution_ref: Mapped[str | None] = mapped_column(String(64))

    indicators: Mapped[list[SchemeIndicator]] = relationship(
        back_populates="scheme", cascade="all, delete-orphan", order_by="SchemeIndicator.id"
    )
    institution = relationship("Institution")

    @property
    def is_locked(self) -> bool:
        """Before the council or approved by it: nothing about it may change."""
        return self.status in (SchemeStatus.SUBMITTED, SchemeStatus.APPROVED)

    def __repr__(self) -> str:
        return f"<PerformanceScheme {self.institution_id} {self.period}>"


class SchemeIndicator(db.Model):
    """An indicator of a scheme and its weight in percent."""

    __tablename__ = "performance_scheme_indicators"
    __table_args__ = (UniqueConstraint("scheme_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("performance_schemes.id", ondelete="CASCADE"))
    #: a key of ``hospitals.indicators.ALLOWED``
    key: Mapped[str] = mapped_column(String(48))
    weight: Mapped[Decimal] = mapped_column(Numeric(6, 2))

    scheme: Mapped[PerformanceScheme] = relationship(back_populates="indicators")


class IndicatorFigure(db.Model):
    """A department's (or one person's) raw value of an indicator for a scheme's month."""

    __tablename__ = "performance_figures"
    __table_args__ = (
        UniqueConstraint("scheme_id", "department_id", "employment_id", "indicator"),
        CheckConstraint("value >= 0", name="value_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(
        ForeignKey("performance_schemes.id", ondelete="CASCADE"), index=True
    )
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    #: None: the department's own figure; else one person's in that department
    employment_id: Mapped[int | None] = mapped_column(ForeignKey("employments.id"))
    indicator: Mapped[str] = mapped_column(String(48))
    value: Mapped[Decimal] = mapped_column(Numeric(16, 4))


class PerformanceShare(db.Model):
    """What an allocated scheme gives one person (奖励性绩效 for the scheme's month)."""

    __tablename__ = "performance_shares"
    __table_args__ = (
        UniqueConstraint("scheme_id", "employment_id"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(
        ForeignKey("performance_schemes.id", ondelete="CASCADE"), index=True
    )
    employment_id: Mapped[int] = mapped_column(ForeignKey("employments.id"))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    #: Σ weight × score ÷ 100
    score: Mapped[Decimal] = mapped_column(Numeric(12, 4))
    amount: Mapped[Decimal] = mapped_column(Money)

    employment = relationship("Employment")


class LeaderTerm(TimestampMixin, db.Model):
    """A hospital leader's term contract (任期合同): post, management grade, dates, targets.

    去行政化: a management-post grade, never an administrative rank (the field exists so a
    rank still on file is seen and refused, not silently dropped).
    """

    __tablename__ = "hospital_leader_terms"
    __table_args__ = (CheckConstraint("end_on >= start_on", name="dates_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    employment_id: Mapped[int] = mapped_column(ForeignKey("employments.id"))
    #: the leadership post, e.g. 院长, 副院长, 党委书记
    post: Mapped[str] = mapped_column(String(32))
    #: 管理岗位等级 (1–10)
    management_grade: Mapped[int | None] = mapped_column()
    administrative_rank: Mapped[str | None] = mapped_column(String(32))
    start_on: Mapped[date] = mapped_column()
    end_on: Mapped[date] = mapped_column()
    #: who set the targets: the council or the sponsor, with the document
    decided_by: Mapped[str | None] = mapped_column(String(128))

    employment = relationship("Employment")
    targets: Mapped[list[LeaderTarget]] = relationship(
        back_populates="term", cascade="all, delete-orphan", order_by="LeaderTarget.id"
    )
    assessments: Mapped[list[LeaderAssessment]] = relationship(
        back_populates="term", cascade="all, delete-orphan", order_by="LeaderAssessment.held_on"
    )

    def __repr__(self) -> str:
        return f"<LeaderTerm {self.institution_id} {self.post} {self.start_on}>"


class LeaderTarget(db.Model):
    """A target of a term contract (任期目标)."""

    __tablename__ = "hospital_leader_targets"
    __table_args__ = (UniqueConstraint("term_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    term_id: Mapped[int] = mapped_column(ForeignKey("hospital_leader_terms.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(String(200))

    term: Mapped[LeaderTerm] = relationship(back_populates="targets")


class LeaderAssessment(TimestampMixin, db.Model):
    """An annual or end-of-term assessment of a leader, per target, with its result."""

    __tablename__ = "hospital_leader_assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    term_id: Mapped[int] = mapped_column(
        ForeignKey("hospital_leader_terms.id", ondelete="CASCADE"), index=True
    )
    #: ``hospitals.leadership.AssessmentKind``
    kind: Mapped[str] = mapped_column(String(16))
    #: the assessed year (annual assessments)
    year: Mapped[int | None] = mapped_column()
    held_on: Mapped[date] = mapped_column()
    #: ``hospitals.leadership.AssessmentResult``
    result: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(500))
    #: target key → the assessor's finding
    findings: Mapped[dict] = mapped_column(JSON, default=dict)

    term: Mapped[LeaderTerm] = relationship(back_populates="assessments")


class HospitalLevel(StrEnum):
    """医院等级."""

    TERTIARY = "tertiary"  # 三级
    SECONDARY = "secondary"  # 二级
    PRIMARY = "primary"  # 一级


class HospitalProfile(TimestampMixin, db.Model):
    """What the staffing benchmarks need beyond HR's records: the level and the beds."""

    __tablename__ = "hospital_profiles"
    __table_args__ = (CheckConstraint("beds >= 0", name="beds_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), unique=True)
    #: a ``HospitalLevel`` value
    level: Mapped[str] = mapped_column(String(16))
    #: 编制床位 / 实际开放床位
    beds: Mapped[int] = mapped_column()


class PayGapSummary(db.Model):
    """The identity pay-gap figures of one hospital's year, stored when HR confirms the report.

    What the indicator upward (``hospitals.reporting``) reads, so the staffing office's
    dashboard over thousands of hospitals never recomputes a year of pay.
    """

    __tablename__ = "hospital_pay_gap_summaries"
    __table_args__ = (UniqueConstraint("institution_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    year: Mapped[int] = mapped_column()
    #: monthly pay records compared (imported months and approved payroll runs)
    records: Mapped[int] = mapped_column(default=0)
    #: (department, grade, measure) cells with more than one identity
    cells: Mapped[int] = mapped_column(default=0)
    #: identity gaps beyond the tolerance
    gaps: Mapped[int] = mapped_column(default=0)
    #: people behind those gaps
    people: Mapped[int] = mapped_column(default=0)
    #: the largest gap as a share of its reference mean (None: no gap)
    largest_share: Mapped[Decimal | None] = mapped_column(Numeric(8, 4))
    #: the mean post-pay difference of each other identity from the reference identity on
    #: the same post, as a share of the reference (编内外同岗薪酬差距; None: nothing compared)
    mean_share: Mapped[Decimal | None] = mapped_column(Numeric(8, 4))
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    computed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    def __repr__(self) -> str:
        return f"<PayGapSummary {self.institution_id} {self.year} gaps={self.gaps}>"
