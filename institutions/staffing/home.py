"""What the staffing office contributes to home pages: the work waiting for each user."""

from __future__ import annotations

from sqlalchemy import func, select

from core.extensions import db
from core.home import Section
from core.ids import china_today
from core.permissions import scope_for
from institutions.models import Institution
from institutions.staffing import parameters, queries
from institutions.staffing.models import (
    Evaluation,
    EvaluationStatus,
    QuotaRequest,
    RequestStatus,
)
from institutions.staffing.permissions import STAFFING_FILE, STAFFING_MANAGE


def office_work(user) -> Section | None:
    """The office: requests to decide, evaluations to review, reports due and late."""
    scope = scope_for(user, STAFFING_MANAGE)
    if not scope.city_wide:
        return None
    pending = db.session.scalar(
        select(func.count()).where(QuotaRequest.status == RequestStatus.SUBMITTED.value)
    )
    to_review = db.session.scalar(
        select(func.count()).where(Evaluation.status == EvaluationStatus.SUBMITTED.value)
    )
    today = china_today()
    year = today.year - 1
    deadline = parameters.report_deadline(year)
    lines = queries.report_lines(scope, queries.Place(), year, today, deadline)
    counts: dict[str, int] = {}
    for line in lines:
        counts[line.standing.status.value] = counts.get(line.standing.status.value, 0) + 1
    return Section(
        "staffing/_home_office.html",
        {
            "pending": pending,
            "to_review": to_review,
            "year": year,
            "deadline": deadline,
            "awaiting": counts.get("submitted", 0) + counts.get("late", 0),
            "overdue": counts.get("late", 0) + counts.get("missing", 0),
            "missing": counts.get("missing", 0),
        },
        order=8,
    )


def institution_work(user) -> Section | None:
    """An institution admin: the annual report to file, requests and evaluations under way."""
    scope = scope_for(user, STAFFING_FILE)
    if scope.city_wide or not scope.institution_ids:
        return None
    today = china_today()
    year = today.year - 1
    deadline = parameters.report_deadline(year)
    items = []
    institutions = db.session.scalars(
        select(Institution)
        .where(Institution.id.in_(sorted(scope.institution_ids)))
        .order_by(Institution.name)
    ).all()
    for institution in institutions:
        report = queries.report_of(institution.id, year)
        standing = queries.standing_of(report, year, today, deadline)
        requests = [
            r
            for r in queries.requests_of(institution.id)
            if r.status_enum is not RequestStatus.REJECTED
        ][:3]
        evaluations = [
            e for e in queries.evaluations_of(institution.id) if e.status_enum.institution_edits
        ]
        items.append(
            {
                "institution": institution,
                "standing": standing,
                "requests": requests,
                "evaluations": evaluations,
            }
        )
    return Section(
        "staffing/_home_institution.html",
        {"items": items, "year": year, "deadline": deadline},
        order=9,
    )
