"""Payroll for the demo city (``flask seed-demo``): a second finance officer for the demo
school, its approved runs for the past months of this year and this month's run computed.

Runs after HR's demo step (``payroll/module.py``); safe to run again: a school that has runs
is left alone.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from core.auth import operations as accounts
from core.auth.models import Membership, User
from core.errors import Refusal
from core.extensions import db
from core.ids import china_today
from core.money import FEN
from core.roles import Role
from hr.models import Employment
from institutions.models import Institution
from institutions.seed import DEMO_PASSWORD
from payroll.amounts import ZERO
from payroll.models import PaySettings
from payroll.runs import operations as ops
from payroll.runs.models import PayRun

#: The demo school's finance officer (the registry's seed) and the second one added here.
PREPARER = "caiwu"
APPROVER = ("caiwu2", "丁宁（财务复核）")


def _approver(institution_id: int) -> User:
    username, full_name = APPROVER
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        user = accounts.create_user(
            username=username,
            full_name=full_name,
            password=DEMO_PASSWORD,
            must_change_password=False,
        )
        accounts.grant(user, Role.FINANCE_OFFICER, institution_id=institution_id)
    return user


def _demo_accounts(institution_id: int) -> dict[int, Decimal]:
    """Return {employment id: contribution base} of the school's staff; give the few the HR
    demo left without a bank account one, so that the months can be paid and closed."""
    found = {}
    rows = db.session.execute(
        select(Employment, PaySettings.contribution_base)
        .join(PaySettings, PaySettings.employment_id == Employment.id)
        .where(Employment.institution_id == institution_id)
    )
    for employment, base in rows:
        if not employment.bank_account:
            employment.bank_account = f"62220000{employment.id:011d}"
        found[employment.id] = base or Decimal("6000.00")
    return found


def _month_amounts(staff: dict[int, Decimal], month: int) -> dict[int, dict[str, Decimal]]:
    """Return the month's 基础性绩效 and 津贴补贴 (what finance imports), from the base:
    performance pay makes up most of a teacher's pay; a bonus in December."""
    amounts = {}
    for employment_id, base in staff.items():
        items = {
            "basic_performance": (base * Decimal("0.90")).quantize(FEN),
            "allowances": Decimal("1200.00"),
            "reward_performance": (base * Decimal("0.15")).quantize(FEN)
            if month % 3 == 0
            else ZERO,
        }
        if month == 12:
            items["bonus"] = (base * 2).quantize(FEN)
        amounts[employment_id] = items
    return amounts


def seed_demo_payroll() -> list[str]:
    """Give the demo school its payroll of this year so far."""
    preparer = db.session.scalar(select(User).where(User.username == PREPARER))
    if preparer is None:
        return []
    membership = db.session.scalar(
        select(Membership).where(
            Membership.user_id == preparer.id, Membership.role == Role.FINANCE_OFFICER.value
        )
    )
    if membership is None:
        return []
    institution = db.session.get(Institution, membership.institution_id)
    approver = _approver(institution.id)
    lines = ["", "演示工资："]
    if db.session.scalar(select(PayRun.id).where(PayRun.institution_id == institution.id)):
        lines.append(f"  {institution.name}：已有工资批次，未改动")
        return lines
    today = china_today()
    staff = _demo_accounts(institution.id)
    for month in range(1, today.month + 1):
        run = ops.create_run(institution, f"{today.year}-{month:02d}", preparer)
        ops.replace_imported(run, _month_amounts(staff, month), preparer, filename="演示数据")
        ops.compute_run(run, preparer)
        if month == today.month:
            break
        try:
            ops.submit_run(run, preparer)
            ops.approve_run(run, approver)
        except Refusal as refusal:
            lines.append(f"  {institution.name} {run.period}：{refusal}，停在已计算")
            break
    lines.append(
        f"  {institution.name}：{today.year} 年 1–{today.month} 月工资批次"
        f"（{APPROVER[0]} 审核，本月待提交）"
    )
    return lines
