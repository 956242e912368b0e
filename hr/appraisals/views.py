"""HR pages: annual appraisal rounds (年度考核) — open, grade grid, close (薪级 step)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from core.actions import perform
from core.i18n import Msg, joined, msg
from core.ids import china_today
from hr.appraisals import operations as ops
from hr.appraisals import queries
from hr.appraisals.forms import BulkGradeForm, CloseRoundForm, GradesForm, OpenRoundForm
from hr.blueprint import bp
from hr.models import AppraisalGrade
from hr.queries import hr_institution_or_404

PER_PAGE = 100
MAX_PER_PAGE = 500
WARNING_LIMIT = 20


def _rounds_page(institution, form, status=200):
    return render_template(
        "hr/appraisals/appraisals.html",
        institution=institution,
        rounds=queries.rounds(institution.id),
        form=form,
        cap_percent=ops.rules.cap_percent,
    ), status


@bp.route("/<int:institution_id>/appraisals")
@login_required
def appraisals(institution_id: int):
    institution = hr_institution_or_404(institution_id)
    return _rounds_page(institution, OpenRoundForm())


@bp.route("/<int:institution_id>/appraisals/open", methods=["POST"])
@login_required
def appraisal_open(institution_id: int):
    institution = hr_institution_or_404(institution_id, write=True)
    form = OpenRoundForm()
    if form.validate_on_submit():
        done = perform(
            ops.open_round,
            institution,
            form.year.data,
            confirm_early=form.confirm_early.data,
            form=form,
            success=lambda round_: _("已开启 %(y)d 年度考核。", y=round_.year),
        )
        if done:
            return redirect(
                url_for(".appraisal_round", institution_id=institution.id, year=done.value.year)
            )
    return _rounds_page(institution, form, 422)


def _filters() -> dict:
    grade = request.args.get("grade")
    return {
        "q": request.args.get("q", "").strip() or None,
        "grade": grade if grade in {*AppraisalGrade, "ungraded"} else None,
    }


def _round_page(institution, year, form=None, submitted=None, status=200, bulk_form=None):
    round_ = queries.get_round(institution.id, year)
    if round_ is None:
        return render_template(
            "hr/appraisals/appraisal_round.html",
            institution=institution,
            year=year,
            round=None,
            open_form=OpenRoundForm(formdata=None, year=year),
        ), status
    filters = _filters()
    per_page = min(max(request.args.get("per_page", PER_PAGE, type=int), 1), MAX_PER_PAGE)
    page = queries.round_people(round_, per_page, **filters)
    ids = [employment.id for employment in page.items]
    grades = queries.shown_grades(round_, page.items)
    grades.update({k: v for k, v in (submitted or {}).items() if k in ids})
    closed_on = queries.closed_on(round_)
    rows = [
        (employment, grades.get(employment.id), bool(closed_on and employment.start_on > closed_on))
        for employment in page.items
    ]
    early = (
        None
        if round_.is_closed
        else ops.rules.early_warning(
            year, china_today(), "close", queries.round_month(institution.kind, year)
        )
    )
    return render_template(
        "hr/appraisals/appraisal_round.html",
        institution=institution,
        year=year,
        round=round_,
        page=page,
        rows=rows,
        filters=filters,
        grades=list(AppraisalGrade),
        counts=queries.grade_counts(round_),
        flagged=queries.consecutive_fail_employments(round_),
        missing_profiles=queries.missing_salary_steps(round_, limit=WARNING_LIMIT + 1),
        warning_limit=WARNING_LIMIT,
        form=form or GradesForm(formdata=None),
        close_form=CloseRoundForm(formdata=None),
        bulk_form=bulk_form or BulkGradeForm(formdata=None),
        early_close=early,
        cap_percent=ops.rules.cap_percent(round_.excellent_cap),
    ), status


@bp.route("/<int:institution_id>/appraisals/<int:year>")
@login_required
def appraisal_round(institution_id: int, year: int):
    institution = hr_institution_or_404(institution_id)
    return _round_page(institution, year)


def _submitted_grades() -> dict[int, str | None]:
    """Read the grid's ``grade-<employment id>`` selects ("" clears a grade)."""
    grades = {}
    for name, value in request.form.items():
        prefix, _sep, raw_id = name.partition("-")
        if prefix == "grade" and raw_id.isdigit():
            grades[int(raw_id)] = value or None
    return grades


