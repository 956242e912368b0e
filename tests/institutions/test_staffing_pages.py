"""The staffing office's pages: the dashboard aggregates in a fixed number of queries and
drills down; the request flow through the web; annual reports by the deadline; the ledger's
reversals with their own 文号; every export is a workbook."""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta

import pytest
from sqlalchemy import func, insert, select

from core.errors import Refusal
from core.extensions import db
from core.ids import china_today, make_credit_code
from core.permissions import Scope
from core.roles import Role
from institutions.models import Institution, QuotaEntry
from institutions.quota.operations import add_quota_entry, reverse_quota_entry
from institutions.staffing import operations as ops
from institutions.staffing import queries
from institutions.staffing.models import AnnualReport
from institutions.staffing.reports import Action, ReportStatus
from tests.factories import (
    add_quota,
    create_employment,
    create_institution,
    create_sponsor,
    create_user,
)
from tests.institutions.test_staffing_requests import finalised_evaluation


@pytest.fixture
def office(client, login_as):
    user = create_user(Role.STAFFING_OFFICE)
    db.session.commit()
    login_as(user)
    return user


def _bulk_city(n: int, sponsor) -> list[int]:
    rows = [
        {
            "credit_code": make_credit_code("510108", f"{70000000 + n0}"),
            "name": f"看板单位{n0}",
            "kind": "school" if n0 % 3 else "hospital",
            "district_code": "510108",
            "sponsor_id": sponsor.id,
            "funding_class": "公益一类",
            "legal_representative": "张三",
            "status": "active",
        }
        for n0 in range(n)
    ]
    db.session.execute(insert(Institution), rows)
    ids = list(
        db.session.scalars(select(Institution.id).where(Institution.sponsor_id == sponsor.id))
    )
    db.session.execute(
        insert(QuotaEntry),
        [
            {
                "institution_id": i,
                "kind": "establishment",
                "change": 10,
                "document_number": "成编发〔2020〕1号",
                "effective_on": date(2020, 1, 1),
                "is_pooled": False,
            }
            for i in ids
        ],
    )
    return ids


def _count(client, count_queries, url) -> int:
    with count_queries() as counter:
        response = client.get(url)
        assert response.status_code == 200, response.status_code
    return counter["n"]


@pytest.mark.parametrize(
    "url",
    [
        "/staffing/dashboard",
        "/staffing/dashboard?district=510108",
        "/staffing/ledger",
        "/staffing/reports",
        "/staffing/requests",
        "/staffing/ledger/entries",
    ],
)
def test_pages_run_a_fixed_number_of_queries(client, office, count_queries, url):
    sponsor = create_sponsor(district_code="510108")
    _bulk_city(5, sponsor)
    db.session.commit()
    few = _count(client, count_queries, url)
    for n in range(40):
        create_institution(sponsor=sponsor, district_code="510108", name=f"更多单位{n}")
    db.session.commit()
    many = _count(client, count_queries, url)
    assert many == few, f"{url}: {few} queries for few institutions, {many} for more"


def test_the_dashboard_counts_a_scope_in_ten_queries_and_one_per_indicator(
    client, office, count_queries
):
    from institutions import indicators
    from institutions.staffing import figures

    shown = [e for e in figures.EXPECTED if e.key in set(indicators.registered())]
    sponsor = create_sponsor(district_code="510108")
    _bulk_city(300, sponsor)
    db.session.commit()
    assert _count(client, count_queries, "/staffing/dashboard") <= 10 + len(shown)


