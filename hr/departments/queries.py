"""Reads of departments: an institution's list, loaders, and the names imports match."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import func, or_, select

from core.extensions import db
from hr.departments.matching import Known, index
from hr.models import Department, Employment


def departments_of(institution_id: int, *, active_only: bool = False) -> list[Department]:
    """Return an institution's departments: active ones first, then by name."""
    stmt = select(Department).where(Department.institution_id == institution_id)
    if active_only:
        stmt = stmt.where(Department.is_active.is_(True))
    return list(db.session.scalars(stmt.order_by(Department.is_active.desc(), Department.name)))


def staff_counts(institution_id: int, on: date) -> dict[int, int]:
    """Return {department id: people employed there on ``on``} in one query."""
    rows = db.session.execute(
        select(Employment.department_id, func.count())
        .where(
            Employment.institution_id == institution_id,
            Employment.department_id.is_not(None),
            Employment.start_on <= on,
            or_(Employment.end_on.is_(None), Employment.end_on >= on),
        )
        .group_by(Employment.department_id)
    )
    return {department_id: count for department_id, count in rows}


def department_or_404(institution_id: int, department_id: int) -> Department:
    """Return the institution's department, or 404 (also for another institution's)."""
    return db.first_or_404(
        select(Department).where(
            Department.id == department_id, Department.institution_id == institution_id
        )
    )


def choices(institution_id: int) -> list[tuple[str, str]]:
    """Return the active departments as select options (id as text, name)."""
    return [(str(d.id), d.name) for d in departments_of(institution_id, active_only=True)]


def known_by_institution(institution_ids: Iterable[int]) -> dict[int, dict[str, Known]]:
    """Return {institution id: {name key: department}} for matching written names."""
    ids = sorted(set(institution_ids))
    found: dict[int, list[Known]] = {institution_id: [] for institution_id in ids}
    if ids:
        rows = db.session.execute(
            select(
                Department.institution_id,
                Department.id,
                Department.name,
                Department.is_active,
            ).where(Department.institution_id.in_(ids))
        )
        for institution_id, department_id, name, is_active in rows:
            found[institution_id].append(Known(department_id, name, is_active))
    return {institution_id: index(known) for institution_id, known in found.items()}
