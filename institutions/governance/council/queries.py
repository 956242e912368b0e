"""Council reads: whether the charter is set up, the composition rules a council breaks,
and the council page's seats and declarations."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select

from core.auth.models import Membership, User
from core.extensions import db
from core.i18n import Msg
from core.roles import Role
from institutions.governance import composition
from institutions.governance.models import (
    CharterSettings,
    InterestDeclaration,
    Relation,
    Seat,
)
from institutions.governance.queries import latest_declarations
from institutions.models import Institution


def charter_is_set_up(institution_id: int) -> bool:
    """Return whether the institution's charter settings were recorded (else: the defaults)."""
    return (
        db.session.scalar(
            select(CharterSettings.id).where(CharterSettings.institution_id == institution_id)
        )
        is not None
    )


def composition_warnings(institution_id: int, on: date) -> list[Msg]:
    """Return the composition rules the institution's bodies break on ``on``, as messages."""
    institution = db.session.get(Institution, institution_id)
    seats = db.session.scalars(
        select(Seat).where(Seat.institution_id == institution_id).order_by(Seat.id)
    ).unique()
    infos = [
        composition.SeatInfo(
            member_id=s.user_id,
            name=s.user.full_name,
            body=s.body.kind,
            office=s.office,
            constituency=s.constituency,
            term_start_on=s.term_start_on,
            term_end_on=s.term_end_on,
        )
        for s in seats
    ]
    relatives = {
        member_id: [
            item["name"]
            for item in declaration.items
            if item.get("relation") == Relation.NEAR_RELATIVE
        ]
        for member_id, declaration in latest_declarations(institution_id).items()
    }
    finance = db.session.scalars(
        select(Membership.user_id).where(
            Membership.institution_id == institution_id,
            Membership.role == Role.FINANCE_OFFICER,
        )
    )
    return composition.composition_warnings(
        institution_kind=institution.kind if institution else "",
        seats=infos,
        near_relatives=relatives,
        finance_officer_ids=list(finance),
        today=on,
    )


def seat_of(institution_id: int, seat_id: int) -> Seat | None:
    return db.session.scalar(
        select(Seat).where(Seat.id == seat_id, Seat.institution_id == institution_id)
    )


def seats_of(institution_id: int) -> list[Seat]:
    """Return every seat of the institution's bodies, the latest terms first."""
    return list(
        db.session.scalars(
            select(Seat)
            .where(Seat.institution_id == institution_id)
            .order_by(Seat.term_start_on.desc(), Seat.id)
        ).unique()
    )


def declared_at(institution_id: int) -> dict[int, datetime]:
    """Return {member: when they last declared their interests}."""
    return dict(
        db.session.execute(
            select(InterestDeclaration.member_id, func.max(InterestDeclaration.declared_at))
            .where(InterestDeclaration.institution_id == institution_id)
            .group_by(InterestDeclaration.member_id)
        ).all()
    )


def latest_declaration(institution_id: int, member_id: int) -> InterestDeclaration | None:
    return db.session.scalar(
        select(InterestDeclaration)
        .where(
            InterestDeclaration.institution_id == institution_id,
            InterestDeclaration.member_id == member_id,
        )
        .order_by(InterestDeclaration.id.desc())
        .limit(1)
    )


def institution_users(institution_id: int) -> list[User]:
    """Return the active users holding a role in the institution, by name."""
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.is_active.is_(True),
                User.id.in_(
                    select(Membership.user_id).where(Membership.institution_id == institution_id)
                ),
            )
            .order_by(User.full_name, User.username)
        )
    )


def saved_charter(institution_id: int) -> CharterSettings | None:
    return db.session.scalar(
        select(CharterSettings).where(CharterSettings.institution_id == institution_id)
    )
