"""Reads of the reward-performance allocations."""

from __future__ import annotations

from sqlalchemy import select

from core.extensions import db
from schools.models import RewardAllocation


def allocations(institution_id: int) -> list[RewardAllocation]:
    """Return the school's allocations, the newest pay period first."""
    return list(
        db.session.scalars(
            select(RewardAllocation)
            .where(RewardAllocation.institution_id == institution_id)
            .order_by(RewardAllocation.period.desc())
        )
    )
