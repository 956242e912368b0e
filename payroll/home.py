"""What payroll contributes to home pages: finance's current period and runs to approve."""

from __future__ import annotations

from sqlalchemy import select

from core.extensions import db
from core.home import Section
from core.ids import china_today
from core.permissions import scope_for
from institutions.models import Institution
from payroll.permissions import PAYROLL_APPROVE, PAYROLL_MANAGE
from payroll.runs import queries
from payroll.runs.models import PayRun
from payroll.runs.states import KIND_LABELS, STATUS_LABELS, RunKind


def finance_overview(user) -> Section | None:
    """Finance officers see, per institution, this month's run and what it waits for, and
    the runs others prepared that they may approve."""
    ids = scope_for(user, PAYROLL_MANAGE).institution_ids
    if not ids:
        return None
    period = china_today().strftime("%Y-%m")
    institutions = db.session.scalars(
        select(Institution).where(Institution.id.in_(sorted(ids))).order_by(Institution.name)
    ).all()
    current = {
        run.institution_id: run
        for run in db.session.scalars(
            select(PayRun).where(
                PayRun.institution_id.in_(sorted(ids)),
                PayRun.period == period,
                PayRun.kind == RunKind.REGULAR.value,
            )
        )
    }
    approvable = scope_for(user, PAYROLL_APPROVE).institution_ids
    return Section(
        "payroll/_home.html",
        {
            "period": period,
            "rows": [(institution, current.get(institution.id)) for institution in institutions],
            "pending": queries.pending_approval(approvable, user.id) if approvable else [],
            "status_labels": {s.value: label for s, label in STATUS_LABELS.items()},
            "kind_labels": {k.value: label for k, label in KIND_LABELS.items()},
        },
        order=35,
    )


def my_latest_payslip(user) -> Section | None:
    """Anyone with published payslips sees their latest one and a link to all of them."""
    from payroll.payslips.queries import payslips_of

    if not getattr(user, "is_authenticated", False):
        return None
    latest = payslips_of(user.id, limit=1)
    if not latest:
        return None
    return Section("payroll/_home_payslip.html", {"line": latest[0]}, order=36)
