"""Reads for account administration, limited to what the actor administers."""

from __future__ import annotations

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload

from core.audit import AuditEvent
from core.auth.models import Membership, User
from core.extensions import db
from core.i18n import Msg
from core.permissions import Scope
from core.roles import Role
from institutions.models import Institution, Sponsor
from institutions.registry.queries import name_and_code

#: What the account page lists as the account's history (sign-ins are in the audit trail).
HISTORY_ACTIONS = (
    "user.create",
    "user.update",
    "user.password_reset",
    "user.password_changed",
    "user.locked",
    "user.unlock",
    "membership.grant",
    "membership.revoke",
)


def users(
    scope: Scope, *, q: str = "", role: str | None = None, institution_id: int | None = None
) -> Select:
    """Return the accounts in ``scope`` (city: all; else those with a role in it), filtered."""
    stmt = select(User).options(selectinload(User.memberships))
    if not scope.city_wide:
        stmt = stmt.where(
            User.id.in_(
                select(Membership.user_id).where(
                    Membership.institution_id.is_not(None),
                    scope.clause(Membership.institution_id),
                )
            ),
            User.is_superuser.is_(False),
        )
    if q:
        stmt = stmt.where(
            or_(
                User.username.contains(q.lower(), autoescape=True),
                User.full_name.contains(q, autoescape=True),
            )
        )
    if role or institution_id:
        member = select(Membership.user_id)
        if role:
            member = member.where(Membership.role == role)
        if institution_id:
            member = member.where(Membership.institution_id == institution_id)
        if not scope.city_wide:
            member = member.where(scope.clause(Membership.institution_id))
        stmt = stmt.where(User.id.in_(member))
    return stmt


def institution_choices(scope: Scope) -> list[tuple[int, Msg]]:
    """Return (id, "name（code）") for the institutions in ``scope``, for pick lists."""
    stmt = select(Institution.id, Institution.name, Institution.credit_code).order_by(
        Institution.name
    )
    if not scope.city_wide:
        stmt = stmt.where(scope.clause(Institution.id))
    return [(row.id, name_and_code(row.name, row.credit_code)) for row in db.session.execute(stmt)]


def sponsor_choices(scope: Scope) -> list[tuple[int, str]]:
    """Return (id, name) of the sponsors an actor may grant the sponsor role for."""
    if not scope.city_wide:
        return []
    return [(s.id, s.name) for s in db.session.scalars(select(Sponsor).order_by(Sponsor.name))]


def history(user: User, scope: Scope, limit: int = 50) -> list[AuditEvent]:
    """Return the latest changes to ``user``'s account that the actor may see.

    Role grants and removals, password resets and locks, who did them and when (issue 8.13:
    a reset or a self-serving grant must show where other administrators look).
    """
    stmt = select(AuditEvent).where(
        AuditEvent.object_type == User.__name__,
        AuditEvent.object_id == str(user.id),
        AuditEvent.action.in_(HISTORY_ACTIONS),
    )
    if not scope.city_wide:
        stmt = stmt.where(
            or_(AuditEvent.institution_id.is_(None), scope.clause(AuditEvent.institution_id))
        )
    stmt = stmt.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc()).limit(limit)
    return list(db.session.scalars(stmt))


def user_names(user_ids: set[int | None]) -> dict[int, str]:
    """Return {id: full name} of the given accounts."""
    ids = sorted(i for i in user_ids if i is not None)
    if not ids:
        return {}
    rows = db.session.execute(select(User.id, User.full_name).where(User.id.in_(ids)))
    return {row.id: row.full_name for row in rows}


def role_scopes() -> dict[str, str]:
    """Return {role: "city" | "sponsor" | "institution"}, for the grant form's script."""
    return {role.value: role.scope for role in Role}
