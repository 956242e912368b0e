"""What schools hand to payroll: each confirmed allocation's amounts, in its pay period."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.extensions import db
from core.sqlite import reading
from payroll.inputs import InputProvider, PayInput
from schools.models import RewardAllocation, RewardLine, RewardStatus


def provide(institution_id: int, period: str) -> Iterable[PayInput]:
    """Return the 奖励性绩效 of the confirmed allocation of ``period`` (one query).

    Called outside a transaction (a preview, a report), the read starts deferred so it never
    waits for SQLite's write lock; inside a payroll run's transaction it simply joins it.
    """
    if db.session().in_transaction():
        return _provide(institution_id, period)
    with reading():
        return _provide(institution_id, period)


def _provide(institution_id: int, period: str) -> list[PayInput]:
    rows = db.session.execute(
        select(RewardAllocation.id, RewardLine.employment_id, RewardLine.amount)
        .join(RewardLine, RewardLine.allocation_id == RewardAllocation.id)
        .where(
            RewardAllocation.institution_id == institution_id,
            RewardAllocation.period == period,
            RewardAllocation.status == RewardStatus.FINAL,
        )
        .order_by(RewardLine.employment_id)
    )
    return [
        PayInput(employment_id, "reward_performance", amount, f"schools.reward:{allocation_id}")
        for allocation_id, employment_id, amount in rows
        if amount
    ]


PROVIDER = InputProvider(
    key="schools.reward", label=_l("学校奖励性绩效分配"), owner="schools", provide=provide
)
