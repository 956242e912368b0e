"""Reads that core pages need: the audit trail and institution names for display."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import ColumnElement, Select, column, or_, select, table, true

from core.audit import AuditEvent, actions_matching
from core.auth.models import User
from core.extensions import db
from core.permissions import Scope

# Read-only view of the registry for labels; core sits below institutions/.
_institutions = table(
    "institutions", column("id"), column("name"), column("credit_code"), column("sponsor_id")
)


def local_day_start(day: date) -> datetime:
    """Return the instant a calendar day starts in the deployment's time zone."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return datetime.combine(day, time.min, tzinfo=zone)


#: Routine events hidden from the trail unless asked for.
SIGN_IN_ACTIONS = ("user.login", "user.logout")


def audit_scope_clause(scope: Scope) -> ColumnElement[bool]:
    """Keep events the scope may read: city-wide sees all, others their institutions'."""
    return true() if scope.city_wide else scope.clause(AuditEvent.institution_id)


def audit_events(
    scope: Scope,
    *,
    institution_id: int | None = None,
    action: str | None = None,
    actor: str | None = None,
    since: date | None = None,
    until: date | None = None,
    sign_ins: bool = False,
) -> Select:
    """Return the audit events visible in ``scope`` matching the filters.

    ``action`` is what the reader typed: it matches actions whose label (in Chinese or the
    reader's language) or code contains it. Sign-ins and sign-outs are left out unless
    ``sign_ins`` asks for them.
    """
    stmt = select(AuditEvent).where(audit_scope_clause(scope))
    if institution_id:
        stmt = stmt.where(AuditEvent.institution_id == institution_id)
    if action:
        codes = actions_matching(action)
        stmt = stmt.where(
            or_(AuditEvent.action.in_(codes), AuditEvent.action.startswith(action, autoescape=True))
        )
    if not sign_ins:
        stmt = stmt.where(AuditEvent.action.not_in(SIGN_IN_ACTIONS))
    if actor:
        stmt = stmt.where(AuditEvent.actor_name.contains(actor.lower(), autoescape=True))
    if since:
        stmt = stmt.where(AuditEvent.occurred_at >= local_day_start(since))
    if until:
        stmt = stmt.where(AuditEvent.occurred_at < local_day_start(until + timedelta(days=1)))
    return stmt


def institution_names(ids: Iterable[int]) -> dict[int, str]:
    """Return {id: name} for the given institution ids, in one query."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(_institutions.c.id, _institutions.c.name).where(_institutions.c.id.in_(ids))
    )
    return {row.id: row.name for row in rows}


def audit_institution_choices(scope: Scope) -> list[tuple[int, str]]:
    """Return (id, name) of the institutions whose trail the scope may filter by."""
    stmt = select(_institutions.c.id, _institutions.c.name).order_by(_institutions.c.name)
    if not scope.city_wide:
        stmt = stmt.where(scope.clause(_institutions.c.id))
    return [(row.id, row.name) for row in db.session.execute(stmt)]


def user_by_username(username: str) -> User | None:
    """Return the user with this login name, if any."""
    return db.session.scalar(select(User).where(User.username == username.strip().lower()))


def institution_id_by_code(credit_code: str) -> int | None:
    """Return the id of the institution with this credit code, if registered."""
    return db.session.scalar(
        select(_institutions.c.id).where(_institutions.c.credit_code == credit_code.upper())
    )
