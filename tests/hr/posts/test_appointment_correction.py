"""Title checks at appointment and correcting a mistaken appointment (issue 9, item 2)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from core.audit import AuditEvent
from core.extensions import db
from core.roles import Role
from hr.models import Appointment, SalaryStep
from hr.pay.operations import StepRequest, record_salary_steps
from hr.posts.operations import (
    NeedsOverride,
    PostError,
    appoint,
    correct_appointment,
    save_plan,
)
from tests.factories import create_employment, create_institution, create_person, create_user

P = "professional"


@pytest.fixture
def school():
    institution = create_institution(name="更正测试小学")
    save_plan(institution, 2026, {(P, 8): 1, (P, 11): 2, (P, 12): 1})
    return institution


def _teacher(school, title="二级教师", step=5):
    employment = create_employment(
        school, create_person(), start_on=date(2026, 9, 1), professional_title=title
    )
    record_salary_steps(
        [StepRequest(employment.id, school.id, date(2026, 9, 1), step, "入职")],
        source="form",
    )
    return employment


def _steps(employment):
    return [
        (v.effective_on, v.step)
        for v in db.session.scalars(
            select(SalaryStep)
            .where(SalaryStep.employment_id == employment.id)
            .order_by(SalaryStep.effective_on)
        )
    ]


def test_first_appointment_is_checked_against_the_title(school):
    employment = _teacher(school)
    with pytest.raises(NeedsOverride) as refused:
        appoint(employment, P, 8, "语文教师", date(2026, 11, 27))
    assert "职称「二级教师」对应专技 11–12 级，拟聘专技 8 级与职称不符" in [
        str(w) for w in refused.value.warnings
    ]
    appointment = appoint(employment, P, 11, "语文教师", date(2026, 11, 27))
    assert appointment.override_reason is None


def test_a_mistaken_appointment_is_corrected_the_same_day_with_history(school):
    employment = _teacher(school)
    mistaken = appoint(employment, P, 8, "语文教师", date(2026, 11, 27), override_reason="误选")
    assert _steps(employment) == [(date(2026, 9, 1), 5), (date(2026, 12, 1), 9)]
    corrected, warnings = correct_appointment(
        mistaken, P, 11, "语文教师", "录入错误，应为专技 11 级"
    )
    assert warnings == []
    assert corrected.id == mistaken.id
    assert (corrected.category, corrected.grade, corrected.start_on) == (P, 11, date(2026, 11, 27))
    assert corrected.corrected_from == "专技 8 级（语文教师）"
    assert corrected.correction_reason == "录入错误，应为专技 11 级"
    assert corrected.override_reason is None
    # the raise the mistake made is undone: 专技 11 级 starts at 5, the step held before
    assert _steps(employment) == [(date(2026, 9, 1), 5), (date(2026, 12, 1), 5)]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "appointment.correct"))
    assert event.changes["post"] == ["专技 8 级", "专技 11 级"]
    assert event.changes["grade"] == [8, 11]
    assert event.changes["correction_reason"] == [None, "录入错误，应为专技 11 级"]
    assert event.changes["salary_step"] == [9, 5]
    # not a 低聘: the employment holds one appointment, the corrected one
    assert db.session.scalars(
        select(Appointment).where(Appointment.employment_id == employment.id)
    ).all() == [corrected]


def test_correction_needs_a_reason_room_in_the_plan_and_the_latest_appointment(school):
    employment = _teacher(school, title=None)
    first = appoint(employment, P, 12, "语文教师", date(2026, 9, 1))
    with pytest.raises(PostError, match="请填写更正理由"):
        correct_appointment(first, P, 11, "语文教师", " ")
    with pytest.raises(PostError, match="无需更正"):
        correct_appointment(first, P, 12, "语文教师", "误")
    holder = _teacher(school, title=None)
    appoint(holder, P, 8, "语文教师", date(2026, 9, 1))
    with pytest.raises(PostError, match="岗位已满"):
        correct_appointment(first, P, 8, "语文教师", "误")
    appoint(employment, P, 11, "语文教师", date(2026, 11, 1), override_reason="x")
    with pytest.raises(PostError, match="只能更正该职工最近一次聘任"):
        correct_appointment(first, P, 13, "语文教师", "误")


def test_correction_reports_warnings_against_the_post_held_before(school):
    employment = _teacher(school, title="二级教师")
    appoint(employment, P, 12, "语文教师", date(2026, 9, 1))
    second = appoint(employment, P, 11, "语文教师", date(2026, 11, 1), override_reason="提前晋升")
    corrected, warnings = correct_appointment(second, P, 8, "语文教师", "按聘任文件为专技 8 级")
    texts = [str(w) for w in warnings]
    assert any("与职称不符" in t for t in texts)
    assert any("首次聘入中级岗位" in t for t in texts)  # against 专技 12 级 held before
    assert corrected.override_reason == "按聘任文件为专技 8 级"


@pytest.fixture
def officer(client, login_as, school):
    user = create_user(Role.HR_OFFICER, institution=school)
    db.session.commit()
    login_as(user)
    return user


def test_appoint_page_warns_on_the_title_and_correct_page_fixes(client, officer, school):
    employment = _teacher(school)
    db.session.commit()
    url = f"/hr/{school.id}/employments/{employment.id}/appoint"
    data = {"post": "professional:8", "post_name": "语文教师", "start_on": "2026-11-27"}
    response = client.post(url, data=data)
    assert response.status_code == 422
    assert "拟聘专技 8 级与职称不符" in response.get_data(as_text=True)
    assert client.post(url, data={**data, "override_reason": "误"}).status_code == 302
    appointment = db.session.scalar(
        select(Appointment).where(Appointment.employment_id == employment.id)
    )
    page = client.get(url).get_data(as_text=True)
    correct_url = f"/hr/{school.id}/appointments/{appointment.id}/correct"
    assert correct_url in page
    page = client.get(correct_url).get_data(as_text=True)
    assert "data-confirm" in page and "不作为低聘" in page
    response = client.post(
        correct_url, data={"post": "professional:11", "post_name": "语文教师", "reason": ""}
    )
    assert response.status_code == 422
    assert "请填写更正理由" in response.get_data(as_text=True)
    response = client.post(
        correct_url,
        data={"post": "professional:11", "post_name": "语文教师", "reason": "录入错误"},
    )
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "已更正，更正前：专技 8 级（语文教师）；理由：录入错误" in page
    assert "低聘" not in page.split("聘任记录")[-1]
