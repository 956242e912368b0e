"""Every ``next`` and stored link goes through one safe-redirect check (issue 8.10)."""

from __future__ import annotations

import pytest

from core.extensions import db
from core.notifications import notify
from core.redirects import is_safe_path, safe_next
from tests.factories import PASSWORD, create_user

#: Targets a browser would follow to another site, or that are not plain paths.
UNSAFE = [
    "https://evil.example/x",
    "//evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "/\\evil.example",
    "/\\/evil.example",
    "\\\\evil.example",
    " //evil.example",
    "\t//evil.example",
    "/\x00/evil.example",
    "/\u202e/evil.example",
    "/\u3000/evil.example",
    "javascript:alert(1)",
    "evil.example",
    "",
    None,
]

SAFE = [
    "/",
    "/institutions/",
    "/accounts/?q=%E5%BC%A0&page=2",
    "/hr/1/staff#top",
    "/accounts/?q=张",
]


@pytest.mark.parametrize("target", UNSAFE)
def test_unsafe_targets_are_refused(target):
    assert not is_safe_path(target)
    assert safe_next(target, "/home") == "/home"


@pytest.mark.parametrize("target", SAFE)
def test_paths_on_this_site_pass(target):
    assert safe_next(target, "/home") == target


def _location(response) -> str:
    assert response.status_code == 302
    return response.headers["Location"]


def _leaves_site(location: str) -> bool:
    """Return whether a browser would leave the site for ``location``."""
    cleaned = "".join(c for c in location if c not in "\t\r\n").lstrip(" \x00")
    cleaned = cleaned.replace("\\", "/")
    return not cleaned.startswith("/") or cleaned.startswith("//")


@pytest.mark.parametrize("target", [t for t in UNSAFE if t])
def test_language_switch_never_redirects_off_site(client, target):
    location = _location(client.post("/language", data={"lang": "en", "next": target}))
    assert not _leaves_site(location), location
    assert location == "/"


def test_language_switch_returns_to_the_page(client):
    response = client.post("/language", data={"lang": "en", "next": "/institutions/?page=2"})
    assert _location(response) == "/institutions/?page=2"


@pytest.mark.parametrize("target", [t for t in UNSAFE if t])
def test_login_next_never_redirects_off_site(client, target):
    create_user(username="nexter")
    db.session.commit()
    response = client.post(
        "/login", query_string={"next": target}, data={"username": "nexter", "password": PASSWORD}
    )
    assert _location(response) == "/"


@pytest.mark.parametrize("link", ["/\t/evil.example", "https://evil.example", "/\\evil.example"])
def test_inbox_links_never_redirect_off_site(client, login_as, link):
    user = create_user()
    message = notify([user], "消息", link=link)[0]
    db.session.commit()
    login_as(user)
    assert _location(client.post(f"/inbox/{message.id}/read")) == "/inbox"
