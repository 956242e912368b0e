"""Payroll's declaration to core."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.i18n import msg
from core.jobs import JobKind
from core.modules import MenuItem, Module, Seeder
from core.permissions import PARAMETERS_MANAGE
from hr.roster.queries import ROSTER_PAY_SETTINGS
from payroll import home, params, queries, receivers, seed
from payroll.cli import payroll_cli
from payroll.payslips import views as payslip_views  # noqa: F401  (the employee's pages)
from payroll.permissions import PAYROLL_APPROVE, PAYROLL_MANAGE, PAYROLL_OVERVIEW, PAYROLL_VIEW
from payroll.runs import models as run_models  # noqa: F401  (the runs' tables)
from payroll.runs import views as run_views  # noqa: F401  (registers the runs' routes)
from payroll.runs.imports import DECLARED_IMPORTER, MONTHLY_IMPORTER
from payroll.runs.operations import run_compute_job
from payroll.scale_tables import views as scale_views  # noqa: F401  (工资标准表 pages)
from payroll.scale_tables.imports import POST_WAGE_IMPORTER, STEP_WAGE_IMPORTER
from payroll.settings import views as settings_views  # noqa: F401  (工资设置 pages)
from payroll.views import bp

module = Module(
    name="payroll",
    label=_l("工资"),
    blueprints=(bp,),
    commands=(payroll_cli,),
    menu=(
        MenuItem(_l("工资"), "payroll.index", PAYROLL_VIEW, order=60),
        MenuItem(_l("工资汇总"), "payroll.overview", PAYROLL_OVERVIEW, order=61),
        MenuItem(_l("工资标准表"), "payroll.scales_index", PARAMETERS_MANAGE, order=62),
    ),
    permissions=(PAYROLL_VIEW, PAYROLL_MANAGE, PAYROLL_APPROVE, PAYROLL_OVERVIEW),
    parameters=(params.ensure_defaults,),
    parameter_labels={
        "payroll.post_wage_table": _l("岗位工资标准"),
        "payroll.salary_step_table": _l("薪级工资标准"),
        "payroll.contribution_rates": _l("社会保险和公积金缴费比例"),
        "payroll.contribution_base_limits": _l("缴费基数上下限"),
        "payroll.average_wages": _l("上年度平均工资"),
        "payroll.housing_fund": _l("住房公积金规则"),
        "payroll.annuity_deduction": _l("职业年金税前扣除上限"),
        "payroll.item_rounding": _l("扣缴项目舍入规则"),
        "payroll.annual_tax_table": _l("综合所得年度税率表"),
        "payroll.monthly_tax_table": _l("按月换算后的税率表"),
        "payroll.basic_deduction": _l("基本减除费用"),
        "payroll.annual_bonus": _l("全年一次性奖金计税政策"),
        "payroll.special_additional_standards": _l("专项附加扣除标准"),
    },
    audit_objects={
        "PaySettings": _l("工资设置"),
        "PayRun": _l("工资批次"),
        "PayBonusChoice": _l("全年一次性奖金计税方式"),
    },
    audit_actions={
        "payroll.run.create": _l("新建工资批次"),
        "payroll.run.compute": _l("计算工资批次"),
        "payroll.run.override": _l("手工调整工资项目"),
        "payroll.run.override_clear": _l("取消手工调整"),
        "payroll.run.submit": _l("提交工资批次审核"),
        "payroll.run.approve": _l("审核通过工资批次"),
        "payroll.run.return": _l("退回工资批次"),
        "payroll.run.pay": _l("标记工资已发放"),
        "payroll.run.delete": _l("删除工资批次"),
        "payroll.run.import": _l("导入月度工资"),
        "payroll.run.import_declared": _l("导入专项附加扣除"),
        "payroll.settings.save": _l("调整工资设置"),
        "payroll.bonus_choice.save": _l("选择全年一次性奖金计税方式"),
    },
    provides={
        ROSTER_PAY_SETTINGS: [queries.roster_pay_settings],
        "importers": [
            MONTHLY_IMPORTER,
            DECLARED_IMPORTER,
            POST_WAGE_IMPORTER,
            STEP_WAGE_IMPORTER,
        ],
    },
    home_sections=(home.finance_overview, home.my_latest_payslip),
    seeders=(Seeder("payroll.demo", seed.seed_demo_payroll, after=("hr.demo",)),),
    jobs=(JobKind("payroll.compute", msg("计算工资批次"), run_compute_job),),
    setup=receivers.connect,
)
