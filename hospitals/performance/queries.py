"""Reads of performance schemes: the list, one scheme, its figures and its allocation."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from flask import abort
from sqlalchemy import func, select

from core.extensions import db
from hospitals.models import IndicatorFigure, PerformanceScheme, PerformanceShare
from hr.models import Department, Employment, Person
from institutions.governance.models import Meeting, MeetingStatus, Motion


def schemes_of(institution_id: int) -> list[tuple[PerformanceScheme, int, Decimal | None]]:
    """Return the hospital's schemes, latest month first, with people and amount allocated."""
    shares = (
        select(
            PerformanceShare.scheme_id,
            func.count().label("people"),
            func.sum(PerformanceShare.amount).label("total"),
        )
        .group_by(PerformanceShare.scheme_id)
        .subquery()
    )
    rows = db.session.execute(
        select(PerformanceScheme, shares.c.people, shares.c.total)
        .outerjoin(shares, shares.c.scheme_id == PerformanceScheme.id)
        .where(PerformanceScheme.institution_id == institution_id)
        .order_by(PerformanceScheme.period.desc())
    ).all()
    return [(scheme, people or 0, total) for scheme, people, total in rows]


def scheme_or_404(institution_id: int, scheme_id: int) -> PerformanceScheme:
    scheme = db.session.get(PerformanceScheme, scheme_id)
    if scheme is None or scheme.institution_id != institution_id:
        abort(404)
    return scheme


@dataclass
class DepartmentFigures:
    name: str
    values: dict[str, Decimal] = field(default_factory=dict)
    people: int = 0


def figures(scheme: PerformanceScheme) -> list[DepartmentFigures]:
    """Return each department's figures (and how many person figures it has), by name."""
    found: dict[int, DepartmentFigures] = {}
    people: dict[int, set[int]] = defaultdict(set)
    rows = db.session.execute(
        select(IndicatorFigure, Department.name)
        .join(Department, Department.id == IndicatorFigure.department_id)
        .where(IndicatorFigure.scheme_id == scheme.id)
    )
    for figure, name in rows:
        entry = found.setdefault(figure.department_id, DepartmentFigures(name))
        if figure.employment_id is None:
            entry.values[figure.indicator] = figure.value
        else:
            people[figure.department_id].add(figure.employment_id)
    for department_id, members in people.items():
        found[department_id].people = len(members)
    return sorted(found.values(), key=lambda d: d.name)


@dataclass
class ShareRow:
    department: str
    staff_number: str
    name: str
    identity: str
    score: Decimal
    amount: Decimal


def shares(scheme: PerformanceScheme) -> list[ShareRow]:
    """Return the allocation, by department and staff number."""
    rows = db.session.execute(
        select(
            Department.name,
            Employment.staff_number,
            Person.name,
            Employment.identity,
            PerformanceShare.score,
            PerformanceShare.amount,
        )
        .join(Employment, Employment.id == PerformanceShare.employment_id)
        .join(Person, Person.id == Employment.person_id)
        .join(Department, Department.id == PerformanceShare.department_id)
        .where(PerformanceShare.scheme_id == scheme.id)
        .order_by(Department.name, Employment.staff_number)
    )
    return [ShareRow(*row) for row in rows]


def department_totals(rows: list[ShareRow]) -> list[tuple[str, int, Decimal]]:
    totals: dict[str, list] = {}
    for row in rows:
        entry = totals.setdefault(row.department, [0, Decimal(0)])
        entry[0] += 1
        entry[1] += row.amount
    return [(name, n, amount) for name, (n, amount) in totals.items()]


def open_meetings(institution_id: int) -> list[Meeting]:
    """Return the hospital council's meetings an allocation can still go to (not concluded)."""
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


def motion_of(scheme: PerformanceScheme) -> Motion | None:
    """Return the council motion deciding the scheme (None if never submitted)."""
    return db.session.get(Motion, scheme.motion_id) if scheme.motion_id else None
