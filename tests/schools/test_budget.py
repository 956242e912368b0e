"""The lump-sum budget: drafted from the formula, approved by the council, spending recorded
within the lines (beyond them only with a council decision), execution with its alerts."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from core.extensions import db
from core.ids import china_today
from core.roles import Role
from schools import operations as school_ops
from schools.budget import operations, queries
from schools.enrolment import GradeEnrolment
from schools.findings import SchoolsRefusal
from schools.models import SchoolSpending
from tests.factories import create_institution, create_user

TODAY = china_today()
YEAR = 2025


@pytest.fixture
def school():
    return create_institution(name="包干实验学校")


@pytest.fixture
def profile(school):
    profile = school_ops.save_profile(school, {"school_type": "nine_year", "is_lump_sum": True})
    # 380 primary pupils (1:19 -> 20) and 270 junior (1:13.5 -> 20)
    school_ops.save_enrolment(
        profile,
        YEAR,
        [GradeEnrolment(1, 9, 380), GradeEnrolment(7, 6, 270)],
        today=TODAY,
    )
    return profile


def _approved(profile, projects=()):
    budget = operations.draft_budget(profile, YEAR, projects, today=TODAY)
    return operations.approve_budget(budget, "〔2025〕第7号", date(2025, 9, 10))


def _spend(budget, amount, line="operations", on=date(2025, 10, 8), ref=None):
    return operations.record_spending(
        budget,
        {
            "line": line,
            "spent_on": on,
            "amount": Decimal(amount),
            "description": "办公用品",
            "decision_ref": ref,
        },
    )


def test_the_draft_follows_the_formula(profile):
    budget = operations.draft_budget(
        profile, YEAR, [("智慧教室", Decimal("200000")), ("", None)], today=TODAY
    )
    amounts = budget.amounts()
    # 40 员额 × 150,000; 380 × 650 + 270 × 850; one project
    assert amounts["personnel"] == Decimal("6000000.00")
    assert amounts["operations"] == Decimal("476500.00")
    assert amounts["projects"] == Decimal("200000.00")
    assert budget.total == Decimal("6676500.00")
    assert [t["name"] for t in budget.terms if t["line"] == "projects"] == ["智慧教室"]


def test_no_budget_without_enrolment_or_for_an_ordinary_school(school, profile):
    with pytest.raises(SchoolsRefusal):
        operations.draft_budget(profile, YEAR + 1, [], today=TODAY)
    other = create_institution()
    ordinary = school_ops.save_profile(other, {"school_type": "primary", "is_lump_sum": False})
    with pytest.raises(SchoolsRefusal):
        operations.draft_budget(ordinary, YEAR, [], today=TODAY)


def test_an_approved_budget_is_fixed_and_a_draft_takes_no_spending(profile):
    budget = operations.draft_budget(profile, YEAR, [], today=TODAY)
    with pytest.raises(SchoolsRefusal):
        _spend(budget, "100")
    operations.approve_budget(budget, "〔2025〕第7号", date(2025, 9, 10))
    with pytest.raises(SchoolsRefusal):
        operations.draft_budget(profile, YEAR, [], today=TODAY)
    with pytest.raises(SchoolsRefusal):
        operations.approve_budget(budget, "〔2025〕第8号", date(2025, 9, 11))


def test_spending_beyond_a_line_needs_a_council_decision(profile):
    budget = _approved(profile)
    _spend(budget, "476000.00")
    with pytest.raises(SchoolsRefusal) as refused:
        _spend(budget, "600.00")
    assert "超出预算 100.00 元" in str(refused.value)
    _spend(budget, "600.00", ref="〔2026〕第2号")
    assert queries.spent_by_line(budget)["operations"] == Decimal("476600.00")


def test_spending_outside_the_budget_year_or_off_the_lines_is_refused(profile):
    budget = _approved(profile)
    with pytest.raises(SchoolsRefusal):
        _spend(budget, "10", on=date(2026, 9, 1))
    with pytest.raises(SchoolsRefusal):
        _spend(budget, "10", line="projects")  # no project line in this budget
    with pytest.raises(SchoolsRefusal):
        _spend(budget, "0")


def test_execution_alerts_at_ninety_and_a_hundred_percent(profile):
    budget = _approved(profile)
    _spend(budget, "430000.00", on=date(2025, 11, 3))  # 90.24% of 476,500
    _spend(budget, "46500.00", on=date(2026, 1, 5))  # 100%
    figures = queries.figures(budget)
    operations_alerts = [a for a in figures.execution.alerts if a.line == "operations"]
    assert [(a.month, a.threshold) for a in operations_alerts] == [
        ((2025, 11), Decimal("0.90")),
        ((2026, 1), Decimal("1.00")),
    ]
    assert figures.execution.line("operations").balance == Decimal("0.00")
    assert figures.surplus.retained == Decimal("6000000.00")


def test_finance_records_spending_and_sees_the_execution(school, profile, login_as):
    budget = _approved(profile)
    finance = create_user(Role.FINANCE_OFFICER, institution=school)
    db.session.commit()  # refusals roll back to here
    client = login_as(finance)
    url = f"/schools/{school.id}/budget/{YEAR}/spending"
    data = {
        "line": "operations",
        "spent_on": "2025-10-09",
        "amount": "430000.00",
        "description": "教学设备",
    }
    assert client.post(url, data=data).status_code == 302
    page = client.get(f"/schools/{school.id}/budget/{YEAR}").get_data(as_text=True)
    assert "90%" in page and 'id="alerts"' in page
    refused = client.post(url, data={**data, "amount": "50000.00"})
    assert refused.status_code == 422
    assert "超预算支出须经理事会决定" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).where(SchoolSpending.budget_id == budget.id)) == 1
    hr = create_user(Role.HR_OFFICER, institution=school)
    assert login_as(hr).post(url, data=data).status_code == 403


def test_principal_drafts_and_approves_on_the_page(school, profile, login_as):
    principal = create_user(Role.INSTITUTION_ADMIN, institution=school)
    db.session.commit()  # refusals roll back to here
    client = login_as(principal)
    base = f"/schools/{school.id}/budget/{YEAR}"
    assert client.get(base).status_code == 200
    response = client.post(
        f"{base}/draft", data={"project_name_1": "食堂改造", "project_amount_1": "80000"}
    )
    assert response.status_code == 302
    assert 'id="budget-total">6,556,500.00<' in client.get(base).get_data(as_text=True)
    assert client.post(f"{base}/approve", data={"decision_ref": ""}).status_code == 422
    response = client.post(
        f"{base}/approve", data={"decision_ref": "〔2025〕第7号", "approved_on": "2025-09-10"}
    )
    assert response.status_code == 302
    assert "〔2025〕第7号" in client.get(base).get_data(as_text=True)


def _workbook(rows):
    book = Workbook()
    sheet = book.active
    sheet.append(("支出日期", "预算科目", "金额", "摘要", "理事会决定文号"))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _upload(client, url, data):
    return client.post(
        url, data={"file": (io.BytesIO(data), "支出.xlsx")}, content_type="multipart/form-data"
    )


def test_import_checks_rows_against_each_other_and_writes_all_or_nothing(school, profile, login_as):
    budget = _approved(profile)
    finance = create_user(Role.FINANCE_OFFICER, institution=school)
    db.session.commit()  # refusals roll back to here
    client = login_as(finance)
    url = f"/schools/{school.id}/budget/{YEAR}/import"
    rows = [
        ("2025-10-01", "公用经费", "400000", "设备", None),
        ("2025-10-02", "公用经费", "80000", "维修", None),  # together beyond the line
    ]
    response = _upload(client, url, _workbook(rows))
    assert response.status_code == 422
    assert "超预算支出须经理事会决定" in response.get_data(as_text=True)
    rows[1] = ("2025-10-02", "公用经费", "80000", "维修", "〔2025〕第9号")
    body = _upload(client, url, _workbook(rows)).get_data(as_text=True)
    file_id = re.search(r'name="file_id"[^>]*value="(\d+)"', body).group(1)
    key = re.search(r'name="key"[^>]*value="([^"]+)"', body).group(1)
    client.post(url, data={"step": "confirm", "file_id": file_id, "key": key})
    assert queries.spent_by_line(budget)["operations"] == Decimal("480000.00")


def test_export_lists_each_line_and_the_total(school, profile, login_as):
    budget = _approved(profile)
    _spend(budget, "238250.00")
    response = login_as(create_user(Role.SPONSOR, sponsor=school.sponsor)).get(
        f"/schools/{school.id}/budget/{YEAR}/export"
    )
    assert response.status_code == 200
    rows = [
        tuple(c.value for c in r)
        for r in load_workbook(io.BytesIO(response.data)).active.iter_rows()
    ]
    assert rows[0] == ("预算科目", "预算金额", "已支出", "结余", "执行率")
    operations_row = next(r for r in rows if r[0] == "公用经费")
    assert operations_row[2] == 238250 and float(operations_row[4]) == 0.5


def _run(institution, period, status, gross, employer="0.00", kind="regular"):
    from payroll.runs.models import PayRun

    run = PayRun(
        institution_id=institution.id,
        period=period,
        kind=kind,
        status=status,
        gross=Decimal(gross),
        employer_total=Decimal(employer),
    )
    db.session.add(run)
    db.session.flush()
    return run


def test_personnel_spending_is_what_approved_and_paid_runs_of_the_year_cost(school, profile):
    budget = _approved(profile)
    other = create_institution()
    _run(school, "2025-09", "paid", "300000.00", "90000.00")
    _run(school, "2025-10", "approved", "310000.00", "93000.00")
    _run(school, "2025-10", "approved", "-1000.00", "-300.00", kind="correction")
    _run(school, "2025-11", "submitted", "320000.00", "96000.00")  # not yet decided
    _run(school, "2025-08", "paid", "300000.00", "90000.00")  # before the budget year
    _run(other, "2025-10", "approved", "999999.00", "1.00")  # another school's
    figures = queries.figures(budget)
    assert figures.payroll == {
        (2025, 9): Decimal("390000.00"),
        (2025, 10): Decimal("401700.00"),
    }
    personnel = figures.execution.line("personnel")
    assert personnel.spent == Decimal("791700.00")
    assert [m.cumulative for m in personnel.months[:3]] == [
        Decimal("390000.00"),
        Decimal("791700.00"),
        Decimal("791700.00"),
    ]
    assert queries.spent_by_line(budget)["personnel"] == Decimal("791700.00")


def test_payroll_spending_counts_towards_the_line_limit_and_the_alerts(school, profile):
    budget = _approved(profile)
    run = _run(school, "2025-12", "submitted", "5000000.00", "400000.00")
    assert not [a for a in queries.figures(budget).execution.alerts if a.line == "personnel"]
    run.status = "approved"
    db.session.flush()
    alerts = [a for a in queries.figures(budget).execution.alerts if a.line == "personnel"]
    assert [(a.month, a.threshold) for a in alerts] == [((2025, 12), Decimal("0.90"))]
    with pytest.raises(SchoolsRefusal) as refused:
        _spend(budget, "600001.00", line="personnel", on=date(2026, 1, 4))
    assert "超出预算 1.00 元" in str(refused.value)


def test_execution_moves_when_the_second_finance_officer_approves(
    school, profile, login_as, client
):
    from payroll.runs import operations as runs
    from tests.payroll.runs.helpers import finance_pair, paid_employee

    budget = _approved(profile)
    preparer, approver = finance_pair(school)
    teacher = paid_employee(school)
    run = runs.create_run(school, "2025-10", preparer)
    runs.set_override(run, teacher.id, "basic_performance", "9000", "绩效", preparer)
    runs.compute_run(run, preparer)
    runs.submit_run(run, preparer)
    assert queries.figures(budget).execution.line("personnel").spent == Decimal("0.00")
    runs.approve_run(run, approver)
    cost = run.gross + run.employer_total
    assert cost > 9000
    assert queries.figures(budget).payroll == {(2025, 10): cost}
    assert queries.figures(budget).execution.line("personnel").spent == cost
    db.session.commit()
    login_as(approver)
    page = client.get(f"/schools/{school.id}/budget/{YEAR}").get_data(as_text=True)
    assert 'id="payroll-spending"' in page and f"{cost:,.2f}" in page
