"""The staffing office's declaration to core: pages, API, menu, permissions, labels, home
sections, seeders, parameters and the background export."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from core.modules import MenuItem, Module, Seeder
from institutions.models import QUOTA_LABELS
from institutions.staffing import home, jobs, parameters, seed
from institutions.staffing.evaluation import ACTION_LABELS, CLASSIFICATION_LABELS
from institutions.staffing.models import LABELS, EvaluationStatus, RequestStatus, RoundStatus
from institutions.staffing.permissions import (
    STAFFING_FILE,
    STAFFING_MANAGE,
    STAFFING_OVERVIEW,
    STAFFING_VIEW,
)
from institutions.staffing.views import bp


def setup(app: Flask) -> None:
    """Mount the open API (flask-smorest) under /api/v1 on this app."""
    from institutions.staffing.api import init_api

    init_api(app)


module = Module(
    name="institutions.staffing",
    label=_l("编办"),
    blueprints=(bp,),
    menu=(
        MenuItem(_l("编办工作台"), "staffing.dashboard", STAFFING_OVERVIEW, order=15),
        MenuItem(_l("机构编制事务"), "staffing.index", STAFFING_FILE, order=16),
    ),
    permissions=(STAFFING_OVERVIEW, STAFFING_VIEW, STAFFING_FILE, STAFFING_MANAGE),
    audit_actions={
        "quota.reverse": _l("冲销编制台账记录"),
        "evaluation_round.open": _l("开启职能运行评估"),
        "evaluation.function": _l("填报职能"),
        "evaluation.function_delete": _l("删除职能"),
        "evaluation.figures": _l("填报岗位设置运转情况"),
        "evaluation.submit": _l("提交职能运行评估"),
        "evaluation.return": _l("退回职能运行评估"),
        "evaluation.adjust": _l("调整职能分类"),
        "evaluation.finalise": _l("职能运行评估定稿"),
        "quota_request.create": _l("起草增编申请"),
        "quota_request.cleanup": _l("报告清理规范情况"),
        "quota_request.submit": _l("提交增编申请"),
        "quota_request.approve": _l("批准增编申请"),
        "quota_request.reject": _l("不予批准增编申请"),
        "annual_report.save": _l("保存年度报告"),
        "annual_report.submit": _l("提交年度报告"),
        "annual_report.return": _l("退回年度报告"),
        "annual_report.accept": _l("接收年度报告"),
        "api_client.issue": _l("签发接口令牌"),
        "api_client.revoke": _l("吊销接口令牌"),
    },
    audit_objects={
        "EvaluationRound": _l("职能运行评估轮次"),
        "Evaluation": _l("职能运行评估"),
        "QuotaRequest": _l("增编申请"),
        "AnnualReport": _l("年度报告"),
        "ApiClient": _l("接口令牌"),
    },
    audit_fields={
        "reverses_id": _l("冲销的记录"),
        "number": _l("编制数"),
        "reason": _l("理由"),
        "bases": _l("职能来源依据"),
        "workload": _l("工作量"),
        "frequency": _l("履职频次"),
        "importance": _l("重要程度"),
        "risk": _l("风险程度"),
        "staff": _l("占用编制"),
        "posts": _l("岗位设置数"),
        "seconded_out": _l("借调、抽调出人数"),
        "structure_compliant": _l("岗位结构比例符合规定"),
        "institution_note": _l("单位说明"),
        "adjusted": _l("调整后的分类"),
        "adjustment_reason": _l("调整理由"),
        "score": _l("得分"),
        "vacancies": _l("空编数"),
        "vacancies_reported": _l("已报告空编"),
        "secondments": _l("借调、抽调出人员"),
        "secondments_reported": _l("已报告借调人员"),
        "off_quota": _l("编外用人"),
        "off_quota_reported": _l("已报告编外用人"),
        "weakened_reported": _l("已报告弱化职能"),
        "weakened_functions": _l("弱化职能及核减建议"),
        "cleanup_note": _l("清理情况说明"),
        "decision_document_number": _l("批复文号"),
        "activities": _l("主要业务活动"),
        "finances": _l("财务情况"),
        "staffing": _l("机构编制与人员情况"),
        "governance": _l("法人治理情况"),
        "Evaluation.status": _l("状态"),
        "QuotaRequest.status": _l("状态"),
        "QuotaRequest.kind": _l("编制类别"),
    },
    audit_values={
        "Evaluation.status": LABELS[EvaluationStatus],
        "QuotaRequest.status": LABELS[RequestStatus],
        "QuotaRequest.kind": QUOTA_LABELS,
        "EvaluationRound.status": LABELS[RoundStatus],
        "adjusted": CLASSIFICATION_LABELS,
        "recommendation": ACTION_LABELS,
    },
    home_sections=(home.office_work, home.institution_work),
    seeders=(
        Seeder("staffing.parameters", lambda: parameters.seed_defaults() or []),
        Seeder(
            "staffing.demo",
            seed.seed_staffing,
            after=("institutions.demo", "hr.demo", "governance.demo", "staffing.parameters"),
        ),
    ),
    parameters=(parameters.seed_defaults,),
    parameter_labels={
        parameters.EVALUATION_MAX_AGE: _l("职能运行评估有效期（月）"),
        parameters.REPORT_DEADLINE: _l("年度报告截止日期"),
        parameters.SCORING_WEIGHTS: _l("职能运行评估评分权重"),
    },
    jobs=jobs.JOBS,
    setup=setup,
)
