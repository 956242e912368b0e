"""Reads of the staff congress's records."""

from __future__ import annotations

from sqlalchemy import select

from core.extensions import db
from schools.models import CongressVote


def votes(institution_id: int) -> list[CongressVote]:
    """Return the votes the school's congress recorded, the latest first."""
    return list(
        db.session.scalars(
            select(CongressVote)
            .where(CongressVote.institution_id == institution_id)
            .order_by(CongressVote.held_on.desc(), CongressVote.id.desc())
        )
    )
