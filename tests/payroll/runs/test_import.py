"""The 月度工资 import for a run: the template pre-filled with the staff, every error by row
and column with nothing written, a preview, then all of it; importing again replaces."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from core.extensions import db
from payroll.runs import operations as ops
from payroll.runs.models import PayRunAmount, PayRunLine
from tests.factories import create_institution
from tests.imports import upload, upload_and_confirm
from tests.payroll.runs.helpers import finance_pair, paid_employee

HEADERS = ["单位代码", "工号", "姓名", "基础性绩效", "其他扣款", "养老保险"]


def _file(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "月度工资"
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _amounts(run):
    return db.session.scalar(
        select(func.count()).select_from(PayRunAmount).where(PayRunAmount.run_id == run.id)
    )


def test_import_checks_everything_then_lands_whole_and_replaces(app, client, login_as):
    institution = create_institution()
    preparer, approver = finance_pair(institution)
    one, two = paid_employee(institution), paid_employee(institution)
    code = institution.credit_code
    run = ops.create_run(institution, "2026-04", preparer)
    db.session.commit()  # a refused file rolls the request back, as in the app
    url = f"/payroll/{institution.id}/runs/{run.id}/import"
    login_as(preparer)
    template = client.get(f"/payroll/{institution.id}/runs/{run.id}/template")
    sheet = load_workbook(io.BytesIO(template.data)).active
    listed = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert listed == {one.staff_number, two.staff_number}
    bad = _file(
        [
            [code, one.staff_number, one.person.name, "9000", "", ""],
            [code, one.staff_number, one.person.name, "9000", "", ""],
            [code, two.staff_number, "别人", "9000", "", ""],
            [code, "NOBODY", "某人", "9000", "", ""],
            ["123456789012345678", two.staff_number, two.person.name, "1", "", ""],
            [code, two.staff_number, two.person.name, "-5", "abc", ""],
        ]
    )
    response = upload(client, url, bad)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for expected in (
        "第 3 行「工号」",
        "第 4 行「姓名」",
        "第 5 行「工号」",
        "第 6 行「单位代码」",
        "第 7 行",
    ):
        assert expected in page, expected
    assert _amounts(run) == 0
    good = _file(
        [
            [code, one.staff_number, one.person.name, "9000", "50.5", "812.34"],
            [code, two.staff_number, two.person.name, "7000", "", ""],
        ]
    )
    response = upload_and_confirm(client, url, good)
    assert response.status_code == 302
    assert _amounts(run) == 4
    assert upload_and_confirm(client, url, good).status_code == 302
    assert _amounts(run) == 4  # replaced, not added
    ops.compute_run(run, preparer)
    line = db.session.scalar(
        select(PayRunLine).where(PayRunLine.run_id == run.id, PayRunLine.employment_id == one.id)
    )
    assert line.basic_performance == Decimal("9000.00") and line.other_deductions == Decimal(
        "50.50"
    )
    assert line.pension == Decimal("812.34") and line.detail["sources"]["pension"] == "import"
    assert line.annuity == Decimal("400.00")  # blank: computed
    ops.submit_run(run, preparer)
    ops.approve_run(run, approver)
    response = upload(client, url, good)
    assert response.status_code == 422 and "已审核" in response.get_data(as_text=True)
