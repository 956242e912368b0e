"""Payroll's declaration to core."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.modules import MenuItem, Module
from payroll.permissions import PAYROLL_MANAGE, PAYROLL_VIEW
from payroll.views import bp

module = Module(
    name="payroll",
    label=_l("工资"),
    blueprints=(bp,),
    menu=(MenuItem(_l("工资"), "payroll.index", PAYROLL_VIEW, order=60),),
    permissions=(PAYROLL_VIEW, PAYROLL_MANAGE),
)
