"""The registry: list, search, detail, create, edit, Excel import and export; sponsors."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from core.errors import IMPORT_CONFLICT, on_conflict
from core.extensions import db
from core.forms import choices
from core.http import dated_filename, template_response, xlsx_response
from core.imports import context_for_request, import_page
from core.listing import paginate, read_sort
from core.permissions import require, roles_in, scope_for
from core.regions import REGIONS
from institutions.blueprint import bp
from institutions.models import Institution, InstitutionKind, InstitutionStatus, Sponsor
from institutions.permissions import REGISTRY_MANAGE, REGISTRY_VIEW
from institutions.registry import operations, queries
from institutions.registry.excel import REGISTRY_EXPORT, REGISTRY_IMPORT, export_row
from institutions.registry.forms import InstitutionForm, SponsorForm
from institutions.registry.imports import REGISTRY_IMPORTER


def _filters() -> dict:
    return {
        "q": request.args.get("q", "").strip() or None,
        "kind": request.args.get("kind")
        if request.args.get("kind") in set(InstitutionKind)
        else None,
        "district": request.args.get("district")
        if request.args.get("district") in REGIONS
        else None,
        "sponsor_id": request.args.get("sponsor_id", type=int),
        "status": request.args.get("status")
        if request.args.get("status") in set(InstitutionStatus)
        else None,
    }


@bp.route("/")
@login_required
def index():
    require(REGISTRY_VIEW)
    scope = scope_for(current_user, REGISTRY_VIEW)
    filters = _filters()
    sort = read_sort(queries.INSTITUTION_SORTS, "name")
    page = paginate(
        queries.institutions(scope, **filters), queries.INSTITUTION_SORTS, sort, Institution.id
    )
    return render_template(
        "institutions/index.html",
        page=page,
        sort=sort,
        filters=filters,
        kinds=list(InstitutionKind),
        statuses=list(InstitutionStatus),
        regions=REGIONS,
        sponsors=queries.sponsors_in(scope),
    )


@bp.route("/export")
@login_required
def export():
    require(REGISTRY_VIEW)
    scope = scope_for(current_user, REGISTRY_VIEW)
    stmt = queries.institutions(scope, **_filters()).order_by(Institution.name, Institution.id)
    rows = (export_row(i) for i in db.session.scalars(stmt))
    return xlsx_response(REGISTRY_EXPORT, rows, dated_filename("事业单位登记"))


@bp.route("/<int:institution_id>")
@login_required
def detail(institution_id: int):
    institution = queries.get_institution_or_404(
        scope_for(current_user, REGISTRY_VIEW), institution_id
    )
    return render_template(
        "institutions/detail.html",
        institution=institution,
        my_roles=sorted(role.label for role in roles_in(current_user, institution)),
        warnings=queries.warnings_for(institution),
    )


def _institution_form(obj: Institution | None = None) -> InstitutionForm:
    form = InstitutionForm(obj=obj)
    form.sponsor_id.choices = choices((s.id, s.name) for s in queries.sponsors())
    return form


def _save_errors(form: InstitutionForm, error: operations.RegistryError) -> None:
    getattr(form, error.field or "name").errors.append(str(error))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    require(REGISTRY_MANAGE)
    form = _institution_form()
    if form.validate_on_submit():
        try:
            institution = operations.create_institution(form.data)
        except operations.RegistryError as error:
            _save_errors(form, error)
        else:
            db.session.commit()
            flash(_("已登记「%(n)s」。", n=institution.name), "success")
            return redirect(url_for(".detail", institution_id=institution.id))
    return render_template(
        "institutions/form.html", form=form, institution=None
    ), 422 if form.errors else 200


@bp.route("/<int:institution_id>/edit", methods=["GET", "POST"])
@login_required
def edit(institution_id: int):
    institution = queries.get_institution_or_404(
        scope_for(current_user, REGISTRY_VIEW), institution_id
    )
    require(REGISTRY_MANAGE, institution)
    form = _institution_form(institution)
    if form.validate_on_submit():
        try:
            changes = operations.update_institution(institution, form.data)
        except operations.RegistryError as error:
            _save_errors(form, error)
        else:
            db.session.commit()
            if changes:
                flash(_("已保存修改。"), "success")
            else:
                flash(_("没有需要保存的修改。"), "info")
            return redirect(url_for(".detail", institution_id=institution.id))
    if request.method == "GET":
        form.warnings = form.consistency_warnings()
    return render_template(
        "institutions/form.html", form=form, institution=institution
    ), 422 if form.errors else 200


@bp.route("/import", methods=["GET", "POST"])
@login_required
@on_conflict(IMPORT_CONFLICT)
def import_():
    require(REGISTRY_MANAGE)
    return import_page(
        REGISTRY_IMPORTER,
        context_for_request(None),
        title=_("Excel 导入事业单位"),
        back_url=url_for(".index"),
        template_url=url_for(".import_template"),
        breadcrumbs=[(_("事业单位登记"), url_for(".index"))],
    )


@bp.route("/import/template")
@login_required
def import_template():
    require(REGISTRY_MANAGE)
    return template_response(REGISTRY_IMPORT, "事业单位登记导入模板.xlsx")


@bp.route("/sponsors")
@login_required
def sponsors():
    require(REGISTRY_MANAGE)
    return render_template("institutions/sponsors.html", sponsors=queries.sponsors_with_counts())


@bp.route("/sponsors/new", methods=["GET", "POST"])
@login_required
def sponsor_create():
    require(REGISTRY_MANAGE)
    form = SponsorForm()
    if form.validate_on_submit():
        try:
            sponsor = operations.create_sponsor(form.data)
        except operations.RegistryError as error:
            form.name.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("已添加举办单位「%(n)s」。", n=sponsor.name), "success")
            return redirect(url_for(".sponsors"))
    return render_template(
        "institutions/sponsor_form.html", form=form, sponsor=None
    ), 422 if form.errors else 200


@bp.route("/sponsors/<int:sponsor_id>/edit", methods=["GET", "POST"])
@login_required
def sponsor_edit(sponsor_id: int):
    require(REGISTRY_MANAGE)
    sponsor = db.get_or_404(Sponsor, sponsor_id)
    form = SponsorForm(obj=sponsor)
    if form.validate_on_submit():
        try:
            operations.update_sponsor(sponsor, form.data)
        except operations.RegistryError as error:
            form.name.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("已保存修改。"), "success")
            return redirect(url_for(".sponsors"))
    return render_template(
        "institutions/sponsor_form.html", form=form, sponsor=sponsor
    ), 422 if form.errors else 200
