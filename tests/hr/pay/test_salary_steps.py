"""HR's pay record (薪级): one operation for every path; every hire gets it and payroll's
settings; staff without one are listed on the staff page and counted on the home page."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.extensions import db
from core.ids import china_today, make_citizen_id
from core.roles import Role
from hr.models import Employment, SalaryStep
from hr.pay.operations import PayError, StepRequest, record_salary_steps
from hr.pay.queries import count_without_steps, steps_on
from hr.staff.operations import enter_employment
from payroll.models import PaySettings
from tests.factories import add_quota, create_employment, create_institution, create_user


@pytest.fixture
def school(app):
    institution = create_institution(name="薪级测试学校")
    add_quota(institution, "establishment", 5)
    return institution


def _versions(employment):
    return [
        (v.effective_on, v.step, str(v.description) if v.description else None)
        for v in db.session.scalars(
            select(SalaryStep)
            .where(SalaryStep.employment_id == employment.id)
            .order_by(SalaryStep.effective_on)
        )
    ]


def _request(employment, on, step, reason="调整", **kwargs):
    return StepRequest(employment.id, employment.institution_id, on, step, reason, **kwargs)


def test_a_new_version_keeps_history_and_a_same_day_one_is_extended(school):
    employment = create_employment(school)
    record_salary_steps([_request(employment, date(2024, 1, 1), 10, "入职定级")], source="form")
    changes = record_salary_steps(
        [_request(employment, date(2025, 1, 1), 11, "考核")], source="form"
    )
    assert [(c.previous, c.step) for c in changes] == [(10, 11)]
    record_salary_steps([_request(employment, date(2025, 1, 1), 12, "套改")], source="form")
    assert _versions(employment) == [
        (date(2024, 1, 1), 10, "入职定级"),
        (date(2025, 1, 1), 12, "考核；套改"),
    ]
    assert steps_on([employment.id], date(2024, 12, 31))[employment.id].step == 10


def test_a_floor_raises_only_when_lower_and_lifts_later_versions(school):
    employment = create_employment(school)
    none = record_salary_steps(
        [_request(employment, date(2024, 5, 1), 9, at_least=True)], source="form"
    )
    assert none == [] and _versions(employment) == []  # nothing to raise from
    record_salary_steps(
        [
            _request(employment, date(2024, 1, 1), 6, "入职定级"),
            _request(employment, date(2025, 1, 1), 7, "考核"),
        ],
        source="form",
    )
    changes = record_salary_steps(
        [_request(employment, date(2024, 6, 1), 9, "聘任", at_least=True)], source="form"
    )
    assert [(c.effective_on, c.previous, c.step) for c in changes] == [
        (date(2024, 6, 1), 6, 9),
        (date(2025, 1, 1), 7, 9),
    ]
    assert [v[:2] for v in _versions(employment)] == [
        (date(2024, 1, 1), 6),
        (date(2024, 6, 1), 9),
        (date(2025, 1, 1), 9),
    ]
    assert (
        record_salary_steps(
            [_request(employment, date(2024, 7, 1), 8, at_least=True)], source="form"
        )
        == []
    )


def test_a_step_below_one_is_refused(school):
    with pytest.raises(PayError, match="正整数"):
        record_salary_steps(
            [_request(create_employment(school), date(2024, 1, 1), 0)], source="form"
        )


def _entry(**overrides):
    data = {
        "citizen_id": make_citizen_id("510107", date(1992, 3, 4), 55, False),
        "name": "孙老师",
        "staff_number": "P001",
        "identity": "establishment",
        "start_on": date(2024, 9, 1),
        "salary_step": 11,
        "department_id": "",
    }
    data.update(overrides)
    return data


def test_a_hire_through_the_form_gets_both_records(school):
    employment = enter_employment(school, _entry())
    assert _versions(employment) == [(date(2024, 9, 1), 11, "入职定级")]
    (settings,) = db.session.scalars(
        select(PaySettings).where(PaySettings.employment_id == employment.id)
    ).all()
    assert settings.effective_on == date(2024, 9, 1) and settings.contribution_base is None
    assert settings.has_occupational_annuity  # on 编制
    other = enter_employment(
        school,
        _entry(
            citizen_id=make_citizen_id("510107", date(1993, 3, 4), 56, True),
            staff_number="P002",
            identity="contract",
        ),
    )
    assert not db.session.scalar(
        select(PaySettings.has_occupational_annuity).where(PaySettings.employment_id == other.id)
    )


@pytest.mark.parametrize("step", [None, 0, 66])
def test_the_form_refuses_a_missing_or_impossible_step(school, step):
    from hr.staff.operations import StaffError

    with pytest.raises(StaffError) as caught:
        enter_employment(school, _entry(salary_step=step))
    assert "薪级须在 1–65 之间" in str(caught.value.errors["salary_step"])


def test_staff_without_a_step_are_listed_and_counted(client, login_as, school):
    paid = create_employment(school, staff_number="STEP-PAID")
    unpaid = create_employment(school, staff_number="STEP-UNPAID")
    create_employment(
        school, staff_number="STEP-LEFT", end_on=date(2021, 1, 1)
    )  # left: not counted
    record_salary_steps([_request(paid, date(2020, 9, 1), 10)], source="form")
    officer = create_user(Role.HR_OFFICER, institution=school)
    db.session.commit()
    assert count_without_steps([school.id], china_today()) == {school.id: 1}
    login_as(officer)
    body = client.get(f"/hr/{school.id}/staff").get_data(as_text=True)
    assert "有 1 名在职人员没有薪级记录" in body
    body = client.get(f"/hr/{school.id}/staff?pay=missing&status=active").get_data(as_text=True)
    # Distinct staff numbers, read from the table alone: a random CSRF token once held "W3".
    table = body.split('id="staff"')[1].split("</table>")[0]
    assert "STEP-UNPAID" in table and "STEP-PAID" not in table and "STEP-LEFT" not in table
    home = client.get("/").get_data(as_text=True)
    section = home.split('id="hr-pending"')[1]
    assert school.name in section and "1 名" in section
    assert f"/hr/{school.id}/staff?pay=missing&amp;status=active" in section
    assert unpaid.staff_number == "STEP-UNPAID"


def test_the_home_section_is_only_for_those_who_run_hr(client, login_as, school):
    finance = create_user(Role.FINANCE_OFFICER, institution=school)
    db.session.commit()
    assert 'id="hr-pending"' not in login_as(finance).get("/").get_data(as_text=True)


def test_the_roster_import_hands_the_money_on_to_payroll(school):
    from core.excel import read_workbook
    from hr.roster.checks import plan_roster
    from hr.roster.excel import ROSTER_SPEC
    from hr.roster.operations import import_roster
    from tests.hr.departments.test_departments import _row, _xlsx

    row = {**_row(school.credit_code, 1, None), "缴费基数": "7000.50", "公积金比例": "0.1"}
    result = read_workbook(_xlsx([row]), ROSTER_SPEC)
    errors, plan = plan_roster(result.rows, institution=school)
    assert errors == []
    import_roster(plan)
    employment = db.session.scalar(select(Employment).where(Employment.institution_id == school.id))
    settings = db.session.scalar(
        select(PaySettings).where(PaySettings.employment_id == employment.id)
    )
    assert settings.contribution_base == Decimal("7000.50") and settings.fund_rate == Decimal(
        "0.100"
    )
    assert settings.fund_base is None and settings.reason == "入职"
    assert _versions(employment) == [(date(2022, 3, 1), 12, "人员花名册导入")]
