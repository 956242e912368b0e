"""Account management by the staffing office: users, roles in their scopes, passwords."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.audit import AuditEvent
from core.auth.models import Membership, User
from core.extensions import db
from core.notifications import Notification
from core.roles import Role
from tests.core.test_notifications import FakeSMTP
from tests.factories import PASSWORD, create_institution, create_sponsor, create_user


def _office(client, login_as):
    user = create_user(Role.STAFFING_OFFICE)
    db.session.commit()
    login_as(user)
    return user


def test_create_user_then_grant_roles_in_the_right_scopes(client, login_as):
    _office(client, login_as)
    institution = create_institution()
    sponsor = create_sponsor()
    db.session.commit()
    response = client.post(
        "/accounts/new",
        data={"username": "New.User", "full_name": "新用户", "password": "temp-pass-1"},
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.username == "new.user"))
    assert user.must_change_password

    def grant(**data):
        payload = {"grant-role": "", "grant-institution_id": 0, "grant-sponsor_id": 0}
        payload.update({f"grant-{k}": v for k, v in data.items()})
        return client.post(f"/accounts/{user.id}/memberships", data=payload)

    assert grant(role="hr_officer", institution_id=institution.id).status_code == 302
    assert grant(role="sponsor", sponsor_id=sponsor.id).status_code == 302
    assert grant(role="staffing_office").status_code == 302
    missing = grant(role="finance_officer")
    assert missing.status_code == 422
    assert "必须选择所属单位" in missing.get_data(as_text=True)
    duplicate = grant(role="hr_officer", institution_id=institution.id)
    assert "已拥有此角色" in duplicate.get_data(as_text=True)
    bogus = grant(role="hr_officer", institution_id=999999)
    assert bogus.status_code == 422
    roles = sorted(
        m.role for m in db.session.scalars(select(Membership).where(Membership.user_id == user.id))
    )
    assert roles == ["hr_officer", "sponsor", "staffing_office"]
    assert (
        db.session.scalar(
            select(func.count()).where(
                AuditEvent.action == "membership.grant", AuditEvent.summary.startswith("new.user")
            )
        )
        == 3
    )


def test_revoke_reset_and_unlock(client, login_as):
    _office(client, login_as)
    institution = create_institution()
    target = create_user(Role.EMPLOYEE, institution=institution, username="target1")
    db.session.commit()
    membership = target.memberships[0]
    assert (
        client.post(f"/accounts/{target.id}/memberships/{membership.id}/revoke").status_code == 302
    )
    assert db.session.get(Membership, membership.id) is None
    token = db.session.get(User, target.id).session_token
    client.post(f"/accounts/{target.id}/reset-password", data={"reset-password": "temp-pass-2"})
    db.session.expire_all()
    target = db.session.get(User, target.id)
    assert target.check_password("temp-pass-2") and target.must_change_password
    assert target.session_token != token  # signed out everywhere
    weak = client.post(f"/accounts/{target.id}/reset-password", data={"reset-password": "123"})
    assert weak.status_code == 422  # shown next to the field, on the account page
    assert "密码至少需要 8 位" in weak.get_data(as_text=True)
    assert db.session.get(User, target.id).check_password("temp-pass-2")


def test_revoking_another_users_membership_is_404(client, login_as):
    _office(client, login_as)
    institution = create_institution()
    one = create_user(Role.EMPLOYEE, institution=institution)
    two = create_user(Role.EMPLOYEE, institution=institution)
    db.session.commit()
    response = client.post(f"/accounts/{one.id}/memberships/{two.memberships[0].id}/revoke")
    assert response.status_code == 404
    assert db.session.get(Membership, two.memberships[0].id) is not None


def test_staffing_office_cannot_touch_a_superuser(client, login_as):
    _office(client, login_as)
    root = create_user(is_superuser=True)
    db.session.commit()
    assert client.get(f"/accounts/{root.id}").status_code == 403
    assert (
        client.post(
            f"/accounts/{root.id}/reset-password", data={"reset-password": "x-pass-123"}
        ).status_code
        == 403
    )


def test_cannot_deactivate_yourself(client, login_as):
    office = _office(client, login_as)
    response = client.post(
        f"/accounts/{office.id}/edit", data={"full_name": office.full_name, "is_active": ""}
    )
    assert response.status_code == 422
    assert db.session.get(User, office.id).is_active


def test_deactivated_user_is_signed_out(app, client, login_as):
    _office(client, login_as)
    target = create_user(username="leaver")
    db.session.commit()
    other = app.test_client()
    with other.session_transaction() as session:
        session["_user_id"] = target.get_id()
    assert other.get("/").status_code == 200
    client.post(f"/accounts/{target.id}/edit", data={"full_name": "离职者"})
    assert other.get("/").status_code == 302


def test_user_list_search_and_filters(client, login_as):
    _office(client, login_as)
    institution = create_institution()
    create_user(Role.HR_OFFICER, institution=institution, username="hr.zhang", full_name="张人事")
    create_user(
        Role.FINANCE_OFFICER, institution=institution, username="fin.li", full_name="李财务"
    )
    db.session.commit()
    body = client.get("/accounts/?q=张").get_data(as_text=True)
    assert "hr.zhang" in body and "fin.li" not in body
    body = client.get("/accounts/?role=finance_officer").get_data(as_text=True)
    assert "fin.li" in body and "hr.zhang" not in body
    body = client.get(f"/accounts/?institution_id={institution.id}").get_data(as_text=True)
    assert "fin.li" in body and "hr.zhang" in body


def test_create_and_edit_an_account_with_an_email_through_the_form(client, login_as):
    _office(client, login_as)
    response = client.post(
        "/accounts/new",
        data={
            "username": "mailer",
            "full_name": "邮件用户",
            "password": "temp-pass-1",
            "email": "mailer@example.org",
        },
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.username == "mailer"))
    assert user.email == "mailer@example.org"
    response = client.post(
        f"/accounts/{user.id}/edit",
        data={"full_name": "邮件用户", "email": "new.mail@example.org", "is_active": "y"},
    )
    assert response.status_code == 302
    assert db.session.get(User, user.id).email == "new.mail@example.org"
    bad = client.post(
        f"/accounts/{user.id}/edit",
        data={"full_name": "邮件用户", "email": "not-an-address", "is_active": "y"},
    )
    assert bad.status_code == 422
    assert "邮箱格式不正确" in bad.get_data(as_text=True)


def test_the_email_validator_is_a_pinned_requirement():
    """The Email() validator imports email_validator at run time; a fresh install needs it."""
    from pathlib import Path

    pins = Path(__file__).resolve().parents[3].joinpath("requirements.txt").read_text()
    assert any(line.lower().startswith("email-validator==") for line in pins.splitlines())


def _grant(client, user, **data):
    payload = {f"grant-{k}": v for k, v in data.items()}
    return client.post(f"/accounts/{user.id}/memberships", data=payload)


def _notices(user) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)))


def test_no_one_grants_themselves_a_role(client, login_as):
    office = _office(client, login_as)
    institution = create_institution()
    db.session.commit()
    response = _grant(client, office, role="institution_admin", institution_id=institution.id)
    assert response.status_code == 422
    assert "不能给自己授予角色" in response.get_data(as_text=True)
    assert [m.role for m in db.session.get(User, office.id).memberships] == ["staffing_office"]
    # Another administrator can.
    login_as(create_user(Role.STAFFING_OFFICE))
    db.session.commit()
    response = _grant(client, office, role="institution_admin", institution_id=institution.id)
    assert response.status_code == 302


def test_the_account_page_offers_no_self_grant_or_self_reset(client, login_as):
    office = _office(client, login_as)
    body = client.get(f"/accounts/{office.id}").get_data(as_text=True)
    assert 'id="grant-form"' not in body and "不能给自己授予角色" in body
    assert "reset-password" not in body
    response = client.post(
        f"/accounts/{office.id}/reset-password", data={"reset-password": "temp-pass-9"}
    )
    assert response.status_code == 422
    assert db.session.get(User, office.id).check_password(PASSWORD)


@pytest.fixture
def mail(app, monkeypatch):
    FakeSMTP.sent = []
    monkeypatch.setattr("core.notifications.smtplib.SMTP", FakeSMTP)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "mail.example")
    return FakeSMTP


def test_a_password_reset_notifies_the_owner_and_shows_on_the_account_page(client, login_as, mail):
    office = _office(client, login_as)
    target = create_user(Role.EMPLOYEE, institution=create_institution(), email="t@example.org")
    db.session.commit()
    response = client.post(
        f"/accounts/{target.id}/reset-password", data={"reset-password": "temp-pass-2"}
    )
    assert response.status_code == 302
    notices = _notices(target)
    assert [n.title for n in notices] == ["您的密码已被重置"]
    assert office.username in notices[0].body
    assert [(to, subject) for to, subject, _ in mail.sent] == [
        ("t@example.org", "您的密码已被重置")
    ]
    page = client.get(f"/accounts/{target.id}").get_data(as_text=True)
    history = page.split('id="account-history"')[1]
    assert "重置密码" in history and office.full_name in history


def _last_event_id() -> int:
    return db.session.scalar(select(func.coalesce(func.max(AuditEvent.id), 0)))


def test_grants_and_removals_notify_the_owner_and_are_listed(client, login_as):
    office = _office(client, login_as)
    institution = create_institution(name="通知学校")
    target = create_user()
    db.session.commit()
    before = _last_event_id()
    assert (
        _grant(client, target, role="hr_officer", institution_id=institution.id).status_code == 302
    )
    membership = db.session.get(User, target.id).memberships[0]
    client.post(f"/accounts/{target.id}/memberships/{membership.id}/revoke")
    titles = [n.title for n in _notices(target)]
    assert titles == ["您获得了新角色：人事专员", "您的角色已被撤销：人事专员"]
    assert "通知学校" in _notices(target)[0].body
    history = client.get(f"/accounts/{target.id}").get_data(as_text=True)
    history = history.split('id="account-history"')[1]
    assert "授予角色" in history and "撤销角色" in history and office.full_name in history
    events = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action.in_(["membership.grant", "membership.revoke"]),
            AuditEvent.id > before,  # only this test's: other modules' worlds may be committed
        )
    ).all()
    assert {(e.object_id, e.actor_id) for e in events if e.object_id == str(target.id)} == {
        (str(target.id), office.id)
    }
    assert {e.object_type for e in events} == {"User"}


def test_notices_are_stored_as_message_ids_and_read_in_the_readers_language(client, login_as, mail):
    office = _office(client, login_as)
    target = create_user(email="reader@example.org")
    db.session.commit()
    before = _last_event_id()
    client.post("/language", data={"lang": "en"})  # the actor reads English
    client.post(f"/accounts/{target.id}/reset-password", data={"reset-password": "temp-pass-2"})
    institution = create_institution(name="英文界面学校")
    db.session.commit()
    _grant(client, target, role="hr_officer", institution_id=institution.id)
    notices = _notices(target)
    # Stored as ids with parameters, the role too; no text in anyone's language.
    assert [n.title_message for n in notices] == [
        {"msg": "您的密码已被重置", "params": {}},
        {"msg": "您获得了新角色：%(r)s", "params": {"r": {"msg": "人事专员", "params": {}}}},
    ]
    assert notices[1].body_message["params"]["where"] == "英文界面学校"
    assert all(n.title_text is None and n.body_text is None for n in notices)
    # The recipient has chosen no language: their e-mail copies are in Chinese.
    assert [subject for _, subject, _ in mail.sent] == [
        "您的密码已被重置",
        "您获得了新角色：人事专员",
    ]
    grant = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "membership.grant",
            AuditEvent.object_id == str(target.id),
            AuditEvent.id > before,
        )
    )
    assert grant.summary == f"{target.username}：人事专员"

    # The recipient reads them in the language they read in.
    reader = db.session.get(User, target.id)
    reader.must_change_password = False  # as after changing the temporary password
    db.session.commit()
    login_as(reader)
    client.post("/language", data={"lang": "zh"})
    page = client.get("/inbox").get_data(as_text=True)
    assert "您的密码已被重置" in page and "您获得了新角色：人事专员" in page
    client.post("/language", data={"lang": "en"})
    page = client.get("/inbox").get_data(as_text=True)
    assert "Your password has been reset" in page and "You have a new role: HR officer" in page
    assert "您" not in page.split('id="inbox"')[1]
    # Switching the language while signed in is remembered, for the e-mail copies.
    assert db.session.get(User, target.id).locale == "en"
    mail.sent = []
    login_as(db.session.get(User, office.id))
    client.post("/language", data={"lang": "zh"})  # the actor reads Chinese
    _grant(client, target, role="finance_officer", institution_id=institution.id)
    assert [subject for _, subject, _ in mail.sent] == ["You have a new role: Finance officer"]
    assert "英文界面学校" in mail.sent[0][2]


def test_names_lose_bidirectional_and_invisible_characters(client, login_as):
    _office(client, login_as)
    response = client.post(
        "/accounts/new",
        data={"username": "bidi", "full_name": "张\u202e三\u200b ", "password": "temp-pass-1"},
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.username == "bidi"))
    assert user.full_name == "张三"
    client.post(f"/accounts/{user.id}/edit", data={"full_name": "\u2066李\u202d四\u2069"})
    assert db.session.get(User, user.id).full_name == "李四"
    # The command line and seeds go through the same operation.
    made = create_user(username="\u202ewang5", full_name="王\u202e五")
    assert (made.username, made.full_name) == ("wang5", "王五")


def test_the_grant_form_starts_empty_and_refuses_a_double_or_wrong_scope(client, login_as):
    _office(client, login_as)
    institution = create_institution()
    sponsor = create_sponsor()
    target = create_user()
    db.session.commit()
    page = client.get(f"/accounts/{target.id}").get_data(as_text=True)
    form = page.split('id="grant-form"')[1].split("</form>")[0]
    assert "selected" not in form  # no role, no institution, no sponsor chosen in advance
    assert 'data-scope-field="institution"' in form and 'data-scope-field="sponsor"' in form
    assert "js/accounts.js" in page
    nothing = _grant(client, target, institution_id=institution.id)
    assert nothing.status_code == 422 and "请选择角色" in nothing.get_data(as_text=True)
    both = _grant(
        client, target, role="hr_officer", institution_id=institution.id, sponsor_id=sponsor.id
    )
    assert both.status_code == 422
    assert "请只选择一项" in both.get_data(as_text=True)
    city_with_place = _grant(client, target, role="staffing_office", institution_id=institution.id)
    assert city_with_place.status_code == 422
    assert "全市有效" in city_with_place.get_data(as_text=True)
    sponsor_with_school = _grant(
        client, target, role="sponsor", sponsor_id=sponsor.id, institution_id=institution.id
    )
    assert sponsor_with_school.status_code == 422
    assert db.session.get(User, target.id).memberships == []
    assert _grant(client, target, role="sponsor", sponsor_id=sponsor.id).status_code == 302


def test_changing_the_email_tells_the_old_address(client, login_as, mail):
    _office(client, login_as)
    target = create_user(email="old@example.org")
    db.session.commit()
    response = client.post(
        f"/accounts/{target.id}/edit",
        data={"full_name": target.full_name, "email": "new@example.org", "is_active": "y"},
    )
    assert response.status_code == 302
    assert [(to, subject) for to, subject, _ in mail.sent] == [
        ("old@example.org", "您账号的电子邮箱已修改")
    ]
