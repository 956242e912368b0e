"""Reads of annual appraisal rounds: rounds, who a round grades, counts, flags.

Also the dated parameters a round reads (the 优秀 cap, the top 薪级 per category).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Select, and_, func, or_, select

from core.extensions import db
from core.ids import CHINA_TZ
from core.parameters import parameter
from hr.appraisals import grading as rules
from hr.models import (
    Appointment,
    Appraisal,
    AppraisalGrade,
    AppraisalRound,
    Department,
    Employment,
    Person,
)
from hr.pay.queries import has_step


def excellent_cap(institution_kind: str, year: int) -> Decimal:
    """Return the 优秀 share in force at the end of ``year`` for an institution kind."""
    key = "hr.appraisal_excellent_cap"
    value = parameter(key, date(year, 12, 31), scope=institution_kind, default=None)
    return Decimal(str(value if value is not None else rules.DEFAULTS[key]))


def round_month(institution_kind: str, year: int) -> int:
    """Return the month the round for ``year`` is normally held from (12: December)."""
    key = "hr.appraisal_round_month"
    return int(
        parameter(key, date(year, 12, 31), scope=institution_kind, default=rules.DEFAULTS[key])
    )


def closed_on(round_: AppraisalRound) -> date | None:
    """Return the (China) date a round closed, or None while open."""
    if round_.closed_at is None:
        return None
    return round_.closed_at.astimezone(CHINA_TZ).date()


def shown_grades(round_: AppraisalRound, employments) -> dict[int, str | None]:
    """Return {employment id: grade to show} for some of a round's people.

    Recorded grades, and 不定等次 for those hired after the round closed (never graded).
    """
    employments = list(employments)
    recorded = grades_of(round_, [e.id for e in employments])
    closed = closed_on(round_)
    return {e.id: rules.shown_grade(recorded.get(e.id), e.start_on, closed) for e in employments}


def step_maxima(institution_kind: str, on: date) -> dict:
    """Return the top 薪级 per post category in force on ``on``."""
    key = "hr.salary_step_max"
    return parameter(key, on, scope=institution_kind, default=rules.DEFAULTS[key])


def get_round(institution_id: int, year: int) -> AppraisalRound | None:
    """Return the institution's round for ``year``, if opened."""
    return db.session.scalar(
        select(AppraisalRound).where(
            AppraisalRound.institution_id == institution_id, AppraisalRound.year == year
        )
    )


def rounds(institution_id: int) -> list:
    """Return (round, graded count) pairs of an institution, latest year first."""
    graded = (
        select(Appraisal.round_id, func.count().label("n")).group_by(Appraisal.round_id).subquery()
    )
    stmt = (
        select(AppraisalRound, func.coalesce(graded.c.n, 0))
        .outerjoin(graded, graded.c.round_id == AppraisalRound.id)
        .where(AppraisalRound.institution_id == institution_id)
        .order_by(AppraisalRound.year.desc())
    )
    return db.session.execute(stmt).tuples().all()


def population(institution_id: int, year: int) -> Select:
    """Return a select of the employments a round grades: active staff hired by year end."""
    return select(Employment).where(
        Employment.institution_id == institution_id,
        Employment.end_on.is_(None),
        Employment.start_on <= date(year, 12, 31),
    )


def population_ids(round_: AppraisalRound) -> set[int]:
    stmt = population(round_.institution_id, round_.year).with_only_columns(Employment.id)
    return set(db.session.scalars(stmt))


def grades_of(round_: AppraisalRound, employment_ids: list[int] | None = None) -> dict[int, str]:
    """Return {employment id: grade} recorded in a round (for some employments only)."""
    stmt = select(Appraisal.employment_id, Appraisal.grade).where(Appraisal.round_id == round_.id)
    if employment_ids is not None:
        stmt = stmt.where(Appraisal.employment_id.in_(employment_ids))
    return dict(db.session.execute(stmt).tuples().all())


def grade_counts(round_: AppraisalRound) -> dict[str, int]:
    """Return how many people hold each grade in a round, plus "ungraded" and "allowed".

    People hired after the round closed count as 不定等次 (``grading.shown_grade``).
    """
    grades = grades_of(round_)
    closed = closed_on(round_)
    starts = dict(
        db.session.execute(
            population(round_.institution_id, round_.year).with_only_columns(
                Employment.id, Employment.start_on
            )
        )
        .tuples()
        .all()
    )
    everyone = set(starts) | set(grades)
    merged = [
        rules.shown_grade(grades.get(eid), starts.get(eid, date.min), closed) for eid in everyone
    ]
    counts = {grade.value: 0 for grade in AppraisalGrade}
    for grade in merged:
        counts[grade or "ungraded"] = counts.get(grade or "ungraded", 0) + 1
    counts.setdefault("ungraded", 0)
    counts["total"] = len(merged)
    counts["allowed"] = rules.excellent_allowed(
        round_.excellent_cap, rules.counted_headcount(merged)
    )
    return counts


