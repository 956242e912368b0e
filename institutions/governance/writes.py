"""What every governance topic's writes share: cleaning input, naming people, links for
notices, and the institution's hash chain (taken under a row lock, then extended).

Each topic's ``operations.py`` adds and flushes and records an audit event; the caller (a view
or a CLI command) commits once, and rolls back on GovernanceError.

Ballots and resolutions are appended to the institution's hash chain while holding its
``ChainHead`` row locked (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's single writer
serializes anyway). Casting, opening and closing re-read the motion after taking the lock, so
a ballot never lands after the close, two closes never both decide, and the resolution
number (max + 1 for the institution and year, taken under the same lock) has no gaps and no
duplicates; the unique constraint on (institution, year, number) is the final guard.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from typing import Any

from flask import has_request_context, url_for
from sqlalchemy import select

from core.auth.models import User
from core.extensions import db
from core.i18n import Msg, msg
from core.models import utcnow
from institutions.governance import chain, queries
from institutions.governance.models import (
    Ballot,
    BodyKind,
    ChainHead,
    GovernanceError,
    Meeting,
    Motion,
    MotionStatus,
    Office,
    Resolution,
)


def now(now: datetime | None) -> datetime:
    if now is None:
        return utcnow()
    if now.tzinfo is None or now.utcoffset() is None:
        raise GovernanceError(msg("时间必须带时区"))
    return now


def _label(label: str | Msg) -> Msg:
    """Return a field's label as a message (callers mark literal labels with ``N_``)."""
    return label if isinstance(label, Msg) else Msg(label)


def text(
    value: Any, label: str | Msg, *, required: bool = True, limit: int | None = None
) -> str | None:
    text = unicodedata.normalize("NFC", str(value)).strip() if value is not None else ""
    if not text:
        if required:
            raise GovernanceError(msg("%(label)s不能为空", label=_label(label)))
        return None
    if limit is not None and len(text) > limit:
        raise GovernanceError(
            msg("%(label)s不能超过 %(limit)d 个字", label=_label(label), limit=limit)
        )
    return text


def enum(enum: type, value: Any, label: str | Msg):
    try:
        return enum(value)
    except ValueError:
        raise GovernanceError(
            msg("%(label)s「%(value)s」不在可选范围内", label=_label(label), value=value)
        ) from None


def name(user_id: int | None) -> str:
    user = db.session.get(User, user_id) if user_id is not None else None
    return user.full_name if user else f"用户 {user_id}"


def user_id(user: Any) -> int:
    return user if isinstance(user, int) else user.id


def actor_id(actor: Any) -> int | None:
    return None if actor is None else user_id(actor)


def local(moment: datetime) -> str:
    return moment.astimezone(queries.local_zone()).strftime("%Y-%m-%d %H:%M")


def motion_link(motion: Motion) -> str | None:
    """Return the motion page's path for a message (only while serving a request)."""
    if not has_request_context():
        return None
    return url_for("governance.motion", institution_id=motion.institution_id, motion_id=motion.id)


def minutes_link(meeting: Meeting) -> str | None:
    if not has_request_context():
        return None
    return url_for(
        "governance.minutes", institution_id=meeting.institution_id, meeting_id=meeting.id
    )


def council_keepers(institution_id: int, on: date) -> list[User]:
    """Return the chair and the secretary seated on ``on``."""
    return [
        seat.user
        for seat in queries.active_seats(institution_id, on, BodyKind.COUNCIL)
        if seat.office in (Office.SECRETARY, Office.CHAIR)
    ]


def lock_chain(institution_id: int) -> ChainHead:
    """Return the institution's chain head, locked until the transaction ends."""
    stmt = (
        select(ChainHead)
        .where(ChainHead.institution_id == institution_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    head = db.session.scalar(stmt)
    if head is None:
        dialect = db.session.get_bind().dialect.name
        values = {"institution_id": institution_id, "last_sequence": 0, "last_hash": chain.GENESIS}
        if dialect in ("postgresql", "sqlite"):
            if dialect == "postgresql":
                from sqlalchemy.dialects.postgresql import insert
            else:
                from sqlalchemy.dialects.sqlite import insert
            # Two first links at once: one inserts, the other waits for it, then both lock.
            db.session.execute(
                insert(ChainHead)
                .values(**values)
                .on_conflict_do_nothing(index_elements=["institution_id"])
            )
        else:  # pragma: no cover - the app supports SQLite and PostgreSQL
            db.session.add(ChainHead(**values))
            db.session.flush()
        head = db.session.scalar(stmt)
    return head


def link(head: ChainHead, record: Ballot | Resolution) -> None:
    """Give ``record`` the next place in the chain and move the head to it."""
    record.sequence = head.last_sequence + 1
    record.prev_hash = head.last_hash
    record.hash = chain.link_hash(record.prev_hash, record.chain_record())
    head.last_sequence = record.sequence
    head.last_hash = record.hash


def refresh_motion(motion: Motion) -> None:
    """Re-read the motion (after taking the chain lock, to see concurrent changes)."""
    db.session.refresh(motion)


def refuse_unless_open(motion: Motion) -> None:
    status = MotionStatus(motion.status)
    if status is MotionStatus.DRAFT:
        raise GovernanceError(msg("议案尚未开始表决"))
    if status.is_decided:
        raise GovernanceError(msg("议案表决已结束"))


def seated_on(institution_id: int, on: date) -> set[int]:
    return set(queries.seated_member_ids(institution_id, on))
