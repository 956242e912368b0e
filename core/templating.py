"""What every template can use: permissions, navigation, query-string helpers, filters."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, request, url_for
from flask_babel import format_datetime, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from core.audit import action_label
from core.ids import mask_citizen_id
from core.money import format_money
from core.notifications import unread_count
from core.permissions import can, scope_for
from core.regions import region_name
from core.roles import Perm, Role


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    perm: Perm | None = None
    #: for sector modules: shown only to users who reach an institution of this kind
    kind: str | None = None


#: The main menu, in order; an item shows when the user holds its permission somewhere.
#: Showing is a convenience only: every view checks again.
NAVIGATION = [
    NavItem(_l("首页"), "core.home"),
    NavItem(_l("单位登记"), "institutions.index", Perm.REGISTRY_VIEW),
    NavItem(_l("法人治理"), "governance.home", Perm.GOVERNANCE_VIEW),
    NavItem(_l("学校"), "schools.index", Perm.SCHOOLS_VIEW, kind="school"),
    NavItem(_l("医院"), "hospitals.index", Perm.HOSPITALS_VIEW, kind="hospital"),
    NavItem(_l("人事"), "hr.index", Perm.HR_VIEW),
    NavItem(_l("工资"), "payroll.index", Perm.PAYROLL_VIEW),
    NavItem(_l("我的档案"), "hr.me", Perm.SELF_VIEW),
    NavItem(_l("审计日志"), "core.audit_index", Perm.AUDIT_VIEW),
    NavItem(_l("账号管理"), "accounts.index", Perm.USERS_MANAGE),
]


def _shows(item: NavItem) -> bool:
    if item.perm is None:
        return True
    scope = scope_for(current_user, item.perm)
    if scope.is_empty:
        return False
    if item.kind is None or scope.city_wide or scope.sponsor_ids:
        return True
    # Institution members see a sector module only if one of their institutions is in it.
    return any(
        m.institution is not None
        and m.institution.kind == item.kind
        and m.institution_id in scope.institution_ids
        for m in current_user.memberships
    )


def nav_items() -> list[NavItem]:
    """Return the menu entries the current user may use."""
    if not current_user.is_authenticated:
        return []
    return [item for item in NAVIGATION if _shows(item)]


def inbox_unread() -> int:
    """Return the signed-in user's unread message count (0 when signed out)."""
    if not current_user.is_authenticated:
        return 0
    return unread_count(current_user)


def url_with(**changes) -> str:
    """Return the current URL with some query arguments replaced (None removes one)."""
    args = request.args.to_dict()
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def register(app: Flask) -> None:
    """Add globals and filters to the Jinja environment."""
    app.jinja_env.globals.update(
        can=can,
        Perm=Perm,
        Role=Role,
        nav_items=nav_items,
        inbox_unread=inbox_unread,
        url_with=url_with,
        get_locale=get_locale,
        languages=app.config["LANGUAGES"],
    )
    app.jinja_env.filters["money"] = format_money
    app.jinja_env.filters["action_label"] = action_label
    app.jinja_env.filters["region_name"] = region_name
    app.jinja_env.filters["mask_id"] = mask_citizen_id
    app.jinja_env.filters["datetime"] = lambda value: (
        format_datetime(value, "yyyy-MM-dd HH:mm") if value else ""
    )
