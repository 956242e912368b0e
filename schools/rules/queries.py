"""Reads of the internal rules."""

from __future__ import annotations

from sqlalchemy import select

from core.extensions import db
from schools.models import CongressItemKind, CongressVote
from schools.rules.models import SchoolRule, SchoolRuleVersion


def rules_of(institution_id: int) -> list[SchoolRule]:
    return list(
        db.session.scalars(
            select(SchoolRule)
            .where(SchoolRule.institution_id == institution_id)
            .order_by(SchoolRule.title)
        )
    )


def rule_or_none(institution_id: int, rule_id: int) -> SchoolRule | None:
    return db.session.scalar(
        select(SchoolRule).where(
            SchoolRule.id == rule_id, SchoolRule.institution_id == institution_id
        )
    )


def unused_rule_votes(institution_id: int) -> list[CongressVote]:
    """The staff congress's passed votes on internal rules no version has used yet."""
    used = select(SchoolRuleVersion.congress_vote_id).where(
        SchoolRuleVersion.congress_vote_id.is_not(None)
    )
    return list(
        db.session.scalars(
            select(CongressVote)
            .where(
                CongressVote.institution_id == institution_id,
                CongressVote.status == "passed",
                CongressVote.kind == CongressItemKind.RULES,
                CongressVote.id.not_in(used),
            )
            .order_by(CongressVote.held_on.desc(), CongressVote.id.desc())
        )
    )
