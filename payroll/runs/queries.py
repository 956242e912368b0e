"""Reads of payroll runs and lines; lists are filtered by the user's scope in the query."""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import abort
from sqlalchemy import Select, and_, or_, select

from core.auth.models import Membership, User
from core.bulk import chunks
from core.extensions import db
from core.roles import Role
from hr.models import Appointment, Department, Employment, Person, SalaryStep
from payroll.models import PaySettings
from payroll.runs.models import PayRun, PayRunAmount, PayRunLine
from payroll.runs.states import LOCKED, RunStatus

LINE_SORTS = {
    "staff_number": PayRunLine.staff_number,
    "name": PayRunLine.name,
    "department": PayRunLine.department,
    "gross": PayRunLine.gross,
    "net_pay": PayRunLine.net_pay,
    "income_tax": PayRunLine.income_tax,
}


def period_bounds(year: int, month: int) -> tuple[date, date]:
    """Return the first and last day of a month."""
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def runs_of(institution_id: int) -> list[PayRun]:
    """Return an institution's runs, newest period first."""
    return list(
        db.session.scalars(
            select(PayRun)
            .where(PayRun.institution_id == institution_id)
            .order_by(PayRun.period.desc(), PayRun.id.desc())
        )
    )


def run_or_404(institution_id: int, run_id: int) -> PayRun:
    run = db.session.get(PayRun, run_id)
    if run is None or run.institution_id != institution_id:
        abort(404)
    return run


def line_or_404(run: PayRun, line_id: int) -> PayRunLine:
    line = db.session.get(PayRunLine, line_id)
    if line is None or line.run_id != run.id:
        abort(404)
    return line


def _core_rows(statement: Any) -> Any:
    """Execute a select of columns on the session's connection, as plain rows.

    The reads of a computation fetch tens of thousands of tuples; going through the ORM
    (``session.execute``) costs about as much again for nothing, columns need no identity
    map. The session is flushed first, as ``session.execute`` would (autoflush)."""
    db.session.flush()
    return db.session.connection().execute(statement)


def lines_statement(run_id: int, q: str | None = None, problems: bool = False) -> Select:
    """Return a run's lines, searched by 工号, name or department, optionally only those
    with problems."""
    stmt = select(PayRunLine).where(PayRunLine.run_id == run_id)
    if q:
        like = f"%{q}%"
        stmt = stmt.where(
            or_(
                PayRunLine.staff_number.like(like),
                PayRunLine.name.like(like),
                PayRunLine.department.like(like),
            )
        )
    if problems:
        stmt = stmt.where(PayRunLine.problem_count > 0)
    return stmt


def active_employments(institution_id: int, start: date, end: date) -> list[Employment]:
    """Return the employments of an institution that are active at some day of the period."""
    return list(
        db.session.scalars(
            select(Employment)
            .where(
                Employment.institution_id == institution_id,
                Employment.start_on <= end,
                or_(Employment.end_on.is_(None), Employment.end_on >= start),
            )
            .order_by(Employment.staff_number, Employment.id)
        )
    )


def blocking_runs(run: PayRun) -> list[PayRun]:
    """Return the runs of the same year that must be locked before ``run`` is computed
    (earlier periods, and the same period's runs created before it)."""
    return list(
        db.session.scalars(
            select(PayRun).where(
                PayRun.institution_id == run.institution_id,
                PayRun.period.like(f"{run.year}-%"),
                PayRun.id != run.id,
                or_(
                    PayRun.period < run.period,
                    and_(PayRun.period == run.period, PayRun.id < run.id),
                ),
                PayRun.status.notin_(LOCKED),
            )
        )
    )


def later_runs(run: PayRun) -> list[PayRun]:
    """Return the runs of the same year after ``run`` (in payment order) that already have
    lines: their tax was computed without ``run``, so it may not be computed now."""
    return list(
        db.session.scalars(
            select(PayRun).where(
                PayRun.institution_id == run.institution_id,
                PayRun.period.like(f"{run.year}-%"),
                PayRun.id != run.id,
                or_(
                    PayRun.period > run.period,
                    and_(PayRun.period == run.period, PayRun.id > run.id),
                ),
                PayRun.status != RunStatus.DRAFT.value,
            )
        )
    )