def consecutive_fail_employments(round_: AppraisalRound) -> list[Employment]:
    """Return the staff graded 不合格 in this round and in the previous year's round."""
    this_year = grades_of(round_)
    previous = get_round(round_.institution_id, round_.year - 1)
    if previous is None:
        return []
    flagged = rules.consecutive_fails(grades_of(previous), this_year)
    if not flagged:
        return []
    stmt = select(Employment).where(Employment.id.in_(flagged)).order_by(Employment.staff_number)
    return list(db.session.scalars(stmt))


def missing_salary_steps(round_: AppraisalRound, limit: int | None = None) -> list[Employment]:
    """Return staff graded 合格 or better who have no 薪级 record (no step can be applied)."""
    stmt = (
        select(Employment)
        .join(Appraisal, Appraisal.employment_id == Employment.id)
        .where(
            Appraisal.round_id == round_.id,
            Appraisal.grade.in_(rules.STEP_UP_GRADES),
            ~has_step(),
        )
        .order_by(Employment.staff_number)
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(db.session.scalars(stmt))


def categories_on(employment_ids: set[int], on: date) -> dict[int, str]:
    """Return the post category each employment holds on ``on`` (or last held before)."""
    stmt = (
        select(Appointment.employment_id, Appointment.category)
        .where(Appointment.employment_id.in_(employment_ids), Appointment.start_on <= on)
        .order_by(Appointment.employment_id, Appointment.start_on, Appointment.id)
    )
    return dict(db.session.execute(stmt).tuples().all())


def ungraded_ids(round_: AppraisalRound) -> set[int]:
    """Return the round's people with no grade yet (not counting those hired after close)."""
    closed = closed_on(round_)
    stmt = population(round_.institution_id, round_.year).with_only_columns(
        Employment.id, Employment.start_on
    )
    graded = set(grades_of(round_))
    return {
        eid
        for eid, start_on in db.session.execute(stmt).tuples()
        if eid not in graded and rules.shown_grade(None, start_on, closed) is None
    }


def round_people(round_: AppraisalRound, per_page: int, q=None, grade=None):
    """Return one page of the round's people (active staff, and anyone already graded)."""
    graded = select(Appraisal).where(Appraisal.round_id == round_.id).subquery()
    in_round = or_(
        Employment.id.in_(
            population(round_.institution_id, round_.year).with_only_columns(Employment.id)
        ),
        graded.c.id.is_not(None),
    )
    stmt = (
        select(Employment)
        .join(Person, Employment.person_id == Person.id)
        .outerjoin(Department, Department.id == Employment.department_id)
        .outerjoin(graded, graded.c.employment_id == Employment.id)
        .where(Employment.institution_id == round_.institution_id, in_round)
    )
    if q:
        like = f"%{q}%"
        stmt = stmt.where(
            or_(
                Person.name.like(like),
                Employment.staff_number.like(like),
                Department.name.like(like),
            )
        )
    closed = closed_on(round_)
    hired_after = Employment.start_on > closed if closed is not None else None
    if grade == "ungraded":
        stmt = stmt.where(graded.c.id.is_(None))
        if hired_after is not None:
            stmt = stmt.where(~hired_after)
    elif grade == rules.UNDETERMINED and hired_after is not None:
        stmt = stmt.where(or_(graded.c.grade == grade, and_(graded.c.id.is_(None), hired_after)))
    elif grade:
        stmt = stmt.where(graded.c.grade == grade)
    return db.paginate(
        stmt.order_by(Employment.staff_number, Employment.id),
        per_page=per_page,
        max_per_page=per_page,
        error_out=False,
    )


def open_round_years(institution_ids) -> dict[int, list[int]]:
    """Return {institution id: years of its appraisal rounds still open}, oldest first."""
    stmt = (
        select(AppraisalRound.institution_id, AppraisalRound.year)
        .where(
            AppraisalRound.institution_id.in_(sorted(set(institution_ids))),
            AppraisalRound.closed_at.is_(None),
        )
        .order_by(AppraisalRound.institution_id, AppraisalRound.year)
    )
    found: dict[int, list[int]] = {}
    for institution_id, year in db.session.execute(stmt).tuples():
        found.setdefault(institution_id, []).append(year)
    return found
