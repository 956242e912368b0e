"""工资标准表: the staffing office loads a newer 岗位工资 or 薪级工资 table from Excel from a
day — the current table as the template, every error by row and column with nothing
written, a preview of what changes, then a new dated version (audited) that months from that
day use and earlier months never see."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from core.audit import AuditEvent
from core.extensions import db
from core.parameters import ParameterVersion, parameter
from core.roles import Role
from payroll import scales
from payroll.params import ensure_defaults
from payroll.runs import operations as ops
from payroll.runs.models import PayRunLine
from tests.factories import create_institution, create_user
from tests.imports import upload, upload_and_confirm
from tests.payroll.runs.helpers import finance_pair, paid_employee

URL = "/payroll/scales/import?table=post&effective_from=2026-10-01&source=省人社厅通知"


@pytest.fixture(autouse=True)
def _tables(app):
    """The 2006 tables as the first versions, as the app seeds them."""
    ensure_defaults()
    db.session.commit()


def _template(client, kind: str):
    response = client.get(f"/payroll/scales/template?table={kind}")
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.data))


def _bytes(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _versions(key):
    return db.session.scalars(
        select(ParameterVersion)
        .where(ParameterVersion.key == key)
        .order_by(ParameterVersion.effective_from)
    ).all()


def test_a_new_post_wage_table_is_checked_previewed_and_dated(app, client, login_as):
    keeper = create_user(Role.STAFFING_OFFICE)
    db.session.commit()
    login_as(keeper)
    page = client.get("/payroll/scales")
    assert page.status_code == 200 and "岗位工资标准" in page.get_data(as_text=True)
    book = _template(client, "post")
    sheet = book.active
    rows = list(sheet.iter_rows(values_only=True))
    assert [str(v) for v in rows[0][:3]] == ["岗位类别", "岗位等级", "岗位工资"]
    assert rows[1][:3] == ("管理", "1", 2750) and len(rows) == 1 + 10 + 13 + 6
    assert ("工勤技能", "普通工", 540) in [r[:3] for r in rows]

    # Errors: a negative amount (row 2), an unknown grade (row 3), professional 1 paying
    # less than professional 2 — every one by row and column, nothing written.
    sheet.cell(row=2, column=3, value=-1)
    sheet.cell(row=3, column=2, value="99")
    first_professional = next(
        r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == "专业技术"
    )
    sheet.cell(row=first_professional, column=3, value=1000)
    response = upload(client, URL, _bytes(book))
    text = response.get_data(as_text=True)
    assert response.status_code == 422 and "未导入任何数据" in text
    assert "第 2 行「岗位工资」" in text
    assert "第 3 行「岗位等级」" in text
    # (reported on the grade that now pays more than the one above it)
    assert (
        f"第 {first_professional + 1} 行「岗位工资」：专业技术 2 级的岗位工资 1900.00 高于" in text
    )
    # the grades those rows were meant for are missing from the table
    assert "<li>缺少管理 1 级的岗位工资</li>" in text
    assert len(_versions(scales.POST_WAGE_KEY)) == 1

    # Fixed: every amount up 10% in a fresh copy; preview, then confirm.
    book = _template(client, "post")
    sheet = book.active
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row=row, column=3, value=round(sheet.cell(row, 3).value * 1.1))
    content = _bytes(book)
    preview = upload(client, URL, content)
    text = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "全部通过校验" in text
    assert "专业技术 1 级：2800 → 3080" in text and "2026-10-01" in text
    assert len(_versions(scales.POST_WAGE_KEY)) == 1  # nothing yet
    done = upload_and_confirm(client, URL, content)
    assert done.status_code == 302
    old, new = _versions(scales.POST_WAGE_KEY)
    assert new.effective_from == date(2026, 10, 1) and new.source == "省人社厅通知"
    assert old.effective_to == date(2026, 9, 30)
    assert new.value[scales.PROFESSIONAL]["1"] == "3080"
    assert parameter(scales.POST_WAGE_KEY, date(2026, 9, 30))[scales.PROFESSIONAL]["1"] == "2800"
    assert (
        db.session.scalar(select(AuditEvent).where(AuditEvent.action == "parameter.add"))
        is not None
    )
    # The same day again is refused: a version must start after the latest one.
    again = upload(client, URL, content)
    assert again.status_code == 422 and "生效日期须晚于" in again.get_data(as_text=True)
    # No day chosen: refused too.
    none = upload(client, "/payroll/scales/import?table=post", content)
    assert none.status_code == 422 and "生效日期" in none.get_data(as_text=True)


def test_the_new_table_pays_from_its_day_and_not_before(app, client, login_as):
    keeper = create_user(Role.STAFFING_OFFICE)
    institution = create_institution()
    preparer, _ = finance_pair(institution)
    teacher = paid_employee(institution, grade=9, step=20)
    db.session.commit()
    login_as(keeper)
    book = _template(client, "step")
    sheet = book.active
    assert [c.value for c in sheet[1][:3]] == [
        "薪级",
        "管理和专业技术人员",
        "工人",
    ]
    row20 = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == 20)
    assert sheet.cell(row20, 2).value == 417
    for row in range(2, sheet.max_row + 1):
        for column in (2, 3):
            if sheet.cell(row, column).value is not None:
                sheet.cell(row, column, value=sheet.cell(row, column).value + 100)
    url = "/payroll/scales/import?table=step&effective_from=2026-06-01"
    assert upload_and_confirm(client, url, _bytes(book)).status_code == 302
    may = ops.create_run(institution, "2026-05", preparer)
    ops.compute_run(may, preparer)
    line = db.session.scalar(select(PayRunLine).where(PayRunLine.run_id == may.id))
    assert line.step_wage == Decimal("417.00")
    may.status = "approved"
    june = ops.create_run(institution, "2026-06", preparer)
    ops.compute_run(june, preparer)
    line = db.session.scalar(select(PayRunLine).where(PayRunLine.run_id == june.id))
    assert line.step_wage == Decimal("517.00") and line.employment_id == teacher.id


def test_only_the_keepers_of_parameters_load_tables(app, client, login_as):
    institution = create_institution()
    preparer, _ = finance_pair(institution)
    db.session.commit()
    login_as(preparer)
    for url in (
        "/payroll/scales",
        "/payroll/scales/import?table=post",
        "/payroll/scales/template?table=step",
    ):
        assert client.get(url).status_code == 403
