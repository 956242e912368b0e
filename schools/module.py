"""The schools module's declaration to core."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.modules import MenuItem, Module, Seeder
from schools import home, indicators, parameters, seed
from schools import models as _models  # noqa: F401  (registers the tables)
from schools.budget import surplus as budget_surplus
from schools.budget import views as _budget_views  # noqa: F401  (registers routes)
from schools.budget.imports import SPENDING_IMPORTER
from schools.cli import schools_cli
from schools.imports import ENROLMENT_IMPORTER
from schools.permissions import SCHOOLS_BUDGET, SCHOOLS_MANAGE, SCHOOLS_RECRUIT, SCHOOLS_VIEW
from schools.recruitment import models as _recruitment_models  # noqa: F401  (tables)
from schools.recruitment import seed as recruitment_seed
from schools.recruitment import subject as recruitment_subject
from schools.recruitment import views as _recruitment_views  # noqa: F401  (registers routes)
from schools.rewards import payroll as reward_payroll
from schools.rewards import views as _reward_views  # noqa: F401  (registers routes)
from schools.rules import models as _rule_models  # noqa: F401  (tables)
from schools.rules import subject as rule_subject
from schools.rules import views as _rule_views  # noqa: F401  (registers routes)
from schools.staff_congress import views as _congress_views  # noqa: F401  (registers routes)
from schools.stages import SchoolType, Stage
from schools.views import bp

module = Module(
    name="schools",
    label=_l("学校"),
    blueprints=(bp,),
    commands=(schools_cli,),
    menu=(MenuItem(_l("学校"), "schools.index", SCHOOLS_VIEW, kind="school", order=30),),
    home_sections=(home.pending,),
    seeders=(
        Seeder("schools.demo", seed.seed_demo_schools, after=("hr.demo",)),
        Seeder(
            "schools.recruitment",
            recruitment_seed.seed_demo_recruitment,
            after=("schools.demo", "governance.demo"),
        ),
    ),
    parameters=(parameters.ensure_defaults,),
    parameter_labels={
        "schools.grade_layout": _l("学段年级设置"),
        "schools.allowance": _l("教职工编制标准（师生比）"),
        "schools.class_size": _l("班额标准"),
        "schools.projection": _l("学生数预测规则"),
        "schools.lump_sum": _l("经费包干标准"),
        "schools.budget": _l("预算执行预警线"),
        "schools.performance_pay": _l("绩效工资基础性与奖励性比例"),
        "schools.staff_congress": _l("教职工代表大会议事规则"),
        "schools.surplus": _l("包干经费结余使用规则"),
    },
    permissions=(SCHOOLS_VIEW, SCHOOLS_MANAGE, SCHOOLS_BUDGET, SCHOOLS_RECRUIT),
    audit_actions={
        "school_profile.save": _l("保存学校概况"),
        "enrolment.save": _l("填报分年级学生数"),
        "staff_stage.set": _l("记录教职工学段"),
        "school_budget.draft": _l("核算包干经费预算"),
        "school_budget.approve": _l("登记理事会批准包干预算"),
        "school_spending.record": _l("登记包干经费支出"),
        "school_surplus.submit": _l("结余使用提交理事会审议"),
        "reward_allocation.open": _l("开始奖励性绩效分配"),
        "reward_allocation.compute": _l("计算奖励性绩效分配"),
        "reward_allocation.confirm": _l("确定奖励性绩效分配"),
        "congress_delegate.add": _l("增加教代会代表"),
        "congress_delegate.end": _l("教代会代表离任"),
        "congress_vote.record": _l("记录教代会表决"),
        "recruitment_plan.draft": _l("起草教师招聘计划"),
        "recruitment_plan.submit": _l("招聘计划提交理事会审议"),
        "recruitment_candidate.add": _l("登记招聘考生"),
        "recruitment_candidate.score": _l("登记考生成绩"),
        "recruitment_candidate.offer": _l("发出录用通知"),
        "recruitment_plan.post": _l("登记拟聘人员公示"),
        "recruitment_candidate.hire": _l("聘用自聘教师"),
        "school_rule.create": _l("起草校内制度"),
        "school_rule.version": _l("起草校内制度新版本"),
        "school_rule.submit": _l("校内制度提交理事会审议"),
        "school_rule.adopt": _l("登记教代会通过校内制度"),
    },
    audit_objects={
        "SchoolProfile": _l("学校概况"),
        "EnrolmentYear": _l("学年学生数"),
        "SchoolBudget": _l("包干经费预算"),
        "SchoolSpending": _l("包干经费支出"),
        "SurplusPlan": _l("包干经费结余使用"),
        "RewardAllocation": _l("奖励性绩效分配"),
        "CongressDelegate": _l("教代会代表"),
        "CongressVote": _l("教代会表决"),
        "RecruitmentPlan": _l("教师招聘计划"),
        "Candidate": _l("招聘考生"),
        "SchoolRule": _l("校内制度"),
    },
    audit_fields={
        "school_type": _l("办学类型"),
        "is_lump_sum": _l("两自一包"),
        "stage": _l("学段"),
    },
    audit_values={
        "school_type": {t.value: t.label for t in SchoolType},
        "stage": {s.value: s.label for s in Stage},
    },
    provides={
        "importers": (ENROLMENT_IMPORTER, SPENDING_IMPORTER),
        "indicators": indicators.INDICATORS,
        "payroll_inputs": (reward_payroll.PROVIDER,),
        "motion_subjects": (
            recruitment_subject.SUBJECT,
            budget_surplus.SUBJECT,
            rule_subject.SUBJECT,
        ),
    },
)
