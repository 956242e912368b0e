"""What hospitals contribute to users' home pages (declared in hospitals/module.py)."""

from __future__ import annotations

from sqlalchemy import func, select

from core.extensions import db
from core.home import Section
from core.ids import china_today
from core.permissions import scope_for
from hospitals.leaders.queries import terms_of
from hospitals.models import PerformanceScheme, SchemeStatus
from hospitals.permissions import HOSPITALS_MANAGE
from hospitals.transition.queries import coverage
from institutions.models import Institution, InstitutionKind


def pending(user) -> Section | None:
    """A hospital's admin and HR see, per hospital, what awaits them.

    Staff still without a post or a contract, performance schemes allocated but not yet
    approved, and leaders' terms that need action (ending soon, assessments missing).
    """
    ids = scope_for(user, HOSPITALS_MANAGE).institution_ids
    if not ids:
        return None
    hospitals = db.session.scalars(
        select(Institution)
        .where(Institution.id.in_(sorted(ids)), Institution.kind == InstitutionKind.HOSPITAL.value)
        .order_by(Institution.name)
    ).all()
    if not hospitals:
        return None
    today = china_today()
    awaiting = dict(
        db.session.execute(
            select(PerformanceScheme.institution_id, func.count())
            .where(
                PerformanceScheme.institution_id.in_([h.id for h in hospitals]),
                PerformanceScheme.status == SchemeStatus.ALLOCATED.value,
            )
            .group_by(PerformanceScheme.institution_id)
        ).all()
    )
    rows = [
        (
            hospital,
            coverage(hospital.id, today)[0],
            awaiting.get(hospital.id, 0),
            sum(1 for view in terms_of(hospital.id, today) if view.warnings),
        )
        for hospital in hospitals
    ]
    return Section("hospitals/_home.html", {"rows": rows}, order=35)
