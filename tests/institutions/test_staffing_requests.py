"""先减后加 in the database: the gate names each missing clean-up item, approval waits for
the reductions, the region's pool never lets the total grow, and nothing is written when
anything is refused."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from core.audit import AuditEvent
from core.errors import Refusal
from core.extensions import db
from institutions.models import QuotaEntry, QuotaKind
from institutions.quota.queries import quota_on
from institutions.staffing import operations as ops
from institutions.staffing import queries
from institutions.staffing.models import (
    Evaluation,
    EvaluationStatus,
    QuotaPool,
    QuotaRequest,
    RequestStatus,
)
from institutions.staffing.operations import StaffingRefusal
from tests.factories import add_quota, create_employment, create_institution, create_user

TODAY = date(2026, 11, 27)


def finalised_evaluation(institution, on=TODAY - timedelta(days=30), weakened=True):
    """Give the institution a finalised evaluation (with a weakened function)."""
    round_ = ops.open_round(
        {"name": f"评估{institution.id}", "year": on.year, "district_code": None}, today=TODAY
    )
    evaluation = db.session.scalar(
        select(Evaluation).where(
            Evaluation.round_id == round_.id, Evaluation.institution_id == institution.id
        )
    )
    ops.save_function(
        evaluation,
        {
            "name": "主责主业",
            "basis_kind": "law",
            "basis_title": "《中华人民共和国教育法》",
            "workload": 5,
            "frequency": 5,
            "importance": 5,
            "risk": 4,
            "staff": "8",
        },
    )
    if weakened:
        ops.save_function(
            evaluation,
            {
                "name": "校办工厂",
                "workload": 2,
                "frequency": 2,
                "importance": 2,
                "risk": 1,
                "staff": "1",
            },
        )
    ops.save_figures(evaluation, {"posts": 10, "seconded_out": 0, "structure_compliant": "yes"})
    ops.submit_evaluation(evaluation)
    ops.finalise_evaluation(evaluation, today=on)
    return evaluation


def a_request(institution, number=3, **cleanup):
    request = ops.create_request(
        institution, {"kind": "establishment", "number": number, "reason": "新增班级"}
    )
    data = {"vacancies": 2, "secondments": 0, "off_quota": 1, **cleanup}
    ops.save_cleanup(request, data)
    return request


@pytest.fixture
def school(app):
    institution = create_institution(district_code="510107")
    add_quota(institution, change=10)
    for _ in range(7):
        create_employment(institution, identity="establishment")
    return institution


def _missing(request) -> list[str]:
    with pytest.raises(StaffingRefusal) as refused:
        ops.submit_request(request, today=TODAY)
    return [str(item) for item in refused.value.message.items]


def test_a_complete_clean_up_submits(school):
    finalised_evaluation(school)
    request = a_request(school, reduction_0=1)
    ops.submit_request(request, today=TODAY)
    assert request.status == RequestStatus.SUBMITTED
    assert request.proposed_reduction == 1


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"vacancies": None}, "尚未报告空编情况"),
        ({"secondments": None}, "尚未报告借调、抽调出单位的人员情况"),
        ({"off_quota": None}, "尚未报告编外用人情况"),
        ({"reduction_0": None}, "弱化职能「校办工厂」尚未提出核减编制建议"),
        ({"reduction_0": -1}, "弱化职能「校办工厂」的核减建议不能为负数"),
    ],
)
def test_each_missing_item_is_named_and_nothing_is_written(school, change, expected):
    finalised_evaluation(school)
    request = a_request(school, **{"reduction_0": 1, **change})
    events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    assert _missing(request) == [expected]
    db.session.refresh(request)
    assert request.status == RequestStatus.DRAFT
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events


def test_no_weakened_function_must_be_reported_as_none(school):
    finalised_evaluation(school, weakened=False)
    request = a_request(school)
    assert _missing(request) == ["尚未报告弱化、取消的职能及核减编制建议"]
    ops.save_cleanup(
        request, {"vacancies": 2, "secondments": 0, "off_quota": 1, "weakened_reported": True}
    )
    ops.submit_request(request, today=TODAY)


def test_without_a_finalised_evaluation_or_with_a_stale_one(school):
    request = a_request(school, weakened_reported=True)
    assert _missing(request) == ["尚无定稿的职能运行评估"]
    finalised_evaluation(school, on=TODAY - timedelta(days=400), weakened=False)
    assert _missing(request) == [
        "最近一次职能运行评估于 2025-10-23 定稿，已超过 12 个月，请重新评估"
    ]


def test_everything_missing_is_listed_at_once(school):
    request = ops.create_request(school, {"number": 3, "reason": "新增班级"})
    assert len(_missing(request)) == 5


def test_a_request_needs_a_number_and_a_reason(school):
    with pytest.raises(StaffingRefusal, match="1–9999"):
        ops.create_request(school, {"number": 0, "reason": "x"})
    with pytest.raises(StaffingRefusal, match="理由"):
        ops.create_request(school, {"number": 2, "reason": " "})


# --------------------------------------------------------------------------- approval


def submitted(school, number=3, reduction=1):
    finalised_evaluation(school)
    request = a_request(school, number=number, reduction_0=reduction)
    ops.submit_request(request, today=TODAY)
    return request


def reduce(request, number, serial):
    return ops.execute_reduction(
        request,
        {
            "number": number,
            "document_number": f"武编发〔2026〕{serial}号",
            "effective_on": TODAY - timedelta(days=1),
        },
        today=TODAY,
    )


def approve(request, serial=99):
    return ops.approve_request(
        request,
        {"document_number": f"武编发〔2026〕{serial}号", "effective_on": TODAY},
        today=TODAY,
    )


def test_approval_waits_for_the_reductions_then_draws_the_pool(school):
    other = create_institution(district_code="510107")
    add_quota(other, change=5)
    ops.add_quota_entry(
        other,
        {
            "kind": "establishment",
            "change": -3,
            "document_number": "武编发〔2026〕1号",
            "effective_on": TODAY,
        },
        today=TODAY,
    )
    request = submitted(school)
    with pytest.raises(StaffingRefusal, match="须先执行其余 1 名的核减"):
        approve(request)
    assert request.status == RequestStatus.SUBMITTED
    reduce(request, 1, 2)
    assert queries.executed_reduction(request.id) == 1
    entry = approve(request)
    assert (entry.change, entry.document_number, entry.is_pooled) == (3, "武编发〔2026〕99号", True)
    assert request.status == RequestStatus.APPROVED
    assert request.decision_document_number == "武编发〔2026〕99号"
    pool = queries.pool_of("510107", "establishment")
    assert (pool.freed, pool.drawn, pool.available) == (4, 3, 1)
    # The region's total did not grow: 15 before, 15 after (−3, −1, +3 … and 1 left over).
    total = sum(quota_on(i.id, QuotaKind.ESTABLISHMENT, TODAY) for i in (school, other))
    assert total + pool.available == 15


def test_an_approval_the_pool_cannot_cover_is_refused_and_writes_nothing(school):
    request = submitted(school, number=3, reduction=1)
    reduce(request, 1, 2)
    db.session.commit()  # what the view would have committed before
    entries = db.session.scalar(select(func.count()).select_from(QuotaEntry))
    with pytest.raises(StaffingRefusal, match="只剩 1 名，不足以批准 3 名"):
        approve(request)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(QuotaEntry)) == entries
    assert db.session.get(QuotaRequest, request.id).status == RequestStatus.SUBMITTED


def test_pools_are_per_region(school):
    elsewhere = create_institution(district_code="510104")
    add_quota(elsewhere, change=5)
    ops.add_quota_entry(
        elsewhere,
        {
            "kind": "establishment",
            "change": -5,
            "document_number": "锦编发〔2026〕1号",
            "effective_on": TODAY,
        },
        today=TODAY,
    )
    request = submitted(school, number=2, reduction=1)
    reduce(request, 1, 2)
    with pytest.raises(StaffingRefusal, match="只剩 1 名"):
        approve(request)


def test_a_reduction_below_occupancy_is_refused(school):
    request = submitted(school, number=1, reduction=5)
    with pytest.raises(StaffingRefusal, match="不能核减到在编人数以下"):
        reduce(request, 4, 2)
    with pytest.raises(StaffingRefusal, match="尚待执行 5 名"):
        reduce(request, 6, 3)


def test_only_a_pending_request_is_decided(school):
    request = a_request(school)
    with pytest.raises(StaffingRefusal, match="只能处理待审批的申请"):
        approve(request)
    with pytest.raises(StaffingRefusal, match="只能处理待审批的申请"):
        ops.reject_request(request, {"note": "不符合"})


def test_rejecting_needs_a_reason_and_records_who(school):
    request = submitted(school)
    office = create_user()
    with pytest.raises(StaffingRefusal, match="理由"):
        ops.reject_request(request, {"note": ""}, actor=office)
    ops.reject_request(
        request, {"note": "职能已弱化", "document_number": "武编发(2026)7号"}, actor=office
    )
    assert request.status == RequestStatus.REJECTED
    assert request.decided_by_id == office.id
    assert request.decision_document_number == "武编发〔2026〕7号"


def test_a_malformed_approval_number_is_refused(school):
    request = submitted(school, reduction=0)
    with pytest.raises(Refusal, match="文号"):
        ops.approve_request(request, {"document_number": "abc"}, today=TODAY)
    assert db.session.scalar(select(func.count()).select_from(QuotaPool)) == 0


def test_a_finalised_evaluation_is_read_only(school):
    evaluation = finalised_evaluation(school)
    assert evaluation.status == EvaluationStatus.FINALISED
    assert evaluation.score is not None and evaluation.recommendation
    function = evaluation.functions[0]
    for attempt in (
        lambda: ops.save_function(
            evaluation,
            {
                "name": "新增",
                "workload": 3,
                "frequency": 3,
                "importance": 3,
                "risk": 3,
                "staff": "1",
            },
        ),
        lambda: ops.save_function(
            evaluation,
            {
                "name": "改名",
                "workload": 3,
                "frequency": 3,
                "importance": 3,
                "risk": 3,
                "staff": "1",
            },
            function=function,
        ),
        lambda: ops.delete_function(function),
        lambda: ops.adjust_function(function, {"classification": "cancel", "reason": "x"}),
        lambda: ops.finalise_evaluation(evaluation),
        lambda: ops.save_figures(evaluation, {"posts": 1}),
    ):
        with pytest.raises(StaffingRefusal, match="评估已定稿，不能再修改"):
            attempt()
    assert function.name == "主责主业"


def test_the_office_adjusts_with_a_reason_and_the_score_follows(school):
    round_ = ops.open_round({"name": "调整", "year": 2026}, today=TODAY)
    evaluation = db.session.scalar(
        select(Evaluation).where(
            Evaluation.round_id == round_.id, Evaluation.institution_id == school.id
        )
    )
    function = ops.save_function(
        evaluation,
        {"name": "后勤", "workload": 3, "frequency": 3, "importance": 3, "risk": 3, "staff": "2"},
    )
    with pytest.raises(StaffingRefusal, match="岗位设置数"):
        ops.submit_evaluation(evaluation)
    ops.save_figures(evaluation, {"posts": 10, "seconded_out": 0})
    ops.submit_evaluation(evaluation)
    with pytest.raises(StaffingRefusal, match="理由"):
        ops.adjust_function(function, {"classification": "cancel", "reason": ""})
    ops.adjust_function(function, {"classification": "cancel", "reason": "已社会化"})
    result = ops.finalise_evaluation(evaluation, today=TODAY)
    assert result.functions[0].is_adjusted
    assert str(result.functions[0].classification.label) == "取消"
    assert evaluation.recommendation == "reduce"
