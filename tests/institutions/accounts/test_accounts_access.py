"""Delegated account administration (issue 9.12): an institution admin manages the accounts
of their own institution and nothing beyond, including the mixed cases the permission
matrix cannot express (an account with roles in both institutions; an own account's URL
with a role held elsewhere)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.auth.models import Membership, User
from core.extensions import db
from core.roles import Role
from tests.factories import PASSWORD, create_user, create_world


@pytest.fixture
def city(client, login_as):
    """The world, signed in as the admin of ``mine``; ``theirs`` is an account of ``other``,
    ``mixed`` an employee of ``mine`` who also sits on ``other``'s council."""
    world = create_world()
    world.theirs = create_user(Role.EMPLOYEE, institution=world.other, full_name="别家职工")
    world.mixed = create_user(Role.EMPLOYEE, institution=world.mine, full_name="两边的人")
    from core.auth import operations

    operations.grant(world.mixed, Role.COUNCIL_MEMBER, institution_id=world.other.id)
    world.admin = world.users["institution_admin"]
    db.session.commit()
    login_as(world.admin)
    return world


def _ids(user) -> list[tuple[str, int | None]]:
    rows = db.session.scalars(select(Membership).where(Membership.user_id == user.id))
    return sorted((m.role, m.institution_id) for m in rows)


def test_the_list_holds_only_own_institution_accounts(client, city):
    body = client.get("/accounts/").get_data(as_text=True)
    assert city.users["employee"].username in body
    assert city.mixed.username in body
    assert city.theirs.username not in body
    assert city.users["staffing_office"].username not in body
    assert city.users["superuser"].username not in body
    assert "别家医院" not in body  # not in the rows, not in the institution filter
    filtered = client.get(f"/accounts/?institution_id={city.other.id}").get_data(as_text=True)
    assert city.theirs.username not in filtered and city.mixed.username not in filtered


def test_an_admin_creates_an_account_with_a_role_in_their_institution(client, city):
    page = client.get("/accounts/new").get_data(as_text=True)
    assert "别家医院" not in page and "编办" not in page.split("<form")[1]
    response = client.post(
        "/accounts/new",
        data={
            "username": "newteacher",
            "full_name": "新老师",
            "password": "temp-pass-1",
            "role": "hr_officer",
            "institution_id": city.mine.id,
        },
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.username == "newteacher"))
    assert _ids(user) == [("hr_officer", city.mine.id)]
    assert user.must_change_password


@pytest.mark.parametrize(
    ("role", "where"),
    [("employee", "other"), ("staffing_office", None), ("sponsor", None), ("", "mine")],
)
def test_an_admin_cannot_create_accounts_beyond_their_institution(client, city, role, where):
    response = client.post(
        "/accounts/new",
        data={
            "username": "outsider",
            "full_name": "外人",
            "password": "temp-pass-1",
            "role": role,
            "institution_id": getattr(city, where).id if where else 0,
        },
    )
    assert response.status_code == 422
    assert db.session.scalar(select(User).where(User.username == "outsider")) is None


def test_an_admin_manages_an_own_account_fully(client, city):
    employee = city.users["employee"]
    assert client.get(f"/accounts/{employee.id}").status_code == 200
    response = client.post(
        f"/accounts/{employee.id}/reset-password", data={"reset-password": "temp-pass-3"}
    )
    assert response.status_code == 302
    assert db.session.get(User, employee.id).check_password("temp-pass-3")
    response = client.post(f"/accounts/{employee.id}/edit", data={"full_name": "改名了"})
    assert response.status_code == 302
    assert db.session.get(User, employee.id).is_active is False  # locked out (停用)
    response = client.post(
        f"/accounts/{employee.id}/memberships",
        data={"grant-role": "finance_officer", "grant-institution_id": city.mine.id},
    )
    assert response.status_code == 302
    assert ("finance_officer", city.mine.id) in _ids(employee)


@pytest.mark.parametrize(
    "data",
    [
        {"grant-role": "finance_officer", "grant-institution_id": "other"},
        {"grant-role": "staffing_office"},
        {"grant-role": "sponsor", "grant-sponsor_id": "sponsor"},
    ],
)
def test_an_admin_never_grants_beyond_their_institution(client, city, data):
    employee = city.users["employee"]
    data = dict(data)
    if data.get("grant-institution_id") == "other":
        data["grant-institution_id"] = city.other.id
    if data.get("grant-sponsor_id") == "sponsor":
        data["grant-sponsor_id"] = city.sponsor.id
    before = _ids(employee)
    response = client.post(f"/accounts/{employee.id}/memberships", data=data)
    assert response.status_code == 422
    assert _ids(employee) == before