def _back_to_round(institution, year):
    args = {k: v for k, v in request.args.items() if k in {"q", "grade", "page", "per_page"}}
    return redirect(url_for(".appraisal_round", institution_id=institution.id, year=year, **args))


@bp.route("/<int:institution_id>/appraisals/<int:year>", methods=["POST"])
@login_required
def appraisal_grade(institution_id: int, year: int):
    institution = hr_institution_or_404(institution_id, write=True)
    round_ = queries.get_round(institution.id, year)
    if round_ is None:
        flash(_("%(y)d 年度考核尚未开启。", y=year), "warning")
        return redirect(url_for(".appraisals", institution_id=institution.id))
    form = GradesForm()
    if not form.validate_on_submit():
        return _round_page(institution, year, form, status=422)
    submitted = _submitted_grades()
    done = perform(ops.save_grades, round_, submitted, form=form)
    if not done:
        return _round_page(institution, year, form, submitted, status=422)
    if done.value:
        flash(_("已保存 %(n)d 人的考核等次。", n=done.value), "success")
    else:
        flash(_("没有需要保存的修改。"), "info")
    return _back_to_round(institution, year)


@bp.route("/<int:institution_id>/appraisals/<int:year>/bulk", methods=["POST"])
@login_required
def appraisal_bulk(institution_id: int, year: int):
    """Set the selected (or everyone ungraded) to 合格 in one step; then adjust one by one."""
    institution = hr_institution_or_404(institution_id, write=True)
    round_ = queries.get_round(institution.id, year)
    if round_ is None:
        flash(_("%(y)d 年度考核尚未开启。", y=year), "warning")
        return redirect(url_for(".appraisals", institution_id=institution.id))
    form = BulkGradeForm()
    if not form.validate_on_submit():
        return _round_page(institution, year, status=422, bulk_form=form)
    if form.scope.data == "ungraded":
        done = perform(ops.grade_all_ungraded, round_, form=form)
    else:
        picked = [int(v) for v in request.form.getlist("pick") if v.isdigit()]
        done = perform(ops.grade_selected, round_, picked, form=form)
    if not done:
        return _round_page(institution, year, status=422, bulk_form=form)
    flash(
        _("已将 %(n)d 人设为合格；如有其他等次，请在表中逐人调整后保存。", n=done.value),
        "success",
    )
    return _back_to_round(institution, year)


@bp.route("/<int:institution_id>/appraisals/<int:year>/close", methods=["POST"])
@login_required
def appraisal_close(institution_id: int, year: int):
    institution = hr_institution_or_404(institution_id, write=True)
    round_ = queries.get_round(institution.id, year)
    if round_ is None:
        flash(_("%(y)d 年度考核尚未开启。", y=year), "warning")
        return redirect(url_for(".appraisals", institution_id=institution.id))
    form = CloseRoundForm()
    if not form.validate_on_submit():
        flash(_("请求已过期，请刷新页面后重试。"), "error")
        return _back_to_round(institution, year)
    done = perform(ops.close_round, round_, institution.kind, confirm_early=form.confirm_early.data)
    if not done:
        return _back_to_round(institution, year)
    result = done.value
    flash(
        _(
            "%(y)d 年度考核已关闭：%(n)d 人自 %(y1)d 年 1 月 1 日起薪级晋升一级。",
            y=year,
            n=result.raised,
            y1=year + 1,
        ),
        "success",
    )
    if result.at_max:
        flash(
            _(
                "%(n)d 人已达所在岗位类别的最高薪级，未再晋升：%(names)s",
                n=len(result.at_max),
                names=_names(result.at_max),
            ),
            "info",
        )
    if result.no_profile:
        flash(
            _(
                "%(n)d 人没有薪级记录，未能晋升薪级，请补录薪级后手工调整：%(names)s",
                n=len(result.no_profile),
                names=_names(result.no_profile),
            ),
            "warning",
        )
    return _back_to_round(institution, year)


def _names(employments) -> Msg:
    shown = joined(
        msg("%(name)s（%(number)s）", name=e.person.name, number=e.staff_number)
        for e in employments[:WARNING_LIMIT]
    )
    return msg("%(names)s等", names=shown) if len(employments) > WARNING_LIMIT else shown
