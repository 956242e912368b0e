"""Every access decision: which institutions a user may act on, for which permission.

Views call ``require(perm, institution)``; list queries filter with ``scope_for(user, perm)``.
Nothing is decided by what the menu shows.

Permissions are named actions (``"registry.view"``) that each package declares in its
``permissions.py`` with the roles granted them, and lists in its ``module.py``; the grants of
the loaded modules are read from the app (``core.modules.Platform.role_permissions``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from flask import abort
from flask.globals import _cv_app
from flask_login import current_user
from sqlalchemy import ColumnElement, column, false, or_, select, table, true

from core.i18n import N_
from core.roles import Role


class Permission(str):
    """A named action, e.g. ``"registry.view"``, with a label and the roles granted it.

    It is a ``str``, so ``can(user, "registry.view")`` and ``can(user, REGISTRY_VIEW)`` are the same.
    """

    label: str
    grants: frozenset[Role]

    def __new__(cls, name: str, label: str | None = None, *, grants: Any = ()) -> Permission:
        permission = super().__new__(cls, name)
        permission.label = label or name
        permission.grants = frozenset(Role(role) for role in grants)
        return permission

    @property
    def constant(self) -> str:
        """Return the name templates use for it: ``"registry.view"`` → ``REGISTRY_VIEW``."""
        return self.replace(".", "_").replace("-", "_").upper()


#: Core's own permissions; each package declares its own the same way.
AUDIT_VIEW = Permission(
    "audit.view",
    N_("查看审计日志"),
    grants={Role.STAFFING_OFFICE, Role.INSTITUTION_ADMIN},
)
#: accounts and roles; an institution admin only within their institution (core/auth/permissions.py)
USERS_MANAGE = Permission(
    "users.manage", N_("管理账号和角色"), grants={Role.STAFFING_OFFICE, Role.INSTITUTION_ADMIN}
)
#: dated rates and tables (DOMAIN.md): read them all and add new versions
PARAMETERS_MANAGE = Permission(
    "parameters.manage", N_("维护政策参数"), grants={Role.STAFFING_OFFICE}
)


def role_permissions() -> dict[Role, frozenset[str]]:
    """Return the permissions each role holds in the current app."""
    # The context variable, not ``current_app``: a page asks several times, and each read
    # through the proxy costs more than the lookup itself.
    ctx = _cv_app.get(None)
    if ctx is None:  # pragma: no cover - every caller runs inside the app
        raise RuntimeError("permissions are declared by the app's modules; no app is active")
    return ctx.app.extensions["platform"].role_permissions


# A lightweight view of the registry table: core may filter by sponsor without importing
# the institutions package, which sits above it.
_institutions = table("institutions", column("id"), column("sponsor_id"))
_ROLES = {role.value: role for role in Role}


class InstitutionLike(Protocol):
    id: int
    sponsor_id: int | None


@dataclass(frozen=True)
class Scope:
    """The institutions a user may reach for one permission."""

    city_wide: bool = False
    institution_ids: frozenset[int] = field(default_factory=frozenset)
    sponsor_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_empty(self) -> bool:
        return not (self.city_wide or self.institution_ids or self.sponsor_ids)

    def covers(self, institution: InstitutionLike | None) -> bool:
        """Return whether this scope reaches the given institution (None: city-level)."""
        if self.city_wide:
            return True
        if institution is None:
            return False
        return institution.id in self.institution_ids or (
            institution.sponsor_id is not None and institution.sponsor_id in self.sponsor_ids
        )

    def clause(self, institution_id_column: Any) -> ColumnElement[bool]:
        """Return a WHERE clause keeping rows whose institution is in this scope."""
        if self.city_wide:
            return true()
        parts = []
        if self.institution_ids:
            parts.append(institution_id_column.in_(sorted(self.institution_ids)))
        if self.sponsor_ids:
            sponsored = select(_institutions.c.id).where(
                _institutions.c.sponsor_id.in_(sorted(self.sponsor_ids))
            )
            parts.append(institution_id_column.in_(sponsored))
        return or_(*parts) if parts else false()


def _unproxied(user: Any) -> Any:
    """Return the user behind ``current_user`` (each attribute read through it costs a lookup)."""
    unwrap = getattr(user, "_get_current_object", None)
    return unwrap() if unwrap is not None else user


def scope_for(user: Any, perm: str) -> Scope:
    """Return the scope in which ``user`` holds ``perm``."""
    user = _unproxied(user)
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    if user.is_superuser:
        return Scope(city_wide=True)
    granted = role_permissions()
    city = False
    institution_ids: set[int] = set()
    sponsor_ids: set[int] = set()
    for membership in user.memberships:
        role = _ROLES[membership.role]
        if perm not in granted[role]:
            continue
        if role.scope == "city":
            city = True
        elif role.scope == "sponsor":
            sponsor_ids.add(membership.sponsor_id)
        else:
            institution_ids.add(membership.institution_id)
    return Scope(city, frozenset(institution_ids), frozenset(sponsor_ids))


def can(user: Any, perm: str, institution: InstitutionLike | None = None) -> bool:
    """Return whether ``user`` holds ``perm`` for ``institution`` (None: anywhere)."""
    scope = scope_for(user, perm)
    if institution is None:
        return not scope.is_empty
    return scope.covers(institution)


def roles_in(user: Any, institution: InstitutionLike) -> set[Role]:
    """Return the roles a user holds that reach this institution."""
    found = set()
    for membership in getattr(user, "memberships", []):
        role = Role(membership.role)
        if (
            role.scope == "city"
            or (role.scope == "sponsor" and membership.sponsor_id == institution.sponsor_id)
            or membership.institution_id == institution.id
        ):
            found.add(role)
    return found


def require(perm: str, institution: InstitutionLike | None = None) -> None:
    """Abort with 403 unless the current user holds ``perm`` for ``institution``."""
    if not can(current_user, perm, institution):
        abort(403)
