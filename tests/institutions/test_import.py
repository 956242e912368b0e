"""Registry import: a file lands whole or not at all, and every error names row and column."""

from __future__ import annotations

import io
import os

import openpyxl
import pytest
from sqlalchemy import func, select

from core.audit import AuditEvent
from core.extensions import db
from core.ids import make_credit_code
from core.roles import Role
from institutions.models import Institution
from tests.factories import create_institution, create_sponsor, create_user
from tests.imports import confirm_form, upload, upload_and_confirm

HEADERS = [
    "统一社会信用代码",
    "单位名称",
    "单位类型",
    "所在区县",
    "举办单位",
    "公益类别",
    "法定代表人",
    "住所",
]


def _xlsx(rows, headers=HEADERS) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _upload(client, content: bytes, filename="单位.xlsx"):
    """Upload and, when the file passes its check, confirm the preview."""
    return upload_and_confirm(client, "/institutions/import", content, filename)


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Institution))


@pytest.fixture
def office(client, login_as):
    create_sponsor(name="武侯区教育局", district_code="510107")
    user = create_user(Role.STAFFING_OFFICE)
    db.session.commit()
    login_as(user)
    return user


def _row(n, **overrides):
    row = {
        "code": make_credit_code("510107", f"{46000000 + n}"),
        "name": f"导入学校{n}",
        "kind": "学校",
        "district": "武侯区",
        "sponsor": "武侯区教育局",
        "funding": "公益一类",
        "rep": "赵六",
        "address": "某路",
    }
    row.update(overrides)
    return list(row.values())


def test_a_clean_file_is_previewed_then_lands_whole_with_audit_events(client, office):
    content = _xlsx([_row(n) for n in range(30)])
    preview = upload(client, "/institutions/import", content, "单位.xlsx")
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    assert "共 30 行数据，全部通过校验" in page and "新登记单位" in page
    assert _count() == 0  # nothing lands before the confirmation
    response = client.post("/institutions/import", data=confirm_form(preview))
    assert response.status_code == 302
    assert _count() == 30
    assert (
        db.session.scalar(select(func.count()).where(AuditEvent.action == "institution.import"))
        == 30
    )


def test_a_file_with_many_kinds_of_mistakes_changes_nothing_and_lists_each(client, office):
    existing = create_institution()
    db.session.commit()
    before = _count()
    good = _row(1)
    rows = [
        good,
        _row(2, code=good[0]),  # duplicate inside the file
        _row(3, code=existing.credit_code),  # already registered
        _row(4, code="12510107460000041"),  # too short
        _row(5, code=make_credit_code("510107", "46000005")[:17] + "Z"),  # wrong check char
        _row(6, name=None),  # required blank
        _row(7, kind="幼儿园"),  # not in closed list
        _row(8, district="火星区"),  # not in closed list
        _row(9, sponsor="不存在的局"),  # unknown sponsor
        _row(10, funding="公益三类"),  # not in closed list
        _row(11, rep=""),  # required blank
    ]
    response = _upload(client, _xlsx(rows))
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    expected = [
        "第 3 行「统一社会信用代码」：与第 2 行重复",
        "第 4 行「统一社会信用代码」：该代码已登记",
        "第 5 行「统一社会信用代码」：应为 18 位",
        "第 6 行「统一社会信用代码」：",
        "第 7 行「单位名称」：",
        "第 8 行「单位类型」：",
        "第 9 行「所在区县」：",
        "第 11 行「公益类别」：",
        "第 12 行「法定代表人」：",
    ]
    for fragment in expected:
        assert fragment in body, fragment
    assert _count() == before


def test_sponsor_error_is_reported_when_cells_are_otherwise_fine(client, office):
    response = _upload(client, _xlsx([_row(1, sponsor="不存在的局")]))
    assert response.status_code == 422
    assert "第 2 行「举办单位」：「不存在的局」不是已登记的举办单位" in response.get_data(
        as_text=True
    )
    assert _count() == 0


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"this is not a zip file", "a.xlsx", "不是有效的 Excel"),
        (os.urandom(10 * 1024 * 1024), "junk.xlsx", "不是有效的 Excel"),
        (b"PK\x03\x04broken", "broken.xlsx", "不是有效的 Excel"),
        (b"a,b\n1,2\n", "data.csv", "只接受 .xlsx"),
    ],
    ids=["not-a-zip", "10MB-junk", "broken-zip", "csv"],
)
def test_malformed_files_get_a_clear_error(client, office, content, filename, message):
    response = _upload(client, content, filename)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _count() == 0


def test_wrong_headers_are_named(client, office):
    headers = [h for h in HEADERS if h != "单位名称"] + ["备注"]
    response = _upload(client, _xlsx([], headers=headers))
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "缺少必填列「单位名称」" in body
    assert "无法识别的列「备注」" in body


def test_empty_sheet_and_no_rows(client, office):
    assert "工作表为空" in _upload(client, _xlsx([], headers=[])).get_data(as_text=True)
    assert "没有数据行" in _upload(client, _xlsx([])).get_data(as_text=True)


def test_missing_file(client, office):
    response = client.post("/institutions/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "请选择要上传的 Excel 文件" in response.get_data(as_text=True)


def test_upload_over_the_size_limit_gets_413(app, client, office):
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = _upload(client, b"0" * (limit + 1))
    assert response.status_code == 413
    assert "文件太大" in response.get_data(as_text=True)


def test_template_has_the_headers_and_dropdowns(client, office):
    response = client.get("/institutions/import/template")
    wb = openpyxl.load_workbook(io.BytesIO(response.data))
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]][: len(HEADERS)] == HEADERS
    assert ws.freeze_panes == "A2"
    assert len(ws.data_validations.dataValidation) >= 3
    # The template itself imports as "no data rows", not as a broken file.
    assert "没有数据行" in _upload(client, response.data).get_data(as_text=True)
