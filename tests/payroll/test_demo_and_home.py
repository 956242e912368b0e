"""The demo school's payroll of this year, and what finance sees on the home page."""

from __future__ import annotations

from sqlalchemy import select

from core.extensions import db
from core.ids import china_today
from payroll.runs import operations as ops
from payroll.runs.models import PayRun
from tests.factories import create_institution
from tests.payroll.runs.helpers import finance_pair, paid_employee


def test_the_demo_has_approved_months_and_this_month_computed(app):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    runs = db.session.scalars(select(PayRun).order_by(PayRun.period)).all()
    today = china_today()
    assert [r.period for r in runs] == [f"{today.year}-{m:02d}" for m in range(1, today.month + 1)]
    assert all(r.status == "approved" for r in runs[:-1]) and runs[-1].status == "computed"
    assert all(r.decided_by_id != r.computed_by_id for r in runs[:-1])
    assert runs[-1].line_count > 20 and runs[-1].blocking_count == 0
    assert sum(r.income_tax for r in runs) > 0


def test_finance_home_shows_this_month_and_runs_to_approve(app, client, login_as):
    institution = create_institution(name="首页测试学校")
    preparer, approver = finance_pair(institution)
    paid_employee(institution)
    period = china_today().strftime("%Y-%m")
    run = ops.create_run(institution, period, preparer)
    ops.set_override(
        run, run_employment(institution), "basic_performance", "9000", "绩效", preparer
    )
    ops.compute_run(run, preparer)
    ops.submit_run(run, preparer)
    login_as(preparer)
    page = client.get("/").get_data(as_text=True)
    assert "工资待办" in page and "待审核" in page and "待您审核的工资批次" not in page
    login_as(approver)
    page = client.get("/").get_data(as_text=True)
    assert "待您审核的工资批次" in page and f"/payroll/{institution.id}/runs/{run.id}" in page


def run_employment(institution) -> int:
    from hr.models import Employment

    return db.session.scalar(
        select(Employment.id).where(Employment.institution_id == institution.id)
    )


def test_the_sponsor_sees_totals_of_its_institutions_only(app, client, login_as, world):
    from core.roles import Role
    from tests.factories import create_user
    from tests.payroll.runs.helpers import approved_run

    preparer, approver = finance_pair(world.mine)
    teacher = paid_employee(world.mine)
    approved_run(
        world.mine, "2026-03", preparer, approver, [(teacher, "basic_performance", "9000")]
    )
    login_as(create_user(Role.SPONSOR, sponsor=world.sponsor))
    page = client.get("/payroll/overview?period=2026-03").get_data(as_text=True)
    assert world.mine.name in page and teacher.person.name not in page
    login_as(create_user(Role.SPONSOR, sponsor=world.other_sponsor))
    page = client.get("/payroll/overview?period=2026-03").get_data(as_text=True)
    assert world.mine.name not in page
