"""What every template can use: permissions, navigation, query-string helpers, filters."""

from __future__ import annotations

from types import SimpleNamespace

from flask import Flask, request, url_for
from flask.globals import _cv_app, _cv_request
from flask_babel import format_datetime, get_locale, get_translations
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup

from core.audit import action_label, object_label, readable_changes
from core.fragments import FragmentCache
from core.ids import mask_citizen_id
from core.modules import MenuItem, platform
from core.money import format_money
from core.notifications import unread_count
from core.permissions import _unproxied, can, scope_for
from core.regions import region_label
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


def menu_key() -> tuple | None:
    """Return everything ``nav_items`` decides by: a key for the menu rendered once.

    The roles with their institutions (and each institution's kind, which sector menus
    read) and sponsors; None when signed out.
    """
    user = _unproxied(current_user)
    if user is None or not user.is_authenticated:
        return None
    return (
        user.is_active,
        user.is_superuser,
        tuple(
            (
                m.role,
                m.institution_id,
                m.sponsor_id,
                m.institution.kind if m.institution is not None else None,
            )
            for m in user.memberships
        ),
    )


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
    # the path's own arguments win over a query argument of the same name
    return _build_url(request.endpoint, {**args, **(request.view_args or {})})


#: Links already built, by everything a build depends on (see ``_build_url``).
_built: dict[tuple, str] = {}
#: Enough for every page's navigation, tabs, sort and pager links; emptied when full.
BUILT_LINKS_KEPT = 4096


def _build_url(endpoint: str, values: dict) -> str:
    """Build a link like ``url_for``, taking a short path for the usual call.

    A page builds dozens of links, mostly the same ones on every request (menus, tabs, sort
    headers, pager). For a full endpoint name with plain arguments, inside a request, the
    link is built by the request's URL adapter directly, which is what ``url_for`` ends up
    doing after its general-purpose checks, and remembered: the result depends only on the
    URL map, the adapter's script root, host, subdomain and scheme, the endpoint and the
    values (with their types), which are all in the key. Anything else (relative endpoints,
    ``_external``/``_anchor``/..., URL defaults, no request) goes to Flask.
    """
    ctx = _cv_request.get(None)
    if (
        ctx is None
        or ctx.url_adapter is None
        or endpoint[:1] == "."
        or ctx.app.url_default_functions
        or any(key[:1] == "_" for key in values)
    ):
        return url_for(endpoint, **values)
    adapter = ctx.url_adapter
    try:
        key = (
            adapter.map,
            adapter.script_name,
            adapter.server_name,
            adapter.subdomain,
            adapter.url_scheme,
            endpoint,
            tuple((name, type(value), value) for name, value in values.items()),
        )
        found = _built.get(key)
    except TypeError:  # a value that cannot be a key (a list): build it every time
        return adapter.build(endpoint, values)
    if found is None:
        found = adapter.build(endpoint, values)
        if len(_built) >= BUILT_LINKS_KEPT:
            _built.clear()
        _built[key] = found
    return found


def template_url_for(endpoint: str, /, **values) -> str:
    """The templates' ``url_for`` (see ``_build_url``)."""
    return _build_url(endpoint, values)


class UrlPattern:
    """The URLs of one endpoint that differ only in one integer argument, e.g. a row's id.

    ``url_for`` costs tens of microseconds (a list of 20 rows with two links each spends a
    millisecond in it); a list page builds the URL once and fills in each row's id::

        {% set meeting_url = url_pattern('governance.meeting', 'meeting_id', institution_id=i.id) %}
        {% for m in rows %}<a href="{{ meeting_url(m.id) }}">{% endfor %}
    """

    _PLACEHOLDER = 9_876_543_210_123

    def __init__(self, endpoint: str, key: str, **values) -> None:
        url = url_for(endpoint, **values, **{key: self._PLACEHOLDER})
        self.prefix, found, self.suffix = url.partition(str(self._PLACEHOLDER))
        if not found:
            raise ValueError(f"{key} is not an argument of {endpoint}")

    def __call__(self, value: int) -> str:
        return f"{self.prefix}{int(value)}{self.suffix}"


