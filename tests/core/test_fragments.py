"""Parts of a page rendered once per key (``{% cached key %}``) are the parts that key names."""

from __future__ import annotations

import re

from flask import render_template_string
from flask_babel import refresh

from core import fragments
from core.roles import Role
from core.templating import nav_items
from tests import factories

PART = "{% cached (k,) %}[{{ v }} {{ _('人员名册') }} {{ url_for('core.home') }}]{% endcached %}"


def test_a_part_is_rendered_once_per_key(app, monkeypatch):
    monkeypatch.setattr(fragments, "_rendered", {})
    with app.test_request_context("/"):
        assert render_template_string(PART, k=1, v="a") == "[a 人员名册 /]"
        # v is not in the key: the part rendered for key 1 is reused
        assert render_template_string(PART, k=1, v="b") == "[a 人员名册 /]"
        assert render_template_string(PART, k=2, v="<b>") == "[&lt;b&gt; 人员名册 /]"


def test_the_language_and_the_script_root_are_part_of_every_key(app, monkeypatch):
    monkeypatch.setattr(fragments, "_rendered", {})
    with app.test_request_context("/"):
        assert render_template_string(PART, k=1, v="a") == "[a 人员名册 /]"
    with app.test_request_context("/", base_url="http://localhost/app/"):
        assert render_template_string(PART, k=1, v="b") == "[b 人员名册 /app/]"
    with app.test_request_context("/"):
        from flask import session

        session["lang"] = "en"
        refresh()
        assert render_template_string(PART, k=1, v="c") == "[c Staff roster /]"


def test_keys_may_hold_dicts_and_lists_and_the_cache_is_bounded(app, monkeypatch):
    monkeypatch.setattr(fragments, "_rendered", {})
    monkeypatch.setattr(fragments, "FRAGMENTS_KEPT", 3)
    source = "{% cached (k, d) %}{{ k }}{% endcached %}"
    with app.test_request_context("/"):
        for n in range(10):
            assert render_template_string(source, k=[n, "x"], d={"a": [n]}) == f"[{n}, &#39;x&#39;]"
            assert render_template_string(source, k=[n, "x"], d={"a": [n]}) == f"[{n}, &#39;x&#39;]"
            assert len(fragments._rendered) <= 3


def test_outside_a_request_a_part_is_rendered_every_time(app, monkeypatch):
    monkeypatch.setattr(fragments, "_rendered", {})
    with app.app_context():
        template = app.jinja_env.from_string("{% cached 1 %}{{ v }}{% endcached %}")
        assert template.render(v="a") == "a"
        assert template.render(v="b") == "b"
    assert fragments._rendered == {}


def _menu(html: str) -> list[str]:
    found = re.search(r'<ul class="navbar-nav me-auto">(.*?)</ul>', html, re.S)
    return re.findall(r'href="([^"]+)"', found.group(1))


def test_the_menu_follows_each_users_roles_and_their_changes(app, client, login_as, world):
    """The menu rendered once per set of roles is each user's own, and a new role shows."""
    from core.auth import operations as accounts
    from core.extensions import db

    seen = {}
    for name in ("staffing_office", "hr_officer", "employee", "superuser"):
        user = world.users[name]
        login_as(user)
        html = client.get("/").get_data(as_text=True)
        with app.test_request_context("/"):
            from flask_login import login_user

            login_user(db.session.get(type(user), user.id))
            expected = [item.endpoint for item in nav_items()]
        assert len(_menu(html)) == len(expected), name
        seen[name] = _menu(html)
    assert seen["employee"] != seen["superuser"]
    employee = world.users["employee"]
    before = seen["employee"]
    accounts.grant(employee, Role.HR_OFFICER, institution_id=world.mine.id)
    db.session.commit()
    login_as(employee)
    after = _menu(client.get("/").get_data(as_text=True))
    assert len(after) > len(before)
    other = factories.create_user(Role.HR_OFFICER, institution=world.other)
    db.session.commit()
    login_as(other)
    # a hospital's HR officer: the hospital's sector menu, not the school's
    assert _menu(client.get("/").get_data(as_text=True)) != after
