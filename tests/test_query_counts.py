"""List pages run a fixed number of queries, however many rows they show (no N+1)."""

from __future__ import annotations

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
