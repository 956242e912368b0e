"""The open API: tokens issued hashed and shown once, scoped like the web, revoked at once;
paging; errors in JSON with Chinese messages; real responses valid against the generated
OpenAPI document (schemathesis, in-process through WSGI)."""

from __future__ import annotations

from datetime import date

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from core.extensions import db
from core.roles import Role
from institutions.models import QuotaEntry
from institutions.staffing import operations as ops
from institutions.staffing.models import ApiClient
from tests.factories import add_quota, create_institution, create_sponsor, create_user


@pytest.fixture
def city(app):
    mine = create_sponsor(name="接口测试教育局", district_code="510107")
    theirs = create_sponsor(name="接口测试卫健局", district_code="510104")
    schools = [create_institution(sponsor=mine, name=f"接口学校{n}") for n in range(3)]
    hospital = create_institution(
        sponsor=theirs, name="接口医院", kind="hospital", district_code="510104"
    )
    for institution in [*schools, hospital]:
        add_quota(institution, change=10, document_number="成编发〔2020〕1号")
    city_client, city_token = ops.issue_token({"name": "市大数据中心"})
    sponsor_client, sponsor_token = ops.issue_token({"name": "区教育局系统", "sponsor_id": mine.id})
    db.session.commit()
    return {
        "mine": mine,
        "theirs": theirs,
        "schools": schools,
        "hospital": hospital,
        "city": city_token,
        "sponsor": sponsor_token,
        "city_client": city_client,
        "sponsor_client": sponsor_client,
    }


def get(client, url, token=None, **kwargs):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get(url, headers=headers, **kwargs)


def test_no_token_bad_token_and_revoked_token_are_401_in_json(client, city):
    response = get(client, "/api/v1/institutions")
    assert response.status_code == 401
    assert response.is_json and "缺少访问令牌" in response.json["message"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "令牌无效" in get(client, "/api/v1/institutions", "so_wrong").json["message"]
    assert get(client, "/api/v1/institutions", city["city"]).status_code == 200
    ops.revoke_token(city["city_client"])
    db.session.commit()
    response = get(client, "/api/v1/institutions", city["city"])
    assert response.status_code == 401
    assert "吊销" in response.json["message"]


def test_tokens_are_kept_hashed_and_shown_once(client, city, login_as):
    stored = db.session.scalars(select(ApiClient.token_hash)).all()
    assert city["city"] not in stored and ops.hash_token(city["city"]) in stored
    office = create_user(Role.STAFFING_OFFICE)
    login_as(office)
    page = client.post("/staffing/api-clients/new", data={"name": "财政系统", "sponsor_id": ""})
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    token = html.split('id="token-value">')[1].split("<")[0]
    assert token.startswith("so_")
    assert get(client, "/api/v1/indicators", token).status_code == 200
    again = client.get("/staffing/api-clients").get_data(as_text=True)
    assert token not in again and token[:10] in again


def test_a_sponsor_token_sees_only_its_institutions(client, city):
    listed = get(client, "/api/v1/institutions", city["sponsor"]).json
    assert {i["name"] for i in listed["items"]} == {s.name for s in city["schools"]}
    assert listed["total"] == 3
    hospital = city["hospital"].id
    response = get(client, f"/api/v1/institutions/{hospital}", city["sponsor"])
    assert response.status_code == 404 and response.is_json
    assert get(client, f"/api/v1/institutions/{hospital}", city["city"]).status_code == 200
    foreign = get(client, f"/api/v1/institutions?sponsor_id={city['theirs'].id}", city["sponsor"])
    assert foreign.status_code == 403
    assert "其他举办单位" in foreign.json["message"]
    entries = get(client, "/api/v1/quota/entries?page_size=200", city["sponsor"]).json
    school_ids = {s.id for s in city["schools"]}
    assert entries["items"] and {e["institution_id"] for e in entries["items"]} <= school_ids
    quota = get(client, "/api/v1/quota", city["sponsor"]).json
    assert {q["institution_id"] for q in quota["items"]} == school_ids


def test_paging(client, city):
    first = get(client, "/api/v1/institutions?page_size=2&page=1", city["sponsor"]).json
    second = get(client, "/api/v1/institutions?page_size=2&page=2", city["sponsor"]).json
    assert (first["total"], len(first["items"]), len(second["items"])) == (3, 2, 1)
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}


