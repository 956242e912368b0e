"""The schools module's declaration to core."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.modules import MenuItem, Module
from schools.permissions import SCHOOLS_VIEW
from schools.views import bp

module = Module(
    name="schools",
    label=_l("学校"),
    blueprints=(bp,),
    menu=(MenuItem(_l("学校"), "schools.index", SCHOOLS_VIEW, kind="school", order=30),),
    permissions=(SCHOOLS_VIEW,),
)