def _bound_gettext(translate):
    """Return a Jinja "new style" gettext that looks strings up with ``translate``.

    The same contract as Jinja's own (``_('… %(n)s', n=x)``, escaped when autoescaping,
    always %-formatted), without looking the locale and catalog up again on every call.
    """

    @pass_context
    def gettext(context, string: str, /, **variables):
        translated = translate(string)
        if context.eval_ctx.autoescape:
            translated = Markup(translated)
        if not variables and "%" not in translated:
            return translated  # what ``%`` would return, without its cost (most calls)
        return translated % variables

    return gettext


def _bound_ngettext(translate):
    @pass_context
    def ngettext(context, singular: str, plural: str, num: int, /, **variables):
        variables.setdefault("num", num)
        translated = translate(singular, plural, num)
        if context.eval_ctx.autoescape:
            translated = Markup(translated)
        return translated % variables

    return ngettext


def page_translations():
    """Return Flask-Babel's ``get_translations()``, looked up once per request and locale.

    Flask-Babel finds the domain, the locale and the catalog again on every call (tens of
    microseconds, through ``g``); a page's macros call it for each string. The catalog is
    kept beside Flask-Babel's own per-request locale, so ``flask_babel.refresh()`` (which
    drops that locale) is honoured.
    """
    app_ctx = _cv_app.get(None)
    found = app_ctx.g.__dict__.get("_flask_babel") if app_ctx is not None else None
    locale = getattr(found, "babel_locale", None)
    kept = getattr(found, "page_translations", None)
    if kept is not None and kept[0] is locale:
        return kept[1]
    translations = get_translations()
    found = app_ctx.g.__dict__.get("_flask_babel") if app_ctx is not None else None
    if found is not None:
        found.page_translations = (getattr(found, "babel_locale", None), translations)
    return translations


def translations_for_render() -> dict:
    """Context processor: bind the page's ``_()`` to the catalog of the reader's locale.

    Flask-Babel's template ``gettext`` asks for the locale and the catalog on each call (a
    page has a hundred); here they are looked up once per rendered page. Macros imported
    without context keep the global, slower ``gettext``, with the same result.
    """
    translations = page_translations()
    gettext = _bound_gettext(translations.ugettext)
    # ``_`` too: Jinja's own ``_`` is an alias that looks ``gettext`` up again on each call.
    return {"_": gettext, "gettext": gettext, "ngettext": _bound_ngettext(translations.ungettext)}


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
        menu_key=menu_key,
        inbox_unread=inbox_unread,
        url_with=url_with,
        url_pattern=UrlPattern,
        get_locale=get_locale,
        languages=app.config["LANGUAGES"],
    )
    app.jinja_env.globals["url_for"] = template_url_for
    app.jinja_env.add_extension(FragmentCache)
    # What macros imported without context call: Flask-Babel's callables, with the catalog
    # looked up once per request (``page_translations``) instead of once per string.
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: page_translations().ugettext(s),
        ngettext=lambda s, p, n: page_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: page_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: page_translations().unpgettext(c, s, p, n),
    )
    app.context_processor(translations_for_render)
    app.jinja_env.filters["money"] = format_money
    app.jinja_env.filters["action_label"] = action_label
    app.jinja_env.filters["object_label"] = object_label
    app.jinja_env.filters["readable_changes"] = readable_changes
    app.jinja_env.filters["region_name"] = region_label  # in the reader's language
    app.jinja_env.filters["mask_id"] = mask_citizen_id
    app.jinja_env.filters["datetime"] = lambda value: (
        format_datetime(value, "yyyy-MM-dd HH:mm") if value else ""
    )
