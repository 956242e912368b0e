"""CSRF protection and error pages: a clear 4xx in Chinese, never a 500, nothing written."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.roles import Role
from institutions.models import Sponsor
from tests.factories import create_user


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


def test_post_without_or_with_forged_csrf_token_is_refused(client, login_as, csrf_on):
    login_as(create_user(Role.STAFFING_OFFICE))
    db.session.commit()
    before = db.session.scalar(select(func.count()).select_from(Sponsor))
    for token in (None, "forged-token"):
        data = {"name": "伪造的举办单位", "district_code": "510107"}
        if token:
            data["csrf_token"] = token
        response = client.post("/institutions/sponsors/new", data=data)
        assert response.status_code == 400
        assert "CSRF" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Sponsor)) == before


def test_post_with_the_pages_csrf_token_is_accepted(client, login_as, csrf_on):
    login_as(create_user(Role.STAFFING_OFFICE))
    db.session.commit()
    page = client.get("/institutions/sponsors/new").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        "/institutions/sponsors/new",
        data={"name": "真实的举办单位", "district_code": "510107", "csrf_token": token},
    )
    assert response.status_code == 302


def test_unknown_pages_and_ids_get_chinese_404(client, login_as):
    login_as(create_user(Role.STAFFING_OFFICE))
    db.session.commit()
    for url in ("/no-such-page", "/institutions/999999", "/accounts/999999", "/audit/999999"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "页面不存在" in response.get_data(as_text=True)


def test_wrong_method_gets_405(client):
    # (a GET of a POST-only address leads to its page: tests/core/test_reloadable_pages.py)
    assert client.put("/logout").status_code == 405


def test_unexpected_error_renders_the_500_page(app, client, login_as, monkeypatch):
    def boom():
        raise RuntimeError("boom")

    login_as(create_user())
    db.session.commit()
    monkeypatch.setitem(app.view_functions, "core.home", boom)
    monkeypatch.setattr(app, "testing", False)  # render the page instead of re-raising
    response = client.get("/")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "系统出错" in body and "boom" not in body


def test_security_headers(client):
    response = client.get("/login")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
