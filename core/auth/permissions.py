"""Who may see and manage which accounts (issue 9.12: account administration is delegated).

The staffing office manages every account but the operators'. An institution admin manages
the accounts of their own institution and nothing beyond it:

- they *see* an account that holds at least one role in their institution;
- they *grant and revoke* roles of their institution only (never city or sponsor roles);
- they *manage the account itself* (profile, password reset, lock, unlock) only when every
  role it holds is in an institution they administer: resetting the password of someone who
  also sits on another council, or in the staffing office, would let them sign in as that
  person there.

No one grants themselves a role, or resets their own password here (that is "修改密码").
"""

from __future__ import annotations

from typing import Any

from core.permissions import USERS_MANAGE, Scope, scope_for
from core.roles import Role


def account_scope(actor: Any) -> Scope:
    """Return where ``actor`` administers accounts."""
    return scope_for(actor, USERS_MANAGE)


def _covers(scope: Scope, membership: Any) -> bool:
    """Return whether a membership lies inside ``scope`` (city and sponsor roles: city only)."""
    if scope.city_wide:
        return True
    if Role(membership.role).scope != "institution":
        return False
    return scope.covers(membership.institution)


def visible_memberships(actor: Any, user: Any) -> list[Any]:
    """Return the roles of ``user`` that ``actor`` may see and revoke."""
    scope = account_scope(actor)
    return [m for m in user.memberships if _covers(scope, m)]


def can_see_account(actor: Any, user: Any) -> bool:
    """Return whether ``actor`` may open ``user``'s account page."""
    if user.is_superuser and not actor.is_superuser:
        return False
    scope = account_scope(actor)
    if scope.city_wide:
        return True
    return any(_covers(scope, m) for m in user.memberships)


def can_manage_account(actor: Any, user: Any) -> bool:
    """Return whether ``actor`` may change ``user``'s profile, password and lock."""
    if not can_see_account(actor, user):
        return False
    scope = account_scope(actor)
    return scope.city_wide or all(_covers(scope, m) for m in user.memberships)


def can_grant(actor: Any, role: Role, institution: Any = None) -> bool:
    """Return whether ``actor`` may grant ``role`` (in ``institution`` for institution roles)."""
    scope = account_scope(actor)
    if scope.city_wide:
        return True
    return role.scope == "institution" and institution is not None and scope.covers(institution)


def grantable_roles(actor: Any) -> list[Role]:
    """Return the roles ``actor`` may grant somewhere."""
    if account_scope(actor).city_wide:
        return list(Role)
    return [role for role in Role if role.scope == "institution"]
