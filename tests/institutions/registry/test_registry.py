"""The institution registry: forms, lists, scope, export, and the audit of each change."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from core.audit import AuditEvent
from core.excel import read_workbook
from core.extensions import db
from core.ids import make_credit_code
from core.roles import Role
from institutions.models import Institution
from institutions.registry.excel import REGISTRY_EXPORT
from tests.factories import create_institution, create_sponsor, create_user


@pytest.fixture
def office(client, login_as):
    user = create_user(Role.STAFFING_OFFICE)
    db.session.commit()
    login_as(user)
    return user


def _form(sponsor, **overrides):
    data = {
        "credit_code": make_credit_code("510107", "45079999"),
        "name": "成都市武侯区新建小学",
        "kind": "school",
        "district_code": "510107",
        "sponsor_id": sponsor.id,
        "funding_class": "公益一类",
        "legal_representative": "王五",
        "address": "武侯大道 1 号",
        "status": "active",
    }
    data.update(overrides)
    return data


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Institution))


def test_office_registers_an_institution_and_the_audit_keeps_it(client, office):
    sponsor = create_sponsor()
    db.session.commit()
    typed = " " + make_credit_code("510107", "45079999").lower() + " "
    response = client.post("/institutions/new", data=_form(sponsor, credit_code=typed))
    assert response.status_code == 302, response.get_data(as_text=True)
    institution = db.session.scalar(
        select(Institution).where(Institution.name == "成都市武侯区新建小学")
    )
    assert institution.credit_code == make_credit_code("510107", "45079999")  # normalized
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "institution.create"))
    assert event.actor_id == office.id
    assert event.institution_id == institution.id
    assert event.changes["name"] == [None, "成都市武侯区新建小学"]


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("12510107450799", "应为 18 位"),
        ("12510107450799I99X", "第 15 位「I」不是允许的字符"),
        ("", "请填写统一社会信用代码"),
    ],
)
def test_bad_credit_code_is_refused_with_the_reason(client, office, code, message):
    sponsor = create_sponsor()
    db.session.commit()
    before = _count()
    response = client.post("/institutions/new", data=_form(sponsor, credit_code=code))
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert message in body
    assert "is-invalid" in body  # shown inline, next to the field
    assert _count() == before


def test_wrong_check_character_needs_a_written_reason_which_is_audited(client, office):
    sponsor = create_sponsor()
    db.session.commit()
    good = make_credit_code("510107", "45079999")
    legacy = good[:17] + ("0" if good[17] != "0" else "1")
    refused = client.post("/institutions/new", data=_form(sponsor, credit_code=legacy))
    assert refused.status_code == 422
    assert "统一社会信用代码未通过校验：请与登记证书逐位核对" in refused.get_data(as_text=True)
    accepted = client.post(
        "/institutions/new",
        data=_form(sponsor, credit_code=legacy, credit_code_override="1998 年发证的历史代码"),
    )
    assert accepted.status_code == 302
    institution = db.session.scalar(select(Institution).where(Institution.credit_code == legacy))
    assert institution.credit_code_override == "1998 年发证的历史代码"
    assert (
        db.session.scalar(
            select(func.count()).where(AuditEvent.action == "institution.credit_code_override")
        )
        == 1
    )


def test_duplicate_credit_code_is_refused(client, office):
    existing = create_institution()
    db.session.commit()
    response = client.post(
        "/institutions/new", data=_form(existing.sponsor, credit_code=existing.credit_code)
    )
    assert response.status_code == 422
    assert "已登记在其他单位名下" in response.get_data(as_text=True)


def test_unknown_sponsor_is_refused(client, office):
    sponsor = create_sponsor()
    db.session.commit()
    response = client.post("/institutions/new", data=_form(sponsor, sponsor_id=999999))
    assert response.status_code == 422
    assert _count() == 0


def test_edit_records_the_fields_before_and_after(client, office):
    institution = create_institution(name="旧名称")
    db.session.commit()
    data = _form(
        institution.sponsor,
        credit_code=institution.credit_code,
        name="新名称",
        legal_representative=institution.legal_representative,
        address=institution.address,
    )
    response = client.post(f"/institutions/{institution.id}/edit", data=data)
    assert response.status_code == 302
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "institution.update"))
    assert event.changes["name"] == ["旧名称", "新名称"]
    assert "legal_representative" not in event.changes


def test_list_searches_filters_sorts_and_pages(app, client, office):
    sponsor = create_sponsor()
    for n in range(25):
        create_institution(name=f"甲学校{n:02d}", sponsor=sponsor)
    create_institution(name="乙医院", kind="hospital", district_code="510104")
    db.session.commit()
    page1 = client.get("/institutions/?q=甲学校&sort=name&dir=desc").get_data(as_text=True)
    assert "甲学校24" in page1 and "甲学校05" in page1 and "甲学校04" not in page1
    assert "共 25 条" in page1
    page2 = client.get("/institutions/?q=甲学校&sort=name&dir=desc&page=2").get_data(as_text=True)
    assert "甲学校04" in page2
    hospitals = client.get("/institutions/?kind=hospital").get_data(as_text=True)
    assert "乙医院" in hospitals and "甲学校" not in hospitals
    district = client.get("/institutions/?district=510104").get_data(as_text=True)
    assert "乙医院" in district and "甲学校" not in district
    # Nonsense parameters fall back to defaults instead of failing.
    assert client.get("/institutions/?sort=password&page=abc&kind=x").status_code == 200


def test_sponsor_sees_only_its_institutions_in_list_and_export(client, login_as):
    sponsor = create_sponsor(name="甲教育局")
    mine = create_institution(name="甲教育局的学校", sponsor=sponsor)
    create_institution(name="别人的学校")
    user = create_user(Role.SPONSOR, sponsor=sponsor)
    db.session.commit()
    login_as(user)
    listing = client.get("/institutions/").get_data(as_text=True)
    assert "甲教育局的学校" in listing and "别人的学校" not in listing
    exported = read_workbook(client.get("/institutions/export").data, REGISTRY_EXPORT)
    assert exported.ok, exported.messages
    assert [row["credit_code"] for row in exported.rows] == [mine.credit_code]


def test_export_reads_back_with_the_same_values(client, office):
    institution = create_institution(name='=HYPERLINK("http://x")学校', address="+86 路")
    db.session.commit()
    response = client.get("/institutions/export")
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert ".xlsx" in response.headers["Content-Disposition"]
    result = read_workbook(io.BytesIO(response.data), REGISTRY_EXPORT)
    assert result.ok, result.messages
    row = result.rows[0]
    assert row["name"] == institution.name  # escaped on the way out, restored on the way in
    assert row["address"] == "+86 路"


def test_an_export_downloaded_in_english_holds_the_chinese_values_the_import_reads(client, office):
    create_institution(name="英文导出学校", district_code="510104")
    db.session.commit()
    with client.session_transaction() as session:
        session["lang"] = "en"
    response = client.get("/institutions/export")
    result = read_workbook(io.BytesIO(response.data), REGISTRY_EXPORT)
    assert result.ok, result.messages
    row = next(r for r in result.rows if r["name"] == "英文导出学校")
    assert (row["kind"], row["district_code"], row["status"]) == ("school", "510104", "正常")


def test_employee_cannot_edit_even_their_own_institution(client, login_as):
    institution = create_institution()
    user = create_user(Role.EMPLOYEE, institution=institution)
    db.session.commit()
    login_as(user)
    response = client.post(
        f"/institutions/{institution.id}/edit",
        data=_form(institution.sponsor, credit_code=institution.credit_code, name="改名"),
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Institution, institution.id).name != "改名"


def test_sponsor_create_and_rename(client, office):
    response = client.post(
        "/institutions/sponsors/new", data={"name": "新都区教育局", "district_code": "510114"}
    )
    assert response.status_code == 302
    duplicate = client.post(
        "/institutions/sponsors/new", data={"name": "新都区教育局", "district_code": "510114"}
    )
    assert duplicate.status_code == 422
    assert "已存在" in duplicate.get_data(as_text=True)
