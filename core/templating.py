"""What every template can use: permissions, navigation, query-string helpers, filters."""

from __future__ import annotations

from types import SimpleNamespace

from flask import Flask, request, url_for
from flask_babel import format_datetime, get_locale
from flask_login import current_user

from core.audit import action_label, object_label, readable_changes
from core.ids import mask_citizen_id
from core.modules import MenuItem, platform
from core.money import format_money
from core.notifications import unread_count
from core.permissions import can, scope_for
from core.regions import region_name
from core.roles import Role


def _shows(item: MenuItem) -> bool:
    if item.permission is None:
        return True
    scope = scope_for(current_user, item.permission)
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


def nav_items() -> list[MenuItem]:
    """Return the menu entries the current user may use, from every module's declaration."""
    if not current_user.is_authenticated:
        return []
    return [item for item in platform().menu if _shows(item)]


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
    # Templates name permissions as ``Perm.HR_MANAGE``: one attribute per declared permission.
    permissions = platform(app).permissions.values()
    perm_names = SimpleNamespace(**{p.constant: p for p in permissions})
    app.jinja_env.globals.update(
        can=can,
        Perm=perm_names,
        Role=Role,
        nav_items=nav_items,
        inbox_unread=inbox_unread,
        url_with=url_with,
        get_locale=get_locale,
        languages=app.config["LANGUAGES"],
    )
    app.jinja_env.filters["money"] = format_money
    app.jinja_env.filters["action_label"] = action_label
    app.jinja_env.filters["object_label"] = object_label
    app.jinja_env.filters["readable_changes"] = readable_changes
    app.jinja_env.filters["region_name"] = region_name
    app.jinja_env.filters["mask_id"] = mask_citizen_id
    app.jinja_env.filters["datetime"] = lambda value: (
        format_datetime(value, "yyyy-MM-dd HH:mm") if value else ""
    )
