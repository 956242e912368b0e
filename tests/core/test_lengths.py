"""Long text against fixed-width columns: the same answer on SQLite and PostgreSQL (issue 8.11).

The suite runs on SQLite by default and on PostgreSQL with TEST_DATABASE_URL; these tests
commit for real (to a savepoint), so each database gets its say.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core import audit
from core.audit import AuditEvent
from core.auth.models import User
from core.extensions import db
from core.lengths import TextTooLong, column_length, fit
from tests.factories import create_institution, create_user


def test_audit_record_bounds_every_fixed_width_field():
    institution = create_institution()
    long_title = "关于" + "长" * 200 + "的会议"
    file_name = "附" * 99 + ".pdf"  # 103 characters
    actor = create_user(username="a" * 64)
    event = audit.record(
        "governance.meeting.paper." + "x" * 80,
        institution,
        institution_id=institution.id,
        summary=f"{long_title}：{file_name}",
        actor=actor,
    )
    db.session.commit()  # PostgreSQL refused this before: value too long for VARCHAR(255)
    stored = db.session.scalar(select(AuditEvent).where(AuditEvent.id == event.id))
    assert len(stored.summary) == 255
    assert stored.summary.startswith("关于长长") and stored.summary.endswith("…")
    assert len(stored.action) == 64
    assert stored.actor_name == "a" * 64


def test_short_audit_fields_are_kept_whole():
    event = audit.record("user.login", summary="张三")
    db.session.commit()
    assert db.session.get(AuditEvent, event.id).summary == "张三"


def test_fit_and_column_length_read_the_declared_length():
    assert column_length(AuditEvent, "summary") == 255
    assert column_length(AuditEvent, "changes") is None
    assert fit(AuditEvent, "summary", "x" * 300) == "x" * 254 + "…"
    assert fit(AuditEvent, "summary", None) is None


def test_user_text_too_long_for_its_column_is_refused_on_every_database():
    user = create_user()
    db.session.commit()
    user.full_name = "名" * 65  # the column holds 64
    with pytest.raises(TextTooLong) as refused:
        db.session.flush()
    assert refused.value.field == "full_name"
    assert "64" in str(refused.value)
    db.session.rollback()
    assert len(db.session.get(User, user.id).full_name) < 65


def test_new_objects_are_checked_too():
    db.session.add(User(username="x" * 65, full_name="甲", password_hash="h", session_token="t"))
    with pytest.raises(TextTooLong):
        db.session.flush()
    db.session.rollback()


def test_a_refusal_no_view_caught_is_a_422_page_not_a_500(app, client, login_as, monkeypatch):
    """Text too long for a form without a Length check reaches the user as a reason."""
    user = create_user()
    db.session.commit()
    login_as(user)

    def overflowing_view():
        db.session.get(User, user.id).full_name = "名" * 100
        db.session.flush()

    monkeypatch.setitem(app.view_functions, "core.home", overflowing_view)
    response = client.get("/")
    assert response.status_code == 422
    assert "内容太长：最多 64 个字符，现为 100 个" in response.get_data(as_text=True)
    assert len(db.session.get(User, user.id).full_name) < 65
