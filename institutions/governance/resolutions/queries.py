"""Resolution reads: the institution's resolutions by year, their execution and opinions."""

from __future__ import annotations

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload

from core.extensions import db
from institutions.governance.models import (
    ExecutionReport,
    Motion,
    Resolution,
    SupervisoryOpinion,
)
from institutions.governance.numbering import parse_resolution_number


def resolutions_of(institution_id: int, year: int | None = None) -> list[Resolution]:
    stmt = select(Resolution).where(Resolution.institution_id == institution_id)
    if year is not None:
        stmt = stmt.where(Resolution.year == year)
    return list(db.session.scalars(stmt.order_by(Resolution.year, Resolution.number)))


def opinions_on(*, motion_ids=(), resolution_ids=(), report_ids=()) -> list[SupervisoryOpinion]:
    """Return the supervisors' opinions on the given motions, resolutions and reports."""
    clauses = []
    if motion_ids:
        clauses.append(SupervisoryOpinion.motion_id.in_(sorted(motion_ids)))
    if resolution_ids:
        clauses.append(SupervisoryOpinion.resolution_id.in_(sorted(resolution_ids)))
    if report_ids:
        clauses.append(SupervisoryOpinion.execution_report_id.in_(sorted(report_ids)))
    if not clauses:
        return []
    return list(
        db.session.scalars(
            select(SupervisoryOpinion)
            .where(or_(*clauses))
            .order_by(SupervisoryOpinion.created_at, SupervisoryOpinion.id)
        )
    )


def resolutions_stmt(institution_id: int, year: int | None, q: str | None) -> Select:
    """Return the statement of the institution's resolutions of ``year`` matching ``q`` (a
    number like 2026-4 or 〔2026〕4号, else words of the title or text)."""
    stmt = select(Resolution).where(Resolution.institution_id == institution_id)
    if year is not None:
        stmt = stmt.where(Resolution.year == year)
    if q:
        try:
            number_year, number = parse_resolution_number(q)
        except ValueError:
            stmt = stmt.where(
                or_(
                    Resolution.title.contains(q, autoescape=True),
                    Resolution.text.contains(q, autoescape=True),
                )
            )
        else:
            stmt = stmt.where(Resolution.year == number_year, Resolution.number == number)
    return stmt


def progress_of(resolution_ids) -> dict[int, int]:
    """Return {resolution id: the progress of its latest execution report}."""
    ids = sorted(set(resolution_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(ExecutionReport.resolution_id, ExecutionReport.progress)
        .where(ExecutionReport.resolution_id.in_(ids))
        .order_by(ExecutionReport.reported_at, ExecutionReport.id)
    )
    return dict(rows.all())


def resolution_years(institution_id: int) -> list[int]:
    """Return the years in which the institution passed resolutions, the latest first."""
    return list(
        db.session.scalars(
            select(Resolution.year)
            .where(Resolution.institution_id == institution_id)
            .distinct()
            .order_by(Resolution.year.desc())
        )
    )


def resolutions_for_export(
    institution_id: int, year: int | None, q: str | None
) -> list[Resolution]:
    return list(
        db.session.scalars(
            resolutions_stmt(institution_id, year, q)
            .options(selectinload(Resolution.motion))
            .order_by(Resolution.year, Resolution.number)
        )
    )


def resolution_of(institution_id: int, resolution_id: int) -> Resolution | None:
    return db.session.scalar(
        select(Resolution).where(
            Resolution.id == resolution_id, Resolution.institution_id == institution_id
        )
    )


def execution_reports(institution_id: int, resolution_id: int) -> list[ExecutionReport]:
    """Return the resolution's execution reports in the order they were made."""
    return list(
        db.session.scalars(
            select(ExecutionReport)
            .where(
                ExecutionReport.resolution_id == resolution_id,
                ExecutionReport.institution_id == institution_id,
            )
            .order_by(ExecutionReport.reported_at, ExecutionReport.id)
        )
    )


OPINION_TARGET_MODELS = {
    "motion": Motion,
    "resolution": Resolution,
    "execution_report": ExecutionReport,
}


def opinion_target(institution_id: int, kind: str, target_id: int):
    """Return the institution's motion, resolution or execution report an opinion is on."""
    model = OPINION_TARGET_MODELS[kind]
    return db.session.scalar(
        select(model).where(model.id == target_id, model.institution_id == institution_id)
    )
