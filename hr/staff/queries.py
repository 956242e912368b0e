"""Reads of the staff area: the one staff-list query, loaders, a person's history, vacancies.

``staff_statement`` is the staff list: the page, its Excel export and the roster export
(``hr.roster.queries.export_rows``) all filter through it, so a search means the same thing
everywhere.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from typing import Any, NamedTuple

from flask import abort, current_app
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, bindparam, case, func, or_, select
from sqlalchemy.orm import aliased, contains_eager, joinedload, selectinload

from core.extensions import db
from core.listing import Sort, read_rows
from hr.models import (
    GRADES,
    Appointment,
    Appraisal,
    Contract,
    ContractStatus,
    Department,
    Employment,
    Identity,
    Person,
    PostCategory,
)
from hr.pay.queries import has_step
from hr.staff.headcount import QUOTA_FOR_IDENTITY, Vacancy, vacancy

#: Employment states a list can be limited to; no state: both.
STATUSES = ("active", "left")
MAX_GRADE = max(max(r) for r in GRADES.values())
_ID_TAIL = re.compile(r"[0-9]*[0-9X]", re.ASCII)
#: How many trailing ID characters a reader who sees masked numbers may search by.
VISIBLE_TAIL = 4

#: Columns the staff list may be sorted by.
STAFF_SORTS = {
    "staff_number": Employment.staff_number,
    "name": Person.name,
    "identity": Employment.identity,
    "department": Department.name,
    "start_on": Employment.start_on,
    "end_on": Employment.end_on,
}


#: The values a filter may take (an enum's members, built once rather than per request).
_IDENTITIES = frozenset(Identity)
_CATEGORIES = frozenset(PostCategory)


def _positive(value: Any) -> int | None:
    """Return a query-string value as a positive whole number, or None."""
    return int(value) if isinstance(value, str) and value.isdigit() and int(value) else None


@dataclass(frozen=True)
class StaffFilters:
    """What a staff list is limited to; every field optional."""

    #: part of a name, the start of a staff number, or the last characters of an ID number
    q: str | None = None
    identity: str | None = None
    #: the post held on the list's date
    category: str | None = None
    grade: int | None = None
    #: "active" (employed on the list's date), "left" (ended before it), None: both
    status: str | None = None
    department_id: int | None = None
    #: only staff without any 薪级 record (the annual step and payroll skip them)
    without_salary_step: bool = False
    #: only staff without a contract in force (履行中)
    without_contract: bool = False

    @classmethod
    def from_args(cls, args: Mapping[str, Any], *, default_status: str | None = None):
        """Read the filters from a query string, dropping values that are not allowed.

        An absent ``status`` means ``default_status``; an empty one means both states.
        """
        grade = _positive(args.get("grade"))
        status = args.get("status")
        if status is None:
            status = default_status
        identity, category = args.get("identity"), args.get("category")
        return cls(
            q=(args.get("q") or "").strip() or None,
            identity=identity if identity in _IDENTITIES else None,
            category=category if category in _CATEGORIES else None,
            grade=grade if grade and 1 <= grade <= MAX_GRADE else None,
            status=status if status in STATUSES else None,
            department_id=_positive(args.get("department")),
            without_salary_step=args.get("pay") == "missing",
            without_contract=args.get("contract") == "missing",
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "q": self.q,
            "identity": self.identity,
            "category": self.category,
            "grade": self.grade,
            "status": self.status,
            "department_id": self.department_id,
            "without_salary_step": self.without_salary_step,
            "without_contract": self.without_contract,
        }


def has_active_contract():
    """Return the condition "the employment has a contract in force" (for a query on Employment)."""
    return (
        select(Contract.id)
        .where(
            Contract.employment_id == Employment.id,
            Contract.status == ContractStatus.ACTIVE.value,
        )
        .exists()
    )


def count_without_contract(institution_ids: Iterable[int], on: date) -> dict[int, int]:
    """Return {institution id: staff employed on ``on`` with no contract in force} in one query."""
    stmt = (
        select(Employment.institution_id, func.count())
        .where(
            Employment.institution_id.in_(sorted(set(institution_ids))),
            Employment.start_on <= on,
            or_(Employment.end_on.is_(None), Employment.end_on >= on),
            ~has_active_contract(),
        )
        .group_by(Employment.institution_id)
    )
    return dict(db.session.execute(stmt).tuples().all())


def missing_records(institution_id: int, on: date) -> tuple[int, int]:
    """Return how many staff employed on ``on`` have no 薪级 record, and how many no contract
    in force: ``count_without_steps`` and ``count_without_contract`` in one query."""
    steps, contracts = read_rows(
        _missing_records_statement(), {"institution_id": institution_id, "on": on}
    ).one()
    return int(steps or 0), int(contracts or 0)


@cache
def _missing_records_statement():
    # built once: every staff list page runs it (building costs more than running it)
    on = bindparam("on")
    return select(
        func.sum(case((~has_step(), 1), else_=0)),
        func.sum(case((~has_active_contract(), 1), else_=0)),
    ).where(
        Employment.institution_id == bindparam("institution_id"),
        Employment.start_on <= on,
        or_(Employment.end_on.is_(None), Employment.end_on >= on),
    )


def department_options(institution_id: int) -> list[tuple[int, str]]:
    """Return the (id, name) of an institution's departments for a filter, active first."""
    return list(read_rows(_department_options_statement(), {"institution_id": institution_id}))


