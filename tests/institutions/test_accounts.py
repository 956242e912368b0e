"""Account management by the staffing office: users, roles in their scopes, passwords."""

from __future__ import annotations

from sqlalchemy import func, select

from core.audit import AuditEvent
from core.auth.models import Membership, User
from core.extensions import db
from core.roles import Role
from tests.factories import create_institution, create_sponsor, create_user


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
    assert weak.status_code == 302
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

    pins = Path(__file__).resolve().parents[2].joinpath("requirements.txt").read_text()
    assert any(line.lower().startswith("email-validator==") for line in pins.splitlines())
