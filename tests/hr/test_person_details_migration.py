"""The migration that moves 学历/职称/电话 from the shared person to each employment.

Run on a database of its own (a SQLite file, or ``<db>_details`` next to TEST_DATABASE_URL
on PostgreSQL): migrate to the revision before, write people, employments and the audit
trail as the old code did, upgrade, check who got which value, downgrade, check again.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import make_url, text

from core import config as app_config
from core.app import create_app
from core.audit import AuditEvent
from core.extensions import db
from tests.factories import create_institution
from tests.pg import admin_execute

BEFORE, AFTER = "85b20c979667", "e50af96a20d8"
URL = os.environ.get("TEST_DATABASE_URL", "")
NOW = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def own_app(tmp_path):
    if URL.startswith("postgresql"):
        base = make_url(URL)
        name = f"{base.database}_details"
        admin_execute(
            base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'
        )
        url = base.set(database=name).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{tmp_path / 'details.db'}"
    app = create_app(app_config.TestConfig(url, tmp_path))
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if URL.startswith("postgresql"):
            admin_execute(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _person(pid, number, name, **details):
    db.session.execute(
        text(
            "INSERT INTO people (id, citizen_id, name, gender, birth_date, education,"
            " professional_title, phone, created_at, updated_at) VALUES (:id, :c, :n, '男',"
            " :b, :education, :professional_title, :phone, :t, :t)"
        ),
        {
            "id": pid,
            "c": number,
            "n": name,
            "b": date(1980, 1, 1),
            "t": NOW,
            **{k: details.get(k) for k in ("education", "professional_title", "phone")},
        },
    )


def _employment(eid, pid, institution_id):
    db.session.execute(
        text(
            "INSERT INTO employments (id, person_id, institution_id, staff_number, identity,"
            " start_on, created_at, updated_at) VALUES (:id, :p, :i, :s, 'contract', :d, :t, :t)"
        ),
        {
            "id": eid,
            "p": pid,
            "i": institution_id,
            "s": f"E{eid}",
            "d": date(2020, eid % 12 + 1, 1),
            "t": NOW,
        },
    )


def _details(table):
    rows = db.session.execute(
        text(f"SELECT id, education, professional_title, phone FROM {table} ORDER BY id")  # noqa: S608
    )
    return {row[0]: tuple(row[1:]) for row in rows}


def test_details_go_to_the_employment_whose_institution_recorded_them(own_app):
    with own_app.app_context():
        upgrade(revision=BEFORE)
        a, b, c = (create_institution(name=n) for n in ("甲", "乙", "丙"))
        # P1 was created by A's hire (with its details); B's hire later changed the title;
        # C's hire changed nothing. P2 has one employment; P3 no details at all.
        _person(
            1,
            "11010519491231002X",
            "甲一",
            education="大学本科",
            professional_title="主任医师",
            phone="139",
        )
        _person(2, "440524188001010014", "乙二", phone="028-1")
        _person(3, "510107198001010017", "丙三")
        _employment(10, 1, a.id)
        _employment(11, 1, b.id)
        _employment(12, 1, c.id)
        _employment(20, 2, b.id)
        _employment(30, 3, c.id)
        db.session.add_all(
            [
                AuditEvent(
                    actor_name="x",
                    action="employment.enter",
                    object_type="Employment",
                    object_id="11",
                    institution_id=b.id,
                    changes={
                        "staff_number": [None, "E11"],
                        "person.professional_title": ["主治医师", "主任医师"],
                    },
                ),
                AuditEvent(
                    actor_name="x",
                    action="employment.enter",
                    object_type="Employment",
                    object_id="12",
                    institution_id=c.id,
                    changes={"staff_number": [None, "E12"]},
                ),
            ]
        )
        db.session.commit()

        upgrade(revision=AFTER)
        assert _details("employments") == {
            10: ("大学本科", "主治医师", "139"),  # A's own, as before B changed the title
            11: (None, "主任医师", None),  # B recorded only the title
            12: (None, None, None),  # C recorded nothing
            20: (None, None, "028-1"),
            30: (None, None, None),
        }
        db.session.commit()

        downgrade(revision=BEFORE)
        assert _details("people") == {
            1: ("大学本科", "主任医师", "139"),  # the latest recorded value of each
            2: (None, None, "028-1"),
            3: (None, None, None),
        }
        db.session.commit()
        upgrade()  # and forward again to the head
