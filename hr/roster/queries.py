"""Reads of the roster: the lookups an import's checks make (set-based), and the export.

``export_rows`` reads any filtered list of employments back in the import's columns, a few
queries per thousand rows; its filters are the staff list's (``hr.staff.queries``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, case, func, or_, select

from core.extensions import db
from core.ids import (
    china_today,
    mask_citizen_id,
)
from core.modules import platform
from hr.models import (
    Appointment,
    Department,
    Employment,
    Person,
    SalaryStep,
)
from hr.roster.excel import CATEGORY_LABELS, IDENTITY_LABELS, grade_text
from hr.staff.masking import shown_bank_account
from hr.staff.queries import StaffFilters, staff_statement
from institutions.models import Institution

# --------------------------------------------------------------------------- database checks

_CHUNK = 5000


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass(frozen=True)
class InstitutionRef:
    id: int
    credit_code: str
    name: str


def institutions_by_code(codes: Iterable[str]) -> dict[str, InstitutionRef]:
    """Return {credit code: institution} for the registered ones among ``codes``."""
    found: dict[str, InstitutionRef] = {}
    for chunk in _chunks(sorted(set(codes))):
        stmt = select(Institution.id, Institution.credit_code, Institution.name).where(
            Institution.credit_code.in_(chunk)
        )
        for row in db.session.execute(stmt):
            found[row.credit_code] = InstitutionRef(row.id, row.credit_code, row.name)
    return found


def people_by_citizen_id(numbers: Iterable[str]) -> dict[str, tuple[int, str]]:
    """Return {citizen id: (person id, name)} for the people already on file."""
    found: dict[str, tuple[int, str]] = {}
    for chunk in _chunks(sorted(set(numbers))):
        stmt = select(Person.id, Person.citizen_id, Person.name).where(Person.citizen_id.in_(chunk))
        for row in db.session.execute(stmt):
            found[row.citizen_id] = (row.id, row.name)
    return found


def staff_numbers_in_use(institution_ids: Iterable[int]) -> set[tuple[int, str]]:
    """Return (institution id, staff number) of every employment, past or present, there."""
    used: set[tuple[int, str]] = set()
    for chunk in _chunks(sorted(set(institution_ids)), 500):
        stmt = select(Employment.institution_id, Employment.staff_number).where(
            Employment.institution_id.in_(chunk)
        )
        used.update(db.session.execute(stmt).tuples())
    return used


def active_employments(
    person_ids: Iterable[int], on: date
) -> dict[int, list[tuple[int, str, str]]]:
    """Return {person id: [(institution id, staff number, identity)]} of employments on ``on``."""
    found: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for chunk in _chunks(sorted(set(person_ids))):
        stmt = select(
            Employment.person_id,
            Employment.institution_id,
            Employment.staff_number,
            Employment.identity,
        ).where(
            Employment.person_id.in_(chunk),
            or_(Employment.end_on.is_(None), Employment.end_on >= on),
        )
        for person_id, institution_id, staff_number, identity in db.session.execute(stmt):
            found[person_id].append((institution_id, staff_number, identity))
    return found


# --------------------------------------------------------------------------- export

#: The export's states: the staff list's, and "all" (the same as none).
STATUSES = ("active", "left", "all")

#: The registry through which payroll gives the roster export the money columns it keeps
#: (缴费基数, 公积金基数, 公积金比例): ``provides={ROSTER_PAY_SETTINGS: [fn]}`` in its module,
#: ``fn(employment_ids, on) -> {employment_id: {"contribution_base": ..., "fund_base": ...,
#: "fund_rate": ...}}`` in one query. HR keeps none of them and never imports payroll.
ROSTER_PAY_SETTINGS = "roster_pay_settings"


def _money(employment_ids: Sequence[int], on: date) -> dict[int, dict[str, Any]]:
    """Return the money columns the registered providers give for the employments."""
    found: dict[int, dict[str, Any]] = {}
    for provide in platform().provided(ROSTER_PAY_SETTINGS):
        for employment_id, values in provide(employment_ids, on).items():
            found.setdefault(employment_id, {}).update(values)
    return found


def _among(column: Any, ids: Sequence[int]) -> Any:
    """Return a clause keeping rows whose ``column`` is one of ``ids``, or a few more.

    A chunk of an export is usually a run of nearly consecutive ids (one institution's
    staff, in staff-number order): then a range costs the database nothing to compile or
    plan, where 5,000 bound parameters did; the rows outside the chunk are never looked up.
    """
    low, high = min(ids), max(ids)
    if high - low < 2 * len(ids):
        return column.between(low, high)
    return column.in_(ids)


def export_count(
    *, institution_ids: Sequence[int] | None = None, full_id: bool = True, **filters: Any
) -> int:
    """Return how many rows ``export_rows`` would yield for the same filters."""
    on = china_today()
    status = filters.pop("status", "active")
    wanted = StaffFilters(**filters, status=None if status == "all" else status)
    stmt = staff_statement(wanted, on, institution_ids=institution_ids, full_id=full_id)
    counted = stmt.with_only_columns(Employment.id).order_by(None).subquery()
    return db.session.scalar(select(func.count()).select_from(counted)) or 0


def export_rows(
    stmt: Select | None = None,
    *,
    mask_ids: bool = False,
    on: date | None = None,
    chunk: int = _CHUNK,
    institution_ids: Sequence[int] | None = None,
    full_id: bool = True,
    **filters: Any,
) -> Iterator[dict[str, Any]]:
    """Yield roster rows (the import's fields) for a select of employments, or for filters.

    ``stmt`` is any select of ``Employment`` (with its own joins and filters); without it
    the staff list's statement is used with ``filters`` (the fields of
    ``hr.staff.queries.StaffFilters``; ``status`` "active" unless given, "all" or None for
    both states) over ``institution_ids`` (None: all). Rows come ordered by 单位代码 and
    工号, with the post and 薪级 in force on ``on`` (and payroll's money columns, see
    ``ROSTER_PAY_SETTINGS``) (default today). ``mask_ids``
    hides the middle of ID numbers, for readers who may not see them.
    """
    on = on or china_today()
    if stmt is None:
        status = filters.pop("status", "active")
        wanted = StaffFilters(**filters, status=None if status == "all" else status)
        stmt = staff_statement(wanted, on, institution_ids=institution_ids, full_id=full_id)
    matching = stmt.with_only_columns(Employment.id).order_by(None).scalar_subquery()
    ids = list(
        db.session.scalars(
            select(Employment.id)
            .join(Institution, Institution.id == Employment.institution_id)
            .where(Employment.id.in_(matching))
            .order_by(Institution.credit_code, Employment.staff_number, Employment.id)
        )
    )
    # The post and 薪级 are picked in the database, one indexed lookup per row: the post held
    # on ``on`` (else the latest), by start date then id; the 薪级 version in effect on
    # ``on`` (else the earliest to come).
    held = and_(
        Appointment.start_on <= on, or_(Appointment.end_on.is_(None), Appointment.end_on >= on)
    )
    post_id = (
        select(Appointment.id)
        .where(Appointment.employment_id == Employment.id)
        .order_by(
            case((held, 1), else_=0).desc(), Appointment.start_on.desc(), Appointment.id.desc()
        )
        .limit(1)
        .correlate(Employment)
        .scalar_subquery()
    )
    past = SalaryStep.effective_on <= on
    salary_step = (
        select(SalaryStep.step)
        .where(SalaryStep.employment_id == Employment.id)
        .order_by(
            case((past, 0), else_=1),
            case((past, SalaryStep.effective_on)).desc(),
            case((past, SalaryStep.id)).desc(),
            SalaryStep.effective_on,
            SalaryStep.id,
        )
        .limit(1)
        .correlate(Employment)
        .scalar_subquery()
    )
    connection = db.session.connection()
    mask, identity_label, category_label = mask_citizen_id, IDENTITY_LABELS.get, CATEGORY_LABELS.get
    for part in _chunks(ids, chunk):
        base = connection.execute(
            select(
                Employment.id,
                Employment.staff_number,
                Employment.identity,
                Department.name.label("department"),
                Employment.start_on,
                Employment.bank_account,
                Institution.credit_code,
                Person.name,
                Person.citizen_id,
                Appointment.category,
                Appointment.grade,
                Appointment.post_name,
                salary_step.label("salary_step"),
            )
            .join(Institution, Institution.id == Employment.institution_id)
            .join(Person, Person.id == Employment.person_id)
            .outerjoin(Department, Department.id == Employment.department_id)
            .outerjoin(Appointment, Appointment.id == post_id)
            .where(_among(Employment.id, part))
        ).all()
        money = _money(part, on)
        by_id = {row.id: row for row in base}
        no_money: dict[str, Any] = {}
        for employment_id in part:
            row = by_id[employment_id]
            category = row.category
            settings = money.get(employment_id, no_money)
            citizen_id = row.citizen_id
            yield {
                "institution_code": row.credit_code,
                "staff_number": row.staff_number,
                "name": row.name,
                "citizen_id": mask(citizen_id) if mask_ids else citizen_id,
                "department": row.department,
                "identity": identity_label(row.identity, row.identity),
                "category": category_label(category) if category else None,
                "grade_text": grade_text(category, row.grade) if category else None,
                "post_name": row.post_name if category else None,
                "salary_step": row.salary_step,
                "start_on": row.start_on,
                "bank_account": shown_bank_account(row.bank_account, not mask_ids),
                "contribution_base": settings.get("contribution_base"),
                "fund_base": settings.get("fund_base"),
                "fund_rate": settings.get("fund_rate"),
            }
