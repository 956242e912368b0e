"""Post plans and appointments: operations, the pages, and who held which post when."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import select

from core.audit import AuditEvent
from core.excel import read_workbook
from core.extensions import db
from core.roles import Role
from hr.models import Appointment, PostPlan, SalaryStep
from hr.posts import operations as posts_ops
from hr.posts.excel import POSTS_EXPORT
from hr.posts.operations import NeedsOverride, PostError, appoint, copy_previous_plan, save_plan
from hr.posts.queries import occupied_by_date, posts_on
from tests.factories import create_employment, create_institution, create_user

P = "professional"


@pytest.fixture
def school():
    return create_institution(name="岗位测试小学")


def _plan(institution, year=2026, **counts):
    """Save a plan from keyword counts such as professional_8=3."""
    grid = {}
    for key, count in counts.items():
        category, grade = key.rsplit("_", 1)
        grid[(category, int(grade))] = count
    return save_plan(institution, year, grid)


def _events(action):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _appointments(employment):
    return list(
        db.session.scalars(
            select(Appointment)
            .where(Appointment.employment_id == employment.id)
            .order_by(Appointment.start_on)
        )
    )


# --------------------------------------------------------------------------- plans


def test_save_plan_creates_updates_and_audits(school):
    plan = _plan(school, professional_8=3, professional_12=5, management_7=1)
    assert {(line.category, line.grade): line.approved_count for line in plan.lines} == {
        (P, 8): 3,
        (P, 12): 5,
        ("management", 7): 1,
    }
    [event] = _events("post_plan.save")
    assert event.institution_id == school.id
    assert event.changes["专技 8 级"] == [0, 3]

    save_plan(school, 2026, {(P, 8): 4, (P, 12): 5}, document_number="成人社发〔2026〕3号")
    db.session.expire_all()
    plan = db.session.scalar(select(PostPlan).where(PostPlan.institution_id == school.id))
    assert {(line.category, line.grade): line.approved_count for line in plan.lines} == {
        (P, 8): 4,
        (P, 12): 5,
    }
    assert plan.document_number == "成人社发〔2026〕3号"
    latest = _events("post_plan.save")[-1]
    assert latest.changes["专技 8 级"] == [3, 4]
    assert latest.changes["管理 7 级"] == [1, 0]
    assert latest.changes["document_number"] == [None, "成人社发〔2026〕3号"]


def test_save_plan_refuses_bad_grades_and_years(school):
    with pytest.raises(PostError, match="没有这样的岗位等级"):
        save_plan(school, 2026, {(P, 14): 1})
    with pytest.raises(PostError, match="负数"):
        save_plan(school, 2026, {(P, 8): -1})
    with pytest.raises(PostError, match="年度须在"):
        save_plan(school, 1999, {(P, 8): 1})


def test_copy_last_years_plan(school):
    _plan(school, 2025, professional_8=3, worker_6=2)
    plan = copy_previous_plan(school, 2026)
    assert plan.year == 2026
    assert {(line.category, line.grade): line.approved_count for line in plan.lines} == {
        (P, 8): 3,
        ("worker", 6): 2,
    }
    assert plan.document_number is None
    with pytest.raises(PostError, match="2026 年已有岗位设置方案"):
        copy_previous_plan(school, 2026)
    with pytest.raises(PostError, match="没有 2023 年的岗位设置方案可复制"):
        copy_previous_plan(school, 2024)


# --------------------------------------------------------------------------- appointments


def test_appointing_without_a_plan_for_the_year_is_refused(school):
    _plan(school, 2025, professional_8=3)
    employment = create_employment(school)
    with pytest.raises(PostError, match="尚未制定 2026 年岗位设置方案") as caught:
        appoint(employment, P, 8, "语文教师", date(2026, 3, 1))
    assert caught.value.field == "post"
    assert _appointments(employment) == []


def test_appointing_beyond_the_plan_count_is_refused(school):
    _plan(school, professional_8=2)
    first, second, third = (create_employment(school) for _ in range(3))
    appoint(first, P, 8, "语文教师", date(2026, 2, 1))
    appoint(second, P, 8, "数学教师", date(2026, 2, 1))
    with pytest.raises(PostError) as caught:
        appoint(third, P, 8, "英语教师", date(2026, 3, 1))
    assert str(caught.value) == (
        "专技 8 级岗位已满，不能超岗位聘用：2026 年岗位设置方案核定 2 个，"
        "2026-03-01 在聘 2 人，空缺 0 个。"
    )
    # a grade the plan does not set up at all
    with pytest.raises(PostError, match="核定 0 个"):
        appoint(third, P, 7, "英语教师", date(2026, 3, 1))


def test_the_count_is_taken_on_the_start_date(school):
    _plan(school, professional_8=1)
    leaving = create_employment(school, end_on=date(2026, 5, 31))
    appoint(leaving, P, 8, "语文教师", date(2026, 1, 1))
    newcomer = create_employment(school)
    with pytest.raises(PostError, match="在聘 1 人"):
        appoint(newcomer, P, 8, "语文教师", date(2026, 5, 31))
    # once the holder has left, the post is free
    appoint(newcomer, P, 8, "语文教师", date(2026, 6, 1))


def test_a_new_post_name_in_the_same_grade_does_not_count_the_holder_twice(school):
    _plan(school, professional_8=1)
    employment = create_employment(school)
    appoint(employment, P, 8, "语文教师", date(2026, 1, 1))
    appoint(employment, P, 8, "语文教研组长", date(2026, 6, 1))
    assert [a.post_name for a in _appointments(employment)] == ["语文教师", "语文教研组长"]


def test_history_is_kept_and_the_previous_post_closed(school):
    _plan(school, professional_9=1, professional_8=1)
    employment = create_employment(school, start_on=date(2018, 9, 1))
    appoint(employment, P, 9, "语文教师", date(2026, 1, 1))
    appoint(employment, P, 8, "语文教师", date(2026, 7, 1), override_reason="教学成绩突出，破格")
    old, new = _appointments(employment)
    assert (old.grade, old.start_on, old.end_on) == (9, date(2026, 1, 1), date(2026, 6, 30))
    assert (new.grade, new.start_on, new.end_on) == (8, date(2026, 7, 1), None)
    event = _events("appointment.create")[-1]
    assert event.changes["post"] == ["专技 9 级", "专技 8 级"]
    assert event.changes["previous_end_on"] == [None, "2026-06-30"]


def test_promotion_warnings_need_a_reason_which_is_stored(school):
    _plan(school, 2025, professional_9=1)
    _plan(school, 2026, professional_9=1, professional_8=1)
    employment = create_employment(school, start_on=date(2018, 9, 1))
    appoint(employment, P, 9, "语文教师", date(2025, 1, 1))
    with pytest.raises(NeedsOverride) as caught:
        appoint(employment, P, 8, "语文教师", date(2026, 4, 1))
    assert caught.value.warnings == ["在专技 9 级任职 1 年 3 个月，未满 3 年"]
    assert len(_appointments(employment)) == 1
    appointment = appoint(
        employment, P, 8, "语文教师", date(2026, 4, 1), override_reason="  急需  "
    )
    assert appointment.override_reason == "急需"
    event = _events("appointment.create")[-1]
    assert event.changes["override_reason"] == [None, "急需"]
    assert "未满 3 年" in event.changes["warnings"][1]


def test_a_reason_without_warnings_is_not_stored(school):
    _plan(school, professional_8=1)
    employment = create_employment(school)
    appointment = appoint(employment, P, 8, "语文教师", date(2026, 1, 1), override_reason="无")
    assert appointment.override_reason is None


def test_dates_outside_the_employment_or_before_the_current_post_are_refused(school):
    _plan(school, professional_8=2)
    employment = create_employment(school, start_on=date(2026, 3, 1))
    with pytest.raises(PostError, match="不在该职工的在职期间") as caught:
        appoint(employment, P, 8, "语文教师", date(2026, 2, 1))
    assert caught.value.field == "start_on"
    appoint(employment, P, 8, "语文教师", date(2026, 3, 1))
    with pytest.raises(PostError, match="须晚于现聘岗位"):
        appoint(employment, P, 8, "数学教师", date(2026, 3, 1))
    with pytest.raises(PostError, match="请填写岗位名称"):
        appoint(employment, P, 8, "  ", date(2026, 5, 1))


def test_an_appointment_reports_every_problem_at_once(school):
    """Issue 9, item 19: the post name, the date and the plan in one round, not three."""
    _plan(school, 2026, professional_8=0)
    employment = create_employment(school, start_on=date(2026, 3, 1))
    with pytest.raises(PostError) as caught:
        appoint(employment, P, 8, "  ", date(2026, 2, 1))
    found = caught.value.by_field()
    assert set(found) == {"post_name", "start_on", "post"}
    assert "请填写岗位名称" in found["post_name"]
    assert "不在该职工的在职期间" in found["start_on"]
    assert "岗位已满" in found["post"]


def test_posts_on_answers_for_past_dates(school):
    _plan(school, 2024, professional_9=1, professional_8=1)
    _plan(school, 2026, professional_9=1, professional_8=1)
    zhang = create_employment(school, start_on=date(2015, 9, 1))
    li = create_employment(school, start_on=date(2015, 9, 1))
    appoint(zhang, P, 9, "语文教师", date(2024, 1, 1))
    appoint(zhang, P, 8, "语文教师", date(2026, 2, 1), override_reason="满足条件")
    appoint(li, P, 9, "数学教师", date(2026, 2, 1))

    def held(on):
        return [(a.employment_id, a.grade) for a in posts_on(school.id, on)]

    assert held(date(2023, 12, 31)) == []
    assert held(date(2025, 6, 1)) == [(zhang.id, 9)]
    assert held(date(2026, 1, 31)) == [(zhang.id, 9)]
    assert sorted(held(date(2026, 2, 1))) == sorted([(zhang.id, 8), (li.id, 9)])
    counts = occupied_by_date(school.id, {2025: date(2025, 6, 1), 2026: date(2026, 2, 1)})
    assert counts == {2025: {(P, 9): 1}, 2026: {(P, 8): 1, (P, 9): 1}}


def _profile(employment, effective_on, step):
    profile = SalaryStep(employment_id=employment.id, effective_on=effective_on, step=step)
    db.session.add(profile)
    db.session.flush()
    return profile


def _steps(employment):
    return [
        (p.effective_on, p.step)
        for p in db.session.scalars(
            select(SalaryStep)
            .where(SalaryStep.employment_id == employment.id)
            .order_by(SalaryStep.effective_on)
        )
    ]


def test_no_pay_change_when_the_step_reaches_the_start_or_there_is_no_profile(school):
    _plan(school, 2021, professional_11=2)
    employment = create_employment(school, start_on=date(2020, 9, 1))
    _profile(employment, date(2020, 9, 1), 5)
    appoint(employment, P, 11, "语文教师", date(2021, 1, 1))
    assert _steps(employment) == [(date(2020, 9, 1), 5)]  # 助理 starts at 5: nothing to raise
    unpaid = create_employment(school, start_on=date(2020, 9, 1))
    appoint(unpaid, P, 11, "语文教师", date(2021, 1, 1))
    assert _steps(unpaid) == []


@pytest.fixture
def promoted(school):
    """Someone on 专技 11 级 with 薪级 6 since 2022, and a plan for 2026."""
    _plan(school, 2022, professional_11=1)
    _plan(school, 2026, professional_11=1, professional_8=1)
    employment = create_employment(school, start_on=date(2022, 9, 1))
    _profile(employment, date(2022, 9, 1), 6)
    appoint(employment, P, 11, "语文教师", date(2022, 9, 1))
    return employment


def test_raise_adds_a_new_pay_profile_row(promoted):
    appoint(promoted, P, 8, "语文教师", date(2026, 3, 15), override_reason="取得中级职称")
    assert _steps(promoted) == [(date(2022, 9, 1), 6), (date(2026, 4, 1), 9)]
    new = db.session.scalar(select(SalaryStep).where(SalaryStep.effective_on == date(2026, 4, 1)))
    assert new.description == "聘任专技 8 级岗位，薪级由 6 级升至起点薪级 9 级"
    assert _events("appointment.create")[-1].changes["salary_step"] == [6, 9]


def test_raise_in_december_takes_effect_in_january_and_lifts_later_versions(promoted):
    _profile(promoted, date(2027, 1, 1), 7)  # next year's appraisal step, already made
    _profile(promoted, date(2027, 6, 1), 7)
    save_plan(promoted.institution, 2026, {(P, 11): 1, (P, 8): 1})
    appoint(promoted, P, 8, "语文教师", date(2026, 12, 20), override_reason="取得中级职称")
    assert _steps(promoted) == [(date(2022, 9, 1), 6), (date(2027, 1, 1), 9), (date(2027, 6, 1), 9)]


def test_no_raise_when_the_step_is_already_high_enough(promoted):
    db.session.scalar(select(SalaryStep).where(SalaryStep.employment_id == promoted.id)).step = 12
    appoint(promoted, P, 8, "语文教师", date(2026, 3, 15), override_reason="取得中级职称")
    assert _steps(promoted) == [(date(2022, 9, 1), 12)]
    assert "salary_step" not in _events("appointment.create")[-1].changes


def test_first_of_next_month():
    assert posts_ops.first_of_next_month(date(2026, 12, 31)) == date(2027, 1, 1)
    assert posts_ops.first_of_next_month(date(2026, 1, 1)) == date(2026, 2, 1)


# --------------------------------------------------------------------------- pages


@pytest.fixture
def officer(client, login_as, school):
    user = create_user(Role.HR_OFFICER, institution=school)
    db.session.commit()
    login_as(user)
    return user


def test_plans_page_shows_usage_and_deviations(client, officer, school):
    _plan(school, 2026, professional_2=1, professional_12=4)
    employment = create_employment(school)
    appoint(employment, P, 12, "语文教师", date(2026, 1, 5))
    db.session.commit()
    response = client.get(f"/hr/{school.id}/plans?year=2026")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2026 年岗位设置方案" in body
    assert "高级岗位占专业技术岗位的 20.0%（1/5）" in body
    assert "专技 12 级" in body


def test_plans_page_offers_school_stage_ratios(client, officer, school):
    _plan(school, 2026, professional_7=2, professional_10=3, professional_12=5)
    db.session.commit()
    assert "小学 高:中:初" in client.get(f"/hr/{school.id}/plans?year=2026&stage=primary").get_data(
        as_text=True
    )
    assert "符合岗位结构比例要求" in client.get(
        f"/hr/{school.id}/plans?year=2026&stage=senior"
    ).get_data(as_text=True)


def test_plans_page_without_plans_and_the_new_year_box(client, officer, school):
    response = client.get(f"/hr/{school.id}/plans")
    assert response.status_code == 200
    assert "尚未制定岗位设置方案" in response.get_data(as_text=True)
    response = client.get(f"/hr/{school.id}/plans?year=2027&new=1")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/hr/{school.id}/plans/2027")


def test_plan_grid_saves_and_shows_deviations_as_warnings(client, officer, school):
    assert client.get(f"/hr/{school.id}/plans/2026").status_code == 200
    response = client.post(
        f"/hr/{school.id}/plans/2026",
        data={"professional_2": "1", "professional_12": "3", "management_7": "2", "note": "初稿"},
        follow_redirects=True,
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "已保存 2026 年岗位设置方案" in body
    assert "仅提示，不影响保存" in body
    assert "专业技术岗位占比 66.7%，低于规定的 70%" in body
    plan = db.session.scalar(select(PostPlan).where(PostPlan.institution_id == school.id))
    assert plan.note == "初稿"
    assert {(line.category, line.grade) for line in plan.lines} == {
        (P, 2),
        (P, 12),
        ("management", 7),
    }


def test_plan_grid_rejects_bad_counts(client, officer, school):
    response = client.post(f"/hr/{school.id}/plans/2026", data={"professional_8": "-1"})
    assert response.status_code == 422
    assert "岗位数须是 0 或正整数" in response.get_data(as_text=True)
    response = client.post(f"/hr/{school.id}/plans/2026", data={"professional_8": "三"})
    assert response.status_code == 422
    assert db.session.scalar(select(PostPlan).where(PostPlan.institution_id == school.id)) is None


def test_plan_grid_copies_last_year(client, officer, school):
    _plan(school, 2025, professional_8=3)
    db.session.commit()
    assert "复制 2025 年方案" in client.get(f"/hr/{school.id}/plans/2026").get_data(as_text=True)
    response = client.post(f"/hr/{school.id}/plans/2026", data={"action": "copy"})
    assert response.status_code == 302
    body = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'id="professional_8"' in body and 'value="3"' in body
    plan = db.session.scalar(
        select(PostPlan).where(PostPlan.institution_id == school.id, PostPlan.year == 2026)
    )
    assert plan.lines[0].approved_count == 3


def test_appoint_page_refuses_beyond_the_plan(client, officer, school):
    _plan(school, 2026, professional_8=1)
    holder, other = create_employment(school), create_employment(school)
    appoint(holder, P, 8, "语文教师", date(2026, 1, 1))
    db.session.commit()
    url = f"/hr/{school.id}/employments/{other.id}/appoint"
    assert client.get(url).status_code == 200
    response = client.post(
        url, data={"post": "professional:8", "post_name": "数学教师", "start_on": "2026-03-01"}
    )
    assert response.status_code == 422
    assert "核定 1 个，2026-03-01 在聘 1 人" in response.get_data(as_text=True)


def test_appoint_page_shows_warnings_and_takes_an_override(client, officer, school):
    _plan(school, 2026, professional_9=1, professional_8=1)
    employment = create_employment(school)
    appoint(employment, P, 9, "语文教师", date(2026, 1, 1))
    db.session.commit()
    url = f"/hr/{school.id}/employments/{employment.id}/appoint"
    page = client.get(url).get_data(as_text=True)
    assert "现聘岗位" in page and "专技 9 级" in page
    data = {"post": "professional:8", "post_name": "语文教师", "start_on": "2026-06-01"}
    response = client.post(url, data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "在专技 9 级任职 5 个月，未满 3 年" in body
    assert "请填写理由后再提交" in body
    response = client.post(url, data={**data, "override_reason": "引进急需人才"})
    assert response.status_code == 302
    assert _appointments(employment)[-1].override_reason == "引进急需人才"
    assert "引进急需人才" in client.get(url).get_data(as_text=True)


def test_appoint_page_rejects_a_bad_form(client, officer, school):
    employment = create_employment(school)
    db.session.commit()
    url = f"/hr/{school.id}/employments/{employment.id}/appoint"
    response = client.post(url, data={"post": "professional:99", "start_on": "昨天"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "请填写岗位名称" in body
    assert "不是有效日期" in body


def test_posts_on_page_and_export(client, officer, school):
    _plan(school, 2026, professional_9=2)
    employment = create_employment(school, department="语文组")
    appoint(employment, P, 9, "语文教师", date(2026, 2, 1))
    db.session.commit()
    page = client.get(f"/hr/{school.id}/posts?on=2026-03-01").get_data(as_text=True)
    assert employment.person.name in page and "语文教师" in page
    earlier = client.get(f"/hr/{school.id}/posts?on=2026-01-31").get_data(as_text=True)
    assert employment.person.name not in earlier
    assert "日期格式不对" in client.get(
        f"/hr/{school.id}/posts?on=2026-13-01", follow_redirects=True
    ).get_data(as_text=True)

    response = client.get(f"/hr/{school.id}/posts/export?on=2026-03-01")
    assert response.status_code == 200
    result = read_workbook(io.BytesIO(response.data), POSTS_EXPORT)
    assert result.errors == []
    rows = [{k: v for k, v in row.items() if k != "_row"} for row in result.rows]
    assert rows == [
        {
            "category": "专业技术",
            "grade": "专技 9 级",
            "post_name": "语文教师",
            "staff_number": employment.staff_number,
            "name": employment.person.name,
            "department": "语文组",
            "start_on": date(2026, 2, 1),
            "end_on": None,
        }
    ]


def test_posts_on_page_query_count_does_not_grow_with_rows(client, officer, school, count_queries):
    _plan(school, 2026, professional_9=30)
    for _ in range(3):
        appoint(create_employment(school), P, 9, "教师", date(2026, 2, 1))
    db.session.commit()
    with count_queries() as few:
        client.get(f"/hr/{school.id}/posts?on=2026-03-01")
    for _ in range(10):
        appoint(create_employment(school), P, 9, "教师", date(2026, 2, 1))
    db.session.commit()
    with count_queries() as many:
        client.get(f"/hr/{school.id}/posts?on=2026-03-01")
    assert many["n"] == few["n"]


def test_plans_page_query_count_does_not_grow_with_years(client, officer, school, count_queries):
    _plan(school, 2025, professional_9=3)
    db.session.commit()
    with count_queries() as few:
        client.get(f"/hr/{school.id}/plans")
    for year in range(2015, 2025):
        _plan(school, year, professional_9=3)
    db.session.commit()
    with count_queries() as many:
        client.get(f"/hr/{school.id}/plans")
    assert many["n"] == few["n"]


# --------------------------------------------------------------------------- access


def test_access_own_other_and_no_right(client, login_as, school):
    other = create_institution(name="别家学校")
    employment = create_employment(school)
    foreign = create_employment(other)
    hr_here = create_user(Role.HR_OFFICER, institution=school)
    employee_here = create_user(Role.EMPLOYEE, institution=school)
    finance_here = create_user(Role.FINANCE_OFFICER, institution=school)
    hr_there = create_user(Role.HR_OFFICER, institution=other)
    db.session.commit()
    reads = [f"/hr/{school.id}/plans", f"/hr/{school.id}/posts", f"/hr/{school.id}/posts/export"]
    writes = [
        f"/hr/{school.id}/plans/2026",
        f"/hr/{school.id}/employments/{employment.id}/appoint",
    ]
    login_as(hr_here)
    for url in reads + writes:
        assert client.get(url).status_code == 200, url
    assert client.get(f"/hr/{school.id}/employments/{foreign.id}/appoint").status_code == 404
    assert client.get(f"/hr/{school.id}/plans/1999").status_code == 404
    login_as(finance_here)  # may read HR, not change it
    for url in reads:
        assert client.get(url).status_code == 200, url
    for url in writes:
        assert client.post(url, data={}).status_code == 403, url
    login_as(employee_here)
    for url in reads + writes:
        assert client.get(url).status_code == 403, url
    login_as(hr_there)
    for url in reads + writes:
        assert client.get(url).status_code == 404, url
