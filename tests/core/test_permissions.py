"""Scopes: who reaches which institution for which permission."""

from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import select

from core.extensions import db
from core.modules import platform
from core.permissions import AUDIT_VIEW, USERS_MANAGE, Scope, can, roles_in, scope_for
from core.roles import Role
from hr.permissions import HR_MANAGE
from institutions.models import Institution
from institutions.permissions import REGISTRY_MANAGE, REGISTRY_VIEW
from payroll.permissions import PAYROLL_VIEW
from tests.factories import create_institution, create_sponsor, create_user


def _user(*memberships, superuser=False, active=True):
    return SimpleNamespace(
        is_authenticated=True,
        is_active=active,
        is_superuser=superuser,
        memberships=[
            SimpleNamespace(role=r, institution_id=i, sponsor_id=s) for r, i, s in memberships
        ],
    )


def test_scope_of_each_kind_of_membership(app):
    inst = SimpleNamespace(id=7, sponsor_id=3)
    elsewhere = SimpleNamespace(id=8, sponsor_id=4)
    office = _user(("staffing_office", None, None))
    sponsor = _user(("sponsor", None, 3))
    hr = _user(("hr_officer", 7, None))
    assert can(office, REGISTRY_MANAGE, elsewhere)
    assert can(sponsor, REGISTRY_VIEW, inst) and not can(sponsor, REGISTRY_VIEW, elsewhere)
    assert can(hr, HR_MANAGE, inst) and not can(hr, HR_MANAGE, elsewhere)
    assert not can(hr, PAYROLL_VIEW, inst)
    assert not can(hr, REGISTRY_MANAGE)
    assert roles_in(hr, inst) == {Role.HR_OFFICER}


def test_nobody_anonymous_or_inactive_reaches_anything(app):
    inst = SimpleNamespace(id=7, sponsor_id=3)
    anonymous = SimpleNamespace(is_authenticated=False)
    inactive = _user(("staffing_office", None, None), active=False)
    for user in (None, anonymous, inactive):
        for perm in platform().permissions:
            assert not can(user, perm, inst)
            assert scope_for(user, perm).is_empty


def test_superuser_reaches_everything(app):
    root = _user(superuser=True)
    assert all(scope_for(root, perm).city_wide for perm in platform().permissions)


def test_no_role_except_the_staffing_office_manages_the_registry(app):
    for role, perms in platform().role_permissions.items():
        if role is not Role.STAFFING_OFFICE:
            assert REGISTRY_MANAGE not in perms
    assert AUDIT_VIEW in platform().role_permissions[Role.INSTITUTION_ADMIN]


def test_only_the_staffing_office_and_institution_admins_manage_accounts(app):
    managers = {
        role for role, perms in platform().role_permissions.items() if USERS_MANAGE in perms
    }
    assert managers == {Role.STAFFING_OFFICE, Role.INSTITUTION_ADMIN}
    # and an institution admin only where they are admin: never city-wide or by sponsor
    assert Role.INSTITUTION_ADMIN.scope == "institution"


def test_scope_clause_filters_queries_like_covers_does():
    sponsor = create_sponsor()
    by_sponsor = [create_institution(sponsor=sponsor) for _ in range(2)]
    direct = create_institution()
    unrelated = create_institution()
    user = create_user(Role.SPONSOR, sponsor=sponsor)
    from core.auth import operations

    operations.grant(user, Role.COUNCIL_MEMBER, institution_id=direct.id)
    db.session.flush()
    scope = scope_for(user, REGISTRY_VIEW)
    found = set(db.session.scalars(select(Institution.id).where(scope.clause(Institution.id))))
    assert found == {i.id for i in (*by_sponsor, direct)}
    for institution in (*by_sponsor, direct, unrelated):
        assert scope.covers(institution) == (institution.id in found)
    assert Scope().clause(Institution.id) is not None
    assert not set(db.session.scalars(select(Institution.id).where(Scope().clause(Institution.id))))


def test_menu_shows_sector_modules_only_to_those_they_concern(client, login_as):
    school = create_institution(kind="school")
    hospital = create_institution(kind="hospital")
    school_admin = create_user(Role.INSTITUTION_ADMIN, institution=school)
    hospital_admin = create_user(Role.INSTITUTION_ADMIN, institution=hospital)
    office = create_user(Role.STAFFING_OFFICE)
    db.session.commit()

    def menu(user):
        login_as(user)
        return client.get("/").get_data(as_text=True)

    assert 'href="/schools/"' in menu(school_admin)
    assert 'href="/hospitals/"' not in menu(school_admin)
    assert 'href="/hospitals/"' in menu(hospital_admin)
    assert 'href="/schools/"' not in menu(hospital_admin)
    assert 'href="/schools/"' in menu(office) and 'href="/hospitals/"' in menu(office)
