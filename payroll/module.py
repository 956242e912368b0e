"""Payroll's declaration to core."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.modules import MenuItem, Module
from hr.roster.queries import ROSTER_PAY_SETTINGS
from payroll import queries, receivers
from payroll.permissions import PAYROLL_MANAGE, PAYROLL_VIEW
from payroll.views import bp

module = Module(
    name="payroll",
    label=_l("工资"),
    blueprints=(bp,),
    menu=(MenuItem(_l("工资"), "payroll.index", PAYROLL_VIEW, order=60),),
    permissions=(PAYROLL_VIEW, PAYROLL_MANAGE),
    audit_objects={"PaySettings": _l("工资设置")},
    provides={ROSTER_PAY_SETTINGS: [queries.roster_pay_settings]},
    setup=receivers.connect,
)
