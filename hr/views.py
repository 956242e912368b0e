"""人事: the module's pages."""

from __future__ import annotations

from flask import Blueprint
from flask_login import login_required

from core.roles import Perm
from institutions.scoped import render_module_index

bp = Blueprint("hr", __name__, url_prefix="/hr")


@bp.route("/")
@login_required
def index():
    return render_module_index("hr/index.html", Perm.HR_VIEW)
