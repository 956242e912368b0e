"""Departments (科室 / 处室): names matched as people mean them, the pages, the entry form,
and the roster's 部门 column (unknown names listed, or created on explicit choice)."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from core.audit import AuditEvent
from core.excel import read_workbook
from core.extensions import db
from core.ids import make_citizen_id
from core.roles import Role
from hr.departments import operations
from hr.departments.kinds import suggest_kind
from hr.departments.matching import Known, index, known_list, match, name_key
from hr.models import Department, DepartmentKind, Employment
from hr.roster.checks import check_roster, plan_roster
from hr.roster.cli import hr_cli
from hr.roster.excel import ROSTER_SPEC
from hr.roster.operations import import_roster
from tests.factories import (
    create_department,
    create_employment,
    create_institution,
    create_user,
)

HEADERS = [c.header for c in ROSTER_SPEC.columns]

# --------------------------------------------------------------------------- pure rules


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("内科", " 内科 "),
        ("内科", "内 科"),
        ("ICU", "icu"),
        ("ＩＣＵ病房", "ICU病房"),
        ("一组", "一\u200b组"),
    ],
)
def test_names_are_compared_as_people_mean_them(a, b):
    assert name_key(a) == name_key(b)


@given(st.text(max_size=20))
def test_name_key_is_stable(text):
    assert name_key(name_key(text)) == name_key(text)
    assert name_key(" ".join(text)) == name_key(text)


def test_match_finds_active_refuses_inactive_and_lists_the_known_ones():
    known = index([Known(1, "内科"), Known(2, "外科"), Known(3, "旧科", is_active=False)])
    assert match("内 科", known) == Known(1, "内科")
    assert "已停用" in str(match("旧科", known))
    unknown = str(match("儿科", known))
    assert "没有「儿科」这个部门" in unknown and "内科、外科" in unknown and "旧科" not in unknown
    assert "尚未建立部门" in str(match("儿科", {}))


def test_a_long_list_of_known_names_is_cut():
    names = known_list([Known(n, f"科{n:02d}") for n in range(30)])
    assert str(names).startswith("科00、科01") and str(names).endswith("…等 30 个")


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("内科", "hospital", "clinical"),
        ("检验科", "hospital", "medical_technical"),
        ("药剂科", "hospital", "medical_technical"),
        ("护理部", "hospital", "nursing"),
        ("院长办公室", "hospital", "administrative"),
        ("后勤保障科", "hospital", "logistics"),
        ("语文组", "school", "teaching"),
        ("信息科技组", "school", "teaching"),
        ("教务处", "school", "administrative"),
        ("总务处", "school", "logistics"),
        ("业务一科", "other", "other"),
    ],
)
def test_kind_is_suggested_from_the_name(name, kind, expected):
    assert suggest_kind(name, kind) == expected


# --------------------------------------------------------------------------- operations


@pytest.fixture
def hospital(app):
    return create_institution(name="部门测试医院", kind="hospital")


def test_create_rename_and_deactivate_are_audited(hospital):
    department = operations.create_department(hospital, " 心内科 ", "clinical")
    assert department.name == "心内科" and department.is_active
    operations.update_department(department, "心血管内科", "clinical")
    operations.set_active(department, False)
    actions = db.session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.object_type == "Department")
        .order_by(AuditEvent.id)
    ).all()
    assert actions == ["department.create", "department.update", "department.deactivate"]
    assert department.name == "心血管内科" and not department.is_active


def test_a_name_is_unique_within_the_institution_as_people_mean_it(hospital):
    operations.create_department(hospital, "ICU", "clinical")
    with pytest.raises(operations.DepartmentError, match="已有部门「ICU」") as caught:
        operations.create_department(hospital, "i c u", "clinical")
    assert caught.value.field == "name"
    old = operations.create_department(hospital, "旧科", "other")
    operations.set_active(old, False)
    with pytest.raises(operations.DepartmentError, match="已停用"):
        operations.create_department(hospital, "旧科", "other")
    # Another institution may use the same name.
    operations.create_department(create_institution(), "ICU", "clinical")


def test_bad_names_and_kinds_are_refused(hospital):
    with pytest.raises(operations.DepartmentError, match="请填写部门名称"):
        operations.create_department(hospital, " \u200b ", "clinical")
    with pytest.raises(operations.DepartmentError, match="不能超过 64 个字"):
        operations.create_department(hospital, "科" * 65, "clinical")
    with pytest.raises(operations.DepartmentError, match="部门类别"):
        operations.create_department(hospital, "内科", "surgery")


# --------------------------------------------------------------------------- pages


@pytest.fixture
def officer(hospital):
    user = create_user(Role.HR_OFFICER, institution=hospital)
    db.session.commit()
    return user


def test_officer_creates_renames_and_deactivates_on_the_pages(client, login_as, hospital, officer):
    login_as(officer)
    url = f"/hr/{hospital.id}/departments"
    response = client.post(f"{url}/new", data={"name": "检验科", "kind": "medical_technical"})
    assert response.status_code == 302
    department = db.session.scalar(select(Department).where(Department.name == "检验科"))
    response = client.post(f"{url}/new", data={"name": "检 验 科", "kind": "other"})
    assert response.status_code == 422 and "本单位已有部门「检验科」" in response.get_data(
        as_text=True
    )
    response = client.post(
        f"{url}/{department.id}/edit", data={"name": "医学检验科", "kind": "medical_technical"}
    )
    assert response.status_code == 302
    create_employment(hospital, department="医学检验科")
    db.session.commit()
    body = client.get(url).get_data(as_text=True)
    assert "医学检验科" in body and "医技" in body and ">1</a>" in body
    assert client.post(f"{url}/{department.id}/active").status_code == 302
    assert not db.session.get(Department, department.id).is_active
    assert "已停用" in client.get(url).get_data(as_text=True)
    client.post(f"{url}/{department.id}/active", data={"active": "1"})
    assert db.session.get(Department, department.id).is_active


def test_readers_see_the_list_without_the_buttons(client, login_as, hospital):
    create_department(hospital, "内科")
    finance = create_user(Role.FINANCE_OFFICER, institution=hospital)
    db.session.commit()
    body = login_as(finance).get(f"/hr/{hospital.id}/departments").get_data(as_text=True)
    assert "内科" in body and "/departments/new" not in body and "/active" not in body


def test_department_of_another_institution_is_not_found(client, login_as, hospital, officer):
    """Own institution in the URL, another institution's department id: 404."""
    theirs = create_department(create_institution(name="别家"), "内科")
    db.session.commit()
    login_as(officer)
    base = f"/hr/{hospital.id}/departments/{theirs.id}"
    assert client.get(f"{base}/edit").status_code == 404
    assert client.post(f"{base}/edit", data={"name": "x", "kind": "other"}).status_code == 404
    assert client.post(f"{base}/active").status_code == 404
    superuser = create_user(is_superuser=True)
    db.session.commit()
    assert login_as(superuser).get(f"{base}/edit").status_code == 404
    assert db.session.get(Department, theirs.id).name == "内科"


