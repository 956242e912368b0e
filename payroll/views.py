"""工资: the module's blueprint, its entry page and the staffing office's overview; each
topic's ``views.py`` registers its routes on ``bp``."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from core.ids import china_today
from core.permissions import require, scope_for
from institutions.models import Institution
from institutions.scoped import render_module_index
from payroll.permissions import PAYROLL_OVERVIEW, PAYROLL_VIEW
from payroll.runs.queries import totals_by_institution
from payroll.runs.states import parse_period

bp = Blueprint("payroll", __name__, url_prefix="/payroll")


@bp.route("/")
@login_required
def index():
    return render_module_index("payroll/index.html", PAYROLL_VIEW, target="payroll.runs")


@bp.route("/overview")
@login_required
def overview():
    """Locked runs' totals per institution for a period (staffing office, sponsors)."""
    require(PAYROLL_OVERVIEW)
    today = china_today()
    last_month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    year, month = parse_period(request.args.get("period", "")) or last_month
    period = f"{year:04d}-{month:02d}"
    scope = scope_for(current_user, PAYROLL_OVERVIEW)
    rows = totals_by_institution(scope.clause(Institution.id), period)
    return render_template("payroll/overview.html", period=period, rows=rows)
