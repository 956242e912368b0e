"""HR pages: an institution's departments (科室 / 处室) — list, create, rename, deactivate."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_login import current_user, login_required

from core.actions import perform
from core.i18n import msg
from core.ids import china_today
from core.permissions import can
from hr.blueprint import bp
from hr.departments import operations, queries
from hr.departments.forms import DepartmentForm
from hr.permissions import HR_MANAGE
from hr.queries import hr_institution_or_404


@bp.route("/<int:institution_id>/departments")
@login_required
def departments(institution_id: int):
    institution = hr_institution_or_404(institution_id)
    return render_template(
        "hr/departments/departments.html",
        institution=institution,
        departments=queries.departments_of(institution.id),
        counts=queries.staff_counts(institution.id, china_today()),
        can_manage=can(current_user, HR_MANAGE, institution),
    )


@bp.route("/<int:institution_id>/departments/new", methods=["GET", "POST"])
@login_required
def department_create(institution_id: int):
    institution = hr_institution_or_404(institution_id, write=True)
    form = DepartmentForm()
    refused = False
    if form.validate_on_submit():
        done = perform(
            operations.create_department,
            institution,
            form.name.data,
            form.kind.data,
            form=form,
            success=lambda d: msg("已建立部门「%(n)s」。", n=d.name),
        )
        if done:
            return redirect(url_for(".departments", institution_id=institution.id))
        refused = True
    return render_template(
        "hr/departments/department_form.html",
        institution=institution,
        department=None,
        form=form,
    ), 422 if form.errors or refused else 200


@bp.route("/<int:institution_id>/departments/<int:department_id>/edit", methods=["GET", "POST"])
@login_required
def department_edit(institution_id: int, department_id: int):
    institution = hr_institution_or_404(institution_id, write=True)
    department = queries.department_or_404(institution.id, department_id)
    form = DepartmentForm(obj=department)
    refused = False
    if form.validate_on_submit():
        done = perform(
            operations.update_department,
            department,
            form.name.data,
            form.kind.data,
            form=form,
            success=msg("已保存部门「%(n)s」。", n=form.name.data),
        )
        if done:
            return redirect(url_for(".departments", institution_id=institution.id))
        refused = True
    return render_template(
        "hr/departments/department_form.html",
        institution=institution,
        department=department,
        form=form,
    ), 422 if form.errors or refused else 200


@bp.route("/<int:institution_id>/departments/<int:department_id>/active", methods=["POST"])
@login_required
def department_toggle(institution_id: int, department_id: int):
    institution = hr_institution_or_404(institution_id, write=True)
    department = queries.department_or_404(institution.id, department_id)
    # CSRF is checked for every POST by the app (core.extensions.csrf).
    active = request.form.get("active") == "1"
    perform(
        operations.set_active,
        department,
        active,
        success=(
            msg("已重新启用部门「%(n)s」。", n=department.name)
            if active
            else msg("已停用部门「%(n)s」：现有人员不变，不能再有人员加入。", n=department.name)
        ),
    )
    return redirect(url_for(".departments", institution_id=institution.id))
