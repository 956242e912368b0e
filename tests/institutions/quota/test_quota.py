"""The quota ledger (编制台账): entries with 文号, refused reductions, the page and who sees it."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from core.audit import AuditEvent
from core.extensions import db
from core.ids import china_today
from core.roles import Role
from institutions import indicators
from institutions.models import QuotaEntry, QuotaKind
from institutions.quota.operations import QuotaError, add_quota_entry
from institutions.quota.queries import quota_on
from tests.factories import add_quota, create_employment, create_institution, create_user

TODAY = date(2025, 3, 1)


def _entry(**overrides) -> dict:
    data = {
        "kind": "establishment",
        "change": 5,
        "document_number": "成编发〔2025〕7号",
        "effective_on": date(2025, 1, 1),
        "note": "",
    }
    data.update(overrides)
    return data


def _refused(institution, **overrides) -> QuotaError:
    with pytest.raises(QuotaError) as caught:
        add_quota_entry(institution, _entry(**overrides), today=TODAY)
    return caught.value


# --------------------------------------------------------------------------- operations


def test_an_entry_changes_the_quota_from_its_date_and_is_audited(app):
    institution = create_institution()
    entry = add_quota_entry(institution, _entry(note=" 新设班级 "), today=TODAY)
    assert entry.note == "新设班级"
    assert quota_on(institution.id, QuotaKind.ESTABLISHMENT, date(2024, 12, 31)) == 0
    assert quota_on(institution.id, QuotaKind.ESTABLISHMENT, date(2025, 1, 1)) == 5
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "quota.add"))
    assert event.institution_id == institution.id
    assert event.changes["document_number"] == [None, "成编发〔2025〕7号"]
    assert event.changes["change"] == [None, 5]
    assert "+5" in event.summary


@pytest.mark.parametrize(
    ("overrides", "field", "reason"),
    [
        ({"document_number": "  "}, "document_number", "文号"),
        ({"document_number": "号" * 65}, "document_number", "不能超过 64"),
        ({"effective_on": None}, "effective_on", "生效日期"),
        ({"change": 0}, "change", "非零整数"),
        ({"kind": "bogus"}, "kind", "编制类型"),
    ],
)
def test_incomplete_entries_are_refused(app, overrides, field, reason):
    error = _refused(create_institution(), **overrides)
    assert error.field == field
    assert reason in str(error)


def test_every_field_problem_of_an_entry_is_reported_at_once(app):
    """Issue 9, item 19: not one error per submit."""
    error = _refused(
        create_institution(), kind="bogus", change=0, document_number="abc", effective_on=None
    )
    assert set(error.by_field()) == {"kind", "change", "document_number", "effective_on"}
    assert "非零整数" in str(error.by_field()["change"])


def test_the_same_document_cannot_be_entered_twice_for_one_kind(app):
    institution = create_institution()
    add_quota_entry(institution, _entry(), today=TODAY)
    error = _refused(institution)
    assert "已登记过" in str(error)
    # One document may set several kinds.
    add_quota_entry(institution, _entry(kind="leadership", change=2), today=TODAY)


def test_a_reduction_below_occupancy_is_refused_naming_approved_and_occupied(app):
    institution = create_institution()
    add_quota(institution, "establishment", 10, effective_on=date(2020, 1, 1))
    for _ in range(9):
        create_employment(institution, identity="establishment")
    error = _refused(institution, change=-2, document_number="成编发〔2025〕9号")
    message = str(error)
    assert error.field == "change"
    assert "核定 10 名" in message and "在编 9 名" in message and "只剩 8 名" in message
    add_quota_entry(
        institution, _entry(change=-1, document_number="成编发〔2025〕9号"), today=TODAY
    )
    assert quota_on(institution.id, QuotaKind.ESTABLISHMENT, TODAY) == 9


def test_a_backdated_reduction_is_checked_against_today_too(app):
    institution = create_institution()
    add_quota(institution, "establishment", 3, effective_on=date(2020, 1, 1))
    for _ in range(3):
        create_employment(institution, identity="establishment", start_on=date(2024, 9, 1))
    # On 2024-01-01 nobody was employed yet, but today three people are.
    error = _refused(institution, change=-1, effective_on=date(2024, 1, 1))
    assert "在编 3 名" in str(error)


def test_a_reduction_is_checked_where_later_entries_step_the_quota(app):
    institution = create_institution()
    add_quota(institution, "filed", 2, effective_on=date(2020, 1, 1))
    add_quota(institution, "filed", -1, effective_on=date(2026, 1, 1), document_number="减")
    create_employment(institution, identity="filed")
    # Today 2 → 1 would still hold one person, but from 2026 it would be 0.
    error = _refused(institution, kind="filed", change=-1)
    assert "2026-01-01" in str(error) and "核定 1 名" in str(error)


def test_a_reduction_below_zero_is_refused(app):
    institution = create_institution()
    add_quota(institution, "leadership", 1)
    error = _refused(institution, kind="leadership", change=-2)
    assert "将为负数" in str(error)


def test_occupancy_sums_what_the_indicators_report(app, monkeypatch):
    institution = create_institution()
    create_employment(institution, identity="establishment")
    create_employment(institution, identity="filed")
    create_employment(institution, identity="contract")
    found = indicators.occupancy(institution.id, TODAY)
    assert found == {QuotaKind.ESTABLISHMENT: 1, QuotaKind.FILED: 1}
    monkeypatch.setattr(indicators, "registered", dict)
    assert indicators.occupancy(institution.id, TODAY) == {}


# --------------------------------------------------------------------------- pages


@pytest.fixture
def office(client, login_as):
    user = create_user(Role.STAFFING_OFFICE)
    db.session.commit()
    login_as(user)
    return user


def test_the_page_shows_approved_occupied_and_vacant_and_the_history(client, office):
    institution = create_institution()
    today = china_today()
    add_quota(institution, "establishment", 3, document_number="成编发〔2019〕1号")
    add_quota(
        institution,
        "establishment",
        2,
        effective_on=today + timedelta(days=30),
        document_number="成编发〔2099〕2号",
    )
    add_quota(institution, "filed", 1, document_number="成编备〔2019〕5号")
    create_employment(institution, identity="establishment")
    for _ in range(2):
        create_employment(institution, identity="filed")
    db.session.commit()
    body = client.get(f"/institutions/{institution.id}/quota").get_data(as_text=True)
    standing = body[body.index('id="quota-standing"') : body.index("</table>")]
    establishment = standing[standing.index('data-kind="establishment"') :]
    assert [int(n) for n in re.findall(r">(-?\d+)<", establishment)[:3]] == [3, 1, 2]
    filed = standing[standing.index('data-kind="filed"') :]
    assert "超编" in filed and ">-1<" in filed
    assert "成编发〔2099〕2号" in body and "未生效" in body
    assert "登记编制变动" in body  # the office may add


def test_office_adds_an_entry_on_the_page(client, office):
    institution = create_institution()
    db.session.commit()
    response = client.post(
        f"/institutions/{institution.id}/quota/add",
        data={
            "kind": "establishment",
            "change": "+4",
            "document_number": "成编发〔2025〕11号",
            "effective_on": "2025-01-01",
        },
    )
    assert response.status_code == 302
    entry = db.session.scalar(select(QuotaEntry).where(QuotaEntry.institution_id == institution.id))
    assert (entry.change, entry.document_number) == (4, "成编发〔2025〕11号")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"document_number": ""}, "请填写批准或备案文件的文号"),
        ({"change": "三"}, "不是整数"),
        ({"change": "0"}, "变动数不能为 0"),
        ({"effective_on": "2025-02-30"}, "不是有效日期"),
        ({"change": "-5"}, "不能核减到在编人数以下"),
    ],
)
def test_refused_entries_are_shown_on_the_form(client, office, data, reason):
    institution = create_institution()
    add_quota(institution, "establishment", 5)
    create_employment(institution, identity="establishment")
    db.session.commit()
    form = {
        "kind": "establishment",
        "change": "1",
        "document_number": "成编发〔2025〕12号",
        "effective_on": "2025-01-01",
        **data,
    }
    response = client.post(f"/institutions/{institution.id}/quota/add", data=form)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert reason in body and "is-invalid" in body


def test_hr_sees_the_ledger_but_cannot_change_it(client, login_as):
    institution = create_institution()
    officer = create_user(Role.HR_OFFICER, institution=institution)
    employee = create_user(Role.EMPLOYEE, institution=institution)
    outsider = create_user(Role.HR_OFFICER, institution=create_institution())
    db.session.commit()
    url = f"/institutions/{institution.id}/quota"
    login_as(officer)
    response = client.get(url)
    assert response.status_code == 200
    assert "登记编制变动" not in response.get_data(as_text=True)
    form = {
        "kind": "establishment",
        "change": "1",
        "document_number": "x",
        "effective_on": "2025-01-01",
    }
    assert client.post(f"{url}/add", data=form).status_code == 403
    login_as(employee)
    assert client.get(url).status_code == 403
    login_as(outsider)
    assert client.get(url).status_code == 404
    assert client.post(f"{url}/add", data=form).status_code == 404


def test_the_page_runs_a_fixed_number_of_queries(client, office, count_queries):
    institution = create_institution()
    db.session.commit()

    def measure():
        db.session.expire_all()
        with count_queries() as counter:
            assert client.get(f"/institutions/{institution.id}/quota").status_code == 200
        return counter["n"]

    few = measure()
    for n in range(12):
        add_quota(institution, "establishment", 1, document_number=f"文{n}")
        create_employment(institution, identity="establishment")
    db.session.commit()
    assert measure() == few


# --------------------------------------------------------------------------- 文号


def test_the_document_number_is_stored_the_standard_way(app):
    institution = create_institution()
    entry = add_quota_entry(
        institution, _entry(document_number=" 武编发 [2025] 第07号 "), today=TODAY
    )
    assert entry.document_number == "武编发〔2025〕7号"
    # The same document typed another way is still the same document.
    error = _refused(institution, document_number="武编发（2025）7号")
    assert "已登记过" in str(error)


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("abc", "不是有效的文号"),
        ("武编发〔2026〕3号", "年份 2026 不合理"),  # later than TODAY's year
        ("武编发〔2025〕0号", "发文顺序号"),
    ],
)
def test_a_malformed_document_number_is_refused(app, typed, reason):
    error = _refused(create_institution(), document_number=typed)
    assert error.field == "document_number"
    assert reason in str(error)


def test_the_form_normalises_and_refuses_document_numbers(client, office):
    institution = create_institution()
    db.session.commit()
    form = {"kind": "establishment", "change": "2", "effective_on": "2025-01-01"}
    url = f"/institutions/{institution.id}/quota/add"
    refused = client.post(url, data={**form, "document_number": "abc"})
    assert refused.status_code == 422
    assert "不是有效的文号" in refused.get_data(as_text=True)
    accepted = client.post(url, data={**form, "document_number": "成编发[2025]11号"})
    assert accepted.status_code == 302
    entry = db.session.scalar(select(QuotaEntry).where(QuotaEntry.institution_id == institution.id))
    assert entry.document_number == "成编发〔2025〕11号"


def test_a_malformed_document_number_reads_in_english(client, office):
    institution = create_institution()
    db.session.commit()
    with client.session_transaction() as session:
        session["lang"] = "en"
    response = client.post(
        f"/institutions/{institution.id}/quota/add",
        data={
            "kind": "establishment",
            "change": "2",
            "effective_on": "2025-01-01",
            "document_number": "武编发2025年3号",
        },
    )
    assert response.status_code == 422
    assert "The year of the document number goes in hexagonal brackets" in response.get_data(
        as_text=True
    )
