"""Parts of a page rendered once and reused: ``{% cached key %}…{% endcached %}``.

Much of a list page is the same on every request: the main menu for a given set of roles,
an institution's tabs, the filter form for given filters, the sort headers and the pager for
a given query string. Rendering them costs as much as the rows. A template marks such a
part with everything it depends on::

    {% cached (institution.id, can_manage, request.endpoint) %}…{% endcached %}

and the HTML rendered the first time for that key is reused. The key is the caller's
promise: it must name every value the part reads (the template, the line, the reader's
language and the app's URL map, script root, host and scheme are added here). Never cache
a part holding a CSRF token, a flashed message, or anything read from the database that the
key does not name.
"""

from __future__ import annotations

from flask.globals import _cv_request
from flask_babel import get_locale
from jinja2 import nodes
from jinja2.ext import Extension
from markupsafe import Markup

#: Parts already rendered, by template, line, language, URL adapter and the caller's key.
_rendered: dict[tuple, Markup] = {}
#: Emptied when full, like the links in ``core.templating``: a part is a few KB (the staff
#: filters with a search are the largest), so a worker keeps a few MB at most.
FRAGMENTS_KEPT = 1024


def _frozen(value):
    """Return ``value`` with its dicts and lists as tuples, so that it can be a key."""
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(v) for v in value)
    return value


class FragmentCache(Extension):
    """The ``{% cached key %}…{% endcached %}`` tag (see the module's docstring)."""

    tags = {"cached"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        key = parser.parse_expression()
        body = parser.parse_statements(("name:endcached",), drop_needle=True)
        where = nodes.Const(f"{parser.name}:{lineno}")
        return nodes.CallBlock(
            self.call_method("_render", [where, key]), [], [], body
        ).set_lineno(lineno)

    def _render(self, where: str, key, caller) -> Markup:
        ctx = _cv_request.get(None)
        if ctx is None or ctx.url_adapter is None:
            return caller()
        adapter = ctx.url_adapter
        try:
            full = (
                where,
                str(get_locale()),
                adapter.map,
                adapter.script_name,
                adapter.server_name,
                adapter.subdomain,
                adapter.url_scheme,
                _frozen(key),
            )
            found = _rendered.get(full)
        except TypeError:  # a key that cannot be a key (a list): render it every time
            return caller()
        if found is None:
            found = Markup(caller())
            if len(_rendered) >= FRAGMENTS_KEPT:
                _rendered.clear()
            _rendered[full] = found
        return found
