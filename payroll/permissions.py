"""What payroll lets people do, and who may."""

from __future__ import annotations

from core.i18n import N_
from core.permissions import Permission
from core.roles import Role

PAYROLL_VIEW = Permission(
    "payroll.view", N_("查看工资"), grants={Role.INSTITUTION_ADMIN, Role.FINANCE_OFFICER}
)
PAYROLL_MANAGE = Permission("payroll.manage", N_("办理工资业务"), grants={Role.FINANCE_OFFICER})
#: approve or return a run another finance officer prepared (the four-eyes rule)
PAYROLL_APPROVE = Permission("payroll.approve", N_("审核工资批次"), grants={Role.FINANCE_OFFICER})
#: run totals per institution, never a person's line: the staffing office and the sponsor
PAYROLL_OVERVIEW = Permission(
    "payroll.overview", N_("查看工资汇总"), grants={Role.STAFFING_OFFICE, Role.SPONSOR}
)