def test_another_institutions_account_does_not_exist_for_an_admin(client, city):
    theirs = city.theirs
    membership = theirs.memberships[0]
    for method, url, data in [
        ("GET", f"/accounts/{theirs.id}", None),
        ("GET", f"/accounts/{theirs.id}/edit", None),
        ("POST", f"/accounts/{theirs.id}/reset-password", {"reset-password": "temp-pass-4"}),
        ("POST", f"/accounts/{theirs.id}/unlock", {}),
        ("POST", f"/accounts/{theirs.id}/memberships", {"grant-role": "employee"}),
        ("POST", f"/accounts/{theirs.id}/memberships/{membership.id}/revoke", {}),
    ]:
        response = client.open(url, method=method, data=data)
        assert response.status_code == 404, url
        assert "别家" not in response.get_data(as_text=True)
    assert db.session.get(User, theirs.id).check_password(PASSWORD)
    assert _ids(theirs) == [("employee", city.other.id)]


def test_a_mixed_account_is_seen_but_only_its_own_institution_roles_are_managed(client, city):
    mixed = city.mixed
    mine = next(m for m in mixed.memberships if m.institution_id == city.mine.id)
    elsewhere = next(m for m in mixed.memberships if m.institution_id == city.other.id)
    page = client.get(f"/accounts/{mixed.id}")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "别家医院" not in body and "另有 1 个其他单位的角色" in body
    assert "reset-password" not in body and "修改资料" not in body
    # Its profile, password and lock belong to the staffing office: resetting it would let
    # the admin sign in as a council member of another institution.
    for method, url, data in [
        ("GET", f"/accounts/{mixed.id}/edit", None),
        ("POST", f"/accounts/{mixed.id}/edit", {"full_name": "x"}),
        ("POST", f"/accounts/{mixed.id}/reset-password", {"reset-password": "temp-pass-5"}),
        ("POST", f"/accounts/{mixed.id}/unlock", {}),
    ]:
        assert client.open(url, method=method, data=data).status_code == 403, url
    assert db.session.get(User, mixed.id).check_password(PASSWORD)
    # The role held elsewhere is out of reach; the one held here is the admin's to revoke.
    response = client.post(f"/accounts/{mixed.id}/memberships/{elsewhere.id}/revoke")
    assert response.status_code == 404
    response = client.post(f"/accounts/{mixed.id}/memberships/{mine.id}/revoke")
    assert response.status_code == 302
    assert _ids(mixed) == [("council_member", city.other.id)]
    # ...after which the account has nothing left in the admin's institution.
    assert client.get(f"/accounts/{mixed.id}").status_code == 404


def test_an_own_account_url_with_a_role_held_elsewhere_is_404(client, city):
    employee = city.users["employee"]
    foreign = city.theirs.memberships[0]
    response = client.post(f"/accounts/{employee.id}/memberships/{foreign.id}/revoke")
    assert response.status_code == 404
    assert _ids(city.theirs) == [("employee", city.other.id)]


def test_an_admin_cannot_take_over_a_city_account_that_also_works_here(client, city):
    office = city.users["staffing_office"]
    from core.auth import operations

    operations.grant(office, Role.EMPLOYEE, institution_id=city.mine.id)
    db.session.commit()
    assert client.get(f"/accounts/{office.id}").status_code == 200
    response = client.post(
        f"/accounts/{office.id}/reset-password", data={"reset-password": "temp-pass-6"}
    )
    assert response.status_code == 403
    assert db.session.get(User, office.id).check_password(PASSWORD)


def test_an_admin_does_not_grant_themselves_more(client, city):
    response = client.post(
        f"/accounts/{city.admin.id}/memberships",
        data={"grant-role": "hr_officer", "grant-institution_id": city.mine.id},
    )
    assert response.status_code == 422
    assert "不能给自己授予角色" in response.get_data(as_text=True)


def test_the_staffing_office_still_manages_every_account(client, login_as, city):
    login_as(city.users["staffing_office"])
    for user in (city.theirs, city.mixed, city.users["employee"]):
        assert client.get(f"/accounts/{user.id}").status_code == 200
        response = client.post(
            f"/accounts/{user.id}/reset-password", data={"reset-password": "temp-pass-7"}
        )
        assert response.status_code == 302
    body = client.get(f"/accounts/{city.mixed.id}").get_data(as_text=True)
    assert "别家医院" in body and "本校" in body
