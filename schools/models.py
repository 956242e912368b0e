"""A school's records: its profile, enrolment per school year, and which stage its staff serve.

The people themselves are HR's (``hr.models.Employment``); schools only adds what the
allowance needs that HR does not know: the stage (学段) a member of staff works in, in a
school that offers more than one.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models import TimestampMixin
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
