"""Reconciliation: the withholding client's computed results against ours, person by person."""

from __future__ import annotations

import io

from openpyxl import Workbook

from core.extensions import db
from tests.factories import create_institution
from tests.imports import upload
from tests.payroll.runs.helpers import approved_run, finance_pair, paid_employee

HEADERS = [
    "工号",
    "*姓名",
    "*证件类型",
    "*证件号码",
    "累计应纳税额",
    "累计已预缴税额",
    "应补(退)税额",
]


def _results(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "计算结果"
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_client_results_are_compared_with_ours(app, client, login_as):
    institution = create_institution()
    preparer, approver = finance_pair(institution)
    teacher = paid_employee(institution)
    run = approved_run(
        institution, "2026-01", preparer, approver, [(teacher, "basic_performance", "20000")]
    )
    db.session.commit()
    person = teacher.person
    url = f"/payroll/{institution.id}/runs/{run.id}/reconcile"
    login_as(preparer)
    assert client.get(url).status_code == 200
    same = _results(
        [
            [
                teacher.staff_number,
                person.name,
                "居民身份证",
                person.citizen_id,
                "405.21",
                "0",
                "405.21",
            ]
        ]
    )
    page = upload(client, url, same).get_data(as_text=True)
    assert "全部一致" in page
    other = _results(
        [
            [
                teacher.staff_number,
                person.name,
                "居民身份证",
                person.citizen_id,
                "465.21",
                "0",
                "465.21",
            ]
        ]
    )
    page = upload(client, url, other).get_data(as_text=True)
    assert "1 人不一致" in page and "405.21" in page and "465.21" in page
    response = upload(client, url, _results([[1, "", "护照", "", "x", "", ""]]))
    assert response.status_code == 422
