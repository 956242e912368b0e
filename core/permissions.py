"""Every access decision: which institutions a user may act on, for which permission.

Views call ``require(perm, institution)``; list queries filter with ``scope_for(user, perm)``.
Nothing is decided by what the menu shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from flask import abort
from flask_login import current_user
from sqlalchemy import ColumnElement, column, false, or_, select, table, true

from core.roles import ROLE_PERMISSIONS, Perm, Role

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


def scope_for(user: Any, perm: Perm) -> Scope:
    """Return the scope in which ``user`` holds ``perm``."""
    user = _unproxied(user)
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    if user.is_superuser:
        return Scope(city_wide=True)
    city = False
    institution_ids: set[int] = set()
    sponsor_ids: set[int] = set()
    for membership in user.memberships:
        role = _ROLES[membership.role]
        if perm not in ROLE_PERMISSIONS[role]:
            continue
        if role.scope == "city":
            city = True
        elif role.scope == "sponsor":
            sponsor_ids.add(membership.sponsor_id)
        else:
            institution_ids.add(membership.institution_id)
    return Scope(city, frozenset(institution_ids), frozenset(sponsor_ids))


def can(user: Any, perm: Perm, institution: InstitutionLike | None = None) -> bool:
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


def require(perm: Perm, institution: InstitutionLike | None = None) -> None:
    """Abort with 403 unless the current user holds ``perm`` for ``institution``."""
    if not can(current_user, perm, institution):
        abort(403)


def require_visible(institution: InstitutionLike | None) -> InstitutionLike:
    """Return the institution if the current user may see it at all; 404 otherwise.

    Someone outside an institution learns nothing about it, not even that it exists.
    """
    if institution is None or not can(current_user, Perm.REGISTRY_VIEW, institution):
        abort(404)
    return institution
