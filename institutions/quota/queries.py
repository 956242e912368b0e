"""The quota ledger read: how many 编制 / 员额 an institution holds on a date."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from core.extensions import db
from institutions.models import QuotaEntry, QuotaKind


def quota_on(institution_id: int, kind: QuotaKind, on: date) -> int:
    """Return the approved (or filed) quota of ``kind`` in force on ``on``."""
    total = db.session.scalar(
        select(func.coalesce(func.sum(QuotaEntry.change), 0)).where(
            QuotaEntry.institution_id == institution_id,
            QuotaEntry.kind == kind.value,
            QuotaEntry.effective_on <= on,
        )
    )
    return int(total or 0)


def quotas_on(institution_ids: list[int], kind: QuotaKind, on: date) -> dict[int, int]:
    """Return {institution id: quota of ``kind`` on ``on``} in one query."""
    rows = db.session.execute(
        select(QuotaEntry.institution_id, func.sum(QuotaEntry.change))
        .where(
            QuotaEntry.institution_id.in_(institution_ids),
            QuotaEntry.kind == kind.value,
            QuotaEntry.effective_on <= on,
        )
        .group_by(QuotaEntry.institution_id)
    )
    found = {institution_id: int(total) for institution_id, total in rows}
    return {i: found.get(i, 0) for i in institution_ids}
