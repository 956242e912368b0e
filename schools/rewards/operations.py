"""Writes of the reward-performance allocation: open a period, enter points, compute, confirm.

The plan (factors and weights) is the one the staff congress adopted: the allocation names
a passed reward-plan vote of the school's congress (``schools.staff_congress``); the amounts are computed by ``schools.reward.allocate`` (the pool to the fen,
the residue by largest remainder), never typed. A confirmed allocation is fixed and handed to
the payroll run of its period through payroll's inputs registry (``schools.rewards.payroll``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select

from core import audit
from core.extensions import db
from core.i18n import msg
from core.money import round_half_up
from schools import queries as school_queries
from schools.findings import SchoolsRefusal, errors
from schools.models import RewardAllocation, RewardLine, RewardStatus
from schools.reward import PLAN_TEMPLATE, RewardPlan, TeacherPoints, allocate, check_plan
from schools.staff_congress.operations import passed_plan

PERIOD = re.compile(r"^(20[0-9]{2})-(0[1-9]|1[0-2])$")


def period_end(period: str) -> date:
    """Return the last day of a pay period "YYYY-MM"."""
    year, month = int(period[:4]), int(period[5:])
    first_next = date(year + month // 12, month % 12 + 1, 1)
    return date.fromordinal(first_next.toordinal() - 1)


def _plan(weights: Mapping[str, Any]) -> list[dict[str, str]]:
    rows = []
    for factor in PLAN_TEMPLATE:
        raw = weights.get(factor["key"])
        try:
            weight = Decimal(str(raw)) if raw not in (None, "") else Decimal(0)
        except InvalidOperation:
            raise SchoolsRefusal(msg("权重应为数字"), field=f"weight_{factor['key']}") from None
        rows.append({**factor, "weight": f"{weight.normalize():f}"})
    used = [row for row in rows if Decimal(row["weight"]) != 0]
    problems = errors(check_plan(RewardPlan.from_rows(used)))
    if problems:
        raise SchoolsRefusal(problems[0].message, field="weights")
    return used


def open_allocation(
    institution_id: int, period: str, pool: Decimal, weights: Mapping[str, Any], plan_ref: str
) -> RewardAllocation:
    """Open a period's allocation for the staff employed at the period's end."""
    period = (period or "").strip()
    if not PERIOD.match(period):
        raise SchoolsRefusal(msg("工资期间应为 YYYY-MM，如 2026-12"), field="period")
    exists = db.session.scalar(
        select(RewardAllocation.id).where(
            RewardAllocation.institution_id == institution_id, RewardAllocation.period == period
        )
    )
    if exists is not None:
        raise SchoolsRefusal(msg("%(period)s 已有分配", period=period), field="period")
    if pool is None or not Decimal(pool).is_finite() or pool < 0:
        raise SchoolsRefusal(msg("分配总额不能为负数"), field="pool")
    if pool != round_half_up(pool):
        raise SchoolsRefusal(msg("分配总额最多两位小数"), field="pool")
    plan_ref = (plan_ref or "").strip()
    if passed_plan(institution_id, plan_ref) is None:
        raise SchoolsRefusal(
            msg("须选择本校教职工代表大会通过的奖励性绩效分配方案决议"), field="plan_ref"
        )
    plan = _plan(weights)
    allocation = RewardAllocation(
        institution_id=institution_id,
        period=period,
        pool=pool,
        plan=plan,
        plan_ref=plan_ref[:64],
        status=RewardStatus.DRAFT,
    )
    staff = school_queries.staff_rows(institution_id, period_end(period))
    if not staff:
        raise SchoolsRefusal(msg("该期间没有在岗教职工"), field="period")
    allocation.lines = [RewardLine(employment_id=row.employment_id, points={}) for row in staff]
    db.session.add(allocation)
    db.session.flush()
    audit.record(
        "reward_allocation.open",
        allocation,
        institution_id=institution_id,
        summary=f"{period} 奖励性绩效 {pool} 元",
    )
    return allocation


def _points(raw: Mapping[str, Any], keys: list[str], name: str) -> dict[str, str]:
    found = {}
    for key in keys:
        value = raw.get(key)
        if value in (None, ""):
            continue
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise SchoolsRefusal(
                msg("%(name)s的分值「%(value)s」不是数字", name=name, value=value)
            ) from None
        if not number.is_finite():
            raise SchoolsRefusal(msg("%(name)s的分值「%(value)s」不是数字", name=name, value=value))
        found[key] = f"{number.normalize():f}"
    return found


def compute(
    allocation: RewardAllocation, points: Mapping[int, Mapping[str, Any]]
) -> RewardAllocation:
    """Store the points entered ({employment id: {factor: points}}) and compute the amounts."""
    if allocation.is_final:
        raise SchoolsRefusal(msg("分配已确定，不能修改"))
    keys = [row["key"] for row in allocation.plan]
    for line in allocation.lines:
        if line.employment_id in points:
            line.points = _points(points[line.employment_id], keys, line.employment.person.name)
    result = allocate(
        allocation.pool,
        RewardPlan.from_rows(allocation.plan),
        [
            TeacherPoints(line.employment_id, line.employment.person.name, line.points)
            for line in allocation.lines
        ],
    )
    amounts = result.amounts()
    for line in allocation.lines:
        line.amount = amounts[line.employment_id]
    allocation.residue_fen = result.residue_fen
    db.session.flush()
    audit.record(
        "reward_allocation.compute",
        allocation,
        institution_id=allocation.institution_id,
        summary=f"{allocation.period} 奖励性绩效 {allocation.pool} 元，{len(amounts)} 人",
    )
    return allocation


def confirm(allocation: RewardAllocation) -> RewardAllocation:
    """Fix a computed allocation; its amounts go to the payroll run of its period."""
    if allocation.is_final:
        raise SchoolsRefusal(msg("分配已确定"))
    if any(line.amount is None for line in allocation.lines):
        raise SchoolsRefusal(msg("请先录入分值并计算"))
    total = sum((line.amount for line in allocation.lines), Decimal("0.00"))
    if total != allocation.pool:  # the rule guarantees it; a stale computation would not
        raise SchoolsRefusal(msg("各人金额之和与分配总额不符，请重新计算"))
    allocation.status = RewardStatus.FINAL
    db.session.flush()
    audit.record(
        "reward_allocation.confirm",
        allocation,
        institution_id=allocation.institution_id,
        summary=f"{allocation.period} 奖励性绩效 {allocation.pool} 元",
        changes={"status": [RewardStatus.DRAFT, RewardStatus.FINAL]},
    )
    return allocation
