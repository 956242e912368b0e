"""List pages run a fixed number of queries, however many rows they show (no N+1)."""

from __future__ import annotations

import re

import pytest

from core import audit
from core.extensions import db
from core.roles import Role
from tests.factories import create_institution, create_user


def _queries(client, count_queries, url) -> int:
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    return counter["n"]


@pytest.mark.parametrize("url", ["/institutions/", "/accounts/", "/audit", "/", "/hr/"])
def test_list_pages_do_not_grow_with_rows(client, login_as, count_queries, url):
    office = create_user(Role.STAFFING_OFFICE)
    db.session.commit()
    login_as(office)

    def add(n):
        for _ in range(n):
            institution = create_institution()
            create_user(Role.EMPLOYEE, institution=institution)
            audit.record("test.row", institution, institution_id=institution.id)
        db.session.commit()

    add(2)
    few = _queries(client, count_queries, url)
    add(15)
    many = _queries(client, count_queries, url)
    assert many == few, f"{url}: {few} queries with few rows, {many} with more"


def test_a_members_own_institution_comes_with_the_signed_in_user(client, login_as):
    """The institution of the page is the one the user's membership brought along: found by
    key in the session, not selected again (the staff list is the busiest page)."""
    from sqlalchemy import event

    school = create_institution()
    officer = create_user(Role.HR_OFFICER, institution=school)
    db.session.commit()
    login_as(officer)
    school_id = school.id
    db.session.expunge_all()  # as a request starts: nothing loaded yet
    statements = []

    def _log(_conn, _cursor, statement, *_args):
        statements.append(statement)

    connection = db.engines[None]
    event.listen(connection, "before_cursor_execute", _log)
    try:
        assert client.get(f"/hr/{school_id}/staff").status_code == 200
    finally:
        event.remove(connection, "before_cursor_execute", _log)
    alone = [s for s in statements if re.search(r"\bFROM institutions\b", s)]
    assert alone == [], alone
    # Another institution's page is still a 404, with nothing of it shown.
    other = create_institution(name="别人的单位")
    db.session.commit()
    response = client.get(f"/hr/{other.id}/staff")
    assert response.status_code == 404 and "别人的单位" not in response.get_data(as_text=True)
