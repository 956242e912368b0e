"""The audit trail reads in words: labels for actions, objects, fields and values."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from openpyxl import load_workbook

from core import audit
from core.extensions import db
from core.roles import Role
from institutions.models import QuotaEntry
from tests.factories import add_quota, create_institution, create_user


def _office(login_as):
    return login_as(create_user(Role.STAFFING_OFFICE))


def test_the_trail_is_searched_by_the_chinese_label(client, login_as):
    institution = create_institution()
    audit.record("roster.import", institution, institution_id=institution.id, summary="花名册甲")
    audit.record("quota.add", institution, institution_id=institution.id, summary="台账乙")
    db.session.commit()
    _office(login_as)
    body = client.get("/audit?action=花名册").get_data(as_text=True)
    assert "花名册甲" in body and "台账乙" not in body
    body = client.get("/audit?action=编制").get_data(as_text=True)
    assert "台账乙" in body and "花名册甲" not in body


def test_sign_ins_are_hidden_unless_asked_for(client, login_as):
    audit.record("user.login", summary="登录记录")
    audit.record("institution.update", summary="修改记录")
    db.session.commit()
    _office(login_as)
    body = client.get("/audit").get_data(as_text=True)
    assert "修改记录" in body and "登录记录" not in body
    assert "登录记录" in client.get("/audit?sign_ins=1").get_data(as_text=True)


def test_fields_values_and_objects_read_in_words(client, login_as):
    institution = create_institution()
    entry = add_quota(institution, "establishment", 3)
    event = audit.record(
        "quota.add",
        db.session.get(QuotaEntry, entry.id),
        institution_id=institution.id,
        summary="成编发〔2026〕1号",
        changes=audit.diff({}, {"kind": "establishment", "change": 3, "document_number": "X"}),
    )
    db.session.commit()
    _office(login_as)
    body = client.get(f"/audit/{event.id}").get_data(as_text=True)
    assert "编制类别" in body and "事业编制" in body and "文号" in body
    assert ">kind<" not in body and "establishment" not in body
    listing = client.get("/audit").get_data(as_text=True)
    assert "编制台账记录" in listing and "QuotaEntry" not in listing


def test_the_export_is_in_local_time_with_the_zone_named(client, login_as):
    event = audit.record("institution.update", summary="导出时间")
    event.occurred_at = datetime(2026, 3, 1, 16, 30, tzinfo=UTC)
    db.session.commit()
    _office(login_as)
    response = client.get("/audit/export")
    sheet = load_workbook(io.BytesIO(response.data)).active
    header = [cell.value for cell in sheet[1]]
    assert header[0] == "时间（Asia/Shanghai）"
    times = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "2026-03-02 00:30:00" in times


def test_the_english_trail_shows_english_labels(client, login_as):
    institution = create_institution()
    audit.record("quota.add", institution, institution_id=institution.id, summary="s")
    db.session.commit()
    _office(login_as)
    client.post("/language", data={"lang": "en", "next": "/audit"})
    body = client.get("/audit").get_data(as_text=True)
    assert "登记编制变动" not in body