def test_the_dashboard_drills_down_and_says_what_is_not_yet_reported(client, office):
    sponsor = create_sponsor(name="钻取教育局", district_code="510107")
    school = create_institution(sponsor=sponsor, name="钻取小学")
    add_quota(school, change=12)
    for _ in range(10):
        create_employment(school, identity="establishment")
    db.session.commit()
    city = client.get("/staffing/dashboard").get_data(as_text=True)
    assert "武侯区" in city and "尚未报送" in city
    assert 'data-key="hospitals.post_coverage"' in city
    district = client.get("/staffing/dashboard?district=510107").get_data(as_text=True)
    assert "钻取教育局" in district and 'id="drilldown"' in district
    page = client.get(f"/staffing/dashboard?sponsor_id={sponsor.id}").get_data(as_text=True)
    assert "钻取小学" in page
    leaf = client.get(f"/staffing/institutions/{school.id}").get_data(as_text=True)
    for crumb in ("全市", "武侯区", "钻取教育局", "钻取小学"):
        assert crumb in leaf
    assert '<td class="text-end" data-label="核定" id="approved-establishment">12</td>' in leaf


def test_a_sponsor_sees_only_its_institutions(client, login_as):
    mine = create_sponsor(name="本局", district_code="510107")
    theirs = create_sponsor(name="他局", district_code="510104")
    create_institution(sponsor=mine, name="本局学校")
    create_institution(sponsor=theirs, name="他局医院", district_code="510104")
    user = create_user(Role.SPONSOR, sponsor=mine)
    db.session.commit()
    login_as(user)
    board = client.get("/staffing/dashboard?district=510107").get_data(as_text=True)
    assert "本局" in board and "他局" not in board
    ledger = client.get("/staffing/ledger").get_data(as_text=True)
    assert "本局学校" in ledger and "他局医院" not in ledger
    assert client.get(f"/staffing/dashboard?sponsor_id={theirs.id}").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/staffing/dashboard/export",
        "/staffing/ledger/export",
        "/staffing/pool/export",
        "/staffing/requests/export",
        "/staffing/reports/export",
    ],
)
def test_every_table_exports_a_workbook(client, office, url):
    create_institution()
    db.session.commit()
    response = client.get(url)
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.data)) as workbook:
        assert "xl/workbook.xml" in workbook.namelist()


# --------------------------------------------------------------------------- requests on the web


def test_the_request_flow_on_the_web(client, login_as):
    school = create_institution(name="流程小学", district_code="510107")
    add_quota(school, change=10)
    donor = create_institution(district_code="510107")
    add_quota(donor, change=10)
    add_quota_entry(
        donor,
        {
            "kind": "establishment",
            "change": -2,
            "document_number": "武编发〔2026〕1号",
            "effective_on": date(2026, 1, 5),
        },
    )
    finalised_evaluation(school, on=china_today() - timedelta(days=10))
    admin = create_user(Role.INSTITUTION_ADMIN, institution=school)
    office = create_user(Role.STAFFING_OFFICE)
    db.session.commit()

    login_as(admin)
    response = client.post(
        f"/staffing/institutions/{school.id}/requests/new",
        data={"kind": "establishment", "number": "３", "reason": "新增 2 个班"},
    )
    assert response.status_code == 302
    url = response.headers["Location"]
    request_id = int(url.rstrip("/").split("/")[-1])
    refused = client.post(f"{url}/submit")
    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    assert "清理规范尚未完成" in body and "尚未报告空编情况" in body
    assert "尚未报告弱化、取消的职能及核减编制建议" in body
    assert "弱化职能「校办工厂」拟核减" in body  # proposed from the finalised evaluation
    assert (
        client.post(
            f"{url}/cleanup",
            data={"vacancies": "3", "secondments": "0", "off_quota": "0", "reduction_0": "1"},
        ).status_code
        == 302
    )
    assert client.post(f"{url}/submit").status_code == 302

    login_as(office)
    early = client.post(f"{url}/approve", data={"approve-document_number": "武编发〔2026〕31号"})
    assert early.status_code == 422 and "须先执行其余 1 名的核减" in early.get_data(as_text=True)
    assert (
        client.post(
            f"{url}/reductions",
            data={
                "reduce-number": "1",
                "reduce-document_number": "武编发[2026]30号",
                "reduce-effective_on": "2026-02-01",
            },
        ).status_code
        == 302
    )
    assert (
        client.post(
            f"{url}/approve",
            data={
                "approve-document_number": "武编发（2026）31号",
                "approve-effective_on": "2026-02-02",
            },
        ).status_code
        == 302
    )
    numbers = db.session.scalars(
        select(QuotaEntry.document_number).where(QuotaEntry.request_id == request_id)
    ).all()
    assert sorted(numbers) == ["武编发〔2026〕30号", "武编发〔2026〕31号"]
    ledger = client.get(f"/institutions/{school.id}/quota").get_data(as_text=True)
    assert "武编发〔2026〕30号" in ledger and "武编发〔2026〕31号" in ledger
    entries = client.get("/staffing/ledger/entries?district=510107").get_data(as_text=True)
    assert "武编发〔2026〕31号" in entries
    pool = client.get("/staffing/pool?district=510107").get_data(as_text=True)
    assert '<td class="text-end fw-semibold" data-label="年末结余">0</td>' in pool


