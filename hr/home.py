"""What HR contributes to users' home pages (declared in hr/module.py)."""

from __future__ import annotations

from sqlalchemy import select

from core.extensions import db
from core.home import Section
from core.ids import china_today
from core.permissions import scope_for
from hr.appraisals.queries import open_round_years
from hr.contracts.queries import count_expiring
from hr.pay.queries import count_without_steps
from hr.permissions import HR_MANAGE
from hr.staff.queries import count_without_contract
from institutions.models import Institution

#: Contracts ending within this many days are pending work (the contracts page's default).
EXPIRING_DAYS = 60


def staff_without_salary_steps(user) -> Section | None:
    """HR officers see, per institution they run HR for, the staff missing a record.

    Each with its count and a link: staff without a 薪级 record (the annual step and
    payroll skip them) and staff without a contract in force (to the staff list filtered
    to them), contracts ending within ``EXPIRING_DAYS`` days (to the contracts page), and
    appraisal rounds still open (to each round).
    """
    ids = scope_for(user, HR_MANAGE).institution_ids
    if not ids:
        return None
    today = china_today()
    counts = count_without_steps(ids, today)
    uncovered = count_without_contract(ids, today)
    expiring = count_expiring(ids, EXPIRING_DAYS, today)
    rounds = open_round_years(ids)
    institutions = db.session.scalars(
        select(Institution).where(Institution.id.in_(sorted(ids))).order_by(Institution.name)
    ).all()
    return Section(
        "hr/_home_pay.html",
        {
            "rows": [
                (institution, counts.get(institution.id, 0), uncovered.get(institution.id, 0))
                for institution in institutions
            ],
            "expiring": {i.id: expiring.get(i.id, 0) for i in institutions},
            "rounds": {i.id: rounds.get(i.id, []) for i in institutions},
            "within": EXPIRING_DAYS,
        },
        order=30,
    )