def basis_records(run: PayRun, person_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    """Return {person id: the stored tax records of the year paid before ``run``, in order}.

    Only locked runs count (``blocking_runs`` refuses a computation while an earlier one is
    open), each line once: the year to date never counts a payment twice.
    """
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    ids = sorted(set(person_ids))
    for part in chunks(ids):
        rows = _core_rows(
            select(PayRunLine.person_id, PayRunLine.tax_record)
            .join(PayRun, PayRun.id == PayRunLine.run_id)
            .where(
                PayRunLine.institution_id == run.institution_id,
                PayRunLine.year == run.year,
                PayRunLine.person_id.in_(part),
                PayRun.status.in_(LOCKED),
                PayRun.id != run.id,
                or_(
                    PayRun.period < run.period,
                    and_(PayRun.period == run.period, PayRun.id < run.id),
                ),
            )
            .order_by(PayRunLine.person_id, PayRun.period, PayRun.id)
        )
        for person_id, record in rows:
            found[person_id].append(record)
    return found


def amounts_of(run_id: int) -> list[PayRunAmount]:
    return list(
        db.session.scalars(
            select(PayRunAmount)
            .where(PayRunAmount.run_id == run_id)
            .order_by(PayRunAmount.employment_id, PayRunAmount.item)
        )
    )


def finance_users(institution_id: int, excluding: Iterable[int | None] = ()) -> list[User]:
    """Return the active finance officers of an institution (those who may approve)."""
    excluded = {user_id for user_id in excluding if user_id is not None}
    users = db.session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.institution_id == institution_id,
            Membership.role == Role.FINANCE_OFFICER.value,
            User.is_active.is_(True),
        )
        .order_by(User.id)
    )
    return [user for user in users.unique() if user.id not in excluded]


def pending_approval(institution_ids: Select | Iterable[int], user_id: int) -> list[PayRun]:
    """Return runs waiting for approval that ``user_id`` may decide (not prepared by them)."""
    ids = institution_ids if isinstance(institution_ids, Select) else sorted(set(institution_ids))
    return list(
        db.session.scalars(
            select(PayRun)
            .where(
                PayRun.institution_id.in_(ids),
                PayRun.status == RunStatus.SUBMITTED.value,
                or_(PayRun.computed_by_id.is_(None), PayRun.computed_by_id != user_id),
                or_(PayRun.submitted_by_id.is_(None), PayRun.submitted_by_id != user_id),
            )
            .order_by(PayRun.submitted_at)
            .limit(50)
        )
    )


# --------------------------------------------------------------------------- a run's inputs
# Column reads over the whole institution (no ORM objects, no IN lists): a run reads every
# person's HR records and settings as of one day in a handful of statements.


@dataclass(frozen=True)
class Staff:
    """Who a line is for, as of the run."""

    id: int
    person_id: int
    staff_number: str
    name: str
    department: str | None
    start_on: date
    end_on: date | None
    bank_account: str | None


def staff_of(
    institution_id: int, start: date, end: date, employment_ids: Iterable[int] | None = None
) -> list[Staff]:
    """Return the employments active at some day of the period (or those named), by 工号."""
    stmt = (
        select(
            Employment.id,
            Employment.person_id,
            Employment.staff_number,
            Person.name,
            Department.name,
            Employment.start_on,
            Employment.end_on,
            Employment.bank_account,
        )
        .join(Person, Person.id == Employment.person_id)
        .outerjoin(Department, Department.id == Employment.department_id)
        .where(Employment.institution_id == institution_id)
        .order_by(Employment.staff_number, Employment.id)
    )
    if employment_ids is None:
        stmt = stmt.where(
            Employment.start_on <= end, or_(Employment.end_on.is_(None), Employment.end_on >= start)
        )
    else:
        stmt = stmt.where(Employment.id.in_(sorted(set(employment_ids))))
    return [Staff(*row) for row in _core_rows(stmt)]


