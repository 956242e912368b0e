"""The hospitals module's declaration to core."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.modules import MenuItem, Module
from hospitals import parameters
from hospitals.permissions import HOSPITALS_VIEW
from hospitals.views import bp

module = Module(
    name="hospitals",
    label=_l("医院"),
    blueprints=(bp,),
    menu=(MenuItem(_l("医院"), "hospitals.index", HOSPITALS_VIEW, kind="hospital", order=40),),
    parameters=(parameters.ensure_defaults,),
    parameter_labels={
        "hospitals.staffing_benchmarks": _l("医院人员配置标准"),
        "hospitals.pay_gap": _l("同岗同酬差异容差"),
        "hospitals.leadership": _l("院级领导任期规则"),
    },
    permissions=(HOSPITALS_VIEW,),
)
