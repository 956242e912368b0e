"""The schools module's declaration to core."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.modules import MenuItem, Module
from schools import parameters
from schools.permissions import SCHOOLS_VIEW
from schools.views import bp

module = Module(
    name="schools",
    label=_l("学校"),
    blueprints=(bp,),
    menu=(MenuItem(_l("学校"), "schools.index", SCHOOLS_VIEW, kind="school", order=30),),
    parameters=(parameters.ensure_defaults,),
    parameter_labels={
        "schools.grade_layout": _l("学段年级设置"),
        "schools.allowance": _l("教职工编制标准（师生比）"),
        "schools.class_size": _l("班额标准"),
        "schools.projection": _l("学生数预测规则"),
        "schools.lump_sum": _l("经费包干标准"),
        "schools.budget": _l("预算执行预警线"),
        "schools.performance_pay": _l("绩效工资基础性与奖励性比例"),
        "schools.staff_congress": _l("教职工代表大会议事规则"),
    },
    permissions=(SCHOOLS_VIEW,),
)
