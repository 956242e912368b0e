"""What HR lets people do, and who may."""

from __future__ import annotations

from core.i18n import N_
from core.permissions import Permission
from core.roles import Role

HR_VIEW = Permission(
    "hr.view",
    N_("查看人事信息"),
    grants={
        Role.STAFFING_OFFICE,
        Role.SPONSOR,
        Role.INSTITUTION_ADMIN,
        Role.HR_OFFICER,
        Role.FINANCE_OFFICER,
    },
)
HR_MANAGE = Permission(
    "hr.manage", N_("办理人事业务"), grants={Role.INSTITUTION_ADMIN, Role.HR_OFFICER}
)
#: whole citizen ID and bank account numbers (others see them masked: hr/staff/masking.py)
HR_FULL_NUMBERS = Permission(
    "hr.full_numbers", N_("查看完整身份证号和银行账号"), grants={Role.HR_OFFICER}
)
#: an employee's own record
SELF_VIEW = Permission("self.view", N_("查看本人档案"), grants={Role.EMPLOYEE})