@cache
def _department_options_statement():
    return (
        select(Department.id, Department.name)
        .where(Department.institution_id == bindparam("institution_id"))
        .order_by(Department.is_active.desc(), Department.name)
    )


def current_appointment_id(on: date):
    """Return a correlated subquery: the id of the employment's appointment in force on ``on``."""
    return (
        select(Appointment.id)
        .where(
            Appointment.employment_id == Employment.id,
            Appointment.start_on <= on,
            or_(Appointment.end_on.is_(None), Appointment.end_on >= on),
        )
        .order_by(Appointment.start_on.desc(), Appointment.id.desc())
        .limit(1)
        .correlate(Employment)
        .scalar_subquery()
    )


def _search(q: str, *, full_id: bool):
    """Return the condition for a search by name, staff number or trailing ID characters."""
    text = unicodedata.normalize("NFKC", q).strip()
    upper = text.upper()
    parts = [
        Person.name.contains(text, autoescape=True),
        Employment.staff_number.startswith(upper, autoescape=True),
    ]
    # Someone who sees masked numbers may only search by the characters they can see.
    longest = 18 if full_id else VISIBLE_TAIL
    if _ID_TAIL.fullmatch(upper) and 4 <= len(upper) <= longest:
        parts.append(Person.citizen_id.endswith(upper, autoescape=True))
    return or_(*parts)


def staff_statement(
    filters: StaffFilters,
    on: date,
    *,
    institution_ids: Iterable[int] | None = None,
    full_id: bool = False,
) -> Select:
    """Return the employments (person loaded) of the institutions matching ``filters``.

    ``institution_ids`` None means every institution (the command line's export); pages
    always pass the institution they show. ``on`` is the date "active" and the post held
    are judged on. ``full_id``: the reader sees whole ID numbers, so may search by more than
    their visible tail.
    """
    stmt = (
        select(Employment)
        .join(Employment.person)
        .outerjoin(Employment.department)
        .options(contains_eager(Employment.person), contains_eager(Employment.department))
    )
    return _filtered(stmt, filters, on, institution_ids=institution_ids, full_id=full_id)


def _filtered(
    stmt: Select,
    filters: StaffFilters,
    on: date,
    *,
    institution_ids: Iterable[int] | None,
    full_id: bool,
) -> Select:
    """Return ``stmt`` (employments joined to their person and department) filtered."""
    if institution_ids is not None:
        stmt = stmt.where(Employment.institution_id.in_(sorted(set(institution_ids))))
    if filters.q:
        stmt = stmt.where(_search(filters.q, full_id=full_id))
    if filters.identity:
        stmt = stmt.where(Employment.identity == filters.identity)
    if filters.department_id:
        stmt = stmt.where(Employment.department_id == filters.department_id)
    if filters.without_salary_step:
        stmt = stmt.where(~has_step())
    if filters.without_contract:
        stmt = stmt.where(~has_active_contract())
    if filters.category or filters.grade:
        post = select(Appointment.id).where(Appointment.id == current_appointment_id(on))
        if filters.category:
            post = post.where(Appointment.category == filters.category)
        if filters.grade:
            post = post.where(Appointment.grade == filters.grade)
        stmt = stmt.where(post.exists())
    if filters.status == "active":
        stmt = stmt.where(or_(Employment.end_on.is_(None), Employment.end_on >= on))
    elif filters.status == "left":
        stmt = stmt.where(Employment.end_on < on)
    return stmt


class StaffRow(NamedTuple):
    """One line of the staff list page: plain values, no ORM objects to build."""

    id: int
    staff_number: str
    identity: str
    start_on: date
    end_on: date | None
    person_id: int
    name: str
    citizen_id: str
    department: str | None
    category: str | None
    grade: int | None
    post_name: str | None


def staff_rows(
    filters: StaffFilters,
    on: date,
    sort: Sort,
    *,
    institution_id: int,
    full_id: bool,
    page: int | None = None,
    per_page: int | None = None,
) -> Pagination:
    """Return one page of the staff list as :class:`StaffRow` values, each with the post it
    holds on ``on``, in one query for the rows and one for the count.

    The same filters and order as ``staff_statement`` (the export's); only the columns the
    page shows are read, so no person, department or appointment objects are built.
    """
    rows, counted = _staff_row_statements(filters, on, sort, institution_id, full_id)
    return _RowPagination(
        select=rows,
        count_select=counted,
        page=page,
        per_page=per_page or current_app.config.get("PAGE_SIZE", 20),
        max_per_page=200,
        error_out=False,
    )


