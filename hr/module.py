"""HR's declaration to core: pages, commands, menu, permissions, labels, seeders, indicators."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.modules import MenuItem, Module, Seeder
from hr import home, indicators
from hr.appraisals import grading
from hr.appraisals import views as _appraisals_views  # noqa: F401  (registers routes)
from hr.blueprint import bp
from hr.contracts import terms
from hr.contracts import views as _contracts_views  # noqa: F401
from hr.departments import views as _departments_views  # noqa: F401
from hr.models import AppraisalGrade, ContractType, ExitReason, Identity, PostCategory
from hr.permissions import HR_FULL_NUMBERS, HR_MANAGE, HR_VIEW, SELF_VIEW
from hr.posts import jobs as posts_jobs
from hr.posts import promotion, structure
from hr.posts import views as _posts_views  # noqa: F401
from hr.roster import checks
from hr.roster import jobs as roster_jobs
from hr.roster import views as _roster_views  # noqa: F401
from hr.roster.cli import hr_cli
from hr.roster.imports import ROSTER_IMPORTER
from hr.seed import demo as seed
from hr.seed.scale import seed_scale_command
from hr.staff import entry
from hr.staff import jobs as staff_jobs
from hr.staff import views as _staff_views  # noqa: F401

module = Module(
    name="hr",
    label=_l("人事"),
    blueprints=(bp,),
    commands=(hr_cli, seed_scale_command),
    menu=(
        MenuItem(_l("人事"), "hr.index", HR_VIEW, order=50),
        MenuItem(_l("我的档案"), "hr.me", SELF_VIEW, order=70),
    ),
    permissions=(HR_VIEW, HR_MANAGE, HR_FULL_NUMBERS, SELF_VIEW),
    jobs=(*roster_jobs.JOBS, *staff_jobs.JOBS, *posts_jobs.JOBS),
    audit_actions={
        "employment.enter": _l("办理入职"),
        "employment.exit": _l("办理离职"),
        "post_plan.save": _l("保存岗位设置方案"),
        "appointment.create": _l("岗位聘任"),
        "appointment.correct": _l("更正岗位聘任"),
        "contract.sign": _l("签订聘用合同"),
        "contract.renew": _l("续订聘用合同"),
        "contract.terminate": _l("解除聘用合同"),
        "appraisal_round.open": _l("开启年度考核"),
        "appraisal.grade": _l("评定年度考核等次"),
        "appraisal_round.close": _l("关闭年度考核并晋升薪级"),
        "roster.import": _l("Excel 导入人员花名册"),
        "department.create": _l("新建部门"),
        "department.update": _l("修改部门"),
        "department.deactivate": _l("停用部门"),
        "department.activate": _l("重新启用部门"),
    },
    audit_objects={
        "Person": _l("人员"),
        "Department": _l("部门"),
        "Employment": _l("聘用记录"),
        "PostPlan": _l("岗位设置方案"),
        "Appointment": _l("岗位聘任"),
        "Contract": _l("聘用合同"),
        "AppraisalRound": _l("年度考核"),
        "Appraisal": _l("考核等次"),
        "SalaryStep": _l("薪级记录"),
    },
    audit_fields={
        "staff_number": _l("工号"),
        "identity": _l("人员身份"),
        "department": _l("部门"),
        "start_on": _l("开始日期"),
        "end_on": _l("结束日期"),
        "bank_account": _l("银行账号"),
        "exit_reason": _l("离职原因"),
        "exit_note": _l("离职说明"),
        "education": _l("学历"),
        "professional_title": _l("专业技术职称"),
        "phone": _l("联系电话"),
        "category": _l("岗位类别"),
        "grade": _l("等级"),
        "post_name": _l("岗位名称"),
        "salary_step": _l("薪级"),
        "contract_type": _l("合同类型"),
        "probation_months": _l("试用期（月）"),
        "probation_basis": _l("试用期情形"),
        "corrected_from": _l("更正前"),
        "correction_reason": _l("更正理由"),
        "year": _l("年度"),
        "excellent_cap": _l("优秀比例上限"),
        "opened_early": _l("提前开启（12 月前）"),
        "closed_early": _l("提前关闭（12 月前）"),
        "warnings": _l("提示"),
    },
    audit_values={
        "identity": Identity._labels(),
        "exit_reason": ExitReason._labels(),
        "category": PostCategory._labels(),
        "contract_type": ContractType._labels(),
        "probation_basis": {
            "general": _l("一般情形"),
            "special": _l("情况特殊"),
            "graduate": _l("应届毕业生"),
            "first_job": _l("初次就业"),
        },
        "Appraisal.grade": AppraisalGrade._labels(),
    },
    home_sections=(home.staff_without_salary_steps,),
    seeders=(
        Seeder("hr.parameters", seed.seed_hr_parameters),
        Seeder("hr.demo", seed.seed_demo_staff, after=("institutions.demo", "hr.parameters")),
    ),
    parameters=(
        entry.ensure_defaults,
        structure.ensure_defaults,
        promotion.ensure_defaults,
        terms.ensure_defaults,
        grading.ensure_defaults,
        checks.ensure_defaults,
    ),
    parameter_labels={
        "hr.post_structure": _l("岗位结构比例"),
        "hr.promotion": _l("晋升任职年限"),
        "hr.starting_steps": _l("起点薪级"),
        "hr.probation": _l("试用期上限"),
        "hr.appraisal_excellent_cap": _l("年度考核优秀比例上限"),
        "hr.appraisal_round_month": _l("年度考核开始月份"),
        "hr.title_grades": _l("职称对应的专业技术岗位等级"),
        "hr.salary_step_max": _l("最高薪级"),
        "hr.fund_rate_range": _l("住房公积金缴存比例范围"),
        "hr.entry.max_future_days": _l("入职日期最多提前天数"),
        "hr.entry.min_age": _l("最低入职年龄"),
    },
    provides={"indicators": indicators.INDICATORS, "importers": (ROSTER_IMPORTER,)},
)