# --------------------------------------------------------------------------- annual reports


def test_annual_report_deadline_and_the_office_lists(client, office):
    today = china_today()
    year = today.year - 1
    late = create_institution(name="晚交单位")
    missing = create_institution(name="未交单位")
    on_time = create_institution(name="按时单位")
    deadline = date(year + 1, 3, 31)
    for institution, submitted_on in ((late, deadline + timedelta(days=3)), (on_time, deadline)):
        report = ops.save_report(
            institution, year, {"activities": "业务", "finances": "收支"}, today=submitted_on
        )
        ops.submit_report(report, today=submitted_on)
    db.session.commit()
    lines = {
        line.institution.name: line.standing
        for line in queries.report_lines(
            Scope(city_wide=True), queries.Place(), year, today, deadline
        )
    }
    assert lines["晚交单位"].status is ReportStatus.LATE and lines["晚交单位"].days_late == 3
    assert lines["未交单位"].status is ReportStatus.MISSING
    assert lines["按时单位"].status is ReportStatus.SUBMITTED
    page = client.get(f"/staffing/reports?year={year}&overdue=1").get_data(as_text=True)
    assert "晚交单位" in page and "未交单位" in page and "按时单位" not in page
    del missing


def test_the_office_returns_with_comments_then_accepts(client, office):
    school = create_institution(name="年报学校")
    year = china_today().year - 1
    report = ops.save_report(school, year, {"activities": "a", "finances": "b"})
    ops.submit_report(report)
    db.session.commit()
    base = f"/staffing/institutions/{school.id}/reports/{year}"
    assert client.post(f"{base}/return", data={"comment": ""}).status_code == 422
    assert client.post(f"{base}/return", data={"comment": "补充经费"}).status_code == 302
    db.session.refresh(report)
    assert report.office_comment == "补充经费"
    assert client.post(f"{base}/accept").status_code == 422  # returned: not awaiting the office
    ops.submit_report(report)
    db.session.commit()
    assert client.post(f"{base}/accept").status_code == 302
    with pytest.raises(Refusal, match="已接收"):
        ops.save_report(school, year, {"activities": "改"})
    printed = client.get(f"{base}/print").get_data(as_text=True)
    assert "年报学校" in printed and "已接收" in printed
    assert [e.action for e in db.session.get(AnnualReport, report.id).events] == [
        Action.START,
        Action.SUBMIT,
        Action.RETURN,
        Action.SUBMIT,
        Action.ACCEPT,
    ]


def test_a_report_is_prefilled_from_the_ledger_and_the_indicators(app):
    school = create_institution()
    add_quota(school, change=8)
    create_employment(school, identity="establishment", start_on=date(2020, 1, 1))
    figures = ops.prefill(school, 2025)
    assert figures["establishment"] == 8 and figures["actual_establishment"] == 1
    assert figures["meetings_held"] == 0 and figures["gross_total"] is None


# --------------------------------------------------------------------------- ledger reversals


