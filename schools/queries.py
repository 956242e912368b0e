"""Reads for the school pages: profile, enrolment, the staff HR employs, the rules in force.

The staff counted against the allowance come from HR's employments on a date: identity as
HR records it, *non-teaching* when the person's department is an administrative or
logistics one (``hr.models.DepartmentKind``), teaching otherwise; the stage is the school's
only stage, or, in a combined school, the one recorded for the person here (none: the
person serves the whole school).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from flask import abort
from sqlalchemy import func, or_, select

from core.extensions import db
from core.parameters import parameter
from hr.models import Department, DepartmentKind, Employment, Person
from schools.allowance import ALLOWANCE_KEY, AllowanceReport, AllowanceRules, StaffCount, compute
from schools.enrolment import CLASS_SIZE_KEY, ClassSizeRules, GradeEnrolment, students_by_stage
from schools.models import EnrolmentGrade, EnrolmentYear, SchoolProfile, StaffStage
from schools.projection import DEFAULTS as PROJECTION_DEFAULTS
from schools.projection import PROJECTION_KEY
from schools.stages import GRADE_LAYOUT_KEY, GradeLayout, Stage

#: departments whose staff are non-teaching (教辅、行政、后勤)
NON_TEACHING_KINDS = (DepartmentKind.ADMINISTRATIVE.value, DepartmentKind.LOGISTICS.value)
#: the month a school year starts
FIRST_MONTH = 9


def school_year_of(on: date) -> int:
    """Return the school year ``on`` falls in (named by the calendar year it starts in)."""
    return on.year if on.month >= FIRST_MONTH else on.year - 1


def staff_date(year: int, today: date) -> date:
    """Return the date whose staff are compared with a school year: today, or the year's end."""
    return min(today, date(year + 1, FIRST_MONTH - 1, 31))


# --- rules in force -------------------------------------------------------------------------


def allowance_rules(on: date) -> AllowanceRules:
    return AllowanceRules.from_value(parameter(ALLOWANCE_KEY, on))


def class_rules(on: date) -> ClassSizeRules:
    return ClassSizeRules.from_value(parameter(CLASS_SIZE_KEY, on))


def grade_layout(on: date) -> GradeLayout:
    return GradeLayout.from_value(parameter(GRADE_LAYOUT_KEY, on))


def projection_settings(on: date) -> dict:
    return {**PROJECTION_DEFAULTS[PROJECTION_KEY], **(parameter(PROJECTION_KEY, on) or {})}


# --- profile and enrolment ------------------------------------------------------------------


def profile_of(institution_id: int) -> SchoolProfile | None:
    return db.session.scalar(
        select(SchoolProfile).where(SchoolProfile.institution_id == institution_id)
    )


def enrolment_years(institution_id: int) -> list[EnrolmentYear]:
    """Return the school's enrolment years, newest first, with their grades."""
    return list(
        db.session.scalars(
            select(EnrolmentYear)
            .where(EnrolmentYear.institution_id == institution_id)
            .order_by(EnrolmentYear.year.desc())
        ).unique()
    )


def enrolment_year(institution_id: int, year: int) -> EnrolmentYear | None:
    return db.session.scalar(
        select(EnrolmentYear).where(
            EnrolmentYear.institution_id == institution_id, EnrolmentYear.year == year
        )
    )


def enrolment_year_or_404(institution_id: int, year: int) -> EnrolmentYear:
    found = enrolment_year(institution_id, year)
    if found is None:
        abort(404)
    return found


def grades_of(enrolment: EnrolmentYear) -> list[GradeEnrolment]:
    return [GradeEnrolment(g.grade, g.classes, g.students) for g in enrolment.grades]


def history(institution_id: int) -> dict[int, dict[int, int]]:
    """Return {school year: {grade: students}} for every year recorded."""
    rows = db.session.execute(
        select(EnrolmentYear.year, EnrolmentGrade.grade, EnrolmentGrade.students)
        .join(EnrolmentGrade, EnrolmentGrade.enrolment_year_id == EnrolmentYear.id)
        .where(EnrolmentYear.institution_id == institution_id)
    )
    found: dict[int, dict[int, int]] = {}
    for year, grade, students in rows:
        found.setdefault(year, {})[grade] = students
    return found


# --- staff from HR --------------------------------------------------------------------------


def _active_on(on: date):
    return (
        Employment.start_on <= on,
        or_(Employment.end_on.is_(None), Employment.end_on >= on),
    )


def staff_counts(institution_id: int, on: date, stages: Iterable[Stage]) -> list[StaffCount]:
    """Return HR's staff employed on ``on`` by identity, stage and teaching (one query)."""
    offered = tuple(stages)
    non_teaching = func.coalesce(Department.kind.in_(NON_TEACHING_KINDS), False)
    rows = db.session.execute(
        select(Employment.identity, StaffStage.stage, non_teaching, func.count())
        .outerjoin(Department, Department.id == Employment.department_id)
        .outerjoin(StaffStage, StaffStage.employment_id == Employment.id)
        .where(Employment.institution_id == institution_id, *_active_on(on))
        .group_by(Employment.identity, StaffStage.stage, non_teaching)
    )
    counts = []
    for identity, stage, is_non_teaching, count in rows:
        stage_value = offered[0] if len(offered) == 1 else Stage(stage) if stage else None
        counts.append(StaffCount(identity, int(count), stage_value, not is_non_teaching))
    return counts


@dataclass(frozen=True)
class StaffRow:
    """A member of staff on the stage page."""

    employment_id: int
    staff_number: str
    name: str
    identity: str
    department: str | None
    is_teaching: bool
    stage: str | None


def staff_rows(institution_id: int, on: date) -> list[StaffRow]:
    """Return the staff employed on ``on`` with the stage recorded for each, by 工号."""
    rows = db.session.execute(
        select(
            Employment.id,
            Employment.staff_number,
            Person.name,
            Employment.identity,
            Department.name,
            Department.kind,
            StaffStage.stage,
        )
        .join(Person, Person.id == Employment.person_id)
        .outerjoin(Department, Department.id == Employment.department_id)
        .outerjoin(StaffStage, StaffStage.employment_id == Employment.id)
        .where(Employment.institution_id == institution_id, *_active_on(on))
        .order_by(Employment.staff_number, Employment.id)
    )
    return [
        StaffRow(eid, number, name, identity, dept, kind not in NON_TEACHING_KINDS, stage)
        for eid, number, name, identity, dept, kind, stage in rows
    ]


def employment_or_404(institution_id: int, employment_id: int) -> Employment:
    found = db.session.get(Employment, employment_id)
    if found is None or found.institution_id != institution_id:
        abort(404)
    return found


# --- the allowance --------------------------------------------------------------------------


@dataclass(frozen=True)
class YearAllowance:
    """A school year's enrolment, the allowance it gives and HR's staff against it."""

    enrolment: EnrolmentYear
    staff_on: date
    report: AllowanceReport


def allowance_for(profile: SchoolProfile, enrolment: EnrolmentYear, today: date) -> YearAllowance:
    """Return the allowance of a recorded school year against the staff on its date."""
    on = staff_date(enrolment.year, today)
    rules_on = date(enrolment.year, FIRST_MONTH, 1)
    students = students_by_stage(grades_of(enrolment), grade_layout(rules_on))
    report = compute(
        {stage: n for stage, n in students.items() if stage in profile.stages},
        staff_counts(profile.institution_id, on, profile.stages),
        allowance_rules(rules_on),
        stages=profile.stages,
    )
    return YearAllowance(enrolment, on, report)
