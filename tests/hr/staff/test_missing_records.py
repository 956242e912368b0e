"""Every hiring path creates the pay records; staff missing a pay record or a contract are
listed on the staff page and counted, with a link, in the HR officer's home section."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.ids import china_today, make_citizen_id
from core.roles import Role
from hr.contracts.operations import sign_contract
from hr.models import Employment, SalaryStep
from hr.pay.operations import StepRequest, record_salary_steps
from hr.pay.queries import count_without_steps
from hr.posts.operations import save_plan
from hr.staff.operations import enter_employment
from hr.staff.queries import count_without_contract
from payroll.models import PaySettings
from tests.factories import (
    add_quota,
    create_employment,
    create_institution,
    create_person,
    create_user,
)


def _without_pay_records(institution_ids) -> list[str]:
    """Return the staff numbers of employments lacking a 薪级 or payroll's settings."""
    has_step = select(SalaryStep.id).where(SalaryStep.employment_id == Employment.id).exists()
    has_settings = select(PaySettings.id).where(PaySettings.employment_id == Employment.id).exists()
    return list(
        db.session.scalars(
            select(Employment.staff_number).where(
                Employment.institution_id.in_(list(institution_ids)),
                ~(has_step & has_settings),
            )
        )
    )


@pytest.fixture
def school(app):
    institution = create_institution(name="记录测试学校")
    add_quota(institution, "establishment", 5)
    return institution


def test_a_hire_through_the_form_creates_the_pay_records(school):
    enter_employment(
        school,
        {
            "citizen_id": make_citizen_id("510107", date(1992, 3, 4), 77, False),
            "name": "表单入职",
            "staff_number": "F001",
            "identity": "establishment",
            "start_on": date(2024, 9, 1),
            "salary_step": 11,
            "department_id": "",
        },
    )
    assert _without_pay_records([school.id]) == []


def test_a_hire_through_the_roster_import_creates_the_pay_records(school):
    from core.excel import read_workbook
    from hr.roster.checks import plan_roster
    from hr.roster.excel import ROSTER_SPEC
    from hr.roster.operations import import_roster
    from tests.hr.departments.test_departments import _row, _xlsx

    for year in (2022, china_today().year):
        save_plan(school, year, {("professional", 10): 5})
    rows = [_row(school.credit_code, n, None) for n in (1, 2, 3)]
    result = read_workbook(_xlsx(rows), ROSTER_SPEC)
    errors, plan = plan_roster(result.rows, institution=school)
    assert errors == []
    import_roster(plan)
    assert (
        db.session.scalar(select(func.count()).where(Employment.institution_id == school.id)) == 3
    )
    assert _without_pay_records([school.id]) == []


def test_the_demo_seed_creates_the_pay_records(app):
    from hr.seed import demo as hr_seed
    from institutions.seed import seed_registry_and_users

    seed_registry_and_users()
    hr_seed.seed_demo_staff()
    ids = set(db.session.scalars(select(Employment.institution_id)))
    assert ids
    assert _without_pay_records(ids) == []


def test_the_synthetic_city_creates_the_pay_records(app):
    from hr.seed.scale import seed_scale_command

    if "seed-scale" not in app.cli.commands:
        app.cli.add_command(seed_scale_command)
    result = app.test_cli_runner().invoke(
        args=["seed-scale", "--institutions", "3", "--staff", "90", "--seed", "3"]
    )
    assert result.exit_code == 0, result.output
    ids = set(db.session.scalars(select(Employment.institution_id)))
    assert ids
    assert _without_pay_records(ids) == []


def test_staff_without_a_contract_or_a_step_are_listed_and_counted(client, login_as, school):
    covered = create_employment(school, create_person(name="已签合同"), start_on=date(2020, 9, 1))
    sign_contract(
        covered,
        {
            "contract_type": "open_ended",
            "start_on": date(2020, 9, 1),
            "end_on": None,
            "probation_months": 0,
        },
    )
    record_salary_steps(
        [StepRequest(covered.id, school.id, date(2020, 9, 1), 10, "入职")], source="form"
    )
    create_employment(school, create_person(name="两样都缺"), start_on=date(2020, 9, 1))
    create_employment(school, create_person(name="早已离职"), end_on=date(2021, 1, 1))
    officer = create_user(Role.HR_OFFICER, institution=school)
    db.session.commit()
    today = china_today()
    assert count_without_contract([school.id], today) == {school.id: 1}
    assert count_without_steps([school.id], today) == {school.id: 1}

    login_as(officer)
    body = client.get(f"/hr/{school.id}/staff").get_data(as_text=True)
    assert 'id="without-contract"' in body and "有 1 名在职人员没有履行中的合同" in body
    body = client.get(f"/hr/{school.id}/staff?contract=missing&status=active").get_data(
        as_text=True
    )
    assert "两样都缺" in body and "已签合同" not in body and "早已离职" not in body
    home = client.get("/").get_data(as_text=True)
    section = home.split(f'id="hr-pending-contract-{school.id}"')[1].split("</li>")[0]
    assert "没有履行中合同的在职人员" in section and "1 名" in section
    assert f"/hr/{school.id}/staff?contract=missing&amp;status=active" in section
    section = home.split(f'id="hr-pending-pay-{school.id}"')[1].split("</li>")[0]
    assert f"/hr/{school.id}/staff?pay=missing&amp;status=active" in section


def test_the_home_section_lists_expiring_contracts_and_open_rounds(client, login_as, school):
    from hr.models import AppraisalRound

    today = china_today()
    soon = create_employment(school, create_person(name="快到期"), start_on=date(2020, 9, 1))
    sign_contract(
        soon,
        {
            "contract_type": "fixed_term",
            "start_on": date(2020, 9, 1),
            "end_on": today + timedelta(days=20),
            "probation_months": 0,
        },
    )
    db.session.add(AppraisalRound(institution_id=school.id, year=2025))
    officer = create_user(Role.HR_OFFICER, institution=school)
    db.session.commit()
    home = login_as(officer).get("/").get_data(as_text=True)
    section = home.split(f'id="hr-pending-expiring-{school.id}"')[1].split("</li>")[0]
    assert "60 天内到期的合同" in section and "1 份" in section
    assert f"/hr/{school.id}/contracts?within=60#expiring-title" in section
    section = home.split(f'id="hr-pending-round-{school.id}-2025"')[1].split("</li>")[0]
    assert "2025 年度考核进行中" in section
    assert f"/hr/{school.id}/appraisals/2025" in section
