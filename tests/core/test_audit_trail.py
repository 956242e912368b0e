"""The audit trail: recorded with the change, unchangeable, read only within scope."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core import audit
from core.audit import AuditEvent
from core.extensions import db
from core.models import utcnow
from core.roles import Role
from tests.factories import create_institution, create_user


def test_diff_and_apply_changes_report_only_what_changed():
    class Thing:
        name = "甲"
        count = 1

    thing = Thing()
    changes = audit.apply_changes(thing, {"name": "乙", "count": 1, "other": 5}, ["name", "count"])
    assert changes == {"name": ["甲", "乙"]}
    assert thing.name == "乙"


def test_events_cannot_be_edited_or_deleted():
    event = audit.record("test.thing", summary="x")
    db.session.flush()
    event.summary = "changed"
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()
    event = audit.record("test.thing", summary="y")
    db.session.flush()
    db.session.delete(event)
    with pytest.raises(PermissionError):
        db.session.flush()


def test_a_rolled_back_change_leaves_no_event():
    before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    audit.record("test.rolled_back")
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before


def test_institution_admin_reads_only_their_institutions_trail(client, login_as):
    mine, other = create_institution(name="我的单位"), create_institution(name="别人的单位")
    admin = create_user(Role.INSTITUTION_ADMIN, institution=mine)
    audit.record("test.mine", mine, institution_id=mine.id, summary="我的记录")
    theirs = audit.record("test.theirs", other, institution_id=other.id, summary="别人的记录")
    audit.record("test.city", summary="全市记录")
    db.session.commit()
    login_as(admin)
    body = client.get("/audit").get_data(as_text=True)
    assert "我的记录" in body
    assert "别人的记录" not in body and "全市记录" not in body
    assert client.get(f"/audit/{theirs.id}").status_code == 404
    assert (
        client.get(f"/audit?institution_id={other.id}").get_data(as_text=True).count("别人的记录")
        == 0
    )
    exported = client.get("/audit/export")
    assert exported.status_code == 200


def test_staffing_office_reads_everything_and_filters(client, login_as):
    one, two = create_institution(name="一号"), create_institution(name="二号")
    audit.record("alpha.create", one, institution_id=one.id, summary="记录一")
    audit.record("beta.update", two, institution_id=two.id, summary="记录二")
    office = create_user(Role.STAFFING_OFFICE)
    db.session.commit()
    login_as(office)
    everything = client.get("/audit").get_data(as_text=True)
    assert "记录一" in everything and "记录二" in everything
    only_beta = client.get("/audit?action=beta").get_data(as_text=True)
    assert "记录二" in only_beta and "记录一" not in only_beta
    only_one = client.get(f"/audit?institution_id={one.id}").get_data(as_text=True)
    assert "记录一" in only_one and "记录二" not in only_one
    assert client.get("/audit?since=not-a-date&until=2026-13-45").status_code == 200


def test_trail_lists_newest_first_with_readable_actions(client, login_as):
    office = create_user(Role.STAFFING_OFFICE)
    audit.record("institution.create", summary="较早")
    db.session.flush()
    later = audit.record("institution.update", summary="较晚")
    later.occurred_at = utcnow() + timedelta(days=1)  # set before it is first written
    db.session.commit()
    login_as(office)
    body = client.get("/audit").get_data(as_text=True)
    assert body.index("较晚") < body.index("较早")
    assert "修改单位登记信息" in body
