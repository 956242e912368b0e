"""The hospitals module's declaration to core."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.modules import MenuItem, Module, Seeder
from hospitals import home, parameters, reporting, seed
from hospitals import models as _models  # noqa: F401  (registers the tables)
from hospitals import views as _views  # noqa: F401  (registers routes)
from hospitals.blueprint import bp
from hospitals.leaders import views as _leaders_views  # noqa: F401
from hospitals.pay import comparison_views as _comparison_views  # noqa: F401
from hospitals.pay import views as _pay_views  # noqa: F401
from hospitals.pay.imports import PAY_IMPORTER
from hospitals.performance import inputs as performance_inputs
from hospitals.performance import subject as performance_subject
from hospitals.performance import views as _performance_views  # noqa: F401
from hospitals.performance.imports import FIGURES_IMPORTER
from hospitals.permissions import HOSPITALS_MANAGE, HOSPITALS_VIEW
from hospitals.profile import views as _profile_views  # noqa: F401
from hospitals.transition import views as _transition_views  # noqa: F401

module = Module(
    name="hospitals",
    label=_l("医院"),
    blueprints=(bp,),
    menu=(MenuItem(_l("医院"), "hospitals.index", HOSPITALS_VIEW, kind="hospital", order=40),),
    parameters=(parameters.ensure_defaults,),
    parameter_labels={
        "hospitals.staffing_benchmarks": _l("医院人员配置标准"),
        "hospitals.pay_gap": _l("同岗同酬差异容差"),
        "hospitals.leadership": _l("院级领导任期规则"),
    },
    permissions=(HOSPITALS_VIEW, HOSPITALS_MANAGE),
    audit_actions={
        "pay_records.import": _l("导入月度工资（同岗同酬分析）"),
        "performance_scheme.create": _l("新建绩效方案"),
        "performance_scheme.update": _l("修改绩效方案"),
        "performance_scheme.allocate": _l("计算绩效分配"),
        "performance_scheme.submit": _l("绩效分配提交理事会审议"),
        "performance_scheme.approve": _l("理事会批准绩效分配"),
        "performance_scheme.not_approved": _l("理事会未批准绩效分配"),
        "pay_gap.confirm": _l("确认同岗同酬差异年度汇总"),
        "performance_figures.import": _l("导入绩效指标数据"),
        "leader_term.create": _l("登记院级领导任期合同"),
        "leader_assessment.record": _l("记录院级领导考核"),
        "hospital_profile.save": _l("保存医院概况"),
    },
    audit_objects={"PerformanceScheme": _l("绩效方案"), "LeaderTerm": _l("院级领导任期合同")},
    audit_fields={
        "PerformanceScheme.pool": _l("绩效总额"),
        "PerformanceScheme.floor": _l("保底额"),
        "PerformanceScheme.period": _l("月份"),
        "LeaderTerm.post": _l("领导职务"),
        "LeaderTerm.management_grade": _l("管理岗位等级"),
        "LeaderTerm.decided_by": _l("决定机关及文号"),
        "HospitalProfile.level": _l("医院等级"),
        "HospitalProfile.beds": _l("床位数"),
    },
    home_sections=(home.pending,),
    seeders=(Seeder("hospitals.demo", seed.seed_demo_hospitals, after=("hr.demo",)),),
    provides={
        "importers": [PAY_IMPORTER, FIGURES_IMPORTER],
        "indicators": list(reporting.INDICATORS),
        "payroll_inputs": [performance_inputs.PROVIDER],
        "motion_subjects": [performance_subject.SUBJECT],
    },
)
