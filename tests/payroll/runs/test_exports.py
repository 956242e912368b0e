"""Workbooks of a run: the withholding client's sheets exactly as DOMAIN §9 heads them, the
工资表 with totals, the bank file with its control total, one declaration row per month."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import load_workbook

from payroll.excel_specs import TAX_BONUS_SPEC, TAX_WAGES_SPEC
from payroll.runs import operations as ops
from tests.factories import create_institution
from tests.payroll.runs.helpers import approved_run, finance_pair, paid_employee

D = Decimal


def _sheet(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    return rows[0], [dict(zip(rows[0], row, strict=False)) for row in rows[1:]]


def test_the_client_sheets_and_the_pay_sheet(app, client, login_as):
    institution = create_institution()
    preparer, approver = finance_pair(institution)
    teacher = paid_employee(institution, department="语文组")
    pay = [(teacher, "basic_performance", "20000"), (teacher, "bonus", "36000")]
    run = approved_run(institution, "2026-01", preparer, approver, pay)
    login_as(preparer)
    base = f"/payroll/{institution.id}/runs/{run.id}/export?kind="
    header, rows = _sheet(client, base + "tax-wages")
    assert list(header) == [c.header for c in TAX_WAGES_SPEC.columns]
    (row,) = rows
    assert row["*证件号码"] == teacher.person.citizen_id and row["*证件类型"] == "居民身份证"
    assert D(str(row["本期收入"])) == D("21147.00")  # the bonus is taxed on its own
    assert (row["基本养老保险费"], row["基本医疗保险费"], row["失业保险费"], row["住房公积金"]) == (
        800,
        200,
        40,
        1200,
    )
    assert row["企业(职业)年金"] == 400
    header, rows = _sheet(client, base + "tax-bonus")
    assert list(header) == [c.header for c in TAX_BONUS_SPEC.columns]
    assert rows[0]["全年一次性奖金额"] == 36000
    header, rows = _sheet(client, base + "payroll")
    assert "实发工资" in header and rows[-1]["单位代码"] == "合计"
    assert any(r["姓名"] == "语文组 小计" for r in rows)
    header, rows = _sheet(client, base + "bank")
    assert rows[0]["银行账号"] == "6222000011112222" and rows[-1]["户名"] == "共 1 笔"
    assert rows[-1]["金额"] == rows[0]["金额"]
    header, rows = _sheet(client, base + "tax-detail")
    assert rows[0]["累计应纳税额"] == rows[0]["本期个人所得税"]
    header, rows = _sheet(client, base + "contributions")
    assert rows[0]["养老保险（单位）"] == 1600 and rows[0]["养老保险（个人）"] == 800
    assert client.get(base + "nothing").status_code == 404


def test_a_correction_paid_in_the_month_is_declared_with_the_regular_run(app, client, login_as):
    institution = create_institution()
    preparer, approver = finance_pair(institution)
    teacher = paid_employee(institution)
    pay = [(teacher, "basic_performance", "20000")]
    approved_run(institution, "2026-01", preparer, approver, pay)
    approved_run(institution, "2026-02", preparer, approver, pay)
    fix = ops.create_run(
        institution,
        "2026-02",
        preparer,
        kind="correction",
        corrects_period="2026-01",
        reason="1 月津贴漏发",
    )
    ops.set_override(fix, teacher.id, "allowances", "1000", "补发", preparer)
    ops.compute_run(fix, preparer)
    ops.submit_run(fix, preparer)
    ops.approve_run(fix, approver)
    login_as(preparer)
    _, rows = _sheet(client, f"/payroll/{institution.id}/runs/{fix.id}/export?kind=tax-wages")
    (row,) = rows
    assert D(str(row["本期收入"])) == D("22147.00")  # February's 21,147 and January's 1,000
    assert row["基本养老保险费"] == 800  # the correction changed no contribution


def test_the_salary_register_of_a_year(app, client, login_as):
    institution = create_institution()
    preparer, approver = finance_pair(institution)
    teacher = paid_employee(institution)
    pay = [(teacher, "basic_performance", "9000")]
    for month in ("2026-01", "2026-02"):
        approved_run(institution, month, preparer, approver, pay)
    ops.create_run(institution, "2026-03", preparer)  # open: not in the register
    login_as(preparer)
    url = f"/payroll/{institution.id}/settings/{teacher.id}/register?year=2026"
    _, rows = _sheet(client, url)
    assert [r["所属期"] for r in rows] == ["2026-01", "2026-02", "合计"]
    assert rows[-1]["基础性绩效"] == 18000


def test_exported_sheets_keep_the_header_and_who_in_view(app, client, login_as):
    """Scrolled down or sideways, the header row and the columns up to 姓名 stay put."""
    institution = create_institution()
    preparer, approver = finance_pair(institution)
    teacher = paid_employee(institution, department="数学组")
    run = approved_run(
        institution, "2026-02", preparer, approver, [(teacher, "basic_performance", "9000")]
    )
    login_as(preparer)
    base = f"/payroll/{institution.id}/runs/{run.id}/export?kind="
    # the top-left unfrozen cell: below row 1, right of the columns through 姓名
    expected = {
        "payroll": "D2",  # 单位代码 工号 姓名
        "bank": "D2",  # 序号 工号 户名
        "tax-wages": "C2",  # 工号 *姓名
        "tax-bonus": "C2",
        "tax-detail": "C2",
        "contributions": "C2",
    }
    for kind, cell in expected.items():
        response = client.get(base + kind)
        assert response.status_code == 200, kind
        sheet = load_workbook(io.BytesIO(response.data)).active
        assert sheet.freeze_panes == cell, (kind, sheet.freeze_panes)
        names = [c.value for c in sheet[1][: ord(cell[0]) - ord("A")]]
        assert names[-1].lstrip("*") in ("姓名", "户名"), (kind, names)
