"""The 403 and login pages send people to the person who can actually help (issue 9.12)."""

from __future__ import annotations

from core.auth.queries import contacts_for
from core.extensions import db
from core.roles import Role
from tests.factories import create_user, create_world


def _forbidden(client) -> str:
    response = client.get("/audit")  # forbidden to everyone below the institution admin
    assert response.status_code == 403
    return response.get_data(as_text=True)


def test_an_employee_is_sent_to_their_institution_admin(client, login_as):
    world = create_world()
    admin = world.users["institution_admin"]
    admin.phone = "13800000000"
    db.session.commit()
    login_as(world.users["employee"])
    body = _forbidden(client)
    contacts = body.split('id="help-contacts"')[1]
    assert admin.full_name in contacts and "13800000000" in contacts and "本校" in contacts
    assert world.users["staffing_office"].full_name not in contacts


def test_an_institution_admin_is_sent_to_the_staffing_office(app, login_as):
    world = create_world()
    names = [c.name for c in contacts_for(world.users["institution_admin"])]
    assert names == [world.users["staffing_office"].full_name]


def test_an_employee_without_an_admin_is_sent_to_the_staffing_office(client, login_as):
    world = create_world()
    lonely = create_user(Role.EMPLOYEE, institution=world.other)
    db.session.commit()
    names = [c.name for c in contacts_for(lonely)]
    assert names == [world.users["staffing_office"].full_name]
    assert world.users["institution_admin"].full_name not in names  # not the other school's


def test_an_account_with_no_role_is_sent_to_the_staffing_office(client, login_as):
    world = create_world()
    nobody = create_user()
    db.session.commit()
    login_as(nobody)
    body = _forbidden(client)
    assert world.users["staffing_office"].full_name in body.split('id="help-contacts"')[1]


def test_the_login_page_says_whom_to_ask(client):
    body = client.get("/login").get_data(as_text=True)
    assert "请联系本单位的单位管理员重置密码或解除锁定" in body
