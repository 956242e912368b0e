"""What the staffing office's pages let people do, and who may."""

from __future__ import annotations

from core.i18n import N_
from core.permissions import Permission
from core.roles import Role

#: the city dashboard, the city-wide ledger, the pools, and the lists of evaluations,
#: requests and reports: the office for the city, a sponsor for its institutions
STAFFING_OVERVIEW = Permission(
    "staffing.overview",
    N_("查看编办工作台和全市编制台账"),
    grants={Role.STAFFING_OFFICE, Role.SPONSOR},
)
#: one institution's evaluations, requests and annual reports
STAFFING_VIEW = Permission(
    "staffing.view",
    N_("查看单位的职能评估、增编申请和年度报告"),
    grants={Role.STAFFING_OFFICE, Role.SPONSOR, Role.INSTITUTION_ADMIN},
)
#: the institution fills in its evaluation, requests more 编制, files its annual report
STAFFING_FILE = Permission(
    "staffing.file",
    N_("填报职能评估、增编申请和年度报告"),
    grants={Role.INSTITUTION_ADMIN},
)
#: the office opens rounds, reviews and finalises, executes reductions, approves requests,
#: accepts or returns reports, and issues API tokens
STAFFING_MANAGE = Permission(
    "staffing.manage",
    N_("审核评估、审批增编、接收年报、管理接口令牌"),
    grants={Role.STAFFING_OFFICE},
)
