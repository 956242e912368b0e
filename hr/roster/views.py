"""HR pages: the 人员花名册 (roster) Excel import, its template, and the roster export."""

from __future__ import annotations

from flask import request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from core.errors import IMPORT_CONFLICT, on_conflict
from core.http import dated_filename, template_response, xlsx_response
from core.i18n import msg
from core.imports import context_for_request, import_page
from core.permissions import can
from hr.blueprint import bp
from hr.permissions import HR_MANAGE
from hr.queries import hr_institution_or_404
from hr.roster.excel import ROSTER_SPEC
from hr.roster.imports import ROSTER_IMPORTER
from hr.roster.queries import export_rows
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
    # Full ID numbers only for those who manage this institution's staff.
    full_id = can(current_user, HR_MANAGE, institution)
    rows = export_rows(
        institution_ids=[institution.id],
        mask_ids=not full_id,
        full_id=full_id,
        **StaffFilters.from_args(request.args, default_status="active").as_dict(),
    )
    return xlsx_response(ROSTER_SPEC, rows, dated_filename(f"人员花名册-{institution.name}"))
