"""What hospitals contribute to users' home pages (declared in hospitals/module.py)."""

from __future__ import annotations

from sqlalchemy import select

from core.extensions import db
from core.home import Section
from core.ids import china_today
from core.permissions import scope_for
from hospitals.permissions import HOSPITALS_MANAGE
from hospitals.transition.queries import coverage
from institutions.models import Institution, InstitutionKind


def pending(user) -> Section | None:
    """A hospital's admin and HR see, per hospital, the staff still without a post or contract."""
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
    rows = [(hospital, coverage(hospital.id, today)[0]) for hospital in hospitals]
    return Section("hospitals/_home.html", {"rows": rows}, order=35)