# --------------------------------------------------------------------------- entry form


def _entry(department_id, **overrides):
    data = {
        "citizen_id": make_citizen_id("510107", date(1990, 5, 17), 123, True),
        "name": "钱护士",
        "staff_number": "N001",
        "identity": "contract",
        "start_on": "2024-09-01",
        "department_id": str(department_id),
        "salary_step": "9",
        "education": "",
    }
    data.update(overrides)
    return data


def test_the_entry_form_offers_active_departments_only(client, login_as, hospital, officer):
    ward = create_department(hospital, "心内科")
    closed = create_department(hospital, "旧门诊", is_active=False)
    db.session.commit()
    login_as(officer)
    body = client.get(f"/hr/{hospital.id}/staff/new").get_data(as_text=True)
    assert "心内科" in body and "旧门诊" not in body
    assert client.post(f"/hr/{hospital.id}/staff/new", data=_entry(closed.id)).status_code == 422
    response = client.post(f"/hr/{hospital.id}/staff/new", data=_entry(ward.id))
    assert response.status_code == 302
    employment = db.session.scalar(select(Employment).where(Employment.staff_number == "N001"))
    assert employment.department_id == ward.id


def test_staff_list_filters_by_department(client, login_as, hospital, officer):
    create_employment(hospital, department="儿科", staff_number="DEPT-PAED")
    create_employment(hospital, department="眼科", staff_number="DEPT-EYES")
    eye = create_department(hospital, "眼科")
    db.session.commit()
    body = (
        login_as(officer).get(f"/hr/{hospital.id}/staff?department={eye.id}").get_data(as_text=True)
    )
    table = body.split('id="staff"')[1]  # not the page's random CSRF token
    assert "DEPT-EYES" in table and "DEPT-PAED" not in table
    body = client.get(f"/hr/{hospital.id}/staff?sort=department").get_data(as_text=True)
    table = body.split('id="staff"')[1]
    assert table.index("DEPT-PAED") < table.index("DEPT-EYES")  # 儿科 before 眼科


