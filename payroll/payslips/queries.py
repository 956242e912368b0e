"""Reads of one employee's payslips: only lines of approved or paid runs, only their own."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from core.extensions import db
from hr.models import Person
from payroll.runs.models import PayRun, PayRunLine
from payroll.runs.states import LOCKED


def _own_lines(user_id: int):
    return (
        select(PayRunLine)
        .join(PayRun, PayRun.id == PayRunLine.run_id)
        .join(Person, Person.id == PayRunLine.person_id)
        .where(Person.user_id == user_id, PayRun.status.in_(LOCKED))
    )


def payslips_of(user_id: int, limit: int = 36) -> list[PayRunLine]:
    """Return the user's published pay lines, newest first."""
    stmt = _own_lines(user_id).order_by(PayRun.period.desc(), PayRun.id.desc()).limit(limit)
    return list(db.session.scalars(stmt))


def payslip_or_404(user_id: int, line_id: int) -> PayRunLine:
    """Return one of the user's own published lines; anyone else's is 404."""
    line = db.session.scalar(_own_lines(user_id).where(PayRunLine.id == line_id))
    if line is None:
        abort(404)
    return line


def year_to_date(line: PayRunLine) -> dict:
    """Return the year's totals for the person at the employer up to and including ``line``."""
    rows = db.session.execute(
        select(PayRunLine.gross, PayRunLine.income_tax, PayRunLine.bonus_tax, PayRunLine.net_pay)
        .join(PayRun, PayRun.id == PayRunLine.run_id)
        .where(
            PayRunLine.person_id == line.person_id,
            PayRunLine.institution_id == line.institution_id,
            PayRunLine.year == line.year,
            PayRun.status.in_(LOCKED),
            (PayRun.period < line.run.period)
            | ((PayRun.period == line.run.period) & (PayRun.id <= line.run_id)),
        )
    ).all()
    return {
        "gross": sum((r.gross for r in rows), line.gross * 0),
        "tax": sum((r.income_tax + r.bonus_tax for r in rows), line.gross * 0),
        "net_pay": sum((r.net_pay for r in rows), line.gross * 0),
    }
