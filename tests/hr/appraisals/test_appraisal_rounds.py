"""Appraisal timing (December), staff hired after close, and the bulk 合格 action (issue 9)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from core.audit import AuditEvent
from core.extensions import db
from core.roles import Role
from hr.appraisals import grading as rules
from hr.appraisals import operations as ops
from hr.appraisals import queries, views
from hr.models import Appraisal, AppraisalRound
from tests.factories import create_employment, create_institution, create_person, create_user

NOV = date(2026, 11, 27)
DEC = date(2026, 12, 1)


# --------------------------------------------------------------------------- rules


def test_early_warning_before_december():
    assert rules.early_warning(2026, NOV, "open") is not None
    assert "2026-12-01" in str(rules.early_warning(2026, NOV, "open"))
    assert "不定等次" in str(rules.early_warning(2026, NOV, "close"))
    assert rules.early_warning(2026, DEC, "open") is None
    assert rules.early_warning(2025, NOV, "close") is None  # last year's round: in time
    assert rules.early_warning(2026, NOV, "open", month=11) is None


@given(
    today=st.dates(date(2020, 1, 1), date(2030, 12, 31)),
    year=st.integers(2020, 2030),
    month=st.integers(1, 12),
)
def test_early_warning_iff_before_the_rounds_month(today, year, month):
    warned = rules.early_warning(year, today, "open", month) is not None
    assert warned == (today < date(year, month, 1))


def test_shown_grade():
    closed = date(2026, 12, 15)
    assert rules.shown_grade("pass", date(2026, 12, 20), closed) == "pass"
    assert rules.shown_grade(None, date(2026, 12, 20), closed) == "undetermined"
    assert rules.shown_grade(None, date(2026, 12, 15), closed) is None  # hired on the day
    assert rules.shown_grade(None, date(2026, 12, 20), None) is None  # round still open


# --------------------------------------------------------------------------- operations


@pytest.fixture
def school():
    return create_institution()


def _staff(institution, n, start_on=date(2020, 9, 1)):
    return [
        create_employment(
            institution,
            create_person(name=f"考核{i:02d}"),
            staff_number=f"K{institution.id}-{i:02d}",
            start_on=start_on,
        )
        for i in range(n)
    ]


def test_opening_or_closing_before_december_needs_confirmation(school):
    with pytest.raises(ops.AppraisalError) as refused:
        ops.open_round(school, 2026, today=NOV)
    assert refused.value.field == "confirm_early"
    round_ = ops.open_round(school, 2026, today=NOV, confirm_early=True)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "appraisal_round.open"))
    assert event.changes["opened_early"] == [None, "2026-11-27"]
    _staff(school, 2)
    ops.grade_all_ungraded(round_)
    with pytest.raises(ops.AppraisalError, match="为时过早"):
        ops.close_round(round_, today=NOV)
    ops.close_round(round_, today=NOV, confirm_early=True)
    assert round_.is_closed
    assert ops.open_round(school, 2025, today=NOV).year == 2025  # a past year: no warning


def test_people_hired_after_close_are_undetermined(school):
    round_ = ops.open_round(school, 2026, today=DEC)
    _staff(school, 5)
    ops.grade_all_ungraded(round_)
    ops.close_round(round_, today=DEC)
    round_.closed_at = datetime(2026, 12, 10, 2, 0, tzinfo=UTC)
    late = create_employment(school, create_person(name="新来"), start_on=date(2026, 12, 20))
    counts = queries.grade_counts(round_)
    assert counts["ungraded"] == 0
    assert counts["undetermined"] == 1
    assert counts["pass"] == 5
    assert counts["allowed"] == 1  # 20% of the 5 graded; 不定等次 excluded
    assert queries.shown_grades(round_, [late]) == {late.id: "undetermined"}
    assert queries.ungraded_ids(round_) == set()
    page = queries.round_people(round_, 50, grade="undetermined")
    assert [e.id for e in page.items] == [late.id]
    assert queries.round_people(round_, 50, grade="ungraded").items == []
    with pytest.raises(ops.AppraisalError, match="已关闭"):
        ops.save_grades(round_, {late.id: "pass"})


def test_bulk_sets_the_selected_to_pass_then_adjust(school):
    round_ = ops.open_round(school, 2025, today=NOV)
    staff = _staff(school, 10)
    assert ops.grade_selected(round_, [e.id for e in staff[:6]]) == 6
    assert queries.grade_counts(round_)["ungraded"] == 4
    assert ops.grade_all_ungraded(round_) == 4
    ops.save_grades(round_, {staff[0].id: "excellent", staff[1].id: "excellent"})
    assert queries.grade_counts(round_)["excellent"] == 2
    with pytest.raises(ops.AppraisalError, match="请先勾选"):
        ops.grade_selected(round_, [])
    with pytest.raises(ops.AppraisalError, match="没有未评定"):
        ops.grade_all_ungraded(round_)
    # the bulk grade goes through the same checks: the 优秀 cap
    with pytest.raises(ops.AppraisalError, match="超过上限"):
        ops.grade_selected(round_, [e.id for e in staff[:3]], grade="excellent")


# --------------------------------------------------------------------------- pages


@pytest.fixture
def hr(client, login_as, school, monkeypatch):
    monkeypatch.setattr(ops, "china_today", lambda: NOV)
    monkeypatch.setattr(views, "china_today", lambda: NOV)
    user = create_user(Role.HR_OFFICER, institution=school)
    db.session.commit()
    login_as(user)
    return school


def test_open_page_warns_before_december(client, hr):
    url = f"/hr/{hr.id}/appraisals/open"
    response = client.post(url, data={"year": "2026"})
    assert response.status_code == 422
    assert "现在开启为时过早" in response.get_data(as_text=True)
    assert queries.get_round(hr.id, 2026) is None
    assert client.post(url, data={"year": "2026", "confirm_early": "y"}).status_code == 302
    page = client.get(f"/hr/{hr.id}/appraisals/2026").get_data(as_text=True)
    assert 'id="early-close"' in page and "现在关闭为时过早" in page


def test_bulk_page_action_with_confirmation(client, hr):
    round_ = AppraisalRound(institution_id=hr.id, year=2025)
    db.session.add(round_)
    staff = _staff(hr, 4)
    db.session.commit()
    url = f"/hr/{hr.id}/appraisals/2025"
    page = client.get(url).get_data(as_text=True)
    assert 'id="bulk-form"' in page and "data-confirm" in page
    assert 'form="bulk-form"' in page and "data-check-all" in page
    response = client.post(f"{url}/bulk", data={"scope": "picked"})
    assert response.status_code == 422
    assert "请先勾选" in response.get_data(as_text=True)
    response = client.post(
        f"{url}/bulk", data={"scope": "picked", "pick": [str(staff[0].id), str(staff[1].id)]}
    )
    assert response.status_code == 302
    grades = dict(
        db.session.execute(select(Appraisal.employment_id, Appraisal.grade)).tuples().all()
    )
    assert grades == {staff[0].id: "pass", staff[1].id: "pass"}
    assert client.post(f"{url}/bulk", data={"scope": "ungraded"}).status_code == 302
    assert queries.grade_counts(round_)["pass"] == 4
    # then adjust one in the grid
    response = client.post(url, data={f"grade-{staff[2].id}": "basic"})
    assert response.status_code == 302
    assert queries.grade_counts(round_)["basic"] == 1
