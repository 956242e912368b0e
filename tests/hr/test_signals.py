"""HR's signals: sent once per operation from every path with documented arguments; a
receiver that fails undoes the whole operation (hr/signals.py, "Receivers' contract")."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import func, select

from core.errors import Refusal
from core.excel import read_workbook
from core.extensions import db
from core.ids import make_citizen_id
from core.roles import Role
from hr import signals
from hr.models import Appointment, Employment, SalaryStep
from hr.posts.operations import appoint, save_plan
from hr.roster.checks import plan_roster
from hr.roster.excel import ROSTER_SPEC
from hr.roster.operations import import_roster
from hr.staff.operations import enter_employment, exit_employment
from payroll.models import PaySettings
from tests.factories import add_quota, create_employment, create_institution, create_user
from tests.hr.departments.test_departments import _row, _xlsx


@contextmanager
def listening(app, signal):
    """Collect what ``signal`` sends for this app while the block runs."""
    heard: list[dict] = []

    def receiver(sender, **kwargs):
        assert sender is app
        heard.append(kwargs)

    signal.connect(receiver, sender=app)
    try:
        yield heard
    finally:
        signal.disconnect(receiver, sender=app)


@pytest.fixture
def school(app):
    institution = create_institution(name="信号测试学校")
    add_quota(institution, "establishment", 5)
    db.session.commit()
    return institution


def _entry(n=1, **overrides):
    data = {
        "citizen_id": make_citizen_id("510107", date(1990, 1, n), n, True),
        "name": f"新人{n}",
        "staff_number": f"S{n:03d}",
        "identity": "establishment",
        "start_on": date(2024, 9, 1),
        "salary_step": 10,
        "department_id": "",
    }
    data.update(overrides)
    return data


def _counts():
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Employment, SalaryStep, PaySettings, Appointment)
    )


def test_a_form_hire_sends_hired_and_its_first_step(app, school):
    with (
        listening(app, signals.hired) as hires,
        listening(app, signals.salary_steps_changed) as steps,
    ):
        employment = enter_employment(school, _entry())
    assert hires == [
        {
            "source": "form",
            "hires": [
                signals.Hire(
                    employment.id,
                    school.id,
                    employment.person_id,
                    "establishment",
                    date(2024, 9, 1),
                )
            ],
        }
    ]
    (sent,) = steps
    assert sent["changes"] == [
        signals.StepChange(employment.id, school.id, date(2024, 9, 1), 10, None, "入职定级")
    ]


def test_exit_and_appointment_send_their_signals(app, school):
    employment = create_employment(school, start_on=date(2020, 9, 1))
    save_plan(school, 2024, {("professional", 9): 1, ("professional", 8): 1})
    with listening(app, signals.appointed) as posts:
        first = appoint(employment, "professional", 9, "语文教师", date(2024, 3, 1))
        second = appoint(
            employment, "professional", 8, "语文教师", date(2024, 9, 1), override_reason="破格"
        )
    assert [p["appointments"][0] for p in posts] == [
        signals.Appointed(
            first.id, employment.id, school.id, "professional", 9, "语文教师", date(2024, 3, 1)
        ),
        signals.Appointed(
            second.id,
            employment.id,
            school.id,
            "professional",
            8,
            "语文教师",
            date(2024, 9, 1),
            previous=("professional", 9),
        ),
    ]
    with listening(app, signals.exited) as exits:
        exit_employment(employment, {"end_on": date(2025, 1, 31), "exit_reason": "retirement"})
    assert exits == [
        {
            "source": "form",
            "exits": [signals.Exit(employment.id, school.id, date(2025, 1, 31), "retirement")],
        }
    ]


def test_an_import_sends_one_signal_with_every_hire(app, school):
    rows = [
        {**_row(school.credit_code, n, None), "缴费基数": "6000", "人员身份": "事业编制"}
        for n in (1, 2, 3)
    ]
    result = read_workbook(_xlsx(rows), ROSTER_SPEC)
    errors, plan = plan_roster(result.rows, institution=school)
    assert errors == []
    with listening(app, signals.hired) as hires, listening(app, signals.appointed) as posts:
        import_roster(plan)
    (sent,) = hires
    assert sent["source"] == "import" and len(sent["hires"]) == 3
    assert {str(h.contribution_base) for h in sent["hires"]} == {"6000.00"}
    (sent,) = posts
    assert [(a.category, a.grade, a.previous) for a in sent["appointments"]] == [
        ("professional", 10, None)
    ] * 3
    ids = set(
        db.session.scalars(select(Appointment.id).where(Appointment.institution_id == school.id))
    )
    assert {a.appointment_id for a in sent["appointments"]} == ids


def _failing(app, error):
    def receiver(sender, **kwargs):
        # writes something first: it must go with the rest
        db.session.add(
            PaySettings(
                employment_id=kwargs["hires"][0].employment_id, effective_on=date(2030, 1, 1)
            )
        )
        db.session.flush()
        raise error

    return receiver


@pytest.mark.parametrize("error", [RuntimeError("payroll broke"), Refusal("工资设置不全")])
def test_a_failing_receiver_undoes_the_whole_hire(app, school, error):
    before = _counts()
    receiver = _failing(app, error)
    signals.hired.connect(receiver, sender=app)
    try:
        with pytest.raises(type(error)):
            enter_employment(school, _entry())
        db.session.rollback()
        assert _counts() == before

        rows = [_row(school.credit_code, n, None) for n in (4, 5)]
        result = read_workbook(_xlsx(rows), ROSTER_SPEC)
        errors, plan = plan_roster(result.rows, institution=school)
        assert errors == []
        with pytest.raises(type(error)):
            import_roster(plan)
        db.session.rollback()
        assert _counts() == before
    finally:
        signals.hired.disconnect(receiver, sender=app)


def test_a_receivers_refusal_reaches_the_form_and_nothing_lands(app, client, login_as, school):
    officer = create_user(Role.HR_OFFICER, institution=school)
    db.session.commit()
    before = _counts()
    receiver = _failing(app, Refusal("工资设置不全，暂不能入职"))
    signals.hired.connect(receiver, sender=app)
    try:
        form = {k: str(v) for k, v in _entry().items()}
        response = login_as(officer).post(f"/hr/{school.id}/staff/new", data=form)
    finally:
        signals.hired.disconnect(receiver, sender=app)
    assert response.status_code == 422
    assert "工资设置不全，暂不能入职" in response.get_data(as_text=True)
    assert _counts() == before


def test_payroll_listens_to_this_app_only(app):
    from payroll.receivers import create_pay_settings

    assert create_pay_settings in [
        getattr(r, "__func__", r) for r in signals.hired.receivers_for(app)
    ]
    assert not list(signals.hired.receivers_for(object()))
