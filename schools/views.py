"""学校: the module's pages."""

from __future__ import annotations

from flask import Blueprint
from flask_login import login_required

from core.roles import Perm
from institutions.scoped import render_module_index

bp = Blueprint("schools", __name__, url_prefix="/schools")


@bp.route("/")
@login_required
def index():
    return render_module_index("schools/index.html", Perm.SCHOOLS_VIEW, kind="school")
