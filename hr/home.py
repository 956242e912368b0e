"""What HR contributes to users' home pages (declared in hr/module.py)."""

from __future__ import annotations

from sqlalchemy import select

from core.extensions import db
from core.home import Section
from core.ids import china_today
from core.permissions import scope_for
from hr.pay.queries import count_without_steps
from hr.permissions import HR_MANAGE
from institutions.models import Institution


def staff_without_salary_steps(user) -> Section | None:
    """HR officers see, per institution they run HR for, the staff without a 薪级 record."""
    ids = scope_for(user, HR_MANAGE).institution_ids
    if not ids:
        return None
    counts = count_without_steps(ids, china_today())
    institutions = db.session.scalars(
        select(Institution).where(Institution.id.in_(sorted(ids))).order_by(Institution.name)
    ).all()
    return Section(
        "hr/_home_pay.html",
        {"rows": [(institution, counts.get(institution.id, 0)) for institution in institutions]},
        order=30,
    )
