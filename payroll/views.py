"""工资: the module's blueprint, its entry page and the staffing office's overview; each
topic's ``views.py`` registers its routes on ``bp``."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from core.http import dated_filename, xlsx_response
from core.ids import china_today
from core.permissions import require, scope_for
from institutions.models import Institution
from institutions.scoped import render_module_index
from payroll.excel_specs import INSTITUTION_PAY_SPEC, frozen_columns, totals
from payroll.permissions import PAYROLL_OVERVIEW, PAYROLL_VIEW
from payroll.runs.queries import SUMMARY_FIELDS, institution_pay_sheet
from payroll.runs.states import parse_period

bp = Blueprint("payroll", __name__, url_prefix="/payroll")


@bp.route("/")
@login_required
def index():
    return render_module_index("payroll/index.html", PAYROLL_VIEW, target="payroll.runs")


def _overview_period() -> str:
    today = china_today()
    last_month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    year, month = parse_period(request.args.get("period", "")) or last_month
    return f"{year:04d}-{month:02d}"


@bp.route("/overview")
@login_required
def overview():
    """Locked runs' totals per institution for a period (staffing office, sponsors)."""
    require(PAYROLL_OVERVIEW)
    period = _overview_period()
    scope = scope_for(current_user, PAYROLL_OVERVIEW)
    rows = institution_pay_sheet(scope.clause(Institution.id), period)
    total: dict = totals(rows, SUMMARY_FIELDS)
    total["people"] = sum(row["people"] for row in rows)
    return render_template("payroll/overview.html", period=period, rows=rows, total=total)


@bp.route("/overview/export")
@login_required
def overview_export():
    """The cross-institution 工资表 of a period as Excel: a row per institution in scope,
    every item summed, a totals row; no person's figures."""
    require(PAYROLL_OVERVIEW)
    period = _overview_period()
    scope = scope_for(current_user, PAYROLL_OVERVIEW)
    rows = institution_pay_sheet(scope.clause(Institution.id), period)
    total: dict = totals(rows, SUMMARY_FIELDS)
    total.update(people=sum(r["people"] for r in rows), runs=sum(r["runs"] for r in rows))
    return xlsx_response(
        INSTITUTION_PAY_SPEC,
        rows,
        dated_filename(f"{period}-工资汇总表"),
        totals=total,
        freeze_columns=frozen_columns(INSTITUTION_PAY_SPEC),
    )
