"""Hospital pages: performance schemes (岗位绩效) — list, create, edit, figures import,
allocation, submission to the council and the allocation's Excel export."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from core.actions import perform
from core.errors import IMPORT_CONFLICT, on_conflict
from core.extensions import db
from core.http import template_response, xlsx_response
from core.i18n import msg
from core.imports import context_for_request, import_page
from core.permissions import can
from hospitals.access import hospital_or_404
from hospitals.blueprint import bp
from hospitals.findings import SchemeRejected, number
from hospitals.indicators import ALLOWED, Dimension, by_dimension
from hospitals.models import SchemeStatus
from hospitals.performance import operations, queries
from hospitals.performance.excel import ALLOCATION_EXPORT, FIGURES_IMPORT
from hospitals.performance.forms import SchemeForm, SubmitSchemeForm
from hospitals.performance.imports import FIGURES_IMPORTER
from hospitals.performance.lines import format_lines
from hospitals.permissions import HOSPITALS_MANAGE
from hr.models import Identity
from institutions.governance.models import Meeting

STATUS_LABELS = {
    SchemeStatus.DRAFT.value: msg("草稿"),
    SchemeStatus.ALLOCATED.value: msg("已分配，待提交理事会"),
    SchemeStatus.SUBMITTED.value: msg("理事会审议中"),
    SchemeStatus.APPROVED.value: msg("理事会已批准"),
}


@bp.route("/<int:institution_id>/performance")
@login_required
def schemes(institution_id: int):
    institution = hospital_or_404(institution_id)
    return render_template(
        "hospitals/schemes.html",
        institution=institution,
        schemes=queries.schemes_of(institution.id),
        status_labels=STATUS_LABELS,
        can_manage=can(current_user, HOSPITALS_MANAGE, institution),
    )


def _problems(outcome, form) -> None:
    """Put every reason a scheme was rejected under the indicators field, not only the first."""
    refusal = outcome.refusal
    if isinstance(refusal, SchemeRejected):
        form.indicators.errors = [p.message for p in refusal.problems]


def _form_page(institution, form, scheme, status: int = 200):
    return render_template(
        "hospitals/scheme_form.html",
        institution=institution,
        form=form,
        scheme=scheme,
        catalogue=by_dimension(),
        dimensions=list(Dimension),
    ), status


@bp.route("/<int:institution_id>/performance/new", methods=["GET", "POST"])
@login_required
def scheme_new(institution_id: int):
    institution = hospital_or_404(institution_id, write=True)
    form = SchemeForm()
    if form.validate_on_submit():
        done = perform(
            operations.create_scheme,
            institution,
            form.data,
            form=form,
            success=lambda s: msg("已建立 %(p)s 绩效方案。", p=s.period),
        )
        if done:
            return redirect(
                url_for(".scheme", institution_id=institution.id, scheme_id=done.value.id)
            )
        _problems(done, form)
        return _form_page(institution, form, None, 422)
    return _form_page(institution, form, None, 422 if form.errors else 200)


@bp.route("/<int:institution_id>/performance/<int:scheme_id>/edit", methods=["GET", "POST"])
@login_required
def scheme_edit(institution_id: int, scheme_id: int):
    institution = hospital_or_404(institution_id, write=True)
    scheme = queries.scheme_or_404(institution.id, scheme_id)
    form = SchemeForm()
    form.period.render_kw = {"readonly": True}
    if request.method == "GET":
        form.period.data = scheme.period
        form.pool.data = scheme.pool
        form.floor.data = scheme.floor
        form.indicators.data = format_lines((i.key, i.weight) for i in scheme.indicators)
    if form.validate_on_submit():
        done = perform(
            operations.update_scheme,
            scheme,
            form.data,
            form=form,
            success=msg("已保存 %(p)s 绩效方案，请重新计算分配。", p=scheme.period),
        )
        if done:
            return redirect(url_for(".scheme", institution_id=institution.id, scheme_id=scheme.id))
        _problems(done, form)
        return _form_page(institution, form, scheme, 422)
    return _form_page(institution, form, scheme, 422 if form.errors else 200)


def _scheme_page(institution, scheme, submit_form=None, status: int = 200):
    rows = queries.shares(scheme)
    if submit_form is None:
        submit_form = SubmitSchemeForm(formdata=None)
        submit_form.meeting_id.choices = [
            (m.id, m.title) for m in queries.open_meetings(institution.id)
        ]
    return render_template(
        "hospitals/scheme.html",
        institution=institution,
        scheme=scheme,
        indicators=[(i, ALLOWED.get(i.key)) for i in scheme.indicators],
        figures=queries.figures(scheme),
        rows=rows,
        totals=queries.department_totals(rows),
        allocated=sum((r.amount for r in rows), 0),
        status_labels=STATUS_LABELS,
        identity_labels=Identity.labels(),
        number=number,
        can_manage=can(current_user, HOSPITALS_MANAGE, institution),
        submit_form=submit_form,
        motion=queries.motion_of(scheme),
    ), status


@bp.route("/<int:institution_id>/performance/<int:scheme_id>")
@login_required
def scheme(institution_id: int, scheme_id: int):
    institution = hospital_or_404(institution_id)
    return _scheme_page(institution, queries.scheme_or_404(institution.id, scheme_id))


@bp.route("/<int:institution_id>/performance/<int:scheme_id>/allocate", methods=["POST"])
@login_required
def scheme_allocate(institution_id: int, scheme_id: int):
    institution = hospital_or_404(institution_id, write=True)
    scheme = queries.scheme_or_404(institution.id, scheme_id)
    # a refusal (missing figures, nobody to pay, anyone below the floor) is flashed
    perform(
        operations.allocate_scheme,
        scheme,
        success=lambda a: msg("已分配 %(total)s 元给 %(n)d 人。", total=a.pool, n=len(a.people())),
    )
    return redirect(url_for(".scheme", institution_id=institution.id, scheme_id=scheme_id))


@bp.route("/<int:institution_id>/performance/<int:scheme_id>/submit", methods=["POST"])
@login_required
def scheme_submit(institution_id: int, scheme_id: int):
    """提交理事会审议: the allocation goes on a council meeting's agenda as the motion's subject."""
    institution = hospital_or_404(institution_id, write=True)
    scheme = queries.scheme_or_404(institution.id, scheme_id)
    form = SubmitSchemeForm()
    form.meeting_id.choices = [(m.id, m.title) for m in queries.open_meetings(institution.id)]
    if form.validate_on_submit():
        meeting = db.session.get(Meeting, form.meeting_id.data)
        if meeting is None or meeting.institution_id != institution.id:
            abort(404)
        done = perform(
            operations.submit_scheme,
            scheme,
            meeting,
            actor=current_user,
            form=form,
            success=msg("已提交理事会审议：表决通过后分配额计入 %(p)s 工资。", p=scheme.period),
        )
        if done:
            return redirect(url_for(".scheme", institution_id=institution.id, scheme_id=scheme_id))
    return _scheme_page(institution, scheme, form, 422)


@bp.route("/<int:institution_id>/performance/<int:scheme_id>/export")
@login_required
def scheme_export(institution_id: int, scheme_id: int):
    institution = hospital_or_404(institution_id)
    scheme = queries.scheme_or_404(institution.id, scheme_id)
    labels = Identity.labels()
    rows = (
        {
            "department": r.department,
            "staff_number": r.staff_number,
            "name": r.name,
            "identity": labels.get(r.identity, r.identity),
            "score": r.score,
            "amount": r.amount,
        }
        for r in queries.shares(scheme)
    )
    return xlsx_response(
        ALLOCATION_EXPORT, rows, f"{institution.name}-{scheme.period}-{_('绩效分配')}.xlsx"
    )


@bp.route("/<int:institution_id>/performance/figures/import", methods=["GET", "POST"])
@login_required
@on_conflict(IMPORT_CONFLICT)
def figures_import(institution_id: int):
    institution = hospital_or_404(institution_id, write=True)
    return import_page(
        FIGURES_IMPORTER,
        context_for_request(institution.id),
        title=_("导入绩效指标数据"),
        back_url=url_for(".schemes", institution_id=institution.id),
        template_url=url_for(".figures_template", institution_id=institution.id),
        breadcrumbs=[
            (_("医院"), url_for(".index")),
            (institution.name, url_for(".overview", institution_id=institution.id)),
            (_("岗位绩效"), url_for(".schemes", institution_id=institution.id)),
        ],
    )


@bp.route("/<int:institution_id>/performance/figures/template")
@login_required
def figures_template(institution_id: int):
    hospital_or_404(institution_id, write=True)
    return template_response(FIGURES_IMPORT, "绩效指标数据导入模板.xlsx")