# --------------------------------------------------------------------------- roster import


def _row(code, n, department):
    return {
        "单位代码": code,
        "工号": f"R{n:03d}",
        "姓名": f"导入{n}",
        "身份证号": make_citizen_id("510107", date(1988, 3, n), n, True),
        "部门": department,
        "人员身份": "合同制",
        "岗位类别": "专业技术",
        "岗位等级": "10",
        "薪级": 12,
        "入职日期": "2022-03-01",
    }


def _xlsx(rows) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for row in rows:
        ws.append([row.get(h) for h in HEADERS])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_roster_names_must_be_known_departments(hospital):
    create_department(hospital, "内科")
    create_department(hospital, "外科")
    create_department(hospital, "旧科", is_active=False)
    content = _xlsx(
        [
            _row(hospital.credit_code, 1, "内 科"),
            _row(hospital.credit_code, 2, "儿科"),
            _row(hospital.credit_code, 3, "旧科"),
        ]
    )
    result = read_workbook(content, ROSTER_SPEC)
    errors = check_roster(result.rows, institution=hospital)
    assert [(e.row, e.column) for e in errors] == [(3, "部门"), (4, "部门")]
    assert "没有「儿科」这个部门（已有：内科、外科）" in str(errors[0])
    assert "已停用" in str(errors[1])


def test_roster_creates_missing_departments_only_when_asked(hospital):
    create_department(hospital, "内科")
    before = db.session.scalar(select(func.count()).select_from(Department))
    content = _xlsx(
        [
            _row(hospital.credit_code, 1, "内科"),
            _row(hospital.credit_code, 2, "检验科"),
            _row(hospital.credit_code, 3, "检 验 科"),
            _row(hospital.credit_code, 4, None),
        ]
    )
    result = read_workbook(content, ROSTER_SPEC)
    errors, plan = plan_roster(result.rows, institution=hospital, create_departments=True)
    assert errors == []
    import_roster(plan)
    created = db.session.scalars(select(Department).where(Department.name.like("检验%"))).all()
    assert [(d.name, d.kind) for d in created] == [("检验科", DepartmentKind.MEDICAL_TECHNICAL)]
    assert db.session.scalar(select(func.count()).select_from(Department)) == before + 1
    by_number = {
        e.staff_number: e.department_name
        for e in db.session.scalars(
            select(Employment).where(Employment.institution_id == hospital.id)
        )
    }
    assert by_number == {"R001": "内科", "R002": "检验科", "R003": "检验科", "R004": None}
    assert db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "department.create", AuditEvent.institution_id == hospital.id)
    )


def test_web_import_offers_the_choice(client, login_as, hospital, officer):
    from tests.imports import confirm_form, upload

    login_as(officer)
    url = f"/hr/{hospital.id}/roster/import"
    preview = upload(client, url, _xlsx([_row(hospital.credit_code, 1, "急诊科")]))
    assert preview.status_code == 200  # the preview offers the choice
    assert 'name="option_create_departments"' in preview.get_data(as_text=True)
    refused = client.post(url, data=confirm_form(preview))
    assert refused.status_code == 422 and "尚未建立部门" in refused.get_data(as_text=True)
    chosen = client.post(url, data={**confirm_form(preview), "option_create_departments": "1"})
    assert chosen.status_code == 302
    assert create_department(hospital, "急诊科").kind == DepartmentKind.CLINICAL


def test_cli_creates_departments_with_the_flag(app, hospital, tmp_path):
    if "hr" not in app.cli.commands:
        app.cli.add_command(hr_cli)
    path = tmp_path / "r.xlsx"
    path.write_bytes(_xlsx([_row(hospital.credit_code, 1, "麻醉科")]))
    db.session.commit()  # the command rolls back on refusal
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["hr", "import-roster", str(path)])
    assert refused.exit_code == 1 and "麻醉科" in refused.output
    done = runner.invoke(args=["hr", "import-roster", "--create-departments", str(path)])
    assert done.exit_code == 0, done.output
    assert create_department(hospital, "麻醉科").kind == DepartmentKind.CLINICAL
