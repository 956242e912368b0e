"""What the hospitals module lets people do, and who may."""

from __future__ import annotations

from core.i18n import N_
from core.permissions import Permission
from core.roles import Role

HOSPITALS_VIEW = Permission(
    "hospitals.view",
    N_("查看医院“两转一去”"),
    grants={
        Role.STAFFING_OFFICE,
        Role.SPONSOR,
        Role.INSTITUTION_ADMIN,
        Role.HR_OFFICER,
        Role.FINANCE_OFFICER,
    },
)
#: import pay and indicator figures, build and approve performance schemes
HOSPITALS_MANAGE = Permission(
    "hospitals.manage",
    N_("办理医院岗位管理与绩效分配"),
    grants={Role.INSTITUTION_ADMIN, Role.HR_OFFICER},
)
