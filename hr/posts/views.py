"""HR pages: post plans (岗位设置方案) with their usage and structure checks, appointments
(岗位聘用), and who held which post on a date."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from core.actions import perform
from core.extensions import db
from core.http import export_as_job, xlsx_response
from core.i18n import joined
from core.ids import china_today
from core.jobs import start_job
from core.listing import paginate, read_sort
from hr.blueprint import bp
from hr.models import GRADES, Appointment, PostCategory
from hr.posts import jobs as posts_jobs
from hr.posts import operations as posts_ops
from hr.posts import queries
from hr.posts.excel import POSTS_EXPORT
from hr.posts.forms import AppointForm, CorrectAppointmentForm, PlanForm
from hr.posts.promotion import (
    Post,
    promotion_warnings,
    title_grades_on,
    title_warnings,
    years_in_grade_on,
)
from hr.queries import hr_institution_or_404
from hr.staff.queries import employment_or_404


def _stage(institution, year: int) -> tuple[str | None, dict[str, str]]:
    """Return the school stage asked for in the query string (if offered) and the offers."""
    stages = queries.stages_for(institution.kind, year)
    stage = request.args.get("stage")
    return (stage if stage in stages else None), stages


def _year_arg() -> int | None:
    year = request.args.get("year", type=int)
    if year is None or not posts_ops.MIN_YEAR <= year <= posts_ops.MAX_YEAR:
        return None
    return year


@bp.route("/<int:institution_id>/plans")
@login_required
def plans(institution_id: int):
    institution = hr_institution_or_404(institution_id)
    today = china_today()
    plans = queries.plans_of(institution.id)
    asked = _year_arg()
    if asked is not None and asked not in {p.year for p in plans} and request.args.get("new"):
        # The "制定某年方案" box: go to the grid for that year.
        return redirect(url_for(".plan_edit", institution_id=institution.id, year=asked))
    years = [p.year for p in plans]
    selected_year = asked if asked in years else (today.year if today.year in years else None)
    if selected_year is None and years:
        selected_year = years[0]
    on_days = {p.year: queries.usage_date(p.year, today) for p in plans}
    occupied = queries.occupied_by_date(institution.id, on_days)
    selected = next((p for p in plans if p.year == selected_year), None)
    stage, stages = _stage(institution, selected_year or today.year)
    summaries = [
        {
            "plan": plan,
            "on": on_days[plan.year],
            "approved": sum(line.approved_count for line in plan.lines),
            "occupied": sum(occupied[plan.year].values()),
        }
        for plan in plans
    ]
    lines = deviations = []
    approved_total = 0
    if selected is not None:
        approved = queries.approved_counts(selected)
        approved_total = sum(approved.values())
        lines = queries.usage_lines(approved, occupied[selected.year])
        deviations = queries.plan_deviations(selected, institution.kind, stage)
    return render_template(
        "hr/posts/plans.html",
        institution=institution,
        summaries=summaries,
        selected=selected,
        selected_on=on_days.get(selected_year),
        lines=lines,
        approved_total=approved_total,
        deviations=deviations,
        stage=stage,
        stages=stages,
        this_year=today.year,
        years=years,
    )


def _grid(form: PlanForm, occupied: dict) -> list[dict]:
    """Return the grid rows per category for the template: field and occupied count."""
    return [
        {
            "category": category,
            "rows": [
                {
                    "field": form.count_field(category.value, grade),
                    "occupied": occupied.get((category.value, grade), 0),
                }
                for grade in GRADES[category]
            ],
        }
        for category in PostCategory
    ]


@bp.route("/<int:institution_id>/plans/<int:year>", methods=["GET", "POST"])
@login_required
def plan_edit(institution_id: int, year: int):
    institution = hr_institution_or_404(institution_id, write=True)
    if not posts_ops.MIN_YEAR <= year <= posts_ops.MAX_YEAR:
        abort(404)
    plan = queries.plan_for(institution.id, year)
    previous = queries.plan_for(institution.id, year - 1) if plan is None else None
    if request.method == "POST" and request.form.get("action") == "copy":
        perform(
            posts_ops.copy_previous_plan,
            institution,
            year,
            success=_("已复制 %(y)d 年方案为 %(n)d 年方案，请核对后保存。", y=year - 1, n=year),
        )
        return redirect(url_for(".plan_edit", institution_id=institution.id, year=year))

    form = PlanForm(obj=plan)
    if request.method == "GET" and plan is not None:
        for line in plan.lines:
            form.count_field(line.category, line.grade).data = line.approved_count
    refused = False
    if form.validate_on_submit():
        done = perform(
            posts_ops.save_plan,
            institution,
            year,
            form.counts(),
            document_number=form.document_number.data,
            note=form.note.data,
            form=form,
            success=_("已保存 %(y)d 年岗位设置方案。", y=year),
        )
        if done:
            deviations = queries.plan_deviations(
                done.value, institution.kind, _stage(institution, year)[0]
            )
            if deviations:
                # the deviations themselves are listed on the page the user lands on
                flash(
                    _(
                        "方案与岗位结构比例要求有 %(n)d 处偏差（仅提示，不影响保存），见方案下方。",
                        n=len(deviations),
                    ),
                    "warning",
                )
            return redirect(url_for(".plans", institution_id=institution.id, year=year))
        refused = True
    on = queries.usage_date(year, china_today())
    stage, stages = _stage(institution, year)
    return render_template(
        "hr/posts/plan_edit.html",
        institution=institution,
        year=year,
        plan=plan,
        previous=previous,
        form=form,
        grid=_grid(form, queries.occupied_counts(institution.id, on)),
        on=on,
        deviations=queries.plan_deviations(plan, institution.kind, stage) if plan else [],
        stage=stage,
        stages=stages,
    ), 422 if form.errors or refused else 200


@bp.route("/<int:institution_id>/employments/<int:employment_id>/appoint", methods=["GET", "POST"])
@login_required
def appoint(institution_id: int, employment_id: int):
    institution = hr_institution_or_404(institution_id, write=True)
    employment = employment_or_404(institution.id, employment_id)
    history = queries.appointments_of(employment.id)
    current = history[0] if history and history[0].end_on is None else None
    form = AppointForm()
    if request.method == "GET":
        form.start_on.data = china_today()
        if current is not None:
            form.post.data = f"{current.category}:{current.grade}"
            form.post_name.data = current.post_name
    warnings: list[str] = []
    refused = False
    if form.validate_on_submit():
        category, grade = form.category_and_grade()
        done = perform(
            posts_ops.appoint,
            employment,
            category,
            grade,
            form.post_name.data,
            form.start_on.data,
            override_reason=form.override_reason.data,
            form=form,
            success=lambda appointment: _(
                "已聘任%(name)s为%(post)s（%(title)s），自 %(on)s 起。",
                name=employment.person.name,
                post=appointment.grade_label,
                title=appointment.post_name,
                on=appointment.start_on.isoformat(),
            ),
        )
        if done:
            return redirect(
                url_for(".posts_on", institution_id=institution.id, on=done.value.start_on)
            )
        refused = True
        if isinstance(done.refusal, posts_ops.NeedsOverride):
            warnings = done.refusal.warnings
    if not warnings and form.post.data and form.start_on.data and "post" not in form.errors:
        # Show the rule check for what the form holds now (after another error, say).
        category, grade = form.category_and_grade()
        warnings = promotion_warnings(
            Post(current.category, current.grade, current.start_on) if current else None,
            Post(category, grade),
            form.start_on.data,
            years_in_grade=years_in_grade_on(form.start_on.data),
        ) + title_warnings(
            employment.professional_title,
            category,
            grade,
            title_grades_on(form.start_on.data),
        )
    return render_template(
        "hr/posts/appoint.html",
        institution=institution,
        employment=employment,
        current=current,
        history=history,
        form=form,
        warnings=warnings,
        latest=history[0] if history else None,
    ), 422 if form.errors or refused else 200


@bp.route(
    "/<int:institution_id>/appointments/<int:appointment_id>/correct", methods=["GET", "POST"]
)
@login_required
def appointment_correct(institution_id: int, appointment_id: int):
    institution = hr_institution_or_404(institution_id, write=True)
    appointment = queries.appointment_or_404(institution.id, appointment_id)
    employment = appointment.employment
    history = queries.appointments_of(employment.id)
    form = CorrectAppointmentForm()
    if request.method == "GET":
        form.post.data = f"{appointment.category}:{appointment.grade}"
        form.post_name.data = appointment.post_name
    refused = False
    if form.validate_on_submit():
        category, grade = form.category_and_grade()
        done = perform(
            posts_ops.correct_appointment,
            appointment,
            category,
            grade,
            form.post_name.data,
            form.reason.data,
            form=form,
            success=lambda result: _(
                "已更正%(name)s自 %(on)s 起的聘任：%(post)s（%(title)s）。",
                name=employment.person.name,
                on=result[0].start_on.isoformat(),
                post=result[0].grade_label,
                title=result[0].post_name,
            ),
        )
        if done:
            _appointment, warnings = done.value
            if warnings:
                flash(
                    _(
                        "更正后的岗位有以下提示，已与更正理由一并记录：%(w)s",
                        w=joined(warnings, "；"),
                    ),
                    "warning",
                )
            return redirect(
                url_for(".appoint", institution_id=institution.id, employment_id=employment.id)
            )
        refused = True
    return render_template(
        "hr/posts/correct.html",
        institution=institution,
        employment=employment,
        appointment=appointment,
        history=history,
        is_latest=bool(history) and history[0].id == appointment.id,
        form=form,
    ), 422 if form.errors or refused else 200


def _posts_filters() -> dict:
    category = request.args.get("category")
    return {
        "category": category if category in set(PostCategory) else None,
        "q": request.args.get("q", "").strip() or None,
    }


def _on_arg() -> tuple[date, bool]:
    """Return the date asked for (today if missing) and whether what was given was invalid."""
    raw = request.args.get("on", "").strip()
    if not raw:
        return china_today(), False
    try:
        return date.fromisoformat(raw), False
    except ValueError:
        return china_today(), True


@bp.route("/<int:institution_id>/posts")
@login_required
def posts_on(institution_id: int):
    institution = hr_institution_or_404(institution_id)
    on, invalid = _on_arg()
    if invalid:
        flash(_("日期格式不对，请按 YYYY-MM-DD 填写；已显示今天的情况。"), "warning")
    filters = _posts_filters()
    sort = read_sort(queries.POSTS_SORTS, "post")
    page = paginate(
        queries.posts_on_query(institution.id, on, **filters),
        queries.POSTS_SORTS,
        sort,
        Appointment.id,
    )
    return render_template(
        "hr/posts/posts_on.html",
        institution=institution,
        on=on,
        page=page,
        sort=sort,
        filters=filters,
        categories=list(PostCategory),
    )


@bp.route("/<int:institution_id>/posts/export")
@login_required
def posts_on_export(institution_id: int):
    institution = hr_institution_or_404(institution_id)
    on = posts_jobs.export_day(request.args)
    stmt = posts_jobs.export_statement(institution.id, request.args, on)
    if export_as_job(posts_jobs.export_count(stmt)):
        # Too large for one request: the worker writes it, the job page offers the file.
        job = start_job(
            posts_jobs.KIND,
            params={"args": request.args.to_dict()},
            institution_id=institution.id,
            actor=current_user,
            label=_("岗位聘用情况"),
            idempotency_key=f"{current_user.id}:{request.query_string.decode()[:80]}",
        )
        db.session.commit()
        return redirect(url_for("jobs.detail", job_id=job.id))
    filename, title = posts_jobs.export_title(institution, on)
    return xlsx_response(POSTS_EXPORT, posts_jobs.export_rows(stmt), filename, title=title)
