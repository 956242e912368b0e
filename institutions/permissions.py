"""What the registry lets people do, and who may."""

from __future__ import annotations

from core.i18n import N_
from core.permissions import Permission
from core.roles import Role

#: Everyone attached to an institution sees its registry entry; sponsors see theirs.
REGISTRY_VIEW = Permission("registry.view", N_("查看单位登记信息"), grants=set(Role))
REGISTRY_MANAGE = Permission(
    "registry.manage", N_("登记单位、管理编制台账"), grants={Role.STAFFING_OFFICE}
)
#: the quota ledger (编制台账): the office, the sponsor, and the institution's HR and finance
QUOTA_VIEW = Permission(
    "quota.view",
    N_("查看编制台账"),
    grants={
        Role.STAFFING_OFFICE,
        Role.SPONSOR,
        Role.INSTITUTION_ADMIN,
        Role.HR_OFFICER,
        Role.FINANCE_OFFICER,
    },
)