@pytest.mark.parametrize(
    ("query", "field", "reason"),
    [
        ("page=0", "page", "页码"),
        ("page_size=1000", "page_size", "每页条数"),
        ("page=x", "page", "整数"),
        ("district=999999", "district", "区县代码"),
        ("on=2026-13-01", "on", "日期"),
    ],
)
def test_bad_parameters_are_422_with_chinese_messages(client, city, query, field, reason):
    url = "/api/v1/quota" if field == "on" else "/api/v1/institutions"
    response = get(client, f"{url}?{query}", city["city"])
    assert response.status_code == 422 and response.is_json
    assert response.json["message"] == "请求参数有误"
    assert reason in " ".join(response.json["errors"][field])


def test_unknown_paths_and_methods_answer_in_json(client, city):
    response = get(client, "/api/v1/no-such-thing", city["city"])
    assert (response.status_code, response.is_json) == (404, True)
    response = client.post(
        "/api/v1/institutions", headers={"Authorization": f"Bearer {city['city']}"}
    )
    assert response.status_code == 405 and response.is_json
    assert get(client, "/api/v1/indicators/no.such", city["city"]).status_code == 404


def test_indicators_say_which_are_not_yet_reported(client, city):
    catalogue = get(client, "/api/v1/indicators", city["city"]).json["items"]
    by_key = {i["key"]: i for i in catalogue}
    assert by_key["staff.establishment"]["reported"] is True
    assert by_key["governance.meetings_held"]["reported"] is True
    # an indicator the dashboard expects from a module that does not provide it (yet)
    missing = next(k for k, i in by_key.items() if not i["reported"])
    values = get(client, f"/api/v1/indicators/{missing}", city["city"]).json
    assert values["reported"] is False and all(v["value"] is None for v in values["items"])
    staffed = get(client, "/api/v1/indicators/staff.establishment", city["sponsor"]).json
    assert staffed["reported"] is True and len(staffed["items"]) == 3


def test_the_openapi_document_is_generated_and_public(client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.")
    assert {"/api/v1/institutions", "/api/v1/quota", "/api/v1/reports"} <= set(spec["paths"])
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


# --------------------------------------------------------------------------- schemathesis


@pytest.fixture
def api_schema(app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def _operations(api_schema):
    return [result.ok() for result in api_schema.get_all_operations()]


def test_every_operation_answers_as_documented(api_schema, city):
    """One real call per operation, for each kind of token, validated against the schema."""
    paths = {"institution_id": city["schools"][0].id, "key": "staff.establishment"}
    for operation in _operations(api_schema):
        for token in (city["city"], city["sponsor"], "so_revoked"):
            case = operation.Case(
                headers={"Authorization": f"Bearer {token}"},
                path_parameters={k: v for k, v in paths.items() if "{" + k + "}" in operation.path}
                or None,
            )
            response = case.call()
            case.validate_response(response)
            assert response.json() is not None


@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(data=st.data())
def test_generated_requests_get_valid_answers(api_schema, city, data):
    """Requests schemathesis generates from the document, answered as the document says."""
    operations = _operations(api_schema)
    operation = data.draw(st.sampled_from(operations))
    case = data.draw(operation.as_strategy())
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {city['sponsor']}"}
    response = case.call()
    assert response.status_code < 500
    case.validate_response(response)


def test_the_ledger_entries_carry_their_document_numbers(client, city):
    entry = db.session.scalar(
        select(QuotaEntry).where(QuotaEntry.institution_id == city["hospital"].id)
    )
    items = get(client, "/api/v1/quota/entries?district=510104", city["city"]).json["items"]
    assert {"id": entry.id, "document_number": "成编发〔2020〕1号"}.items() <= next(
        i for i in items if i["id"] == entry.id
    ).items()
    assert date.fromisoformat(items[0]["effective_on"])
