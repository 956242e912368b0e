"""HR pages: the 人员花名册 (roster) Excel import, its template, and the roster export."""

from __future__ import annotations

from flask import redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from core.errors import IMPORT_CONFLICT, on_conflict
from core.extensions import db
from core.http import dated_filename, export_as_job, template_response, xlsx_response
from core.i18n import msg
from core.imports import context_for_request, import_page
from core.jobs import start_job
from hr.blueprint import bp
from hr.queries import hr_institution_or_404
from hr.roster import jobs as roster_jobs
from hr.roster.excel import ROSTER_SPEC
from hr.roster.imports import ROSTER_IMPORTER
from hr.roster.queries import export_count, export_rows
from hr.staff.masking import sees_full_numbers
from hr.staff.queries import StaffFilters


@bp.route("/<int:institution_id>/roster/import", methods=["GET", "POST"])
@login_required
@on_conflict(IMPORT_CONFLICT)
def roster_import(institution_id: int):
    institution = hr_institution_or_404(institution_id, write=True)
    return import_page(
        ROSTER_IMPORTER,
        context_for_request(institution.id),
        title=_("导入人员花名册"),
        back_url=url_for(".staff", institution_id=institution.id),
        template_url=url_for(".roster_template", institution_id=institution.id),
        breadcrumbs=[
            (_("人事管理"), url_for(".index")),
            (institution.name, url_for(".staff", institution_id=institution.id)),
        ],
        notes=[
            msg(
                "每行一名人员；「单位代码」填写本单位的统一社会信用代码（%(code)s）。",
                code=institution.credit_code,
            ),
            msg("已在系统中的人员按身份证号匹配，姓名须与系统一致；工号在本单位内不能重复。"),
            msg(
                "「部门」须是本单位已有的部门（见“部门”页）；文件中有新部门时，"
                "确认页可选择导入时一并建立。"
            ),
            msg(
                "「事业编制」「员额」人员占用本单位的编制或员额，"
                "超出空编时整个文件不予导入（严禁超编进人）。"
            ),
            msg(
                "超过 %(n)d 行的文件在后台导入，可在任务页查看进度和结果。",
                n=ROSTER_IMPORTER.job_threshold,
            ),
        ],
        include="hr/_nav.html",
        institution=institution,
    )


@bp.route("/<int:institution_id>/roster/template")
@login_required
def roster_template(institution_id: int):
    hr_institution_or_404(institution_id, write=True)
    return template_response(ROSTER_SPEC, ROSTER_IMPORTER.template_name())


@bp.route("/<int:institution_id>/roster/export")
@login_required
def roster_export(institution_id: int):
    institution = hr_institution_or_404(institution_id)
    # Whole ID and account numbers only for the HR officers of this institution.
    full_id = sees_full_numbers(current_user, institution)
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
