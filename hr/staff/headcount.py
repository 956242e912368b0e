"""No hiring beyond 编制 (严禁超编进人): the vacancy rule and the counts it needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select

from core.extensions import db
from hr.models import Employment, Identity
from institutions.models import QuotaKind
from institutions.quota import quota_on

#: Which quota each identity uses; contract and dispatched staff use none.
QUOTA_FOR_IDENTITY = {
    Identity.ESTABLISHMENT: QuotaKind.ESTABLISHMENT,
    Identity.FILED: QuotaKind.FILED,
}


@dataclass(frozen=True)
class Vacancy:
    """Approved, occupied and vacant places of one quota kind on a date."""

    kind: QuotaKind
    approved: int
    occupied: int

    @property
    def vacant(self) -> int:
        return self.approved - self.occupied

    def refusal(self, hiring: int = 1) -> str | None:
        """Return why hiring ``hiring`` more people would break the quota, or None."""
        if self.vacant >= hiring:
            return None
        return (
            f"{self.kind.label}已满，不能再进人（严禁超编进人）：核定 {self.approved} 名，"
            f"在编 {self.occupied} 名，空编 {max(self.vacant, 0)} 名"
            + (f"，本次拟进 {hiring} 名" if hiring > 1 else "")
            + "。"
        )


def occupied_on(institution_id: int, identity: Identity, on: date) -> int:
    """Return how many people of ``identity`` are employed at the institution on ``on``."""
    return db.session.scalar(
        select(func.count()).where(
            Employment.institution_id == institution_id,
            Employment.identity == identity.value,
            Employment.start_on <= on,
            or_(Employment.end_on.is_(None), Employment.end_on >= on),
        )
    )


def vacancy(institution_id: int, identity: Identity, on: date) -> Vacancy | None:
    """Return the vacancy for the quota ``identity`` uses, or None if it uses none."""
    kind = QUOTA_FOR_IDENTITY.get(identity)
    if kind is None:
        return None
    return Vacancy(
        kind, quota_on(institution_id, kind, on), occupied_on(institution_id, identity, on)
    )
