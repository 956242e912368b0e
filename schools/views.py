"""学校: profile, enrolment (form, Excel import and export), the teacher allowance against
HR's staff with its projection, and the stage each member of staff serves."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from core.actions import perform
from core.http import dated_filename, template_response, xlsx_response
from core.ids import china_today
from core.imports import context_for_request, import_page
from core.money import round_half_up
from hr.models import Identity
from institutions.models import InstitutionKind
from institutions.scoped import institution_for, render_module_index
from schools import operations, queries
from schools.chart import projection_chart
from schools.enrolment import check_grades
from schools.excel import ENROLMENT_SPEC
from schools.findings import Level, SchoolsRefusal, limit_percent, percent
from schools.forms import ProfileForm, StaffStageForm, enrolment_form
from schools.imports import ENROLMENT_IMPORTER
from schools.models import EnrolmentSource
from schools.permissions import SCHOOLS_MANAGE, SCHOOLS_VIEW
from schools.projection import MAX_YEARS, entry_grades, project
from schools.stages import Stage, grade_label, school_year_label

bp = Blueprint("schools", __name__, url_prefix="/schools")

MAX_ENTRANTS = 100_000
IDENTITY_LABELS = {i.value: i.label for i in Identity}


@bp.route("/")
@login_required
def index():
    return render_module_index(
        "schools/index.html", SCHOOLS_VIEW, kind="school", target="schools.overview"
    )


def _projection(institution, profile, today):
    """Return the projection from the recorded years (None without any), and its inputs."""
    history = queries.history(institution.id)
    settings = queries.projection_settings(today)
    years = request.args.get("years", type=int) or int(settings["years"])
    years = min(max(years, 1), MAX_YEARS)
    entrants = request.args.get("entrants", type=int)
    if entrants is not None and not 0 <= entrants <= MAX_ENTRANTS:
        entrants = None
    if not history:
        return None, years, entrants, None
    base = max(history)
    rules_on = max(today, queries.staff_date(base, today))
    layout = queries.grade_layout(rules_on)
    entries = entry_grades(profile.stages, layout)
    try:
        projection = project(
            history,
            stages=profile.stages,
            rules=queries.allowance_rules(rules_on),
            class_rules=queries.class_rules(rules_on),
            years=years,
            trend_years=int(settings["trend_years"]),
            entrants={grade: entrants for grade in entries} if entrants is not None else None,
            staff=queries.staff_counts(institution.id, today, profile.stages),
            layout=layout,
        )
    except SchoolsRefusal as refusal:
        return None, years, entrants, refusal.message
    return projection, years, entrants, None


def _year_details(current: queries.YearAllowance) -> dict:
    """What the overview shows of a recorded year beside the allowance table."""
    enrolment = current.enrolment
    rules_on = date(enrolment.year, queries.FIRST_MONTH, 1)
    report = current.report
    share = report.non_teaching_share
    profile_stages = [figure.stage for figure in report.stages]
    return {
        "rounding_label": queries.allowance_rules(rules_on).rounding.label,
        "nt_share": percent(share) if share is not None else None,
        "nt_cap": limit_percent(report.non_teaching_cap),
        "source_label": EnrolmentSource.LABELS.get(enrolment.source, ""),
        "grade_rows": [
            (
                g,
                grade_label(g.grade),
                round_half_up(Decimal(g.students) / g.classes, Decimal("0.1"))
                if g.classes
                else None,
            )
            for g in enrolment.grades
        ],
        "class_findings": check_grades(
            queries.grades_of(enrolment),
            queries.class_rules(rules_on),
            stages=profile_stages,
            layout=queries.grade_layout(rules_on),
        ),
    }


@bp.route("/<int:institution_id>/")
@login_required
def overview(institution_id: int):
    """The school: its profile, the allowance of a year against HR's staff, the projection."""
    institution = institution_for(institution_id, SCHOOLS_VIEW)
    today = china_today()
    profile = queries.profile_of(institution.id)
    page = {
        "institution": institution,
        "profile": profile,
        "is_school": institution.kind == InstitutionKind.SCHOOL.value,
        "years": [],
        "current": None,
        "projection": None,
        "this_year": queries.school_year_of(today),
    }
    if profile is not None:
        years = queries.enrolment_years(institution.id)
        wanted = request.args.get("year", type=int)
        enrolment = next((e for e in years if e.year == wanted), years[0] if years else None)
        current = queries.allowance_for(profile, enrolment, today) if enrolment else None
        projection, n_years, entrants, problem = _projection(institution, profile, today)
        if current is not None:
            page.update(_year_details(current))
        page.update(
            years=years,
            current=current,
            this_year=queries.school_year_of(today),
            findings=sorted(
                current.report.findings if current else (),
                key=lambda f: [Level.ERROR, Level.WARNING, Level.NOTICE].index(f.level),
            ),
            projection=projection,
            chart=projection_chart(projection) if projection else None,
            projection_years=n_years,
            entrants=entrants,
            projection_problem=problem,
            max_years=MAX_YEARS,
            school_year_label=school_year_label,
        )
    return render_template("schools/overview.html", **page)


