"""HR pages: annual appraisal rounds (年度考核) — open, grade grid, close (薪级 step)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import or_, select

from core.extensions import db
from hr.appraisals import operations as ops
from hr.appraisals.forms import CloseRoundForm, GradesForm, OpenRoundForm
from hr.blueprint import bp
from hr.models import Appraisal, AppraisalGrade, Employment, Person
from hr.queries import hr_institution_or_404

PER_PAGE = 100
MAX_PER_PAGE = 500
WARNING_LIMIT = 20


def _rounds_page(institution, form, status=200):
    return render_template(
        "hr/appraisals/appraisals.html",
        institution=institution,
        rounds=ops.rounds(institution.id),
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
        try:
            round_ = ops.open_round(institution, form.year.data)
        except ops.AppraisalError as error:
            db.session.rollback()
            form.year.errors = [*form.year.errors, str(error)]
        else:
            db.session.commit()
            flash(_("已开启 %(y)d 年度考核。", y=round_.year), "success")
            return redirect(
                url_for(".appraisal_round", institution_id=institution.id, year=round_.year)
            )
    return _rounds_page(institution, form, 422)


def _filters() -> dict:
    grade = request.args.get("grade")
    return {
        "q": request.args.get("q", "").strip() or None,
        "grade": grade if grade in {*AppraisalGrade, "ungraded"} else None,
    }


def _grid(round_, q=None, grade=None):
    """Return one page of the round's people (active staff, and anyone already graded)."""
    graded = select(Appraisal).where(Appraisal.round_id == round_.id).subquery()
    in_round = or_(
        Employment.id.in_(
            ops.population(round_.institution_id, round_.year).with_only_columns(Employment.id)
        ),
        graded.c.id.is_not(None),
    )
    stmt = (
        select(Employment)
        .join(Person, Employment.person_id == Person.id)
        .outerjoin(graded, graded.c.employment_id == Employment.id)
        .where(Employment.institution_id == round_.institution_id, in_round)
    )
    if q:
        like = f"%{q}%"
        stmt = stmt.where(
            or_(
                Person.name.like(like),
                Employment.staff_number.like(like),
                Employment.department.like(like),
            )
        )
    if grade == "ungraded":
        stmt = stmt.where(graded.c.id.is_(None))
    elif grade:
        stmt = stmt.where(graded.c.grade == grade)
    per_page = min(max(request.args.get("per_page", PER_PAGE, type=int), 1), MAX_PER_PAGE)
    return db.paginate(
        stmt.order_by(Employment.staff_number, Employment.id),
        per_page=per_page,
        max_per_page=MAX_PER_PAGE,
        error_out=False,
    )


def _round_page(institution, year, form=None, submitted=None, status=200):
    round_ = ops.get_round(institution.id, year)
    if round_ is None:
        return render_template(
            "hr/appraisals/appraisal_round.html",
            institution=institution,
            year=year,
            round=None,
            open_form=OpenRoundForm(formdata=None, year=year),
        ), status
    filters = _filters()
    page = _grid(round_, **filters)
    ids = [employment.id for employment in page.items]
    grades = dict(
        db.session.execute(
            select(Appraisal.employment_id, Appraisal.grade).where(
                Appraisal.round_id == round_.id, Appraisal.employment_id.in_(ids)
            )
        )
        .tuples()
        .all()
    )
    grades.update({k: v for k, v in (submitted or {}).items() if k in ids})
    rows = [(employment, grades.get(employment.id)) for employment in page.items]
    return render_template(
        "hr/appraisals/appraisal_round.html",
        institution=institution,
        year=year,
        round=round_,
        page=page,
        rows=rows,
        filters=filters,
        grades=list(AppraisalGrade),
        counts=ops.grade_counts(round_),
        flagged=ops.consecutive_fail_employments(round_),
        missing_profiles=ops.missing_pay_profiles(round_, limit=WARNING_LIMIT + 1),
        warning_limit=WARNING_LIMIT,
        form=form or GradesForm(formdata=None),
        close_form=CloseRoundForm(formdata=None),
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
    round_ = ops.get_round(institution.id, year)
    if round_ is None:
        flash(_("%(y)d 年度考核尚未开启。", y=year), "warning")
        return redirect(url_for(".appraisals", institution_id=institution.id))
    form = GradesForm()
    if not form.validate_on_submit():
        return _round_page(institution, year, form, status=422)
    submitted = _submitted_grades()
    try:
        changed = ops.save_grades(round_, submitted)
    except ops.AppraisalError as error:
        db.session.rollback()
        form.submit.errors = [str(error)]
        return _round_page(institution, year, form, submitted, status=422)
    db.session.commit()
    if changed:
        flash(_("已保存 %(n)d 人的考核等次。", n=changed), "success")
    else:
        flash(_("没有需要保存的修改。"), "info")
    return _back_to_round(institution, year)


@bp.route("/<int:institution_id>/appraisals/<int:year>/close", methods=["POST"])
@login_required
def appraisal_close(institution_id: int, year: int):
    institution = hr_institution_or_404(institution_id, write=True)
    round_ = ops.get_round(institution.id, year)
    if round_ is None:
        flash(_("%(y)d 年度考核尚未开启。", y=year), "warning")
        return redirect(url_for(".appraisals", institution_id=institution.id))
    form = CloseRoundForm()
    if not form.validate_on_submit():
        flash(_("请求已过期，请刷新页面后重试。"), "error")
        return _back_to_round(institution, year)
    try:
        result = ops.close_round(round_, institution.kind)
    except ops.AppraisalError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _back_to_round(institution, year)
    db.session.commit()
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
                "%(n)d 人没有薪酬档案，未能晋升薪级，请建立薪酬档案后手工调整：%(names)s",
                n=len(result.no_profile),
                names=_names(result.no_profile),
            ),
            "warning",
        )
    return _back_to_round(institution, year)


def _names(employments) -> str:
    shown = "、".join(f"{e.person.name}（{e.staff_number}）" for e in employments[:WARNING_LIMIT])
    return shown + ("等" if len(employments) > WARNING_LIMIT else "")