@lru_cache(maxsize=256)
def _staff_row_statements(
    filters: StaffFilters, on: date, sort: Sort, institution_id: int, full_id: bool
) -> tuple[Select, Select]:
    """Return the rows and the count statements of a staff list, built once per list asked
    for (building a statement costs more than running it; the values are bound in it)."""
    column = STAFF_SORTS[sort.key]
    base = select(Employment.id).join(Employment.person).outerjoin(Employment.department)
    counted = _filtered(base, filters, on, institution_ids=[institution_id], full_id=full_id)
    post = aliased(Appointment)
    rows = (
        counted.with_only_columns(
            Employment.id,
            Employment.staff_number,
            Employment.identity,
            Employment.start_on,
            Employment.end_on,
            Employment.person_id,
            Person.name,
            Person.citizen_id,
            Department.name,
            post.category,
            post.grade,
            post.post_name,
            maintain_column_froms=True,
        )
        .outerjoin(post, post.id == current_appointment_id(on))
        .order_by(column.desc() if sort.descending else column.asc(), Employment.id)
    )
    count = select(func.count()).select_from(counted.order_by(None).subquery())
    return rows, count


@lru_cache(maxsize=256)
def _one_page(stmt: Select, limit: int, offset: int) -> Select:
    return stmt.limit(limit).offset(offset)


class _RowPagination(Pagination):
    """A page of plain rows (``SelectPagination`` reads ORM scalars), counted on a statement
    without the columns the page adds."""

    def _query_items(self) -> list[StaffRow]:
        stmt = _one_page(self._query_args["select"], self.per_page, self._query_offset)
        return [StaffRow._make(row) for row in read_rows(stmt)]

    def _query_count(self) -> int:
        return read_rows(self._query_args["count_select"]).scalar_one()


def with_current_post(stmt: Select, on: date) -> Select:
    """Return ``stmt`` (a staff statement) with each employment's post on ``on`` added
    as a second column (None where there is none)."""
    post = aliased(Appointment)
    return stmt.add_columns(post).outerjoin(post, post.id == current_appointment_id(on))


def current_appointments(employment_ids: list[int], on: date) -> dict[int, Appointment]:
    """Return {employment id: appointment in force on ``on``} for the given employments."""
    if not employment_ids:
        return {}
    found = db.session.scalars(
        _appointments_in_force(), {"employment_ids": employment_ids, "on": on}
    )
    return {a.employment_id: a for a in found}


@cache
def _appointments_in_force():
    # built once: every staff list page runs it (building costs more than running it)
    on = bindparam("on")
    return (
        select(Appointment)
        .where(
            Appointment.employment_id.in_(bindparam("employment_ids", expanding=True)),
            Appointment.start_on <= on,
            or_(Appointment.end_on.is_(None), Appointment.end_on >= on),
        )
        .order_by(Appointment.start_on, Appointment.id)
    )


def employment_or_404(institution_id: int, employment_id: int) -> Employment:
    """Return the institution's employment, or 404 (also for another institution's)."""
    return db.first_or_404(
        select(Employment).where(
            Employment.id == employment_id, Employment.institution_id == institution_id
        )
    )


def person_or_404(institution_id: int, person_id: int) -> Person:
    """Return a person who has (or had) an employment at the institution, or 404."""
    found = db.session.scalar(
        select(Person).where(
            Person.id == person_id,
            Person.id.in_(
                select(Employment.person_id).where(Employment.institution_id == institution_id)
            ),
        )
    )
    if found is None:
        abort(404)
    return found


def person_of_user(user_id: int) -> Person | None:
    """Return the person record linked to a login account, if any."""
    return db.session.scalar(select(Person).where(Person.user_id == user_id))


def history(employment_filter) -> tuple[list[Employment], dict[int, list[Appraisal]]]:
    """Return employments (newest first) with their institution, posts, contracts and 薪级
    records, and their appraisals by employment, in a fixed number of queries."""
    employments = (
        db.session.scalars(
            select(Employment)
            .where(employment_filter)
            .options(
                joinedload(Employment.institution),
                selectinload(Employment.appointments),
                selectinload(Employment.contracts),
                selectinload(Employment.salary_steps),
            )
            .order_by(Employment.start_on.desc(), Employment.id.desc())
        )
        .unique()
        .all()
    )
    appraisals: dict[int, list[Appraisal]] = {}
    if employments:
        found = db.session.scalars(
            select(Appraisal)
            .where(Appraisal.employment_id.in_([e.id for e in employments]))
            .options(joinedload(Appraisal.round))
        )
        for appraisal in found:
            appraisals.setdefault(appraisal.employment_id, []).append(appraisal)
        for items in appraisals.values():
            items.sort(key=lambda a: a.round.year, reverse=True)
    return employments, appraisals


def vacancies(institution_id: int, on: date) -> list[Vacancy]:
    """Return the 编制 and 员额 vacancies of an institution on a date (kinds it has)."""
    return [
        found
        for identity in QUOTA_FOR_IDENTITY
        if (found := vacancy(institution_id, identity, on)) is not None
    ]
