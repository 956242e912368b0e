"""工资: the module's pages."""

from __future__ import annotations

from flask import Blueprint
from flask_login import login_required

from institutions.scoped import render_module_index
from payroll.permissions import PAYROLL_VIEW

bp = Blueprint("payroll", __name__, url_prefix="/payroll")


@bp.route("/")
@login_required
def index():
    return render_module_index("payroll/index.html", PAYROLL_VIEW, target="payroll.runs")
