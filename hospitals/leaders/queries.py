"""Reads of leaders' term contracts, with what the rules say about each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.extensions import db
from hospitals.findings import Finding, Level
from hospitals.leaders.notices import term_end_notice
from hospitals.leaders.operations import findings, leadership_rules
from hospitals.models import LeaderTerm
from hr.models import Employment


@dataclass(frozen=True)
class TermView:
    term: LeaderTerm
    findings: list[Finding]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level is not Level.NOTICE]


def _view(term: LeaderTerm, today: date, window: int) -> TermView:
    found = findings(term, today)
    notice = term_end_notice(term.employment.person.name, term.post, term.end_on, today, window)
    return TermView(term, [notice, *found] if notice else found)


def terms_of(institution_id: int, today: date) -> list[TermView]:
    """Return the hospital's terms, current first, each with its findings."""
    window = leadership_rules(today).end_of_term_window_days
    terms = db.session.scalars(
        select(LeaderTerm)
        .where(LeaderTerm.institution_id == institution_id)
        .options(selectinload(LeaderTerm.targets), selectinload(LeaderTerm.assessments))
        .order_by(LeaderTerm.end_on.desc(), LeaderTerm.id)
    ).all()
    return [_view(term, today, window) for term in terms]


def term_or_404(institution_id: int, term_id: int) -> LeaderTerm:
    term = db.session.get(LeaderTerm, term_id)
    if term is None or term.institution_id != institution_id:
        abort(404)
    return term


def term_view(term: LeaderTerm, today: date) -> TermView:
    return _view(term, today, leadership_rules(today).end_of_term_window_days)


def employment_by_number(institution_id: int, staff_number: str) -> Employment | None:
    return db.session.scalar(
        select(Employment).where(
            Employment.institution_id == institution_id,
            Employment.staff_number == (staff_number or "").strip(),
        )
    )
