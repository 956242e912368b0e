"""The hospitals module's declaration to core."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.modules import MenuItem, Module
from hospitals.permissions import HOSPITALS_VIEW
from hospitals.views import bp

module = Module(
    name="hospitals",
    label=_l("医院"),
    blueprints=(bp,),
    menu=(MenuItem(_l("医院"), "hospitals.index", HOSPITALS_VIEW, kind="hospital", order=40),),
    permissions=(HOSPITALS_VIEW,),
)
