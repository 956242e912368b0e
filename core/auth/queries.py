"""Reads about accounts that core pages need: who can help a user who is stuck."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from core.auth.models import Membership, User
from core.extensions import db
from core.roles import Role

#: At most this many people are named on a page.
MAX_CONTACTS = 5


@dataclass(frozen=True)
class Contact:
    """Someone who can give a user access or reset their account."""

    name: str
    role: str
    where: str | None
    phone: str | None
    email: str | None


def _contact(membership: Membership) -> Contact:
    user = membership.user
    where = membership.institution.name if membership.institution is not None else None
    return Contact(user.full_name, Role(membership.role).label, where, user.phone, user.email)


def contacts_for(user: Any) -> list[Contact]:
    """Return the people who can actually help ``user`` with access or a locked account.

    For a role in an institution: that institution's admins. For an institution admin, a
    sponsor or staffing-office account, or an account with no role yet: the staffing office,
    which manages those accounts (issue 9.12).
    """
    memberships = list(getattr(user, "memberships", []))
    admin_of = {m.institution_id for m in memberships if m.role == Role.INSTITUTION_ADMIN}
    served_by_admins = {
        m.institution_id
        for m in memberships
        if m.institution_id is not None and m.institution_id not in admin_of
    }
    needs_office = not memberships or any(
        m.institution_id is None or m.institution_id in admin_of for m in memberships
    )
    found: list[Contact] = []
    if served_by_admins:
        admins = db.session.scalars(
            select(Membership)
            .join(Membership.user)
            .options(contains_eager(Membership.user))
            .where(
                Membership.role == Role.INSTITUTION_ADMIN.value,
                Membership.institution_id.in_(sorted(served_by_admins)),
                User.is_active.is_(True),
                User.id != user.id,
            )
            .order_by(Membership.institution_id, User.full_name)
            .limit(MAX_CONTACTS)
        ).all()
        found.extend(_contact(m) for m in admins)
        needs_office = needs_office or not admins
    if needs_office and len(found) < MAX_CONTACTS:
        office = db.session.scalars(
            select(Membership)
            .join(Membership.user)
            .options(contains_eager(Membership.user))
            .where(
                Membership.role == Role.STAFFING_OFFICE.value,
                User.is_active.is_(True),
                User.id != user.id,
            )
            .order_by(User.full_name)
            .limit(min(3, MAX_CONTACTS - len(found)))
        ).all()
        found.extend(_contact(m) for m in office)
    return found
