"""Tell the registry's quota ledger how many 编制 and 员额 places HR's staff occupy."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, or_, select

from core.extensions import db
from hr.headcount import QUOTA_FOR_IDENTITY
from hr.models import Employment, Identity
from institutions.headcount_providers import register
from institutions.models import QuotaKind


@register
def occupied_places(institution_id: int, on: date) -> dict[QuotaKind, int]:
    """Return {quota kind: people employed on ``on`` under an identity using it} in one query."""
    rows = db.session.execute(
        select(Employment.identity, func.count())
        .where(
            Employment.institution_id == institution_id,
            Employment.identity.in_([i.value for i in QUOTA_FOR_IDENTITY]),
            Employment.start_on <= on,
            or_(Employment.end_on.is_(None), Employment.end_on >= on),
        )
        .group_by(Employment.identity)
    )
    counts = dict.fromkeys(QUOTA_FOR_IDENTITY.values(), 0)
    for identity, count in rows:
        counts[QUOTA_FOR_IDENTITY[Identity(identity)]] += count
    return counts
