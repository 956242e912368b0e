"""A roster upload that collides with another import gets a 409 asking to try again."""

from __future__ import annotations

import psycopg.errors
from sqlalchemy.exc import IntegrityError

from core.extensions import db
from core.roles import Role
from hr.roster import imports as roster_imports
from tests.factories import add_quota, create_department, create_institution, create_user
from tests.hr.roster.test_roster import _counts, _row, _upload, _xlsx


def test_an_import_that_loses_a_race_is_told_to_try_again(app, client, login_as, monkeypatch):
    school = create_institution(name="并发导入学校")
    add_quota(school, "establishment", 10)
    create_department(school, "教务处")
    officer = create_user(Role.HR_OFFICER, institution=school)
    db.session.commit()
    login_as(officer)
    before = _counts()

    def collide(plan, **_kwargs):
        # what PostgreSQL answers when another import inserted the same person meanwhile
        raise IntegrityError("INSERT INTO people ...", {}, psycopg.errors.UniqueViolation())

    monkeypatch.setattr(roster_imports, "import_roster", collide)
    response = _upload(client, school, _xlsx([_row(school.credit_code, 1)]))
    assert response.status_code == 409
    assert "另一项导入正在进行，请稍后再试。" in response.get_data(as_text=True)
    assert _counts() == before
