"""学校: the module's pages."""

from __future__ import annotations

from flask import Blueprint
from flask_login import login_required

from institutions.scoped import render_module_index
from schools.permissions import SCHOOLS_VIEW

bp = Blueprint("schools", __name__, url_prefix="/schools")


@bp.route("/")
@login_required
def index():
    return render_module_index("schools/index.html", SCHOOLS_VIEW, kind="school")