def test_a_wrong_entry_is_reversed_with_its_own_document_number(client, office):
    school = create_institution()
    wrong = add_quota_entry(
        school,
        {
            "kind": "establishment",
            "change": 5,
            "document_number": "成编发〔2025〕7号",
            "effective_on": date(2025, 1, 1),
        },
    )
    db.session.commit()
    url = f"/institutions/{school.id}/quota/{wrong.id}/reverse"
    same = client.post(url, data={"document_number": "成编发〔2025〕7号", "note": "录错"})
    assert same.status_code == 422 and "自己的文号" in same.get_data(as_text=True)
    bad = client.post(url, data={"document_number": "abc", "note": "录错"})
    assert bad.status_code == 422
    assert (
        client.post(
            url, data={"document_number": "成编发(2025)9号", "note": "录错单位"}
        ).status_code
        == 302
    )
    reversal = db.session.scalar(select(QuotaEntry).where(QuotaEntry.reverses_id == wrong.id))
    assert (reversal.change, reversal.document_number) == (-5, "成编发〔2025〕9号")
    again = client.post(url, data={"document_number": "成编发〔2025〕10号", "note": "再冲"})
    assert again.status_code == 422 and "已经冲销过" in again.get_data(as_text=True)
    page = client.get(f"/institutions/{school.id}/quota").get_data(as_text=True)
    assert "已被 成编发〔2025〕9号 冲销" in page
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(QuotaEntry)
            .where(QuotaEntry.institution_id == school.id)
        )
        == 2
    )


def test_a_reversal_that_would_cut_below_occupancy_is_refused(app):
    school = create_institution()
    entry = add_quota_entry(
        school,
        {
            "kind": "establishment",
            "change": 2,
            "document_number": "成编发〔2025〕7号",
            "effective_on": date(2025, 1, 1),
        },
    )
    create_employment(school, identity="establishment", start_on=date(2025, 2, 1))
    with pytest.raises(Refusal, match="不能核减到在编人数以下"):
        reverse_quota_entry(entry, {"document_number": "成编发〔2025〕8号", "note": "错"})


def test_an_approval_document_is_kept_and_downloaded(client, office):
    school = create_institution()
    db.session.commit()
    response = client.post(
        f"/institutions/{school.id}/quota/add",
        data={
            "kind": "establishment",
            "change": "4",
            "document_number": "成编发〔2025〕3号",
            "effective_on": "2025-01-01",
            "document": (io.BytesIO(b"%PDF-1.4 approval"), "批复.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    entry = db.session.scalar(select(QuotaEntry).where(QuotaEntry.institution_id == school.id))
    download = client.get(f"/institutions/{school.id}/quota/{entry.id}/document")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    renamed = client.post(
        f"/institutions/{school.id}/quota/add",
        data={
            "kind": "establishment",
            "change": "1",
            "document_number": "成编发〔2025〕4号",
            "effective_on": "2025-01-01",
            "document": (io.BytesIO(b"MZ not a pdf"), "批复.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert renamed.status_code == 422 and "不符" in renamed.get_data(as_text=True)


def test_a_scopes_figures_are_kept_a_minute_but_pending_requests_are_fresh(
    app, client, office, count_queries
):
    school = create_institution(district_code="510107")
    add_quota(school, change=10)
    db.session.commit()
    app.config["STAFFING_FIGURES_SECONDS"] = 60
    try:
        cold = _count(client, count_queries, "/staffing/dashboard")
        warm = _count(client, count_queries, "/staffing/dashboard")
        assert warm < cold - 4
        request = ops.create_request(school, {"number": 1, "reason": "x"})
        request.status = "submitted"
        db.session.commit()
        page = client.get("/staffing/dashboard").get_data(as_text=True)
        assert 'data-label="待批申请">1</td>' in page
    finally:
        app.config.pop("STAFFING_FIGURES_SECONDS")
        app.extensions.pop("staffing_figures", None)
