"""What HR contributes to users' home pages (declared in hr/module.py)."""

from __future__ import annotations

from sqlalchemy import select

from core.extensions import db
from core.home import Section
from core.ids import china_today
from core.permissions import scope_for
from hr.pay.queries import count_without_steps
from hr.permissions import HR_MANAGE
from hr.staff.queries import count_without_contract
from institutions.models import Institution


def staff_without_salary_steps(user) -> Section | None:
    """HR officers see, per institution they run HR for, the staff missing a record.

    Two counts, each linking to the staff list filtered to those people: staff without a
    薪级 record (the annual step and payroll skip them) and staff without a contract in
    force.
    """
    ids = scope_for(user, HR_MANAGE).institution_ids
    if not ids:
        return None
    today = china_today()
    counts = count_without_steps(ids, today)
    uncovered = count_without_contract(ids, today)
    institutions = db.session.scalars(
        select(Institution).where(Institution.id.in_(sorted(ids))).order_by(Institution.name)
    ).all()
    return Section(
        "hr/_home_pay.html",
        {
            "rows": [
                (institution, counts.get(institution.id, 0), uncovered.get(institution.id, 0))
                for institution in institutions
            ]
        },
        order=30,
    )
