"""What the schools module lets people do, and who may."""

from __future__ import annotations

from core.i18n import N_
from core.permissions import Permission
from core.roles import Role

SCHOOLS_VIEW = Permission(
    "schools.view",
    N_("查看学校“两自一包”"),
    grants={
        Role.STAFFING_OFFICE,
        Role.SPONSOR,
        Role.INSTITUTION_ADMIN,
        Role.HR_OFFICER,
        Role.FINANCE_OFFICER,
    },
)
#: the school's own records: profile, enrolment, staff stages (the principal's office and HR)
SCHOOLS_MANAGE = Permission(
    "schools.manage",
    N_("填报学校概况与学生数"),
    grants={Role.INSTITUTION_ADMIN, Role.HR_OFFICER},
)
#: the lump-sum budget: drafting it, recording the council's approval, recording spending
SCHOOLS_BUDGET = Permission(
    "schools.budget",
    N_("管理学校包干经费"),
    grants={Role.INSTITUTION_ADMIN, Role.FINANCE_OFFICER},
)
#: self-hired teachers (教师自聘): recruitment plans, candidates, offers and hires
SCHOOLS_RECRUIT = Permission(
    "schools.recruit",
    N_("管理学校自主招聘教师"),
    grants={Role.INSTITUTION_ADMIN, Role.HR_OFFICER},
)
