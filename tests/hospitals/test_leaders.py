"""Leaders without administrative rank: term contracts with targets, assessments, and the
warnings as a term ends — through the operations and the pages."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.roles import Role
from hospitals.leaders import operations, queries
from hospitals.leaders.notices import term_end_notice
from hospitals.leaders.operations import TermRefused
from hospitals.models import LeaderAssessment, LeaderTerm
from institutions.indicators import values
from institutions.models import InstitutionKind
from tests.factories import create_employment, create_institution, create_person, create_user

TODAY = date(2026, 11, 27)
TARGETS = "门诊患者满意度达到 90%\n四级手术占比提高 2 个百分点"


@pytest.fixture
def hospital(app):
    return create_institution(name="领导医院", kind=InstitutionKind.HOSPITAL.value)


@pytest.fixture
def head(hospital):
    employment = create_employment(
        hospital, person=create_person(name="院长甲"), staff_number="L1", start_on=date(2010, 1, 1)
    )
    db.session.commit()
    return employment


def _term(hospital, head, **overrides):
    data = {
        "post": "院长",
        "management_grade": 5,
        "administrative_rank": "",
        "start_on": date(2024, 1, 1),
        "end_on": date(2026, 12, 31),
        "decided_by": "理事会决议〔2023〕5号",
        "targets": TARGETS,
        **overrides,
    }
    return operations.create_term(hospital, head, data, TODAY)


def test_a_term_with_rank_without_grade_or_targets_is_refused_with_every_reason(hospital, head):
    with pytest.raises(TermRefused) as caught:
        _term(
            hospital,
            head,
            management_grade=None,
            administrative_rank="正处级",
            targets="",
            end_on=date(2025, 12, 31),
        )
    codes = {p.code for p in caught.value.problems}
    assert codes == {"no_management_grade", "administrative_rank", "no_targets", "term_length"}
    assert db.session.scalar(select(func.count()).select_from(LeaderTerm)) == 0


def test_ten_years_in_one_post_counts_earlier_terms(hospital, head):
    _term(hospital, head, start_on=date(2016, 1, 1), end_on=date(2020, 12, 31))
    _term(hospital, head, start_on=date(2021, 1, 1), end_on=date(2025, 12, 31))
    with pytest.raises(TermRefused) as caught:
        _term(hospital, head, start_on=date(2026, 1, 1), end_on=date(2028, 12, 31))
    assert [p.code for p in caught.value.problems] == ["same_post_too_long"]


def test_assessments_must_cover_every_target_and_give_reasons(hospital, head):
    term = _term(hospital, head)
    data = {"kind": "annual", "year": 2024, "held_on": date(2025, 1, 20), "result": "adjust"}
    with pytest.raises(TermRefused) as caught:
        operations.record_assessment(term, {**data, "targets": {"T1": "达到"}}, TODAY)
    assert {p.code for p in caught.value.problems} == {"targets_not_assessed", "reason_required"}
    operations.record_assessment(
        term,
        {**data, "targets": {"T1": "达到", "T2": "未达到"}, "reason": "调整分管工作"},
        TODAY,
    )
    with pytest.raises(TermRefused, match="重复"):
        operations.record_assessment(
            term, {**data, "targets": {"T1": "a", "T2": "b"}, "reason": "再次"}, TODAY
        )
    assert db.session.scalar(select(func.count()).select_from(LeaderAssessment)) == 1


def test_term_end_is_warned_and_missing_assessments_listed(hospital, head):
    _term(hospital, head)
    [view] = queries.terms_of(hospital.id, TODAY)
    codes = [f.code for f in view.findings]
    assert codes[0] == "term_ending"
    assert "annual_missing" in codes  # 2024 and 2025 not assessed
    assert "还有 34 天" in str(view.findings[0].message)
    found = values(["hospitals.leaders_on_terms"], [hospital.id], TODAY)
    assert found["hospitals.leaders_on_terms"] == {hospital.id: 1}


@pytest.mark.parametrize(
    ("today", "warned"),
    [
        (date(2026, 6, 30), False),
        (date(2026, 7, 1), True),
        (date(2026, 12, 31), True),
        (date(2027, 1, 1), False),
    ],
)
def test_the_term_end_window(today, warned):
    assert (term_end_notice("甲", "院长", date(2026, 12, 31), today, 183) is not None) is warned


def test_the_pages_record_a_term_and_an_assessment(hospital, head, client, login_as):
    user = create_user(Role.INSTITUTION_ADMIN, institution=hospital)
    db.session.commit()
    login_as(user)
    base = f"/hospitals/{hospital.id}/leaders"
    form = {
        "staff_number": "L1",
        "post": "院长",
        "management_grade": "5",
        "administrative_rank": "正处级",
        "start_on": "2024-01-01",
        "end_on": "2026-12-31",
        "targets": TARGETS,
    }
    refused = client.post(f"{base}/new", data=form)
    assert refused.status_code == 422
    assert "不再确定行政级别" in refused.get_data(as_text=True)
    assert client.post(f"{base}/new", data={**form, "staff_number": "NOPE"}).status_code == 422
    created = client.post(f"{base}/new", data={**form, "administrative_rank": ""})
    assert created.status_code == 302
    term = db.session.scalar(select(LeaderTerm))
    assessed = client.post(
        f"{base}/{term.id}/assess",
        data={
            "kind": "annual",
            "year": "2024",
            "held_on": "2025-01-20",
            "result": "continue",
            "target_T1": "91%，达到",
            "target_T2": "提高 2.3 个百分点",
        },
    )
    assert assessed.status_code == 302
    page = client.get(f"{base}/{term.id}").get_data(as_text=True)
    assert "91%，达到" in page and "继续聘任" in page
    listing = client.get(base).get_data(as_text=True)
    assert "院长甲" in listing
    # the term ends within months and 2025 is not assessed yet: HR's home page says so
    assert "1 个领导任期需处理" in client.get("/").get_data(as_text=True)
