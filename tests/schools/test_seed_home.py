"""The demo schools (seed-demo) and the home page's list of what a school has pending."""

from __future__ import annotations

from sqlalchemy import func, select

from core.extensions import db
from core.ids import china_today
from core.roles import Role
from hr.seed import demo as hr_seed
from institutions.seed import seed_registry_and_users
from schools import operations, queries, seed
from schools.enrolment import GradeEnrolment
from schools.models import EnrolmentYear, SchoolProfile, StaffStage
from tests.factories import create_employment, create_institution, create_user


def test_demo_schools_have_history_a_shortage_coming_and_are_seeded_once(app):
    seed_registry_and_users()
    hr_seed.seed_demo_staff()
    lines = seed.seed_demo_schools()
    assert any("两自一包" in line for line in lines)
    profiles = db.session.scalars(select(SchoolProfile)).all()
    pilots = [p for p in profiles if p.is_lump_sum]
    assert len(pilots) >= 1
    for profile in pilots:
        years = queries.enrolment_years(profile.institution_id)
        assert len(years) == 3
        assert years[0].year == queries.school_year_of(china_today())
    nine_year = next(p for p in profiles if p.school_type == "nine_year")
    assert db.session.scalar(
        select(func.count()).where(StaffStage.institution_id == nine_year.institution_id)
    )
    from schools.budget import queries as budget_queries

    for profile in pilots:
        budget = budget_queries.budget_of(profile.institution_id, years[0].year)
        assert budget is not None and budget.is_approved
    from schools.models import CongressVote, RewardAllocation

    assert db.session.scalar(select(func.count()).where(CongressVote.status == "passed"))
    allocation = db.session.scalars(select(RewardAllocation)).first()
    assert sum(line.amount for line in allocation.lines) == allocation.pool
    from schools.rules.queries import rules_of

    rules = {r.title: r for r in rules_of(allocation.institution_id)}
    assert rules["教职工请假管理办法"].in_force.decision_ref.startswith("教代会")
    assert rules["教师考核办法"].in_force is None
    counts = db.session.scalar(select(func.count()).select_from(EnrolmentYear))
    again = seed.seed_demo_schools()
    assert any("未改动" in line for line in again)
    assert db.session.scalar(select(func.count()).select_from(EnrolmentYear)) == counts


def test_home_lists_what_each_school_has_pending(client, login_as):
    bare = create_institution(name="待填概况小学")
    short = create_institution(name="缺员小学")
    profile = operations.save_profile(short, {"school_type": "primary"})
    year = queries.school_year_of(china_today())
    operations.save_enrolment(profile, year, [GradeEnrolment(1, 5, 190)], today=china_today())
    create_employment(short, identity="filed")
    hr = create_user(Role.HR_OFFICER, institution=bare)
    from core.auth.models import Membership

    db.session.add(Membership(user_id=hr.id, role=Role.HR_OFFICER.value, institution_id=short.id))
    db.session.flush()
    body = login_as(hr).get("/").get_data(as_text=True)
    section = body[body.index('id="schools-pending"') :]
    assert "待填概况小学" in section and "尚未填写学校概况" in section
    assert "缺员小学" in section and "教职工缺 9 人" in section


def test_home_has_no_school_section_for_a_hospital_officer(client, login_as):
    hospital = create_institution(kind="hospital")
    body = (
        login_as(create_user(Role.HR_OFFICER, institution=hospital)).get("/").get_data(as_text=True)
    )
    assert 'id="schools-pending"' not in body


def test_seed_scale_gives_every_school_without_a_profile_its_enrolment(app):
    from institutions import indicators as registry
    from schools import indicators

    schools = [create_institution() for _ in range(3)]
    create_institution(kind="hospital")
    result = app.test_cli_runner().invoke(args=["schools", "seed-scale", "--years", "2"])
    assert result.exit_code == 0, result.output
    for school in schools:
        assert len(queries.enrolment_years(school.id)) == 2
    found = registry.values([indicators.ALLOWANCE], [s.id for s in schools], china_today())
    assert set(found[indicators.ALLOWANCE]) == {s.id for s in schools}


def test_finance_sees_the_draft_budget_and_the_allocation_waiting(client, login_as):
    from datetime import date
    from decimal import Decimal

    from schools.budget import operations as budget_ops
    from schools.rewards import operations as reward_ops
    from schools.staff_congress import operations as congress_ops

    school = create_institution(name="待批预算学校")
    profile = operations.save_profile(school, {"school_type": "primary", "is_lump_sum": True})
    year = queries.school_year_of(china_today())
    operations.save_enrolment(profile, year, [GradeEnrolment(1, 2, 80)], today=china_today())
    budget_ops.draft_budget(profile, year, [], today=china_today())
    staff = [create_employment(school) for _ in range(3)]
    delegates = [congress_ops.add_delegate(school.id, e, True) for e in staff]
    vote = congress_ops.record_vote(
        school.id,
        {"title": "方案", "kind": "reward_plan", "held_on": date(year, 9, 10)},
        [d.id for d in delegates],
        {d.id: "yes" for d in delegates},
    )
    reward_ops.open_allocation(school.id, "2026-12", Decimal("100"), {"posts": "100"}, vote.number)
    finance = create_user(Role.FINANCE_OFFICER, institution=school)
    section = login_as(finance).get("/").get_data(as_text=True)
    section = section[section.index('id="schools-pending"') :]
    assert "包干预算待理事会批准" in section and "奖励性绩效分配待确定" in section
    assert "教职工缺" not in section  # staffing is the principal's office's and HR's
