"""Hospital pages: same post, same pay (同岗同酬) — the identity-gap report, its export, and
the import of the monthly pay table it reads."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from core.actions import perform
from core.errors import IMPORT_CONFLICT, on_conflict
from core.http import dated_filename, template_response, xlsx_response
from core.i18n import msg
from core.ids import china_today
from core.imports import context_for_request, import_page
from core.permissions import can
from hospitals.access import hospital_or_404
from hospitals.blueprint import bp
from hospitals.pay import operations, queries
from hospitals.pay.excel import GAP_EXPORT, PAY_IMPORT
from hospitals.pay.imports import PAY_IMPORTER
from hospitals.paygap import identity_label
from hospitals.permissions import HOSPITALS_MANAGE


def _year(institution_id: int) -> tuple[int, list[int]]:
    years = queries.pay_years(institution_id)
    year = request.args.get("year", type=int)
    if year is None or not 2000 <= year <= 2100:
        year = years[0] if years else china_today().year
    return year, years


@bp.route("/<int:institution_id>/pay-gaps")
@login_required
def pay_gaps(institution_id: int):
    institution = hospital_or_404(institution_id)
    year, years = _year(institution.id)
    today = china_today()
    report = queries.gap_report(institution.id, year, today)
    period = queries.latest_period(institution.id, year)
    return render_template(
        "hospitals/pay_gaps.html",
        institution=institution,
        year=year,
        years=years,
        report=report,
        rules=queries.gap_rules(today),
        records=queries.records_count(institution.id, year),
        run_months=queries.run_periods(institution.id, year),
        summary=queries.summary_of(institution.id, year),
        period=period,
        month_warnings=queries.month_warnings(institution.id, period, today) if period else [],
        identity_label=identity_label,
        can_manage=can(current_user, HOSPITALS_MANAGE, institution),
    )


@bp.route("/<int:institution_id>/pay-gaps/confirm", methods=["POST"])
@login_required
def pay_gaps_confirm(institution_id: int):
    """确认并上报: store the year's gap summary, which the indicator upward reads."""
    institution = hospital_or_404(institution_id, write=True)
    year = request.form.get("year", type=int)
    if year is None or not 2000 <= year <= 2100:
        return redirect(url_for(".pay_gaps", institution_id=institution.id))
    perform(
        operations.confirm_summary,
        institution,
        year,
        china_today(),
        actor=current_user,
        success=lambda s: msg(
            "已确认 %(y)d 年同岗同酬汇总：%(g)d 处身份差异，涉及 %(n)d 人。",
            y=s.year,
            g=s.gaps,
            n=s.people,
        ),
    )
    return redirect(url_for(".pay_gaps", institution_id=institution.id, year=year))


@bp.route("/<int:institution_id>/pay-gaps/export")
@login_required
def pay_gaps_export(institution_id: int):
    institution = hospital_or_404(institution_id)
    year, _years = _year(institution.id)
    report = queries.gap_report(institution.id, year, china_today())
    rows = (
        {
            "department": gap.department,
            "grade": gap.grade,
            "measure": str(gap.measure.label),
            "identity": str(identity_label(gap.identity)),
            "reference": str(identity_label(gap.reference_identity)),
            "mean": gap.mean,
            "reference_mean": gap.reference_mean,
            "gap": gap.gap,
            "gap_share": gap.gap_share,
            "staff_number": person.person,
            "name": person.name,
            "value": person.value,
            "months": person.months,
        }
        for gap in report.gaps
        for person in gap.people
    )
    return xlsx_response(
        GAP_EXPORT, rows, dated_filename(f"{institution.name}-{year}-{_('同岗同酬差异')}")
    )


@bp.route("/<int:institution_id>/pay-records/import", methods=["GET", "POST"])
@login_required
@on_conflict(IMPORT_CONFLICT)
def pay_import(institution_id: int):
    institution = hospital_or_404(institution_id, write=True)
    return import_page(
        PAY_IMPORTER,
        context_for_request(institution.id),
        title=_("导入月度工资（同岗同酬分析）"),
        back_url=url_for(".pay_gaps", institution_id=institution.id),
        template_url=url_for(".pay_template", institution_id=institution.id),
        breadcrumbs=[
            (_("医院"), url_for(".index")),
            (institution.name, url_for(".overview", institution_id=institution.id)),
            (_("同岗同酬"), url_for(".pay_gaps", institution_id=institution.id)),
        ],
    )


@bp.route("/<int:institution_id>/pay-records/template")
@login_required
def pay_template(institution_id: int):
    hospital_or_404(institution_id, write=True)
    return template_response(PAY_IMPORT, "月度工资导入模板.xlsx")
