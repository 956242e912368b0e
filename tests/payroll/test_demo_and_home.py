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


def test_the_cross_institution_pay_sheet_sums_items_per_institution(app, client, login_as, world):
    """The staffing office's 工资汇总表: a row per institution in scope with every item
    summed over its locked runs, a totals row, no person's name or number anywhere."""
    import io
    from decimal import Decimal

    from openpyxl import load_workbook

    from core.roles import Role
    from payroll.runs import operations as ops
    from tests.factories import create_user
    from tests.payroll.runs.helpers import approved_run

    preparer, approver = finance_pair(world.mine)
    one, two = paid_employee(world.mine), paid_employee(world.mine)
    pay = [(one, "basic_performance", "9000"), (two, "basic_performance", "8000")]
    run = approved_run(world.mine, "2026-03", preparer, approver, pay)
    open_run = ops.create_run(world.mine, "2026-04", preparer)  # not locked: not counted
    ops.compute_run(open_run, preparer)
    other_preparer, other_approver = finance_pair(world.other)
    stranger = paid_employee(world.other)
    approved_run(
        world.other,
        "2026-03",
        other_preparer,
        other_approver,
        [(stranger, "basic_performance", "7000")],
    )
    db.session.commit()
    login_as(create_user(Role.STAFFING_OFFICE))
    page = client.get("/payroll/overview?period=2026-03").get_data(as_text=True)
    assert world.mine.name in page and world.other.name in page
    response = client.get("/payroll/overview/export?period=2026-03")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = rows[0]
    assert header[:5] == ["单位代码", "单位名称", "举办单位", "批次数", "人数"]
    assert "工号" not in header and "姓名" not in header
    assert sheet.freeze_panes == "C2"
    by_name = {row[1]: dict(zip(header, row, strict=False)) for row in rows[1:] if row[1]}
    mine = by_name[world.mine.name]
    assert mine["人数"] == 2 and mine["批次数"] == 1
    assert Decimal(str(mine["应发合计"])) == run.gross == Decimal("19294.00")  # 2 × 1,147 + 17,000
    assert Decimal(str(mine["实发工资"])) == run.net_pay
    assert Decimal(str(mine["基础性绩效"])) == Decimal("17000")
    assert rows[-1][0] == "合计" and rows[-1][4] == 3
    text = " ".join(str(v) for row in rows for v in row if v is not None)
    for person in (one, two, stranger):
        assert person.person.name not in text and person.staff_number not in text
    # The sponsor of the other institution sees only it.
    login_as(create_user(Role.SPONSOR, sponsor=world.other_sponsor))
    sheet = load_workbook(
        io.BytesIO(client.get("/payroll/overview/export?period=2026-03").data)
    ).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True) if row[1]]
    assert names == [world.other.name]
