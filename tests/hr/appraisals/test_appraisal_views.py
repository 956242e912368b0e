"""Appraisal rounds through the pages: open, grade (优秀 cap), flag, close (薪级 step)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.audit import AuditEvent
from core.extensions import db
from core.roles import Role
from hr.appraisals import queries
from hr.models import Appointment, Appraisal, AppraisalRound, SalaryStep
from tests.factories import create_employment, create_institution, create_person, create_user

YEAR = 2025


@pytest.fixture
def hr(client, login_as):
    institution = create_institution()
    login_as(create_user(Role.HR_OFFICER, institution=institution))
    return institution


def _staff(institution, n, **fields):
    return [
        create_employment(
            institution,
            create_person(name=f"职工{i:03d}"),
            staff_number=f"T{institution.id}-{i:03d}",
            start_on=date(2020, 9, 1),
            **fields,
        )
        for i in range(n)
    ]


def _round(institution, year=YEAR):
    round_ = AppraisalRound(institution_id=institution.id, year=year)
    db.session.add(round_)
    db.session.flush()
    return round_


def _grade(round_, employment, grade):
    db.session.add(Appraisal(round_id=round_.id, employment_id=employment.id, grade=grade))
    db.session.flush()


def _profile(employment, step, effective_on=date(2024, 1, 1), **fields):
    profile = SalaryStep(
        employment_id=employment.id, effective_on=effective_on, step=step, **fields
    )
    db.session.add(profile)
    db.session.flush()
    return profile


def _appoint(employment, category, grade):
    db.session.add(
        Appointment(
            employment_id=employment.id,
            institution_id=employment.institution_id,
            category=category,
            grade=grade,
            post_name="岗位",
            start_on=date(2021, 1, 1),
        )
    )
    db.session.flush()


def _post_grades(client, institution, grades, year=YEAR, query=""):
    data = {f"grade-{e.id}": grade for e, grade in grades}
    return client.post(f"/hr/{institution.id}/appraisals/{year}{query}", data=data)


def test_open_round_once(client, hr):
    response = client.post(f"/hr/{hr.id}/appraisals/open", data={"year": str(YEAR)})
    assert response.status_code == 302
    round_ = queries.get_round(hr.id, YEAR)
    assert round_.excellent_cap == Decimal("0.200")
    response = client.post(f"/hr/{hr.id}/appraisals/open", data={"year": str(YEAR)})
    assert response.status_code == 422
    assert "2025 年度考核已开启" in response.get_data(as_text=True)
    response = client.post(f"/hr/{hr.id}/appraisals/open", data={"year": "2999"})
    assert response.status_code == 422
    body = client.get(f"/hr/{hr.id}/appraisals").get_data(as_text=True)
    assert "2025 年度" in body and "20%" in body
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions.count("appraisal_round.open") == 1


def test_open_round_takes_the_cap_from_the_parameter(client, hr):
    from core.parameters import ensure_parameter

    ensure_parameter(
        "hr.appraisal_excellent_cap", "0.15", effective_from=date(2025, 1, 1), scope=hr.kind
    )
    client.post(f"/hr/{hr.id}/appraisals/open", data={"year": str(YEAR)})
    assert queries.get_round(hr.id, YEAR).excellent_cap == Decimal("0.150")


def test_year_without_round_offers_to_open_it(client, hr):
    response = client.get(f"/hr/{hr.id}/appraisals/2024")
    assert response.status_code == 200
    assert "2024 年度考核尚未开启" in response.get_data(as_text=True)
    response = client.post(f"/hr/{hr.id}/appraisals/2024", data={})
    assert response.status_code == 302


def test_excellent_cap_enforced_on_save(client, hr):
    staff = _staff(hr, 10)
    _round(hr)
    db.session.commit()
    grades = [(e, "excellent") for e in staff[:3]] + [(e, "pass") for e in staff[3:]]
    response = _post_grades(client, hr, grades)
    assert response.status_code == 422
    assert "优秀 3 人，超过上限 2 人（20%）" in response.get_data(as_text=True)
    assert db.session.scalars(select(Appraisal)).all() == []

    grades = [(e, "excellent") for e in staff[:2]] + [(e, "pass") for e in staff[2:]]
    assert _post_grades(client, hr, grades).status_code == 302
    assert len(db.session.scalars(select(Appraisal)).all()) == 10
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "appraisal.grade"))
    assert event.changes[staff[0].staff_number] == [None, "优秀"]

    # 不定等次 leave the headcount: 10 - 5 = 5 counted → only 1 优秀 allowed now
    grades = [(e, "undetermined") for e in staff[5:]]
    response = _post_grades(client, hr, grades)
    assert response.status_code == 422
    assert "优秀 2 人，超过上限 1 人（20%）" in response.get_data(as_text=True)


def test_grading_page_by_page_counts_the_ungraded(client, hr):
    staff = _staff(hr, 10)
    _round(hr)
    db.session.commit()
    # first page: two 优秀 among ten people in the round is within the cap
    response = _post_grades(client, hr, [(staff[0], "excellent"), (staff[1], "excellent")])
    assert response.status_code == 302
    body = client.get(f"/hr/{hr.id}/appraisals/{YEAR}?per_page=5&page=2").get_data(as_text=True)
    assert "职工005" in body and "职工004" not in body
    body = client.get(f"/hr/{hr.id}/appraisals/{YEAR}?grade=ungraded").get_data(as_text=True)
    grid = body.split("<tbody>")[1]
    assert "职工000" not in grid and "职工009" in grid
    # clearing a grade
    assert _post_grades(client, hr, [(staff[1], "")]).status_code == 302
    assert len(db.session.scalars(select(Appraisal)).all()) == 1


def test_staff_outside_the_round_are_refused(client, hr):
    _round(hr)
    other = create_institution()
    stranger = _staff(other, 1)[0]
    left = create_employment(hr, end_on=date(2025, 6, 30), start_on=date(2020, 1, 1))
    db.session.commit()
    response = _post_grades(client, hr, [(stranger, "pass"), (left, "pass")])
    assert response.status_code == 422
    assert "不在本轮考核范围内" in response.get_data(as_text=True)


def test_two_consecutive_fails_are_flagged(client, hr):
    staff = _staff(hr, 3)
    last = _round(hr, YEAR - 1)
    this = _round(hr, YEAR)
    _grade(last, staff[0], "fail")
    _grade(last, staff[1], "fail")
    _grade(this, staff[0], "fail")
    _grade(this, staff[1], "pass")
    _grade(this, staff[2], "fail")
    db.session.commit()
    assert queries.consecutive_fail_employments(this) == [staff[0]]
    body = client.get(f"/hr/{hr.id}/appraisals/{YEAR}").get_data(as_text=True)
    alert = body.split("连续两年年度考核不合格")[1].split("</ul>")[0]
    assert "职工000" in alert and "职工001" not in alert and "职工002" not in alert


def test_close_refuses_while_anyone_is_ungraded(client, hr):
    staff = _staff(hr, 3)
    round_ = _round(hr)
    _grade(round_, staff[0], "pass")
    db.session.commit()
    response = client.post(f"/hr/{hr.id}/appraisals/{YEAR}/close", follow_redirects=True)
    assert "还有 2 人未评定等次" in response.get_data(as_text=True)
    db.session.refresh(round_)
    assert not round_.is_closed


def test_close_applies_the_step_rule(client, hr):
    (
        excellent,
        passed,
        basic,
        failed,
        undetermined,
        top_prof,
        worker,
        top_worker,
        no_profile,
        jan_first,
    ) = _staff(hr, 10)
    round_ = _round(hr)
    _profile(excellent, 20)
    _profile(passed, 15)
    _profile(passed, 16, effective_on=date(2025, 6, 1), reason="调整")  # the latest one counts
    _profile(basic, 12)
    _profile(failed, 12)
    _profile(undetermined, 12)
    _profile(top_prof, 65)
    _appoint(top_prof, "professional", 3)
    _profile(worker, 39)
    _appoint(worker, "worker", 2)
    _profile(top_worker, 40)
    _appoint(top_worker, "worker", 2)
    _profile(jan_first, 30)
    _profile(jan_first, 30, effective_on=date(2026, 1, 1), reason="套改")
    for employment, grade in [
        (excellent, "excellent"),
        (passed, "pass"),
        (basic, "basic"),
        (failed, "fail"),
        (undetermined, "undetermined"),
        (top_prof, "pass"),
        (worker, "pass"),
        (top_worker, "pass"),
        (no_profile, "pass"),
        (jan_first, "pass"),
    ]:
        _grade(round_, employment, grade)
    db.session.commit()

    body = client.get(f"/hr/{hr.id}/appraisals/{YEAR}").get_data(as_text=True)
    assert "没有薪级记录" in body and "职工008" in body.split("没有薪级记录")[1]

    response = client.post(f"/hr/{hr.id}/appraisals/{YEAR}/close", follow_redirects=True)
    body = response.get_data(as_text=True)
    assert "4 人自 2026 年 1 月 1 日起薪级晋升一级" in body
    assert "1 人没有薪级记录" in body and "职工008" in body
    assert "2 人已达所在岗位类别的最高薪级" in body

    def on_jan_first(employment):
        return db.session.scalar(
            select(SalaryStep).where(
                SalaryStep.employment_id == employment.id,
                SalaryStep.effective_on == date(2026, 1, 1),
            )
        )

    new = on_jan_first(excellent)
    assert new.step == 21
    assert new.description == "2025 年度考核优秀，薪级晋升一级"
    assert on_jan_first(passed).step == 17
    assert on_jan_first(passed).description == "2025 年度考核合格，薪级晋升一级"
    assert on_jan_first(worker).step == 40
    for unchanged in (basic, failed, undetermined, top_prof, top_worker, no_profile):
        assert on_jan_first(unchanged) is None
    assert on_jan_first(jan_first).step == 31
    assert on_jan_first(jan_first).description == "套改；2025 年度考核合格，薪级晋升一级"

    db.session.refresh(round_)
    assert round_.is_closed
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "appraisal_round.close")
    )
    assert event.changes["salary_step_raised"] == [None, 4]

    # closing twice is refused and changes nothing
    response = client.post(f"/hr/{hr.id}/appraisals/{YEAR}/close", follow_redirects=True)
    assert "不能重复关闭" in response.get_data(as_text=True)
    assert on_jan_first(excellent).step == 21
    # a closed round takes no more grades
    response = _post_grades(client, hr, [(basic, "pass")])
    assert response.status_code == 422
    assert "已关闭" in response.get_data(as_text=True)


def test_round_page_queries_do_not_grow_with_staff(client, hr, count_queries):
    staff = _staff(hr, 120)
    round_ = _round(hr)
    for employment in staff[:60]:
        _grade(round_, employment, "pass")
    db.session.commit()
    with count_queries() as counter:
        response = client.get(f"/hr/{hr.id}/appraisals/{YEAR}?per_page=500")
    assert response.status_code == 200
    assert response.get_data(as_text=True).count('name="grade-') == 120
    assert counter["n"] <= 16, counter


def test_read_only_roles_see_but_cannot_grade(client, login_as):
    institution = create_institution()
    staff = _staff(institution, 1)
    _round(institution)
    login_as(create_user(Role.FINANCE_OFFICER, institution=institution))
    response = client.get(f"/hr/{institution.id}/appraisals/{YEAR}")
    assert response.status_code == 200
    assert 'name="grade-' not in response.get_data(as_text=True)
    assert _post_grades(client, institution, [(staff[0], "pass")]).status_code == 403
    assert client.post(f"/hr/{institution.id}/appraisals/{YEAR}/close").status_code == 403
    other = create_institution()
    assert client.get(f"/hr/{other.id}/appraisals/{YEAR}").status_code == 404
