"""Demo staff (seed-demo) and the synthetic city (seed-scale)."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select

from core.auth.models import User
from core.extensions import db
from core.ids import china_today, credit_code_problem, parse_citizen_id
from hr.models import (
    Appointment,
    Contract,
    Department,
    Employment,
    Identity,
    Person,
    PostPlan,
    PostPlanLine,
    SalaryStep,
)
from hr.seed import demo as hr_seed
from hr.seed.scale import seed_scale_command
from hr.staff.headcount import vacancy
from institutions.models import Institution, QuotaEntry, QuotaKind
from institutions.quota.queries import quota_on
from institutions.seed import seed_registry_and_users
from payroll.models import PaySettings

MODELS = (Person, Employment, Appointment, Contract, SalaryStep, PaySettings, QuotaEntry, PostPlan)


def _counts() -> dict[str, int]:
    return {m.__tablename__: db.session.scalar(select(func.count()).select_from(m)) for m in MODELS}


def _check_staff(institution_ids: list[int], plan_vacancy: int = 0) -> None:
    """Assert the staff of these institutions is complete and within quota and plan."""
    today = china_today()
    employments = db.session.scalars(
        select(Employment).where(Employment.institution_id.in_(institution_ids))
    ).all()
    assert employments
    current = Counter(
        db.session.scalars(
            select(Appointment.employment_id).where(
                Appointment.institution_id.in_(institution_ids), Appointment.end_on.is_(None)
            )
        )
    )
    contracts = Counter(
        db.session.scalars(
            select(Contract.employment_id).where(Contract.institution_id.in_(institution_ids))
        )
    )
    profiled = set(db.session.scalars(select(SalaryStep.employment_id)))
    # every hire also has payroll's settings, created when payroll heard the hire signal
    settled = set(db.session.scalars(select(PaySettings.employment_id)))
    for employment in employments:
        assert employment.end_on is None
        assert current[employment.id] == 1, employment
        assert contracts[employment.id] == 1, employment
        assert employment.id in profiled, employment
        assert employment.id in settled, employment
        # every employment belongs to one of its own institution's active departments
        assert employment.department is not None, employment
        assert employment.department.institution_id == employment.institution_id
        assert employment.department.is_active
        parse_citizen_id(employment.person.citizen_id)
    for institution_id in institution_ids:
        for identity in (Identity.ESTABLISHMENT, Identity.FILED):
            place = vacancy(institution_id, identity, today)
            assert place.approved >= place.occupied, (institution_id, place)
        plan = db.session.scalar(
            select(PostPlan).where(
                PostPlan.institution_id == institution_id, PostPlan.year == today.year
            )
        )
        assert plan is not None and plan.document_number
        held = Counter(
            db.session.execute(
                select(Appointment.category, Appointment.grade).where(
                    Appointment.institution_id == institution_id, Appointment.end_on.is_(None)
                )
            ).tuples()
        )
        approved = {(line.category, line.grade): line.approved_count for line in plan.lines}
        for post, count in held.items():
            assert approved[post] >= count + plan_vacancy, (institution_id, post)


def test_demo_staff_is_realistic_linked_and_seeded_once(app):
    seed_registry_and_users()
    before = _counts()
    lines = hr_seed.seed_demo_staff()
    db.session.commit()
    assert any("林晓" in line for line in lines)
    after = _counts()
    assert after["people"] - before["people"] >= 5 * 20

    institutions = db.session.scalars(select(Institution)).all()
    demo = [i for i in institutions if i.credit_code.startswith("12510")]
    assert len(demo) == 5
    for institution in demo:
        active = db.session.scalar(
            select(func.count()).where(Employment.institution_id == institution.id)
        )
        assert 20 <= active <= 60, institution.name
        # hiring one more 编制 and one more 员额 is possible in the demo
        for identity in (Identity.ESTABLISHMENT, Identity.FILED):
            assert vacancy(institution.id, identity, china_today()).refusal() is None
        entries = db.session.scalars(
            select(QuotaEntry).where(QuotaEntry.institution_id == institution.id)
        ).all()
        assert {e.kind for e in entries} >= {QuotaKind.ESTABLISHMENT, QuotaKind.LEADERSHIP}
        assert all("编发〔" in e.document_number for e in entries)
    _check_staff([i.id for i in demo], plan_vacancy=1)

    school = next(i for i in demo if i.name == "成都市武侯区第一实验小学")
    for username, name in (("zhigong", "林晓"), ("renshi", "许丽"), ("xiaoban", "吴静")):
        user = db.session.scalar(select(User).where(User.username == username))
        person = db.session.scalar(select(Person).where(Person.user_id == user.id))
        assert person is not None and person.name == name
        assert [e.institution_id for e in person.employments] == [school.id]
        assert person.employments[0].identity == Identity.ESTABLISHMENT
    kinds = dict(
        db.session.execute(
            select(Department.name, Department.kind).where(Department.institution_id == school.id)
        ).all()
    )
    assert kinds["语文组"] == "teaching" and kinds["教务处"] == "administrative"
    assert kinds["数学组"] == "teaching"  # every subject group, staffed or not
    hospital = next(i for i in demo if i.kind == "hospital")
    kinds = dict(
        db.session.execute(
            select(Department.name, Department.kind).where(Department.institution_id == hospital.id)
        ).all()
    )
    assert kinds["内科"] == "clinical" and kinds["检验科"] == "medical_technical"
    assert kinds["护理部"] == "nursing" and kinds["后勤保障科"] == "logistics"
    teacher = db.session.scalar(
        select(Person).join(User, Person.user_id == User.id).where(User.username == "zhigong")
    )
    assert [e.professional_title for e in teacher.employments] == ["一级教师"]

    # again: nothing changes
    again = hr_seed.seed_demo_staff()
    db.session.commit()
    assert _counts() == after
    assert all("已有职工" in line for line in again[2:])


def test_demo_staff_tops_up_an_existing_ledger(app):
    from tests.factories import add_quota

    seed_registry_and_users()
    school = db.session.scalar(
        select(Institution).where(Institution.name == "成都市武侯区第一实验小学")
    )
    add_quota(school, "establishment", 2)
    hr_seed.seed_demo_staff()
    today = china_today()
    for identity in (Identity.ESTABLISHMENT, Identity.FILED):
        place = vacancy(school.id, identity, today)
        assert place.vacant >= hr_seed.DEMO_VACANCY, place


def test_seed_demo_command_runs_the_staff_step(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "演示职工" in result.output and "林晓" in result.output
    counts = _counts()
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    assert _counts() == counts


def test_employee_sees_own_record(app, login_as):
    seed_registry_and_users()
    hr_seed.seed_demo_staff()
    db.session.commit()
    if "hr.me" not in app.view_functions:
        pytest.skip("the employee page is not there yet")
    user = db.session.scalar(select(User).where(User.username == "zhigong"))
    page = login_as(user).get("/hr/me")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "林晓" in text and "语文教师" in text


def _seed_scale(app, *args: str):
    if "seed-scale" not in app.cli.commands:
        app.cli.add_command(seed_scale_command)
    result = app.test_cli_runner().invoke(args=["seed-scale", *args])
    assert result.exit_code == 0, result.output
    return result


def test_seed_scale_writes_a_valid_city(app):
    before_institutions = set(db.session.scalars(select(Institution.id)))
    before_people = db.session.scalar(select(func.count()).select_from(Person))
    result = _seed_scale(app, "--institutions", "8", "--staff", "400", "--seed", "5")
    assert "完成" in result.output and "秒" in result.output

    new = db.session.scalars(
        select(Institution).where(Institution.id.not_in(before_institutions))
    ).all()
    assert len(new) == 8
    assert all(credit_code_problem(i.credit_code) is None for i in new)
    assert len({i.name for i in new}) == 8
    assert db.session.scalar(select(func.count()).select_from(Person)) - before_people == 400
    ids = [i.id for i in new]
    staffed = [
        i
        for i in ids
        if db.session.scalar(select(func.count()).where(Employment.institution_id == i))
    ]
    _check_staff(staffed)
    for institution_id in staffed:
        establishment = db.session.scalar(
            select(func.count()).where(
                Employment.institution_id == institution_id,
                Employment.identity == Identity.ESTABLISHMENT.value,
            )
        )
        assert quota_on(institution_id, QuotaKind.ESTABLISHMENT, china_today()) >= establishment
    lines = db.session.scalar(
        select(func.count())
        .select_from(PostPlanLine)
        .join(PostPlan)
        .where(PostPlan.institution_id.in_(ids))
    )
    assert lines > 0


def test_seed_scale_runs_again_without_collisions(app):
    _seed_scale(app, "--institutions", "4", "--staff", "120", "--seed", "1")
    _seed_scale(app, "--institutions", "4", "--staff", "120", "--seed", "1")
    codes = db.session.scalars(select(Institution.credit_code)).all()
    names = db.session.scalars(select(Institution.name)).all()
    assert len(codes) == len(set(codes)) and len(names) == len(set(names))
    citizen_ids = db.session.scalars(select(Person.citizen_id)).all()
    assert len(citizen_ids) == len(set(citizen_ids)) >= 240
    # ordinary inserts still get fresh ids after the pre-assigned ones
    from tests.factories import create_person

    person = create_person()
    assert person.id > max(db.session.scalars(select(Person.id).where(Person.id != person.id)))
