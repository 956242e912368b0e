"""Every address a page can show answers GET, and the site has its icon (issue 9, item 22).

A form that fails validation is shown again by the POST that received it, so the address bar
keeps a POST-only URL; opening it again must lead back to the form, not to a 405.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from werkzeug.exceptions import MethodNotAllowed, NotFound

from core.roles import Role
from tests.factories import create_institution, create_user


def _sample_url(rule) -> str:
    values = {}
    for name in rule.arguments:
        converter = type(rule._converters[name]).__name__
        values[name] = 7 if converter in ("IntegerConverter", "NumberConverter") else "x"
    return rule.build(values, append_unknown=False)[1]


def _post_only_urls(app) -> list[tuple[str, str]]:
    """Return (endpoint, sample URL) for every route a GET on its URL cannot reach."""
    adapter = app.url_map.bind("localhost")
    found = []
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods or "POST" not in rule.methods:
            continue
        url = _sample_url(rule)
        try:
            adapter.match(url, method="GET")
        except MethodNotAllowed:
            found.append((rule.endpoint, url))
        except NotFound:  # pragma: no cover - a sample value another converter refused
            continue
    return found


def test_a_get_on_any_post_only_url_leads_to_a_page_that_answers_get(app, client, login_as):
    login_as(create_user(is_superuser=True))
    adapter = app.url_map.bind("localhost")
    urls = _post_only_urls(app)
    assert len(urls) > 20  # the inventory found the app's form targets
    for endpoint, url in urls:
        response = client.get(url)
        assert response.status_code == 303, (endpoint, url, response.status_code)
        target = urlsplit(response.headers["Location"]).path
        assert target != url
        assert url.startswith(target.rstrip("/")), (endpoint, url, target)
        adapter.match(target, method="GET")  # raises if the target is no page


def test_a_refused_quota_entry_can_be_reopened_by_its_address(client, login_as):
    institution = create_institution()
    login_as(create_user(Role.STAFFING_OFFICE))
    url = f"/institutions/{institution.id}/quota/add"
    refused = client.post(url, data={"kind": "establishment", "change": "abc"})
    assert refused.status_code == 422
    assert "编制台账" in refused.get_data(as_text=True) or "台账" in refused.get_data(as_text=True)

    reopened = client.get(url)
    assert reopened.status_code == 303
    assert urlsplit(reopened.headers["Location"]).path == f"/institutions/{institution.id}/quota"
    page = client.get(reopened.headers["Location"])
    assert page.status_code == 200
    assert 'name="document_number"' in page.get_data(as_text=True)


def test_signed_out_the_reopened_address_still_asks_to_sign_in(client):
    institution = create_institution()
    reopened = client.get(f"/institutions/{institution.id}/quota/add")
    assert reopened.status_code == 303
    page = client.get(reopened.headers["Location"])
    assert page.status_code == 302
    assert "/login" in page.headers["Location"]


def test_other_wrong_methods_and_json_clients_still_get_405(client, login_as):
    login_as(create_user(is_superuser=True))
    assert client.put("/logout").status_code == 405
    assert client.get("/logout", headers={"Accept": "application/json"}).status_code == 405
    assert client.post("/institutions/export").status_code == 405


def test_the_site_icon_is_served_to_anyone_and_linked_from_every_page(client, login_as):
    with client.get("/favicon.ico") as icon:
        assert icon.status_code == 200
        assert icon.mimetype == "image/vnd.microsoft.icon"
        assert icon.data[:4] == b"\x00\x00\x01\x00"  # ICO header: reserved 0, type 1 (icon)
        assert "max-age" in icon.headers["Cache-Control"]
    login = client.get("/login").get_data(as_text=True)
    assert 'rel="icon" href="/favicon.ico"' in login


def test_the_icon_is_served_even_before_a_forced_password_change(client, login_as):
    login_as(create_user(Role.STAFFING_OFFICE, must_change_password=True))
    with client.get("/favicon.ico") as icon:
        assert icon.status_code == 200
    assert client.get("/").status_code == 302
