"""The employee's own payslips (工资条)."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user, login_required

from payroll.payslips import queries
from payroll.views import bp


@bp.route("/me")
@login_required
def my_payslips():
    """List the signed-in user's payslips; ``?line=ID`` shows one, printable."""
    line_id = request.args.get("line", type=int)
    if line_id is not None:
        line = queries.payslip_or_404(current_user.id, line_id)
        return render_template("payroll/payslip.html", line=line, ytd=queries.year_to_date(line))
    return render_template("payroll/payslips.html", lines=queries.payslips_of(current_user.id))
