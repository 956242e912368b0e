"""HR pages: the 人员花名册 (roster) Excel import, its template, and the roster export."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from core.actions import perform
from core.errors import IMPORT_CONFLICT, on_conflict
from core.excel import CellError
from core.extensions import db
from core.http import (
    dated_filename,
    export_as_job,
    read_upload,
    template_response,
    xlsx_response,
)
from core.jobs import start_job
from core.permissions import can
from hr.blueprint import bp
from hr.permissions import HR_MANAGE
from hr.queries import hr_institution_or_404
from hr.roster import jobs as roster_jobs
from hr.roster.checks import check_roster
from hr.roster.excel import ROSTER_SPEC
from hr.roster.forms import RosterImportForm
from hr.roster.operations import import_roster
from hr.roster.queries import export_count, export_rows
from hr.staff.queries import StaffFilters


@bp.route("/<int:institution_id>/roster/import", methods=["GET", "POST"])
@login_required
@on_conflict(IMPORT_CONFLICT)
def roster_import(institution_id: int):
    institution = hr_institution_or_404(institution_id, write=True)
    form = RosterImportForm()
    errors: list[CellError | str] = []
    if form.validate_on_submit():
        result = read_upload(request.files.get("file"), ROSTER_SPEC)
        errors = list(result.errors)
        if not errors and not result.rows:
            errors = [_("文件中没有数据行。")]
        elif result.rows:
            # Whole-file and database checks run on the rows that read cleanly, so one
            # upload reports every problem at once.
            errors = sorted(
                [
                    *errors,
                    *check_roster(
                        result.rows,
                        institution=institution,
                        create_departments=form.create_departments.data,
                    ),
                ],
                key=lambda e: e.row or 0,
            )
        if not errors:
            done = perform(
                import_roster,
                result.rows,
                form=form,
                success=lambda summary: _(
                    "已导入 %(n)d 人（新建人员 %(c)d 名，沿用已有人员 %(r)d 名）。",
                    n=summary.employments,
                    c=summary.people_created,
                    r=summary.people_reused,
                ),
            )
            if done:
                return redirect(url_for(".roster_import", institution_id=institution.id))
        db.session.rollback()
    return render_template(
        "hr/roster/roster_import.html", form=form, errors=errors, institution=institution
    ), 422 if errors or form.errors else 200


@bp.route("/<int:institution_id>/roster/template")
@login_required
def roster_template(institution_id: int):
    hr_institution_or_404(institution_id, write=True)
    return template_response(ROSTER_SPEC, "人员花名册导入模板.xlsx")


@bp.route("/<int:institution_id>/roster/export")
@login_required
def roster_export(institution_id: int):
    institution = hr_institution_or_404(institution_id)
    # Full ID numbers only for those who manage this institution's staff.
    full_id = can(current_user, HR_MANAGE, institution)
    filters = StaffFilters.from_args(request.args, default_status="active").as_dict()
    count = export_count(institution_ids=[institution.id], full_id=full_id, **dict(filters))
    if export_as_job(count):
        # Too large for one request: the worker writes it, the job page offers the file.
        job = start_job(
            roster_jobs.KIND,
            params={"args": request.args.to_dict()},
            institution_id=institution.id,
            actor=current_user,
            label=_("人员花名册"),
            idempotency_key=f"{current_user.id}:{request.query_string.decode()[:80]}",
        )
        db.session.commit()
        return redirect(url_for("jobs.detail", job_id=job.id))
    rows = export_rows(
        institution_ids=[institution.id], mask_ids=not full_id, full_id=full_id, **filters
    )
    return xlsx_response(ROSTER_SPEC, rows, dated_filename(f"人员花名册-{institution.name}"))
