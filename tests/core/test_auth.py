"""Sign-in, lockout, password change, session invalidation, forced change, redirects."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.audit import AuditEvent
from core.auth.models import User
from core.auth.operations import password_problem
from core.extensions import db
from core.models import utcnow
from core.roles import Role
from tests.factories import PASSWORD, create_institution, create_user


def _login(client, username, password=PASSWORD, **extra):
    return client.post("/login", data={"username": username, "password": password, **extra})


def test_login_with_right_password_goes_home_and_records_it(client):
    user = create_user(Role.EMPLOYEE, institution=create_institution(), username="wang")
    db.session.commit()
    response = _login(client, "WANG ")  # case and stray spaces do not matter
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    assert db.session.get(User, user.id).last_login_at is not None
    assert db.session.scalar(
        select(func.count()).where(
            AuditEvent.action == "user.login", AuditEvent.actor_id == user.id
        )
    )


def test_wrong_password_and_unknown_user_get_the_same_message(client):
    create_user(username="li")
    db.session.commit()
    wrong = _login(client, "li", "nope-12345")
    unknown = _login(client, "nobody", "nope-12345")
    for response in (wrong, unknown):
        assert response.status_code == 422
        assert "用户名或密码错误" in response.get_data(as_text=True)


def test_account_locks_after_repeated_failures_and_unlocks_later(app, client):
    user = create_user(username="zhao")
    db.session.commit()
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit - 1):
        assert "用户名或密码错误" in _login(client, "zhao", "bad-pass-1").get_data(as_text=True)
    locked = _login(client, "zhao", "bad-pass-1")
    assert "已锁定" in locked.get_data(as_text=True)
    # Even the right password is refused while locked.
    refused = _login(client, "zhao")
    assert refused.status_code == 422
    assert "已锁定" in refused.get_data(as_text=True)
    # When the lock has expired the right password works again.
    db.session.get(User, user.id).locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert _login(client, "zhao").status_code == 302


def test_inactive_user_cannot_sign_in(client):
    create_user(username="qian", is_active=False)
    db.session.commit()
    response = _login(client, "qian")
    assert response.status_code == 422
    assert "已停用" in response.get_data(as_text=True)


def test_next_parameter_cannot_redirect_off_site(client):
    create_user(username="sun")
    db.session.commit()
    response = client.post(
        "/login?next=https://evil.example/x", data={"username": "sun", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/"
    client.post("/logout")
    response = client.post(
        "/login?next=/institutions/", data={"username": "sun", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/institutions/"


def test_protected_page_redirects_anonymous_to_login(client):
    response = client.get("/institutions/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_session_cookie_is_httponly_and_samesite(client):
    create_user(username="zhou")
    db.session.commit()
    response = _login(client, "zhou")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_change_password_signs_out_other_sessions(app):
    create_user(username="wu")
    db.session.commit()
    phone, laptop = app.test_client(), app.test_client()
    _login(phone, "wu")
    _login(laptop, "wu")
    response = laptop.post(
        "/password",
        data={
            "current_password": PASSWORD,
            "new_password": "fresh-pass-9",
            "confirm": "fresh-pass-9",
        },
    )
    assert response.status_code == 302
    assert laptop.get("/").status_code == 200  # the session that changed it stays in
    assert phone.get("/").status_code == 302  # the other one is out
    assert _login(app.test_client(), "wu", "fresh-pass-9").status_code == 302


@pytest.mark.parametrize(
    ("current", "new", "confirm", "message"),
    [
        ("wrong-pass-1", "fresh-pass-9", "fresh-pass-9", "当前密码不正确"),
        (PASSWORD, "short1", "short1", "8"),
        (PASSWORD, "onlyletters", "onlyletters", "字母和数字"),
        (PASSWORD, "fresh-pass-9", "other-pass-9", "不一致"),
        (PASSWORD, PASSWORD, PASSWORD, "不能与当前密码相同"),
    ],
)
def test_change_password_refusals_say_why(client, login_as, current, new, confirm, message):
    user = create_user(username="zheng")
    db.session.commit()
    login_as(user)
    response = client.post(
        "/password", data={"current_password": current, "new_password": new, "confirm": confirm}
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.get(User, user.id).check_password(PASSWORD)


def test_user_with_temporary_password_must_change_it_first(client, login_as):
    user = create_user(username="feng", must_change_password=True)
    db.session.commit()
    login_as(user)
    response = client.get("/institutions/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/password"
    client.post(
        "/password",
        data={
            "current_password": PASSWORD,
            "new_password": "own-pass-77",
            "confirm": "own-pass-77",
        },
    )
    assert db.session.get(User, user.id).must_change_password is False


def test_logout_requires_post_and_ends_the_session(client, login_as):
    login_as(create_user())
    db.session.commit()
    assert client.get("/logout").status_code == 303  # to the home page, still signed in
    assert client.get("/").status_code == 200
    assert client.post("/logout").status_code == 302
    assert client.get("/").status_code == 302


def test_password_rules():
    assert password_problem("abc12345") is None
    assert password_problem("abc1234") is not None
    assert password_problem("12345678") is not None
    assert password_problem("zhangsan1", "zhangsan") is not None


def _cookies(client) -> dict[str, str]:
    return {cookie.key: cookie.value for cookie in client._cookies.values()}


@pytest.mark.parametrize("cookie_name", ["session", "remember_token"])
def test_cookies_captured_before_logout_are_dead_afterwards(app, cookie_name):
    create_user(username="stolen")
    db.session.commit()
    victim = app.test_client()
    assert _login(victim, "stolen", remember="y").status_code == 302
    captured = _cookies(victim)[cookie_name]
    attacker = app.test_client()
    attacker.set_cookie(cookie_name, captured)
    assert attacker.get("/").status_code == 200  # the captured cookie works before logout
    victim.post("/logout")
    replay = app.test_client()
    replay.set_cookie(cookie_name, captured)
    assert replay.get("/").status_code == 302  # and is refused once the owner signed out


def test_remember_cookie_lasts_the_configured_days(app, client):
    assert app.config["REMEMBER_COOKIE_DURATION"] == timedelta(days=30)
    create_user(username="keeper")
    db.session.commit()
    response = _login(client, "keeper", remember="y")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if "remember_token" in c)
    assert "Max-Age=2592000" in cookie or "Expires=" in cookie
    remember = next(c for c in client._cookies.values() if c.key == "remember_token")
    assert timedelta(days=29) < remember.expires - utcnow() <= timedelta(days=30, minutes=1)


def test_remember_days_come_from_the_environment(monkeypatch, tmp_path):
    from core.config import Config

    monkeypatch.setenv("REMEMBER_DAYS", "7")
    duration = Config(tmp_path).REMEMBER_COOKIE_DURATION
    assert duration == timedelta(days=7)


def _password_error(response) -> str:
    """Return the error text shown under the password field."""
    body = response.get_data(as_text=True)
    return body.split('class="invalid-feedback')[1].split(">", 1)[1].split("<", 1)[0].strip()


def test_unknown_name_costs_the_same_password_check_as_a_real_one(client, monkeypatch):
    import core.auth.models as models

    create_user(username="real")
    db.session.commit()
    calls = []
    real_check = models.check_password_hash

    def counting(pwhash, password):
        calls.append(pwhash.split("$", 1)[0])
        return real_check(pwhash, password)

    monkeypatch.setattr(models, "check_password_hash", counting)
    _login(client, "real", "wrong-pass-1")
    _login(client, "ghost", "wrong-pass-1")
    # One verification each, with the same hashing method (so the same cost).
    assert len(calls) == 2
    assert calls[0] == calls[1]


def test_unknown_name_locks_like_a_real_account(app, client):
    create_user(username="real2")
    db.session.commit()
    limit = app.config["LOGIN_MAX_FAILURES"]
    answers = {}
    for name in ("real2", "ghost2"):
        answers[name] = [_password_error(_login(client, name, "bad-pass-1")) for _ in range(limit)]
        answers[name].append(_password_error(_login(client, name, "bad-pass-1")))
    assert answers["real2"] == answers["ghost2"]
    assert "用户名或密码错误" in answers["ghost2"][0]
    assert "已锁定" in answers["ghost2"][-2]  # the attempt that locks
    assert "已锁定" in answers["ghost2"][-1]  # and the one after


def test_unknown_name_failures_are_kept_across_requests_and_servers(app, client):
    from core.auth.models import LoginThrottle

    _login(client, "Ghost3 ", "bad-pass-1")
    throttle = db.session.get(LoginThrottle, "ghost3")
    assert throttle is not None and throttle.failed_login_count == 1