def posts_on(institution_id: int, on: date) -> dict[int, tuple[str, int]]:
    """Return {employment id: (category, grade)} of the appointments in force on ``on``."""
    rows = _core_rows(
        select(Appointment.employment_id, Appointment.category, Appointment.grade)
        .where(
            Appointment.institution_id == institution_id,
            Appointment.start_on <= on,
            or_(Appointment.end_on.is_(None), Appointment.end_on >= on),
        )
        .order_by(Appointment.start_on, Appointment.id)
    )
    return {employment_id: (category, grade) for employment_id, category, grade in rows}


def steps_on(institution_id: int, on: date) -> dict[int, int]:
    """Return {employment id: 薪级} in effect on ``on``."""
    rows = _core_rows(
        select(SalaryStep.employment_id, SalaryStep.step)
        .join(Employment, Employment.id == SalaryStep.employment_id)
        .where(Employment.institution_id == institution_id, SalaryStep.effective_on <= on)
        .order_by(SalaryStep.effective_on)
    )
    return {employment_id: step for employment_id, step in rows}


@dataclass(frozen=True)
class Settings:
    """Payroll's money settings of an employment in effect on a day."""

    contribution_base: Any
    fund_base: Any
    fund_rate: Any
    special_deductions: Any
    is_first_job_this_year: bool
    has_prior_year_low_income: bool
    has_occupational_annuity: bool


def settings_of(institution_id: int, on: date) -> dict[int, Settings]:
    """Return {employment id: settings in effect on ``on`` (else the earliest)}."""
    rows = _core_rows(
        select(
            PaySettings.employment_id,
            PaySettings.effective_on,
            PaySettings.contribution_base,
            PaySettings.fund_base,
            PaySettings.fund_rate,
            PaySettings.special_deductions,
            PaySettings.is_first_job_this_year,
            PaySettings.has_prior_year_low_income,
            PaySettings.has_occupational_annuity,
        )
        .join(Employment, Employment.id == PaySettings.employment_id)
        .where(Employment.institution_id == institution_id)
        .order_by(PaySettings.effective_on)
    )
    found: dict[int, Settings] = {}
    for employment_id, effective_on, *values in rows:
        if employment_id not in found or effective_on <= on:
            found[employment_id] = Settings(*values)
    return found


#: the summed items of the cross-institution 工资表 (``institution_pay_sheet``)
SUMMARY_FIELDS = (
    "post_wage",
    "step_wage",
    "basic_performance",
    "reward_performance",
    "allowances",
    "other_pay",
    "bonus",
    "gross",
    "pension",
    "annuity",
    "medical",
    "unemployment",
    "housing_fund",
    "income_tax",
    "bonus_tax",
    "other_deductions",
    "total_deductions",
    "net_pay",
    "employer_total",
)


def institution_pay_sheet(scope_clause: Any, period: str) -> list[dict[str, Any]]:
    """Return the cross-institution 工资表 of a period: per institution in scope, the locked
    runs' (regular and corrections) people and every item summed — aggregates only, never a
    person's line."""
    from sqlalchemy import func

    from institutions.models import Institution, Sponsor

    sums = [func.sum(getattr(PayRunLine, name)).label(name) for name in SUMMARY_FIELDS]
    rows = db.session.execute(
        select(
            Institution.id,
            Institution.credit_code,
            Institution.name,
            Sponsor.name.label("sponsor"),
            func.count(func.distinct(PayRun.id)).label("runs"),
            func.count(func.distinct(PayRunLine.person_id)).label("people"),
            *sums,
        )
        .join(Sponsor, Sponsor.id == Institution.sponsor_id)
        .join(PayRun, PayRun.institution_id == Institution.id)
        .join(PayRunLine, PayRunLine.run_id == PayRun.id)
        .where(scope_clause, PayRun.period == period, PayRun.status.in_(LOCKED))
        .group_by(Institution.id, Institution.credit_code, Institution.name, Sponsor.name)
        .order_by(Sponsor.name, Institution.name)
    )
    return [
        {
            "institution_code": row.credit_code,
            "institution": row.name,
            "sponsor": row.sponsor,
            "runs": row.runs,
            "people": row.people,
            **{name: getattr(row, name) for name in SUMMARY_FIELDS},
        }
        for row in rows
    ]