@bp.route("/<int:institution_id>/profile", methods=["GET", "POST"])
@login_required
def profile_edit(institution_id: int):
    institution = institution_for(institution_id, SCHOOLS_MANAGE)
    profile = queries.profile_of(institution.id)
    form = ProfileForm(obj=profile)
    refused = False
    if form.validate_on_submit():
        done = perform(
            operations.save_profile,
            institution,
            form.data,
            form=form,
            success=_("已保存学校概况。"),
        )
        if done:
            return redirect(url_for(".overview", institution_id=institution.id))
        refused = True
    return render_template(
        "schools/profile_form.html", institution=institution, profile=profile, form=form
    ), 422 if form.errors or refused else 200


@bp.route("/<int:institution_id>/enrolment/<int:year>", methods=["GET", "POST"])
@login_required
def enrolment_edit(institution_id: int, year: int):
    """Enter (or correct) a school year's classes and students per grade."""
    institution = institution_for(institution_id, SCHOOLS_MANAGE)
    profile = queries.profile_of(institution.id)
    page = {"institution": institution, "profile": profile, "year": year, "form": None}
    if profile is None:
        return render_template("schools/enrolment_form.html", **page)
    grades = queries.grade_layout(china_today()).school_grades(profile.stages)
    form = enrolment_form(grades)
    recorded = queries.enrolment_year(institution.id, year)
    if request.method == "GET":
        form.year.data = year
        if recorded is not None:
            form.fill(recorded.grades)
    page.update(form=form, recorded=recorded, year_label=school_year_label(year))
    refused = False
    if form.validate_on_submit():
        done = perform(
            operations.save_enrolment,
            profile,
            form.year.data,
            form.grade_data(),
            today=china_today(),
            form=form,
            success=lambda saved: _(
                "已保存 %(year)s 的学生数，共 %(n)d 人。",
                year=school_year_label(saved[0].year),
                n=saved[0].students,
            ),
        )
        if done:
            _enrolment, findings = done.value
            for finding in findings:
                if finding.level is Level.WARNING:
                    flash(str(finding.message), "warning")
            return redirect(
                url_for(".overview", institution_id=institution.id, year=form.year.data)
            )
        refused = True
    return render_template("schools/enrolment_form.html", **page), (
        422 if form.errors or refused else 200
    )


@bp.route("/<int:institution_id>/enrolment/import", methods=["GET", "POST"])
@login_required
def enrolment_import(institution_id: int):
    institution = institution_for(institution_id, SCHOOLS_MANAGE)
    return import_page(
        ENROLMENT_IMPORTER,
        context_for_request(institution.id),
        title=_("Excel 导入分年级学生数"),
        back_url=url_for(".overview", institution_id=institution.id),
        template_url=url_for(".enrolment_template", institution_id=institution.id),
        breadcrumbs=[
            (_("学校"), url_for(".index")),
            (institution.name, url_for(".overview", institution_id=institution.id)),
        ],
    )


@bp.route("/<int:institution_id>/enrolment/template")
@login_required
def enrolment_template(institution_id: int):
    institution_for(institution_id, SCHOOLS_MANAGE)
    return template_response(ENROLMENT_SPEC, "分年级学生数导入模板.xlsx")


@bp.route("/<int:institution_id>/enrolment/export")
@login_required
def enrolment_export(institution_id: int):
    """Every recorded year, one row per grade, in the import's columns."""
    institution = institution_for(institution_id, SCHOOLS_VIEW)
    rows = (
        {"year": e.year, "grade": g.grade, "classes": g.classes, "students": g.students}
        for e in reversed(queries.enrolment_years(institution.id))
        for g in e.grades
    )
    return xlsx_response(
        ENROLMENT_SPEC, rows, dated_filename(f"{institution.name}-{_('分年级学生数')}")
    )


@bp.route("/<int:institution_id>/staff")
@login_required
def staff(institution_id: int):
    """The staff HR employs today, with the stage each serves (combined schools)."""
    institution = institution_for(institution_id, SCHOOLS_VIEW)
    profile = queries.profile_of(institution.id)
    rows = queries.staff_rows(institution.id, china_today())
    form = StaffStageForm()
    form.offer(profile.stages if profile else ())
    return render_template(
        "schools/staff.html",
        institution=institution,
        profile=profile,
        rows=rows,
        form=form,
        stage_labels={s.value: s.label for s in Stage},
        identity_labels=IDENTITY_LABELS,
    )


@bp.route("/<int:institution_id>/staff/<int:employment_id>/stage", methods=["POST"])
@login_required
def staff_stage(institution_id: int, employment_id: int):
    institution = institution_for(institution_id, SCHOOLS_MANAGE)
    employment = queries.employment_or_404(institution.id, employment_id)
    profile = queries.profile_of(institution.id)
    if profile is None:
        flash(_("请先填写学校概况。"), "danger")
        return redirect(url_for(".staff", institution_id=institution.id))
    form = StaffStageForm()
    form.offer(profile.stages)
    if form.validate_on_submit():
        perform(
            operations.set_staff_stage,
            profile,
            employment,
            form.stage.data or None,
            success=_("已记录 %(n)s 的学段。", n=employment.person.name),
        )
    return redirect(url_for(".staff", institution_id=institution.id))
