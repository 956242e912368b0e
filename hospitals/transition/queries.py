"""Reads for 身份管理 → 岗位管理: who is on a post and a 聘用合同, by identity, on a date.

Everyone employed counts, whatever their identity (事业编制, 员额, 合同制, 劳务派遣): the
reform puts all of them on a described post (全员聘用). A person is *on a post* on a day when
an appointment of theirs runs that day, and *on a contract* when a contract of theirs is in
force that day (active, started, not yet ended).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from sqlalchemy import Select, and_, case, exists, func, or_, select

from core.extensions import db
from hospitals.findings import percent
from hr.models import (
    Appointment,
    Contract,
    ContractStatus,
    Department,
    Employment,
    Identity,
    Person,
)


def employed_on(on: date):
    """Return the clause of employments that run on ``on``."""
    return and_(
        Employment.start_on <= on, or_(Employment.end_on.is_(None), Employment.end_on >= on)
    )


def on_post(on: date):
    """Return an EXISTS clause: the employment holds a post on ``on``."""
    return exists().where(
        Appointment.employment_id == Employment.id,
        Appointment.start_on <= on,
        or_(Appointment.end_on.is_(None), Appointment.end_on >= on),
    )


def on_contract(on: date):
    """Return an EXISTS clause: a contract of the employment is in force on ``on``."""
    return exists().where(
        Contract.employment_id == Employment.id,
        Contract.status == ContractStatus.ACTIVE.value,
        Contract.start_on <= on,
        or_(Contract.end_on.is_(None), Contract.end_on >= on),
    )


@dataclass(frozen=True)
class Coverage:
    """Staff of one identity (or all) on a date: how many hold a post and a contract."""

    identity: str | None
    staff: int
    on_post: int
    on_contract: int

    @property
    def without_post(self) -> int:
        return self.staff - self.on_post

    @property
    def post_share(self):
        """Percent on a post (one decimal), None when nobody is employed."""
        return percent(Fraction(self.on_post, self.staff)) if self.staff else None

    @property
    def contract_share(self):
        return percent(Fraction(self.on_contract, self.staff)) if self.staff else None

    @property
    def identity_label(self) -> str | None:
        return Identity(self.identity).label if self.identity else None


def coverage(institution_id: int, on: date) -> tuple[Coverage, list[Coverage]]:
    """Return the total and one row per identity (in Identity order) on ``on``, in one query."""
    rows = db.session.execute(
        select(
            Employment.identity,
            func.count(),
            func.sum(case((on_post(on), 1), else_=0)),
            func.sum(case((on_contract(on), 1), else_=0)),
        )
        .where(Employment.institution_id == institution_id, employed_on(on))
        .group_by(Employment.identity)
    ).all()
    found = {identity: (n, int(p or 0), int(c or 0)) for identity, n, p, c in rows}
    per_identity = [
        Coverage(identity.value, *found.get(identity.value, (0, 0, 0))) for identity in Identity
    ]
    total = Coverage(
        None,
        sum(c.staff for c in per_identity),
        sum(c.on_post for c in per_identity),
        sum(c.on_contract for c in per_identity),
    )
    return total, per_identity


def month_ends(today: date, months: int) -> list[date]:
    """Return the last days of the ``months`` months before ``today``'s, then ``today``."""
    ends = []
    first = today.replace(day=1)
    for _ in range(months):
        last = first - timedelta(days=1)
        ends.append(last)
        first = last.replace(day=1)
    return [*reversed(ends), today]


def history(institution_id: int, days: Iterable[date]) -> list[tuple[date, Coverage]]:
    """Return the total coverage on each day (one query a day)."""
    return [(day, coverage(institution_id, day)[0]) for day in days]


# --- the list of staff and their posts ----------------------------------------------------


#: The post an employment holds on a day: its latest appointment running then.
def _current_post(on: date):
    return (
        select(func.max(Appointment.id))
        .where(
            Appointment.employment_id == Employment.id,
            Appointment.start_on <= on,
            or_(Appointment.end_on.is_(None), Appointment.end_on >= on),
        )
        .correlate(Employment)
        .scalar_subquery()
    )


ROSTER_SORTS = {
    "staff_number": Employment.staff_number,
    "name": Person.name,
    "identity": Employment.identity,
    "department": Department.name,
    "grade": Appointment.grade,
    "start_on": Employment.start_on,
}


def roster(
    institution_id: int,
    on: date,
    *,
    q: str | None = None,
    identity: str | None = None,
    department_id: int | None = None,
    without_post: bool = False,
) -> Select:
    """Return the staff employed on ``on`` (Employment rows; see :func:`posts_of`)."""
    stmt = (
        select(Employment)
        .join(Person, Person.id == Employment.person_id)
        .outerjoin(Department, Department.id == Employment.department_id)
        .outerjoin(Appointment, Appointment.id == _current_post(on))
        .where(Employment.institution_id == institution_id, employed_on(on))
    )
    if q:
        like = f"%{q}%"
        stmt = stmt.where(or_(Person.name.like(like), Employment.staff_number.like(like)))
    if identity:
        stmt = stmt.where(Employment.identity == identity)
    if department_id:
        stmt = stmt.where(Employment.department_id == department_id)
    if without_post:
        stmt = stmt.where(Appointment.id.is_(None))
    return stmt


def posts_of(employment_ids: Iterable[int], on: date) -> dict[int, tuple[Appointment | None, bool]]:
    """Return {employment id: (the post held on ``on`` or None, whether on a contract)}."""
    ids = sorted(set(employment_ids))
    found: dict[int, tuple[Appointment | None, bool]] = {i: (None, False) for i in ids}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = db.session.execute(
            select(Employment.id, Appointment, on_contract(on))
            .outerjoin(Appointment, Appointment.id == _current_post(on))
            .where(Employment.id.in_(chunk))
        )
        for employment_id, appointment, has_contract in rows:
            found[employment_id] = (appointment, bool(has_contract))
    return found


def without_post(institution_id: int, on: date, limit: int) -> tuple[int, list[Employment]]:
    """Return how many staff hold no post on ``on``, and the first ``limit`` of them."""
    base = (
        select(Employment)
        .where(Employment.institution_id == institution_id, employed_on(on), ~on_post(on))
        .order_by(Employment.staff_number)
    )
    count = db.session.scalar(select(func.count()).select_from(base.subquery())) or 0
    return count, list(db.session.scalars(base.limit(limit)))


def departments_of(institution_id: int) -> list[Department]:
    return list(
        db.session.scalars(
            select(Department)
            .where(Department.institution_id == institution_id)
            .order_by(Department.name)
        )
    )
