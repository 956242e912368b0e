"""The withholding client's declared 专项附加扣除 (cumulative to the period) become this
month's deductions: the cumulative figure less what the year already deducted."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook
from sqlalchemy import select

from core.extensions import db
from payroll.runs import operations as ops
from payroll.runs.models import PayRunLine
from tests.factories import create_institution
from tests.imports import upload, upload_and_confirm
from tests.payroll.runs.helpers import approved_run, finance_pair, paid_employee

HEADERS = ["*姓名", "*证件类型", "*证件号码", "子女教育", "住房租金", "个人养老金"]


def _export(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "专项附加扣除"
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_late_declaration_brings_its_earlier_months_at_once(app, client, login_as):
    institution = create_institution()
    preparer, approver = finance_pair(institution)
    teacher = paid_employee(institution)
    pay = [(teacher, "basic_performance", "20000")]
    approved_run(institution, "2026-01", preparer, approver, pay)
    february = ops.create_run(institution, "2026-02", preparer)
    ops.set_override(february, teacher.id, "basic_performance", "20000", "绩效", preparer)
    db.session.commit()
    person = teacher.person
    url = f"/payroll/{institution.id}/runs/{february.id}/import-declared"
    login_as(preparer)
    wrong = _export([["别人", "居民身份证", person.citizen_id, "4000", "", ""]])
    response = upload(client, url, wrong)
    assert response.status_code == 422 and "第 2 行「*姓名」" in response.get_data(as_text=True)
    good = _export([[person.name, "居民身份证", person.citizen_id, "4000", "", "500"]])
    assert upload_and_confirm(client, url, good).status_code == 302
    ops.compute_run(february, preparer)
    line = db.session.scalar(select(PayRunLine).where(PayRunLine.run_id == february.id))
    # January's and February's 2,000 at once, and 500 of 个人养老金 as another deduction
    assert line.special_additional == Decimal("4000.00")
    assert line.detail["cumulative_additional"] == "4000.00"
    assert line.detail["cumulative_other"] == "1300.00"  # annuity 400 × 2 + 500
    # 13,507 × 2 − 4,000 − 500 = 22,514 → 675.42; January withheld 405.21
    assert line.cumulative_taxable == Decimal("22514.00") and line.income_tax == Decimal("270.21")
