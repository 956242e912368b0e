"""医院: the module's pages."""

from __future__ import annotations

from flask import Blueprint
from flask_login import login_required

from hospitals.permissions import HOSPITALS_VIEW
from institutions.scoped import render_module_index

bp = Blueprint("hospitals", __name__, url_prefix="/hospitals")


@bp.route("/")
@login_required
def index():
    return render_module_index("hospitals/index.html", HOSPITALS_VIEW, kind="hospital")
