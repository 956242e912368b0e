"""The 工资 pages: a run prepared by one finance officer and approved by another."""

from __future__ import annotations

from sqlalchemy import select

from core.extensions import db
from payroll.runs import operations as ops
from payroll.runs.models import PayRun, PayRunLine
from tests.factories import create_institution
from tests.payroll.runs.helpers import finance_pair, paid_employee


def test_prepare_and_approve_through_the_pages(app, client, login_as):
    institution = create_institution()
    preparer, approver = finance_pair(institution)
    teacher = paid_employee(institution, department="数学组")
    base = f"/payroll/{institution.id}/runs"
    login_as(preparer)
    assert "新建工资批次" in client.get(base).get_data(as_text=True)
    response = client.post(f"{base}/new", data={"period": "2026-13", "kind": "regular"})
    assert response.status_code == 422 and "YYYY-MM" in response.get_data(as_text=True)
    response = client.post(f"{base}/new", data={"period": "2026-05", "kind": "regular"})
    assert response.status_code == 302
    run = db.session.scalar(select(PayRun).where(PayRun.institution_id == institution.id))
    url = f"{base}/{run.id}"
    assert client.post(f"{url}/compute").status_code == 302
    line = db.session.scalar(select(PayRunLine).where(PayRunLine.run_id == run.id))
    page = client.get(f"{url}/lines/{line.id}").get_data(as_text=True)
    assert "实发工资为负数" in page and "累计应纳税所得额" in page
    response = client.post(
        f"{url}/lines/{line.id}/override",
        data={"item": "basic_performance", "amount": "8000", "reason": "5 月绩效"},
    )
    assert response.status_code == 302
    client.post(f"{url}/compute")
    line = db.session.scalar(select(PayRunLine).where(PayRunLine.run_id == run.id))
    page = client.get(f"{url}/lines/{line.id}").get_data(as_text=True)
    assert "手工调整" in page and "5 月绩效" in page
    listing = client.get(f"{url}?q=数学").get_data(as_text=True)
    assert teacher.person.name in listing
    assert teacher.person.name not in client.get(f"{url}?q=没有这个人").get_data(as_text=True)
    client.post(f"{url}/submit")
    # the preparer is offered no approval, and cannot approve by posting either
    page = client.get(url).get_data(as_text=True)
    assert "审核通过" not in page and "等待另一名财务人员审核" in page
    client.post(f"{url}/approve")
    db.session.expire_all()
    assert db.session.get(PayRun, run.id).status == "submitted"
    login_as(approver)
    assert "审核通过" in client.get(url).get_data(as_text=True)
    assert client.post(f"{url}/approve").status_code == 302
    db.session.expire_all()
    assert db.session.get(PayRun, run.id).status == "approved"
    assert "已审核" in client.get(base).get_data(as_text=True)


def test_an_employee_sees_only_their_own_published_payslips(app, client, login_as):
    from tests.factories import create_person, create_user
    from tests.payroll.runs.helpers import approved_run

    institution = create_institution()
    preparer, approver = finance_pair(institution)
    me, colleague = create_user(), create_user()
    mine = paid_employee(institution, person=create_person(user_id=me.id))
    theirs = paid_employee(institution, person=create_person(user_id=colleague.id))
    pay = [(e, "basic_performance", "9000") for e in (mine, theirs)]
    january = approved_run(institution, "2026-01", preparer, approver, pay)
    ops.create_run(institution, "2026-02", preparer)  # not approved: not published
    lines = {
        line.employment_id: line.id
        for line in db.session.scalars(select(PayRunLine).where(PayRunLine.run_id == january.id))
    }
    login_as(me)
    page = client.get("/payroll/me").get_data(as_text=True)
    assert "2026-01" in page and "2026-02" not in page
    slip = client.get(f"/payroll/me?line={lines[mine.id]}")
    assert slip.status_code == 200 and "本年累计" in slip.get_data(as_text=True)
    assert client.get(f"/payroll/me?line={lines[theirs.id]}").status_code == 404


def test_a_large_run_computes_as_a_job_with_progress(app, client, login_as):
    from core.jobs import Job

    institution = create_institution()
    preparer, _ = finance_pair(institution)
    for _ in range(ops.JOB_THRESHOLD + 1):
        paid_employee(institution)
    run = ops.create_run(institution, "2026-06", preparer)
    login_as(preparer)
    response = client.post(f"/payroll/{institution.id}/runs/{run.id}/compute")
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    job = db.session.scalar(select(Job).where(Job.kind == "payroll.compute"))
    db.session.expire_all()
    assert job.status == "succeeded" and job.done == job.total == ops.JOB_THRESHOLD + 1
    assert db.session.get(PayRun, run.id).line_count == ops.JOB_THRESHOLD + 1


def test_the_employee_home_page_links_the_latest_payslip(app, client, login_as):
    from tests.factories import create_person, create_user
    from tests.payroll.runs.helpers import approved_run

    institution = create_institution()
    preparer, approver = finance_pair(institution)
    me = create_user()
    mine = paid_employee(institution, person=create_person(user_id=me.id))
    approved_run(institution, "2026-01", preparer, approver, [(mine, "basic_performance", "9000")])
    login_as(me)
    page = client.get("/").get_data(as_text=True)
    assert "我的工资条" in page and "/payroll/me?line=" in page
    login_as(preparer)
    assert "/payroll/me?line=" not in client.get("/").get_data(as_text=True)


def test_a_returned_run_and_a_correction_run_read_as_such(app, client, login_as):
    from tests.payroll.runs.helpers import approved_run

    institution = create_institution()
    preparer, approver = finance_pair(institution)
    teacher = paid_employee(institution)
    pay = [(teacher, "basic_performance", "9000")]
    approved_run(institution, "2026-01", preparer, approver, pay)
    february = ops.create_run(institution, "2026-02", preparer)
    ops.set_override(february, teacher.id, "basic_performance", "9000", "绩效", preparer)
    ops.compute_run(february, preparer)
    ops.submit_run(february, preparer)
    ops.return_run(february, approver, "津贴漏算")
    login_as(preparer)
    page = client.get(f"/payroll/{institution.id}/runs/{february.id}").get_data(as_text=True)
    assert "退回原因：津贴漏算" in page and "重新计算" in page
    ops.compute_run(february, preparer)
    ops.submit_run(february, preparer)
    ops.approve_run(february, approver)
    db.session.commit()  # a refused form rolls the request back, as in the app
    response = client.post(
        f"/payroll/{institution.id}/runs/new",
        data={
            "period": "2026-03",
            "kind": "correction",
            "corrects_period": "2026-01",
            "reason": "",
        },
    )
    assert response.status_code == 422 and "请填写更正原因" in response.get_data(as_text=True)
    response = client.post(
        f"/payroll/{institution.id}/runs/new",
        data={
            "period": "2026-03",
            "kind": "correction",
            "corrects_period": "2026-01",
            "reason": "1 月绩效少发",
        },
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "更正 2026-01：1 月绩效少发" in page
