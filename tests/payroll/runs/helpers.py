"""Building staff with everything payroll needs, and running a month through four eyes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from core.extensions import db
from core.roles import Role
from hr.models import Appointment, SalaryStep
from payroll.models import PaySettings
from payroll.runs import operations as ops
from tests.factories import create_employment, create_user


def paid_employee(
    institution,
    *,
    grade: int = 9,
    step: int = 20,
    base: str = "10000",
    start_on: date = date(2020, 9, 1),
    bank_account: str | None = "6222000011112222",
    settings: bool = True,
    **overrides,
):
    """Return an employment on 专技 ``grade`` and 薪级 ``step`` with bases of ``base``."""
    employment = create_employment(
        institution, start_on=start_on, bank_account=bank_account, **overrides
    )
    db.session.add(
        Appointment(
            employment_id=employment.id,
            institution_id=institution.id,
            category="professional",
            grade=grade,
            post_name="教师",
            start_on=start_on,
        )
    )
    db.session.add(SalaryStep(employment_id=employment.id, effective_on=start_on, step=step))
    if settings:
        db.session.add(
            PaySettings(
                employment_id=employment.id,
                effective_on=start_on,
                contribution_base=Decimal(base),
                fund_base=Decimal(base),
                fund_rate=Decimal("0.120"),
                has_occupational_annuity=True,
                special_deductions={},
            )
        )
    db.session.flush()
    return employment


def finance_pair(institution):
    """Return two finance officers of the institution: a preparer and an approver."""
    return (
        create_user(Role.FINANCE_OFFICER, institution=institution),
        create_user(Role.FINANCE_OFFICER, institution=institution),
    )


def approved_run(institution, period, preparer, approver, overrides=()):
    """Create, compute, submit and approve a regular run; ``overrides`` are
    (employment, item, amount) set before computing."""
    run = ops.create_run(institution, period, preparer)
    for employment, item, amount in overrides:
        ops.set_override(run, employment.id, item, amount, "测试", preparer)
    ops.compute_run(run, preparer)
    ops.submit_run(run, preparer)
    ops.approve_run(run, approver)
    return run
