"""Demo data of the staffing office: 武侯区 with a completed evaluation round, an approved
request whose reductions freed places into the district's pool, a pending request, and
annual reports in every state."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from core.auth.models import User
from core.extensions import db
from core.ids import china_today, make_credit_code
from institutions import seed as registry_seed
from institutions.models import Institution
from institutions.staffing import operations as ops
from institutions.staffing import parameters
from institutions.staffing.models import (
    AnnualReport,
    AnnualReportEvent,
    EvaluationRound,
    RoundStatus,
)
from institutions.staffing.reports import Action

DISTRICT = "510107"

FUNCTIONS: dict[str, list[dict[str, Any]]] = {
    "成都市武侯区第一实验小学": [
        {
            "name": "义务教育阶段教育教学",
            "basis_kind": "law",
            "basis_title": "《中华人民共和国义务教育法》",
            "basis_article": "第二条",
            "workload": 5,
            "frequency": 5,
            "importance": 5,
            "risk": 4,
            "staff": "30",
            "staff_needed": "33",
        },
        {
            "name": "学生课后服务",
            "basis_kind": "document",
            "basis_title": "关于做好中小学生课后服务工作的指导意见",
            "workload": 3,
            "frequency": 4,
            "importance": 3,
            "risk": 2,
            "staff": "4",
        },
        {
            "name": "校办工厂管理",
            "workload": 2,
            "frequency": 2,
            "importance": 2,
            "risk": 1,
            "staff": "1",
        },
    ],
    "成都市武侯区新城学校（九年一贯制）": [
        {
            "name": "九年一贯制教育教学",
            "basis_kind": "law",
            "basis_title": "《中华人民共和国教育法》",
            "basis_article": "第十七条",
            "workload": 5,
            "frequency": 5,
            "importance": 5,
            "risk": 4,
            "staff": "28",
            "staff_needed": "30",
        },
        {
            "name": "食堂自营管理",
            "basis_kind": "document",
            "basis_title": "学校食品安全与营养健康管理规定",
            "workload": 2,
            "frequency": 3,
            "importance": 2,
            "risk": 2,
            "staff": "2",
        },
    ],
    "成都市武侯区人民医院": [
        {
            "name": "基本医疗服务",
            "basis_kind": "law",
            "basis_title": "《中华人民共和国基本医疗卫生与健康促进法》",
            "basis_article": "第三十五条",
            "workload": 5,
            "frequency": 5,
            "importance": 5,
            "risk": 5,
            "staff": "30",
            "staff_needed": "31",
        },
        {
            "name": "后勤物业管理",
            "basis_kind": "sanding",
            "basis_title": "三定规定",
            "workload": 2,
            "frequency": 3,
            "importance": 2,
            "risk": 1,
            "staff": "4",
        },
        {
            "name": "院办企业管理",
            "workload": 1,
            "frequency": 1,
            "importance": 2,
            "risk": 1,
            "staff": "1",
        },
    ],
}


def _institutions() -> dict[str, Institution]:
    found = {}
    for name, _kind, district, _sponsor, _funding, _rep, org, _addr in registry_seed.INSTITUTIONS:
        code = make_credit_code(district, org)
        institution = db.session.scalar(select(Institution).where(Institution.credit_code == code))
        if institution is not None:
            found[name] = institution
    return found


def _user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username))


def seed_staffing() -> list[str]:
    """Create the demo round, requests and reports (once; skipped when the round exists)."""
    today = china_today()
    name = f"{today.year} 年武侯区职能运行评估"
    if db.session.scalar(select(EvaluationRound.id).where(EvaluationRound.name == name)):
        return ["编办演示数据已存在，跳过"]
    institutions = _institutions()
    if len(institutions) < len(registry_seed.INSTITUTIONS):
        return ["缺少演示单位，未生成编办演示数据"]
    office = _user("bianban")
    round_ = ops.open_round(
        {"name": name, "year": today.year, "district_code": DISTRICT}, actor=office, today=today
    )
    evaluations = {e.institution_id: e for e in _round_evaluations(round_.id)}
    finalised_on = today - timedelta(days=30)
    for institution_name, functions in FUNCTIONS.items():
        institution = institutions[institution_name]
        evaluation = evaluations[institution.id]
        for function in functions:
            ops.save_function(evaluation, function)
        ops.save_figures(
            evaluation,
            {
                "posts": _approved(institution, today),
                "seconded_out": 0,
                "structure_compliant": "yes",
            },
        )
        ops.submit_evaluation(evaluation)
        ops.finalise_evaluation(evaluation, actor=office, today=finalised_on)
    round_.status = RoundStatus.CLOSED.value
    db.session.flush()

    _approved_request(institutions["成都市武侯区人民医院"], office, today)
    _pending_request(institutions["成都市武侯区新城学校（九年一贯制）"], today)
    _reports(institutions, today)
    return [
        "编办演示数据：武侯区职能运行评估已定稿；武侯区人民医院增编 1 名已批准（先核减 3 名）；",
        "  新城学校增编申请待审批；年度报告覆盖每一种状态。",
    ]


def _round_evaluations(round_id: int):
    from institutions.staffing.models import Evaluation

    return db.session.scalars(select(Evaluation).where(Evaluation.round_id == round_id)).unique()


def _approved(institution: Institution, on: date) -> int:
    from institutions.models import QuotaKind
    from institutions.quota.queries import quota_on

    return quota_on(institution.id, QuotaKind.ESTABLISHMENT, on)


def _cleanup(request, reductions: list[int]) -> None:
    data: dict[str, Any] = {"vacancies": 3, "secondments": 0, "off_quota": 2}
    for index, number in enumerate(reductions):
        data[f"reduction_{index}"] = number
    ops.save_cleanup(request, data)


def _approved_request(hospital: Institution, office, today: date) -> None:
    admin = _user("yuanban")
    request = ops.create_request(
        hospital,
        {"kind": "establishment", "number": 1, "reason": "新设急诊科，需增加急诊医师 1 名"},
        actor=admin,
    )
    _cleanup(request, [2, 1])
    ops.submit_request(request, actor=admin, today=today)
    year = today.year
    ops.execute_reduction(
        request,
        {
            "number": 3,
            "document_number": f"武编发〔{year}〕8号",
            "effective_on": today - timedelta(days=20),
            "note": "后勤物业社会化、院办企业脱钩，核减 3 名",
        },
        actor=office,
        today=today,
    )
    ops.approve_request(
        request,
        {
            "document_number": f"武编发〔{year}〕9号",
            "effective_on": today - timedelta(days=15),
            "note": "同意从腾出编制中调剂 1 名",
        },
        actor=office,
        today=today,
    )


def _pending_request(school: Institution, today: date) -> None:
    request = ops.create_request(
        school,
        {"kind": "establishment", "number": 2, "reason": "学位扩容新增 2 个班，需增加教师 2 名"},
        actor=_user("xiaoban"),
    )
    _cleanup(request, [1])
    ops.submit_request(request, today=today)


def _event(report: AnnualReport, action: Action, on: date, comment: str | None = None) -> None:
    db.session.add(AnnualReportEvent(report=report, action=action.value, on=on, comment=comment))


def _reports(institutions: dict[str, Institution], today: date) -> None:
    year = today.year - 1
    deadline = parameters.report_deadline(year)
    text = {
        "activities": "全年完成各项业务工作，详见附件。",
        "finances": "收支平衡，决算已报财政部门。",
        "staffing": "",
        "governance": "",
    }
    plans = {
        "成都市武侯区第一实验小学": [
            (Action.SUBMIT, deadline - timedelta(days=10), None),
            (Action.RETURN, deadline - timedelta(days=5), "财务情况请补充专项经费使用情况"),
        ],
        "成都市武侯区新城学校（九年一贯制）": [(Action.SUBMIT, deadline + timedelta(days=9), None)],
        "成都市锦江区东湖中学": [
            (Action.SUBMIT, deadline - timedelta(days=20), None),
            (Action.ACCEPT, deadline - timedelta(days=12), None),
        ],
        "成都市武侯区人民医院": [(Action.SUBMIT, deadline - timedelta(days=2), None)],
        "成都市锦江区中医医院": [],  # missing
    }
    for name, events in plans.items():
        if not events:
            continue
        institution = institutions[name]
        first = events[0][1]
        report = AnnualReport(
            institution_id=institution.id,
            year=year,
            content={**text, "figures": ops.prefill(institution, year)},
        )
        db.session.add(report)
        _event(report, Action.START, first - timedelta(days=7))
        for action, on, comment in events:
            _event(report, action, on, comment)
            if comment:
                report.office_comment = comment
    # This year's report: one draft already, the others not started.
    if today.year > year:
        school = institutions["成都市武侯区第一实验小学"]
        report = AnnualReport(
            institution_id=school.id,
            year=today.year,
            content={"activities": "（草稿）", "finances": "", "staffing": "", "governance": ""},
        )
        db.session.add(report)
        _event(report, Action.START, today)
    db.session.flush()
