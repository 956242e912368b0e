"""Annual reports (年度报告): the institution edits and submits, the office accepts or returns;
the office's lists of every report's standing, late and missing ones, Excel and print."""

from __future__ import annotations

from flask import abort, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from core.actions import perform
from core.http import dated_filename, xlsx_response
from core.i18n import msg
from core.ids import china_today
from core.permissions import can
from core.regions import region_name
from institutions.staffing import excel, figures, parameters, queries
from institutions.staffing import operations as ops
from institutions.staffing.forms import CommentForm, ReportForm
from institutions.staffing.permissions import (
    STAFFING_FILE,
    STAFFING_MANAGE,
    STAFFING_OVERVIEW,
    STAFFING_VIEW,
)
from institutions.staffing.reports import Action, ReportStatus
from institutions.staffing.views import bp, institution, overview_scope, place_args, render

PAGE = 50


def _year() -> int:
    year = request.args.get("year", type=int)
    today = china_today().year
    return year if year is not None and 2000 <= year <= today else today - 1


def _lines(scope):
    place = place_args(scope)
    year = _year()
    status = request.args.get("status")
    overdue = request.args.get("overdue") == "1"
    deadline = parameters.report_deadline(year)
    lines = queries.report_lines(
        scope,
        place,
        year,
        china_today(),
        deadline,
        status if status in set(ReportStatus) else None,
    )
    if overdue:
        lines = [line for line in lines if line.standing.status.is_overdue]
    return place, year, deadline, lines


@bp.route("/reports")
@login_required
def reports_index():
    scope = overview_scope(STAFFING_OVERVIEW)
    place, year, deadline, lines = _lines(scope)
    counts: dict[ReportStatus, int] = {}
    for line in lines:
        counts[line.standing.status] = counts.get(line.standing.status, 0) + 1
    page = request.args.get("page", 1, type=int)
    pages = max(1, (len(lines) + PAGE - 1) // PAGE)
    page = min(max(page, 1), pages)
    return render(
        "staffing/reports.html",
        lines=lines[(page - 1) * PAGE : page * PAGE],
        total=len(lines),
        page=page,
        pages=pages,
        year=year,
        deadline=deadline,
        place=place,
        counts=counts,
        statuses=list(ReportStatus),
        status=request.args.get("status"),
        overdue=request.args.get("overdue") == "1",
    )


@bp.route("/reports/export")
@login_required
def reports_export():
    scope = overview_scope(STAFFING_OVERVIEW)
    _place, year, deadline, lines = _lines(scope)
    rows = (
        {
            "name": line.institution.name,
            "district": region_name(line.institution.district_code),
            "year": year,
            "status": str(line.standing.status.label),
            "deadline": deadline,
            "submitted_on": line.standing.first_submitted_on,
            "days_late": line.standing.days_late,
        }
        for line in lines
    )
    return xlsx_response(excel.reports_spec(), rows, dated_filename(_("年度报告报送情况")))


def _report_page(institution_id: int, year: int, perm: str = STAFFING_VIEW):
    found = institution(institution_id, perm)
    if not 2000 <= year <= china_today().year:
        abort(404)
    return found, queries.report_of(found.id, year)


def _show(found, year, report, status=200, form=None, comment_form=None, template=None):
    today = china_today()
    deadline = parameters.report_deadline(year)
    standing = queries.standing_of(report, year, today, deadline)
    content = (report.content if report else None) or {}
    filled = content.get("figures") or ops.prefill(found, year)
    return render(
        template or "staffing/report.html",
        status,
        institution=found,
        year=year,
        report=report,
        standing=standing,
        content=content,
        figures_=filled,
        form=form or ReportForm(data={k: content.get(k) for k in ops.REPORT_SECTIONS}),
        comment_form=comment_form or CommentForm(),
        can_file=can(current_user, STAFFING_FILE, found) and standing.status.is_editable,
        can_decide=can(current_user, STAFFING_MANAGE, found)
        and standing.status in (ReportStatus.SUBMITTED, ReportStatus.LATE),
        not_reported=figures.NOT_REPORTED,
        event_labels=EVENT_LABELS,
    )


EVENT_LABELS = {
    Action.START.value: msg("开始填写"),
    Action.SUBMIT.value: msg("提交"),
    Action.RETURN.value: msg("退回"),
    Action.ACCEPT.value: msg("接收"),
}


@bp.route("/institutions/<int:institution_id>/reports/<int:year>")
@login_required
def report(institution_id: int, year: int):
    found, report = _report_page(institution_id, year)
    return _show(found, year, report)


@bp.route("/institutions/<int:institution_id>/reports/<int:year>/print")
@login_required
def report_print(institution_id: int, year: int):
    found, report = _report_page(institution_id, year)
    return _show(found, year, report, template="staffing/report_print.html")


def _back(found, year):
    return redirect(url_for(".report", institution_id=found.id, year=year))


@bp.route("/institutions/<int:institution_id>/reports/<int:year>/save", methods=["POST"])
@login_required
def report_save(institution_id: int, year: int):
    found, report = _report_page(institution_id, year, STAFFING_FILE)
    form = ReportForm()
    if form.validate_on_submit() and perform(
        ops.save_report, found, year, form.data, actor=current_user, success=msg("已保存年度报告")
    ):
        return _back(found, year)
    return _show(found, year, report, 422, form=form)


@bp.route("/institutions/<int:institution_id>/reports/<int:year>/submit", methods=["POST"])
@login_required
def report_submit(institution_id: int, year: int):
    found, report = _report_page(institution_id, year, STAFFING_FILE)
    if report is None:
        from flask import flash

        flash(str(msg("请先填写并保存年度报告")), "danger")
        return _show(found, year, report, 422)
    if perform(ops.submit_report, report, actor=current_user, success=msg("已提交年度报告")):
        return _back(found, year)
    return _show(found, year, report, 422)


def _decide(institution_id: int, year: int, action: Action, success):
    found, report = _report_page(institution_id, year, STAFFING_MANAGE)
    form = CommentForm()
    if report is None:
        abort(404)
    if perform(
        ops.decide_report,
        report,
        action,
        form.comment.data,
        actor=current_user,
        form=form,
        success=success,
    ):
        return _back(found, year)
    return _show(found, year, report, 422, comment_form=form)


@bp.route("/institutions/<int:institution_id>/reports/<int:year>/accept", methods=["POST"])
@login_required
def report_accept(institution_id: int, year: int):
    return _decide(institution_id, year, Action.ACCEPT, msg("已接收年度报告"))


@bp.route("/institutions/<int:institution_id>/reports/<int:year>/return", methods=["POST"])
@login_required
def report_return(institution_id: int, year: int):
    return _decide(institution_id, year, Action.RETURN, msg("已退回年度报告"))
