"""Reads for post plans and appointments: plan usage, and who held which post on a date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import contains_eager, selectinload

from core.extensions import db
from core.i18n import Msg
from hr.models import (
    GRADES,
    Appointment,
    Department,
    Employment,
    Person,
    PostCategory,
    PostPlan,
    grade_name,
)
from hr.posts.structure import Deviation, check_plan, config_for

#: Order of categories in grids and lists: 管理, 专业技术, 工勤技能.
CATEGORY_ORDER = {category.value: index for index, category in enumerate(PostCategory)}

_POST_ORDER = case(CATEGORY_ORDER, value=Appointment.category, else_=9) * 100 + Appointment.grade

POSTS_SORTS = {
    "post": _POST_ORDER,
    "post_name": Appointment.post_name,
    "staff_number": Employment.staff_number,
    "name": Person.name,
    "department": Department.name,
    "start_on": Appointment.start_on,
}


def in_force(start, end, on: date):
    """Return the condition "the period [start, end] covers ``on``" (end None: open)."""
    return (start <= on) & or_(end.is_(None), end >= on)


def plans_of(institution_id: int) -> list[PostPlan]:
    """Return the institution's plans with their lines, newest year first."""
    return list(
        db.session.scalars(
            select(PostPlan)
            .where(PostPlan.institution_id == institution_id)
            .options(selectinload(PostPlan.lines))
            .order_by(PostPlan.year.desc())
        )
    )


def plan_for(institution_id: int, year: int, *, for_update: bool = False) -> PostPlan | None:
    """Return the institution's plan for ``year`` with its lines, or None."""
    stmt = (
        select(PostPlan)
        .where(PostPlan.institution_id == institution_id, PostPlan.year == year)
        .options(selectinload(PostPlan.lines))
    )
    if for_update:
        # Serializes appointments against the same plan on PostgreSQL (SQLite ignores it).
        stmt = stmt.with_for_update()
    return db.session.scalar(stmt)


def usage_date(year: int, today: date) -> date:
    """Return the day a plan's usage is counted on: today in its year, else its nearer end."""
    return min(max(today, date(year, 1, 1)), date(year, 12, 31))


def occupied_counts(
    institution_id: int, on: date, *, exclude_employment_id: int | None = None
) -> dict[tuple[str, int], int]:
    """Return {(category, grade): appointments in force on ``on``} in one query."""
    stmt = (
        select(Appointment.category, Appointment.grade, func.count())
        .join(Employment, Employment.id == Appointment.employment_id)
        .where(
            Appointment.institution_id == institution_id,
            in_force(Appointment.start_on, Appointment.end_on, on),
            in_force(Employment.start_on, Employment.end_on, on),
        )
        .group_by(Appointment.category, Appointment.grade)
    )
    if exclude_employment_id is not None:
        stmt = stmt.where(Appointment.employment_id != exclude_employment_id)
    return {(category, grade): n for category, grade, n in db.session.execute(stmt)}


def occupied_by_date(
    institution_id: int, days: dict[int, date]
) -> dict[int, dict[tuple[str, int], int]]:
    """Return {key: {(category, grade): occupied on days[key]}} for several days in one query."""
    if not days:
        return {}
    keys = list(days)
    sums = [
        func.sum(
            case(
                (
                    in_force(Appointment.start_on, Appointment.end_on, days[key])
                    & in_force(Employment.start_on, Employment.end_on, days[key]),
                    1,
                ),
                else_=0,
            )
        )
        for key in keys
    ]
    first, last = min(days.values()), max(days.values())
    stmt = (
        select(Appointment.category, Appointment.grade, *sums)
        .join(Employment, Employment.id == Appointment.employment_id)
        .where(
            Appointment.institution_id == institution_id,
            Appointment.start_on <= last,
            or_(Appointment.end_on.is_(None), Appointment.end_on >= first),
        )
        .group_by(Appointment.category, Appointment.grade)
    )
    found: dict[int, dict[tuple[str, int], int]] = {key: {} for key in keys}
    for category, grade, *counts in db.session.execute(stmt):
        for key, n in zip(keys, counts, strict=True):
            if n:
                found[key][(category, grade)] = int(n)
    return found


@dataclass(frozen=True)
class UsageLine:
    """One post grade of a plan: approved posts and the appointments holding them."""

    category: str
    grade: int
    approved: int
    occupied: int

    @property
    def label(self) -> Msg:
        return grade_name(self.category, self.grade)

    @property
    def category_label(self) -> str:
        return PostCategory(self.category).label

    @property
    def vacant(self) -> int:
        return self.approved - self.occupied

    @property
    def is_over(self) -> bool:
        return self.occupied > self.approved


