"""A school's records: its profile, enrolment per school year, and which stage its staff serve.

The people themselves are HR's (``hr.models.Employment``); schools only adds what the
allowance needs that HR does not know: the stage (学段) a member of staff works in, in a
school that offers more than one.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models import Money, TimestampMixin
from schools.stages import SchoolType, Stage


class EnrolmentSource:
    """How a school year's enrolment was recorded."""

    FORM = "form"
    IMPORT = "import"

    LABELS = {FORM: _l("页面填报"), IMPORT: _l("Excel 导入")}


class SchoolProfile(TimestampMixin, db.Model):
    """学校概况: which stages the school offers and whether it is a 两自一包 school."""

    __tablename__ = "school_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), unique=True)
    #: a ``schools.stages.SchoolType`` value
    school_type: Mapped[str] = mapped_column(String(24))
    #: 两自一包: self-hired teachers (员额), self-management, lump-sum budget
    is_lump_sum: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(String(255))

    institution = relationship("Institution")

    @property
    def type(self) -> SchoolType:
        return SchoolType(self.school_type)

    @property
    def stages(self) -> tuple[Stage, ...]:
        return self.type.stages

    def __repr__(self) -> str:
        return f"<SchoolProfile {self.institution_id} {self.school_type}>"


class EnrolmentYear(TimestampMixin, db.Model):
    """The enrolment of one school year (named by the calendar year it starts in)."""

    __tablename__ = "school_enrolment_years"
    __table_args__ = (UniqueConstraint("institution_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    #: an ``EnrolmentSource`` value
    source: Mapped[str] = mapped_column(String(16), default=EnrolmentSource.FORM)

    grades: Mapped[list[EnrolmentGrade]] = relationship(
        back_populates="enrolment_year",
        cascade="all, delete-orphan",
        order_by="EnrolmentGrade.grade",
    )

    @property
    def students(self) -> int:
        return sum(g.students for g in self.grades)

    @property
    def classes(self) -> int:
        return sum(g.classes for g in self.grades)

    def __repr__(self) -> str:
        return f"<EnrolmentYear {self.institution_id}/{self.year}>"


class EnrolmentGrade(db.Model):
    """One grade of a school year: its classes and students."""

    __tablename__ = "school_enrolment_grades"
    __table_args__ = (
        UniqueConstraint("enrolment_year_id", "grade"),
        CheckConstraint("grade BETWEEN 1 AND 12", name="grade_range"),
        CheckConstraint("classes >= 0 AND students >= 0", name="not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_year_id: Mapped[int] = mapped_column(
        ForeignKey("school_enrolment_years.id", ondelete="CASCADE")
    )
    grade: Mapped[int] = mapped_column(Integer)
    classes: Mapped[int] = mapped_column(Integer)
    students: Mapped[int] = mapped_column(Integer)

    enrolment_year: Mapped[EnrolmentYear] = relationship(back_populates="grades")

    def __repr__(self) -> str:
        return f"<EnrolmentGrade {self.grade}: {self.classes}/{self.students}>"


class StaffStage(TimestampMixin, db.Model):
    """The stage a member of staff of a combined school serves; absent: the whole school."""

    __tablename__ = "school_staff_stages"

    id: Mapped[int] = mapped_column(primary_key=True)
    employment_id: Mapped[int] = mapped_column(ForeignKey("employments.id"), unique=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    #: a ``schools.stages.Stage`` value
    stage: Mapped[str] = mapped_column(String(16))

    def __repr__(self) -> str:
        return f"<StaffStage {self.employment_id} {self.stage}>"


# --- the lump-sum budget (经费包干) ------------------------------------------------------------


class BudgetStatus:
    """Where a school year's budget stands."""

    DRAFT = "draft"
    APPROVED = "approved"

    LABELS = {DRAFT: _l("草案"), APPROVED: _l("已经理事会批准")}


class SchoolBudget(TimestampMixin, db.Model):
    """The lump sum of one school year: computed from the 员额 and students, then approved."""

    __tablename__ = "school_budgets"
    __table_args__ = (UniqueConstraint("institution_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    #: a ``BudgetStatus`` value
    status: Mapped[str] = mapped_column(String(16), default=BudgetStatus.DRAFT)
    #: the formula's terms as computed: [{line, stage, quantity, rate, amount, name}]
    terms: Mapped[list] = mapped_column(JSON, default=list)
    #: the council resolution that approved it (文号) and when
    decision_ref: Mapped[str | None] = mapped_column(String(64))
    approved_on: Mapped[date | None] = mapped_column(Date)

    lines: Mapped[list[SchoolBudgetLine]] = relationship(
        back_populates="budget", cascade="all, delete-orphan", order_by="SchoolBudgetLine.id"
    )

    @property
    def is_approved(self) -> bool:
        return self.status == BudgetStatus.APPROVED

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))

    def amounts(self) -> dict[str, Decimal]:
        return {line.line: line.amount for line in self.lines}

    def __repr__(self) -> str:
        return f"<SchoolBudget {self.institution_id}/{self.year} {self.status}>"


class SchoolBudgetLine(db.Model):
    """One budget line (人员经费, 公用经费, 专项经费) of a school year's lump sum."""

    __tablename__ = "school_budget_lines"
    __table_args__ = (UniqueConstraint("budget_id", "line"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("school_budgets.id", ondelete="CASCADE"))
    #: a ``schools.lumpsum.BudgetLine`` value
    line: Mapped[str] = mapped_column(String(16))
    amount: Mapped[Decimal] = mapped_column(Money)

    budget: Mapped[SchoolBudget] = relationship(back_populates="lines")


class SchoolSpending(TimestampMixin, db.Model):
    """Money spent on a budget line, recorded in the app or imported from Excel."""

    __tablename__ = "school_spendings"

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("school_budgets.id"), index=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    line: Mapped[str] = mapped_column(String(16))
    spent_on: Mapped[date] = mapped_column(Date)
    #: negative for a refund or a correction
    amount: Mapped[Decimal] = mapped_column(Money)
    description: Mapped[str] = mapped_column(String(255))
    #: the council decision allowing spending beyond the line's budget (文号), if needed
    decision_ref: Mapped[str | None] = mapped_column(String(64))
    #: an ``EnrolmentSource`` value: entered in the form or imported
    source: Mapped[str] = mapped_column(String(16), default=EnrolmentSource.FORM)

    def __repr__(self) -> str:
        return f"<SchoolSpending {self.budget_id} {self.line} {self.amount}>"


class SurplusStatus:
    """Where the council's decision on a year's surplus stands."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"

    LABELS = {
        DRAFT: _l("草案"),
        SUBMITTED: _l("理事会审议中"),
        APPROVED: _l("理事会已决定"),
        REJECTED: _l("理事会未通过"),
    }


class SurplusPlan(TimestampMixin, db.Model):
    """How a school year's lump-sum surplus (结余) is used, as the council decides it.

    ``retained`` is the surplus when the plan went to the council; it divides into what is
    carried over for the school's development and what goes to teacher rewards
    (``schools.surplus``).
    """

    __tablename__ = "school_surplus_plans"
    __table_args__ = (
        CheckConstraint("carry_over >= 0", name="carry_over"),
        CheckConstraint("rewards >= 0", name="rewards"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("school_budgets.id"), unique=True)
    retained: Mapped[Decimal] = mapped_column(Money)
    #: 结转下一学年，用于学校发展
    carry_over: Mapped[Decimal] = mapped_column(Money)
    #: 用于教师奖励
    rewards: Mapped[Decimal] = mapped_column(Money)
    #: a ``SurplusStatus`` value
    status: Mapped[str] = mapped_column(String(16), default=SurplusStatus.DRAFT)
    #: the council motion deciding it (governance's ``gov_motions``)
    motion_id: Mapped[int | None] = mapped_column(ForeignKey("gov_motions.id"), index=True)
    #: the council resolution's number (文号) and date once decided
    resolution_ref: Mapped[str | None] = mapped_column(String(64))
    decided_on: Mapped[date | None] = mapped_column(Date)

    budget: Mapped[SchoolBudget] = relationship()

    def __repr__(self) -> str:
        return f"<SurplusPlan {self.budget_id} {self.status}>"


# --- the reward-performance allocation (奖励性绩效分配) ---------------------------------------


class RewardStatus:
    """Where a period's allocation stands: a draft, or final and handed to payroll."""

    DRAFT = "draft"
    FINAL = "final"

    LABELS = {DRAFT: _l("草稿"), FINAL: _l("已确定，交工资发放")}


class RewardAllocation(TimestampMixin, db.Model):
    """A period's 奖励性绩效 pool allocated to the staff by the plan the staff congress adopted."""

    __tablename__ = "school_reward_allocations"
    __table_args__ = (UniqueConstraint("institution_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    #: the pay period it is paid in, "YYYY-MM"
    period: Mapped[str] = mapped_column(String(7))
    pool: Mapped[Decimal] = mapped_column(Money)
    #: the plan's factors: [{"key", "label", "weight"}]
    plan: Mapped[list] = mapped_column(JSON, default=list)
    #: the staff congress resolution that adopted the plan (文号)
    plan_ref: Mapped[str] = mapped_column(String(64))
    #: a ``RewardStatus`` value
    status: Mapped[str] = mapped_column(String(16), default=RewardStatus.DRAFT)
    #: fen handed out by the largest-remainder rule at the last computation
    residue_fen: Mapped[int] = mapped_column(Integer, default=0)

    lines: Mapped[list[RewardLine]] = relationship(
        back_populates="allocation", cascade="all, delete-orphan", order_by="RewardLine.id"
    )

    @property
    def is_final(self) -> bool:
        return self.status == RewardStatus.FINAL

    def __repr__(self) -> str:
        return f"<RewardAllocation {self.institution_id}/{self.period} {self.status}>"


class RewardLine(db.Model):
    """One member of staff in an allocation: their points per factor and their amount."""

    __tablename__ = "school_reward_lines"
    __table_args__ = (UniqueConstraint("allocation_id", "employment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    allocation_id: Mapped[int] = mapped_column(
        ForeignKey("school_reward_allocations.id", ondelete="CASCADE")
    )
    employment_id: Mapped[int] = mapped_column(ForeignKey("employments.id"), index=True)
    #: {factor key: points as text}
    points: Mapped[dict] = mapped_column(JSON, default=dict)
    #: None until the allocation is computed
    amount: Mapped[Decimal | None] = mapped_column(Money)

    allocation: Mapped[RewardAllocation] = relationship(back_populates="lines")
    employment = relationship("Employment", lazy="joined")


# --- the staff congress (教职工代表大会) ------------------------------------------------------


class CongressItemKind:
    """What a congress vote decides; the reward plan is what payroll waits for."""

    REWARD_PLAN = "reward_plan"
    RULES = "rules"
    OTHER = "other"

    LABELS = {
        REWARD_PLAN: _l("奖励性绩效分配方案"),
        RULES: _l("学校内部规章"),
        OTHER: _l("其他事项"),
    }


class CongressDelegate(TimestampMixin, db.Model):
    """A delegate of the school's staff congress: a member of staff, teacher or not."""

    __tablename__ = "school_congress_delegates"
    __table_args__ = (UniqueConstraint("institution_id", "employment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    employment_id: Mapped[int] = mapped_column(ForeignKey("employments.id"))
    is_teacher: Mapped[bool] = mapped_column(Boolean, default=True)
    #: set when the delegate leaves the congress; kept for the votes they cast
    ended_on: Mapped[date | None] = mapped_column(Date)

    employment = relationship("Employment", lazy="joined")


class CongressVote(TimestampMixin, db.Model):
    """One item the congress voted on at a meeting, with the count and its outcome."""

    __tablename__ = "school_congress_votes"
    __table_args__ = (UniqueConstraint("institution_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(255))
    #: a ``CongressItemKind`` value
    kind: Mapped[str] = mapped_column(String(16))
    #: a ``schools.congress.CongressStatus`` value
    status: Mapped[str] = mapped_column(String(32))
    #: the delegates at the vote: ids of those seated, present, and {id: choice}
    seated: Mapped[list] = mapped_column(JSON, default=list)
    present: Mapped[list] = mapped_column(JSON, default=list)
    ballots: Mapped[dict] = mapped_column(JSON, default=dict)
    yes: Mapped[int] = mapped_column(Integer, default=0)
    no: Mapped[int] = mapped_column(Integer, default=0)
    abstain: Mapped[int] = mapped_column(Integer, default=0)
    #: "教代会〔2026〕第1号", per school and year, for the items that passed
    number: Mapped[str | None] = mapped_column(String(32))

    @property
    def passed(self) -> bool:
        return self.status == "passed"
