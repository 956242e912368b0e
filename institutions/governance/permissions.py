"""What council governance lets people do, and who may."""

from __future__ import annotations

from core.i18n import N_
from core.permissions import Permission
from core.roles import Role

GOVERNANCE_VIEW = Permission(
    "governance.view",
    N_("查看法人治理事务"),
    grants={
        Role.STAFFING_OFFICE,
        Role.SPONSOR,
        Role.INSTITUTION_ADMIN,
        Role.COUNCIL_CHAIR,
        Role.COUNCIL_SECRETARY,
        Role.COUNCIL_MEMBER,
        Role.SUPERVISOR,
    },
)
#: prepare council business: meetings, motions, papers, attendance, minutes drafts
GOVERNANCE_MANAGE = Permission(
    "governance.manage",
    N_("筹备理事会事务"),
    grants={Role.INSTITUTION_ADMIN, Role.COUNCIL_CHAIR, Role.COUNCIL_SECRETARY},
)
#: set up an institution's charter settings the first time (changes later: a passed motion)
GOVERNANCE_SETUP = Permission(
    "governance.setup",
    N_("确定理事会章程初始设置"),
    grants={Role.STAFFING_OFFICE, Role.SPONSOR},
)
