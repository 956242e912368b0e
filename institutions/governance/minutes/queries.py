"""Minutes reads: the meeting's current version and whether a version was corrected."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.extensions import db
from institutions.governance.models import (
    Meeting,
    Minutes,
)


def current_minutes(meeting: Meeting) -> Minutes | None:
    """Return the latest version of the meeting's minutes."""
    return db.session.scalar(
        select(Minutes).where(Minutes.meeting_id == meeting.id).order_by(Minutes.version.desc())
    )


def is_superseded(minutes: Minutes) -> bool:
    return (
        db.session.scalar(select(Minutes.id).where(Minutes.supersedes_id == minutes.id)) is not None
    )


def minutes_of(meeting: Meeting, minutes_id: int) -> Minutes | None:
    """Return a version of the meeting's minutes by id, or None."""
    return db.session.scalar(
        select(Minutes).where(
            Minutes.id == minutes_id,
            Minutes.meeting_id == meeting.id,
            Minutes.institution_id == meeting.institution_id,
        )
    )


def versions_of(meeting: Meeting) -> list[Minutes]:
    """Return every version of the meeting's minutes with signatures, the latest first."""
    return list(
        db.session.scalars(
            select(Minutes)
            .where(Minutes.meeting_id == meeting.id)
            .options(selectinload(Minutes.signatures))
            .order_by(Minutes.version.desc())
        )
    )


def version_of(meeting: Meeting, version: int | None) -> Minutes | None:
    """Return the given version of the meeting's minutes (the latest when None)."""
    stmt = select(Minutes).where(Minutes.meeting_id == meeting.id)
    if version is not None:
        stmt = stmt.where(Minutes.version == version)
    return db.session.scalar(
        stmt.options(selectinload(Minutes.signatures)).order_by(Minutes.version.desc()).limit(1)
    )