def usage_lines(
    approved: dict[tuple[str, int], int], occupied: dict[tuple[str, int], int]
) -> list[UsageLine]:
    """Return the lines with approved posts or appointments, in category and grade order."""
    keys = sorted(
        {k for k, n in approved.items() if n} | {k for k, n in occupied.items() if n},
        key=lambda k: (CATEGORY_ORDER.get(k[0], 9), k[1]),
    )
    return [UsageLine(c, g, approved.get((c, g), 0), occupied.get((c, g), 0)) for c, g in keys]


def approved_counts(plan: PostPlan | None) -> dict[tuple[str, int], int]:
    """Return {(category, grade): approved count} of a plan (empty for no plan)."""
    if plan is None:
        return {}
    return {(line.category, line.grade): line.approved_count for line in plan.lines}


def plan_deviations(plan: PostPlan, kind: str, stage: str | None = None) -> list[Deviation]:
    """Return the structure deviations of a plan, by the ratios in force in its year."""
    config = config_for(kind, date(plan.year, 1, 1))
    lines = [(line.category, line.grade, line.approved_count) for line in plan.lines]
    return check_plan(lines, config, stage)


def stages_for(kind: str, year: int) -> dict[str, Msg]:
    """Return {stage: label} of the ratio variants offered for an institution kind."""
    config = config_for(kind, date(year, 1, 1))
    return {key: Msg(value["label"]) for key, value in (config.get("stages") or {}).items()}


def grid_keys() -> list[tuple[str, int]]:
    """Return every (category, grade) of the plan grid, in display order."""
    return [(category.value, grade) for category in PostCategory for grade in GRADES[category]]


def current_appointment(employment_id: int) -> Appointment | None:
    """Return the employment's latest appointment (open or not), or None."""
    return db.session.scalar(
        select(Appointment)
        .where(Appointment.employment_id == employment_id)
        .order_by(Appointment.start_on.desc(), Appointment.id.desc())
        .limit(1)
    )


def appointment_or_404(institution_id: int, appointment_id: int) -> Appointment:
    """Return an appointment of the institution, or 404."""
    return db.first_or_404(
        select(Appointment).where(
            Appointment.id == appointment_id, Appointment.institution_id == institution_id
        )
    )


def previous_appointment(appointment: Appointment) -> Appointment | None:
    """Return the appointment an employment held before ``appointment``, or None."""
    return db.session.scalar(
        select(Appointment)
        .where(
            Appointment.employment_id == appointment.employment_id,
            Appointment.id != appointment.id,
            Appointment.start_on < appointment.start_on,
        )
        .order_by(Appointment.start_on.desc(), Appointment.id.desc())
        .limit(1)
    )


def appointments_of(employment_id: int) -> list[Appointment]:
    """Return an employment's appointment history, newest first."""
    return list(
        db.session.scalars(
            select(Appointment)
            .where(Appointment.employment_id == employment_id)
            .order_by(Appointment.start_on.desc(), Appointment.id.desc())
        )
    )


def posts_on_query(
    institution_id: int, on: date, *, category: str | None = None, q: str | None = None
) -> Select:
    """Return the appointments in force on ``on``, with employment and person loaded."""
    stmt = (
        select(Appointment)
        .join(Appointment.employment)
        .join(Employment.person)
        .outerjoin(Employment.department)
        .options(
            contains_eager(Appointment.employment).contains_eager(Employment.person),
            contains_eager(Appointment.employment).contains_eager(Employment.department),
        )
        .where(
            Appointment.institution_id == institution_id,
            in_force(Appointment.start_on, Appointment.end_on, on),
            in_force(Employment.start_on, Employment.end_on, on),
        )
    )
    if category:
        stmt = stmt.where(Appointment.category == category)
    if q:
        stmt = stmt.where(
            or_(
                Person.name.contains(q, autoescape=True),
                Employment.staff_number.startswith(q, autoescape=True),
                Appointment.post_name.contains(q, autoescape=True),
            )
        )
    return stmt


def posts_on(
    institution_id: int, on: date, *, category: str | None = None, q: str | None = None
) -> list[Appointment]:
    """Return who held which post on ``on``: appointments in post order, people loaded."""
    stmt = posts_on_query(institution_id, on, category=category, q=q).order_by(
        _POST_ORDER, Employment.staff_number, Appointment.id
    )
    return list(db.session.scalars(stmt))
