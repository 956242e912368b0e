"""The amounts approved schemes hand to payroll runs (``payroll.inputs``): 奖励性绩效."""

from __future__ import annotations

from collections.abc import Iterator

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.extensions import db
from hospitals.models import PerformanceScheme, PerformanceShare, SchemeStatus
from payroll.inputs import InputProvider, PayInput

ITEM = "reward_performance"


def approved_amounts(institution_id: int, period: str) -> Iterator[PayInput]:
    """Yield each person's amount of the institution's approved scheme for ``period``."""
    rows = db.session.execute(
        select(PerformanceScheme.id, PerformanceShare.employment_id, PerformanceShare.amount)
        .join(PerformanceShare, PerformanceShare.scheme_id == PerformanceScheme.id)
        .where(
            PerformanceScheme.institution_id == institution_id,
            PerformanceScheme.period == period,
            PerformanceScheme.status == SchemeStatus.APPROVED.value,
        )
        .order_by(PerformanceShare.employment_id)
    )
    for scheme_id, employment_id, amount in rows:
        yield PayInput(employment_id, ITEM, amount, f"hospitals.performance:{scheme_id}")


PROVIDER = InputProvider(
    key="hospitals.performance",
    label=_l("医院岗位绩效方案"),
    owner="hospitals",
    provide=approved_amounts,
)
