"""No hiring beyond 编制 (严禁超编进人): the vacancy rule, the counts it needs, and the lock
that makes check and hire one step.

Every path that hires into a quota (the entry form, the roster import's check and its
write) goes through this module: ``hiring_refusal`` locks the institution, counts and
decides; the caller writes in the same transaction, before anyone else can count. Without
the lock, two hires into the last vacancy on PostgreSQL could both count it free and both
pass (tests/hr/staff/test_vacancy_concurrency.py shows they cannot).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select

from core.extensions import db
from core.i18n import N_, Msg, msg
from hr.models import Employment, Identity
from institutions.models import Institution, QuotaKind
from institutions.quota.queries import quota_on

#: Which quota each identity uses; contract and dispatched staff use none.
QUOTA_FOR_IDENTITY = {
    Identity.ESTABLISHMENT: QuotaKind.ESTABLISHMENT,
    Identity.FILED: QuotaKind.FILED,
}

#: The quota's name in messages (the source text of ``institutions.models.QUOTA_LABELS``).
QUOTA_NAMES = {
    QuotaKind.ESTABLISHMENT: N_("事业编制"),
    QuotaKind.FILED: N_("员额（备案制）"),
}


@dataclass(frozen=True)
class Vacancy:
    """Approved, occupied and vacant places of one quota kind on a date."""

    kind: QuotaKind
    approved: int
    occupied: int

    @property
    def vacant(self) -> int:
        """Return the places left (negative when over the quota)."""
        return self.approved - self.occupied

    def refusal(self, hiring: int = 1) -> Msg | None:
        """Return why hiring ``hiring`` more people would break the quota, or None.

        With no place left the quota is 已满; with some left but fewer than the hires, it
        is not full: the message says by how many the hires go beyond (超出).
        """
        if self.vacant >= hiring:
            return None
        params = {
            "kind": Msg(QUOTA_NAMES[self.kind]),
            "approved": self.approved,
            "occupied": self.occupied,
            "vacant": max(self.vacant, 0),
            "hiring": hiring,
            "over": hiring - max(self.vacant, 0),
        }
        if self.vacant > 0:
            return msg(
                "%(kind)s空编不足，不能再进人（严禁超编进人）：核定 %(approved)d 名，"
                "在编 %(occupied)d 名，空编 %(vacant)d 名，本次拟进 %(hiring)d 名，"
                "超出 %(over)d 名。",
                **params,
            )
        if hiring > 1:
            return msg(
                "%(kind)s已满，不能再进人（严禁超编进人）：核定 %(approved)d 名，"
                "在编 %(occupied)d 名，空编 %(vacant)d 名，本次拟进 %(hiring)d 名。",
                **params,
            )
        return msg(
            "%(kind)s已满，不能再进人（严禁超编进人）：核定 %(approved)d 名，"
            "在编 %(occupied)d 名，空编 %(vacant)d 名。",
            **params,
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


def lock_institutions(institution_ids: Iterable[int]) -> None:
    """Hold the institutions' rows until the transaction ends: one hiring at a time each.

    ``FOR NO KEY UPDATE`` (PostgreSQL) makes a second hiring into the same institution wait
    until the first commits or rolls back, then count again; rows that merely refer to the
    institution are not held up. Locks are taken in id order, so two imports naming the same
    institutions cannot deadlock. SQLite ignores the clause: there a writer holds the whole
    database from the start of its transaction, which serializes hirings already.
    """
    ids = sorted(set(institution_ids))
    if ids:
        db.session.execute(
            select(Institution.id)
            .where(Institution.id.in_(ids))
            .order_by(Institution.id)
            .with_for_update(key_share=True)
        ).all()


def hiring_refusal(
    institution_id: int, identity: Identity, on_dates: Iterable[date], hiring: int = 1
) -> Msg | None:
    """Lock the institution and return why hiring ``hiring`` people of ``identity`` would
    break its quota on any of ``on_dates``, or None (also for identities using no quota)."""
    if QUOTA_FOR_IDENTITY.get(identity) is None:
        return None
    lock_institutions([institution_id])
    for on in sorted(set(on_dates)):
        found = vacancy(institution_id, identity, on)
        refusal = found.refusal(hiring) if found is not None else None
        if refusal:
            return refusal
    return None
