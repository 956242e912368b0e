"""The inbox: messages reach only their user; e-mail goes out only after commit."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.extensions import db
from core.notifications import Notification, notify, unread_count
from tests.factories import create_user


class FakeSMTP:
    sent: list = []

    def __init__(self, host, port, timeout=None):
        self.host = host

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def send_message(self, message):
        FakeSMTP.sent.append((message["To"], message["Subject"], message.get_content()))


@pytest.fixture
def smtp(app, monkeypatch):
    FakeSMTP.sent = []
    monkeypatch.setattr("core.notifications.smtplib.SMTP", FakeSMTP)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "mail.example")
    monkeypatch.setitem(app.config, "APP_BASE_URL", "https://gov.example")
    return FakeSMTP


def test_each_user_gets_one_message_and_sees_only_their_own(client, login_as):
    alice, bob = create_user(username="alice"), create_user(username="bob")
    notify([alice, alice, bob], "会议通知：第一次会议", "时间：…", link="/governance/")
    db.session.commit()
    assert unread_count(alice) == 1
    login_as(alice)
    body = client.get("/inbox").get_data(as_text=True)
    assert "会议通知：第一次会议" in body
    bobs = db.session.scalar(select(Notification).where(Notification.user_id == bob.id))
    assert client.post(f"/inbox/{bobs.id}/read").status_code == 404
    own = db.session.scalar(select(Notification).where(Notification.user_id == alice.id))
    response = client.post(f"/inbox/{own.id}/read")
    assert response.status_code == 302 and response.headers["Location"] == "/governance/"
    assert unread_count(alice) == 0 and unread_count(bob) == 1


def test_unread_count_shows_in_the_menu_and_read_all_clears_it(client, login_as):
    user = create_user()
    notify([user], "甲")
    notify([user], "乙")
    db.session.commit()
    login_as(user)
    assert 'id="inbox-link">消息 <span class="badge' in client.get("/").get_data(as_text=True)
    client.post("/inbox/read-all")
    assert unread_count(user) == 0


def test_mail_is_sent_after_commit_only(smtp):
    user = create_user(email="member@example.com")
    notify([user], "会议通知", "时间：2026-12-01", link="/governance/1/meetings/2")
    assert smtp.sent == []  # nothing before the commit
    db.session.commit()
    assert smtp.sent == [
        (
            "member@example.com",
            "会议通知",
            "时间：2026-12-01\n\nhttps://gov.example/governance/1/meetings/2\n",
        )
    ]
    notify([user], "不会发出")
    db.session.rollback()
    db.session.commit()
    assert len(smtp.sent) == 1


def test_mail_failure_keeps_the_inbox_message(app, smtp, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr("core.notifications.smtplib.SMTP", broken)
    user = create_user(email="member@example.com")
    notify([user], "会议通知")
    db.session.commit()
    assert unread_count(user) == 1
    assert "could not e-mail" in caplog.text


def test_a_notice_is_stored_as_ids_and_mailed_in_the_recipients_language(smtp):
    """Issue 9.20: a label parameter (a lazy string) is stored as its id too; the e-mail copy
    is in each recipient's language, whatever the sender reads."""
    from core.i18n import msg
    from core.roles import ROLE_LABELS, Role

    reader_zh = create_user(email="zh@example.com")
    reader_en = create_user(email="en@example.com")
    reader_en.locale = "en"
    title = msg("您获得了新角色：%(r)s", r=ROLE_LABELS[Role.HR_OFFICER])
    (stored, _) = notify([reader_zh, reader_en], title, msg("系统管理员"))
    assert stored.title_message == {
        "msg": "您获得了新角色：%(r)s",
        "params": {"r": {"msg": "人事专员", "params": {}}},
    }
    db.session.commit()
    assert [(to, subject, text) for to, subject, text in smtp.sent] == [
        ("zh@example.com", "您获得了新角色：人事专员", "系统管理员\n"),
        ("en@example.com", "You have a new role: HR officer", "System administrator\n"),
    ]


def test_the_language_switch_is_remembered_for_a_signed_in_user(client, login_as):
    user = create_user()
    db.session.commit()
    client.post("/language", data={"lang": "en"})  # signed out: only the session
    login_as(user)
    assert db.session.get(type(user), user.id).locale == "zh"
    client.post("/language", data={"lang": "en"})
    assert db.session.get(type(user), user.id).locale == "en"
    client.post("/language", data={"lang": "xx"})
    assert db.session.get(type(user), user.id).locale == "en"
